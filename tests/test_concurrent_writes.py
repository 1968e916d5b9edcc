"""Issue 12: nobody is locked out. A 5,000-project import runs in one process while another saves 50 actuals.

The import writes all or nothing, so it holds SQLite's write lock for its
whole write; the colleague's saves wait for it, each told it is waiting,
and every one goes in once the import is done: none fails, none is lost.
The figures the issue asks for (writes attempted and saved, the longest
wait) are printed; `pytest -s` shows them.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bulk import bulk_document_text
from concurrent_writers import FIRST, SAVES
from conftest import run_cli
from people import admins

from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.snapshot import document as doc
from projtui.snapshot.writer import dump_document

IMPORTED = 5_000
HELPER = Path(__file__).with_name("concurrent_writers.py")


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HELPER), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def _line(process: subprocess.Popen[str]) -> str:
    line = process.stdout.readline()
    assert line, f"the helper ended early: {process.stderr.read()}"
    return line.strip()


def _go(process: subprocess.Popen[str]) -> None:
    process.stdin.write("go\n")
    process.stdin.flush()


def test_fifty_actuals_saved_during_a_5000_project_import_all_wait_and_all_go_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    db = admins(open_portfolio(url, create=True), ("setup", "alice"))
    own = doc.Project(code="CC-1", name="Colleague's project", outcomes=[
        doc.Outcome(code="OC1", title="Outcome", measures=[doc.Measure(code="M1", name="Measure")])
    ])
    import_snapshot(db, dump_document(doc.Document(projects=[own])), source="own.toml", actor="setup")
    big = tmp_path / "big.toml"
    big.write_text(bulk_document_text(IMPORTED))

    importer = _start("import", url, str(big))
    colleague = _start("actuals", url, "CC-1", "M1")
    try:
        assert _line(colleague) == "ready"
        assert _line(importer) == "writing"  # the import holds the write lock from here until we say go
        _go(colleague)
        # Every one of the 50 saves is now waiting for the import, and says so; none has failed.
        assert [_line(colleague) for _ in range(SAVES)] == ["waiting"] * SAVES
        _go(importer)
        assert _line(importer) == f"imported {IMPORTED}"
        saves = [_line(colleague).split(" ", 3) for _ in range(SAVES)]
        assert _line(colleague) == "done"
    finally:
        for process in (importer, colleague):
            process.kill() if process.poll() is None else None
            process.wait()
    failed = [" ".join(save) for save in saves if save[3] != "ok"]
    assert failed == []
    longest = max(float(save[2]) for save in saves)
    print(f"\nwrites attempted during the import: {SAVES}; saved: {SAVES - len(failed)}; longest wait {longest:.2f} s")

    # None lost: each of the 50 quarters holds its own figure, audited as alice's; and the import is whole.
    db.dispose()
    with sqlite3.connect(tmp_path / "p.db") as connection:
        saved = connection.execute(
            "select v.fy_start_year, v.quarter, v.value, v.entered_by from measure_value v join measure m on m.id = v.measure_id "
            "join project p on p.id = m.project_id where p.code = 'CC-1'"
        ).fetchall()
        projects = connection.execute("select count(*) from project").fetchone()[0]
        audited = connection.execute("select count(*) from audit_log where actor = 'alice' and entity = 'actual'").fetchone()[0]
    connection.close()
    assert sorted(saved) == sorted((q.fy_start_year, q.quarter, float(n), "alice") for n in range(SAVES) for q in [FIRST.shift(n)])
    assert (projects, audited) == (IMPORTED + 1, SAVES)


def test_the_cli_says_it_is_waiting_on_stderr_then_writes_once_the_lock_is_free(tmp_path):
    path = tmp_path / "p.db"
    assert run_cli("init", "--db", path).returncode == 0
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin immediate")  # someone else's long write
    command = subprocess.Popen(
        [sys.executable, "-m", "projtui", "user", "add", "bob", "--role", "viewer", "--db", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    try:
        assert command.stderr.readline() == "waiting for another change to finish…\n"
    finally:
        holder.execute("rollback")
        holder.close()
    out, err = command.communicate(timeout=60)
    assert command.returncode == 0, err
    assert err == ""
    assert "bob" in run_cli("user", "list", "--db", path).stdout
