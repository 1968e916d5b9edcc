"""Unsaved changes: how a screen says what closing it would lose, and the question ctrl+q asks.

Any screen, full or dialog, that can hold edits not saved yet implements
`unsaved_changes()`: a few words naming what would be lost ("project SP-01
(Name, Stage)"), or None when nothing would. A screen that saves in its own
thread workers may also implement `save_changes()`: start saving as its own
save key does, answering False when it cannot start (it shows the user why).
Esc in a dialog (`confirm.dismiss_asking_first`) and ctrl+q
(`ProjtuiApp.action_quit`) both ask through this one protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, runtime_checkable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button

from projtui.ui.screens.confirm import ConfirmScreen

SAVE: Literal["save"] = "save"


@runtime_checkable
class HoldsChanges(Protocol):
    def unsaved_changes(self) -> str | None:
        """What closing this screen now would throw away, in a few words; None when nothing would."""


@runtime_checkable
class SavesChanges(HoldsChanges, Protocol):
    def save_changes(self) -> bool:
        """Start saving the unsaved changes in this screen's own workers; False when saving cannot start."""


def unsaved_on(screens: Iterable[Screen]) -> list[tuple[Screen, str]]:
    """Each screen holding unsaved changes, with what it would lose; the top of the stack first."""
    held = []
    for screen in reversed(list(screens)):
        if isinstance(screen, HoldsChanges) and (what := screen.unsaved_changes()) is not None:
            held.append((screen, what))
    return held


class QuitScreen(ConfirmScreen):
    """ctrl+q with unsaved changes: answers True (discard and quit), False (stay) or SAVE (save, then quit)."""

    HELP_TITLE = "Quit"
    BINDINGS = [Binding("s", f"answer('{SAVE}')", "Save and quit", id="quit.save")]

    def __init__(self, changes: Sequence[str], *, can_save: bool) -> None:
        if len(changes) == 1:
            question, details = f"Quit and discard your changes to {changes[0]}?", None
        else:
            question = "Quit and discard your unsaved changes?"
            details = "\n".join(f"• {what}" for what in changes)
        super().__init__(question, details, yes="Discard and quit", no="Cancel")
        self.can_save = can_save

    def buttons(self) -> ComposeResult:
        if self.can_save:
            yield Button(Content("Save and quit (s)"), id="quit-save", variant="success", compact=True, action=f"screen.answer('{SAVE}')")
        yield from super().buttons()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == (SAVE,):
            return self.can_save
        return True
