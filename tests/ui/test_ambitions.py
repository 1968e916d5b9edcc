"""The golden thread: ambitions with their projects, the unlinked group, and linking from the picker."""

from __future__ import annotations

from support import MARKUP, notifications, screen_text, settle
from textual.widgets import Tree

from projtui.domain.enums import Stage
from projtui.domain.records import AmbitionFields, ProjectFields
from projtui.services import ambitions, projects
from projtui.services.read_models import NO_AMBITION
from projtui.ui.screens.ambition_picker import AmbitionPicker
from projtui.ui.screens.ambitions import GoldenThreadScreen
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.portfolio import PortfolioScreen

SIZE = (120, 40)


def tree(app) -> Tree:
    return app.screen.query_one("#thread", Tree)


def shown(app, selector: str) -> str:
    """The text a Static shows, whole (the screen may wrap it)."""
    return str(app.screen.query_one(selector).render())


def links(db, code: str) -> list[tuple[str, bool]]:
    return [(a.code, a.is_primary) for a in projects.get_project(db, code).ambitions]


async def open_thread(pilot) -> GoldenThreadScreen:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, GoldenThreadScreen)
    return screen


async def cursor_to(pilot, project: str, ambition: str | None = "any") -> None:
    """Put the tree cursor on `project` (under `ambition`, if given) as a user would, with the arrow keys."""
    t = tree(pilot.app)
    for _ in range(200):
        node = t.cursor_node
        data = node.data if node else None
        if data and data.project and data.project.code == project and (ambition == "any" or data.ambition == ambition):
            return
        await pilot.press("down")
    raise AssertionError(f"{project} not found in the tree")


async def test_each_ambition_with_its_projects_and_the_unlinked_group(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        groups = [
            (node.data.ambition, [len(c.children) for c in node.children if c.data.kind == "priorities"], sum(c.data.kind == "project" for c in node.children))
            for node in tree(app).root.children
        ]
        # Each ambition's priorities are one folded line above its projects.
        assert groups == [("A1", [3], 3), ("A2", [3], 6), ("A3", [3], 7), ("A4", [4], 11), (None, [], 1)]
        text = screen_text(app)
        assert "A1 A Sustainable District  3 projects" in text
        assert "★ SP-01  delivery    Waste collection route optimisation" in text  # primary marked
        assert "  SP-16  on hold     Eden Project Morecambe" in text  # served, not primary
        assert "◆ 3 priorities" in text
        assert tree(app).root.children[-1].label.plain == "Linked to no ambition  1 project  in the pipeline"  # below the fold
        assert "4 ambitions  ·  16 linked projects  ·  1 linked to no ambition" in text


async def test_one_linked_project_is_counted_in_the_singular(empty_db, make_app):
    ambitions.create_ambition(empty_db, AmbitionFields(code="A1", title="A Sustainable District", plan_period="2024-2027"), actor="setup")
    projects.create_project(empty_db, ProjectFields(code="SP-01", name="Routes", stage=Stage.DELIVERY), actor="setup", ambitions=["A1"])
    app = make_app(empty_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        assert "1 ambition  ·  1 linked project  ·  0 linked to no ambition" in screen_text(app)


async def test_link_an_unlinked_project_from_the_picker(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "SP-17")
        assert "allowed in the pipeline" in shown(app, "#thread-detail")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, AmbitionPicker)
        assert shown(app, "#picker-rule").startswith("A pipeline project may be linked to no ambition while it is drafted")
        await pilot.press("space", "down", "down", "space")  # A1 and A3; the first ticked is primary
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, GoldenThreadScreen)
        assert links(sample_db, "SP-17") == [("A1", True), ("A3", False)]
        assert ("SP-17 Affordable council homes new-build programme", "Linked to A1 (primary), A3.") in notifications(app)
        groups = {node.data.ambition: [c.data.project.code for c in node.children if c.data.project] for node in tree(app).root.children}
        assert "SP-17" in groups["A1"] and "SP-17" in groups["A3"] and groups[None] == []
        # The cursor stays on the project.
        assert tree(app).cursor_node.data.project.code == "SP-17"


async def test_mark_another_primary_and_unlink_one(sample_db, make_app):
    assert links(sample_db, "SP-08") == [("A1", True), ("A3", False)]
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "SP-08")
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AmbitionPicker)
        assert "[x] ★ A1 A Sustainable District  primary" in screen_text(app)
        await pilot.press("down", "down", "p")  # A3 becomes primary
        assert picker.chosen() == ["A3", "A1"]
        await pilot.press("up", "up", "space")  # untick A1
        assert picker.chosen() == ["A3"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert links(sample_db, "SP-08") == [("A3", True)]


async def test_a_delivery_project_must_keep_one_ambition(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "SP-08")
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("space", "down", "down", "space")  # untick both
        rule = "SP-08 is at stage delivery: it must stay linked to at least one Council Plan ambition."
        assert shown(app, "#picker-rule") == f"⚠ {rule}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AmbitionPicker)  # nothing lost: the dialog stays open
        assert ("Not saved", rule) in notifications(app)
        assert links(sample_db, "SP-08") == [("A1", True), ("A3", False)]

        # Cancelling with changes asks first.
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, GoldenThreadScreen)


async def test_the_service_refusal_is_shown_too(sample_db, make_app):
    """Should the picker's own check be passed (an older dialog, another client), the service's rule message shows."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "SP-05")
        await pilot.press("l")
        await settle(pilot)
        app.screen.dismiss([])
        await settle(pilot)
        assert (
            "Not saved",
            "project SP-05 is at stage delivery: it must stay linked to at least one Council Plan ambition",
        ) in notifications(app)
        assert links(sample_db, "SP-05") == [("A3", True), ("A4", False)]


async def test_a_conflicting_change_is_not_overwritten(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "SP-01")
        await pilot.press("l")
        await settle(pilot)
        # Someone else links SP-01 to A2 while the dialog is open.
        detail = projects.get_project(sample_db, "SP-01")
        projects.set_ambitions(sample_db, "SP-01", ["A1", "A2"], expected_version=detail.version, actor="colleague")
        await pilot.press("down", "down", "space", "ctrl+s")  # tick A3
        await settle(pilot)
        assert any(title.startswith("Not saved: changed by someone else") for title, _ in notifications(app))
        assert links(sample_db, "SP-01") == [("A1", True), ("A2", False)]
        # The screen now shows what is saved.
        a2 = next(node for node in tree(app).root.children if node.data.ambition == "A2")
        assert "SP-01" in [c.data.project.code for c in a2.children if c.data.project]


async def test_enter_opens_the_project_and_f_filters_the_portfolio(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "SP-09", ambition="A2")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ProjectScreen"
        assert app.screen.project_code == "SP-09"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GoldenThreadScreen)

        await pilot.press("f")  # the cursor's group, A2, in the portfolio
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        table = app.screen.query_one("#projects")
        assert table.project_query.ambition == "A2"
        assert [r.code for r in table.visible_rows()] == ["SP-06", "SP-09", "SP-12", "SP-13", "SP-14", "SP-16"]

        await pilot.press("a")
        await settle(pilot)
        await pilot.press("end", "f")  # the unlinked group
        await settle(pilot)
        assert app.screen.query_one("#projects").project_query.ambition == NO_AMBITION


async def test_markup_looking_names_in_the_tree_and_picker(sample_db, make_app):
    projects.create_project(sample_db, ProjectFields(code="SP-99", name=MARKUP, stage=Stage.PIPELINE), actor="setup")
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(pilot)
        await cursor_to(pilot, "SP-99")  # at the foot of the tree, scrolled into view
        await settle(pilot)
        assert f"SP-99  pipeline    {MARKUP}" in screen_text(app)
        await pilot.press("l")
        await settle(pilot)
        assert f"Ambitions for SP-99  {MARKUP}" in screen_text(app)
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert (f"SP-99 {MARKUP}", "Linked to A1 (primary).") in notifications(app)
        assert MARKUP in screen_text(app)


async def test_escape_returns_to_the_portfolio(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot)
        assert "Linked to no ambition" in screen_text(app) or tree(app).root.children[-1].data.ambition is None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
