"""One project: Overview, Ambitions, Benefits Review Plan, Quarterly reviews, History and Risks.

Everything shown is read in one thread worker (`load`) and applied on the
UI thread through reactive attributes; a newer load supersedes an older one
(exclusive worker, and a cancelled worker's result is dropped). Writes run in
thread workers of the forms and the plan editor, and end with a reload.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane
from textual.worker import Worker, get_current_worker

from projtui.domain.enums import PIPELINE_MAY_WAIT, ReviewStatus, Stage
from projtui.domain.errors import ConflictError, NotFoundError, ProjtuiError
from projtui.domain.formatting import clip, format_pounds, plural
from projtui.services import plans, projects, risks
from projtui.services.audit import AuditEntry, HistoryPage, history_page
from projtui.services.read_models import PlanView, ProjectDetail
from projtui.services.reviews.history import project_reviews
from projtui.services.reviews.models import ReviewRow
from projtui.services.risks import RiskRegister
from projtui.ui.acting import Acting
from projtui.ui.screens.ambition_picker import AmbitionLinking
from projtui.ui.widgets.acting_header import ActingHeader
from projtui.ui.widgets.form import humanise
from projtui.ui.widgets.plan_editor import PlanEditor
from projtui.ui.widgets.rag import on_theme_change, rag_styles, rag_text
from projtui.ui.widgets.risk_register import RiskRegisterView
from projtui.ui.worker_failures import WorkerFailures

HISTORY_PAGE = 200  # audit entries read at a time
HISTORY_AHEAD = 20  # the next page is read when the cursor comes this close to the last entry read
TABS = ("overview", "ambitions", "plan", "reviews", "history", "risks")


@dataclass(frozen=True)
class ProjectData:
    """Everything the screen shows, read together."""

    detail: ProjectDetail
    plan: PlanView
    reviews: tuple[ReviewRow, ...]
    history: HistoryPage  # the newest entries: as many as the History tab had read, at least a page
    risks: RiskRegister


def local_time(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


class ProjectScreen(Acting, WorkerFailures, AmbitionLinking, Screen[None]):
    """One project; pushed by the portfolio (Enter on a row)."""

    CSS_PATH = "project.tcss"
    HELP_TITLE = "Project"
    HELP_NOTES = (
        "1-6 switch tabs: Overview, Ambitions, Benefits Review Plan, Quarterly reviews, History, Risks.",
        "Risks: the register, highest score (likelihood × impact) first; n adds a risk or issue, Enter or e edits, "
        "c closes or re-opens, i turns a risk that has happened into an issue (its history stays with it).",
        "Benefits Review Plan: n adds an item like the one under the cursor (on a section heading, one of that kind); "
        "m adds a measure to the outcome or benefit; Enter or e edits; d deletes (it says first what goes with it); "
        "[ and ] (or ctrl+up/down) move it; l picks what an output or outcome leads to; p edits the plan's own fields; "
        "v shows the benefits map (beside the items when the terminal is wide enough).",
        "The map marks each break in the chain with ⚠: an output leading to no outcome, an outcome leading to no "
        "benefit, a benefit with no measure, and outcomes or benefits nothing leads to.",
        "D deletes the project after saying what goes with it (its plan, measures, actuals, reviews and risks; the "
        "audit log keeps its history). A project that has finished is closed instead (e, stage closed): its benefits "
        "stay in review until they are realised.",
        "Forms check as you type; Enter or ctrl+s saves, Esc cancels (and asks first if anything changed). "
        "If someone else saved the record meanwhile you see both versions and choose.",
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="project.back"),
        Binding("e", "edit_project", "Edit project", id="project.edit"),
        Binding("l", "link_ambitions", "Link ambitions", id="project.link_ambitions"),
        Binding("D", "delete_project", "Delete project", id="project.delete", show=False),
        Binding("f5,ctrl+r", "reload", "Reload", id="project.reload", show=False),
        Binding("1", "tab('overview')", "Overview", id="project.tab_overview", show=False),
        Binding("2", "tab('ambitions')", "Ambitions", id="project.tab_ambitions", show=False),
        Binding("3", "tab('plan')", "Benefits Review Plan", id="project.tab_plan", show=False),
        Binding("4", "tab('reviews')", "Quarterly reviews", id="project.tab_reviews", show=False),
        Binding("5", "tab('history')", "History", id="project.tab_history", show=False),
        Binding("6", "tab('risks')", "Risks", id="project.tab_risks", show=False),
    ]

    data: var[ProjectData | None] = var(None)

    def __init__(self, project_code: str, *, tab: str = "overview") -> None:
        super().__init__(id="project-screen")
        self.project_code = project_code
        self.initial_tab = tab if tab in TABS else "overview"
        self.title = project_code
        self.sub_title = "Project"
        # The History tab's entries so far, newest first; more are read page by page as the cursor nears the end.
        self.history: list[AuditEntry] = []
        self.history_total = 0
        self.history_next: int | None = None  # where the next page starts; None when the oldest is read
        self._history_reading = False

    def compose(self) -> ComposeResult:
        yield ActingHeader()
        with TabbedContent(initial=self.initial_tab, id="project-tabs"):
            with TabPane("Overview", id="overview"):
                with VerticalScroll(id="overview-scroll"):
                    yield Static("", id="overview-body")
            with TabPane("Ambitions", id="ambitions"):
                yield Static("", id="ambitions-note")
                yield DataTable(id="ambitions-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Benefits Review Plan", id="plan"):
                yield PlanEditor(self.project_code, id="plan-editor")
            with TabPane("Quarterly reviews", id="reviews"):
                yield DataTable(id="reviews-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="review-detail")
            with TabPane("History", id="history"):
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="history-detail")
            with TabPane("Risks", id="risks"):
                yield RiskRegisterView(self.project_code, id="risk-register")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ambitions-table", DataTable).add_columns("", "Code", "Ambition")
        self.query_one("#reviews-table", DataTable).add_columns(
            "Quarter", "Status", "Overall", "Time", "Cost", "Scope", "Benefits", "Commentary"
        )
        self.query_one("#history-table", DataTable).add_columns("When", "Who", "Action", "Record", "Change")
        self.query_one(TabbedContent).loading = True
        on_theme_change(self, self._repaint_reviews)
        self.load()

    def _repaint_reviews(self) -> None:
        """A new theme: the reviews tab draws its RAG colours again (from the data already read)."""
        if self.data is not None:
            self._show_reviews(self.data.reviews)

    # -- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="project-load", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        code = self.project_code
        try:
            detail = projects.get_project(self._db, code)
            plan = plans.get_plan(self._db, code)
            reviews = project_reviews(self._db, code)
            history = history_page(self._db, code, limit=max(HISTORY_PAGE, len(self.history)))
            register = risks.risk_register(self._db, code)
        except NotFoundError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._vanished, str(exc))
            return
        except ProjtuiError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._load_failed, str(exc))
            return
        if worker.is_cancelled or code != self.project_code:
            return  # a newer load is on its way
        data = ProjectData(detail, plan, tuple(reviews), history, register)
        self.app.call_from_thread(self._loaded, data)

    def _loaded(self, data: ProjectData) -> None:
        self.query_one(TabbedContent).loading = False
        self.data = data

    def _vanished(self, message: str) -> None:
        self.query_one(TabbedContent).loading = False
        self.app.notify(f"{message}: someone else may have deleted it.", severity="error", markup=False)
        if self.is_current:
            self.dismiss(None)

    def worker_failed(self, worker: Worker) -> None:
        super().worker_failed(worker)
        if worker.group == "project-load":
            self.query_one(TabbedContent).loading = False

    def _load_failed(self, message: str) -> None:
        self.query_one(TabbedContent).loading = False
        self.app.notify(f"Could not read project {self.project_code}: {message}", severity="error", markup=False)

    def watch_data(self, data: ProjectData | None) -> None:
        if data is None:
            return
        detail = data.detail
        self.project_code = detail.code
        self.title = f"{detail.code} · {detail.fields.name}"
        self.sub_title = humanise(detail.fields.stage)
        self._show_overview(detail, data.plan)
        self._show_ambitions(detail)
        self.query_one(PlanEditor).plan = data.plan
        self._show_reviews(data.reviews)
        self._show_history(data.history)
        self.query_one(RiskRegisterView).register = data.risks

    # -- the tabs ----------------------------------------------------------------------------

    def _show_overview(self, detail: ProjectDetail, plan: PlanView) -> None:
        fields = detail.fields
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(ratio=1)

        def row(label: str, value: str | Text | None) -> None:
            if isinstance(value, Text):
                grid.add_row(label, value)
            else:
                grid.add_row(label, Text(value) if value else Text("—", style="dim"))

        name = Text(fields.name, style="bold")
        row("Project", Text.assemble((fields.code, "bold"), "  ", name))
        row("Stage", humanise(fields.stage))
        row("Start date", fields.start_date.isoformat() if fields.start_date else None)
        row("End date", fields.end_date.isoformat() if fields.end_date else None)
        row("Approved budget", format_pounds(fields.budget_pence) if fields.budget_pence is not None else None)
        row("Senior responsible owner", fields.senior_responsible_owner)
        row("Project lead", fields.lead)
        row("Portfolio holder", fields.portfolio_holder)
        row("Service", fields.service)
        row("Directorate", fields.directorate)
        primary = detail.primary_ambition
        if primary is not None:
            row("Primary ambition", Text.assemble((primary.code, "bold"), "  ", primary.title))
        else:
            row("Primary ambition", _unlinked(fields.stage))
        status = "✔ Approved" if plan.fields.status.value == "approved" else "✎ Draft"
        counts = (
            f"{status} · {len(plan.outputs)} outputs · {len(plan.outcomes)} outcomes · "
            f"{len(plan.benefits)} benefits · {len(plan.measures)} measures"
        )
        row("Benefits Review Plan", counts)
        row("Summary", fields.summary)
        row("Record", f"version {detail.version}")
        self.query_one("#overview-body", Static).update(grid)

    def _show_ambitions(self, detail: ProjectDetail) -> None:
        table = self.query_one("#ambitions-table", DataTable)
        table.clear()
        for link in detail.ambitions:
            table.add_row(
                Text("★ primary", style="bold") if link.is_primary else Text(""),
                Text(link.code, style="bold"),
                Text(link.title),
                key=link.code,
            )
        note = self.query_one("#ambitions-note", Static)
        if detail.ambitions:
            note.update(Text(f"Serves {plural(len(detail.ambitions), 'Council Plan ambition')}; ★ marks the primary one."))
        else:
            note.update(_unlinked(detail.fields.stage))

    def _show_reviews(self, reviews: tuple[ReviewRow, ...]) -> None:
        table = self.query_one("#reviews-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        styles = rag_styles(self.app.theme_variables)
        room = max(12, self.size.width - 74)  # what the other columns leave for the commentary (all of it shows below)
        for review in reviews:
            status = Text("✔ Published" if review.status is ReviewStatus.PUBLISHED else "✎ Draft")
            table.add_row(
                Text(str(review.quarter), style="bold"),
                status,
                rag_text(review.rag, styles=styles),
                rag_text(review.time_rag, styles=styles, word=False),
                rag_text(review.cost_rag, styles=styles, word=False),
                rag_text(review.scope_rag, styles=styles, word=False),
                rag_text(review.benefits_rag, styles=styles, word=False),
                Text(clip(review.commentary or "", room)),
                key=str(review.quarter),
            )
        if reviews:
            table.move_cursor(row=min(cursor, len(reviews) - 1))
        self._show_review_detail(reviews[table.cursor_row] if reviews else None)

    def _show_review_detail(self, review: ReviewRow | None) -> None:
        detail = self.query_one("#review-detail", Static)
        if review is None:
            detail.update(Text("No quarterly reviews yet. Reviews are entered in review mode.", style="dim"))
            return
        text = Text(str(review.quarter), style="bold")
        text.append("  ")
        text.append_text(rag_text(review.rag, styles=rag_styles(self.app.theme_variables)))
        if review.status is ReviewStatus.PUBLISHED:
            text.append(f"  published{' by ' if review.published_by else ''}", style="dim")
            if review.published_by:
                text.append(review.published_by, style="dim")
            if review.published_on:
                text.append(f" on {review.published_on.isoformat()}", style="dim")
        if review.spend_to_date_pence is not None or review.forecast_pence is not None:
            text.append("\nSpend to date: ", style="bold")
            text.append(format_pounds(review.spend_to_date_pence) or "—")
            text.append("   Forecast outturn: ", style="bold")
            text.append(format_pounds(review.forecast_pence) or "—")
        text.append("\nCommentary: ", style="bold")
        text.append(review.commentary or "—")
        if review.next_steps:
            text.append("\nNext steps: ", style="bold")
            text.append(review.next_steps)
        detail.update(text)

    @on(DataTable.RowHighlighted, "#reviews-table")
    def _review_highlighted(self, event: DataTable.RowHighlighted) -> None:
        data = self.data
        if data is not None and 0 <= event.cursor_row < len(data.reviews):
            self._show_review_detail(data.reviews[event.cursor_row])

    def _show_history(self, page: HistoryPage) -> None:
        self.history, self.history_total, self.history_next = list(page.entries), page.total, page.next_before
        table = self.query_one("#history-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._add_history_rows(page.entries)
        if page.entries:
            table.move_cursor(row=min(cursor, len(page.entries) - 1))
        self._show_history_detail()

    def _add_history_rows(self, entries: tuple[AuditEntry, ...]) -> None:
        table = self.query_one("#history-table", DataTable)
        for entry in entries:
            table.add_row(
                Text(local_time(entry.at)),
                Text(entry.actor),
                Text(entry.action),
                Text(self._record(entry)),
                change_text(entry, each=22, alone=48),
            )

    def _read_more_history(self) -> None:
        """Read the next page of the History tab if the cursor is near the last entry read."""
        near_end = self.query_one("#history-table", DataTable).cursor_row >= len(self.history) - HISTORY_AHEAD
        if near_end and self.history_next is not None and not self._history_reading:
            self._history_reading = True
            self._show_history_detail()
            self._read_history_page(self.project_code, self.history_next)

    @work(thread=True, exclusive=True, group="project-history", exit_on_error=False)
    def _read_history_page(self, code: str, before: int) -> None:
        worker = get_current_worker()
        try:
            page = history_page(self._db, code, before=before, limit=HISTORY_PAGE)
        except Exception as exc:  # noqa: BLE001 - said on screen; the entries read so far stay
            if not worker.is_cancelled:
                self.app.call_from_thread(self._history_page_failed, str(exc))
            return
        if not worker.is_cancelled:  # cancelled: the screen has closed
            self.app.call_from_thread(self._history_page_read, code, before, page)

    def _history_page_read(self, code: str, before: int, page: HistoryPage) -> None:
        self._history_reading = False
        if code == self.project_code and before == self.history_next:  # else the tab was read again meanwhile
            self.history.extend(page.entries)
            self.history_total, self.history_next = page.total, page.next_before
            self._add_history_rows(page.entries)
        self._show_history_detail()
        self._read_more_history()  # the cursor may have run on while this page was read

    def _history_page_failed(self, message: str) -> None:
        self._history_reading = False
        self._show_history_detail()
        self.app.notify(message, title="Could not read more of the history", severity="error", markup=False)

    def _record(self, entry: AuditEntry) -> str:
        """The record an entry is about, without this project's code in front."""
        key = entry.key.removeprefix(f"{self.project_code}/") if entry.key != self.project_code else ""
        if key == entry.entity:  # "SP-01/plan"
            key = ""
        return f"{entry.entity.replace('_', ' ')} {key}".strip()

    def _show_history_detail(self) -> None:
        shown, total = len(self.history), self.history_total
        cursor = self.query_one("#history-table", DataTable).cursor_row
        entry = self.history[cursor] if 0 <= cursor < shown else None
        if shown < total:
            more = "reading more…" if self._history_reading else "more as the cursor reaches the end"
            text = Text(f"Newest first · {shown:,} of {total:,} changes · {more}", style="dim")
        else:
            text = Text(f"Newest first · {plural(total, 'change', 'changes')}", style="dim")
        if entry is not None:
            text.append("\n")
            text.append(f"{local_time(entry.at)}  {entry.actor} · {entry.action} {entry.entity} {entry.key}", style="bold")
            if entry.field or entry.old is not None or entry.new is not None:
                text.append("\n")
                text.append_text(change_text(entry, each=400, alone=400))
        self.query_one("#history-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#history-table")
    def _history_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_history_detail()
        self._read_more_history()

    # -- actions -----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    def action_link_ambitions(self) -> None:
        self.start_linking(self.project_code)

    def links_changed(self, code: str) -> None:
        self.load()

    def on_resize(self, event) -> None:
        # As on the portfolio: at 80 columns the footer keeps the screen's keys, not the palette hint.
        self.query_one(Footer).show_command_palette = event.size.width >= 100
        if self.data is not None:
            self._show_reviews(self.data.reviews)  # the commentary column is cut to the width

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        # Focus now, not after the queued events (Widget.focus waits for them): a key typed straight after 1–6
        # reaches the app's bindings right behind it, and must find the tab it opened, not the one it left.
        self.set_focus(self._tab_focus(tab))

    def _tab_focus(self, tab: str) -> Widget:
        if tab == "plan":
            return self.query_one(PlanEditor).items_focus
        if tab == "risks":
            return self.query_one(RiskRegisterView).table
        return self.query_one({"ambitions": "#ambitions-table", "reviews": "#reviews-table", "history": "#history-table"}.get(tab, "#overview-scroll"))

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content.id == "project-tabs" and event.pane.id == "plan" and not self.query_one("#project-tabs Tabs").has_focus:
            self.query_one(PlanEditor).focus_items()

    def action_edit_project(self) -> None:
        from projtui.ui.screens.item_form import form_for

        data = self.data
        if data is None:
            return
        detail = data.detail
        db, actor, code = self._db, self._actor, detail.code
        title = Text("Edit project ")
        title.append(detail.code, style="bold")
        title.append("  ")
        title.append(detail.fields.name)

        def save(fields, version):
            return projects.update_project(db, code, fields, expected_version=version, actor=actor)

        def closed(result: ProjectDetail | None) -> None:
            if result is not None:
                self.project_code = result.code
                self.query_one(PlanEditor).project_code = result.code
                self.app.notify(f"Saved project {result.code}.", markup=False)
            self.load()

        record = Text("project ")
        record.append_text(title[len("Edit project ") :])
        self.app.push_screen(
            form_for("project", title=title, values=detail.fields, version=detail.version, save=save, record=record), closed
        )

    def action_delete_project(self) -> None:
        if self.data is not None:
            self._deletion_impact(self.data.detail)

    @work(thread=True, exclusive=True, group="project-delete", exit_on_error=False)
    def _deletion_impact(self, detail: ProjectDetail) -> None:
        try:
            impact = projects.deletion_impact(self._db, detail.code)
        except NotFoundError:
            self.app.call_from_thread(self._deleted_meanwhile)
            return
        self.app.call_from_thread(self._confirm_delete, detail, impact)

    def _confirm_delete(self, detail: ProjectDetail, impact: list[str]) -> None:
        from projtui.ui.screens.confirm import ConfirmScreen

        details = ("Also deleted: " + ", ".join(impact) + ". " if impact else "It holds nothing else. ")
        details += "The audit log keeps its history. A finished project is usually closed instead (e, stage closed)."

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(detail)

        self.app.push_screen(ConfirmScreen(f"Delete project {detail.code} “{detail.fields.name}”?", details, yes="Delete"), answered)

    @work(thread=True, exclusive=True, group="project-delete", exit_on_error=False)
    def _delete(self, detail: ProjectDetail) -> None:
        try:
            projects.delete_project(self._db, detail.code, expected_version=detail.version, actor=self._actor)
        except ConflictError as exc:
            if exc.current is None:
                self.app.call_from_thread(self._deleted_meanwhile)
                return
            self.app.notify(f"{detail.code} changed since you opened it; look again before deleting.", title="Not deleted", severity="warning", markup=False)
            self.app.call_from_thread(self.load)
            return
        except ProjtuiError as exc:
            self.app.notify(str(exc), title="Not deleted", severity="error", markup=False)
            return
        self.app.notify(f"Deleted project {detail.code}.", title="Deleted", markup=False)
        self.app.call_from_thread(self.dismiss, None)

    def _deleted_meanwhile(self) -> None:
        self.app.notify(f"{self.project_code} is no longer there: someone else deleted it.", severity="warning", markup=False)
        self.dismiss(None)

    @on(RiskRegisterView.Changed)
    def _risks_changed(self, event: RiskRegisterView.Changed) -> None:
        event.stop()
        self.load()

    @on(PlanEditor.Changed)
    def _plan_changed(self, event: PlanEditor.Changed) -> None:
        event.stop()
        self.query_one(PlanEditor).select_after_reload(event.select)
        self.load()


def change_text(entry: AuditEntry, *, each: int, alone: int) -> Text:
    """An audit entry's change: ``field: old → new``, a new value, or a removed one struck through.

    ``each`` cells for old and new side by side, ``alone`` for a value on its own.
    """
    text = Text()
    if entry.field:
        text.append(entry.field, style="bold")
        text.append(": ")
    if entry.action == "update" or (entry.old is not None and entry.new is not None):
        text.append(clip(entry.old, each) if entry.old is not None else "—", style="dim")
        text.append(" → ")
        text.append(clip(entry.new, each) if entry.new is not None else "—")
    elif entry.new is not None:
        text.append(clip(entry.new, alone))
    elif entry.old is not None:
        text.append(clip(entry.old, alone), style="dim strike")
    return text


def _unlinked(stage: Stage) -> Text:
    """A project linked to no ambition: a golden-thread gap past the pipeline, where it may still wait (Stage.needs_ambition)."""
    if stage.needs_ambition:
        return Text("⚠ Linked to no Council Plan ambition: a golden-thread gap (press l)", style="bold yellow")
    return Text(f"Linked to no Council Plan ambition yet: {PIPELINE_MAY_WAIT} (press l)", style="yellow")
