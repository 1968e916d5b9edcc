"""An import obeys the rules the app does: published quarters stay frozen, projects serve the plan, figures stay in reach.

And it reads and checks the file without holding the write lock, so nobody
waits for a parse, and a dry run never takes the lock at all.
"""

from __future__ import annotations

import sqlite3

import pytest
from conftest import run_cli
from people import admins

from projtui.domain.errors import InvalidInput
from projtui.domain.quarter import Quarter
from projtui.services import reviews
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, load_sample, sample_text
from projtui.snapshot.reader import read_document
from projtui.snapshot.writer import dump_document

# SP-01's first measure, M1: 12 in 2026/27 Q2, whose review is published (and not provisional).
M1_Q2 = '"2026/27 Q1" = 12.0, "2026/27 Q2" = 12.0 }'
# SP-01's M2: 86,900 in 2026/27 Q2, provisional.
M2_Q2 = '"2026/27 Q2" = 86900.0 }'


@pytest.fixture
def portfolio(tmp_path):
    db = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True), ("setup", "j.smith"))
    load_sample(db, actor="setup")
    yield db
    db.dispose()


@pytest.fixture
def exported(portfolio) -> str:
    return "".join(export_snapshot(portfolio, exported_at=None))


def _once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def _refusals(portfolio, text: str, **options) -> list[str]:
    before = "".join(export_snapshot(portfolio, exported_at=None))
    with pytest.raises(InvalidInput) as refused:
        import_snapshot(portfolio, text, source="q2.toml", actor="j.smith", **options)
    assert "".join(export_snapshot(portfolio, exported_at=None)) == before  # nothing was written
    return [str(problem) for problem in refused.value.problems]


def test_a_published_actual_cannot_be_changed_by_an_import(portfolio, exported):
    changed = _once(exported, M1_Q2, '"2026/27 Q1" = 12.0, "2026/27 Q2" = 11.0 }')
    line = changed[: changed.index('"2026/27 Q2" = 11.0')].count("\n") + 1
    assert _refusals(portfolio, changed) == [
        f"q2.toml:{line}: SP-01 measure M1 actual 2026/27 Q2: 12 → 11: the 2026/27 Q2 review is published, "
        "so its figures are frozen; re-open it first, or import with --reopen REASON"
    ]
    # A dry run says the same: it is what the real import would do.
    assert len(_refusals(portfolio, changed, dry_run=True)) == 1


def test_every_kind_of_change_to_a_published_quarter_is_refused_one_line_each(portfolio, exported):
    changed = _once(exported, M1_Q2, '"2026/27 Q1" = 12.0 }')  # the actual removed
    changed = _once(changed, 'benefits_rag = "green"\ncommentary = "Route-optimisation', 'benefits_rag = "amber"\ncommentary = "Route-optimisation')
    lines = _refusals(portfolio, changed)
    assert len(lines) == 2
    assert any("SP-01 review benefits_rag 2024/25 Q1: green → amber" in line for line in lines)
    assert any("SP-01 measure M1 actual 2026/27 Q2: 12 → none" in line for line in lines)


def test_a_provisional_actual_in_a_published_quarter_may_still_be_confirmed_or_corrected(portfolio, exported):
    changed = _once(exported, M2_Q2, '"2026/27 Q2" = 87000.0 }')
    result = import_snapshot(portfolio, changed, source="q2.toml", actor="j.smith")
    assert result.applied and result.summary == {"actual": {"added": 0, "changed": 1, "removed": 0}}


def test_reopen_applies_the_change_and_the_audit_log_keeps_why(portfolio, exported, tmp_path):
    changed = _once(exported, M1_Q2, '"2026/27 Q1" = 12.0, "2026/27 Q2" = 11.0 }')
    result = import_snapshot(portfolio, changed, source="q2.toml", actor="j.smith", reopen="Rounds miscounted; corrected by Waste")
    assert result.applied
    with sqlite3.connect(tmp_path / "p.db") as connection:
        reopened = connection.execute(
            "select actor, entity_key, new_value from audit_log where action = 'reopen' order by id"
        ).fetchall()
    connection.close()
    assert reopened == [("j.smith", "SP-01@2026/27 Q2", 'Rounds miscounted; corrected by Waste')]
    with pytest.raises(InvalidInput, match="say why"):
        import_snapshot(portfolio, changed, source="q2.toml", actor="j.smith", reopen="  ")


def test_a_project_past_the_pipeline_must_serve_an_ambition(portfolio, exported):
    changed = _once(exported, 'ambitions = ["A1", "A4"]\n', "ambitions = []\n")  # SP-01, in delivery
    line = changed[: changed.index('code = "SP-01"')].count("\n")  # its [[projects]] header
    assert _refusals(portfolio, changed) == [
        f"q2.toml:{line}: projects[0]: a project at stage delivery must be linked to at least one Council Plan ambition "
        "(only pipeline projects may wait)"
    ]


@pytest.mark.parametrize("figure", ["1.7e308", "-2e15", "1e16"])
def test_figures_too_large_to_judge_are_refused_naming_the_field(portfolio, exported, figure):
    changed = _once(exported, "target = 12.0\n", f"target = {figure}\n")
    [problem] = _refusals(portfolio, changed)
    assert "target: must be between -1e15 and 1e15" in problem and problem.startswith("q2.toml:")


def test_a_dry_run_never_waits_for_the_write_lock(tmp_path):
    db = tmp_path / "p.db"
    assert run_cli("init", "--sample", "--db", db).returncode == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("begin immediate")  # someone else is mid-save, and stays so throughout
    try:
        result = run_cli("import", "-", "--dry-run", "--db", db, input=sample_text().replace("Strategic Projects", "Strategic Plans", 1))
    finally:
        holder.execute("rollback")
        holder.close()
    # Had it asked for the write lock it would have given up after the busy timeout: "database is locked".
    assert result.returncode == 0, result.stderr
    assert "would apply" in result.stdout


def test_the_cli_names_reopen_in_its_help_and_refuses_in_one_line_each(tmp_path):
    db = tmp_path / "p.db"
    assert run_cli("init", "--sample", "--db", db).returncode == 0
    text = run_cli("export", "--db", db, "--no-timestamp").stdout
    changed = _once(text, M1_Q2, '"2026/27 Q1" = 12.0, "2026/27 Q2" = 11.0 }')
    refused = run_cli("import", "-", "--db", db, input=changed)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: <stdin>:")
    applied = run_cli("import", "-", "--db", db, "--reopen", "corrected count", input=changed)
    assert applied.returncode == 0, applied.stderr
    assert run_cli("export", "--db", db, "--no-timestamp").stdout == changed
    assert "--reopen REASON" in run_cli("import", "--help").stdout


@pytest.mark.parametrize(("saved_to", "readings"), [("SP-02", 1), ("SP-01", 2)])
def test_a_save_meanwhile_makes_the_import_compare_again_only_if_it_touches_what_the_file_names(portfolio, exported, saved_to, readings):
    """The comparison is redone under the write lock (so nothing saved meanwhile is overwritten unseen) only when it must:
    a colleague saving to a project the file does not name leaves it good, and the lock is held for the write alone."""
    document = read_document(exported, source="x.toml")
    sp01 = next(p for p in document.projects if p.code == "SP-01")
    text = dump_document(document.model_copy(update={"projects": [sp01.model_copy(update={"name": "Renamed"})]}))
    phases: list[str] = []

    def progress(phase: str, done: int, total: int) -> None:
        if done == 0:
            phases.append(phase)
        if phase == "Comparing with the database" and done == total and len(phases) == 2:  # once: before the write
            reviews.save_review(portfolio, saved_to, Quarter(2026, 3), {"rag": "green"}, expected_version=None, actor="setup")

    result = import_snapshot(portfolio, text, source="x.toml", actor="j.smith", progress=progress)
    assert result.applied
    assert sum(phase.startswith("Reading") for phase in phases) == readings
    if saved_to == "SP-02":  # not the file's: their save stands
        assert reviews.get_review(portfolio, saved_to, Quarter(2026, 3)).rag.value == "green"
    else:  # SP-01 is the file's, whose project it states whole: their review goes, seen and counted, not unseen
        assert result.summary["review"]["removed"] == 1
