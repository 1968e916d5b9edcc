"""services.risks: the register, its permissions (a lead keeps their own projects'), audit, locking, and a risk becoming an issue."""

from __future__ import annotations

import datetime as dt

import pytest
from people import admins

from projtui.domain.enums import Rag, Stage
from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    PermissionDenied,
    RuleError,
)
from projtui.domain.records import ProjectFields, RiskFields
from projtui.domain.risks import RiskBands, RiskKind, RiskStatus
from projtui.domain.roles import Role
from projtui.services import projects, risks, users
from projtui.services.audit import history_page
from projtui.services.opening import open_portfolio


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = admins(open_portfolio(url, create=True))
    projects.create_project(database, ProjectFields(code="SP-01", name="Leisure centre", stage=Stage.PIPELINE, lead="Dan Lead"), actor="setup")
    projects.create_project(database, ProjectFields(code="SP-02", name="Depot", stage=Stage.PIPELINE), actor="setup")
    yield database
    database.dispose()


def _risk(code: str = "R01", **values) -> RiskFields:
    return RiskFields(code=code, title=values.pop("title", "Contractor insolvency"), **values)


def test_the_register_is_sorted_by_score_and_offers_the_next_code(db):
    risks.create_risk(db, "SP-01", _risk("R01", likelihood=2, impact=2), actor="setup")
    risks.create_risk(db, "SP-01", _risk("R02", likelihood=4, impact=5), actor="setup")
    risks.create_risk(db, "SP-01", _risk("R03", likelihood=3, impact=3), actor="setup")
    risks.create_risk(db, "SP-02", _risk("R07"), actor="setup")
    register = risks.risk_register(db, "SP-01")
    assert [(r.code, r.score, r.rag()) for r in register.risks] == [("R02", 20, Rag.RED), ("R03", 9, Rag.AMBER), ("R01", 4, Rag.GREEN)]
    assert register.next_code == "R04"
    assert register.risks[1].rag(RiskBands(amber=3, red=9)) is Rag.RED
    with pytest.raises(NotFoundError):
        risks.risk_register(db, "SP-99")


def test_a_code_is_unique_within_the_project_ignoring_case_but_not_across_projects(db):
    risks.create_risk(db, "SP-01", _risk("R01"), actor="setup")
    with pytest.raises(InvalidInput) as caught:
        risks.create_risk(db, "SP-01", _risk("r01"), actor="setup")
    assert caught.value.problems[0].field == "code"
    risks.create_risk(db, "SP-02", _risk("R01"), actor="setup")
    second = risks.create_risk(db, "SP-01", _risk("R02"), actor="setup")
    with pytest.raises(InvalidInput):
        risks.update_risk(db, second.id, _risk("R01"), expected_version=second.version, actor="setup")


def test_edits_are_audited_field_by_field_and_locked_to_the_version_seen(db):
    created = risks.create_risk(db, "SP-01", _risk(likelihood=2, impact=3), actor="alice")
    edited = risks.update_risk(db, created.id, _risk(likelihood=4, impact=3, mitigation="Parent company guarantee"), expected_version=created.version, actor="bob")
    assert edited.version == created.version + 1 and edited.score == 12
    with pytest.raises(ConflictError) as caught:
        risks.update_risk(db, created.id, _risk(likelihood=1, impact=1), expected_version=created.version, actor="alice")
    assert caught.value.current == edited
    entries = [(e.actor, e.action, e.key, e.field, e.old, e.new) for e in history_page(db, "SP-01").entries if e.entity == "risk"]
    assert entries == [
        ("bob", "update", "SP-01/R01", "mitigation", None, "Parent company guarantee"),
        ("bob", "update", "SP-01/R01", "likelihood", "2", "4"),
        ("alice", "create", "SP-01/R01", None, None, "Contractor insolvency"),
    ]


def test_close_and_reopen(db):
    created = risks.create_risk(db, "SP-01", _risk(), actor="setup")
    closed = risks.close_risk(db, created.id, expected_version=created.version, actor="setup")
    assert closed.fields.status is RiskStatus.CLOSED
    with pytest.raises(ConflictError):
        risks.reopen_risk(db, created.id, expected_version=created.version, actor="setup")
    reopened = risks.reopen_risk(db, created.id, expected_version=closed.version, actor="setup")
    assert reopened.fields.status is RiskStatus.OPEN


def test_a_risk_that_happens_becomes_an_issue_keeping_its_history(db):
    created = risks.create_risk(db, "SP-01", _risk(raised_on=dt.date(2025, 4, 1)), actor="alice")
    issue = risks.turn_into_issue(db, created.id, on=dt.date(2025, 9, 1), expected_version=created.version, actor="bob")
    assert (issue.id, issue.code, issue.fields.kind, issue.fields.became_issue_on) == (created.id, "R01", RiskKind.ISSUE, dt.date(2025, 9, 1))
    trail = [(e.action, e.field, e.new) for e in history_page(db, "SP-01").entries if e.key == "SP-01/R01"]
    assert trail == [("update", "became_issue_on", "2025-09-01"), ("update", "kind", "issue"), ("create", None, "Contractor insolvency")]
    with pytest.raises(RuleError, match="already an issue"):
        risks.turn_into_issue(db, created.id, on=dt.date(2025, 9, 2), expected_version=issue.version, actor="bob")
    other = risks.create_risk(db, "SP-01", _risk("R02", raised_on=dt.date(2025, 4, 1)), actor="alice")
    with pytest.raises(InvalidInput, match="before raised_on"):
        risks.turn_into_issue(db, other.id, on=dt.date(2025, 1, 1), expected_version=other.version, actor="bob")


def test_a_project_lead_keeps_the_register_of_their_own_projects_only(db):
    users.add_user(db, "dan", display_name="Dan Lead", role=Role.PROJECT_LEAD, actor="setup")
    users.add_user(db, "vic", role=Role.VIEWER, actor="setup")
    own = risks.create_risk(db, "SP-01", _risk(), actor="dan")
    risks.close_risk(db, own.id, expected_version=own.version, actor="dan")
    with pytest.raises(PermissionDenied, match="not of SP-02"):
        risks.create_risk(db, "SP-02", _risk(), actor="dan")
    others = risks.create_risk(db, "SP-02", _risk(), actor="setup")
    for actor in ("dan", "vic"):
        with pytest.raises(PermissionDenied):
            risks.turn_into_issue(db, others.id, on=dt.date(2025, 1, 1), expected_version=others.version, actor=actor)
    assert risks.get_risk(db, others.id).version == others.version  # nothing was written


def test_a_deleted_risk_is_a_conflict_not_a_crash(db):
    with pytest.raises(ConflictError):
        risks.close_risk(db, 999, expected_version=1, actor="setup")
