"""Managing the Council Plan from the golden thread (issue 15): n, p, e, d (delete or retire), r, K/J and N,
each pressed as a user does, then checked in the database and on the screen."""

from __future__ import annotations

import pytest
from support import notifications, screen_text, settle, type_into
from textual.widgets import Input, Tree

from projtui.domain.enums import Stage
from projtui.domain.records import AmbitionFields, PriorityFields, ProjectFields
from projtui.services import ambitions, projects
from projtui.services.portfolio import list_ambitions
from projtui.ui.screens.ambition_picker import AmbitionPicker
from projtui.ui.screens.ambitions import GoldenThreadScreen
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.screens.welcome import WelcomeScreen

SIZE = (120, 40)


@pytest.fixture
def plan_db(empty_db):
    """Two ambitions of the 2024-2027 plan (A1 with a priority), and a project serving A1."""
    ambitions.create_ambition(empty_db, AmbitionFields(code="A1", title="A Sustainable District", plan_period="2024-2027"), actor="setup")
    ambitions.create_ambition(empty_db, AmbitionFields(code="A2", title="A Prosperous Economy", plan_period="2024-2027"), actor="setup")
    ambitions.create_priority(empty_db, "A1", PriorityFields(code="A1.1", title="Net zero"), actor="setup")
    projects.create_project(empty_db, ProjectFields(code="SP-01", name="Depot", stage=Stage.DELIVERY), actor="setup", ambitions=["A1"])
    return empty_db


def tree(app) -> Tree:
    return app.screen.query_one("#thread", Tree)


def plan(db) -> list[tuple[str, str, bool]]:
    return [(a.code, a.title, a.retired) for a in list_ambitions(db)]


def at(pilot, kind: str, code: str) -> bool:
    """Whether the cursor is on the ambition or priority `code`."""
    node = tree(pilot.app).cursor_node
    data = node.data if node else None
    return bool(data and data.kind == kind and (data.ambition if kind == "ambition" else data.priority.code) == code)


async def cursor_on(pilot, kind: str, code: str) -> None:
    """Wait (a refresh at a time) for the cursor to come back to the ambition or priority a change was made to."""
    for _ in range(20):
        if at(pilot, kind, code):
            return
        await pilot.pause()
    raise AssertionError(f"the cursor is not on {kind} {code} but on {tree(pilot.app).cursor_node}")


async def open_thread(pilot) -> None:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, GoldenThreadScreen)


async def cursor_to(pilot, kind: str, code: str) -> None:
    """Move the cursor with the arrow keys (opening folded priorities with →) to the ambition or priority `code`."""
    for _ in range(40):
        if at(pilot, kind, code):
            return
        node = tree(pilot.app).cursor_node
        if node is not None and node.data.kind == "priorities" and not node.is_expanded:
            await pilot.press("space")
        await pilot.press("down")
        await settle(pilot)
    raise AssertionError(f"{kind} {code} not found")


async def test_n_adds_an_ambition_with_the_next_code_and_the_plans_period(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-code", Input).value == "A3"
        assert form.query_one("#field-plan_period", Input).value == "2024-2027"
        await pilot.press("ctrl+s")  # no title yet: refused beside the field
        await settle(pilot)
        assert app.screen is form and "Fix the 1 marked field first." in screen_text(app)
        await type_into(pilot, "title", "Healthy Communities")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, GoldenThreadScreen)
        assert plan(plan_db)[-1] == ("A3", "Healthy Communities", False)
        await cursor_on(pilot, "ambition", "A3")


async def test_n_and_text_typed_in_one_go_land_in_the_form(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await pilot.press("n", "tab", *"Parks")
        await settle(pilot)
        assert app.screen.query_one("#field-title", Input).value == "Parks"


async def test_e_p_and_shift_n_keep_what_is_typed_straight_after(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "ambition", "A2")
        await pilot.press("e", "tab", "end", *"!")
        await settle(pilot)
        assert app.screen.query_one("#field-title", Input).value == "A Prosperous Economy!"
        await pilot.press("escape", "y")
        await settle(pilot)
        await pilot.press("p", "tab", *"Jobs")
        await settle(pilot)
        assert app.screen.query_one("#field-title", Input).value == "Jobs"
        await pilot.press("escape", "y")
        await settle(pilot)
        await pilot.press("N", *"2027-2031")
        await settle(pilot)
        assert app.screen.query_one("#field-plan_period", Input).value == "2027-2031"


async def test_e_edits_the_ambition_under_the_cursor(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "ambition", "A2")
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#field-title", Input).value == "A Prosperous Economy"
        await type_into(pilot, "title", "An Inclusive Economy")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ("A2", "An Inclusive Economy", False) in plan(plan_db)
        assert "A2 An Inclusive Economy" in screen_text(app)


async def test_p_adds_a_priority_and_e_edits_it_and_d_deletes_it(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "ambition", "A1")
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.query_one("#field-code", Input).value == "A1.2"
        await type_into(pilot, "title", "Recycling")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [(p.code, p.title) for p in ambitions.priorities(plan_db, "A1")] == [("A1.1", "Net zero"), ("A1.2", "Recycling")]
        await cursor_on(pilot, "priority", "A1.2")  # its folder opened to show it
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "title", "Waste and recycling")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ambitions.priorities(plan_db, "A1")[1].title == "Waste and recycling"
        await pilot.press("K")  # up above A1.1
        await settle(pilot)
        assert [p.code for p in ambitions.priorities(plan_db, "A1")] == ["A1.2", "A1.1"]
        await cursor_on(pilot, "priority", "A1.2")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete priority A1.2 “Waste and recycling” of ambition A1?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert [p.code for p in ambitions.priorities(plan_db, "A1")] == ["A1.1"]


async def test_j_and_ctrl_up_reorder_the_ambitions(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "ambition", "A1")
        await pilot.press("J")
        await settle(pilot)
        assert [code for code, *_ in plan(plan_db)] == ["A2", "A1"]
        await cursor_on(pilot, "ambition", "A1")
        await pilot.press("ctrl+up")
        await settle(pilot)
        assert [code for code, *_ in plan(plan_db)] == ["A1", "A2"]
        await cursor_on(pilot, "ambition", "A1")
        await pilot.press("ctrl+up")
        await settle(pilot)
        assert ("Not moved", "ambition A1 is already first") in notifications(app)


async def test_d_deletes_an_unlinked_ambition_naming_its_priorities(plan_db, make_app):
    ambitions.create_priority(plan_db, "A2", PriorityFields(code="A2.1", title="Town centres"), actor="setup")
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "ambition", "A2")
        await pilot.press("d")
        await settle(pilot)
        text = screen_text(app)
        assert "Delete ambition A2 “A Prosperous Economy”?" in text
        assert "Its priorities go with it: A2.1 Town centres." in text
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert [code for code, *_ in plan(plan_db)] == ["A1", "A2"]
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [code for code, *_ in plan(plan_db)] == ["A1"]


async def test_d_on_a_linked_ambition_offers_to_retire_it_and_r_restores_it(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "ambition", "A1")
        await pilot.press("d")
        await settle(pilot)
        text = screen_text(app)
        assert "Retire ambition A1 “A Sustainable District”?" in text
        assert "1 project links to it, so it cannot be deleted." in text
        await pilot.press("y")
        await settle(pilot)
        assert plan(plan_db)[0] == ("A1", "A Sustainable District", True)
        # Its own group, its link still there to read.
        heading = next(node for node in tree(app).root.children if node.data.kind == "retired")
        assert [node.data.ambition for node in heading.children] == ["A1"]
        assert "A1 A Sustainable District  1 project  retired" in screen_text(app)
        assert "SP-01" in screen_text(app)
        await cursor_on(pilot, "ambition", "A1")
        await pilot.press("r")
        await settle(pilot)
        assert plan(plan_db)[0] == ("A1", "A Sustainable District", False)
        assert not any(node.data.kind == "retired" for node in tree(app).root.children)


async def test_the_picker_leaves_a_retired_ambition_out_unless_the_project_serves_it(plan_db, make_app):
    a2 = ambitions.get_ambition(plan_db, "A2")
    ambitions.retire_ambition(plan_db, "A2", expected_version=a2.version, actor="setup")
    projects.create_project(plan_db, ProjectFields(code="SP-02", name="Pool", stage=Stage.PIPELINE), actor="setup")
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        for _ in range(20):
            node = tree(app).cursor_node
            if node is not None and node.data.project and node.data.project.code == "SP-02":
                break
            await pilot.press("down")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, AmbitionPicker)
        assert app.screen.order == ["A1"]


async def test_shift_n_starts_a_new_plan_retiring_the_old_ambitions(plan_db, make_app):
    app = make_app(plan_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await type_into(pilot, "plan_period", "2027-2031")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [(code, retired) for code, _, retired in plan(plan_db)] == [("A1", True), ("A2", True)]
        assert ("New Council Plan", "Retired 2 ambitions: A1, A2. New ambitions (n) are now added for the new plan.") in notifications(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#field-plan_period", Input).value == "2027-2031"


async def test_a_viewer_is_refused_beside_the_form(plan_db, make_app, monkeypatch):
    from projtui.domain.roles import Role
    from projtui.services import users

    users.add_user(plan_db, "vic", role=Role.VIEWER, actor="setup")
    monkeypatch.setenv("PROJTUI_LOGIN", "vic")
    app = make_app(plan_db)
    app.login = "vic"
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_into(pilot, "title", "Nope")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        message = str(app.screen.query_one("#form-message").render())
        assert message == "Not saved: vic is a viewer: managing the Council Plan's ambitions needs the performance officer role", message
    assert len(plan(plan_db)) == 2


async def test_the_welcome_a_opens_the_ambition_form_then_the_golden_thread(empty_db, make_app):
    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "Add your Council Plan ambitions (a)" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.query_one("#field-code", Input).value == "A1"
        await type_into(pilot, "title", "A Sustainable District")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, GoldenThreadScreen)
        assert "A1 A Sustainable District" in screen_text(app)
    assert plan(empty_db) == [("A1", "A Sustainable District", False)]
