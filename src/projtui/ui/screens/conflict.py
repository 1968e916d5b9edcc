"""Someone else saved first: show both versions, field by field, and let the user choose.

Nothing is overwritten silently: the user keeps theirs (drops their own
edit), overwrites with theirs (saves again over the new version), or goes
back to the form with their edits kept.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Static

from projtui.domain.formatting import plural
from projtui.ui.screens.dialog import Dialog
from projtui.ui.widgets.form import FieldSpec


class ConflictChoice(Enum):
    THEIRS = "theirs"  # drop my edit, keep what is saved
    OVERWRITE = "overwrite"  # save my version over theirs
    EDIT = "edit"  # back to the form, my edits kept


class ConflictScreen(Dialog[ConflictChoice | None]):
    CSS_PATH = "forms.tcss"
    HELP_TITLE = "Changed by someone else"

    BINDINGS = [
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("o", "choose('overwrite')", "Overwrite with mine", id="conflict.overwrite"),
        Binding("b,escape", "choose('edit')", "Back to editing", id="conflict.edit"),
    ]

    def __init__(
        self,
        *,
        title: str | Text,
        fields: Sequence[FieldSpec],
        original: Mapping[str, Any],
        yours: Mapping[str, Any],
        theirs: Mapping[str, Any] | None,
    ) -> None:
        super().__init__(id="conflict")
        self.record_title = title if isinstance(title, Text) else Text(title)
        self.fields = list(fields)
        self.original = dict(original)
        self.yours = dict(yours)
        self.theirs = None if theirs is None else dict(theirs)

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-dialog"):
            heading = Text("Changed by someone else while you were editing: ", style="bold")
            heading.append_text(self.record_title)
            yield Static(heading, id="conflict-title")
            if self.theirs is None:
                yield Static(Text("It has been deleted since you opened it. Your edit cannot be saved over it."), id="conflict-explain")
            else:
                yield Static(Text(self._summary()), id="conflict-explain")
                yield DataTable(id="conflict-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="conflict-buttons"):
                yield Button(Text("Keep theirs (t)"), id="conflict-theirs", compact=True, action="screen.choose('theirs')")
                if self.theirs is not None:
                    yield Button(Text("Overwrite with mine (o)"), id="conflict-overwrite", variant="warning", compact=True, action="screen.choose('overwrite')")
                yield Button(Text("Back to editing (b)"), id="conflict-edit", variant="primary", compact=True, action="screen.choose('edit')")
        yield Footer()

    def _differing(self) -> list[FieldSpec]:
        assert self.theirs is not None
        return [spec for spec in self.fields if self.yours.get(spec.name) != self.theirs.get(spec.name)]

    def _summary(self) -> str:
        differing = len(self._differing())
        same = len(self.fields) - differing
        return (
            f"{plural(differing, 'field differs', 'fields differ')} between your version and theirs"
            f"{f' ({same} the same)' if same else ''}. “Changed by” says who changed it since you opened the form."
        )

    def on_mount(self) -> None:
        if self.theirs is None:
            self.query_one("#conflict-edit", Button).focus()
            return
        table = self.query_one(DataTable)
        table.add_columns("Field", "Changed by", "Yours", "Theirs")
        for spec in self._differing():
            mine, theirs, was = self.yours.get(spec.name), self.theirs.get(spec.name), self.original.get(spec.name)
            who = "both" if mine != was and theirs != was else ("you" if mine != was else "them")
            table.add_row(
                Text(spec.label, style="bold"),
                Text(who),
                Text(_cell(spec, mine), style="green" if who in ("you", "both") else ""),
                Text(_cell(spec, theirs), style="yellow" if who in ("them", "both") else ""),
                key=spec.name,
                height=None,  # long values wrap, so a change at the end of a long title is still seen
            )
        table.focus()

    def action_choose(self, choice: str) -> None:
        chosen = ConflictChoice(choice)
        if chosen is ConflictChoice.OVERWRITE and self.theirs is None:
            return
        self.dismiss(chosen)


def _cell(spec: FieldSpec, value: Any, width: int = 34, lines: int = 6) -> str:
    """The value wrapped to the column, at most `lines` lines."""
    wrapped = textwrap.wrap(spec.display(value).replace("\n", " ⏎ "), width=width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)
