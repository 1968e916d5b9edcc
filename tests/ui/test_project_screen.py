"""The project screen as a user drives it: tabs, the overview form, validation, cancel, conflicts, markup-looking names."""

from __future__ import annotations

import pytest
from support import (
    MARKUP,
    USER,
    answer_confirm,
    build_portfolio,
    error_of,
    in_one_read,
    make_app,
    screen_text,
    settle,
    type_into,
)
from textual.widgets import DataTable, Input, Select, TabbedContent

from projtui.domain.enums import Stage
from projtui.domain.errors import NotFoundError
from projtui.services import projects
from projtui.services.audit import history_page
from projtui.ui.screens.conflict import ConflictScreen
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.screens.project import ProjectScreen

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path):
    database = build_portfolio(tmp_path / "p.db")
    yield database
    database.dispose()


async def open_form(pilot) -> FormScreen:
    await settle(pilot)
    await pilot.press("1", "e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen)
    return screen


async def test_opens_on_the_overview_with_readable_fields(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        text = screen_text(app)
        assert f"SP-01 · {MARKUP}" in text  # the header shows the name literally
        assert "£12,345,000.50" in text
        assert "2024-04-01" in text and "2026-03-31" in text
        assert "Delivery" in text
        assert "J. Smith [lead]" in text and "Property [Estates]" in text
        assert "Replace gas boilers at [b]Salt Ayre[/b]" in text
        assert "A1  A Sustainable District" in text


async def test_number_keys_switch_tabs_and_each_tab_shows_its_records(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tabs = app.screen.query_one(TabbedContent)
        await pilot.press("2")
        assert tabs.active == "ambitions"
        table = app.screen.query_one("#ambitions-table", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["A1", "A2"]
        assert str(table.get_row_at(0)[0]).startswith("★")
        await pilot.press("4")
        assert tabs.active == "reviews"
        reviews = app.screen.query_one("#reviews-table", DataTable)
        first = [str(cell) for cell in reviews.get_row_at(0)]
        assert first[0] == "2024/25 Q4" and first[2] == "● Green"
        second = [str(cell) for cell in reviews.get_row_at(1)]
        assert second[2] == "◆ Amber" and second[3] == "▲"  # a symbol, not only a colour
        await pilot.press("down")
        await pilot.pause()
        assert "Works delayed by [supplier] lead times" in screen_text(app)
        await pilot.press("5")
        assert tabs.active == "history"
        history = app.screen.query_one("#history-table", DataTable)
        page = history_page(db, "SP-01")
        entries, total = list(page.entries), page.total
        assert history.row_count == total
        assert (str(history.get_row_at(0)[3]), str(history.get_row_at(0)[4])) == ("plan", "post_project_owner: — → Head of Property")
        assert str(history.get_row_at(total - 1)[3]) == "project"  # the oldest: created
        assert f"{entries[0].entity} {entries[0].key}" in screen_text(app)  # in full below the table
        await pilot.press("3")
        assert tabs.active == "plan"


async def test_edit_and_save_with_ctrl_s(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await type_into(pilot, "lead", "A. N. Other [x]")
        await type_into(pilot, "budget_pence", "£2,000,000.5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        detail = projects.get_project(db, "SP-01")
        assert detail.fields.lead == "A. N. Other [x]"
        assert detail.fields.budget_pence == 200_000_050
        assert "£2,000,000.50" in screen_text(app)
        entries = list(history_page(db, "SP-01").entries)
        assert {(e.field, e.actor) for e in entries[:2]} == {("lead", USER), ("budget_pence", USER)}
        assert form.is_attached is False


async def test_text_in_the_same_read_as_e_lands_in_the_form_not_on_the_tabs(db):
    # "e" and what follows arrive in one terminal read: "3" would otherwise switch to the plan tab
    # and the letters vanish while the form mounts.
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.screen.query_one(TabbedContent).active
        await in_one_read(pilot, ("e", "e"), ("tab", "\t"), ("end", None), *((c, c) for c in " 3a"))
        form = app.screen
        assert isinstance(form, FormScreen), form
        assert form.focused is form.query_one("#field-name", Input)
        assert form.query_one("#field-name", Input).value == projects.get_project(db, "SP-01").fields.name + " 3a"
        await pilot.press("escape")
        await settle(pilot)
        await answer_confirm(pilot, True)
        assert app.screen.query_one(TabbedContent).active == before


@pytest.mark.parametrize(
    ("start", "keys", "title"),
    [
        ("1", ("6", "n"), "New risk or issue for SP-01"),  # from the overview, "n" was lost while the focus moved
        ("6", ("3", "n"), "New output in SP-01"),  # from the risks, "n" went to the tab being left: a new risk
    ],
    ids=["overview-to-risks", "risks-to-plan"],
)
async def test_a_key_in_the_same_read_as_a_tab_number_is_for_the_tab_it_opens(db, start, keys, title):
    # A fast typist's or a screen reader's "6 n" arrives in one terminal read: the number must move the
    # focus to its tab before "n" is handled, or "n" reaches the tab being left (or nothing).
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(start)
        await settle(pilot)
        await in_one_read(pilot, *((key, key) for key in keys))
        assert isinstance(app.screen, FormScreen), app.screen
        assert title in screen_text(app)


async def test_text_in_the_same_read_as_tab_lands_in_the_next_field(db):
    # A fast typist's or a paste's "x", Tab, "y" arrive in one terminal read: Tab must move the
    # focus before "y" is handled, or "y" lands in the field Tab was leaving.
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        first = form.focused
        second = form.focus_chain[form.focus_chain.index(first) + 1]
        assert isinstance(first, Input) and isinstance(second, Input)
        before = (first.value, second.value)
        await in_one_read(pilot, ("end", None), ("x", "x"), ("tab", "\t"), ("end", None), ("y", "y"))
        assert form.focused is second
        assert (first.value, second.value) == (before[0] + "x", before[1] + "y")
        await in_one_read(pilot, ("z", "z"), ("shift+tab", None), ("w", "w"))
        assert form.focused is first
        assert (first.value, second.value) == (before[0] + "xw", before[1] + "yz")


async def test_editing_keys_in_the_same_read_as_text_apply_in_the_order_typed(db):
    # Backspace, Home and ctrl+u are the field's bindings, which Textual ran once the key came back up from the field,
    # after the letters typed behind them in the same read (a correction, a macro, a browser's batched keys) were in.
    async with make_app(db).run_test(size=SIZE) as pilot:
        field = (await open_form(pilot)).focused
        assert isinstance(field, Input)
        name = field.value
        await in_one_read(pilot, ("end", None), ("x", "x"), ("y", "y"), ("backspace", None), ("z", "z"), ("home", None), ("A", "A"))
        assert field.value == "A" + name + "xz"
        await in_one_read(pilot, ("ctrl+u", None), ("n", "n"), ("e", "e"), ("w", "w"))
        assert field.value == "new" + name + "xz"  # ctrl+u clears what is left of the cursor: nothing, at the start


async def test_enter_in_a_field_saves(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await type_into(pilot, "service", "Property")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        assert projects.get_project(db, "SP-01").fields.service == "Property"


async def test_stage_is_chosen_from_a_select(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        form.query_one("#field-stage", Select).value = Stage.CLOSING
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert projects.get_project(db, "SP-01").fields.stage is Stage.CLOSING


async def test_escape_without_changes_closes_at_once(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)


async def test_escape_with_changes_asks_before_discarding(db):
    before = projects.get_project(db, "SP-01")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await type_into(pilot, "lead", "Someone else")
        await pilot.press("escape")
        await settle(pilot)
        await answer_confirm(pilot, yes=False)
        assert app.screen is form  # still editing, edit kept
        assert form.query_one("#field-lead", Input).value == "Someone else"
        await pilot.press("escape")
        await settle(pilot)
        await answer_confirm(pilot, yes=True)
        assert isinstance(app.screen, ProjectScreen)
    assert projects.get_project(db, "SP-01") == before


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("budget_pence", "12.345", "at most two decimal places"),
        ("budget_pence", "lots", "enter pounds"),
        ("budget_pence", "-5", "must not be negative"),
        ("start_date", "2024-13-01", "no such date"),
        ("start_date", "1/4/2024", "YYYY-MM-DD"),
        ("name", "", "required"),
        ("code", "SP 01", "letters, digits"),
    ],
)
async def test_invalid_input_shows_the_error_by_the_field_and_is_not_saved(db, field, typed, message):
    before = projects.get_project(db, "SP-01")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await type_into(pilot, field, typed or "x")
        if not typed:
            await pilot.press("backspace")
            await pilot.pause()
        assert message in error_of(form, field)  # as you type, before any save
        assert form.query_one(f"#field-{field}").has_class("-invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Fix the 1 marked field" in screen_text(app)
    assert projects.get_project(db, "SP-01") == before


async def test_end_before_start_is_shown_on_the_end_date(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await type_into(pilot, "end_date", "2023-01-01")
        assert "before start date" in error_of(form, "end_date")
        await type_into(pilot, "end_date", "2027-01-01")
        assert error_of(form, "end_date") == ""


async def test_service_refusal_lands_on_the_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await type_into(pilot, "code", "SP-02")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "another project already has this code" in error_of(form, "code")
        await type_into(pilot, "code", "SP-03")
        assert error_of(form, "code") == ""


async def test_rule_refusal_is_shown_in_the_form(db):
    projects.set_ambitions(db, "SP-02", [], expected_version=1, actor="x")
    app = make_app(db, code="SP-02")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "allowed in the pipeline, needed before it moves on" in screen_text(app)
        form = await open_form(pilot)
        form.query_one("#field-stage", Select).value = Stage.DELIVERY
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "must be linked to a Council Plan ambition" in screen_text(app)


async def _conflict(pilot, db) -> ConflictScreen:
    form = await open_form(pilot)
    await type_into(pilot, "lead", "Mine")
    theirs = projects.get_project(db, "SP-01")
    projects.update_project(
        db, "SP-01", theirs.fields.model_copy(update={"lead": "Theirs", "service": "Their service"}),
        expected_version=theirs.version, actor="bob",
    )
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConflictScreen)
    table = pilot.app.screen.query_one(DataTable)
    rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)}
    assert rows["Project lead"][1:] == ["both", "Mine", "Theirs"]
    assert rows["Service"][1:] == ["them", "Property [Estates]", "Their service"]
    return form


async def test_conflict_keep_theirs_drops_my_edit(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _conflict(pilot, db)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        assert projects.get_project(db, "SP-01").fields.lead == "Theirs"
        assert "Their service" in screen_text(app)


async def test_conflict_overwrite_saves_mine_over_theirs(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _conflict(pilot, db)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        fields = projects.get_project(db, "SP-01").fields
        # "Overwrite with mine" saves the whole form: their service change is replaced too.
        assert fields.lead == "Mine" and fields.service == "Property [Estates]"


async def test_conflict_back_to_editing_keeps_my_edits_then_saves(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await _conflict(pilot, db)
        await pilot.press("b")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-lead", Input).value == "Mine"  # changed by both: mine kept
        assert form.query_one("#field-service", Input).value == "Their service"  # left alone by me: theirs taken
        assert "Their change to Service is now in the form" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        fields = projects.get_project(db, "SP-01").fields
        assert (fields.lead, fields.service) == ("Mine", "Their service")


async def test_conflict_when_deleted_meanwhile(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await type_into(pilot, "lead", "Mine")
        projects.delete_project(db, "SP-01", expected_version=projects.get_project(db, "SP-01").version, actor="bob")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert "deleted" in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert app.screen is form


async def test_markup_looking_names_show_literally_everywhere(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await type_into(pilot, "directorate", "[bold]Chief[/] Exec [/]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]Chief[/] Exec [/]" in text
        assert MARKUP in text
        assert form.is_attached is False
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "Heat pumps [red]installed" in text and "Fewer [i]complaints[/i]" in text
        await pilot.press("5")
        await settle(pilot)
        assert "[bold]Chief[/] Exec [/]" in screen_text(app)


async def test_unknown_project_goes_back_with_a_message(db):
    app = make_app(db, code="SP-99")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, ProjectScreen)
        assert any("SP-99" in str(n.message) for n in app._notifications)


async def test_database_work_runs_in_thread_workers(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.load()
        worker = next(w for w in app.workers if w.group == "project-load")
        assert worker._thread_worker
        await settle(pilot)


async def test_escape_leaves_the_project(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ProjectScreen)



async def test_shift_d_deletes_the_project_after_saying_what_goes_with_it(db):
    from projtui.ui.screens.confirm import ConfirmScreen

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        impact = projects.deletion_impact(db, "SP-01")
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "Delete project SP-01" in text and f"Also deleted: {', '.join(impact[:2])}" in text
        await pilot.press("n")  # no: nothing goes
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen) and projects.get_project(db, "SP-01")
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ProjectScreen)
        assert any("Deleted project SP-01." in str(n.message) for n in app._notifications)
    with pytest.raises(NotFoundError):
        projects.get_project(db, "SP-01")


async def test_link_ambitions_from_the_project(db):
    from textual.widgets import OptionList

    from projtui.ui.screens.ambition_picker import AmbitionPicker

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AmbitionPicker)
        picker.query_one(OptionList).highlighted = 1
        await pilot.press("p", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        assert projects.get_project(db, "SP-01").primary_ambition.code == "A2"
        table = app.screen.query_one("#ambitions-table", DataTable)
        assert [str(table.get_row_at(0)[1]), str(table.get_row_at(0)[0])] == ["A2", "★ primary"]


def add_history(db, code: str, n: int) -> None:
    """`n` more audit entries for project `code` ("lead: n-1 → n"), straight into the log."""
    from sqlalchemy import insert, select

    from projtui.store import tables as t

    with db.transaction() as session:
        project_id = session.scalar(select(t.Project.id).where(t.Project.code == code))
        rows = [
            {"at": t.utcnow(), "actor": "bulk", "action": "update", "entity": "project", "entity_key": code,
             "project_id": project_id, "field": "lead", "old_value": str(i - 1), "new_value": str(i)}
            for i in range(n)
        ]
        session.execute(insert(t.AuditLog), rows)


async def test_history_reads_page_by_page_as_the_cursor_reaches_the_end(db):
    from projtui.ui.screens.project import HISTORY_AHEAD, HISTORY_PAGE

    add_history(db, "SP-01", 2 * HISTORY_PAGE + 50)
    total = history_page(db, "SP-01").total
    app = make_app(db, tab="history")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        table = app.screen.query_one("#history-table", DataTable)
        assert table.row_count == HISTORY_PAGE
        assert f"Newest first · {HISTORY_PAGE} of {total:,} changes · more as the cursor reaches the end" in screen_text(app)

        # Someone saves meanwhile: the next page carries on from the oldest entry shown, repeating none.
        seen = projects.get_project(db, "SP-02")
        projects.update_project(db, "SP-02", seen.fields.model_copy(update={"lead": "X"}), expected_version=seen.version, actor="x")
        add_history(db, "SP-01", 1)
        await pilot.press("ctrl+end")  # the last entry read
        await settle(pilot)
        assert table.row_count == 2 * HISTORY_PAGE
        assert f"{2 * HISTORY_PAGE} of {total + 1:,} changes" in screen_text(app)
        for _ in range(40):  # PageDown on towards the end reads the rest
            if table.row_count > 2 * HISTORY_PAGE:
                break
            await pilot.press("pagedown")
            await settle(pilot)
        assert table.row_count == total and table.cursor_row < total - HISTORY_AHEAD
        assert f"Newest first · {total + 1:,} changes" not in screen_text(app)  # the new entry sits above, unread
        changes = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        entries = list(history_page(db, "SP-01", limit=10_000).entries)
        assert changes[: 2 * HISTORY_PAGE + 50] == [f"lead: {n - 1} → {n}" for n in range(2 * HISTORY_PAGE + 49, -1, -1)]
        assert str(table.get_row_at(total - 1)[3]) == "project"  # down to the oldest: created
        assert len(entries) == total + 1

        # f5 reads the tab again, as many entries as were read, from the newest.
        await pilot.press("ctrl+home", "f5")
        await settle(pilot)
        assert table.row_count == total and str(table.get_row_at(0)[4]) == "lead: -1 → 0"
        assert f"Newest first · {total:,} of {total + 1:,} changes" in screen_text(app)
