"""The project screen's Risks tab as a user drives it: the register by score, n, e/Enter, c, i, the form's checks, help and footer."""

from __future__ import annotations

import datetime as dt

import pytest
from support import (
    MARKUP,
    answer_confirm,
    build_portfolio,
    error_of,
    footer,
    help_entries,
    make_app,
    screen_text,
    settle,
    type_into,
)
from textual.widgets import DataTable, Select, TabbedContent

from projtui.domain.records import RiskFields
from projtui.domain.risks import RiskKind, RiskStatus
from projtui.services import risks
from projtui.services.audit import history_page
from projtui.ui.screens.item_form import FormScreen

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path):
    database = build_portfolio(tmp_path / "p.db")
    risks.create_risk(database, "SP-01", RiskFields(code="R01", title="Cost inflation", likelihood=2, impact=3, mitigation="Fixed-price order"), actor="setup")
    risks.create_risk(database, "SP-01", RiskFields(code="R02", title=MARKUP, likelihood=4, impact=5, owner="Ann [b]Lee[/b]"), actor="setup")
    yield database
    database.dispose()


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#risks-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_tab(pilot) -> None:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    assert pilot.app.screen.query_one(TabbedContent).active == "risks"


async def test_6_opens_the_register_highest_score_first_with_shape_and_word(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        assert [row[:6] for row in rows(app)] == [
            ["20 ▲ Red", "4×5", "R02", "Risk", "○ Open", MARKUP],
            [" 6 ◆ Amber", "2×3", "R01", "Risk", "○ Open", "Cost inflation"],
        ]
        text = screen_text(app)
        assert "Ann [b]Lee[/b]" in text  # user text, never markup
        assert "Likelihood 4 (Likely) × impact 5 (Severe) = 20 ▲ Red" in text
        bar = footer(app)
        assert all(word in bar for word in ("New risk", "Edit", "Close/reopen", "Became issue"))


async def test_n_adds_a_risk_with_the_next_code_and_the_form_refuses_beside_the_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.form.raw("code") == "R03"
        await type_into(pilot, "title", "Planning delay")
        await type_into(pilot, "review_by", "2020-01-01")
        assert error_of(form, "review_by").startswith("✗ review by 2020-01-01 is before raised on")
        await type_into(pilot, "review_by", "2025-13-01")
        assert error_of(form, "review_by") == "✗ no such date"
        await type_into(pilot, "review_by", "2099-01-31")
        form.query_one("#field-impact", Select).value = 5
        form.query_one("#field-likelihood", Select).value = 5
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert rows(app)[0][:3] == ["25 ▲ Red", "5×5", "R03"]
        added = risks.risk_register(db, "SP-01").risks[0]
        assert (added.code, added.fields.title, added.fields.review_by) == ("R03", "Planning delay", dt.date(2099, 1, 31))


async def test_a_taken_code_is_refused_beside_the_code(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await type_into(pilot, "code", "r01")
        await type_into(pilot, "title", "Same code")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "already has this code" in error_of(form, "code")


async def test_enter_edits_the_risk_under_the_cursor(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.form.raw("code") == "R01"
        await type_into(pilot, "owner", "Bo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(app)[1][6] == "Bo"
        entry = history_page(db, "SP-01").entries[0]
        assert (entry.actor, entry.key, entry.field, entry.new) == ("tester", "SP-01/R01", "owner", "Bo")


async def test_c_closes_and_reopens(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert rows(app)[0][4] == "✔ Closed"
        assert risks.risk_register(db, "SP-01").risks[0].fields.status is RiskStatus.CLOSED
        await pilot.press("c")
        await settle(pilot)
        assert rows(app)[0][4] == "○ Open"


async def test_i_turns_a_risk_into_an_issue_after_asking(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        await pilot.press("i")
        await settle(pilot)
        await answer_confirm(pilot, False)
        assert rows(app)[0][3] == "Risk"
        await pilot.press("i")
        await settle(pilot)
        await answer_confirm(pilot, True)
        assert rows(app)[0][3] == "Issue"
        record = risks.risk_register(db, "SP-01").risks[0]
        assert (record.code, record.fields.kind, record.fields.became_issue_on) == ("R02", RiskKind.ISSUE, dt.date.today())
        assert "Became an issue " + dt.date.today().isoformat() in screen_text(app)
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ != "ConfirmScreen"  # already an issue: nothing to ask


async def test_a_stale_close_says_so_and_shows_what_is_saved(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        top = risks.risk_register(db, "SP-01").risks[0]
        risks.update_risk(db, top.id, top.fields.model_copy(update={"owner": "Someone else"}), expected_version=top.version, actor="setup")
        await pilot.press("c")
        await settle(pilot)
        assert rows(app)[0][4] == "○ Open" and rows(app)[0][6] == "Someone else"
        assert risks.risk_register(db, "SP-01").risks[0].fields.status is RiskStatus.OPEN


async def test_an_open_risk_past_its_review_date_is_marked_overdue(db):
    register = risks.risk_register(db, "SP-01")
    for record, review_by in zip(register.risks, (dt.date(2000, 1, 31), dt.date(2099, 1, 31)), strict=True):
        risks.update_risk(db, record.id, record.fields.model_copy(update={"review_by": review_by}), expected_version=record.version, actor="setup")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        assert [row[7] for row in rows(app)] == ["⚠ 2000-01-31 overdue", "2099-01-31"]


async def test_help_lists_the_risks_keys(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot)
        await pilot.press("f1")
        await settle(pilot)
        entries = {entry for group in help_entries(app).values() for entry in group}
        assert {"n New risk", "c Close/reopen", "i Became issue"} <= entries and any(e.startswith("e ") and e.endswith(" Edit") for e in entries), entries
        assert "c closes or re-opens" in str(app.screen.query_one("#help-notes").render())
