"""The dialog that enters one measure's actual for a quarter in review mode: value, provisional flag, note and year-end forecast."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Footer, Input, Static

from projtui.domain.formatting import format_band
from projtui.domain.measures import describe_year_end
from projtui.domain.parsing import marked_provisional, parse_actual, parse_number
from projtui.domain.records import ActualFields
from projtui.services.reviews.models import SheetMeasure
from projtui.ui.screens.confirm import dismiss_asking_first
from projtui.ui.screens.dialog import Dialog
from projtui.ui.widgets.form import editable_number
from projtui.ui.widgets.tick_box import TickBox


@dataclass(frozen=True)
class ActualEntered:
    """What the dialog gives back: the actual, and the year-end forecast as typed (None: none)."""

    fields: ActualFields
    forecast: float | None


class ActualScreen(Dialog[ActualEntered | None]):
    """Enter one measure's actual for the quarter: value, provisional flag, note and the owner's year-end forecast."""

    CSS_PATH = "review.tcss"
    HELP_TITLE = "Enter an actual"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="actual.save"),
        Binding("escape", "cancel", "Cancel", id="actual.cancel"),
    ]

    def __init__(self, line: SheetMeasure, typed: ActualEntered | None = None, why: str | None = None) -> None:
        """`typed` and `why`: what the user typed and why its save failed, when the dialog comes back after one."""
        super().__init__(classes="dialog-screen")
        self.line = line
        self.typed = typed
        self.why = why

    def compose(self) -> ComposeResult:
        line = self.line
        actual = line.entry if self.typed is None else self.typed.fields
        with Vertical(classes="dialog", id="actual-dialog"):
            yield Static(
                Text.assemble((f"{line.code} ", "bold"), line.name, (f" ({line.unit})" if line.unit else "", "dim"), f" — {line.quarter}"),
                classes="dialog-title",
            )
            figures, fields = line.figures, line.measure.fields
            target = "monitor only (no target)" if figures.target is None else f"target {format_band(figures.target, figures.target_max)}"
            if figures.on_trajectory and fields.target is not None:
                target += f", on the way to {format_band(fields.target, fields.target_max)} by {fields.target_period}"
            yield Static(Text(target, style="dim"), classes="dialog-body")
            yield Static("Value", classes="actual-label")
            yield Input(editable_number(actual.value) if actual else "", id="actual-value", placeholder="e.g. 42.5, or 42.5p if provisional")
            yield TickBox("Provisional (may still be corrected)", actual.provisional if actual else False, id="actual-provisional")
            yield Static("Note (needed when the measure is amber or red)", classes="actual-label")
            yield Input(actual.note or "" if actual else "", id="actual-note")
            yield Static(self._forecast_label(), classes="actual-label")
            yield Input(
                editable_number(figures.year_end_forecast if self.typed is None else self.typed.forecast),
                id="actual-forecast", placeholder="blank: none",
                disabled=not line.forecast_editable,
            )
            yield Static("", id="actual-forecast-error")
            yield Static(Text(self.why or "", style="bold"), id="actual-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", id="actual-save", variant="primary", compact=True, action="screen.save")
                yield Button("Cancel (esc)", id="actual-cancel", compact=True)
        yield Footer()

    def _forecast_label(self) -> Text:
        """"Year-end forecast", with what the year end is judged against and the forecast's status now."""
        figures = self.line.figures
        label = Text("Year-end forecast (the figure expected at the end of the year)")
        saved = describe_year_end(figures.year_end_forecast, figures.year_end_status)
        if saved:
            label.append(f"  now {saved}", style="dim")
        if not self.line.forecast_editable:
            label.append("  frozen: the review is published", style="dim")
        return label

    def on_mount(self) -> None:
        self.query_one("#actual-value", Input).focus()
        # Back after a failed save, what is typed is unsaved however it stands.
        self._as_opened = self._entered() if self.typed is None else None

    def _entered(self) -> tuple[str, bool, str, str] | None:
        return (
            self.query_one("#actual-value", Input).value,
            self.query_one("#actual-provisional", Checkbox).value,
            self.query_one("#actual-note", Input).value,
            self.query_one("#actual-forecast", Input).value,
        )

    def _forecast(self) -> tuple[float | None, bool]:
        """The forecast as typed (None when blank), and whether it reads; the problem is shown beside the box."""
        box, error = self.query_one("#actual-forecast", Input), self.query_one("#actual-forecast-error", Static)
        if not box.value.strip():
            error.update("")
            return None, True
        try:
            value = ActualFields(value=parse_number(box.value)).value  # the rule an actual's value follows
        except ValueError as exc:
            error.update(Text(f"Year-end forecast: {str(exc).splitlines()[-1]}", style="bold"))
            return None, False
        error.update("")
        return value, True

    @on(Input.Changed, "#actual-forecast")
    def _forecast_changed(self) -> None:
        self._forecast()

    def unsaved_changes(self) -> str | None:
        """The actual as typed, when it differs from how the dialog opened (ctrl+q asks before losing it)."""
        return f"the {self.line.quarter} actual of {self.line.code}" if self._entered() != self._as_opened else None

    def _fields(self) -> ActualFields | None:
        error = self.query_one("#actual-error", Static)
        try:
            value, marked = parse_actual(self.query_one("#actual-value", Input).value)
        except ValueError as exc:
            error.update(Text(f"Value: {exc}", style="bold"))
            return None
        try:
            fields = ActualFields(
                value=value,
                provisional=marked or self.query_one("#actual-provisional", Checkbox).value,
                note=self.query_one("#actual-note", Input).value,
            )
        except ValueError as exc:
            error.update(Text(str(exc).splitlines()[-1]))
            return None
        error.update("")
        return fields

    def action_save(self) -> None:
        fields = self._fields()
        forecast, readable = self._forecast()
        if fields is not None and readable:
            self.dismiss(ActualEntered(fields, forecast))

    def action_cancel(self) -> None:
        dismiss_asking_first(self, question=f"Discard {self.unsaved_changes()}?")

    @on(Input.Changed, "#actual-value")
    def _marked_provisional(self, event: Input.Changed) -> None:
        # "87000p": the p ticks the box as it is typed, so the mark is seen before saving.
        if marked_provisional(event.value):
            self.query_one("#actual-provisional", Checkbox).value = True

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#actual-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)
