"""Review mode's filter dialog: narrow the quarter's projects to one ambition, lead and/or service.

Three selects, each blank for "any"; answers the new `ReviewFilter`, or None
when cancelled. Names come from the database, so every option is a `Text`,
never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Select, Static

from projtui.domain.enums import Stage
from projtui.services.read_models import NO_AMBITION
from projtui.services.reviews.models import ReviewFilter, ReviewFilterOptions
from projtui.ui.screens.dialog import Dialog
from projtui.ui.widgets.project_columns import stage_label


def _select(widget_id: str, prompt: str, options: Sequence[tuple[Text, str]], current: str | None) -> Select[str]:
    values = {value for _, value in options}
    # A value no longer offered (a lead renamed since) cannot be shown: start from "any".
    return Select(options, prompt=prompt, value=current if current in values else Select.NULL, id=widget_id, classes="rf-select", compact=True)


class ReviewFilterScreen(Dialog[ReviewFilter | None]):
    """Choose the ambition, lead and service review mode lists."""

    CSS_PATH = "review.tcss"
    HELP_TITLE = "Filter the review"
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="review_filter.apply"),
        Binding("ctrl+x", "clear", "Clear all", id="review_filter.clear"),
        Binding("escape", "cancel", "Cancel", id="review_filter.cancel"),
    ]

    def __init__(self, options: ReviewFilterOptions, current: ReviewFilter) -> None:
        super().__init__(classes="dialog-screen")
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        options, current = self.options, self.current
        ambitions = [(Text("Linked to no ambition"), NO_AMBITION)]
        ambitions += [(Text.assemble((code, "bold"), " ", title), code) for code, title in options.ambitions]
        with Vertical(classes="dialog", id="filter-dialog"):
            yield Static(Text("Show the projects of", style="bold"), classes="dialog-title")
            yield Static("Ambition", classes="rf-label")
            yield _select("rf-ambition", "Any ambition", ambitions, current.ambition)
            yield Static("Lead", classes="rf-label")
            yield _select("rf-lead", "Any lead", [(Text(lead), lead) for lead in options.leads], current.lead)
            yield Static("Service", classes="rf-label")
            yield _select("rf-service", "Any service", [(Text(service), service) for service in options.services], current.service)
            yield Static("Stage", classes="rf-label")
            stages = [(Text(stage_label(stage).capitalize()), stage.value) for stage in Stage]
            yield _select("rf-stage", "Any stage", stages, current.stage.value if current.stage else None)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply (ctrl+s)", id="rf-apply", variant="primary", compact=True, action="screen.apply")
                yield Button("Clear all (ctrl+x)", id="rf-clear", compact=True, action="screen.clear")
                yield Button("Cancel (esc)", id="rf-cancel", compact=True, action="screen.cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rf-ambition", Select).focus()

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def action_apply(self) -> None:
        stage = self._value("#rf-stage")
        self.dismiss(
            ReviewFilter(self._value("#rf-ambition"), self._value("#rf-lead"), self._value("#rf-service"), Stage(stage) if stage else None)
        )

    def action_clear(self) -> None:
        self.dismiss(ReviewFilter())

    def action_cancel(self) -> None:
        self.dismiss(None)
