"""The two processes of the concurrency test: a long import, and a colleague saving 50 actuals meanwhile.

Run as a script (`python concurrent_writers.py import|actuals DB ...`) so
each is its own process with its own connections, as two people's are.
They talk to the test over stdin/stdout, one word a line, so the test
decides when the import lets go: only once every save has said it is
waiting. That makes the overlap certain rather than a matter of timing.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from projtui.domain.quarter import Quarter
from projtui.domain.waiting import told_when_waiting
from projtui.services import reviews
from projtui.services.importing import import_snapshot
from projtui.store.database import Database

SAVES = 50
FIRST = Quarter(2012, 1)  # 50 quarters from here: no review, so none is published


def _say(word: str) -> None:
    print(word, flush=True)


def run_import(url: str, path: str) -> None:
    """Import the file; when the write starts, say "writing" and hold the lock until told "go"."""
    held = False

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal held
        if phase == "Writing projects" and not held:
            held = True
            _say("writing")
            sys.stdin.readline()  # the test says go once every save is waiting for us

    result = import_snapshot(Database(url), Path(path).read_text(), source=path, actor="setup", progress=progress)
    _say(f"imported {len(result.after.projects)}")


def run_actuals(url: str, project: str, measure: str) -> None:
    """Save 50 actuals, one per thread, all at once when told "go"; print each save's wait and outcome."""
    db = Database(url)
    start = threading.Event()
    lock = threading.Lock()

    def save(n: int) -> None:
        start.wait()
        began = time.perf_counter()
        outcome = "ok"
        try:
            with told_when_waiting(lambda: _locked_say("waiting")):
                reviews.set_actual(db, project, measure, FIRST.shift(n), float(n), expected_version=None, actor="alice")
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the test, which fails on it
            outcome = f"failed {type(exc).__name__}: {exc}"
        _locked_say(f"saved {n} {time.perf_counter() - began:.3f} {outcome}")

    def _locked_say(word: str) -> None:
        with lock:
            _say(word)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(SAVES)]
    for thread in threads:
        thread.start()
    _say("ready")
    sys.stdin.readline()
    start.set()
    for thread in threads:
        thread.join()
    _say("done")


if __name__ == "__main__":
    role, url, *rest = sys.argv[1:]
    run_import(url, *rest) if role == "import" else run_actuals(url, *rest)
