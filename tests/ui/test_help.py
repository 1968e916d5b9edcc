"""`?` help lists the keys of the current screen truthfully; the palette offers every action; the dialogs answer."""

from __future__ import annotations

import pytest
from support import help_entries, screen_text, settle
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from projtui.ui.commands import BindingCommands
from projtui.ui.screens.ambitions import GoldenThreadScreen
from projtui.ui.screens.confirm import ChoiceScreen, ConfirmScreen
from projtui.ui.screens.help import key_groups
from projtui.ui.screens.portfolio import PortfolioScreen

SIZE = (120, 40)


def described(screen_class) -> list[str]:
    """What the help says each binding does: its tooltip if it has one, else its description."""
    return [binding.tooltip or binding.description for binding in screen_class.BINDINGS if binding.description]


async def test_help_lists_the_portfolio_keys(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        entries = help_entries(app)
        portfolio = entries["Portfolio"]
        for description in described(PortfolioScreen):
            if description == "To the table":
                continue  # bound to ↓, which the focused table uses itself: the help rightly leaves it out
            assert any(entry.endswith(" " + description) for entry in portfolio), description
        assert "/ Filter by code, name, lead or service" in portfolio and "s Show one stage" in portfolio
        assert "a Golden thread: each ambition and its projects" in portfolio
        assert "n Add a project" in portfolio
        assert "1 Sort by Code" in portfolio and "7 Sort by Service" in portfolio
        assert "⏎ Open the project" in entries["Project table"] and "end Last project" in entries["Project table"]
        assert {"? f1 Help", "^q Quit", "^t Light/dark", "^p Command palette: every action by name"} <= entries["Everywhere"]
        assert "Keys: Portfolio" in screen_text(app)
        assert "so it is not sortable" in str(app.screen.query_one("#help-notes").render())
        await pilot.press("escape")
        assert isinstance(app.screen, PortfolioScreen)
        await pilot.press("question_mark")
        await pilot.press("question_mark")  # ? again closes it
        assert isinstance(app.screen, PortfolioScreen)


async def test_help_follows_the_screen(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("question_mark")
        entries = help_entries(app)
        thread = entries["Golden thread"]
        for description in described(GoldenThreadScreen):
            assert any(entry.endswith(" " + description) for entry in thread), description
        assert not any("Filter by" in entry for entries_ in entries.values() for entry in entries_)


async def test_help_shows_remapped_keys(sample_db, make_app):
    app = make_app(sample_db, keymap={"portfolio.filter": "ctrl+f", "portfolio.golden_thread": "t"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, Input)
        await pilot.press("escape", "question_mark")
        portfolio = help_entries(app)["Portfolio"]
        assert "^f Filter by code, name, lead or service" in portfolio
        assert "t Golden thread: each ambition and its projects" in portfolio
        assert not any(entry.startswith("/ ") for entry in portfolio)
        under_help = app.screen_stack[-2]
        assert "t Golden thread: each ambition and its projects" in {f"{k.keys} {k.description}" for g in key_groups(app, under_help) for k in g.keys}


async def test_the_palette_offers_every_screen_action(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = BindingCommands(app.screen)
        names = {name for name, _, _ in provider._commands()}
        for binding in PortfolioScreen.BINDINGS:
            if binding.action != "focus_table":
                assert (binding.tooltip or binding.description) in names, binding.action
        assert {"Open the project", "Help", "Light/dark", "Quit"} <= names
        assert "Up" not in names  # cursor keys are not commands


class DialogHost(App[None]):
    def __init__(self, dialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


@pytest.mark.parametrize(("keys", "answer"), [(["y"], True), (["n"], False), (["escape"], False), (["enter"], False), (["tab", "enter"], True)])
async def test_confirm_answers(keys, answer):
    app = DialogHost(ConfirmScreen("Delete [red]SP-01[/]?", "It has 3 benefits [b]and[/b] 2 reviews."))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Delete [red]SP-01[/]?" in text and "It has 3 benefits [b]and[/b] 2 reviews." in text
        await pilot.press(*keys)
        await pilot.pause()
    assert app.answers == [answer]


async def test_choice_answers_the_value_or_none():
    app = DialogHost(ChoiceScreen("Pick", [("", "All"), ("a", "Alpha [x]"), ("b", "Beta")], current="a"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Alpha [x]  (current)" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.answers == ["b"]

    app = DialogHost(ChoiceScreen("Pick", [("", "All"), ("a", "Alpha")]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.answers == [None]


async def _drawn_footer(pilot) -> str:
    """The footer's line once it has been drawn: Textual fills it a refresh or two after the dialog mounts, later on a busy machine."""
    for _ in range(100):
        await pilot.pause(0.02)
        footer = screen_text(pilot.app).splitlines()[-1]
        if footer.strip():
            return footer
    return footer


async def test_confirm_footer_uses_the_button_words():
    app = DialogHost(ConfirmScreen("Load the sample portfolio?", yes="Load sample", no="Start empty"))
    async with app.run_test(size=(80, 24)) as pilot:
        footer = await _drawn_footer(pilot)
        assert "y Load sample" in footer and "n Start empty" in footer, footer
        assert "Yes" not in footer and "No" not in footer
        await pilot.press("y")
        await pilot.pause()
    assert app.answers == [True]
    # Another dialog keeps the default words: the new ones belong to that one dialog only.
    app = DialogHost(ConfirmScreen("Delete it?"))
    async with app.run_test(size=(80, 24)) as pilot:
        footer = await _drawn_footer(pilot)
        assert "y Yes" in footer and "n No" in footer, footer
