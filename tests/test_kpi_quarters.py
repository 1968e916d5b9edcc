"""Publishing a quarter's KPIs as a whole, and what publishing freezes (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from people import admins
from sqlalchemy import select

from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    PermissionDenied,
    RuleError,
)
from projtui.domain.measures import MeasureStatus
from projtui.domain.publishing import MeasureNote, kpi_publish_blockers
from projtui.domain.quarter import Quarter
from projtui.domain.roles import Role
from projtui.services import kpi_quarters, kpis, users
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.store import tables as t

Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)

HEADER = 'schema_version = 2\n[[ambitions]]\ncode = "A1"\ntitle = "Homes"\n'
DAYS = {"code": "HB1", "name": "Days to process new claims", "unit": "days", "direction": "lower", "target": 20, "tolerance": 10,
        "ambitions": ["A1"]}
CALLS = {"code": "DA1", "name": "Domestic abuse crimes", "direction": "none", "ambitions": ["A1"]}
WASTE = {"code": "W1", "name": "Household waste recycled", "unit": "%", "direction": "higher", "target": 50, "tolerance": 5,
         "frequency": "annually", "ambitions": ["A1"]}


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    import_snapshot(database, HEADER, source="h.toml", actor="setup")
    for values in (DAYS, CALLS, WASTE):
        kpis.create_kpi(database, values, actor="setup")
    yield database
    database.dispose()


def _log(db):
    with db.reading() as session:
        rows = session.scalars(select(t.AuditLog).where(t.AuditLog.entity == "kpi_quarter").order_by(t.AuditLog.id))
        return [(r.actor, r.action, r.entity_key, r.field, r.old_value, r.new_value, r.project_id) for r in rows]


# -- the rule -------------------------------------------------------------------------------------------------


def test_amber_and_red_kpis_need_commentary_and_activity_indicators_never_do():
    notes = [
        MeasureNote("K1", MeasureStatus.OFF_TARGET, None),
        MeasureNote("K2", MeasureStatus.WITHIN_TOLERANCE, "  "),
        MeasureNote("K3", MeasureStatus.WITHIN_TOLERANCE, "staff shortage"),
        MeasureNote("K4", MeasureStatus.ON_TARGET, None),
        MeasureNote("K5", MeasureStatus.MONITOR_ONLY, None),  # direction none: never rated
        MeasureNote("K6", MeasureStatus.NO_DATA, None),
    ]
    assert kpi_publish_blockers(Q1, False, notes) == (
        "KPI K1 is off target: add commentary for 2026/27 Q1",
        "KPI K2 is within tolerance: add commentary for 2026/27 Q1",
    )
    assert kpi_publish_blockers(Q1, True, []) == ("the 2026/27 Q1 KPIs are already published",)


# -- the pass -------------------------------------------------------------------------------------------------


def test_the_pass_lists_the_kpis_due_with_how_many_are_entered(db):
    kpis.set_kpi_actual(db, "HB1", Q1, 21.0, expected_version=None, actor="alice")  # within tolerance (20 + 10%)
    found = kpi_quarters.kpi_pass(db, Q1)
    # The annual KPI is due only in Q4; the activity indicator is due but never rated.
    assert [line.code for line in found.lines] == ["DA1", "HB1"]
    assert found.progress() == "1 of 2 entered"
    assert [line.sheet.figures.status for line in found.lines] == [MeasureStatus.MONITOR_ONLY, MeasureStatus.WITHIN_TOLERANCE]
    assert found.blockers == ("KPI HB1 is within tolerance: add commentary for 2026/27 Q1",)
    assert [line.needs_commentary for line in found.lines] == [False, True]
    assert not found.published and found.version is None
    assert [line.code for line in kpi_quarters.kpi_pass(db, Quarter(2026, 4)).lines] == ["DA1", "HB1", "W1"]


# -- publishing and re-opening -----------------------------------------------------------------------------------


def test_publishing_is_refused_with_the_blockers_then_records_who_and_when(db):
    kpis.set_kpi_actual(db, "HB1", Q1, 30.0, expected_version=None, actor="alice")  # off target
    with pytest.raises(RuleError, match="cannot publish the 2026/27 Q1 KPIs: KPI HB1 is off target: add commentary for 2026/27 Q1"):
        kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice")
    assert not kpi_quarters.kpi_pass(db, Q1).published
    kpis.set_kpi_commentary(db, "HB1", Q1, "Backlog after the system change", expected_version=None, actor="alice")
    done = kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice", on=dt.date(2026, 7, 20))
    assert (done.published, done.published_by, done.published_on, done.blockers) == (
        True, "alice", dt.date(2026, 7, 20), ("the 2026/27 Q1 KPIs are already published",),
    )
    assert _log(db) == [
        ("alice", "publish", "2026/27 Q1", "status", "draft", "published", None),
        ("alice", "update", "2026/27 Q1", "published_by", None, "alice", None),
        ("alice", "update", "2026/27 Q1", "published_on", None, "2026-07-20", None),
    ]
    # Someone who saw the quarter unpublished cannot publish it over again.
    with pytest.raises(ConflictError):
        kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="bob")


def test_a_published_quarter_freezes_actuals_forecasts_and_commentary_but_not_a_provisional_actual(db):
    kpis.set_kpi_actual(db, "HB1", Q1, 19.0, expected_version=None, actor="alice")
    kpis.set_kpi_actual(db, "DA1", Q1, 120.0, provisional=True, expected_version=None, actor="alice")
    kpis.set_kpi_forecast(db, "HB1", Q1, 18.0, seen=None, actor="alice")
    comment = kpis.set_kpi_commentary(db, "HB1", Q1, "Steady", expected_version=None, actor="alice")
    published = kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice")
    hb1, da1 = ({line.code: line for line in published.lines}[code] for code in ("HB1", "DA1"))
    assert (hb1.sheet.editable, hb1.sheet.forecast_editable, da1.sheet.editable) == (False, False, True)
    frozen = "KPI HB1's figures for 2026/27 Q1 are published and frozen"
    with pytest.raises(InvalidInput, match=frozen):
        kpis.set_kpi_actual(db, "HB1", Q1, 21.0, expected_version=hb1.sheet.entry.version, actor="alice")
    with pytest.raises(InvalidInput, match=frozen):
        kpis.set_kpi_forecast(db, "HB1", Q1, 22.0, seen=18.0, actor="alice")
    with pytest.raises(InvalidInput, match=frozen):
        kpis.set_kpi_commentary(db, "HB1", Q1, "Changed", expected_version=comment.version, actor="alice")
    with pytest.raises(InvalidInput, match="KPI W1's figures"):
        kpis.set_kpi_actual(db, "W1", Q1, 40.0, expected_version=None, actor="alice")  # none may be added either
    # A provisional actual may still be confirmed: that is what provisional means.
    confirmed = kpis.set_kpi_actual(db, "DA1", Q1, 118.0, expected_version=da1.sheet.entry.version, actor="alice")
    assert (confirmed.value, confirmed.provisional) == (118.0, False)
    # Another quarter is open.
    kpis.set_kpi_actual(db, "HB1", Q2, 20.0, expected_version=None, actor="alice")


def test_reopening_needs_a_reason_is_audited_and_opens_the_figures_again(db):
    kpis.set_kpi_actual(db, "HB1", Q1, 19.0, expected_version=None, actor="alice")
    published = kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice", on=dt.date(2026, 7, 1))
    with pytest.raises(InvalidInput, match="say why"):
        kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=published.version, reason="  ", actor="bob")
    with pytest.raises(ConflictError):
        kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=published.version + 1, reason="typo", actor="bob")
    opened = kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=published.version, reason="HB1 figure corrected", actor="bob")
    assert (opened.published, opened.published_by, opened.published_on) == (False, None, None)
    assert _log(db)[3:] == [
        ("bob", "reopen", "2026/27 Q1", "reason", None, "HB1 figure corrected", None),
        ("bob", "update", "2026/27 Q1", "status", "published", "draft", None),
        ("bob", "update", "2026/27 Q1", "published_by", "alice", None, None),
        ("bob", "update", "2026/27 Q1", "published_on", "2026-07-01", None, None),
    ]
    entry = {line.code: line for line in opened.lines}["HB1"].sheet.entry
    assert kpis.set_kpi_actual(db, "HB1", Q1, 18.0, expected_version=entry.version, actor="bob").value == 18.0
    with pytest.raises(RuleError, match="not published"):
        kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=opened.version, reason="again", actor="bob")
    # Published again: a second row is never made; the same one changes version.
    again = kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=opened.version, actor="alice")
    assert again.published and again.version == opened.version + 1


def test_only_a_performance_officer_publishes_or_reopens(db):
    users.add_user(db, "lee", role=Role.PROJECT_LEAD, actor="alice")
    users.add_user(db, "pat", role=Role.PERFORMANCE_OFFICER, actor="alice")
    with pytest.raises(PermissionDenied, match="publishing a review needs the performance officer role"):
        kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="lee")
    published = kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="pat")
    with pytest.raises(PermissionDenied, match="re-opening a review needs the performance officer role"):
        kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=published.version, reason="x", actor="lee")
    kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=published.version, reason="x", actor="pat")


def test_publishing_a_kpi_quarter_on_postgres(postgres_url):
    """Migration 0013's table, publishing, the freeze (targets too) and the snapshot round trip hold on PostgreSQL too."""
    from projtui.services.transfer import export_snapshot

    db = admins(open_portfolio(postgres_url, create=True), ("setup", "alice"))
    try:
        import_snapshot(db, HEADER, source="h.toml", actor="setup")
        kpis.create_kpi(db, DAYS, actor="setup")
        kpis.set_kpi_actual(db, "HB1", Q1, 19.0, expected_version=None, actor="alice")
        published = kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice", on=dt.date(2026, 7, 1))
        with pytest.raises(InvalidInput, match="published and frozen"):
            kpis.set_kpi_forecast(db, "HB1", Q1, 18.0, seen=None, actor="alice")
        with pytest.raises(InvalidInput, match="KPI HB1's target for 2026/27 Q1 \\(none → 18\\) is published and frozen"):
            kpis.set_kpi_target(db, "HB1", Q1, 18, reason="r", expected_version=kpis.kpi_targets(db, "HB1").measure.version, actor="alice")
        text = "".join(export_snapshot(db, exported_at=None))
        assert '[[kpi_quarters]]\nquarter = "2026/27 Q1"\nstatus = "published"\npublished_by = "alice"\npublished_on = 2026-07-01\n' in text
        kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=published.version, reason="recount", actor="alice")
        assert [c.entity for c in import_snapshot(db, text, source="p.toml", actor="alice").changes] == ["kpi_quarter"] * 3
        assert kpi_quarters.kpi_pass(db, Q1).published
    finally:
        db.dispose()


# -- a quarter's profiled target (issue 12: published means frozen, for targets too) ----------------------


def _targets_log(db):
    with db.reading() as session:
        rows = session.scalars(select(t.AuditLog).where(t.AuditLog.entity == "kpi_target").order_by(t.AuditLog.id))
        return [(r.actor, r.action, r.entity_key, r.field, r.old_value, r.new_value, r.project_id) for r in rows]


def test_a_kpi_target_is_set_changed_and_cleared_with_a_reason_under_the_measures_version(db):
    kpis.set_kpi_actual(db, "HB1", Q2, 19.0, expected_version=None, actor="alice")
    before = kpis.kpi_targets(db, "HB1")
    assert before.targets == ((Q2, None),) and before.published == frozenset()
    with pytest.raises(InvalidInput, match="say why"):
        kpis.set_kpi_target(db, "HB1", Q2, 18, reason=" ", expected_version=before.measure.version, actor="alice")
    after = kpis.set_kpi_target(db, "HB1", Q1, 18, reason="winter peak", expected_version=before.measure.version, actor="alice")
    assert after.targets == ((Q1, 18.0), (Q2, None)) and after.measure.version == before.measure.version + 1
    # The quarter is rated against its profiled target now.
    assert kpis.kpi_detail(db, "HB1").quarters[-1].figures.target == 18.0
    with pytest.raises(ConflictError):  # bob saw the KPI before alice's change
        kpis.set_kpi_target(db, "HB1", Q1, 17, reason="typo", expected_version=before.measure.version, actor="bob")
    cleared = kpis.set_kpi_target(db, "HB1", Q1, None, reason="back to flat", expected_version=after.measure.version, actor="bob")
    assert cleared.targets == ((Q2, None),)  # nothing is known of Q1 now, so the list starts at Q2 again
    assert _targets_log(db) == [
        ("alice", "create", "HB1@2026/27 Q1", "value", None, "18.0", None),
        ("alice", "update", "HB1@2026/27 Q1", "reason", None, "winter peak", None),
        ("bob", "delete", "HB1@2026/27 Q1", "value", "18.0", None, None),
        ("bob", "update", "HB1@2026/27 Q1", "reason", None, "back to flat", None),
    ]
    with pytest.raises(InvalidInput, match="never a status"):  # an activity indicator has no target to profile
        kpis.set_kpi_target(db, "DA1", Q1, 5, reason="x", expected_version=kpis.kpi_targets(db, "DA1").measure.version, actor="alice")


def test_a_published_quarter_freezes_its_kpi_targets_until_it_is_reopened(db):
    kpis.set_kpi_actual(db, "HB1", Q1, 19.0, expected_version=None, actor="alice")
    seen = kpis.set_kpi_target(db, "HB1", Q1, 20, reason="plan", expected_version=kpis.kpi_targets(db, "HB1").measure.version, actor="alice")
    published = kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="alice")
    assert kpis.kpi_targets(db, "HB1").published == {Q1}
    refused = "KPI HB1's target for 2026/27 Q1 \\(20 → 15\\) is published and frozen: re-open the 2026/27 Q1 KPIs first"
    with pytest.raises(InvalidInput, match=refused):
        kpis.set_kpi_target(db, "HB1", Q1, 15, reason="easier", expected_version=seen.measure.version, actor="alice")
    with pytest.raises(InvalidInput, match="\\(20 → none\\) is published"):
        kpis.set_kpi_target(db, "HB1", Q1, None, reason="gone", expected_version=seen.measure.version, actor="alice")
    with pytest.raises(InvalidInput, match="\\(none → 15\\) is published"):  # none may be added either
        kpis.set_kpi_target(db, "W1", Q1, 15, reason="x", expected_version=kpis.kpi_targets(db, "W1").measure.version, actor="alice")
    assert kpis.kpi_detail(db, "HB1").quarters[-1].figures.target == 20.0  # the published status stands
    # Saving what is there already changes nothing, so it is no refusal.
    kpis.set_kpi_target(db, "HB1", Q1, 20, reason="same", expected_version=seen.measure.version, actor="alice")
    kpi_quarters.reopen_kpi_quarter(db, Q1, expected_version=published.version, reason="target agreed late", actor="bob")
    changed = kpis.set_kpi_target(db, "HB1", Q1, 15, reason="easier", expected_version=seen.measure.version, actor="bob")
    assert dict(changed.targets)[Q1] == 15.0
    assert _targets_log(db)[-2:] == [
        ("bob", "update", "HB1@2026/27 Q1", "value", "20.0", "15.0", None),
        ("bob", "update", "HB1@2026/27 Q1", "reason", None, "easier", None),
    ]


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.VIEWER, False), (Role.PROJECT_LEAD, False), (Role.PERFORMANCE_OFFICER, True), (Role.ADMIN, True),
])
def test_only_a_performance_officer_or_admin_changes_a_kpi_target(db, role, allowed):
    users.add_user(db, "someone", role=role, actor="alice")
    version = kpis.kpi_targets(db, "HB1").measure.version
    if allowed:
        assert dict(kpis.set_kpi_target(db, "HB1", Q1, 18, reason="r", expected_version=version, actor="someone").targets)[Q1] == 18.0
    else:
        with pytest.raises(PermissionDenied, match="changing a corporate KPI or its figures needs the performance officer role"):
            kpis.set_kpi_target(db, "HB1", Q1, 18, reason="r", expected_version=version, actor="someone")
        assert _targets_log(db) == []
