"""How soon an open app learns of a colleague's save on PostgreSQL: LISTEN/NOTIFY against the 2-second look it replaced.

    .venv/bin/python benchmarks/live_refresh.py --database-url postgresql+psycopg://…/empty_db [--projects 1000] [--trials 20]

The database (empty, created for this) gets a generated portfolio
(`generate.py`), so the audit log the old look counted has a realistic
size. A colleague's connection then saves one actual at a time, at a random
moment, and the time from its commit until the app side has the new change
mark is measured both ways: the old way (a thread reading
`services.changes.change_mark` every `LiveRefresh.LOOK_EVERY` seconds) and
the new (waiting on `services.changes.listen`, then reading the mark once).
Printed: median and longest delay each way, their ratio, and what one look
costs, which the old way paid every 2 s per open app whether or not anything
had changed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write  # noqa: E402

from projtui.domain.quarter import Quarter  # noqa: E402
from projtui.services import reviews, users  # noqa: E402
from projtui.services.changes import change_mark, listen  # noqa: E402
from projtui.services.importing import import_snapshot  # noqa: E402
from projtui.services.opening import open_portfolio  # noqa: E402

LOOK_EVERY = 2.0  # ui.live_refresh.LiveRefresh.LOOK_EVERY (not imported: that imports Textual)
FIRST = Quarter(1990, 1)  # one quarter per save from here: no review, so none is frozen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database, written to")
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args(argv)
    db = open_portfolio(args.database_url, create=True)
    colleague = open_portfolio(args.database_url)
    users.claim_first_admin(db, "setup")
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / "big.toml"
        write(snapshot, args.projects)
        import_snapshot(db, snapshot.read_text(), source="big.toml", actor="setup")
    code, measure = db.fetch("SELECT p.code, m.code FROM measure m JOIN project p ON p.id = m.project_id ORDER BY p.code, m.code LIMIT 1")[0]
    saves = iter(range(10**6))

    def save() -> float:
        """One colleague's save; the moment it committed."""
        n = next(saves)
        reviews.set_actual(colleague, code, measure, FIRST.shift(n), float(n), expected_version=None, actor="setup")
        return time.perf_counter()

    looks = []
    for _ in range(20):
        began = time.perf_counter()
        change_mark(db)
        looks.append(time.perf_counter() - began)

    polled = _polling(db, save, args.trials)
    told = _listening(db, save, args.trials)
    colleague.dispose()
    db.dispose()
    print(f"PostgreSQL, {args.projects:,} projects; {args.trials} saves each way, each at a random moment")
    print(f"look every {LOOK_EVERY:.0f} s (before): median {statistics.median(polled) * 1000:.0f} ms, longest {max(polled) * 1000:.0f} ms")
    print(f"LISTEN/NOTIFY (now):     median {statistics.median(told) * 1000:.1f} ms, longest {max(told) * 1000:.1f} ms")
    print(f"ratio of medians (now / before): {statistics.median(told) / statistics.median(polled):.4f}")
    print(f"one look (change_mark: the audit log's count): median {statistics.median(looks) * 1000:.1f} ms, paid every {LOOK_EVERY:.0f} s per open app before")
    return 0


def _polling(db, save, trials: int) -> list[float]:
    """The old way: a thread reads the mark every LOOK_EVERY seconds; the delay is from commit to the look that saw it."""
    seen = threading.Event()
    stop = threading.Event()
    last = [change_mark(db)]

    def look() -> None:
        while not stop.wait(LOOK_EVERY):
            mark = change_mark(db)
            if mark != last[0]:
                last[0] = mark
                seen.set()

    thread = threading.Thread(target=look, daemon=True)
    thread.start()
    delays = []
    for _ in range(trials):
        time.sleep(random.uniform(0, LOOK_EVERY))
        seen.clear()
        committed = save()
        seen.wait()
        delays.append(time.perf_counter() - committed)
    stop.set()
    thread.join()
    return delays


def _listening(db, save, trials: int) -> list[float]:
    """The new way: wait to be told, then read the mark once."""
    delays = []
    with listen(db) as listener:
        for _ in range(trials):
            time.sleep(random.uniform(0, LOOK_EVERY))
            result: list[float] = []

            def wait() -> None:
                listener.wait(60)
                change_mark(db)
                result.append(time.perf_counter())

            waiter = threading.Thread(target=wait)
            waiter.start()
            committed = save()
            waiter.join()
            delays.append(result[0] - committed)
    return delays


if __name__ == "__main__":
    raise SystemExit(main())
