"""services.ambitions: the Council Plan's ambitions and priorities managed in the app (issue 15): each action,
who may take it, its audit, its locking, and what retiring keeps."""

from __future__ import annotations

import sqlite3

import pytest
from people import admins

from projtui.domain.enums import Stage
from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    PermissionDenied,
    RuleError,
)
from projtui.domain.records import (
    AmbitionFields,
    CouncilPlanFields,
    PriorityFields,
    ProjectFields,
)
from projtui.domain.roles import Role
from projtui.services import ambitions, projects, users
from projtui.services.golden_thread import golden_thread
from projtui.services.opening import open_portfolio
from projtui.services.portfolio import list_ambitions


@pytest.fixture
def path(tmp_path):
    return tmp_path / "p.db"


@pytest.fixture
def db(path):
    database = admins(open_portfolio(f"sqlite:///{path}", create=True))
    ambitions.create_ambition(database, AmbitionFields(code="A1", title="A Sustainable District", plan_period="2024-2027"), actor="setup")
    ambitions.create_ambition(database, AmbitionFields(code="A2", title="A Prosperous Economy", plan_period="2024-2027"), actor="setup")
    projects.create_project(database, ProjectFields(code="SP-01", name="Depot", stage=Stage.DELIVERY), actor="setup", ambitions=["A1"])
    yield database
    database.dispose()


def _trail(path, entity: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT actor, action, entity_key, field, old_value, new_value FROM audit_log WHERE entity = ? ORDER BY id", (entity,)
        ).fetchall()


def _codes(db) -> list[tuple[str, bool]]:
    return [(a.code, a.retired) for a in list_ambitions(db)]


def test_a_new_ambition_is_offered_the_next_code_and_the_plan_period_and_goes_last(db, path):
    assert ambitions.new_ambition_values(db) == {"code": "A3", "title": "", "plan_period": "2024-2027"}
    added = ambitions.create_ambition(db, AmbitionFields(code="A3", title="Healthy Communities", plan_period="2024-2027"), actor="alice")
    assert (added.code, added.version, added.retired) == ("A3", 1, False)
    assert _codes(db) == [("A1", False), ("A2", False), ("A3", False)]
    assert _trail(path, "ambition")[-1] == ("alice", "create", "A3", None, None, "Healthy Communities")
    with pytest.raises(InvalidInput) as refused:
        ambitions.create_ambition(db, AmbitionFields(code="A3", title="Again"), actor="alice")
    assert refused.value.problems[0].field == "code"


def test_an_edit_applies_to_the_version_seen_and_audits_each_field(db, path):
    seen = ambitions.get_ambition(db, "A2")
    edited = ambitions.update_ambition(
        db, "A2", AmbitionFields(code="A2", title="An Inclusive Economy", plan_period="2024-2027", description="Jobs"),
        expected_version=seen.version, actor="bob",
    )
    assert (edited.title, edited.description, edited.version) == ("An Inclusive Economy", "Jobs", seen.version + 1)
    assert ("bob", "update", "A2", "title", "A Prosperous Economy", "An Inclusive Economy") in _trail(path, "ambition")
    with pytest.raises(ConflictError) as stale:
        ambitions.update_ambition(db, "A2", AmbitionFields(code="A2", title="Old view"), expected_version=seen.version, actor="alice")
    assert stale.value.current.title == "An Inclusive Economy"


def test_reordering_moves_one_place_and_refuses_past_the_ends(db, path):
    a2 = ambitions.get_ambition(db, "A2")
    ambitions.move_ambition(db, "A2", -1, expected_version=a2.version, actor="alice")
    assert [code for code, _ in _codes(db)] == ["A2", "A1"]
    assert ("alice", "move", "A2", "sort_order", "2", "1") in _trail(path, "ambition")
    with pytest.raises(RuleError, match="already first"):
        ambitions.move_ambition(db, "A2", -1, expected_version=a2.version + 1, actor="alice")
    with pytest.raises(ConflictError):
        ambitions.move_ambition(db, "A2", 1, expected_version=a2.version, actor="alice")


def test_a_linked_ambition_is_not_deleted_but_retired_and_its_links_stay(db, path):
    a1 = ambitions.get_ambition(db, "A1")
    assert ambitions.deletion_impact(db, "A1") == (1, [])
    with pytest.raises(RuleError, match="1 project links to it; retire it instead"):
        ambitions.delete_ambition(db, "A1", expected_version=a1.version, actor="alice")
    retired = ambitions.retire_ambition(db, "A1", expected_version=a1.version, actor="alice")
    assert retired.retired
    assert [link.code for link in projects.get_project(db, "SP-01").ambitions] == ["A1"]
    group = next(g for g in golden_thread(db) if g.ambition and g.ambition.code == "A1")
    assert group.ambition.retired and [p.code for p in group.projects] == ["SP-01"]
    assert ("alice", "retire", "A1", "retired", "false", "true") in _trail(path, "ambition")
    restored = ambitions.restore_ambition(db, "A1", expected_version=retired.version, actor="bob")
    assert not restored.retired
    assert ("bob", "restore", "A1", "retired", "true", "false") in _trail(path, "ambition")


def test_a_retired_ambition_takes_no_new_link_but_keeps_the_one_it_has(db):
    a2 = ambitions.get_ambition(db, "A2")
    ambitions.retire_ambition(db, "A2", expected_version=a2.version, actor="alice")
    sp01 = projects.get_project(db, "SP-01")
    with pytest.raises(InvalidInput, match="retired"):
        projects.set_ambitions(db, "SP-01", ["A1", "A2"], expected_version=sp01.version, actor="alice")
    with pytest.raises(InvalidInput, match="retired"):
        projects.create_project(db, ProjectFields(code="SP-02", name="Pool", stage=Stage.DELIVERY), actor="alice", ambitions=["A2"])
    a1 = ambitions.get_ambition(db, "A1")
    ambitions.retire_ambition(db, "A1", expected_version=a1.version, actor="alice")
    # Still linked to the retired A1, the project saves another change to its links.
    projects.create_project(db, ProjectFields(code="SP-03", name="Park", stage=Stage.PIPELINE), actor="alice")
    assert projects.set_ambitions(db, "SP-01", ["A1"], expected_version=sp01.version, actor="alice").ambitions[0].code == "A1"


def test_an_unlinked_ambition_is_deleted_with_its_priorities(db, path):
    ambitions.create_priority(db, "A2", PriorityFields(code="A2.1", title="Regenerate the centres"), actor="alice")
    assert ambitions.new_priority_values(db, "A2") == {"code": "A2.2", "title": ""}
    assert ambitions.deletion_impact(db, "A2") == (0, ["A2.1 Regenerate the centres"])
    a2 = ambitions.get_ambition(db, "A2")
    ambitions.delete_ambition(db, "A2", expected_version=a2.version, actor="alice")
    assert _codes(db) == [("A1", False)]
    assert _trail(path, "ambition")[-1] == ("alice", "delete", "A2", None, "A Prosperous Economy", "with 1 priority (A2.1)")


def test_priorities_are_added_edited_reordered_and_deleted(db, path):
    ambitions.create_priority(db, "A1", PriorityFields(code="A1.1", title="Net zero"), actor="alice")
    second = ambitions.create_priority(db, "A1", PriorityFields(code="A1.2", title="Recycling"), actor="alice")
    ambitions.move_priority(db, "A1", "A1.2", -1, expected_version=second.version, actor="alice")
    assert [p.code for p in ambitions.priorities(db, "A1")] == ["A1.2", "A1.1"]
    moved = ambitions.priorities(db, "A1")[0]
    edited = ambitions.update_priority(db, "A1", "A1.2", PriorityFields(code="A1.2", title="Waste and recycling"), expected_version=moved.version, actor="bob")
    assert edited.title == "Waste and recycling"
    with pytest.raises(ConflictError) as stale:
        ambitions.delete_priority(db, "A1", "A1.2", expected_version=moved.version, actor="bob")
    assert stale.value.current.title == "Waste and recycling"  # changed, not deleted: the conflict shows it as it is
    ambitions.delete_priority(db, "A1", "A1.2", expected_version=edited.version, actor="bob")
    assert [p.code for p in ambitions.priorities(db, "A1")] == ["A1.1"]
    assert [row[:3] for row in _trail(path, "priority")] == [
        ("alice", "create", "A1/A1.1"), ("alice", "create", "A1/A1.2"), ("alice", "move", "A1/A1.2"),
        ("bob", "update", "A1/A1.2"), ("bob", "delete", "A1/A1.2"),
    ]


def test_a_new_council_plan_retires_the_old_ambitions_in_one_step_and_new_ones_take_its_period(db, path):
    ambitions.create_ambition(db, AmbitionFields(code="B1", title="Already new", plan_period="2027-2031"), actor="alice")
    assert ambitions.start_new_plan(db, CouncilPlanFields(plan_period="2027-2031", retire_old=True), actor="alice") == ["A1", "A2"]
    assert _codes(db) == [("A1", True), ("A2", True), ("B1", False)]
    assert ambitions.new_ambition_values(db) == {"code": "A3", "title": "", "plan_period": "2027-2031"}
    assert [row[1:3] for row in _trail(path, "ambition")][-2:] == [("retire", "A1"), ("retire", "A2")]
    assert _trail(path, "council_plan") == [("alice", "update", "period", "plan_period", None, "2027-2031")]
    # Without retiring, the old ambitions stay in use.
    assert ambitions.start_new_plan(db, CouncilPlanFields(plan_period="2031-2035", retire_old=False), actor="alice") == []
    assert ambitions.new_ambition_values(db)["plan_period"] == "2031-2035"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PROJECT_LEAD])
def test_only_a_performance_officer_or_admin_manages_ambitions(db, role):
    users.add_user(db, "val", role=role, actor="setup")
    a2 = ambitions.get_ambition(db, "A2")
    attempts = [
        lambda: ambitions.create_ambition(db, AmbitionFields(code="A9", title="Nope"), actor="val"),
        lambda: ambitions.update_ambition(db, "A2", AmbitionFields(code="A2", title="Nope"), expected_version=a2.version, actor="val"),
        lambda: ambitions.move_ambition(db, "A2", -1, expected_version=a2.version, actor="val"),
        lambda: ambitions.retire_ambition(db, "A2", expected_version=a2.version, actor="val"),
        lambda: ambitions.delete_ambition(db, "A2", expected_version=a2.version, actor="val"),
        lambda: ambitions.create_priority(db, "A2", PriorityFields(code="A2.1", title="Nope"), actor="val"),
        lambda: ambitions.start_new_plan(db, CouncilPlanFields(plan_period="2027-2031"), actor="val"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="managing the Council Plan's ambitions needs the performance officer role"):
            attempt()
    users.set_role(db, "val", Role.PERFORMANCE_OFFICER, actor="setup")
    ambitions.retire_ambition(db, "A2", expected_version=a2.version, actor="val")
    assert _codes(db) == [("A1", False), ("A2", True)]
