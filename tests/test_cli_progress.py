"""The long commands on a terminal: a progress bar on stderr (never when piped or with --quiet), and Ctrl+C part way that changes nothing."""

from __future__ import annotations

import errno
import os
import pty
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bulk import bulk_document_text

from projtui.services.transfer import sample_text

BIG = 4_000  # projects: seconds of work, so Ctrl+C lands part way through a phase
WIDE = 200  # columns, so the bar shows its counts beside the import's long file name

# Cursor moves, colours and the like, so what is left is the text a person sees.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def sample_db(cli, tmp_path) -> Path:
    db = tmp_path / "p.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    return db


def _on_a_terminal(
    cwd: Path, *args: str | os.PathLike[str], interrupt_at: re.Pattern[str] | None = None, columns: int = 100
) -> tuple[int, str, str]:
    """Run projtui in ``cwd`` with stderr on a pseudo-terminal and stdout piped: (exit code, stdout, what the terminal showed).

    With ``interrupt_at``, Ctrl+C is sent (SIGINT, as a terminal sends it) once the terminal shows that pattern.
    """
    main, secondary = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "projtui", *map(str, args)],
        stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL, cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm-256color", "COLUMNS": str(columns)},
    )
    os.close(secondary)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError as exc:  # EIO: the child closed its end
            if exc.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        shown += chunk
        if interrupt_at is not None and interrupt_at.search(_ESCAPES.sub("", shown.decode("utf-8", "replace"))):
            child.send_signal(signal.SIGINT)
            interrupt_at = None
    os.close(main)
    stdout = child.stdout.read().decode("utf-8")
    child.stdout.close()
    code = child.wait(timeout=120)
    return code, stdout, _ESCAPES.sub("", shown.decode("utf-8", "replace"))


def test_check_draws_a_bar_with_counts_on_a_terminal(sample_db, tmp_path):
    code, stdout, terminal = _on_a_terminal(tmp_path, "check", "--db", sample_db)
    # 29, and the sample's open risks past their review date, which grow in number as time passes (test_cli counts them).
    assert code == 1 and re.search(r"\b(29|[3-9]\d) gaps found", stdout), stdout
    # Every check done, however many there are: the count reaches its total.
    assert re.search(r"Checking\s.*\b(\d+)/\1\b", terminal), terminal


def test_report_draws_a_bar_for_each_phase_on_a_terminal(sample_db, tmp_path):
    code, stdout, terminal = _on_a_terminal(tmp_path, "report", "-q", "2026/27 Q2", "--db", sample_db)
    assert code == 0 and stdout.startswith("#")
    for phase in ("Reading projects", "Checking", "Building the report"):
        assert phase in terminal, (phase, terminal)
    assert "17/17" in terminal


@pytest.mark.parametrize("name", ["out.toml", "out.xlsx"])
def test_export_to_a_file_draws_a_bar_and_says_what_it_wrote(sample_db, tmp_path, name):
    out = tmp_path / name
    code, _, terminal = _on_a_terminal(tmp_path, "export", "--db", sample_db, "-o", out)
    assert code == 0 and out.exists()
    assert "Exporting projects" in terminal and "17/17" in terminal
    assert f"Wrote {out}: 17 projects, 60 measures, 23 KPIs, 638 actuals." in terminal


def test_import_draws_its_phases_on_a_terminal(tmp_path):
    snapshot = tmp_path / "sample.toml"
    snapshot.write_text(sample_text(), encoding="utf-8")
    code, stdout, terminal = _on_a_terminal(tmp_path, "import", snapshot, "--db", tmp_path / "new.db")
    assert code == 0 and stdout.startswith(f"Imported {snapshot}:")
    assert f"Reading {snapshot}" in terminal and re.search(r"Writing projects\s.*\b17/17\b", terminal), terminal


@pytest.mark.parametrize("command", [("check",), ("report", "-q", "2026/27 Q2"), ("export", "-o", "out.toml")])
def test_quiet_draws_nothing_on_a_terminal(sample_db, tmp_path, command):
    _, _, terminal = _on_a_terminal(tmp_path, *command, "--quiet", "--db", sample_db)
    assert terminal.strip() in ("", "Wrote out.toml: 17 projects, 60 measures, 23 KPIs, 638 actuals."), terminal


@pytest.mark.parametrize("command", [("check",), ("report", "-q", "2026/27 Q2"), ("export",)])
def test_nothing_extra_when_piped(cli, sample_db, command):
    result = cli(*command, "--db", sample_db)
    assert result.returncode in (0, 1) and result.stdout
    assert result.stderr == ""


def test_import_prints_only_its_answer_when_piped(cli, tmp_path):
    snapshot = tmp_path / "sample.toml"
    snapshot.write_text(sample_text(), encoding="utf-8")
    result = cli("import", snapshot, "--db", tmp_path / "new.db")
    assert result.returncode == 0 and result.stdout.startswith(f"Imported {snapshot}:")
    assert result.stderr == ""


def test_export_to_a_file_says_what_it_wrote_when_piped(cli, sample_db):
    result = cli("export", "--db", sample_db, "-o", "out.toml")
    assert result.returncode == 0
    assert result.stderr == "Wrote out.toml: 17 projects, 60 measures, 23 KPIs, 638 actuals.\n"



# Mid-phase: a count other than 0 of the total, so the command is inside the phase's loop, not before it.
def _part_way(phase: str, total: int) -> re.Pattern[str]:
    return re.compile(rf"{phase}\s.*\b([1-9][0-9]*)/{total}\b")


@pytest.fixture
def big_snapshot(tmp_path) -> Path:
    big = tmp_path / "big.toml"
    big.write_text(bulk_document_text(BIG), encoding="utf-8")
    return big


def test_ctrl_c_while_an_import_writes_leaves_the_database_as_it_was(cli, sample_db, tmp_path, big_snapshot):
    before = cli("export", "--no-timestamp", "--db", sample_db).stdout
    code, stdout, terminal = _on_a_terminal(
        # It restates some of the sample's published projects, so it re-opens their quarters too: all of it must go.
        tmp_path, "import", big_snapshot, "--db", sample_db, "--reopen", "restated",
        interrupt_at=_part_way("Writing projects", BIG), columns=WIDE,
    )
    assert code == 130 and stdout == "", terminal
    assert "error: interrupted" in terminal
    assert cli("export", "--no-timestamp", "--db", sample_db).stdout == before


@pytest.mark.parametrize(
    ("name", "command", "phase"),
    [
        ("out.toml", ("export",), "Exporting projects"),
        ("out.xlsx", ("export",), "Exporting projects"),
        ("report.md", ("report", "-q", "2024/25 Q2"), "Reading projects"),
    ],
)
def test_ctrl_c_while_writing_a_file_leaves_the_old_one_and_no_temporary(cli, tmp_path, big_snapshot, name, command, phase):
    db = tmp_path / "big.db"
    assert cli("import", big_snapshot, "--db", db).returncode == 0
    target = tmp_path / name
    target.write_bytes(b"the file before")
    files = sorted(os.listdir(tmp_path))
    code, _, terminal = _on_a_terminal(tmp_path, *command, "--db", db, "-o", name, interrupt_at=_part_way(phase, BIG), columns=WIDE)
    assert code == 130 and "error: interrupted" in terminal, terminal
    assert target.read_bytes() == b"the file before"
    assert sorted(os.listdir(tmp_path)) == files
