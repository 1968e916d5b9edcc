"""A quarter's published KPIs in the snapshot: `[[kpi_quarters]]` round trips, and an import may not change them (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import run_cli
from people import admins
from sqlalchemy import select

from projtui.domain.errors import InvalidInput
from projtui.domain.quarter import Quarter
from projtui.services import kpi_quarters, kpis
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot
from projtui.snapshot.diff_render import render_text
from projtui.store import tables as t

Q1 = Quarter(2026, 1)
HEADER = 'schema_version = 2\n[[ambitions]]\ncode = "A1"\ntitle = "Homes"\n'
DAYS = {"code": "HB1", "name": "Days to process new claims", "unit": "days", "direction": "lower", "target": 20, "tolerance": 10,
        "ambitions": ["A1"]}
CALLS = {"code": "DA1", "name": "Domestic abuse crimes", "direction": "none", "ambitions": ["A1"]}
PUBLISHED = '\n[[kpi_quarters]]\nquarter = "2026/27 Q1"\nstatus = "published"\npublished_by = "alice"\npublished_on = 2026-07-20\n'


def _portfolio(path):
    db = admins(open_portfolio(f"sqlite:///{path}", create=True), ("setup", "alice", "clerk"))
    import_snapshot(db, HEADER, source="h.toml", actor="setup")
    for values in (DAYS, CALLS):
        kpis.create_kpi(db, values, actor="setup")
    kpis.set_kpi_actual(db, "HB1", Q1, 19.0, note="steady", expected_version=None, actor="alice")
    kpis.set_kpi_actual(db, "DA1", Q1, 120.0, provisional=True, expected_version=None, actor="alice")
    kpis.set_kpi_forecast(db, "HB1", Q1, 18.0, seen=None, actor="alice")
    kpis.set_kpi_commentary(db, "HB1", Q1, "Claims steady", expected_version=None, actor="alice")
    kpis.set_kpi_target(db, "HB1", Q1, 20, reason="plan", expected_version=kpis.kpi_targets(db, "HB1").measure.version, actor="alice")
    return db


@pytest.fixture
def published(tmp_path):
    db = _portfolio(tmp_path / "p.db")
    kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice", on=dt.date(2026, 7, 20))
    yield db
    db.dispose()


def _text(db) -> str:
    return "".join(export_snapshot(db, exported_at=None))


def _refused(db, text: str) -> list[str]:
    before = _text(db)
    with pytest.raises(InvalidInput) as refused:
        import_snapshot(db, text, source="q1.toml", actor="alice")
    assert _text(db) == before  # nothing was written
    return [str(problem) for problem in refused.value.problems]


def test_a_published_kpi_quarter_round_trips_and_a_file_without_one_is_unchanged(published, tmp_path):
    text = _text(published)
    assert text.endswith(PUBLISHED) or PUBLISHED + "\n[[projects]]" in text
    fresh = admins(open_portfolio(f"sqlite:///{tmp_path / 'fresh.db'}", create=True), ("setup", "alice"))
    result = import_snapshot(fresh, text, source="p.toml", actor="alice")
    assert "KPI quarters\n  + 2026/27 Q1 KPIs published\n" in render_text(result.changes, result.before, result.after)
    assert _text(fresh) == text
    assert kpi_quarters.kpi_pass(fresh, Q1).published_by == "alice"
    # Without the section the quarter is as it was: a file never un-publishes a quarter it does not list.
    without = text.replace(PUBLISHED, "")
    assert "kpi_quarters" not in without
    assert import_snapshot(fresh, without, source="p.toml", actor="alice").changes == []
    assert kpi_quarters.kpi_pass(fresh, Q1).published
    # A database whose KPIs were never published writes no section, so older files stay byte-identical.
    unpublished = _portfolio(tmp_path / "u.db")
    assert "kpi_quarters" not in _text(unpublished)


def test_an_import_may_not_change_a_published_quarters_kpi_figures_or_commentary(published):
    text = _text(published)
    changed = text.replace('"2026/27 Q1" = 19.0', '"2026/27 Q1" = 21.0', 1)
    changed = changed.replace('"2026/27 Q1" = "Claims steady"', '"2026/27 Q1" = "Claims slower"', 1)
    changed = changed.replace('forecasts = { "2026/27 Q1" = 18.0 }', 'forecasts = { "2026/27 Q1" = 17.0 }', 1)
    assert changed.count("21.0") == 1 and "Claims slower" in changed and "17.0" in changed
    problems = _refused(published, changed)
    frozen = "the 2026/27 Q1 KPIs are published, so their figures are frozen; re-open them first, or import with --reopen REASON"
    assert len(problems) == 3 and all(problem.startswith("q1.toml:") and problem.endswith(frozen) for problem in problems)
    assert any("KPI HB1 actual 2026/27 Q1: 19 with note 'steady' → 21 with note 'steady'" in p for p in problems)
    assert any("KPI HB1 year-end forecast 2026/27 Q1: 18 → 17" in p for p in problems)
    assert any("KPI HB1 commentary 2026/27 Q1: 'Claims steady' → 'Claims slower'" in p for p in problems)
    # Un-publishing through the file is a change to the published quarter too.
    reopened = text.replace('status = "published"\npublished_by = "alice"\npublished_on = 2026-07-20\n', 'status = "draft"\n')
    assert [p.split(": ", 1)[1].split(":")[0] for p in _refused(published, reopened)] == [
        "KPI quarter status 2026/27 Q1", "KPI quarter published_by 2026/27 Q1", "KPI quarter published_on 2026/27 Q1",
    ]


def test_a_provisional_kpi_actual_may_still_be_confirmed_by_an_import(published):
    confirmed = _text(published).replace('"2026/27 Q1" = 120.0', '"2026/27 Q1" = 118.0', 1).replace('provisional = ["2026/27 Q1"]\n', "", 1)
    assert [c.entity for c in import_snapshot(published, confirmed, source="q1.toml", actor="alice").changes] == ["kpi_actual"] * 2


def test_reopen_applies_a_kpi_change_and_the_audit_log_keeps_why(published):
    changed = _text(published).replace('"2026/27 Q1" = 19.0', '"2026/27 Q1" = 21.0', 1)
    import_snapshot(published, changed, source="q1.toml", actor="alice", reopen="claims recounted")
    assert _text(published) == changed
    with published.reading() as session:
        reasons = session.scalars(select(t.AuditLog).where(t.AuditLog.action == "reopen")).all()
        assert [(r.entity, r.entity_key, r.new_value) for r in reasons] == [("kpi_quarter", "2026/27 Q1", "claims recounted")]


def test_an_import_may_not_change_a_published_quarters_kpi_target_unless_reopened(published):
    text = _text(published)
    assert 'targets = { "2026/27 Q1" = 20.0 }' in text
    changed = text.replace('targets = { "2026/27 Q1" = 20.0 }', 'targets = { "2026/27 Q1" = 25.0 }', 1)
    line = changed.split("\n").index(next(row for row in changed.split("\n") if "25.0" in row)) + 1
    assert _refused(published, changed) == [
        f"q1.toml:{line}: KPI HB1 target 2026/27 Q1: 20 → 25: the 2026/27 Q1 KPIs are published, so their figures are frozen; "
        "re-open them first, or import with --reopen REASON"
    ]
    removed = text.replace('targets = { "2026/27 Q1" = 20.0 }\n', "", 1)
    assert [p.split(": ", 1)[1].split(": the")[0] for p in _refused(published, removed)] == ["KPI HB1 target 2026/27 Q1: 20 → none"]
    result = import_snapshot(published, changed, source="q1.toml", actor="alice", reopen="target restated by the service")
    assert [(c.entity, c.key) for c in result.changes] == [("kpi_target", "HB1@2026/27 Q1")]
    assert dict(kpis.kpi_targets(published, "HB1").targets)[Q1] == 25.0
    with published.reading() as session:
        logged = session.scalars(select(t.AuditLog).order_by(t.AuditLog.id.desc()).limit(2)).all()
        assert {(r.action, r.entity, r.entity_key, r.old_value, r.new_value) for r in logged} == {
            ("update", "kpi_target", "HB1@2026/27 Q1", "20.0", "25.0"),
            ("reopen", "kpi_quarter", "2026/27 Q1", None, "target restated by the service"),
        }


@pytest.mark.parametrize(("was", "now", "change"), [
    ('"2026/27 Q1" = 19.0', '"2026/27 Q1" = 21.0', "KPI HB1 actual 2026/27 Q1: 19 with note 'steady' → 21 with note 'steady'"),
    ('targets = { "2026/27 Q1" = 20.0 }', 'targets = { "2026/27 Q1" = 25.0 }', "KPI HB1 target 2026/27 Q1: 20 → 25"),
])
def test_the_cli_refuses_a_published_kpi_change_in_one_error_line_and_applies_it_with_reopen(tmp_path, was, now, change):
    db = _portfolio(tmp_path / "cli.db")
    kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice", on=dt.date(2026, 7, 20))
    db.dispose()
    env = {"PROJTUI_LOGIN": "clerk"}
    text = run_cli("export", "--db", tmp_path / "cli.db", "--no-timestamp", env=env).stdout
    changed = text.replace(was, now, 1)
    refused = run_cli("import", "-", "--db", tmp_path / "cli.db", input=changed, env=env)
    assert refused.returncode == 1
    line = changed.split("\n").index(next(row for row in changed.split("\n") if now in row)) + 1
    assert refused.stderr == (
        f"error: <stdin>:{line}: {change}: the 2026/27 Q1 KPIs are "
        "published, so their figures are frozen; re-open them first, or import with --reopen REASON\n"
    )
    assert run_cli("export", "--db", tmp_path / "cli.db", "--no-timestamp", env=env).stdout == text  # unchanged
    applied = run_cli("import", "-", "--db", tmp_path / "cli.db", "--reopen", "restated", input=changed, env=env)
    assert applied.returncode == 0, applied.stderr
    assert run_cli("export", "--db", tmp_path / "cli.db", "--no-timestamp", env=env).stdout == changed
