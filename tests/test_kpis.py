"""Corporate KPIs (issue 13): a measure owned by a service, kept in the measure tables and judged by the measure's rules."""

from __future__ import annotations

import pytest
from people import admins
from sqlalchemy import select

from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    PermissionDenied,
)
from projtui.domain.measures import MeasureStatus, Travel, quarter_figures
from projtui.domain.measures.rule import MeasureRule
from projtui.domain.quarter import Quarter
from projtui.domain.roles import Role
from projtui.services import kpis, reviews, users
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, load_sample
from projtui.snapshot.diff_render import render_text
from projtui.snapshot.reader import read_document
from projtui.store import tables as t
from projtui.store.errors import ConstraintViolation

Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)

HEADER = 'schema_version = 2\n[[ambitions]]\ncode = "A1"\ntitle = "Homes"\n[[ambitions]]\ncode = "A2"\ntitle = "Economy"\n'
DAYS = {"code": "HB1", "name": "Days to process new claims", "unit": "days", "direction": "lower", "target": 20, "tolerance": 10,
        "service": "Revenues", "owner": "Benefits Manager", "ambitions": ["A2", "A1"]}


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    import_snapshot(database, HEADER, source="h.toml", actor="setup")
    yield database
    database.dispose()


@pytest.fixture
def sample(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 's.db'}", create=True))
    load_sample(database, actor="loader")
    yield database
    database.dispose()


def _log(db, entity_prefix="kpi"):
    with db.reading() as session:
        rows = session.scalars(select(t.AuditLog).where(t.AuditLog.entity.like(f"{entity_prefix}%")).order_by(t.AuditLog.id))
        return [(r.actor, r.action, r.entity, r.entity_key, r.field, r.old_value, r.new_value, r.project_id) for r in rows]


# -- services ------------------------------------------------------------------------------------------------


def test_a_kpi_is_created_its_quarter_entered_and_judged_by_the_measure_rule(db):
    assert kpis.create_kpi(db, DAYS, actor="alice") == "HB1"
    kpis.set_kpi_actual(db, "HB1", Q1, 23.5, expected_version=None, actor="alice")
    kpis.set_kpi_actual(db, "hb1", Q2, 21.0, provisional=True, note="system change", expected_version=None, actor="bob")
    assert kpis.set_kpi_forecast(db, "HB1", Q2, 19.0, seen=None, actor="bob") == 19.0
    quarter, (line,) = kpis.kpi_register(db)
    assert quarter == Q2 and (line.code, line.service, line.owner, line.ambitions) == (
        "HB1", "Revenues", "Benefits Manager", (("A2", "Economy"), ("A1", "Homes")),
    )
    # The one rule: the same figures quarter_figures gives a project measure with these fields and actuals.
    rule = MeasureRule(direction="lower", target=20, tolerance=10)
    assert line.figures == quarter_figures(rule, Q2, {Q1: 23.5, Q2: 21.0}, forecasts={Q2: 19.0})
    assert (line.figures.status, line.figures.travel_vs_previous) == (MeasureStatus.WITHIN_TOLERANCE, Travel.IMPROVING)
    detail = kpis.kpi_detail(db, "HB1")
    assert [q.quarter for q in detail.quarters] == [Q2, Q1]
    latest = detail.quarters[0]
    assert (latest.entry.value, latest.entry.provisional, latest.entry.note, latest.entry.entered_by) == (21.0, True, "system change", "bob")
    assert latest.figures.year_end_forecast == 19.0 and latest.figures.year_end_status is MeasureStatus.ON_TARGET
    assert [(p.quarter, p.actual, p.target) for p in detail.trend.points] == [(Q1, 23.5, 20.0), (Q2, 21.0, 20.0)]
    assert _log(db) == [
        ("alice", "create", "kpi", "HB1", "name", None, "Days to process new claims", None),
        ("alice", "create", "kpi_actual", "HB1@2026/27 Q1", "value", None, "23.5", None),
        ("bob", "create", "kpi_actual", "HB1@2026/27 Q2", "value", None, "21.0", None),
        ("bob", "create", "kpi_actual", "HB1@2026/27 Q2", "provisional", None, "true", None),
        ("bob", "create", "kpi_actual", "HB1@2026/27 Q2", "note", None, "system change", None),
        ("bob", "create", "kpi_forecast", "HB1@2026/27 Q2", "value", None, "19.0", None),
    ]


def test_commentary_accumulates_quarter_by_quarter_and_is_version_checked(db):
    kpis.create_kpi(db, DAYS, actor="alice")
    first = kpis.set_kpi_commentary(db, "HB1", Q1, "  Backlog after the system change ", expected_version=None, actor="alice")
    assert (first.text, first.author, first.version) == ("Backlog after the system change", "alice", 1)
    kpis.set_kpi_commentary(db, "HB1", Q2, "Cleared", expected_version=None, actor="bob")
    changed = kpis.set_kpi_commentary(db, "HB1", Q1, "Backlog cleared by June", expected_version=1, actor="bob")
    assert (changed.text, changed.author, changed.version) == ("Backlog cleared by June", "bob", 2)
    with pytest.raises(ConflictError, match="kpi_commentary HB1@2026/27 Q1 was changed"):
        kpis.set_kpi_commentary(db, "HB1", Q1, "Mine", expected_version=1, actor="alice")
    assert {q.quarter: q.comment.text for q in kpis.kpi_detail(db, "HB1").quarters if q.comment} == {Q2: "Cleared", Q1: "Backlog cleared by June"}
    assert kpis.set_kpi_commentary(db, "HB1", Q2, "  ", expected_version=1, actor="bob") is None
    assert [entry[1:5] for entry in _log(db, "kpi_commentary")] == [
        ("create", "kpi_commentary", "HB1@2026/27 Q1", "text"),
        ("create", "kpi_commentary", "HB1@2026/27 Q2", "text"),
        ("update", "kpi_commentary", "HB1@2026/27 Q1", "text"),
        ("delete", "kpi_commentary", "HB1@2026/27 Q2", "text"),
    ]


def test_an_edit_is_checked_against_the_version_seen_and_audited_field_by_field(db):
    kpis.create_kpi(db, DAYS, actor="alice")
    seen = kpis.kpi_detail(db, "HB1")
    values = {**DAYS, "code": "HB01", "target": 18, "service": "Benefits", "ambitions": ["A1"]}
    assert kpis.edit_kpi(db, "HB1", values, expected_version=seen.version, actor="bob") == "HB01"
    with pytest.raises(ConflictError, match="was changed"):
        kpis.edit_kpi(db, "HB01", {**values, "name": "Other"}, expected_version=seen.version, actor="alice")
    after = kpis.kpi_detail(db, "HB01")
    assert (after.version, after.service, after.fields.target, after.ambitions) == (seen.version + 1, "Benefits", 18.0, (("A1", "Homes"),))
    assert [entry[1:7] for entry in _log(db)[1:]] == [
        ("update", "kpi", "HB01", "code", "HB1", "HB01"),
        ("update", "kpi", "HB01", "service", "Revenues", "Benefits"),
        ("update", "kpi", "HB01", "target", "20.0", "18.0"),
        ("update", "kpi", "HB01", "ambitions", "A2, A1", "A1"),
    ]


def test_a_definition_follows_the_snapshot_record_rules(db):
    with pytest.raises(InvalidInput) as refused:
        kpis.create_kpi(db, {**DAYS, "direction": "none"}, actor="alice")
    assert 'no target for a measure whose direction = "none"' in str(refused.value)
    with pytest.raises(InvalidInput, match="unknown ambition code"):
        kpis.create_kpi(db, {**DAYS, "ambitions": ["A9"]}, actor="alice")
    kpis.create_kpi(db, DAYS, actor="alice")
    with pytest.raises(InvalidInput, match="another KPI has this code"):
        kpis.create_kpi(db, {**DAYS, "code": "hb1"}, actor="alice")
    with pytest.raises(InvalidInput):
        kpis.set_kpi_actual(db, "HB1", Q1, float("nan"), expected_version=None, actor="alice")


def test_deleting_a_kpi_takes_its_figures_with_it(db):
    kpis.create_kpi(db, DAYS, actor="alice")
    kpis.set_kpi_actual(db, "HB1", Q1, 23.5, expected_version=None, actor="alice")
    kpis.set_kpi_commentary(db, "HB1", Q1, "Why", expected_version=None, actor="alice")
    with pytest.raises(ConflictError):
        kpis.delete_kpi(db, "HB1", expected_version=7, actor="alice")
    kpis.delete_kpi(db, "HB1", expected_version=1, actor="alice")
    with pytest.raises(NotFoundError):
        kpis.kpi_detail(db, "HB1")
    with db.reading() as session:
        assert session.scalars(select(t.MeasureValue)).all() == [] and session.scalars(select(t.KpiCommentary)).all() == []
    assert _log(db)[-1][1:7] == ("delete", "kpi", "HB1", "name", "Days to process new claims", None)


def test_only_a_performance_officer_or_admin_changes_kpis(db):
    kpis.create_kpi(db, DAYS, actor="alice")
    users.add_user(db, "lee", role=Role.PROJECT_LEAD, actor="alice")
    users.add_user(db, "pat", role=Role.PERFORMANCE_OFFICER, actor="alice")
    before = _log(db)
    for write in (
        lambda who: kpis.set_kpi_actual(db, "HB1", Q1, 1.0, expected_version=None, actor=who),
        lambda who: kpis.set_kpi_commentary(db, "HB1", Q1, "x", expected_version=None, actor=who),
        lambda who: kpis.create_kpi(db, {**DAYS, "code": "HB2"}, actor=who),
    ):
        with pytest.raises(PermissionDenied, match="changing a corporate KPI or its figures needs the performance officer role"):
            write("lee")
    assert _log(db) == before
    kpis.set_kpi_actual(db, "HB1", Q1, 1.0, expected_version=None, actor="pat")


# -- storage ---------------------------------------------------------------------------------------------------


def test_a_measure_has_exactly_one_parent(db):
    kpis.create_kpi(db, DAYS, actor="alice")
    with pytest.raises(ConstraintViolation), db.transaction() as session:
        kpi_id = session.scalars(select(t.Kpi.id)).one()
        session.add(t.Measure(kpi_id=kpi_id, project_id=None, code="X", name="Second measure of one KPI"))
        session.flush()
    with pytest.raises(ConstraintViolation), db.transaction() as session:
        session.add(t.Measure(code="X", name="An orphan"))
        session.flush()


def test_project_screens_never_see_kpi_measures(sample):
    # The sample's KPIs share the measure tables; a project's sheet lists its own measures only.
    sheet = reviews.review_sheet(sample, "SP-01", Q2)
    assert {m.code for m in sheet.measures} == {"M1", "M2", "M3", "M4", "M5", "M6", "M7"}


# -- snapshot -----------------------------------------------------------------------------------------------------


def test_the_sample_kpis_round_trip_exactly(sample):
    exported = "".join(export_snapshot(sample))
    document = read_document(exported, source="x")
    assert len(document.kpis) == 23
    annual = next(k for k in document.kpis if k.code == "ENV02")
    assert annual.frequency.value == "annually" and [str(q) for q in annual.actuals] == ["2024/25 Q4", "2025/26 Q4"]
    assert import_snapshot(sample, exported, source="x", actor="loader").changes == []


def test_kpi_problems_are_located_by_line(db):
    text = HEADER + '[[kpis]]\ncode = "K1"\nname = "One"\nambitions = ["A7"]\n[[kpis]]\ncode = "K1"\nname = "Two"\ncommentary = { "2025/26 Q1" = "a", "FY25/26 Q1" = "b" }\n'
    with pytest.raises(InvalidInput) as refused:
        import_snapshot(db, text, source="k.toml", actor="alice")
    assert [(p.location, p.field, p.message) for p in refused.value.problems] == [
        ("k.toml:11", "kpis[0].ambitions[0]", "unknown ambition code"),
        ("k.toml:13", "kpis[1].code", "duplicate KPI code (first on line 9)"),
        ("k.toml:15", 'kpis[1].commentary["FY25/26 Q1"]', "duplicate quarter 2025/26 Q1"),
    ]


def test_an_import_changes_a_kpi_figure_by_figure_and_keeps_who_entered_the_rest(db):
    kpis.create_kpi(db, DAYS, actor="alice")
    kpis.set_kpi_actual(db, "HB1", Q1, 23.5, expected_version=None, actor="alice")
    kpis.set_kpi_actual(db, "HB1", Q2, 21.0, expected_version=None, actor="alice")
    text = "".join(export_snapshot(db)).replace("21.0", "20.5")
    result = import_snapshot(db, text, source="k.toml", actor="bob")
    assert [(c.entity, c.key, c.old, c.new, c.project) for c in result.changes] == [("kpi_actual", "HB1@2026/27 Q2", 21.0, 20.5, None)]
    assert render_text(result.changes, result.before, result.after) == (
        'KPIs\n  ~ KPI HB1 "Days to process new claims" actual 2026/27 Q2: 21 → 20.5\n0 added, 1 changed, 0 removed\n'
    )
    assert [(q.entry.value, q.entry.entered_by) for q in kpis.kpi_detail(db, "HB1").quarters] == [(20.5, "bob"), (23.5, "alice")]


def test_kpis_on_postgres(postgres_url):
    """Migration 0008's check constraint and the KPI round trip hold on PostgreSQL too."""
    db = open_portfolio(postgres_url, create=True)
    try:
        load_sample(db, actor="root")
        exported = "".join(export_snapshot(db))
        assert exported.count("[[kpis]]") == 23
        kpis.set_kpi_commentary(db, "BEN02", Q2, "Agency cover from October", expected_version=None, actor="root")
        with pytest.raises(ConstraintViolation), db.transaction() as session:
            session.add(t.Measure(code="X", name="An orphan"))
            session.flush()
        assert import_snapshot(db, exported, source="x", actor="root").changes[0].entity == "kpi_commentary"
    finally:
        db.dispose()
