"""The base of every projtui dialog: `?` (or F1) shows the keys of the dialog itself.

Every dialog also says what closing it would lose (`unsaved_changes`, the
protocol of `unsaved`), nothing unless it holds edits.

A modal screen hides the app's own bindings, so the app's `?` cannot reach
into a dialog; each dialog carries the key instead. `?` is left to a text
field that has focus (it types a `?`: Textual drops a binding whose key the
focused widget consumes, from the footer too), and F1 works everywhere.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import ModalScreen, ScreenResultType

from projtui.ui.worker_failures import WorkerFailures

# The same id as the app's own help binding, so one entry in the keymap moves both.
HELP_BINDING = Binding("question_mark,f1", "app.help", "Help", id="app.help")


class Dialog(WorkerFailures, ModalScreen[ScreenResultType]):
    """A modal screen whose keys `?`/F1 list."""

    def __init_subclass__(cls, inherit_bindings: bool = True, **kwargs: Any) -> None:
        # Added after the keys of each class that binds some, so a footer starts with what the dialog
        # is for (a shared base without keys of its own would put help first in every subclass).
        # A dialog that binds its keys alone (inherit_bindings=False, the help itself) gets none.
        own = cls.__dict__.get("BINDINGS")
        if inherit_bindings and own is not None and HELP_BINDING not in own:
            cls.BINDINGS = [*own, HELP_BINDING]
        super().__init_subclass__(inherit_bindings=inherit_bindings, **kwargs)

    def unsaved_changes(self) -> str | None:
        """What closing this dialog now would throw away (see `unsaved`); most dialogs hold nothing."""
        return None
