"""The header, naming on its right who acts and in which role: "Jo Bloggs · performance officer · read-only"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Header, Static
from textual.widgets._header import HeaderIcon, HeaderTitle


class ActingUser(Static):
    """`app.acting`, kept up to date: in a terminal and in a browser tab alike, the user sees who they are here."""

    DEFAULT_CSS = """
    ActingUser {
        dock: right;
        width: auto;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "acting", self._show)

    def _show(self, acting: str) -> None:
        self.update(Content(acting))  # a name is the user's text, never markup


class ActingHeader(Header):
    """Textual's header with who acts where its clock would be."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield ActingUser()
