"""Pick what an output or outcome leads to: a checkbox list of the target codes.

Space toggles, Enter or ctrl+s saves, Esc cancels. Dismissed with the chosen
codes in the list's order, or None.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from projtui.ui.screens.checklist import ChecklistDialog


class LinkPicker(ChecklistDialog):
    CSS_PATH = "forms.tcss"
    HELP_TITLE = "Links"
    DISCARD_DETAILS = "Your ticks and unticks here are not saved yet."

    BINDINGS = [
        Binding("enter,ctrl+s", "save", "Save links", id="links.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="links.cancel"),
    ]

    def __init__(self, *, title: str | Text, targets: Sequence[tuple[str, str]], selected: Sequence[str], empty: str = "") -> None:
        """`targets` are (code, title) pairs; `selected` the codes linked now."""
        super().__init__([code for code, _ in targets], selected, id="link-picker")
        self.picker_title = title if isinstance(title, Text) else Text(title)
        self.targets = list(targets)
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical(id="links-dialog"):
            yield Static(self.picker_title, id="links-title")
            if self.targets:
                selections = [Selection(self._prompt(code, title, code in self.initial), code, code in self.initial) for code, title in self.targets]
                yield SelectionList[str](*selections, id="links-list")
            else:
                yield Static(Text(self.empty or "Nothing to link to yet."), id="links-empty")
            yield Static(Text("Space ticks or unticks · Enter saves · Esc cancels"), id="links-help")
            with Horizontal(id="links-buttons"):
                yield Button("Save", id="links-save", variant="primary", compact=True, action="screen.save")
                yield Button("Cancel", id="links-cancel", compact=True, action="screen.cancel")
        yield Footer()

    @staticmethod
    def _prompt(code: str, title: str, ticked: bool) -> Text:
        # A word as well as the tick's colour, so a monochrome terminal shows what is linked.
        prompt = Text("linked  " if ticked else "        ", style="bold")
        prompt.append(code, style="bold")
        prompt.append("  ")
        prompt.append(title)
        return prompt

    @on(SelectionList.SelectedChanged)
    def _ticked(self, event: SelectionList.SelectedChanged) -> None:
        self.ticked = set(event.selection_list.selected)
        for index, (code, title) in enumerate(self.targets):
            event.selection_list.replace_option_prompt_at_index(index, self._prompt(code, title, code in self.ticked))

    def on_mount(self) -> None:
        lists = self.query(SelectionList)
        if lists:
            lists.first().focus()

    def action_save(self) -> None:
        # Enter is bound to save above the buttons: on the Cancel button it cancels.
        focused = self.focused
        if isinstance(focused, Button) and focused.id == "links-cancel":
            self.action_cancel()
            return
        super().action_save()

    def changes_to(self) -> str:
        return f"the links of {self.picker_title.plain.splitlines()[0]}"
