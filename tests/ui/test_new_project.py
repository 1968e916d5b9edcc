"""Portfolio `n`: a new project's form offers the next free code, refuses beside the field, and opens what it saved."""

from __future__ import annotations

from support import error_of, screen_text, settle, type_into
from textual.widgets import Input, Select

from projtui.domain.enums import Stage
from projtui.services import portfolio, projects, users
from projtui.ui.screens.item_form import NEW_PROJECT_FIELDS, PROJECT_FIELDS, FormScreen
from projtui.ui.screens.portfolio import PortfolioScreen
from projtui.ui.screens.project import ProjectScreen

SIZE = (120, 40)


async def open_new(pilot) -> FormScreen:
    await pilot.press("n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen) and form.id == "new-project-form", form
    return form


def test_the_new_form_has_every_field_the_edit_form_has():
    assert sorted(spec.name for spec in NEW_PROJECT_FIELDS) == sorted(spec.name for spec in PROJECT_FIELDS)
    assert [spec.name for spec in NEW_PROJECT_FIELDS[:3]] == ["code", "name", "stage"]


async def test_n_offers_the_next_code_saves_and_opens_the_new_project(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_new(pilot)
        code = form.query_one("#field-code", Input)
        assert code.value == "SP-18" and code.has_focus  # the form opens on Code, with the next free one offered
        assert form.query_one("#field-stage", Select).value is Stage.PIPELINE
        await pilot.press("tab", *"Leisure [b]hub")  # Name comes next; markup-looking text is just text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen) and app.screen.project_code == "SP-18"
        assert "SP-18  Leisure [b]hub" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        assert "shown 18 of 18 projects" in screen_text(app)
        assert [row.code for row in app.screen.table.visible_rows() if row][-1] == "SP-18"
    saved = projects.get_project(sample_db, "SP-18")
    assert saved.fields.name == "Leisure [b]hub" and saved.fields.stage is Stage.PIPELINE and saved.ambitions == ()


async def test_keys_typed_in_the_same_read_as_n_land_in_the_form(sample_db, make_app):
    # A fast typist, a paste or a screen reader's macro: "n", Tab and the name arrive in one
    # terminal read, all queued before the worker has read the code and opened the form.
    from textual import events

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, char in [("n", "n"), ("tab", "\t"), *((c, c) for c in "Lido"), ("space", " "), *((c, c) for c in "fans")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen), form  # "a" and "s" did not open the golden thread or the stage picker
        assert form.query_one("#field-code", Input).value == "SP-18"
        assert form.query_one("#field-name", Input).value == "Lido fans"


async def test_a_taken_code_and_an_empty_name_are_refused_beside_them_and_nothing_is_saved(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_new(pilot)
        await type_into(pilot, "code", "SP-03")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert error_of(form, "name") == "✗ required"
        await type_into(pilot, "name", "Second leisure centre")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert error_of(form, "code") == "✗ another project already has this code"
        assert error_of(form, "name") == ""
    assert portfolio.total_projects(sample_db) == 17
    assert projects.get_project(sample_db, "SP-03").fields.name != "Second leisure centre"


async def test_a_stage_past_the_pipeline_is_refused_beside_the_stage(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_new(pilot)
        await type_into(pilot, "name", "Pool")
        form.query_one("#field-stage", Select).value = Stage.DELIVERY
        await pilot.pause()
        assert "starts at pipeline" in error_of(form, "stage")  # as it is chosen, before any save
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
    assert portfolio.total_projects(sample_db) == 17


async def test_a_viewer_is_told_the_role_needed_and_nothing_is_saved(sample_db, make_app, monkeypatch):
    users.add_user(sample_db, "vic", display_name="Vic Viewer", actor="setup")  # a viewer, the role a new user gets
    monkeypatch.setenv("PROJTUI_LOGIN", "vic")
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_new(pilot)
        await type_into(pilot, "name", "Pool")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and app.screen is form
        assert "vic is a viewer" in str(form.query_one("#form-message").render())
    assert portfolio.total_projects(sample_db) == 17


async def test_the_first_project_of_an_empty_portfolio_is_offered_sp_01(empty_db, make_app):
    app = make_app(empty_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_new(pilot)
        assert form.query_one("#field-code", Input).value == "SP-01"
