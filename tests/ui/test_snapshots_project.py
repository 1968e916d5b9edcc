"""SVG snapshots of the project screen's tabs, its forms, the conflict dialog and the link picker.

Update after an intended change with `pytest tests/ui/test_snapshots_project.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import time

import pytest
from support import build_portfolio, make_app, settle, still
from textual.widgets import Input, Select, SelectionList, TextArea

from projtui.domain.enums import Direction, PlanStatus
from projtui.services import plans, projects, reviews
from projtui.store import tables as t
from projtui.ui.widgets.benefits_map import Ref

WIDE = (120, 40)
SMALL = (80, 24)


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    """History shows local times: pin the zone so the snapshots do not depend on the machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db(tmp_path):
    database = build_portfolio(tmp_path / "p.db")
    yield database
    database.dispose()


def _tab(key: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(key)
        await still(pilot)

    return run_before


def _ref(db, kind: str, code: str) -> Ref:
    plan = plans.get_plan(db, "SP-01")
    pool = {"output": plan.outputs, "outcome": plan.outcomes, "benefit": plan.benefits, "measure": plan.measures}[kind]
    return Ref(kind, next(item.id for item in pool if item.fields.code == code))


def _on(ref: Ref, *keys: str, tree: str = "#plan-items"):
    """Open the plan tab, put the cursor on `ref`, press `keys`."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        widget = pilot.app.screen.query_one(tree)
        widget.focus()
        widget.move_cursor(widget.find(ref))
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await still(pilot)

    return run_before


# --- the tabs --------------------------------------------------------------------------------


def test_overview(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_tab("1"))


def test_overview_small(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_tab("1"))


def test_overview_golden_thread_gap(snap_compare, db):
    assert snap_compare(make_app(db, code="SP-02"), terminal_size=WIDE, run_before=_tab("1"))


def _with_risks(db):
    import datetime as dt

    from projtui.domain.records import RiskFields
    from projtui.services import risks

    risks.create_risk(db, "SP-01", RiskFields(
        code="R01", title="Heat pump contractor insolvency", likelihood=3, impact=5, owner="G. Tomlinson",
        mitigation="Performance bond and parent company guarantee", raised_on=dt.date(2024, 9, 2), review_by=dt.date(2099, 2, 28),  # never overdue, so the picture stays put
    ), actor="setup")
    risks.create_risk(db, "SP-01", RiskFields(code="R02", title="Cost inflation above contingency", likelihood=2, impact=4), actor="setup")
    closed = risks.create_risk(db, "SP-01", RiskFields(code="R03", title="Planning [b]delay[/b]", likelihood=1, impact=2), actor="setup")
    risks.close_risk(db, closed.id, expected_version=closed.version, actor="setup")
    return db


def test_risks(snap_compare, db):
    assert snap_compare(make_app(_with_risks(db)), terminal_size=WIDE, run_before=_tab("6"))


def test_risks_small(snap_compare, db):
    assert snap_compare(make_app(_with_risks(db)), terminal_size=SMALL, run_before=_tab("6"))


def test_ambitions(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_tab("2"))


def test_plan(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_tab("3"))


def test_plan_small(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_tab("3"))


def test_plan_small_showing_the_map(snap_compare, db):
    async def run_before(pilot) -> None:
        await _tab("3")(pilot)
        await pilot.press("v")
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)


def test_plan_empty(snap_compare, db):
    assert snap_compare(make_app(db, code="SP-02"), terminal_size=WIDE, run_before=_tab("3"))


def test_reviews(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_tab("4"))


def test_history(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_tab("5"))


# --- forms --------------------------------------------------------------------------------------


def test_project_form(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_tab("e"))


def test_project_form_small(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_tab("e"))


def test_project_form_with_errors(snap_compare, db):
    async def run_before(pilot) -> None:
        await _tab("e")(pilot)
        form = pilot.app.screen
        form.query_one("#field-name", Input).value = ""
        form.query_one("#field-start_date", Input).value = "2024-04-01"
        form.query_one("#field-end_date", Input).value = "2023-01-01"
        form.query_one("#field-budget_pence", Input).value = "12.345"
        form.query_one("#field-budget_pence", Input).focus()
        await pilot.press("ctrl+s")
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run_before)


def test_plan_form_refusing_approval_without_approver(snap_compare, db):
    async def run_before(pilot) -> None:
        await _tab("3")(pilot)
        await pilot.press("p")
        await settle(pilot)
        pilot.app.screen.query_one("#field-status", Select).value = PlanStatus.APPROVED
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run_before)


def test_new_output_form(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_on(Ref("section", section="output"), "n"))


def test_outcome_form(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_on(_ref(db, "outcome", "OC1"), "e"))


def test_benefit_form(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_on(_ref(db, "benefit", "B1"), "e"))


def test_measure_form(snap_compare, db):
    async def run_before(pilot) -> None:
        await _on(_ref(db, "measure", "M1"), "e")(pilot)
        pilot.app.screen.query_one("#field-direction", Select).value = Direction.RANGE
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run_before)


def test_new_measure_form_small(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_on(_ref(db, "benefit", "B2"), "m"))


# --- dialogs -------------------------------------------------------------------------------------


def test_conflict_dialog(snap_compare, db):
    async def run_before(pilot) -> None:
        await _tab("e")(pilot)
        form = pilot.app.screen
        form.query_one("#field-lead", Input).value = "Mine [me]"
        form.query_one("#field-summary", TextArea).load_text("My summary")
        theirs = projects.get_project(db, "SP-01")
        projects.update_project(
            db, "SP-01", theirs.fields.model_copy(update={"lead": "Theirs [them]", "service": "Their service"}),
            expected_version=theirs.version, actor="bob",
        )
        await pilot.press("ctrl+s")
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run_before)


def test_conflict_dialog_small(snap_compare, db):
    async def run_before(pilot) -> None:
        await _tab("e")(pilot)
        pilot.app.screen.query_one("#field-lead", Input).value = "Mine"
        theirs = projects.get_project(db, "SP-01")
        projects.update_project(db, "SP-01", theirs.fields.model_copy(update={"lead": "Theirs"}), expected_version=theirs.version, actor="bob")
        await pilot.press("ctrl+s")
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)


def test_link_picker(snap_compare, db):
    async def run_before(pilot) -> None:
        await _on(_ref(db, "output", "O1"), "l")(pilot)
        pilot.app.screen.query_one(SelectionList).highlighted = 1
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run_before)


def test_link_picker_small(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_on(_ref(db, "outcome", "OC2"), "l"))


def test_delete_confirmation(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_on(_ref(db, "benefit", "B1"), "d"))


# --- restructuring a plan: moving a measure, reasons, profiled targets --------------------------------


def test_move_measure_picker(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_on(_ref(db, "measure", "M1"), "M"))


def test_reason_prompt_refusing_a_blank_reason(snap_compare, db):
    async def run_before(pilot) -> None:
        await _on(_ref(db, "measure", "M1"), "e")(pilot)
        pilot.app.screen.query_one("#field-target", Input).value = "60"
        pilot.app.screen.query_one("#field-target_period", Input).value = "2026/27 Q4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # blank: refused beside the field
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run_before)


def _with_targets(db) -> None:
    """M1 profiled for three quarters; 2024/25 Q3's review is published, so that one is written directly (the services freeze it)."""
    measure = plans.get_measure(db, _ref(db, "measure", "M1").id)
    for quarter, value in (("2024/25 Q4", 72.5), ("2025/26 Q1", 70.0)):
        measure = reviews.set_profiled_target(db, "SP-01", "M1", quarter, value, reason="Profile", expected_version=measure.version, actor="setup")
    with db.transaction() as session:
        session.add(t.MeasureTarget(measure_id=measure.id, fy_start_year=2024, quarter=3, value=78.0))


def test_profiled_targets(snap_compare, db):
    _with_targets(db)

    async def run_before(pilot) -> None:
        await _on(_ref(db, "measure", "M1"), "t")(pilot)
        pilot.app.screen.query_one("#field-quarter", Input).value = "2024/25 Q3"
        pilot.app.screen.query_one("#field-target", Input).value = "75"
        await still(pilot)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run_before)


def test_profiled_targets_small(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_on(_ref(db, "measure", "M1"), "t"))
