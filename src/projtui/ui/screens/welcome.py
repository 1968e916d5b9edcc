"""The first run on an empty portfolio: how to start, by key.

`WelcomeScreen` answers what the user chose ("sample", "ambitions", "project", "import"),
or None to start empty; the app does the rest. `ImportFileScreen` asks for a
spreadsheet or snapshot and imports it (`services.transfer.import_file`, as
`projtui import FILE` does) in a thread worker, showing every problem beside
the field and changing nothing unless the whole file is valid.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Footer, Input, Static

from projtui.domain.errors import InvalidInput, ProjtuiError
from projtui.ui.screens.dialog import Dialog

# (key, answer, button, what it does)
CHOICES = (
    ("s", "sample", "Load the sample",
     "Lancaster City Council's strategic projects and Council Plan 2024-2027: every screen with data (illustrative figures)."),
    ("a", "ambitions", "Add your Council Plan ambitions",
     "What your projects serve: each ambition's code, title and plan period, then its priorities, on the golden thread."),
    ("n", "project", "Add your first project", "A form that starts it in the pipeline; link it to ambitions when it moves on."),
    ("i", "import", "Import a spreadsheet or snapshot",
     "Your project register, quarterly actuals and Council Plan ambitions from Excel or CSV, or a projtui .toml snapshot."),
)
PROBLEMS_SHOWN = 6  # the rest are counted; `projtui import FILE --dry-run` lists them all


class WelcomeScreen(Dialog[str | None]):
    """How to start an empty portfolio: the sample, the Council Plan's ambitions, a first project, or an import."""

    HELP_TITLE = "Welcome"
    CSS_PATH = "welcome.tcss"
    BINDINGS = [
        *(Binding(key, f"choose('{answer}')", label, id=f"welcome.{answer}") for key, answer, label, _ in CHOICES),
        Binding("escape", "choose('')", "Start empty", id="welcome.empty"),
    ]

    def __init__(self, where: str) -> None:
        super().__init__(classes="dialog-screen")
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="welcome-dialog"):
            yield Static(Text("Welcome to projtui", style="bold"), classes="dialog-title")
            yield Static(Text(f"{self.where} has no projects yet. Start by:"), classes="welcome-intro")
            for key, answer, label, what in CHOICES:
                with Vertical(classes="welcome-choice"):
                    yield Button(Content(f"{label} ({key})"), id=f"welcome-{answer}", compact=True, action=f"screen.choose('{answer}')")
                    yield Static(Text(what, style="dim"), classes="welcome-what")
            yield Static(Text("Esc starts empty; ? lists every key once you are in.", style="dim"), classes="welcome-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#welcome-sample", Button).focus()

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer or None)


class ImportFileScreen(Dialog[str | None]):
    """Import one file into the portfolio; answers what was imported ("21 added, …"), or None when cancelled."""

    HELP_TITLE = "Import a file"
    CSS_PATH = "welcome.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="import.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-dialog"):
            yield Static(Text("Import a spreadsheet or snapshot", style="bold"), classes="dialog-title")
            yield Static(
                Text("A workbook or CSV file (.xlsx, .xls, .ods, .csv) with a project register, quarterly actuals "
                     "or Council Plan ambitions (sheets are recognised by their headers), or a projtui snapshot (.toml). "
                     "Nothing is changed unless the whole file is valid."),
                classes="dialog-body",
            )
            yield Input(id="import-path", placeholder="e.g. ~/Documents/projects.xlsx")
            yield Static("", id="import-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import (enter)", id="import-go", variant="primary", compact=True, action="screen.go")
                yield Button("Cancel (esc)", id="import-cancel", compact=True, action="screen.cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_go()

    def action_go(self) -> None:
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            self._show("Type the path of the file to import.")
            return
        self._show("Reading…", style="dim")
        self._import(Path(text).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _show(self, message: str, *, style: str = "bold") -> None:
        shown = self.query_one("#import-error", Static)
        shown.update(Text(message, style=style))
        shown.call_after_refresh(shown.scroll_visible, top=True)  # once laid out: the problems, not the text above the path

    @work(thread=True, exclusive=True, group="welcome-import", exit_on_error=False)
    def _import(self, path: Path) -> None:
        from projtui.services.transfer import import_file
        from projtui.snapshot.diff_render import changes_phrase

        try:
            result = import_file(self.app.db, path, actor=self.app.login)  # type: ignore[attr-defined]
        except InvalidInput as exc:
            lines = [str(problem) for problem in exc.problems]
            shown = "\n".join(lines[:PROBLEMS_SHOWN])
            more = len(lines) - PROBLEMS_SHOWN
            if more > 0:
                shown += f"\n… and {more} more: `projtui import {path} --dry-run` lists them all."
            self.app.call_from_thread(self._show, f"Nothing was imported:\n{shown}")
            return
        except ProjtuiError as exc:
            self.app.call_from_thread(self._show, str(exc))
            return
        self.app.call_from_thread(self.dismiss, f"Imported {path}: {changes_phrase(result.changes)}.")
