"""What a dialog of a measure's rows over one line of fields shares (profiled targets, benchmarks): its message line and leaving it.

The line under the fields says what was saved or why not; Esc (and ctrl+q)
ask before throwing away what is typed in the fields.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from projtui.ui.widgets.form import ModelForm


class TableAndFields:
    """A mixin for a ``Dialog`` whose fields are its ``ModelForm`` and whose message line is ``#{MESSAGE}``."""

    MESSAGE: str  # the id of the message line
    TYPING: str  # what the fields hold, as "Discard … you were typing?" names it: "the benchmark"

    def _message(self: Any, text: str, *, error: bool = True) -> None:
        message = self.query_one(f"#{self.MESSAGE}", Static)
        message.update(Text(text))
        message.set_class(bool(text) and error, "-error")

    def action_close(self: Any) -> None:
        from projtui.ui.screens.confirm import dismiss_asking_first

        dismiss_asking_first(self, question=f"Discard {self.TYPING} you were typing?",
                             details="Changed: " + ", ".join(self.query_one(ModelForm).changed_labels()))

    def unsaved_changes(self: Any) -> str | None:
        """What is being typed, e.g. "the benchmark (Year, Median)"; ctrl+q and Esc ask with it."""
        form = self.query_one(ModelForm)
        if not form.dirty:
            return None
        return f"{self.TYPING} ({', '.join(form.changed_labels())})"
