"""`?`: the keys of the screen you are on, read from its live bindings so the list is always true."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer, Static

from projtui.ui.screens.dialog import Dialog

_GENERIC_SCREEN_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text", "focus_next", "focus_previous", "copy_text"}


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    description: str


@dataclass(frozen=True)
class KeyGroup:
    heading: str
    keys: tuple[KeyHelp, ...]


def _humanise(action: str) -> str:
    name = action.split(".")[-1].split("(")[0]
    return name.replace("_", " ").capitalize()


def _heading(node: DOMNode, screen: Screen) -> str:
    if isinstance(node, App):
        return "Everywhere"
    if node is screen:
        return getattr(screen, "HELP_TITLE", "") or type(screen).__name__
    return getattr(node, "HELP_TITLE", "") or " ".join(_split_words(type(node).__name__)).capitalize()


def _split_words(name: str) -> Iterable[str]:
    word = ""
    for char in name:
        if char.isupper() and word:
            yield word
            word = char.lower()
        else:
            word += char.lower() if not word else char
    if word:
        yield word


def key_groups(app: App, screen: Screen) -> list[KeyGroup]:
    """The keys active on `screen` now, grouped by where they are bound: the screen, the focused widget, the app."""
    collected: dict[int, tuple[DOMNode, dict[tuple[str, str], list[str]]]] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if binding.system:
            continue
        # Textual's own screen keys (focus next, copy) work everywhere: list them there.
        node = app if isinstance(active.node, Screen) and binding.action in _GENERIC_SCREEN_ACTIONS else active.node
        entry = collected.setdefault(id(node), (node, {}))[1]
        description = binding.tooltip or binding.description or _humanise(binding.action)
        display = app.get_key_display(Binding(key, binding.action, key_display=binding.key_display if key == binding.key else None))
        keys = entry.setdefault((binding.action, description), [])
        if display not in keys:
            keys.append(display)
    order = [screen, *(n for n, _ in collected.values() if n is not screen and not isinstance(n, App)), app]
    groups: list[KeyGroup] = []
    seen: set[int] = set()
    for node in order:
        if id(node) in seen or id(node) not in collected:
            continue
        seen.add(id(node))
        _, entries = collected[id(node)]
        groups.append(KeyGroup(_heading(node, screen), tuple(KeyHelp(" ".join(keys), description) for (_, description), keys in entries.items())))
    palette = getattr(app, "COMMAND_PALETTE_BINDING", None)
    if getattr(app, "ENABLE_COMMAND_PALETTE", False) and palette and not any(k.description == "Command palette" for g in groups for k in g.keys):
        for i, group in enumerate(groups):
            if group.heading == "Everywhere":
                groups[i] = KeyGroup(group.heading, (*group.keys, KeyHelp(app.get_key_display(Binding(palette, "command_palette")), "Command palette: every action by name")))
    return groups


class HelpScreen(Dialog[None], inherit_bindings=False):
    """The keys of the screen underneath, and what they do."""

    HELP_TITLE = "Help"
    BINDINGS: ClassVar = [
        Binding("escape,question_mark,f1,q", "close", "Close help", id="help.close"),
    ]

    def __init__(self, title: str, groups: Sequence[KeyGroup], notes: Sequence[str] = ()) -> None:
        super().__init__(classes="dialog-screen")
        self.heading = title
        self.groups = list(groups)
        self.notes = list(notes)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Static(Text(f"Keys: {self.heading}", style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._table(), id="help-keys")
                notes = Text()
                for note in [*self.notes, "Mouse works too: click rows, headings and buttons. ctrl+p lists every action by name."]:
                    if notes:
                        notes.append("\n")
                    notes.append("• " + note)
                yield Static(notes, id="help-notes")
        yield Footer()

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", no_wrap=True, style="bold")
        table.add_column(ratio=1)
        for i, group in enumerate(self.groups):
            if i:
                table.add_row("", "")
            table.add_row("", Text(group.heading, style="bold"))
            for key in group.keys:
                table.add_row(Text(key.keys), Text(key.description))
        return table

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
