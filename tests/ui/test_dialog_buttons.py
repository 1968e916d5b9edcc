"""Clicking a dialog's buttons does what its keys do (the buttons run the screen's actions)."""

from __future__ import annotations

import pytest
from textual.app import App
from support import settle

from projtui.services.reviews.models import ReviewFilter, ReviewFilterOptions
from projtui.ui.screens.ambition_picker import AmbitionPicker
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.conflict import ConflictChoice, ConflictScreen
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.screens.project import ProjectScreen
from projtui.ui.screens.review_filter import ReviewFilterScreen
from projtui.ui.screens.unsaved import SAVE, QuitScreen

SIZE = (120, 40)
OPTIONS = ReviewFilterOptions(ambitions=(("A1", "A Sustainable District"),), leads=("Lisa",), services=("Housing",))


class Host(App[None]):
    """An empty app that shows one dialog and keeps its answer."""

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make
        self.answers: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.answers.append)


@pytest.mark.parametrize(
    ("make", "button", "answer"),
    [
        (lambda: ConfirmScreen("Go?"), "#confirm-yes", True),
        (lambda: ConfirmScreen("Go?"), "#confirm-no", False),
        (lambda: QuitScreen(["the overview of SP-01"], can_save=True), "#quit-save", SAVE),
        (lambda: QuitScreen(["the overview of SP-01"], can_save=True), "#confirm-yes", True),
        (lambda: ReviewFilterScreen(OPTIONS, ReviewFilter(lead="Lisa")), "#rf-clear", ReviewFilter()),
        (lambda: ReviewFilterScreen(OPTIONS, ReviewFilter(lead="Lisa")), "#rf-apply", ReviewFilter(lead="Lisa")),
        (lambda: ReviewFilterScreen(OPTIONS, ReviewFilter(lead="Lisa")), "#rf-cancel", None),
        (lambda: ConflictScreen(title="SP-01", fields=[], original={}, yours={}, theirs={}), "#conflict-theirs", ConflictChoice.THEIRS),
        (lambda: ConflictScreen(title="SP-01", fields=[], original={}, yours={}, theirs={}), "#conflict-overwrite", ConflictChoice.OVERWRITE),
        (lambda: ConflictScreen(title="SP-01", fields=[], original={}, yours={}, theirs={}), "#conflict-edit", ConflictChoice.EDIT),
    ],
)
async def test_a_dialog_button_answers_as_its_key_does(make, button, answer):
    app = Host(make)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click(button)
        await pilot.pause()
        assert app.answers == [answer]


async def test_the_ambition_picker_buttons(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")  # SP-01, linked to A1 (primary) and A4
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AmbitionPicker)
        picker.query_one("#picker-list").highlighted = 1  # A2
        await pilot.click("#picker-primary")
        assert picker.primary == "A2" and "A2" in picker.ticked
        await pilot.click("#picker-save")
        await settle(pilot)
        assert app.screen is not picker
        await pilot.press("l")
        await settle(pilot)
        assert [link.code for link in app.screen.detail.ambitions] == ["A2", "A1", "A4"]  # A2 now primary
        await pilot.click("#picker-cancel")
        await settle(pilot)
        assert not isinstance(app.screen, AmbitionPicker)


async def test_the_form_buttons(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.click("#form-cancel")  # nothing changed: closes without asking
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        await pilot.press("e")
        await settle(pilot)
        await pilot.click("#form-save")  # nothing changed: saves nothing and closes
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
