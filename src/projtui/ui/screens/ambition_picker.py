"""Link a project to Council Plan ambitions: tick the ambitions it serves, mark one primary.

`AmbitionPicker` is the dialog; `AmbitionLinking` is the mixin the
portfolio and golden-thread screens share to open it for a project and save
the answer (`services.projects.set_ambitions`, guarded by the project's
version). The rule that a project past the pipeline keeps at least one
ambition is said in the dialog before saving, and the service's own
refusal is shown if it comes anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from projtui.domain.enums import PIPELINE_MAY_WAIT
from projtui.domain.errors import ConflictError, ProjtuiError, RuleError
from projtui.services.portfolio import list_ambitions
from projtui.services.read_models import AmbitionSummary, ProjectDetail
from projtui.ui.screens.checklist import ChecklistDialog
from projtui.ui.widgets.tick_box import tick_mark


def rule_message(detail: ProjectDetail) -> str:
    """What the golden-thread rule says about this project, in the UI's words."""
    stage = detail.fields.stage
    if stage.needs_ambition:
        return f"{detail.code} is at stage {stage.label}: it must stay linked to at least one Council Plan ambition."
    return "A pipeline project may be linked to no ambition while it is drafted; it needs one before it leaves the pipeline."


class AmbitionPicker(ChecklistDialog):
    """Tick the ambitions a project serves; the starred one is primary. Answers the codes, primary first."""

    HELP_TITLE = "Link ambitions"
    DISCARD_DETAILS = "Your ticks and the primary ambition here are not saved yet."
    BINDINGS: ClassVar = [
        Binding("space", "toggle", "Tick/untick", id="picker.toggle"),
        Binding("p", "make_primary", "Make primary", id="picker.primary"),
        Binding("ctrl+s", "save", "Save", id="picker.save"),
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
    ]

    def __init__(self, detail: ProjectDetail, ambitions: Sequence[AmbitionSummary]) -> None:
        linked = {link.code for link in detail.ambitions}
        # A retired ambition is offered no more; one the project already serves stays listed, so its link can be kept or dropped.
        ambitions = [a for a in ambitions if not a.retired or a.code in linked]
        super().__init__([a.code for a in ambitions], [link.code for link in detail.ambitions], classes="dialog-screen")
        self.detail = detail
        self.ambitions = ambitions
        self.initial = [link.code for link in detail.ambitions]  # primary first, as chosen() answers
        primary = detail.primary_ambition
        self.primary: str | None = primary.code if primary else (self.initial[0] if self.initial else None)

    # -- layout ---------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-dialog"):
            title = Text("Ambitions for ", style="bold")
            title.append(self.detail.code, style="bold")
            title.append("  ")
            title.append(self.detail.fields.name)
            yield Static(title, classes="dialog-title", id="picker-title")
            yield Static(
                Text("space or Enter ticks · p makes one primary (★) · ctrl+s saves", style="dim"), id="picker-hint"
            )
            yield OptionList(*(Option(self._prompt(a), id=f"amb-{i}") for i, a in enumerate(self.ambitions)), id="picker-list")
            yield Static("", id="picker-rule")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Save"), id="picker-save", variant="primary", compact=True, action="screen.save")
                yield Button(Content("Make primary"), id="picker-primary", compact=True, action="screen.make_primary")
                yield Button(Content("Cancel"), id="picker-cancel", compact=True, action="screen.cancel")
        yield Footer()

    def on_mount(self) -> None:
        self._show_rule()
        picker = self.query_one(OptionList)
        if self.primary in self.order:
            picker.highlighted = self.order.index(self.primary)
        elif self.order:
            picker.highlighted = 0
        picker.focus()

    def _prompt(self, ambition: AmbitionSummary) -> Text:
        ticked = ambition.code in self.ticked
        primary = ticked and ambition.code == self.primary
        text = Text(f"{tick_mark(ticked)} ", style="bold" if ticked else "")
        text.append("★ " if primary else "  ", style="bold")
        text.append(ambition.code, style="bold")
        text.append(" ")
        text.append(ambition.title, style="dim" if ambition.retired else "")
        if primary:
            text.append("  primary", style="italic")
        if ambition.retired:
            text.append("  retired: kept while ticked, offered to no other project", style="dim italic")
        return text

    def _refresh(self) -> None:
        picker = self.query_one(OptionList)
        for i, ambition in enumerate(self.ambitions):
            picker.replace_option_prompt_at_index(i, self._prompt(ambition))
        self._show_rule()

    def _show_rule(self) -> None:
        rule = self.query_one("#picker-rule", Static)
        if not self.ambitions:
            rule.update(Text("There are no Council Plan ambitions yet: import or add them first."))
            return
        message = rule_message(self.detail)
        if self.detail.fields.stage.needs_ambition and not self.ticked:
            rule.update(Text(f"⚠ {message}", style="bold"))
            rule.add_class("-error")
        else:
            rule.update(Text(message))
            rule.remove_class("-error")

    # -- state ----------------------------------------------------------------------------------------

    def chosen(self) -> list[str]:
        """The ticked codes, primary first, then in the plan's order."""
        others = [code for code in self.order if code in self.ticked and code != self.primary]
        return ([self.primary] if self.primary in self.ticked else []) + others

    def toggle(self, code: str) -> None:
        if code in self.ticked:
            self.ticked.discard(code)
            if self.primary == code:
                self.primary = next((c for c in self.order if c in self.ticked), None)
        else:
            self.ticked.add(code)
            if self.primary not in self.ticked:
                self.primary = code
        self._refresh()

    @on(OptionList.OptionSelected, "#picker-list")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.order):
            self.toggle(self.order[event.option_index])

    # -- actions ----------------------------------------------------------------------------------------

    def action_toggle(self) -> None:
        code = self.highlighted_code()
        if code is not None:
            self.toggle(code)

    def action_make_primary(self) -> None:
        code = self.highlighted_code()
        if code is None:
            return
        self.ticked.add(code)
        self.primary = code
        self._refresh()

    def refusal(self) -> str | None:
        return rule_message(self.detail) if self.detail.fields.stage.needs_ambition and not self.ticked else None

    def changes_to(self) -> str:
        return f"the ambitions of {self.detail.code}"


class AmbitionLinking:
    """For screens: `start_linking(code)` reads the project, opens the picker and saves the answer.

    The screen implements `links_changed(code)` to show the change (it is
    also called after a conflict, so the screen shows what is saved now).
    """

    def links_changed(self, code: str) -> None:  # pragma: no cover - screens override
        pass

    def start_linking(self, code: str) -> None:
        self.app.hold_keys()  # what is typed next is for the picker the worker opens
        self._read_for_linking(code)

    @work(thread=True, exclusive=True, group="ambition-links-read", exit_on_error=False)
    def _read_for_linking(self: Any, code: str) -> None:
        # Imported here, in the worker: the portfolio (this mixin's first user) starts without SQLAlchemy.
        from projtui.services import projects

        try:
            detail = projects.get_project(self.app.db, code)
            ambitions = list_ambitions(self.app.db)
        except ProjtuiError as exc:
            self.app.notify(str(exc), title="Cannot link ambitions", severity="error", markup=False)
            return
        self.app.call_from_thread(self._open_picker, detail, ambitions)

    def _open_picker(self: Any, detail: ProjectDetail, ambitions: list[AmbitionSummary]) -> None:
        self.app.push_screen(AmbitionPicker(detail, ambitions), partial(self._picked, detail))

    def _picked(self: Any, detail: ProjectDetail, codes: list[str] | None) -> None:
        if codes is None:
            return
        if codes == [link.code for link in detail.ambitions]:
            self.notify("No change to the ambitions.", title=f"{detail.code} {detail.fields.name}", markup=False)
            return
        self._save_links(detail, codes)

    @work(thread=True, exclusive=True, group="ambition-links-save", exit_on_error=False)
    def _save_links(self: Any, detail: ProjectDetail, codes: list[str]) -> None:
        from projtui.services import projects

        app = self.app
        title = f"{detail.code} {detail.fields.name}"
        try:
            projects.set_ambitions(app.db, detail.code, codes, expected_version=detail.version, actor=app.login)
        except RuleError as exc:
            app.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        except ConflictError as exc:
            app.notify(str(exc), title="Not saved: changed by someone else", severity="warning", markup=False, timeout=10)
            app.call_from_thread(self.links_changed, detail.code)
            return
        except ProjtuiError as exc:
            app.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        if codes:
            message = f"Linked to {codes[0]} (primary)" + (f", {', '.join(codes[1:])}" if len(codes) > 1 else "") + "."
        else:
            message = f"Linked to no ambition: {PIPELINE_MAY_WAIT}."
        app.notify(message, title=title, markup=False)
        app.call_from_thread(self.links_changed, detail.code)
