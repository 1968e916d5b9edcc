"""Review mode: step through the portfolio's projects for one quarter and rate each.

Over 500 lines: the screen holds every thread worker of review mode (queue, sheet, trend, saves, re-open, actuals).

Left, the queue (`services.reviews.review_queue`): each project with where
its review stands and its RAG against the previous *published* one. Right,
the selected project's sheet (`review_sheet`): the overall RAG (one key per
rating), time/cost/scope/benefits RAGs (the same keys after `t`), commentary,
next steps, spend and forecast, the project's open high (red) risks and
issues, and the measures with this quarter's actual, target, status and
direction of travel; under them the selected measure's trend and the
project's RAG history.

Every read and write runs in a thread worker; results come back to the UI
thread and a result for a project or quarter no longer shown is dropped.
Each save writes to the database at once (ctrl+s, or leaving a project with
changes saves them as a draft first), so an interrupted session loses
nothing that was saved. A published review is read-only until re-opened
(`o`, with a reason the audit log keeps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, get_current_worker

from projtui.domain.enums import Rag
from projtui.domain.errors import ConflictError, ProjtuiError
from projtui.domain.formatting import clip, format_number, format_pounds, plural
from projtui.domain.quarter import Quarter
from projtui.domain.records import ReviewFields
from projtui.domain.risks import DEFAULT_BANDS, needs_attention, score_caption
from projtui.domain.waiting import WAITING, told_when_waiting
from projtui.services import reviews
from projtui.services.reviews.models import (
    MeasureTrend,
    QueueEntry,
    ReviewFilter,
    ReviewFilterOptions,
    ReviewProgress,
    ReviewRow,
    ReviewSheet,
    ReviewState,
    SheetMeasure,
    next_in_queue,
)
from projtui.services.risks import RiskRegister, risk_register
from projtui.ui.acting import Acting
from projtui.ui.screens.actual_dialog import ActualEntered, ActualScreen
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.conflict import ConflictChoice, ConflictScreen
from projtui.ui.screens.item_form import ReasonScreen
from projtui.ui.screens.kpi_review import KpiReviewScreen
from projtui.ui.screens.review_conflict import REVIEW_FIELDS, merged
from projtui.ui.screens.review_filter import ReviewFilterScreen
from projtui.ui.widgets.acting_header import ActingHeader
from projtui.ui.widgets.measures_table import MeasuresTable, forecast_line
from projtui.ui.widgets.rag import on_theme_change, rag_styles
from projtui.ui.widgets.rag_history import RagHistory
from projtui.ui.widgets.review_form import ReviewForm
from projtui.ui.widgets.review_queue import ReviewQueue
from projtui.ui.widgets.trend_chart import TrendChart
from projtui.ui.worker_failures import WorkerFailures, failure_text

WIDE_FROM = 100  # columns: narrower, review.tcss stacks the aspect RAGs and the money fields two by two
EDIT_ACTIONS = {"save", "publish"}  # r, a, g and t stay live on a published review, to say why nothing changes
WRITE_ACTIONS = {"save", "publish"}  # off the footer on a published review, where o (re-open) is shown instead


# --- the screen --------------------------------------------------------------------------


_QUARTER_KEYS = Binding.Group("Quarter", compact=True)


@dataclass(frozen=True)
class _Queue:
    quarter: Quarter
    filter: ReviewFilter
    entries: tuple[QueueEntry, ...]
    progress: ReviewProgress


class ReviewScreen(Acting, WorkerFailures, Screen[None]):
    """The quarterly review session for one quarter (default: `reviews.default_review_quarter`)."""

    CSS_PATH = "review.tcss"
    HELP_TITLE = "Quarterly review"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]  # review.tcss stacks the aspect RAGs two by two when narrow
    HELP_NOTES = (
        "Left: the projects to review this quarter (a closed project in italics: its post-project benefits review, "
        "listed while any benefit is still to be realised). Status column: · not started, ✎ draft, ■ published; "
        "RAG column: previous published rating → this quarter's.",
        "Overall RAG: r red, a amber, g green, x complete, 0 not set. t points those keys at the time RAG instead; "
        "each rating then moves on to cost, scope and benefits, and after benefits back to the overall RAG "
        "(t again skips one, Esc stops). So t g a g g rates all four. The four selects work too (Tab to them).",
        "ctrl+s saves the draft; moving to another project saves your changes first. p publishes (it lists what "
        "is missing first); a published review is read-only until o re-opens it, with a reason.",
        "Enter (or e) on a measure enters its actual (value, provisional, note; 'p' after a figure marks it provisional); "
        "Delete clears it, after asking. "
        "Status: ● on target, ◆ within tolerance, ▲ off target, ? no data, ○ not due, ~ monitor only. "
        "vsQ / vsY: direction of travel since the previous due quarter / the same quarter last year (↑ better, ↓ worse).",
        "The chart shows the highlighted measure's actuals against its target line; under it, the project's RAG history.",
        "f narrows the list to one ambition, lead and/or service (the header shows the filter, and the counts are of "
        "the projects listed); F clears it.",
    )

    # The footer shows the keys of the review round (compact, they fit at 80 columns); the rest are on the
    # sheet's own hints, in ? help and in the command palette, which use the tooltip as the full name.
    BINDINGS = [
        Binding("escape", "back", "Back", id="review.back"),
        Binding("ctrl+s", "save", "Save", id="review.save", priority=True, tooltip="Save draft"),
        Binding("p", "publish", "Publish", id="review.publish"),
        Binding("o", "reopen", "Re-open", id="review.reopen"),
        Binding("n", "next_unreviewed", "Unreviewed", id="review.next_unreviewed", tooltip="Next unreviewed project"),
        Binding("c", "next_changed", "Next changed RAG", id="review.next_changed", show=False),
        Binding("j", "step(1)", "Next project", id="review.next", show=False),
        Binding("k", "step(-1)", "Previous project", id="review.previous", show=False),
        Binding("left_square_bracket", "quarter(-1)", "Previous quarter", id="review.quarter_previous", group=_QUARTER_KEYS),
        Binding("right_square_bracket", "quarter(1)", "Next quarter", id="review.quarter_next", group=_QUARTER_KEYS),
        Binding("f", "filter", "Filter", id="review.filter"),
        Binding("F", "clear_filter", "Clear filter", id="review.filter_clear", show=False),
        Binding("r", "set_rag('red')", "RAG red", id="review.rag_red", show=False),
        Binding("a", "set_rag('amber')", "RAG amber", id="review.rag_amber", show=False),
        Binding("g", "set_rag('green')", "RAG green", id="review.rag_green", show=False),
        Binding("x", "set_rag('complete')", "RAG complete", id="review.rag_complete", show=False),
        Binding("0", "set_rag('not_set')", "RAG not set", id="review.rag_not_set", show=False),
        Binding(
            "t", "arm_aspect", "Aspect RAGs", id="review.rag_aspect", show=False,
            tooltip="Rate time, then cost, scope, benefits with r a g x 0",
        ),
        Binding("e", "enter_actual", "Enter actual", id="review.actual", show=False),
        Binding("delete", "clear_actual", "Clear actual", id="review.clear_actual", show=False),
        Binding("m", "focus_measures", "Measures", id="review.measures", show=False),
        Binding("f5,ctrl+r", "reload", "Reload", id="review.reload", show=False),
        Binding("K", "kpis", "KPIs", id="review.kpis", show=False, tooltip="The quarter's KPI pass: enter, explain and publish the KPIs"),
    ]

    quarter: var[Quarter | None] = var(None, init=False)

    def __init__(self, quarter: Quarter | None = None) -> None:
        super().__init__(id="review-screen")
        self.set_reactive(ReviewScreen.quarter, quarter)
        self.entries: tuple[QueueEntry, ...] = ()
        self.current_code: str | None = None
        self.sheet: ReviewSheet | None = None
        self._close_after_save = False
        self._trend_for: tuple[str, str, Quarter] | None = None
        # After a conflict, "back to editing": (code, quarter, what the user opened, what they typed), merged into the sheet read next.
        self._merging: tuple[str, Quarter, ReviewFields, ReviewFields] | None = None
        self._actual_in_flight: Callable[[str], None] | None = None  # an actual being saved: how to ask for it again
        self.filter = ReviewFilter()
        self.title = "Quarterly review"

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ActingHeader()
        yield Static("", id="rv-header")
        with Horizontal(id="rv-body"):
            yield ReviewQueue(id="rv-queue")
            with VerticalScroll(id="rv-sheet"):
                yield Static("", id="rv-title")
                yield ReviewForm(id="rv-form")
                status = Static("", id="rv-save-status")  # beside the form: waiting for another change, or why nothing was saved
                status.display = False  # no line at all while there is nothing to say
                yield status
                yield Static("", id="rv-blockers")
                yield Static("", id="rv-risks")
                yield MeasuresTable(id="rv-measures")
                yield Static("", id="rv-forecasts")
                yield TrendChart(id="rv-trend")
                yield RagHistory(id="rv-history")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(ReviewQueue).focus()
        on_theme_change(self, self._repaint_rags)
        self.load_queue()

    def on_resize(self, event: events.Resize) -> None:
        # Below the breakpoint the queue gives the sheet room for its figures.
        narrow = event.size.width < WIDE_FROM
        self.query_one(ReviewQueue).fit(narrow)
        self.query_one(MeasuresTable).fit(narrow)

    def _repaint_rags(self) -> None:
        """A new theme: draw the RAG colours again from the queue and sheet already read."""
        if self.quarter is not None and self.entries:
            self._apply_queue(_Queue(self.quarter, self.filter, self.entries, ReviewProgress.of(self.entries)))
        self.query_one(ReviewForm).show_overall()
        self.query_one(RagHistory).repaint(self._styles())
        if self.sheet is not None:
            self._fill_measures(self.sheet)

    def _styles(self):
        return rag_styles(self.app.theme_variables)

    # -- the queue -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="review-queue", exit_on_error=False)
    def load_queue(self) -> None:
        worker = get_current_worker()
        chosen = self.filter
        try:
            quarter = self.quarter or reviews.default_review_quarter(self._db)
            entries = tuple(
                reviews.review_queue(
                    self._db, quarter, ambition=chosen.ambition, lead=chosen.lead, service=chosen.service, stage=chosen.stage
                )
            )
        except ProjtuiError as exc:
            self.app.call_from_thread(self._error, "Could not read the review queue", exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply_queue, _Queue(quarter, chosen, entries, ReviewProgress.of(entries)))

    def _apply_queue(self, queue: _Queue) -> None:
        if (self.quarter is not None and queue.quarter != self.quarter) or queue.filter != self.filter:
            return  # a read for a quarter or filter no longer shown
        if self.quarter is None:
            self.set_reactive(ReviewScreen.quarter, queue.quarter)
        self.entries = queue.entries
        self._show_header(queue.progress)
        table = self.query_one(ReviewQueue)
        table.show(queue.entries, self._styles())
        codes = [e.code for e in queue.entries]
        if not codes:
            self.current_code = None
            self.sheet = None
            self.query_one(ReviewForm).clear()
            nothing = f"No projects to review in {queue.quarter}."
            if queue.filter.active:
                nothing = f"No projects match the filter in {queue.quarter}: f changes it, F clears it."
            self.query_one("#rv-title", Static).update(Text(nothing))
            self.query_one("#rv-sheet").add_class("-empty")  # nothing shown is anyone's
            self.refresh_bindings()
            return
        code = self.current_code if self.current_code in codes else codes[0]
        table.move_cursor(row=codes.index(code), animate=False)
        if code != self.current_code or self.sheet is None or self.sheet.quarter != queue.quarter:
            self.current_code = code
            self.load_sheet(code, queue.quarter)

    def _show_header(self, progress: ReviewProgress) -> None:
        header = Text.assemble(
            ("Review ", "bold"), (str(self.quarter), "bold reverse"), "   ",
            (str(progress), "bold"), f"  ·  {progress.published} published  ·  ",
            f"{progress.rag_changed} RAG changed  ·  {progress.unreviewed} unreviewed",
        )
        if self.filter.active:
            header.append_text(Text.assemble("   ", ("Filter: ", "bold"), (self.filter.describe(), "reverse"), ("  F clears", "dim")))
        else:
            header.append("   [ ] quarter · f filter", style="dim")
        self.query_one("#rv-header", Static).update(header)

    @on(DataTable.RowHighlighted, "#rv-queue")
    def _queue_moved(self, event: DataTable.RowHighlighted) -> None:
        # Use where the cursor is now: highlights posted while the list was refilled are out of date.
        code = self.query_one(ReviewQueue).highlighted_code()
        if code and code != self.current_code:
            self._go_to(code)

    def _go_to(self, code: str) -> None:
        self._save_if_changed()
        self.current_code = code
        codes = [e.code for e in self.entries]
        if code in codes:
            table = self.query_one(ReviewQueue)
            if table.cursor_row != codes.index(code):
                table.move_cursor(row=codes.index(code), animate=False)
        if self.quarter is not None:
            self.load_sheet(code, self.quarter)

    def action_step(self, delta: int) -> None:
        entry = next_in_queue(self.entries, self.current_code, backwards=delta < 0, wrap=False)
        if entry is not None:
            self._go_to(entry.code)

    def action_next_unreviewed(self) -> None:
        entry = next_in_queue(self.entries, self.current_code, unreviewed=True)
        if entry is None:
            self.notify("Every project has a review for this quarter.", title=str(self.quarter))
        else:
            self._go_to(entry.code)

    def action_next_changed(self) -> None:
        entry = next_in_queue(self.entries, self.current_code, rag_changed=True)
        if entry is None:
            self.notify("No other project's RAG changed since its previous published review.", title=str(self.quarter))
        else:
            self._go_to(entry.code)

    def action_quarter(self, delta: int) -> None:
        if self.quarter is None:
            return
        self._save_if_changed()
        self.quarter = self.quarter.shift(delta)

    def action_filter(self) -> None:
        self.load_filter_options()

    @work(thread=True, exclusive=True, group="review-filter", exit_on_error=False)
    def load_filter_options(self) -> None:
        try:
            options = reviews.review_filter_options(self._db)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._error, "Could not read the filter choices", exc)
            return
        self.app.call_from_thread(self._choose_filter, options)

    def _choose_filter(self, options: ReviewFilterOptions) -> None:
        def chosen(new: ReviewFilter | None) -> None:
            if new is not None:
                self._set_filter(new)

        self.app.push_screen(ReviewFilterScreen(options, self.filter), chosen)

    def action_clear_filter(self) -> None:
        self._set_filter(ReviewFilter())

    def _set_filter(self, new: ReviewFilter) -> None:
        if new == self.filter:
            return
        self._save_if_changed()
        self.filter = new
        self.refresh_bindings()
        self.load_queue()

    def watch_quarter(self, quarter: Quarter | None) -> None:
        self.sheet = None
        self.load_queue()

    def action_reload(self) -> None:
        self.sheet = None
        self.load_queue()

    # -- the sheet -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="review-sheet", exit_on_error=False)
    def load_sheet(self, code: str, quarter: Quarter) -> None:
        worker = get_current_worker()
        try:
            sheet = reviews.review_sheet(self._db, code, quarter)
            history = tuple(reviews.rag_history(self._db, code))
            register = risk_register(self._db, code)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._error, f"Could not read {code}", exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply_sheet, sheet, history, register)

    def _apply_sheet(self, sheet: ReviewSheet, history: tuple[ReviewRow, ...], register: RiskRegister) -> None:
        if sheet.project_code != self.current_code or sheet.quarter != self.quarter:
            return  # the user has moved on
        self.sheet = sheet
        self.query_one("#rv-sheet").remove_class("-empty")
        title = Text.assemble(
            (sheet.project_code, "bold"), "  ", sheet.project_name, "  ",
            (f"[{sheet.state.label}]", "reverse" if sheet.state is ReviewState.PUBLISHED else "dim"),
        )
        if sheet.review is not None and sheet.review.is_published:
            by = sheet.review.fields.published_by or "?"
            title.append(f"  published by {by} on {sheet.review.fields.published_on} — o re-opens", style="dim")
        if sheet.stage.post_project:
            title.append("\nPost-project benefits review: the project has closed; its benefits are still to be realised.", style="italic")
        title.append(f"\nLead: {sheet.lead or '—'}  ·  Benefits on track: {sheet.benefits_on_track}", style="dim")
        if sheet.budget_pence is not None:
            title.append(f"  ·  Budget {format_pounds(sheet.budget_pence)}", style="dim")
        self.query_one("#rv-title", Static).update(title)
        self.query_one(ReviewForm).load(sheet, self._merge_into(sheet))
        self._show_save_status("")
        self._show_blockers()
        self._show_high_risks(register)
        self._fill_measures(sheet)
        self.query_one(RagHistory).show(history, self._styles())
        self.refresh_bindings()

    def _show_blockers(self) -> None:
        sheet = self.sheet
        box = self.query_one("#rv-blockers", Static)
        if sheet is None or sheet.state is ReviewState.PUBLISHED:
            box.update("")
            return
        blockers = sheet.publish_blockers
        if blockers:
            box.update(Text("To publish: " + "; ".join(blockers), style="italic"))
        else:
            box.update(Text("Ready to publish (p).", style="bold"))

    def _show_high_risks(self, register: RiskRegister) -> None:
        """The project's open red risks and issues, one line each, while it is rated; nothing when it has none."""
        box = self.query_one("#rv-risks", Static)
        settings = getattr(self.app, "settings", None)
        bands = settings.bands if settings is not None else DEFAULT_BANDS
        high = [r for r in register.risks if needs_attention(r, bands)]
        box.display = bool(high)
        if not high:
            return
        text = Text(f"⚠ {plural(len(high), 'open high risk or issue', 'open high risks and issues')} (6 on the project screen):", style="bold")
        for record in high:
            text.append(f"\n  {record.code} {score_caption(record.likelihood, record.impact, bands)} ")
            text.append(f"{record.fields.kind.value}: ", style="dim")
            text.append(clip(record.fields.title, 60))
        box.update(text)

    def _fill_measures(self, sheet: ReviewSheet) -> None:
        shown = self.query_one(MeasuresTable).show(sheet, self._styles())
        self._show_forecasts()
        if shown is None:
            self.query_one(TrendChart).clear("This project has no measures.")
        else:
            self._trend_for = None  # figures may have changed: read again
            self._show_trend(sheet.project_code, shown, sheet.quarter)

    # -- the trend ---------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#rv-measures")
    def _measure_moved(self, event: DataTable.RowHighlighted) -> None:
        line = self._highlighted_measure()
        self._show_forecasts()
        if line is not None and self.sheet is not None:
            self._show_trend(self.sheet.project_code, line.code, self.sheet.quarter)

    def _show_forecasts(self) -> None:
        """The highlighted measure's year-end forecast and trend forecast, under the table (issue 13)."""
        line = self._highlighted_measure()
        self.query_one("#rv-forecasts", Static).update(Text() if line is None else forecast_line(line, self._styles()))

    def _show_trend(self, code: str, measure_code: str, quarter: Quarter) -> None:
        """Read the trend unless it is already being read (refilling the table highlights its row again)."""
        if self._trend_for != (code, measure_code, quarter):
            self._trend_for = (code, measure_code, quarter)
            self.load_trend(code, measure_code, quarter)

    @work(thread=True, exclusive=True, group="review-trend", exit_on_error=False)
    def load_trend(self, code: str, measure_code: str, quarter: Quarter) -> None:
        worker = get_current_worker()
        try:
            trend = reviews.measure_trend(self._db, code, measure_code, up_to=quarter)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._error, f"Could not read the trend of {measure_code}", exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply_trend, code, quarter, trend)

    def _apply_trend(self, code: str, quarter: Quarter, trend: MeasureTrend) -> None:
        if code != self.current_code or quarter != self.quarter:
            return
        self.query_one(TrendChart).show(trend)

    # -- editing -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        sheet = self.sheet
        if action == "reopen":
            return sheet is not None and sheet.state is ReviewState.PUBLISHED
        if action == "clear_filter":
            return self.filter.active
        if action in WRITE_ACTIONS and sheet is not None and sheet.state is ReviewState.PUBLISHED:
            return False
        if action in EDIT_ACTIONS:
            return None if sheet is None or not sheet.editable else True
        return True

    def action_set_rag(self, value: str) -> None:
        if not self._can_edit():
            return
        self.query_one(ReviewForm).set_rag(Rag(value))
        self.refresh_bindings()

    def action_arm_aspect(self) -> None:
        if self._can_edit():
            self.query_one(ReviewForm).arm_next()

    def _can_edit(self) -> bool:
        if self.sheet is None:
            return False
        if not self.sheet.editable:
            self.notify("This review is published: press o to re-open it first.", title="Read-only")
            return False
        return True

    @property
    def overall(self) -> Rag:
        """The overall RAG the form shows."""
        return self.query_one(ReviewForm).overall

    @property
    def armed(self) -> str | None:
        """The aspect the RAG keys set (one of ASPECTS), or None: the overall RAG."""
        return self.query_one(ReviewForm).armed

    def _dirty(self) -> bool:
        return self.sheet is not None and self.query_one(ReviewForm).dirty()

    def unsaved_changes(self) -> str | None:
        """The review on the sheet, when it differs from what is saved (ctrl+q asks before losing it)."""
        sheet = self.sheet
        return f"the {sheet.quarter} review of {sheet.project_code}" if sheet is not None and self._dirty() else None

    def save_changes(self) -> bool:
        """ctrl+q's "Save and quit": save the draft as ctrl+s does; False when the sheet holds an invalid value."""
        return self._can_edit() and self._start_save(publish=False)

    def _save_if_changed(self) -> None:
        """Leaving a project (or quarter) with changes saves them as a draft first."""
        if self._dirty():
            self._start_save(publish=False)

    def _start_save(self, *, publish: bool) -> bool:
        sheet = self.sheet
        assert sheet is not None
        fields, problems = self.query_one(ReviewForm).collect()
        if fields is None:
            self.notify("; ".join(problems), title=f"{sheet.project_code} not saved", severity="error", markup=False)
            return False
        changed = sheet.review is None or fields != sheet.draft_fields()
        self.save(sheet.project_code, sheet.quarter, fields if changed else None, sheet.review_version, publish, sheet.draft_fields())
        return True

    def action_save(self) -> None:
        if self._can_edit():
            self._start_save(publish=False)

    def action_publish(self) -> None:
        if not self._can_edit():
            return
        sheet = self.sheet
        assert sheet is not None
        if not self._dirty() and sheet.publish_blockers:
            self.notify(
                "\n".join(f"• {b}" for b in sheet.publish_blockers),
                title=f"Cannot publish {sheet.project_code} yet", severity="error", markup=False,
            )
            return
        self._start_save(publish=True)

    @work(thread=True, exclusive=True, group="review-write", exit_on_error=False)
    def save(
        self, code: str, quarter: Quarter, fields: ReviewFields | None, version: int | None, publish: bool, original: ReviewFields
    ) -> None:
        """Save the draft (when ``fields`` is given), then publish it when asked; ``original`` is what the user opened."""
        db, actor = self._db, self._actor
        saved = False
        self.app.call_from_thread(self._show_save_status, "")
        try:
            with told_when_waiting(lambda: self.app.call_from_thread(self._show_save_status, f"Saving {code}: {WAITING}", "")):
                if fields is not None:
                    record = reviews.save_review(db, code, quarter, fields, expected_version=version, actor=actor)
                    version, saved = record.version, True
                if publish:
                    sheet = reviews.review_sheet(db, code, quarter)
                    if sheet.publish_blockers:
                        self.app.call_from_thread(self._refused, code, sheet.publish_blockers)
                        return
                    reviews.publish_review(db, code, quarter, expected_version=sheet.review_version or 0, actor=actor)
                    self.notify(f"The {quarter} review of {code} is published.", title="Published", markup=False)
                elif fields is not None:
                    self.notify(f"Draft saved for {code}, {quarter}.", title="Saved", markup=False)
        except ConflictError as exc:
            if fields is None or saved:  # publishing what is saved: nothing typed is at stake, read theirs
                self.app.call_from_thread(self._conflict, code, exc)
            else:
                self.app.call_from_thread(self._review_conflict, code, quarter, exc, original, fields, publish)
            return
        except ProjtuiError as exc:
            failed = f"{code} not {'published' if saved or fields is None else 'saved'}"
            self.app.call_from_thread(self._error, failed, exc)
            # Unsaved: what was typed stays on screen to try again (a busy database, a refused role), and says why beside it.
            # A saved draft whose publishing failed is read again, to show it as saved.
            if saved:
                self.app.call_from_thread(self._after_write, code)
            else:
                self.app.call_from_thread(self._show_save_status, f"{failed}: {exc}")
                self.app.call_from_thread(self._kept, code)
            return
        self.app.call_from_thread(self._after_write, code)

    def _kept(self, code: str) -> None:
        self._close_after_save = False

    def _show_save_status(self, message: str, style: str = "bold") -> None:
        """Beside the form: a save waiting for another change, or why it was not saved (empty: nothing to say)."""
        status = self.query_one("#rv-save-status", Static)
        status.update(Text(message, style=style))
        status.display = bool(message)

    def _review_conflict(
        self, code: str, quarter: Quarter, exc: ConflictError, original: ReviewFields, yours: ReviewFields, publish: bool
    ) -> None:
        """Someone else saved this review first: show both versions field by field; what the user typed is never dropped unasked."""
        self._close_after_save = False
        current = exc.current
        theirs = getattr(current, "fields", None)
        self._show_save_status(f"Not saved: someone else changed the {quarter} review of {code} since you opened it.")

        def chosen(choice: ConflictChoice | None) -> None:
            if choice is ConflictChoice.OVERWRITE and current is not None:
                self.save(code, quarter, yours, current.version, publish, theirs)
            elif choice is ConflictChoice.THEIRS:
                self._after_write(code, force=True)
            else:  # back to editing: their version, with every field the user changed kept as typed
                self._merging = (code, quarter, original, yours)
                if quarter != self.quarter:
                    self.current_code = code
                    self.quarter = quarter
                elif code != self.current_code:
                    self._go_to(code)
                else:
                    self._after_write(code, force=True)

        self.app.push_screen(
            ConflictScreen(
                title=f"the {quarter} review of {code}", fields=REVIEW_FIELDS, original=original.model_dump(),
                yours=yours.model_dump(), theirs=None if theirs is None else theirs.model_dump(),
            ),
            chosen,
        )

    def _merge_into(self, sheet: ReviewSheet) -> ReviewFields | None:
        """What the form shows over a freshly read sheet after "back to editing": theirs, with the user's changes kept."""
        merging = self._merging
        if merging is None or merging[:2] != (sheet.project_code, sheet.quarter):
            return None
        self._merging = None
        _, _, original, yours = merging
        if not sheet.editable:  # published meanwhile: it is theirs, frozen; what was typed is in the conflict dialog's notice
            return None
        self.notify("Their changes are in the form where you had not changed a field; yours are kept. Saving applies yours over theirs.",
                    title="Merged", markup=False)
        return merged(original, yours, sheet.draft_fields())

    def _refused(self, code: str, blockers: tuple[str, ...]) -> None:
        self.notify("\n".join(f"• {b}" for b in blockers), title=f"Cannot publish {code} yet", severity="error", markup=False)
        self._after_write(code)

    def _conflict(self, code: str, exc: ConflictError) -> None:
        self.notify(
            f"{exc} — reloaded what is saved now; make your change again.",
            title="Changed by someone else", severity="warning", markup=False,
        )
        self._close_after_save = False
        self._after_write(code, force=True)

    def worker_failed(self, worker: Worker) -> None:
        super().worker_failed(worker)
        if worker.group in ("review-write", "review-actual"):
            self._close_after_save = False  # not saved: the screen stays, and what was typed with it
            self._show_save_status(f"Not saved: {failure_text(worker.error)}")
        if worker.group == "review-actual":
            self._actual_again(f"Not saved: {failure_text(worker.error)}")

    def _after_write(self, code: str, *, force: bool = False) -> None:
        if self._close_after_save:
            self._close_after_save = False
            self.dismiss(None)
            return
        if code == self.current_code:
            self.sheet = None  # read again, whatever was there
        self.load_queue()

    # -- re-open -------------------------------------------------------------------------------------

    def action_reopen(self) -> None:
        sheet = self.sheet
        if sheet is None or sheet.review is None or not sheet.review.is_published:
            self.notify("Only a published review can be re-opened.")
            return
        code, quarter, version = sheet.project_code, sheet.quarter, sheet.review.version

        def answered(reason: str | None) -> None:
            if reason:
                self.reopen(code, quarter, version, reason)

        self.app.push_screen(
            ReasonScreen(
                "The review becomes a draft again; the audit log keeps your reason.",
                title=f"Why re-open the {quarter} review of {code}?", placeholder="e.g. fuel figure corrected",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="review-write", exit_on_error=False)
    def reopen(self, code: str, quarter: Quarter, version: int, reason: str) -> None:
        self._write(
            code, lambda: reviews.reopen_review(self._db, code, quarter, expected_version=version, reason=reason, actor=self._actor),
            failed=f"{code} not re-opened", done=(f"The {quarter} review of {code} is a draft again.", "Re-opened"),
        )

    def _write(
        self, code: str, write: Callable[[], object], *, failed: str, done: tuple[str, str], again: Callable[[str], None] | None = None
    ) -> None:
        """Run one write (in the calling worker's thread), then read the sheet again.

        Someone else's newer version is read again, with a notice; a refusal says why under `failed`,
        and `again(why)` (on the UI thread) gives the user back what they typed; success is notified
        with `done` (message, title). A wait for another change is shown beside the form.
        """
        try:
            with told_when_waiting(lambda: self.app.call_from_thread(self._show_save_status, f"Saving {code}: {WAITING}", "")):
                write()
        except ConflictError as exc:
            self.app.call_from_thread(self._conflict, code, exc)
            return
        except ProjtuiError as exc:
            self.app.call_from_thread(self._error, failed, exc)
            self.app.call_from_thread(self._show_save_status, f"{failed}: {exc}")
            if again is not None:
                self.app.call_from_thread(again, f"{failed}: {exc}")
            return
        message, title = done
        self.notify(message, title=title, markup=False)
        self.app.call_from_thread(self._after_write, code)

    # -- actuals ---------------------------------------------------------------------------------------

    def _highlighted_measure(self) -> SheetMeasure | None:
        code = self.query_one(MeasuresTable).highlighted_code()
        if self.sheet is None or code is None:
            return None
        try:
            return self.sheet.measure(code or "")
        except KeyError:
            return None

    def action_focus_measures(self) -> None:
        # Focus now, not after the queued events: the Down and Enter typed straight after m are for the measures.
        self.set_focus(self.query_one(MeasuresTable))

    @on(DataTable.RowSelected, "#rv-measures")
    def _measure_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_enter_actual()
        if self.app.screen is self:  # no dialog after all (a frozen actual): the keys held since Enter go on
            self.app.release_keys()  # type: ignore[attr-defined]

    def action_enter_actual(self) -> None:
        line = self._highlighted_measure()
        sheet = self.sheet
        if line is None or sheet is None:
            return
        if not line.editable:
            self.notify(
                f"The {sheet.quarter} review is published: its actuals are frozen (only a provisional one may change). "
                "Press o to re-open it.", title="Read-only", markup=False,
            )
            return
        code, quarter = sheet.project_code, sheet.quarter
        version = None if line.entry is None else line.entry.version
        seen = line.figures.year_end_forecast

        self._ask_actual(line, code, quarter, version, seen)

    def _ask_actual(
        self, line: SheetMeasure, code: str, quarter: Quarter, version: int | None, seen: float | None,
        typed: ActualEntered | None = None, why: str | None = None,
    ) -> None:
        """The actual dialog; after a save that failed, again with what was typed (`typed`) and why (`why`)."""

        def entered(result: ActualEntered | None) -> None:
            self._actual_in_flight = None
            if result is not None:
                self._save_if_changed()
                # Kept until saved: should the save fail, the dialog comes back with these values.
                self._actual_in_flight = lambda why: self._ask_actual(line, code, quarter, version, seen, result, why)
                self.save_actual(code, line.code, quarter, result, version, seen)

        self.app.push_screen(ActualScreen(line, typed, why), entered)

    @work(thread=True, exclusive=True, group="review-actual", exit_on_error=False)
    def save_actual(
        self, code: str, measure_code: str, quarter: Quarter, result: ActualEntered, version: int | None, seen: float | None
    ) -> None:
        fields, forecast = result.fields, result.forecast

        def write() -> None:
            reviews.set_actual(
                self._db, code, measure_code, quarter, fields.value, provisional=fields.provisional,
                note=fields.note, expected_version=version, actor=self._actor,
            )
            if forecast != seen:  # unchanged, it is not written: a published quarter's forecast is frozen
                reviews.set_forecast(self._db, code, measure_code, quarter, forecast, seen=seen, actor=self._actor)

        saved = f"{measure_code}: {format_number(fields.value)} saved for {quarter}"
        if forecast != seen:
            saved += ", year-end forecast " + ("cleared" if forecast is None else format_number(forecast))
        self._write(code, write, failed=f"{measure_code} not saved", done=(f"{saved}.", "Actual saved"), again=self._actual_again)

    def _actual_again(self, why: str) -> None:
        """The actual's save failed: open its dialog again with what was typed, saying why."""
        again, self._actual_in_flight = self._actual_in_flight, None
        if again is not None:
            again(why)

    def action_clear_actual(self) -> None:
        line = self._highlighted_measure()
        sheet = self.sheet
        if line is None or sheet is None:
            return
        if line.entry is None:
            self.notify(f"{line.code} has no actual for {sheet.quarter} to clear.", markup=False)
            return
        if sheet.state is ReviewState.PUBLISHED:
            self.notify(
                f"The {sheet.quarter} review is published: its actuals are frozen. Press o to re-open it.",
                title="Read-only", markup=False,
            )
            return
        code, quarter, measure_code, version = sheet.project_code, sheet.quarter, line.code, line.entry.version
        entered = f" (entered by {line.entry.entered_by})" if line.entry.entered_by else ""
        details = (
            f"{line.name}: {format_number(line.entry.value)}{entered}. "
            "The measure then shows as no data if it is due; the audit log keeps the old figure."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._save_if_changed()
                self.remove_actual(code, measure_code, quarter, version)

        self.app.push_screen(ConfirmScreen(f"Clear the {quarter} actual of {measure_code}?", details, yes="Clear"), answered)

    @work(thread=True, exclusive=True, group="review-actual", exit_on_error=False)
    def remove_actual(self, code: str, measure_code: str, quarter: Quarter, version: int) -> None:
        self._write(
            code, lambda: reviews.clear_actual(self._db, code, measure_code, quarter, expected_version=version, actor=self._actor),
            failed=f"{measure_code} not cleared", done=(f"{measure_code}: the {quarter} actual is cleared.", "Actual cleared"),
        )

    # -- the KPI pass ---------------------------------------------------------------------------------

    def action_kpis(self) -> None:
        """The same quarter's corporate KPIs (ui/screens/kpi_review.py); the project's changes are saved first."""
        self._save_if_changed()
        self.app.push_screen(KpiReviewScreen(self.quarter))

    # -- leaving --------------------------------------------------------------------------------------

    def action_back(self) -> None:
        form = self.query_one(ReviewForm)
        if form.armed is not None:
            form.armed = None  # Esc first stops rating the aspects
            return
        if self._dirty():
            if self._start_save(publish=False):
                self._close_after_save = True
            return
        self.dismiss(None)

    def _error(self, title: str, exc: Exception) -> None:
        self.notify(str(exc), title=title, severity="error", markup=False)
