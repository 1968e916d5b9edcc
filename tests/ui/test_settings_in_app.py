"""The settings as the app sees them: the names they accept are the app's own, and a chosen theme is saved."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from support import notifications, settle
from textual.dom import DOMNode
from textual.theme import BUILTIN_THEMES

import projtui.ui.screens
import projtui.ui.widgets
from projtui import config
from projtui.settings.names import BINDING_IDS, THEMES
from projtui.ui.app import ProjtuiApp

MINE = '# my settings\nuser = "Ann"  # as the audit log shows me\n\n[keymap]\n"portfolio.filter" = "ctrl+f"\n'


def test_the_settings_know_textuals_themes():
    assert list(THEMES) == list(BUILTIN_THEMES)


def test_the_settings_know_every_binding_id():
    """settings.names keeps the ids so the settings need not import the UI; this keeps it true."""
    modules = [
        importlib.import_module(f"{package.__name__}.{module.name}")
        for package in (projtui.ui.screens, projtui.ui.widgets)
        for module in pkgutil.iter_modules(package.__path__)
    ]
    nodes = {ProjtuiApp} | {
        cls for module in modules for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, DOMNode) and cls.__module__.startswith("projtui.")
    }
    bindings = [binding for node in nodes for binding in node.__dict__.get("BINDINGS", [])]
    assert all(binding.id for binding in bindings), [binding for binding in bindings if not binding.id]
    assert {binding.id for binding in bindings} == BINDING_IDS


async def test_a_theme_chosen_in_the_app_is_saved_keeping_the_rest_of_the_file(sample_db, make_app):
    path = config.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(MINE)
    app = make_app(sample_db)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert path.read_text() == MINE  # starting is not choosing
        app.theme = "nord"  # as the command palette's "Change theme" does
        await settle(pilot)
        assert path.read_text() == MINE.replace("\n\n[keymap]", '\ntheme = "nord"\n\n[keymap]')
        await pilot.press("ctrl+t")  # light/dark
        await settle(pilot)
        assert 'theme = "textual-light"' in path.read_text() and "# as the audit log shows me" in path.read_text()
    assert config.load_settings().theme == "textual-light"


async def test_a_theme_that_cannot_be_saved_is_a_notification(sample_db, make_app):
    config.config_dir().parent.mkdir(parents=True, exist_ok=True)
    config.config_dir().write_text("a file where the settings folder should be")
    app = make_app(sample_db)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
        assert app.is_running and app.theme == "nord"
        assert [title for title, _ in notifications(app)] == ["Theme not saved"]
