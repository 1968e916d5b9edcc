"""The Benefits Review Plan tab as a user drives it: add, edit, link, reorder and delete items, the plan's fields, the map."""

from __future__ import annotations

import threading

import pytest
from support import (
    MARKUP,
    USER,
    answer_confirm,
    build_portfolio,
    error_of,
    go_to,
    make_app,
    screen_text,
    settle,
    type_into,
)
from textual.widgets import DataTable, Input, OptionList, Select, SelectionList

from projtui.domain.enums import Direction, PlanStatus
from projtui.domain.plan_map import map_plan
from projtui.domain.quarter import Quarter
from projtui.services import plans, reviews
from projtui.services.audit import history_page
from projtui.ui.screens.confirm import ChoiceScreen
from projtui.ui.screens.conflict import ConflictScreen
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.screens.link_picker import LinkPicker
from projtui.ui.widgets.benefits_map import PlanTree, Ref
from projtui.ui.widgets.plan_editor import PlanEditor

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path):
    database = build_portfolio(tmp_path / "p.db")
    yield database
    database.dispose()


def editor(app) -> PlanEditor:
    return app.screen.query_one(PlanEditor)


def ref_of(db, kind: str, code: str) -> Ref:
    plan = plans.get_plan(db, "SP-01")
    pool = {"output": plan.outputs, "outcome": plan.outcomes, "benefit": plan.benefits, "measure": plan.measures}[kind]
    return Ref(kind, next(item.id for item in pool if item.fields.code == code))


async def press_on(pilot, db, kind: str, code: str, key: str):
    """Put the cursor on a plan record and press `key`: the screen on top afterwards (a form, a picker)."""
    await go_to(pilot, ref_of(db, kind, code))
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


async def start(pilot) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


async def test_plan_tab_shows_items_map_and_breaks(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert app.focused is editor(app).items_tree
        text = screen_text(app)
        assert "Plan: ✎ Draft" in text and "Head of Property" in text
        assert "O2  Solar array on the roof  ⚠ leads to no outcome" in text
        assert "OC2  Lower energy bills  ⚠ leads to no benefit" in text
        assert "B2  Fewer [i]complaints[/i]  ⚠ has no measure" in text
        assert "⚠ 4 breaks" in text
        assert "M1  Gas use  % ↓ target 65" in text


async def test_add_output_from_its_section(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await go_to(pilot, Ref("section", section="output"))
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-code", Input).value == "O3"  # suggested
        await type_into(pilot, "title", MARKUP)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen.query_one(PlanEditor), PlanEditor)
        plan = plans.get_plan(db, "SP-01")
        assert [(o.fields.code, o.fields.title) for o in plan.outputs][-1] == ("O3", MARKUP)
        assert editor(app).items_tree.cursor_node.data == ref_of(db, "output", "O3")
        assert f"O3  {MARKUP}" in screen_text(app)


async def test_add_outcome_and_benefit_then_link_the_chain(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        # A new outcome, from the cursor on another outcome.
        await press_on(pilot, db, "outcome", "OC1", "n")
        assert app.screen.query_one("#field-code", Input).value == "OC3"
        await type_into(pilot, "title", "Warmer changing rooms")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # A new benefit with its Green Book classes.
        await go_to(pilot, Ref("section", section="benefit"))
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await type_into(pilot, "title", "Happier swimmers")
        form.query_one("#field-quantification", Select).value = "qualitative"
        await type_into(pilot, "full_year_value_pence", "12,500")
        await type_into(pilot, "realisation_start", "FY25/26 Q1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        benefit = plans.get_plan(db, "SP-01").benefits[-1]
        assert benefit.fields.code == "B3" and benefit.fields.full_year_value_pence == 1_250_000
        assert str(benefit.fields.realisation_start) == "2025/26 Q1"
        # A measure under it: the code is assigned.
        form = await press_on(pilot, db, "benefit", "B3", "m")
        assert isinstance(form, FormScreen)
        await type_into(pilot, "name", "Satisfaction")
        await type_into(pilot, "unit", "%")
        await type_into(pilot, "baseline", "61")
        await type_into(pilot, "target", "75.5")
        await type_into(pilot, "target_period", "2026/27 Q4")
        await type_into(pilot, "tolerance", "5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        measure = plans.get_plan(db, "SP-01").measures[-1]
        assert (measure.fields.code, measure.parent_code, measure.fields.target, measure.fields.tolerance) == ("M3", "B3", 75.5, 5.0)
        # Link OC3 → B3 with the picker.
        picker = await press_on(pilot, db, "outcome", "OC3", "l")
        assert isinstance(picker, LinkPicker)
        options = picker.query_one(SelectionList)
        assert options.option_count == 3
        options.highlighted = 2
        await pilot.press("space", "enter")
        await settle(pilot)
        assert plans.get_plan(db, "SP-01").outcomes[-1].links == ("B3",)
        # And O2 → OC3, closing that break too.
        picker = await press_on(pilot, db, "output", "O2", "l")
        picker.query_one(SelectionList).highlighted = 2
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        plan = plans.get_plan(db, "SP-01")
        assert plan.outputs[1].links == ("OC3",)
        breaks = map_plan(plan).breaks
        assert "output O2 leads to no outcome" not in breaks
        assert "O2  Solar array on the roof  → OC3" in screen_text(app)


async def test_link_picker_cancel_with_changes_asks(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press_on(pilot, db, "output", "O1", "l")
        await pilot.press("space", "escape")
        await settle(pilot)
        await answer_confirm(pilot, yes=True)
        assert not isinstance(app.screen, LinkPicker)
        assert plans.get_plan(db, "SP-01").outputs[0].links == ("OC1", "OC2")


async def test_link_on_a_benefit_explains_the_direction(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press_on(pilot, db, "benefit", "B1", "l")
        assert not isinstance(app.screen, LinkPicker)
        assert any("output or an outcome" in str(n.message) for n in app._notifications)


async def test_edit_with_enter_and_save(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        form = await press_on(pilot, db, "outcome", "OC2", "enter")
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-title", Input).value == "Lower energy bills"
        await type_into(pilot, "owner", "Facilities [manager]")
        await pilot.press("enter")
        await settle(pilot)
        assert plans.get_plan(db, "SP-01").outcomes[1].fields.owner == "Facilities [manager]"


async def test_edit_measure_validates_range_and_tolerance(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        form = await press_on(pilot, db, "measure", "M1", "e")
        form.query_one("#field-direction", Select).value = Direction.RANGE
        await pilot.pause()
        assert "needs both target value and target upper bound" in error_of(form, "target")
        await type_into(pilot, "target_max", "50")
        assert "above target upper bound" in error_of(form, "target")
        await type_into(pilot, "target_max", "80")
        assert error_of(form, "target") == ""
        await type_into(pilot, "tolerance", "150")
        assert "0 to 100" in error_of(form, "tolerance")
        await type_into(pilot, "baseline_period", "2024 Q1")
        assert "financial quarter" in error_of(form, "baseline_period")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        await type_into(pilot, "tolerance", "5")
        await type_into(pilot, "baseline_period", "2024/25 Q1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await give_reason(pilot, "Now a band")
        measure = plans.get_measure(db, ref_of(db, "measure", "M1").id)
        assert (measure.fields.direction, measure.fields.target, measure.fields.target_max) == (Direction.RANGE, 65.0, 80.0)


async def give_reason(pilot, reason: str) -> None:
    """Answer the reason prompt on top."""
    assert pilot.app.screen.id == "reason-form", pilot.app.screen
    await type_into(pilot, "reason", reason)
    await pilot.press("enter")
    await settle(pilot)


def audit_of(db, field: str) -> list[tuple]:
    entries = list(history_page(db, "SP-01").entries)
    return [(e.actor, e.old, e.new) for e in entries if e.entity == "measure" and e.field == field]


async def test_changing_a_target_asks_why_and_refuses_a_blank_reason(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        form = await press_on(pilot, db, "measure", "M1", "e")
        await type_into(pilot, "target", "60")
        await type_into(pilot, "owner", "Energy team")
        await pilot.press("ctrl+s")
        await settle(pilot)
        prompt = app.screen
        assert prompt.id == "reason-form"
        text = screen_text(app)
        assert "You changed target value (65 → 60)" in text and "past ones too" in text
        await pilot.press("enter")  # nothing typed: refused beside the field
        await settle(pilot)
        assert app.screen is prompt and error_of(prompt, "reason") == "✗ required"
        await type_into(pilot, "reason", "   ")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is prompt and error_of(prompt, "reason") == "✗ required"
        assert plans.get_measure(db, ref_of(db, "measure", "M1").id).fields.target == 65.0
        await give_reason(pilot, "Budget cut [Cabinet]")
        assert not isinstance(app.screen, FormScreen)
        measure = plans.get_measure(db, ref_of(db, "measure", "M1").id)
        assert (measure.fields.target, measure.fields.owner) == (60.0, "Energy team")
        assert audit_of(db, "reason") == [(USER, None, "Budget cut [Cabinet]")]
        assert audit_of(db, "target") == [(USER, "65.0", "60.0")]
    assert form is not prompt


async def test_cancelling_the_reason_keeps_the_form_and_saves_nothing(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        form = await press_on(pilot, db, "measure", "M1", "e")
        await type_into(pilot, "baseline_period", "2023/24 Q4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "baseline period (— → 2023/24 Q4)" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and "needs a reason" in screen_text(app)
        assert plans.get_measure(db, ref_of(db, "measure", "M1").id).fields.baseline_period is None


async def test_edits_that_leave_baseline_and_target_alone_ask_no_reason(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press_on(pilot, db, "measure", "M1", "e")
        await type_into(pilot, "owner", "Energy team")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert plans.get_measure(db, ref_of(db, "measure", "M1").id).fields.owner == "Energy team"
        # A new measure has nothing to re-rate: no reason either.
        await press_on(pilot, db, "benefit", "B2", "m")
        await type_into(pilot, "name", "Complaints")
        await type_into(pilot, "target", "10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert plans.get_plan(db, "SP-01").measures[-1].fields.target == 10.0
    assert audit_of(db, "reason") == []


async def test_reason_is_kept_when_the_save_is_refused_for_something_else(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        form = await press_on(pilot, db, "measure", "M1", "e")
        await type_into(pilot, "target", "60")
        await type_into(pilot, "code", "m2")  # taken: refused by the service after the reason
        await pilot.press("ctrl+s")
        await settle(pilot)
        await give_reason(pilot, "Re-profiled")
        assert app.screen is form and "already has this code" in error_of(form, "code")
        await type_into(pilot, "code", "M1")
        await pilot.press("ctrl+s")  # not asked again
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
    assert audit_of(db, "reason") == [(USER, None, "Re-profiled")]


# --- moving a measure to another outcome or benefit ---------------------------------------------


async def open_move(pilot, db, code: str = "M1") -> ChoiceScreen:
    await go_to(pilot, ref_of(db, "measure", code))
    await pilot.press("M")
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, ChoiceScreen)
    return picker


async def test_move_a_measure_to_an_outcome(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        picker = await open_move(pilot, db)
        text = screen_text(app)
        assert "Move measure M1 “Gas use” to…" in text and "benefit  B1  Reduced gas consumption  (current)" in text
        options = picker.query_one(OptionList)
        assert options.highlighted == 2  # on the current parent: OC1, OC2, then B1
        await pilot.press("up", "enter")  # OC2
        await settle(pilot)
        measure = plans.get_measure(db, ref_of(db, "measure", "M1").id)
        assert (measure.parent_kind, measure.parent_code) == ("outcome", "OC2")
        assert editor(app).items_tree.cursor_node.data == ref_of(db, "measure", "M1")  # the cursor follows it
        text = screen_text(app)
        assert "B1  Reduced gas c…  £85,000/yr  ⚠ has no measure" in text
        assert any("Moved measure M1 to outcome OC2." == str(n.message) for n in app._notifications)
    assert audit_of(db, "parent") == [(USER, "benefit B1", "outcome OC2")]


async def test_moving_a_measure_to_where_it_is_does_nothing(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await open_move(pilot, db)
        await pilot.press("enter")
        await settle(pilot)
        await open_move(pilot, db)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
    assert audit_of(db, "parent") == []


async def test_stale_move_is_refused_and_reloads(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        ref = ref_of(db, "measure", "M1")
        await open_move(pilot, db)
        mine = plans.get_measure(db, ref.id)
        plans.update_measure(db, ref.id, mine.fields.model_copy(update={"name": "Gas use (Bob)"}), expected_version=mine.version, actor="bob")
        await pilot.press("up", "enter")
        await settle(pilot)
        assert plans.get_measure(db, ref.id).parent_code == "B1"
        assert any("someone else changed measure M1" in str(n.message) for n in app._notifications)
        assert "M1  Gas use (Bob)" in screen_text(app)
        # Looked again: now it moves.
        await open_move(pilot, db)
        await pilot.press("up", "enter")
        await settle(pilot)
        assert plans.get_measure(db, ref.id).parent_code == "OC2"


async def test_move_needs_a_measure_under_the_cursor(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press_on(pilot, db, "benefit", "B1", "M")
        assert not isinstance(app.screen, ChoiceScreen)
        assert any("cursor on a measure" in str(n.message) for n in app._notifications)


async def test_duplicate_code_is_refused_on_the_code_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        form = await press_on(pilot, db, "benefit", "B2", "e")
        await type_into(pilot, "code", "b1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "already has this code" in error_of(form, "code")


async def test_delete_asks_and_says_what_goes_with_it(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press_on(pilot, db, "benefit", "B1", "d")
        assert type(app.screen).__name__ == "ConfirmScreen"
        text = screen_text(app)
        assert "Delete benefit B1 “Reduced gas consumption”?" in text
        assert "1 measure with 3 actuals" in text and "links from 1 outcome (OC1)" in text
        await answer_confirm(pilot, yes=False)
        assert len(plans.get_plan(db, "SP-01").benefits) == 2
        await pilot.press("d")
        await settle(pilot)
        await answer_confirm(pilot, yes=True)
        plan = plans.get_plan(db, "SP-01")
        assert [b.fields.code for b in plan.benefits] == ["B2"]
        assert [m.fields.code for m in plan.measures] == ["M2"]
        assert "Reduced gas consumption" not in screen_text(app)


async def test_delete_measure_from_the_map(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await go_to(pilot, ref_of(db, "measure", "M2"), tree="#benefits-map")
        await pilot.press("d")
        await settle(pilot)
        assert "Delete measure M2 “Tonnes of CO2”?" in screen_text(app)
        await answer_confirm(pilot, yes=True)
        assert [m.fields.code for m in plans.get_plan(db, "SP-01").measures] == ["M1"]


async def test_stale_delete_is_refused_and_reloads(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        ref = ref_of(db, "output", "O2")
        await go_to(pilot, ref)
        await pilot.press("d")
        await settle(pilot)
        item = plans.get_item(db, "output", ref.id)
        plans.update_item(db, "output", ref.id, item.fields.model_copy(update={"title": "Changed by Bob"}), expected_version=item.version, actor="bob")
        await answer_confirm(pilot, yes=True)
        await settle(pilot)
        assert len(plans.get_plan(db, "SP-01").outputs) == 2
        assert any("changed" in str(n.message) and "O2" in str(n.message) for n in app._notifications)
        assert "Changed by Bob" in screen_text(app)


async def test_reorder_with_brackets_and_ctrl_arrows(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press_on(pilot, db, "benefit", "B1", "]")
        assert [b.fields.code for b in plans.get_plan(db, "SP-01").benefits] == ["B2", "B1"]
        assert editor(app).items_tree.cursor_node.data == ref_of(db, "benefit", "B1")  # the cursor follows
        await pilot.press("ctrl+up")
        await settle(pilot)
        assert [b.fields.code for b in plans.get_plan(db, "SP-01").benefits] == ["B1", "B2"]
        await press_on(pilot, db, "output", "O1", "[")
        assert [o.fields.code for o in plans.get_plan(db, "SP-01").outputs] == ["O1", "O2"]


async def test_plan_fields_need_an_approver_once_approved(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-status", Select).value = PlanStatus.APPROVED
        await pilot.pause()
        assert "needs its approver" in error_of(form, "approved_by")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        await type_into(pilot, "approved_by", "Programme [Board]")
        await type_into(pilot, "approved_on", "2024-06-18")
        await pilot.press("ctrl+s")
        await settle(pilot)
        plan = plans.get_plan(db, "SP-01")
        assert plan.fields.status is PlanStatus.APPROVED and plan.fields.approved_by == "Programme [Board]"
        assert "Plan: ✔ Approved by Programme [Board] on 2024-06-18" in screen_text(app)


async def test_stale_item_edit_opens_the_conflict_dialog(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        ref = ref_of(db, "output", "O1")
        await go_to(pilot, ref)
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "owner", "Mine")
        item = plans.get_item(db, "output", ref.id)
        plans.update_item(db, "output", ref.id, item.fields.model_copy(update={"title": "Theirs"}), expected_version=item.version, actor="bob")
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        table = dialog.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [["Title", "them", "Heat pumps [red]installed", "Theirs"], ["Owner", "you", "Mine", "—"]]
        await pilot.press("o")
        await settle(pilot)
        saved = plans.get_item(db, "output", ref.id)
        assert (saved.fields.title, saved.fields.owner) == ("Heat pumps [red]installed", "Mine")


async def test_stale_item_edit_keep_theirs(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        ref = ref_of(db, "measure", "M2")
        await go_to(pilot, ref)
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "unit", "kg")
        measure = plans.get_measure(db, ref.id)
        plans.update_measure(db, ref.id, measure.fields.model_copy(update={"unit": "tCO2e"}), expected_version=measure.version, actor="bob")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")
        await settle(pilot)
        assert not isinstance(app.screen, (ConflictScreen, FormScreen))
        assert plans.get_measure(db, ref.id).fields.unit == "tCO2e"
        assert "tCO2e" in screen_text(app)


async def test_stale_links_open_the_conflict_dialog(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        ref = ref_of(db, "outcome", "OC2")
        await go_to(pilot, ref)
        await pilot.press("l")
        await settle(pilot)
        item = plans.get_item(db, "outcome", ref.id)
        plans.set_links(db, "outcome", ref.id, ["B2"], expected_version=item.version, actor="bob")
        picker = app.screen
        picker.query_one(SelectionList).highlighted = 0
        await pilot.press("space", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        table = dialog.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["Leads to (benefits)", "both", "B1", "B2"]
        await pilot.press("b")  # back to picking, my choice kept, now against their version
        await settle(pilot)
        assert isinstance(app.screen, LinkPicker)
        await pilot.press("enter")
        await settle(pilot)
        assert plans.get_plan(db, "SP-01").outcomes[1].links == ("B1",)


async def test_new_measure_needs_an_outcome_or_benefit(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press_on(pilot, db, "output", "O1", "m")
        assert not isinstance(app.screen, FormScreen)
        assert any("outcome or a benefit" in str(n.message) for n in app._notifications)
        await go_to(pilot, ref_of(db, "measure", "M1"))
        await pilot.press("n")  # n on a measure: another measure under the same benefit
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "B1" in screen_text(app)


async def test_new_records_start_at_the_models_defaults_not_the_first_option(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await go_to(pilot, Ref("section", section="benefit"))
        await pilot.press("n")
        await settle(pilot)
        choices = {name: app.screen.query_one(f"#field-{name}", Select).value for name in ("category", "status")}
        assert choices == {"category": "non-cash-releasing", "status": "forecast"}
        await pilot.press("escape")
        await settle(pilot)
        form = await press_on(pilot, db, "benefit", "B1", "m")
        choices = {name: form.query_one(f"#field-{name}", Select).value for name in ("frequency", "direction", "aggregation")}
        assert choices == {"frequency": "quarterly", "direction": "higher", "aggregation": "snapshot"}


async def test_narrow_terminal_swaps_items_and_map(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        ed = editor(app)
        assert ed.has_class("-narrow")
        assert ed.items_tree.display and not ed.map_tree.display
        await pilot.press("v")
        await pilot.pause()
        assert ed.map_tree.display and not ed.items_tree.display
        assert app.focused is ed.map_tree
        await pilot.press("v")
        await pilot.pause()
        assert app.focused is ed.items_tree


async def test_wide_terminal_v_moves_between_items_and_map(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        ed = editor(app)
        await pilot.press("v")
        assert app.focused is ed.map_tree
        await pilot.press("v")
        assert app.focused is ed.items_tree


async def test_a_key_in_the_same_read_as_v_moves_in_the_tree_v_focused(db):
    # "v", Down in one terminal read: v must move the focus before Down is handled, or Down moves the items' cursor.
    from textual import events

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        ed = editor(app)
        items_line, map_line = ed.items_tree.cursor_line, ed.map_tree.cursor_line
        for key in ("v", "down"):
            app.post_message(events.Key(key, None))
        await settle(pilot)
        assert app.focused is ed.map_tree
        assert (ed.items_tree.cursor_line, ed.map_tree.cursor_line) == (items_line, map_line + 1)


async def test_database_work_never_runs_on_the_event_loop(db, monkeypatch):
    b1 = ref_of(db, "benefit", "B1")
    threads = []
    for name in ("get_plan", "move_item", "deletion_impact"):
        real = getattr(plans, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            threads.append((_name, threading.current_thread() is threading.main_thread()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(plans, name, spy)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await go_to(pilot, b1)
        await pilot.press("]")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await answer_confirm(pilot, yes=False)
    assert len(threads) >= 3 and not [name for name, on_loop in threads if on_loop], threads


async def test_opening_a_plan_builds_each_tree_once(db, monkeypatch):
    """Labels are cut to the trees' widths, so a build before layout (or again when a scrollbar appears) is wasted work."""
    builds = []
    real = PlanTree.rebuild

    def counting(tree, fill):
        builds.append(tree.id)
        real(tree, fill)

    monkeypatch.setattr(PlanTree, "rebuild", counting)
    app = make_app(db, tab="plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "M1  Gas use" in screen_text(app)
    assert sorted(builds) == ["benefits-map", "plan-items"]


WIDE = (220, 40)  # room for a measure's whole label beside the map


async def test_measures_show_where_their_trend_is_heading(db):
    # Gas use: 92, 80.5, 75 is too few to forecast (nothing shown); a fourth quarter (70) makes a trend: 68.65 at the year end, short of 65.
    app = make_app(db)
    async with app.run_test(size=WIDE) as pilot:
        await start(pilot)
        line = next(line for line in screen_text(app).splitlines() if "M1  Gas use" in line)
        assert "% ↓ target 65" in line and "trend" not in line
    reviews.set_actual(db, "SP-01", ref_code(db), Quarter(2024, 4), 70.0, expected_version=None, actor=USER)
    app = make_app(db)
    async with app.run_test(size=WIDE) as pilot:
        await start(pilot)
        assert "M1  Gas use  % ↓ target 65  trend 68.65 by 2024/25 Q4 ▲ will miss target" in screen_text(app)


def ref_code(db) -> str:
    return next(m.fields.code for m in plans.get_plan(db, "SP-01").measures if m.fields.name == "Gas use")


async def test_an_activity_measure_refuses_a_target_beside_it(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        form = await press_on(pilot, db, "measure", "M1", "e")
        form.query_one("#field-direction", Select).value = Direction.NONE
        await pilot.pause()
        assert 'no target value for a measure whose direction = "none"' in error_of(form, "target")
        await type_into(pilot, "target", "")
        assert error_of(form, "target") == ""
