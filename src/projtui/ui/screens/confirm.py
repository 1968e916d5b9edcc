"""Small reusable dialogs: a yes/no question and a pick-one list.

`ConfirmScreen(question, details)` dismisses with True (y, Enter on "Yes")
or False (n, Esc, "No"). `ChoiceScreen(title, choices, current)` dismisses
with the chosen value or None when cancelled; given `counts`, a function
that may read the database, it runs it in a thread worker and shows each
choice's count beside it when it comes. Both render every string as data,
never markup, so they are safe for user text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from projtui.ui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    """Ask a yes/no question; answers True or False."""

    HELP_TITLE = "Question"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("left", "app.focus_previous", "Previous button", show=False, id="confirm.previous"),
        Binding("right", "app.focus_next", "Next button", show=False, id="confirm.next"),
    ]

    def __init__(self, question: str, details: str | None = None, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.details = details or ""
        self.yes_label = yes
        self.no_label = no
        # The footer names the answers as the buttons do ("Load sample", not "Yes").
        relabel_bindings(self, {"confirm.yes": yes, "confirm.no": no})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Static(Text(self.question, style="bold"), id="confirm-question", classes="dialog-title")
            if self.details:
                yield Static(Text(self.details), id="confirm-details", classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield from self.buttons()
        yield Footer()

    def buttons(self) -> ComposeResult:
        """The answers as buttons, each naming its key."""
        yield Button(Content(f"{self.yes_label} (y)"), id="confirm-yes", variant="primary", compact=True, action="screen.answer(True)")
        yield Button(Content(f"{self.no_label} (n)"), id="confirm-no", compact=True, action="screen.answer(False)")

    def on_mount(self) -> None:
        # "No" is the safe default: Enter on an untouched dialog changes nothing.
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(Dialog[str | None]):
    """Pick one of a short list; answers the chosen value, or None when cancelled."""

    HELP_TITLE = "Choose one"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        Binding("enter", "choose", "Choose", id="choice.choose", show=True, priority=False),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str | Text]],
        current: str | None = None,
        *,
        note: str = "",
        counts: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.heading = title
        self.choices = list(choices)
        self.current = current
        self.note = note
        self.counter = counts
        self.counts: Mapping[str, int] | None = None  # per choice value, once counted
        self.label_width = max((cell_len(label if isinstance(label, str) else label.plain) for _, label in self.choices), default=0)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="choice-dialog"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-title")
            options = [Option(self._prompt(value, label), id=value or "__all__") for value, label in self.choices]
            yield OptionList(*options, id="choice-list")
            if self.note:
                yield Static(Text(self.note, style="dim"), classes="dialog-body")
        yield Footer()

    def _prompt(self, value: str, label: str | Text) -> Text:
        prompt = label.copy() if isinstance(label, Text) else Text(label)
        if self.counter is not None:
            # The counts line up in a column after the longest label ("…" until they come).
            prompt.pad_right(self.label_width - prompt.cell_len)
            if self.counts is None:
                prompt.append("      …", style="dim")
            else:
                count = self.counts.get(value, 0)
                prompt.append(f"{count:>7,}", style="dim" if count == 0 else "bold")
        if value == self.current:
            prompt.append("  (current)", style="dim")
        return prompt

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for value, _ in self.choices]
        options.highlighted = values.index(self.current) if self.current in values else 0
        options.focus()
        if self.counter is not None:
            self._count()

    @work(thread=True, exclusive=True, group="choice-counts", exit_on_error=False)
    def _count(self) -> None:
        worker = get_current_worker()
        assert self.counter is not None
        try:
            counts = self.counter()
        except Exception as exc:  # noqa: BLE001 - the choices still work without their counts
            self.app.call_from_thread(self.notify, str(exc), title="Could not count the projects", severity="error", markup=False)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: Mapping[str, int]) -> None:
        self.counts = counts
        options = self.query_one(OptionList)
        for index, (value, label) in enumerate(self.choices):
            options.replace_option_prompt_at_index(index, self._prompt(value, label))

    def _value_at(self, index: int | None) -> str | None:
        if index is None or not 0 <= index < len(self.choices):
            return None
        return self.choices[index][0]

    def action_choose(self) -> None:
        value = self._value_at(self.query_one(OptionList).highlighted)
        if value is not None:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        value = self._value_at(event.option_index)
        if value is not None:
            self.dismiss(value)


def relabel_bindings(node: DOMNode, descriptions: Mapping[str, str]) -> None:
    """Give this one node's bindings (by id) other descriptions, so its footer and help say what its buttons say.

    Textual has no public API for this; each node holds its own copy of its class's bindings
    (`_bindings`), so changing that copy changes no other instance. Remapped keys still apply, by id.
    """
    bindings = node._bindings.key_to_bindings
    for key, bound in bindings.items():
        bindings[key] = [replace(b, description=descriptions[b.id]) if b.id in descriptions else b for b in bound]


def dismiss_asking_first(screen: Dialog, *, question: str, details: str = "") -> None:
    """Close `screen` with no result; when it holds unsaved changes (its `unsaved_changes()`), ask before throwing them away."""
    if screen.unsaved_changes() is None:
        screen.dismiss(None)
        return

    def answered(discard: bool | None) -> None:
        if discard:
            screen.dismiss(None)

    screen.app.push_screen(ConfirmScreen(question, details), answered)
