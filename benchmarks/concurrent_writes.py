"""A colleague saving actuals while a big import runs: how many saves go in, and how long the longest waited.

    .venv/bin/python benchmarks/concurrent_writes.py [--projects 5000] [--pause 0.1]

`projtui import` of a generated snapshot (`generate.py`) runs as its own
process; meanwhile this one saves an actual every `--pause` seconds, as
someone in review mode would, until the import has finished and at least
50 are saved. The import writes all or nothing, so a save that meets its
write waits for it (told "waiting for another change to finish…") rather
than failing. Printed: the import's time, saves attempted and saved, how
many were told to wait, and the longest wait. The test that all of them go
in is tests/test_concurrent_writes.py; this gives the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write  # noqa: E402

from projtui.domain.quarter import Quarter  # noqa: E402
from projtui.domain.waiting import told_when_waiting  # noqa: E402
from projtui.services import reviews, users  # noqa: E402
from projtui.services.importing import import_snapshot  # noqa: E402
from projtui.services.opening import open_portfolio  # noqa: E402
from projtui.snapshot import document as doc  # noqa: E402
from projtui.snapshot.writer import dump_document  # noqa: E402

MIN_SAVES = 50
FIRST = Quarter(1990, 1)  # one quarter per save from here: no review, so none is frozen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument("--pause", type=float, default=0.1, help="seconds between one save and the next")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path, snapshot = Path(tmp) / "p.db", Path(tmp) / "big.toml"
        db = open_portfolio(f"sqlite:///{path}", create=True)
        users.claim_first_admin(db, "setup")
        own = doc.Project(code="CC-1", name="Colleague's project", outcomes=[
            doc.Outcome(code="OC1", title="Outcome", measures=[doc.Measure(code="M1", name="Measure")])
        ])
        import_snapshot(db, dump_document(doc.Document(projects=[own])), source="own.toml", actor="setup")
        write(snapshot, args.projects)
        began = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "-m", "projtui", "import", str(snapshot), "--db", str(path)],
            env={**os.environ, "PROJTUI_LOGIN": "setup"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        waits, failures, told = [], [], 0

        def waiting() -> None:
            nonlocal told
            told += 1

        n = 0
        while importer.poll() is None or n < MIN_SAVES:
            start = time.perf_counter()
            try:
                with told_when_waiting(waiting):
                    reviews.set_actual(db, "CC-1", "M1", FIRST.shift(n), float(n), expected_version=None, actor="setup")
            except Exception as exc:  # noqa: BLE001 - counted and shown: that is the measurement
                failures.append(f"{type(exc).__name__}: {exc}")
            waits.append(time.perf_counter() - start)
            n += 1
            time.sleep(args.pause)
        _, err = importer.communicate()
        imported = time.perf_counter() - began
        db.dispose()
    print(f"import of {args.projects:,} projects: exit {importer.returncode}, {imported:.1f} s{(': ' + err.strip()) if err.strip() else ''}")
    print(f"saves attempted meanwhile: {len(waits)}; saved: {len(waits) - len(failures)}; told to wait: {told}; "
          f"longest wait: {max(waits):.2f} s")
    for failure in failures[:5]:
        print(f"  failed: {failure}")
    return 1 if failures or importer.returncode else 0


if __name__ == "__main__":
    raise SystemExit(main())
