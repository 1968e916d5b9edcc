"""`?` and F1 inside dialogs: the dialog's own keys, while `?` typed in a text field stays a `?`."""

from __future__ import annotations

import importlib
import pkgutil

from support import footer, help_entries, screen_text, settle
from textual.screen import ModalScreen
from textual.widgets import Input

import projtui.ui
from projtui.ui.screens.ambition_picker import AmbitionPicker
from projtui.ui.screens.checklist import ChecklistDialog
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.dialog import Dialog
from projtui.ui.screens.help import HelpScreen
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.screens.project import ProjectScreen

SIZE = (120, 40)


async def test_question_mark_in_a_picker_lists_the_picker_keys(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AmbitionPicker)
        await pilot.press("space")  # an edit the help must not disturb
        ticked = set(picker.ticked)
        assert "? Help" in footer(app)
        await pilot.press("question_mark")
        entries = help_entries(app)
        assert {"space Tick/untick", "p Make primary", "^s Save", "esc Cancel"} <= entries["Link ambitions"]
        assert "Keys: Link ambitions" in screen_text(app)
        await pilot.press("question_mark")  # ? again closes the help, back to the picker as it was
        assert app.screen is picker and picker.ticked == ticked


async def test_in_a_form_question_mark_types_and_f1_helps(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and isinstance(app.focused, Input)
        typed_into = app.focused
        before = typed_into.value
        assert "f1 Help" in footer(app) and "? Help" not in footer(app)  # in a text field ? is a character
        await pilot.press("end", "question_mark")
        assert app.screen is form and typed_into.value == before + "?"
        await pilot.press("f1")
        entries = help_entries(app)
        assert {"^s Save", "esc Cancel"} <= entries["Form"]
        assert "Keys: Form" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is form and typed_into.value == before + "?"
        form.query_one("#field-stage").focus()  # off the text fields, ? is help again
        await pilot.pause()
        assert "? Help" in footer(app)


async def test_question_mark_in_the_welcome_lists_its_choices(empty_db, make_app):
    from projtui.ui.screens.welcome import WelcomeScreen

    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("question_mark")
        entries = help_entries(app)
        assert {"s Load the sample", "a Add your Council Plan ambitions", "n Add your first project", "i Import a spreadsheet or snapshot", "esc Start empty"} <= entries["Welcome"]
        await pilot.press("escape")
        assert isinstance(app.screen, WelcomeScreen)


def test_every_dialog_offers_help():
    for module in pkgutil.walk_packages(projtui.ui.__path__, "projtui.ui."):
        importlib.import_module(module.name)
    found, todo = set(), [ModalScreen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("projtui."):
                found.add(sub)
    assert {AmbitionPicker, ConfirmScreen, FormScreen, HelpScreen} <= found
    assert [cls.__name__ for cls in found if not issubclass(cls, Dialog)] == []
    # Bound in each (the help itself binds F1 to close): a dialog binding no keys of its own would miss it.
    shown = found - {Dialog, ChecklistDialog}  # bases, never shown themselves
    assert [cls.__name__ for cls in shown if "f1" not in cls._merged_bindings.key_to_bindings] == []
