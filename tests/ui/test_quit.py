"""ctrl+q never loses unsaved changes silently: it asks when any screen on the stack holds some, and quits at once otherwise."""

from __future__ import annotations

from support import footer, screen_text, settle
from textual.widgets import Button, Input

from projtui.domain.enums import Rag
from projtui.domain.quarter import Quarter
from projtui.services import projects, reviews
from projtui.ui.screens.actual_dialog import ActualScreen
from projtui.ui.screens.ambition_picker import AmbitionPicker
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.screens.project import ProjectScreen
from projtui.ui.screens.review import ReviewScreen
from projtui.ui.screens.unsaved import QuitScreen

SIZE = (120, 40)
UNREVIEWED = Quarter(2026, 3)  # the sample has no reviews for this quarter yet


async def open_project_form(pilot) -> FormScreen:
    """Enter on the first project, then e: the project's form, its code field focused."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProjectScreen)
    await pilot.press("e")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


async def rename(pilot, form: FormScreen, name: str) -> None:
    form.query_one("#field-name", Input).focus()
    form.form.set_raw("name", name)
    await pilot.pause()


async def test_a_clean_app_quits_at_once(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_an_untouched_form_does_not_ask(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_project_form(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_a_dirty_form_asks_cancel_keeps_the_edit_discard_quits(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_project_form(pilot)
        code = form.values["code"]
        await rename(pilot, form, "Renamed [b]not markup[/b]")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        text = screen_text(app)
        assert f"Quit and discard your changes to project {code}" in text and "(Name)?" in text
        assert "s Save and quit" in footer(app) and "y Discard and quit" in footer(app) and "n Cancel" in footer(app)
        await pilot.press("n")  # Cancel: back to the form, the edit kept
        await pilot.pause()
        assert app.is_running and app.screen is form
        assert form.form.raw("name") == "Renamed [b]not markup[/b]"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")  # Discard and quit
        await pilot.pause()
        assert not app.is_running
    assert projects.get_project(sample_db, code).fields.name != "Renamed [b]not markup[/b]"


async def test_save_and_quit_saves_the_form_first(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_project_form(pilot)
        code = form.values["code"]
        await rename(pilot, form, "Saved on the way out")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.screen.query_one("#quit-save", Button)
        await pilot.press("s")
        await settle(pilot)
        assert not app.is_running
    detail = projects.get_project(sample_db, code)
    assert detail.fields.name == "Saved on the way out"


async def test_save_and_quit_stays_when_the_form_refuses(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_project_form(pilot)
        code, name = form.values["code"], form.values["name"]
        await rename(pilot, form, "")  # a name is required
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        assert app.is_running and app.screen is form
        assert "required" in str(form.query_one("#error-name").render())
    assert projects.get_project(sample_db, code).fields.name == name


async def test_a_dirty_review_sheet_asks_and_save_and_quit_saves_the_draft(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReviewScreen(UNREVIEWED))
        await settle(pilot)
        code = app.screen.current_code
        await pilot.press("g")  # the overall RAG, not saved yet
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        assert f"Quit and discard your changes to the {UNREVIEWED} review of {code}?" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert not app.is_running
    assert reviews.review_sheet(sample_db, code, UNREVIEWED).draft_fields().rag is Rag.GREEN


async def test_a_picker_with_changes_asks_without_offering_save(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AmbitionPicker)
        await pilot.press("down", "space")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        assert f"your changes to the ambitions of {picker.detail.code}?" in screen_text(app)
        assert not app.screen.query("#quit-save") and "Save and quit" not in footer(app)
        await pilot.press("s")  # not offered: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is picker and picker.chosen() != picker.initial
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


async def test_changes_on_several_screens_are_all_listed(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        review = ReviewScreen(UNREVIEWED)
        await app.push_screen(review)
        await settle(pilot)
        await pilot.press("a")  # amber overall: the sheet has an unsaved change
        await pilot.press("m", "enter")  # the first measure's actual
        await settle(pilot)
        actual = app.screen
        assert isinstance(actual, ActualScreen)
        await pilot.press("4", "2")
        await pilot.press("ctrl+q")
        await pilot.pause()
        text = screen_text(app)
        assert "Quit and discard your unsaved changes?" in text
        assert f"• the {UNREVIEWED} actual of {actual.line.code}" in text
        assert f"• the {UNREVIEWED} review of {review.current_code}" in text
        assert not app.screen.query("#quit-save")  # two screens: each is saved where it is
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is actual and actual.query_one("#actual-value", Input).value.endswith("42")
