"""Benefits Review Plan services: items, measures, links, order, the plan's fields, locking, audit and cascades."""

from __future__ import annotations

import datetime as dt

import pytest
from people import admins
from sqlalchemy import func, select

from projtui.domain.codes import next_measure_code, suggest_code
from projtui.domain.enums import Direction, PlanStatus, Rag, Stage
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError
from projtui.domain.plan_map import map_plan
from projtui.domain.quarter import Quarter
from projtui.domain.records import (
    BenefitFields,
    MeasureFields,
    OutcomeFields,
    OutputFields,
    PlanFields,
    ProjectFields,
)
from projtui.services import plans, portfolio, projects, reviews
from projtui.services.audit import history_page
from projtui.services.opening import open_portfolio
from projtui.services.reviews.history import project_reviews
from projtui.store import tables as t

MARKUP = "Rates [/] review [red]x"


def build_plan(db, code: str = "SP-01") -> dict:
    """A small plan: O1 → OC1, OC2; OC1 → B1; B1 has M1 (with actuals), OC1 has M2; O2, OC2, B2 break the chain."""
    projects.create_project(db, ProjectFields(code=code, name=MARKUP, stage=Stage.PIPELINE), actor="setup")
    o1 = plans.add_item(db, code, "output", OutputFields(code="O1", title="Heat pumps installed"), actor="setup")
    o2 = plans.add_item(db, code, "output", OutputFields(code="O2", title="Solar array"), actor="setup")
    oc1 = plans.add_item(db, code, "outcome", OutcomeFields(code="OC1", title="Lower carbon"), actor="setup")
    oc2 = plans.add_item(db, code, "outcome", OutcomeFields(code="OC2", title="Lower bills"), actor="setup")
    b1 = plans.add_item(db, code, "benefit", BenefitFields(code="B1", title="Gas saving", full_year_value_pence=8_500_000), actor="setup")
    b2 = plans.add_item(db, code, "benefit", BenefitFields(code="B2", title="Fewer complaints"), actor="setup")
    m1 = plans.add_measure(db, code, "benefit", "B1", MeasureFields(name="Gas use", unit="%", direction=Direction.LOWER, baseline=100, target=65), actor="setup")
    m2 = plans.add_measure(db, code, "outcome", "OC1", MeasureFields(name="Tonnes CO2", unit="t"), actor="setup")
    o1 = plans.set_links(db, "output", o1.id, ["OC1", "OC2"], expected_version=o1.version, actor="setup")
    oc1 = plans.set_links(db, "outcome", oc1.id, ["B1"], expected_version=oc1.version, actor="setup")
    with db.transaction() as session:
        for quarter, value in ((1, 92.0), (2, 80.5), (3, 75.0)):
            session.add(t.MeasureValue(measure_id=m1.id, fy_start_year=2024, quarter=quarter, value=value, entered_by="setup"))
        session.add(t.MeasureTarget(measure_id=m1.id, fy_start_year=2024, quarter=4, value=70.0))
    return {"o1": o1, "o2": o2, "oc1": oc1, "oc2": oc2, "b1": b1, "b2": b2, "m1": m1, "m2": m2}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    """Every test on SQLite, and on PostgreSQL where .ci/run provides one (skipped otherwise)."""
    url = f"sqlite:///{tmp_path / 'p.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = admins(open_portfolio(url, create=True))
    yield database
    database.dispose()


@pytest.fixture
def items(db):
    return build_plan(db)


def history(db, code="SP-01"):
    entries = list(history_page(db, code).entries)
    return entries


def count(db, table) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


# --- reading ----------------------------------------------------------------------


def test_get_plan_lists_items_in_order_with_links_and_measures(db, items):
    plan = plans.get_plan(db, "SP-01")
    assert plan.project_name == MARKUP
    assert [i.fields.code for i in plan.outputs] == ["O1", "O2"]
    assert [i.fields.code for i in plan.outcomes] == ["OC1", "OC2"]
    assert [i.fields.code for i in plan.benefits] == ["B1", "B2"]
    assert plan.outputs[0].links == ("OC1", "OC2")
    assert plan.outcomes[0].links == ("B1",)
    assert plan.benefits[0].links == ()
    assert [(m.fields.code, m.parent_kind, m.parent_code) for m in plan.measures] == [("M1", "benefit", "B1"), ("M2", "outcome", "OC1")]
    assert plan.fields.status is PlanStatus.DRAFT and plan.version == 1


def test_get_plan_of_unknown_project_is_not_found(db):
    with pytest.raises(NotFoundError):
        plans.get_plan(db, "SP-99")


def test_benefits_map_shows_chain_and_breaks(db, items):
    benefits_map = map_plan(plans.get_plan(db, "SP-01"))
    o1 = benefits_map.outputs[0]
    assert [child.code for child in o1.children] == ["OC1", "OC2"]
    oc1 = o1.children[0]
    assert [(c.kind, c.code) for c in oc1.children] == [("measure", "M2"), ("benefit", "B1")]
    assert oc1.children[1].children[0].code == "M1"
    assert set(benefits_map.breaks) == {
        "output O2 leads to no outcome",
        "outcome OC2 leads to no benefit",
        "benefit B2 has no measure",
        "no outcome leads to benefit B2",
    }
    assert [node.code for node in benefits_map.unreached_benefits] == ["B2"]
    assert not benefits_map.unreached_outcomes
    assert not benefits_map.is_whole


# --- the plan's fields ----------------------------------------------------------------


def test_update_plan_saves_bumps_version_and_audits_each_field(db, items):
    before = plans.get_plan(db, "SP-01")
    fields = PlanFields(status=PlanStatus.APPROVED, approved_by="Programme Board", approved_on=dt.date(2024, 6, 18), notes=MARKUP)
    after = plans.update_plan(db, "SP-01", fields, expected_version=before.version, actor="alice")
    assert after.version == before.version + 1
    assert after.fields == fields
    rows = {(e.entity, e.key, e.field, e.new, e.actor) for e in history(db) if e.entity == "plan"}
    assert ("plan", "SP-01/plan", "status", "approved", "alice") in rows
    assert ("plan", "SP-01/plan", "notes", MARKUP, "alice") in rows


def test_update_plan_with_no_change_writes_nothing(db, items):
    before = plans.get_plan(db, "SP-01")
    same = plans.update_plan(db, "SP-01", before.fields, expected_version=before.version, actor="alice")
    assert same.version == before.version
    assert not [e for e in history(db) if e.entity == "plan"]


def test_approved_plan_needs_approver_and_date(db, items):
    with pytest.raises(InvalidInput) as caught:
        plans.update_plan(db, "SP-01", PlanFields(status=PlanStatus.APPROVED), expected_version=1, actor="alice")
    assert {p.field for p in caught.value.problems} == {"approved_by", "approved_on"}


def test_stale_plan_edit_raises_conflict_with_the_current_plan(db, items):
    plans.update_plan(db, "SP-01", PlanFields(notes="theirs"), expected_version=1, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.update_plan(db, "SP-01", PlanFields(notes="mine"), expected_version=1, actor="alice")
    assert caught.value.current.fields.notes == "theirs"
    assert caught.value.current.version == 2
    assert plans.get_plan(db, "SP-01").fields.notes == "theirs"


def test_update_plan_accepts_a_dict_and_reports_bad_fields(db, items):
    with pytest.raises(InvalidInput) as caught:
        plans.update_plan(db, "SP-01", {"status": "nonsense"}, expected_version=1, actor="alice")
    assert caught.value.problems[0].field == "status"


# --- items -------------------------------------------------------------------------------


def test_add_item_goes_last_and_is_audited(db, items):
    added = plans.add_item(db, "SP-01", "benefit", {"code": "B3", "title": MARKUP}, actor="alice")
    assert added.version == 1 and added.fields.title == MARKUP
    assert [b.fields.code for b in plans.get_plan(db, "SP-01").benefits] == ["B1", "B2", "B3"]
    entry = history(db)[0]
    assert (entry.action, entry.entity, entry.key, entry.new, entry.actor) == ("create", "benefit", "SP-01/B3", MARKUP, "alice")


@pytest.mark.parametrize("code", ["O1", "o1", " O1 "])
def test_item_codes_are_unique_within_a_project(db, items, code):
    with pytest.raises(InvalidInput) as caught:
        plans.add_item(db, "SP-01", "output", OutputFields(code=code, title="Again"), actor="alice")
    assert caught.value.problems[0].field == "code"


def test_same_code_is_fine_in_another_project_and_another_kind(db, items):
    build_plan(db, "SP-02")
    plans.add_item(db, "SP-01", "outcome", OutcomeFields(code="B9", title="Fine"), actor="alice")
    plans.add_item(db, "SP-01", "benefit", BenefitFields(code="B9", title="Also fine"), actor="alice")


def test_add_to_unknown_project_is_not_found(db):
    with pytest.raises(NotFoundError):
        plans.add_item(db, "SP-99", "output", OutputFields(code="O1", title="x"), actor="alice")


def test_update_item_bumps_version_and_audits_old_and_new(db, items):
    o1 = items["o1"]
    changed = o1.fields.model_copy(update={"title": MARKUP, "owner": "Jo"})
    after = plans.update_item(db, "output", o1.id, changed, expected_version=o1.version, actor="alice")
    assert after.version == o1.version + 1
    assert after.fields.title == MARKUP and after.links == ("OC1", "OC2")
    rows = {(e.field, e.old, e.new) for e in history(db) if e.action == "update" and e.entity == "output"}
    assert rows == {("title", "Heat pumps installed", MARKUP), ("owner", None, "Jo")}


def test_renaming_an_item_to_a_taken_code_is_refused(db, items):
    oc2 = items["oc2"]
    with pytest.raises(InvalidInput) as caught:
        plans.update_item(db, "outcome", oc2.id, oc2.fields.model_copy(update={"code": "OC1"}), expected_version=oc2.version, actor="a")
    assert caught.value.problems[0].field == "code"


def test_renaming_an_item_keeps_its_links(db, items):
    oc1 = items["oc1"]
    plans.update_item(db, "outcome", oc1.id, oc1.fields.model_copy(update={"code": "OC10"}), expected_version=oc1.version, actor="a")
    plan = plans.get_plan(db, "SP-01")
    assert plan.outputs[0].links == ("OC10", "OC2")
    assert plan.measures[1].parent_code == "OC10"


def test_stale_item_edit_raises_conflict_and_keeps_the_other_edit(db, items):
    b1 = items["b1"]
    plans.update_item(db, "benefit", b1.id, b1.fields.model_copy(update={"owner": "Bob"}), expected_version=b1.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.update_item(db, "benefit", b1.id, b1.fields.model_copy(update={"title": "Mine"}), expected_version=b1.version, actor="alice")
    current = caught.value.current
    assert current.fields.owner == "Bob" and current.fields.title == "Gas saving"
    assert current.version == b1.version + 1
    # Overwriting on purpose: save again against the version seen in the conflict.
    mine = plans.update_item(db, "benefit", b1.id, b1.fields.model_copy(update={"title": "Mine"}), expected_version=current.version, actor="alice")
    assert mine.fields.title == "Mine" and mine.fields.owner is None


def test_editing_a_deleted_item_is_a_conflict_with_nothing_current(db, items):
    o2 = items["o2"]
    plans.delete_item(db, "output", o2.id, expected_version=o2.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.update_item(db, "output", o2.id, o2.fields, expected_version=o2.version, actor="alice")
    assert caught.value.current is None


def test_wrong_fields_for_the_kind_are_invalid(db, items):
    with pytest.raises(InvalidInput):
        plans.add_item(db, "SP-01", "output", {"code": "O5"}, actor="a")
    with pytest.raises(ValueError):
        plans.add_item(db, "SP-01", "measure", {"code": "O5", "title": "x"}, actor="a")  # type: ignore[arg-type]


# --- deleting and what goes with it ---------------------------------------------------------


def test_deletion_impact_says_what_else_goes(db, items):
    assert plans.deletion_impact(db, "output", items["o1"].id) == ["links to 2 outcomes (OC1, OC2)"]
    assert plans.deletion_impact(db, "output", items["o2"].id) == []
    assert plans.deletion_impact(db, "outcome", items["oc1"].id) == [
        "1 measure",
        "links from 1 output (O1)",
        "links to 1 benefit (B1)",
    ]
    assert plans.deletion_impact(db, "benefit", items["b1"].id) == ["1 measure with 3 actuals", "links from 1 outcome (OC1)"]
    assert plans.deletion_impact(db, "measure", items["m1"].id) == ["3 actuals", "1 profiled target"]
    assert plans.deletion_impact(db, "measure", items["m2"].id) == []
    with pytest.raises(NotFoundError):
        plans.deletion_impact(db, "benefit", 999)


def test_deleting_a_benefit_takes_its_measures_actuals_and_links(db, items):
    b1 = items["b1"]
    plans.delete_item(db, "benefit", b1.id, expected_version=b1.version, actor="alice")
    plan = plans.get_plan(db, "SP-01")
    assert [b.fields.code for b in plan.benefits] == ["B2"]
    assert [m.fields.code for m in plan.measures] == ["M2"]
    assert plan.outcomes[0].links == ()
    assert count(db, t.MeasureValue) == 0 and count(db, t.MeasureTarget) == 0
    rows = {(e.action, e.entity, e.key) for e in history(db)[:3]}
    assert rows == {("delete", "benefit", "SP-01/B1"), ("delete", "measure", "SP-01/M1"), ("unlink", "outcome_link", "SP-01/OC1>B1")}


def test_deleting_an_outcome_takes_links_both_ways(db, items):
    oc1 = items["oc1"]
    plans.delete_item(db, "outcome", oc1.id, expected_version=oc1.version, actor="alice")
    plan = plans.get_plan(db, "SP-01")
    assert plan.outputs[0].links == ("OC2",)
    assert [m.fields.code for m in plan.measures] == ["M1"]
    assert count(db, t.OutcomeBenefit) == 0


def test_stale_delete_is_a_conflict_and_deletes_nothing(db, items):
    b1 = items["b1"]
    plans.update_item(db, "benefit", b1.id, b1.fields.model_copy(update={"owner": "Bob"}), expected_version=b1.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.delete_item(db, "benefit", b1.id, expected_version=b1.version, actor="alice")
    assert caught.value.current.fields.owner == "Bob"
    assert len(plans.get_plan(db, "SP-01").benefits) == 2
    assert count(db, t.MeasureValue) == 3


def test_delete_of_a_deleted_item_is_a_conflict(db, items):
    o2 = items["o2"]
    plans.delete_item(db, "output", o2.id, expected_version=o2.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.delete_item(db, "output", o2.id, expected_version=o2.version, actor="alice")
    assert caught.value.current is None


# --- order -----------------------------------------------------------------------------------


def test_move_item_reorders_and_stops_at_the_ends(db, items):
    assert plans.move_item(db, "benefit", items["b2"].id, -1, actor="alice") is True
    assert [b.fields.code for b in plans.get_plan(db, "SP-01").benefits] == ["B2", "B1"]
    assert plans.move_item(db, "benefit", items["b2"].id, -1, actor="alice") is False
    assert plans.move_item(db, "benefit", items["b2"].id, 5, actor="alice") is True
    assert [b.fields.code for b in plans.get_plan(db, "SP-01").benefits] == ["B1", "B2"]
    entry = history(db)[0]
    assert (entry.entity, entry.key, entry.field, entry.old, entry.new) == ("benefit", "SP-01/B2", "position", "1", "2")


def test_move_does_not_bump_the_version_so_nobody_loses_an_edit(db, items):
    o1 = items["o1"]
    plans.move_item(db, "output", o1.id, 1, actor="bob")
    after = plans.update_item(db, "output", o1.id, o1.fields.model_copy(update={"owner": "Al"}), expected_version=o1.version, actor="alice")
    assert after.fields.owner == "Al"


def test_move_measure_stays_within_its_parent(db, items):
    m3 = plans.add_measure(db, "SP-01", "benefit", "B1", MeasureFields(name="Boilers"), actor="a")
    assert plans.move_item(db, "measure", m3.id, -1, actor="a") is True
    plan = plans.get_plan(db, "SP-01")
    assert [m.fields.code for m in plan.measures if m.parent_code == "B1"] == ["M3", "M1"]
    assert [m.fields.code for m in plan.measures if m.parent_code == "OC1"] == ["M2"]
    assert plans.move_item(db, "measure", items["m2"].id, -1, actor="a") is False


def test_move_unknown_item_is_not_found(db, items):
    with pytest.raises(NotFoundError):
        plans.move_item(db, "output", 999, 1, actor="a")


# --- links --------------------------------------------------------------------------------------


def test_set_links_replaces_bumps_version_and_audits(db, items):
    o2 = items["o2"]
    after = plans.set_links(db, "output", o2.id, ["OC2", "OC1"], expected_version=o2.version, actor="alice")
    assert after.links == ("OC1", "OC2")  # shown in the plan's order
    assert after.version == o2.version + 1
    after = plans.set_links(db, "output", o2.id, ["OC2"], expected_version=after.version, actor="alice")
    assert after.links == ("OC2",)
    rows = [(e.action, e.entity, e.key) for e in history(db)[:3]]
    assert rows == [("unlink", "output_link", "SP-01/O2>OC1"), ("link", "output_link", "SP-01/O2>OC1"), ("link", "output_link", "SP-01/O2>OC2")]
    assert map_plan(plans.get_plan(db, "SP-01")).outputs[1].problem is None


def test_set_links_refuses_unknown_and_repeated_codes(db, items):
    o2 = items["o2"]
    with pytest.raises(InvalidInput) as caught:
        plans.set_links(db, "output", o2.id, ["OC1", "OC9"], expected_version=o2.version, actor="a")
    assert caught.value.problems[0].field == "links" and caught.value.problems[0].value == "OC9"
    with pytest.raises(InvalidInput):
        plans.set_links(db, "output", o2.id, ["OC1", "OC1"], expected_version=o2.version, actor="a")
    with pytest.raises(InvalidInput):  # a benefit of another project is not a target
        build_plan(db, "SP-02")
        plans.set_links(db, "outcome", items["oc2"].id, ["B1", "OC1"], expected_version=items["oc2"].version, actor="a")
    with pytest.raises(ValueError):
        plans.set_links(db, "benefit", items["b1"].id, [], expected_version=1, actor="a")  # type: ignore[arg-type]


def test_stale_set_links_is_a_conflict_showing_their_links(db, items):
    oc2 = items["oc2"]
    plans.set_links(db, "outcome", oc2.id, ["B2"], expected_version=oc2.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.set_links(db, "outcome", oc2.id, ["B1"], expected_version=oc2.version, actor="alice")
    assert caught.value.current.links == ("B2",)
    assert plans.get_plan(db, "SP-01").outcomes[1].links == ("B2",)


# --- measures --------------------------------------------------------------------------------


def test_add_measure_assigns_the_first_free_code(db, items):
    m = plans.add_measure(db, "SP-01", "outcome", "OC2", MeasureFields(name="Bills"), actor="a")
    assert m.fields.code == "M3" and (m.parent_kind, m.parent_code) == ("outcome", "OC2")
    plans.delete_measure(db, items["m1"].id, expected_version=items["m1"].version, actor="a")
    again = plans.add_measure(db, "SP-01", "benefit", "B2", {"name": "Complaints"}, actor="a")
    assert again.fields.code == "M1"
    entry = history(db)[0]
    assert (entry.action, entry.entity, entry.key, entry.new) == ("create", "measure", "SP-01/M1", "Complaints")


def test_measure_codes_are_unique_within_the_project(db, items):
    with pytest.raises(InvalidInput) as caught:
        plans.add_measure(db, "SP-01", "outcome", "OC2", MeasureFields(code="m2", name="Dup"), actor="a")
    assert caught.value.problems[0].field == "code"


def test_measure_needs_an_existing_parent(db, items):
    with pytest.raises(InvalidInput) as caught:
        plans.add_measure(db, "SP-01", "benefit", "B9", MeasureFields(name="x"), actor="a")
    assert caught.value.problems[0].field == "parent"
    with pytest.raises(ValueError):
        plans.add_measure(db, "SP-01", "output", "O1", MeasureFields(name="x"), actor="a")  # type: ignore[arg-type]


def test_measure_fields_are_validated(db, items):
    with pytest.raises(InvalidInput):
        plans.add_measure(db, "SP-01", "benefit", "B1", {"name": "Range", "direction": "range", "target": 5}, actor="a")


def test_update_measure_keeps_code_when_left_out_and_audits_old_baseline_and_reason(db, items):
    m1 = items["m1"]
    changed = m1.fields.model_copy(update={"code": None, "baseline": 90.0, "target": 60.0})
    after = plans.update_measure(db, m1.id, changed, expected_version=m1.version, actor="alice", reason="  Meter recalibrated [Q3] ")
    assert after.fields.code == "M1" and after.version == m1.version + 1
    rows = {(e.key, e.field, e.old, e.new) for e in history(db) if e.entity == "measure" and e.action == "update"}
    assert rows == {
        ("SP-01/M1", "baseline", "100.0", "90.0"), ("SP-01/M1", "target", "65.0", "60.0"), ("SP-01/M1", "reason", None, "Meter recalibrated [Q3]"),
    }


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_changing_a_baseline_or_target_needs_a_reason(db, items, reason):
    m1 = items["m1"]
    for change in ({"baseline": 90.0}, {"target_period": "2026/27 Q4"}, {"baseline_period": "2023/24 Q4"}):
        with pytest.raises(InvalidInput) as caught:
            plans.update_measure(db, m1.id, m1.fields.model_copy(update=change), expected_version=m1.version, actor="a", reason=reason)
        assert [p.field for p in caught.value.problems] == ["reason"]
    assert plans.get_measure(db, m1.id).version == m1.version  # nothing saved


def test_other_measure_fields_change_without_a_reason(db, items):
    m1 = items["m1"]
    after = plans.update_measure(db, m1.id, m1.fields.model_copy(update={"owner": "Energy team"}), expected_version=m1.version, actor="a")
    assert after.fields.owner == "Energy team"
    assert "reason" not in {e.field for e in history(db)}


def test_direction_and_target_change_together_in_one_save(db, items):
    """A new direction and its new range are valid only together: one transaction, one version, one reason."""
    m1 = items["m1"]
    changed = m1.fields.model_copy(update={"direction": Direction.RANGE, "target": 60.0, "target_max": 70.0, "unit": "kWh"})
    after = plans.update_measure(db, m1.id, changed, expected_version=m1.version, actor="a", reason="Now a band")
    assert (after.fields.direction, after.fields.target, after.fields.target_max, after.version) == (Direction.RANGE, 60.0, 70.0, m1.version + 1)
    assert {e.field for e in history(db) if e.entity == "measure"} >= {"direction", "target", "target_max", "unit", "reason"}


def test_the_audit_of_a_reasoned_change_matches_the_review_services(tmp_path):
    """The plan editor and review mode leave the same trail for the same baseline/target change."""
    trails = []
    for name, change in (
        ("plans", lambda db, m: plans.update_measure(db, m.id, m.fields.model_copy(update={"target": 60.0}), expected_version=m.version, actor="a", reason="Why")),
        ("reviews", lambda db, m: reviews.update_measure_baseline_or_target(db, "SP-01", "M1", target=60.0, reason="Why", expected_version=m.version, actor="a")),
    ):
        database = admins(open_portfolio(f"sqlite:///{tmp_path / name}.db", create=True))
        built = build_plan(database)
        change(database, built["m1"])
        trails.append(sorted((e.action, e.entity, e.key, e.field or "", e.old or "", e.new or "") for e in history(database) if e.actor == "a"))
        database.dispose()
    assert trails[0] == trails[1] and len(trails[0]) == 2


# --- moving a measure to another outcome or benefit ------------------------------------------------


def test_move_measure_to_another_parent_goes_last_keeps_code_and_actuals(db, items):
    m3 = plans.add_measure(db, "SP-01", "outcome", "OC2", MeasureFields(name="Bills"), actor="a")
    m1 = items["m1"]
    moved = plans.move_measure(db, m1.id, "outcome", "OC2", expected_version=m1.version, actor="alice")
    assert (moved.parent_kind, moved.parent_code, moved.fields.code, moved.version) == ("outcome", "OC2", "M1", m1.version + 1)
    plan = plans.get_plan(db, "SP-01")
    assert [m.fields.code for m in plan.measures if m.parent_code == "OC2"] == [m3.fields.code, "M1"]
    assert not [m for m in plan.measures if m.parent_code == "B1"]
    assert "benefit B1 has no measure" in map_plan(plan).breaks
    assert count(db, t.MeasureValue) == 3 and count(db, t.MeasureTarget) == 1
    entry = history(db)[0]
    assert (entry.actor, entry.action, entry.entity, entry.key, entry.field, entry.old, entry.new) == (
        "alice", "update", "measure", "SP-01/M1", "parent", "benefit B1", "outcome OC2",
    )
    back = plans.move_measure(db, m1.id, "benefit", "B2", expected_version=moved.version, actor="alice")
    assert (back.parent_kind, back.parent_code) == ("benefit", "B2")


def test_move_measure_to_where_it_is_changes_nothing(db, items):
    m1 = items["m1"]
    same = plans.move_measure(db, m1.id, "benefit", "B1", expected_version=m1.version, actor="a")
    assert same.version == m1.version and not [e for e in history(db) if e.field == "parent"]


def test_move_measure_target_must_be_in_the_same_plan(db, items):
    build_plan(db, "SP-02")
    other = plans.add_item(db, "SP-02", "benefit", BenefitFields(code="B9", title="Elsewhere"), actor="a")
    m1 = items["m1"]
    with pytest.raises(InvalidInput) as caught:
        plans.move_measure(db, m1.id, "benefit", other.fields.code, expected_version=m1.version, actor="a")
    assert caught.value.problems[0].field == "parent" and "SP-01" in caught.value.problems[0].message
    with pytest.raises(InvalidInput):
        plans.move_measure(db, m1.id, "outcome", "B2", expected_version=m1.version, actor="a")  # a benefit's code, asked as an outcome
    with pytest.raises(ValueError):
        plans.move_measure(db, m1.id, "output", "O1", expected_version=m1.version, actor="a")  # outputs carry no measures
    assert plans.get_measure(db, m1.id).parent_code == "B1"


def test_stale_move_is_a_conflict_showing_the_measure_now(db, items):
    m1 = items["m1"]
    plans.update_measure(db, m1.id, m1.fields.model_copy(update={"owner": "Bob"}), expected_version=m1.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.move_measure(db, m1.id, "outcome", "OC2", expected_version=m1.version, actor="alice")
    assert caught.value.current.fields.owner == "Bob" and caught.value.current.parent_code == "B1"
    assert plans.get_measure(db, m1.id).parent_code == "B1"
    plans.delete_measure(db, m1.id, expected_version=m1.version + 1, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.move_measure(db, m1.id, "outcome", "OC2", expected_version=m1.version + 1, actor="alice")
    assert caught.value.current is None


# --- profiled targets ------------------------------------------------------------------------------


def test_profiled_targets_oldest_first_with_the_published_quarters(db, items):
    m1 = items["m1"]
    after = reviews.set_profiled_target(db, "SP-01", "M1", "2024/25 Q2", 80.0, reason="Profile", expected_version=m1.version, actor="a")
    project_id = projects.get_project(db, "SP-01").id
    with db.transaction() as session:
        session.add(t.QuarterlyReview(project_id=project_id, fy_start_year=2024, quarter=1, status="published", rag="green"))
        session.add(t.QuarterlyReview(project_id=project_id, fy_start_year=2024, quarter=3, rag="amber"))
    profile = plans.profiled_targets(db, m1.id)
    assert profile.project_code == "SP-01" and profile.measure.version == after.version
    assert profile.targets == ((Quarter(2024, 2), 80.0), (Quarter(2024, 4), 70.0))
    assert profile.published == {Quarter(2024, 1)}
    assert plans.profiled_targets(db, items["m2"].id).targets == ()
    with pytest.raises(NotFoundError):
        plans.profiled_targets(db, 999)


def test_stale_measure_edit_is_a_conflict(db, items):
    m2 = items["m2"]
    plans.update_measure(db, m2.id, m2.fields.model_copy(update={"unit": "tCO2e"}), expected_version=m2.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.update_measure(db, m2.id, m2.fields.model_copy(update={"owner": "Al"}), expected_version=m2.version, actor="alice")
    assert caught.value.current.fields.unit == "tCO2e"


def test_delete_measure_takes_its_actuals(db, items):
    m1 = items["m1"]
    plans.delete_measure(db, m1.id, expected_version=m1.version, actor="alice")
    assert [m.fields.code for m in plans.get_plan(db, "SP-01").measures] == ["M2"]
    assert count(db, t.MeasureValue) == 0
    entry = history(db)[0]
    assert (entry.action, entry.entity, entry.key, entry.old) == ("delete", "measure", "SP-01/M1", "Gas use")
    with pytest.raises(ConflictError):
        plans.delete_measure(db, m1.id, expected_version=m1.version, actor="alice")


def test_deleting_the_project_takes_the_whole_plan(db, items):
    detail = projects.get_project(db, "SP-01")
    projects.delete_project(db, "SP-01", expected_version=detail.version, actor="a")
    for table in (t.Output, t.Outcome, t.Benefit, t.Measure, t.MeasureValue, t.OutputOutcome, t.OutcomeBenefit, t.BenefitsReviewPlan):
        assert count(db, table) == 0, table


def test_suggested_codes_follow_the_highest_in_use():
    assert suggest_code("output", []) == "O1"
    assert suggest_code("outcome", ["OC1", "OC7", "X"]) == "OC8"
    assert suggest_code("benefit", ["b2"]) == "B3"
    assert next_measure_code(["M1", "m2", "M4"]) == "M3"


# --- reviews (read-only) -----------------------------------------------------------------------


def test_project_reviews_newest_first(db, items):
    project_id = projects.get_project(db, "SP-01").id
    with db.transaction() as session:
        session.add(t.QuarterlyReview(project_id=project_id, fy_start_year=2024, quarter=4, rag="amber", commentary="Late"))
        session.add(t.QuarterlyReview(project_id=project_id, fy_start_year=2025, quarter=1, rag="green", status="published", published_by="Al"))
    reviews = project_reviews(db, "SP-01")
    assert [str(r.quarter) for r in reviews] == ["2025/26 Q1", "2024/25 Q4"]
    assert reviews[0].rag is Rag.GREEN and reviews[1].rag is Rag.AMBER and reviews[1].commentary == "Late"
    with pytest.raises(NotFoundError):
        project_reviews(db, "SP-99")


# --- the sample portfolio and the snapshot ---------------------------------------------------


@pytest.fixture
def sample(db):
    from projtui.services.transfer import load_sample

    load_sample(db, actor="loader")
    return db


def test_every_sample_plan_reads_and_its_documented_gaps_are_breaks(sample):
    breaks = {}
    for row in portfolio.list_projects(sample, limit=500):
        plan = plans.get_plan(sample, row.code)
        assert plan.outputs and plan.outcomes and plan.benefits
        breaks[row.code] = map_plan(plan).breaks
    # The sample's own header lists these as "benefit with no measure".
    assert "benefit B3 has no measure" in breaks["SP-12"]
    assert "benefit B3 has no measure" in breaks["SP-14"]


def test_edits_export_and_import_back_unchanged(sample):
    """What the plan services write is what a snapshot carries: a round trip finds nothing to change."""
    from projtui.services.importing import import_snapshot
    from projtui.services.transfer import export_snapshot

    plan = plans.get_plan(sample, "SP-01")
    output = plans.add_item(sample, "SP-01", "output", OutputFields(code="O9", title=MARKUP), actor="a")
    plans.set_links(sample, "output", output.id, [plan.outcomes[-1].fields.code], expected_version=output.version, actor="a")
    plans.move_item(sample, "output", output.id, -2, actor="a")
    plans.add_measure(sample, "SP-01", "outcome", plan.outcomes[0].fields.code, MeasureFields(name="New one"), actor="a")
    plans.move_item(sample, "benefit", plan.benefits[-1].id, -1, actor="a")
    text = "".join(export_snapshot(sample))
    result = import_snapshot(sample, text, source="round-trip.toml", actor="a", dry_run=True)
    assert result.changes == []
    assert 'title = "Rates [/] review [red]x"' in text
