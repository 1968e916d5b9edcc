"""A dialog that ticks some of a list of codes: the ambitions a project serves, what an output or outcome leads to.

`ChecklistDialog` holds what both pickers share: the ticked codes, answered
in the list's order (`chosen`); saving (a subclass may refuse first, saying
why); Esc asking before it throws changed ticks away, and ctrl+q told the
same through `unsaved_changes`; `action_save` and `action_cancel` for the
subclass's Save and Cancel buttons to run. A subclass composes its own list
and says how a row reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual.widgets import OptionList

from projtui.ui.screens.dialog import Dialog


class ChecklistDialog(Dialog[list[str] | None]):
    """Tick codes from `order`; answers the ticked codes (see `chosen`), or None when cancelled."""

    # Esc with changed ticks asks this, and ctrl+q names the change with `changes_to`.
    DISCARD_QUESTION: ClassVar[str] = "Discard the changed links?"
    DISCARD_DETAILS: ClassVar[str] = "Your ticks here are not saved yet."

    def __init__(self, order: Sequence[str], ticked: Iterable[str], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.order = list(order)
        ticked = set(ticked)
        self.initial = [code for code in self.order if code in ticked]
        self.ticked: set[str] = set(self.initial)

    # -- what the subclass says -------------------------------------------------------------------

    def changes_to(self) -> str:
        """What the ticks belong to, for "your changes to …" (e.g. "the ambitions of SP-01")."""
        raise NotImplementedError

    def refusal(self) -> str | None:
        """Why the ticks as they stand cannot be saved, or None."""
        return None

    # -- state ----------------------------------------------------------------------------------------

    def chosen(self) -> list[str]:
        """The ticked codes in the list's order."""
        return [code for code in self.order if code in self.ticked]

    def highlighted_code(self) -> str | None:
        lists = self.query(OptionList)
        index = lists.first().highlighted if lists else None
        return self.order[index] if index is not None and 0 <= index < len(self.order) else None

    def unsaved_changes(self) -> str | None:
        return self.changes_to() if self.chosen() != self.initial else None

    # -- saving and leaving ----------------------------------------------------------------------------

    def action_save(self) -> None:
        refusal = self.refusal()
        if refusal is not None:
            self.notify(refusal, title="Not saved", severity="error", markup=False)
            return
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        from projtui.ui.screens.confirm import dismiss_asking_first

        dismiss_asking_first(self, question=self.DISCARD_QUESTION, details=self.DISCARD_DETAILS)
