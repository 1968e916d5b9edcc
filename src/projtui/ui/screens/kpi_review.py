"""Review mode's KPI pass (issue 13): the quarter's corporate KPIs, entered, explained and published as a whole.

`K` in review mode opens it on the quarter under review (and `K` or Esc goes
back to the projects). It lists the KPIs due that quarter with "n of m
entered", each with its actual, target, status and travel (the measure's
one rule), year-end forecast and commentary. Enter (or e) enters the
actual and forecast in review mode's actual dialog, c the commentary; p
publishes the quarter's KPIs once every amber or red one has commentary
(the blockers are listed under the table), o re-opens them with a reason.
Every read and write is a thread worker over `services.kpi_quarters` and
`services.kpis`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from projtui.domain.errors import ConflictError, ProjtuiError
from projtui.domain.formatting import clip, format_number
from projtui.domain.quarter import Quarter
from projtui.services import kpi_quarters
from projtui.services.kpi_quarters import KpiPass, KpiPassLine
from projtui.ui.acting import Acting
from projtui.ui.screens.actual_dialog import ActualEntered, ActualScreen
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.item_form import ReasonScreen
from projtui.ui.screens.kpis import (
    actual_text,
    commentary_form,
    status_text,
    target_text,
    travel_text,
    write_entry,
)
from projtui.ui.widgets.acting_header import ActingHeader
from projtui.ui.widgets.rag import rag_styles
from projtui.ui.worker_failures import WorkerFailures

_QUARTER_KEYS = Binding.Group("Quarter", compact=True)


class KpiReviewScreen(Acting, WorkerFailures, Screen[None]):
    """The KPI pass of one quarter's review."""

    CSS_PATH = "kpi_review.tcss"
    HELP_TITLE = "KPI pass"
    HELP_NOTES = (
        "The corporate KPIs due this quarter (an annual KPI only in its quarter). Enter (or e) enters the highlighted "
        "KPI's actual and year-end forecast, c its commentary for the quarter.",
        "The quarter's KPIs are published together: p lists what is missing first (every amber or red KPI needs "
        "commentary; activity indicators never do). Once published their actuals (but a provisional one), forecasts "
        "and commentary are frozen until o re-opens them, with a reason the audit log keeps.",
        "K or Esc goes back to the projects.",
    )
    BINDINGS: ClassVar = [
        Binding("escape", "back", "Back", id="kpireview.back", tooltip="Back to the projects"),
        Binding("K", "back", "Projects", id="kpireview.projects", tooltip="Back to the projects' review"),
        Binding("e", "enter_actual", "Actual", id="kpireview.actual", tooltip="Enter the actual and year-end forecast"),
        Binding("c", "commentary", "Commentary", id="kpireview.commentary", tooltip="Write the KPI's commentary on the quarter"),
        Binding("p", "publish", "Publish", id="kpireview.publish", tooltip="Publish the quarter's KPIs"),
        Binding("o", "reopen", "Re-open", id="kpireview.reopen", tooltip="Re-open the quarter's published KPIs"),
        Binding("left_square_bracket", "quarter(-1)", "Previous quarter", id="kpireview.quarter_previous", group=_QUARTER_KEYS),
        Binding("right_square_bracket", "quarter(1)", "Next quarter", id="kpireview.quarter_next", group=_QUARTER_KEYS),
        Binding("f5,ctrl+r", "reload", "Reload", id="kpireview.reload", show=False),
    ]

    def __init__(self, quarter: Quarter | None = None) -> None:
        super().__init__(id="kpi-review")
        self.quarter = quarter
        self.found: KpiPass | None = None
        self.title = "Quarterly review: KPIs"

    def compose(self) -> ComposeResult:
        yield ActingHeader()
        yield Static("Reading the KPIs…", id="kr-header")
        yield DataTable(id="kr-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="kr-blockers")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.table.add_columns("Code", "KPI", "Actual", "Target", "Status", "Travel", "Year-end forecast", "Commentary")
        self.table.focus()
        self.load()

    @property
    def table(self) -> DataTable:
        return self.query_one("#kr-table", DataTable)

    # -- reading ---------------------------------------------------------------------------------------

    def load(self) -> None:
        self._read(self.quarter)

    @work(thread=True, exclusive=True, group="kpi-pass", exit_on_error=False)
    def _read(self, quarter: Quarter | None) -> None:
        worker = get_current_worker()
        try:
            found = kpi_quarters.kpi_pass(self._db, quarter)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._error, "Could not read the KPIs", exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, found)

    def _show(self, found: KpiPass) -> None:
        if self.quarter is not None and found.quarter != self.quarter:
            return  # a read for a quarter no longer shown
        self.quarter, self.found = found.quarter, found
        header = Text.assemble(("KPIs ", "bold"), (str(found.quarter), "bold reverse"), "   ", (found.progress(), "bold"), "  ·  ")
        if found.published:
            header.append(f"published by {found.published_by or '?'} on {found.published_on or '?'}", style="bold")
        else:
            header.append("not published")
        header.append("   [ ] quarter · K projects", style="dim")
        self.query_one("#kr-header", Static).update(header)
        table = self.table
        before = table.cursor_row if table.row_count else 0
        table.clear()
        styles = rag_styles(self.app.theme_variables)
        for line in found.lines:
            table.add_row(*self._cells(line, styles), key=line.code)
        if table.row_count:
            table.move_cursor(row=min(before, table.row_count - 1), animate=False)
        self.query_one("#kr-blockers", Static).update(self._blockers(found))
        self.refresh_bindings()

    @staticmethod
    def _cells(line: KpiPassLine, styles: dict) -> tuple[Text, ...]:
        figures, entry = line.sheet.figures, line.sheet.entry
        actual = actual_text(figures)
        if entry is not None and entry.provisional:
            actual.append(" p", style="dim")
        forecast = Text("—", style="dim") if figures.year_end_forecast is None else Text(format_number(figures.year_end_forecast))
        if line.comment is not None:
            comment = Text(clip(" ".join(line.comment.text.split()), 50))
        elif line.needs_commentary:
            comment = Text("needed to publish", style="bold")
        else:
            comment = Text("")
        return (
            Text(line.code), Text(clip(line.sheet.name, 30)), actual, target_text(figures), status_text(figures, styles),
            travel_text(figures), forecast, comment,
        )

    @staticmethod
    def _blockers(found: KpiPass) -> Text:
        if not found.lines:
            return Text(f"No KPIs are due in {found.quarter}.")
        if found.published:
            return Text("Published: the quarter's figures are frozen (only a provisional actual may change). o re-opens them.", style="dim")
        if not found.blockers:
            return Text("Ready to publish: p publishes the quarter's KPIs.", style="dim")
        text = Text("Before publishing:", style="bold")
        for blocker in found.blockers:
            text.append(f"\n• {blocker}")
        return text

    def _line(self) -> KpiPassLine | None:
        if self.found is None or not self.found.lines or not self.table.row_count:
            return None
        return self.found.lines[min(self.table.cursor_row, len(self.found.lines) - 1)]

    # -- keys --------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        found = self.found
        if action == "reopen":
            return found is not None and found.published
        if action == "publish":
            return found is None or not found.published
        return True

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    def action_quarter(self, delta: int) -> None:
        if self.quarter is not None:
            self.quarter = self.quarter.shift(delta)
            self.found = None
            self.table.clear()
            self.load()

    @on(DataTable.RowSelected, "#kr-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_enter_actual()
        if self.app.screen is self:  # no dialog after all (a frozen actual): the keys held since Enter go on
            self.app.release_keys()  # type: ignore[attr-defined]

    def action_enter_actual(self) -> None:
        line = self._line()
        if line is None:
            return
        if not line.sheet.editable:
            self.notify(
                f"The {line.sheet.quarter} KPIs are published: their actuals are frozen (only a provisional one may change). "
                "Press o to re-open them.", title="Read-only", markup=False,
            )
            return
        code, quarter, entry, seen = line.code, line.sheet.quarter, line.sheet.entry, line.sheet.figures.year_end_forecast

        def entered(result: ActualEntered | None) -> None:
            if result is not None:
                self._save_actual(code, quarter, result, entry, seen)

        self.app.hold_keys()  # type: ignore[attr-defined]  # a figure typed straight away is for the dialog
        self.app.push_screen(ActualScreen(line.sheet), entered)

    @work(thread=True, exclusive=True, group="kpi-pass-write", exit_on_error=False)
    def _save_actual(self, code: str, quarter: Quarter, entered: ActualEntered, entry, seen: float | None) -> None:
        self._write(
            lambda: write_entry(self._db, self._actor, code, quarter, entry, seen, entered),
            failed=f"{code} not saved", done=f"{code}: {format_number(entered.fields.value)} saved for {quarter}.",
        )

    def action_commentary(self) -> None:
        line = self._line()
        if line is None:
            return
        if self.found is not None and self.found.published:
            self.notify(f"The {line.sheet.quarter} KPIs are published: their commentary is frozen. Press o to re-open them.",
                        title="Read-only", markup=False)
            return
        self.app.hold_keys()  # type: ignore[attr-defined]
        self.app.push_screen(
            commentary_form(self._db, self._actor, line.code, line.sheet.quarter, line.comment),
            lambda saved: self.load() if saved else None,
        )

    def action_publish(self) -> None:
        found = self.found
        if found is None or found.published:
            return
        if found.blockers:
            self.notify("\n".join(f"• {b}" for b in found.blockers), title=f"Cannot publish the {found.quarter} KPIs yet",
                        severity="error", markup=False)
            return
        quarter, version = found.quarter, found.version

        def answered(yes: bool | None) -> None:
            if yes:
                self._publish(quarter, version)

        self.app.push_screen(
            ConfirmScreen(
                f"Publish the {quarter} KPIs?",
                f"{found.progress()}. Their actuals (but provisional ones), forecasts and commentary are then frozen until re-opened.",
                yes="Publish",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="kpi-pass-write", exit_on_error=False)
    def _publish(self, quarter: Quarter, version: int | None) -> None:
        self._write(
            lambda: kpi_quarters.publish_kpi_quarter(self._db, quarter, expected_version=version, actor=self._actor),
            failed=f"The {quarter} KPIs not published", done=f"The {quarter} KPIs are published.",
        )

    def action_reopen(self) -> None:
        found = self.found
        if found is None or not found.published or found.version is None:
            return
        quarter, version = found.quarter, found.version

        def answered(reason: str | None) -> None:
            if reason:
                self._reopen(quarter, version, reason)

        self.app.push_screen(
            ReasonScreen(
                "The quarter's KPIs become a draft again; the audit log keeps your reason.",
                title=f"Why re-open the {quarter} KPIs?", placeholder="e.g. collection rate corrected",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="kpi-pass-write", exit_on_error=False)
    def _reopen(self, quarter: Quarter, version: int, reason: str) -> None:
        self._write(
            lambda: kpi_quarters.reopen_kpi_quarter(self._db, quarter, expected_version=version, reason=reason, actor=self._actor),
            failed=f"The {quarter} KPIs not re-opened", done=f"The {quarter} KPIs are a draft again.",
        )

    def _write(self, write: Callable[[], object], *, failed: str, done: str) -> None:
        """One write in the calling worker's thread, then the pass read again; a refusal or someone else's change is said."""
        try:
            write()
        except ConflictError as exc:
            self.app.call_from_thread(self._warn, exc)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._error, failed, exc)
        else:
            self.notify(done, title="Saved", markup=False)
        self.app.call_from_thread(self.load)

    def _warn(self, exc: ConflictError) -> None:
        self.notify(f"{exc} — reloaded what is saved now.", title="Changed by someone else", severity="warning", markup=False)

    def _error(self, title: str, exc: Exception) -> None:
        self.notify(str(exc), title=title, severity="error", markup=False)
