"""The portfolio: every project in one virtual table, filtered, sorted and grouped in SQL.

State the screen shows lives in reactive attributes (filter text, stage,
ambition, sort, grouping); any change becomes one `ProjectQuery` handed to
the table, which reads it in a thread worker and drops stale results.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import replace
from types import ModuleType
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from projtui.domain.enums import Stage
from projtui.domain.formatting import plural
from projtui.services.portfolio import (
    ambition_counts,
    group_counts,
    list_ambitions,
    suggested_project_code,
)
from projtui.services.read_models import (
    NO_AMBITION,
    AmbitionSummary,
    ProjectDetail,
    ProjectQuery,
    SortKey,
)
from projtui.ui.screens.ambition_picker import AmbitionLinking
from projtui.ui.screens.confirm import ChoiceScreen
from projtui.ui.widgets.acting_header import ActingHeader
from projtui.ui.widgets.project_columns import COLUMNS, stage_label
from projtui.ui.widgets.project_table import ProjectTable
from projtui.ui.worker_failures import WorkerFailures

FILTER_DELAY = 0.15  # seconds: a keystroke this soon after another waits until typing pauses this long

SORT_TITLES = {column.sort: column.title for column in COLUMNS if column.sort is not None}
GROUP_CYCLE: tuple[SortKey | None, ...] = (None, SortKey.AMBITION, SortKey.STAGE)


class PortfolioScreen(WorkerFailures, AmbitionLinking, Screen[None]):
    """Every project in the portfolio."""

    CSS_PATH = "portfolio.tcss"
    HELP_TITLE = "Portfolio"
    HELP_NOTES = (
        "Type after / to filter by code, name, lead or service; Esc or Enter returns to the table.",
        "Sort by a column with o, the number keys 1-7 or a click on its heading; r reverses.",
        "The Benefits column (benefits on track of those assessed) is worked out for the rows on screen, so it is not sortable.",
        "Grouping (g) orders the projects by primary ambition or by stage, with a heading per group.",
        "Stages sort and group in lifecycle order: pipeline, initiation, delivery, closing, closed, then on hold and cancelled.",
        "The stage (s) and ambition (f) pickers count the projects each choice would show with the other filters kept.",
    )

    BINDINGS: ClassVar = [
        # A priority binding, run as the app takes the key from its queue. An ordinary one runs only once
        # the key has bubbled up from the table, by which time the app has already handed the table the
        # rest of the same terminal read ("/waste" pasted or typed fast), and those letters are lost.
        # In the filter, / is text: check_action turns the binding off there.
        Binding("slash", "focus_filter", "Filter", tooltip="Filter by code, name, lead or service", id="portfolio.filter", priority=True),
        Binding("s", "pick_stage", "Stage", tooltip="Show one stage", id="portfolio.stage"),
        Binding("f", "pick_ambition", "Ambition", tooltip="Show one ambition, or the projects linked to none", id="portfolio.ambition"),
        Binding("g", "cycle_group", "Group", tooltip="Group by ambition, by stage, or not at all", id="portfolio.group", show=False),
        Binding("o", "pick_sort", "Sort", tooltip="Sort by a column", id="portfolio.sort"),
        Binding("r", "reverse_sort", "Reverse", tooltip="Reverse the order", id="portfolio.reverse", show=False),
        Binding("x", "clear_filters", "Clear filters", tooltip="Clear the filter, stage and ambition", id="portfolio.clear", show=False),
        Binding("n", "new_project", "New", tooltip="Add a project", id="portfolio.new"),
        Binding("a", "golden_thread", "Golden thread", tooltip="Golden thread: each ambition and its projects", id="portfolio.golden_thread"),
        Binding("l", "link_ambitions", "Link", tooltip="Link the project to ambitions", id="portfolio.link", show=False),
        Binding("v", "review", "Review", tooltip="Quarterly review: actuals, RAG and commentary, project by project", id="portfolio.review"),
        # Priority, so it wins over the table's vi-style k (up); the arrow keys still move up. Listed in help (?), not the
        # footer, which is full at 80 columns.
        Binding("k", "kpis", "KPIs", tooltip="Corporate KPIs: the register of service measures", id="portfolio.kpis", priority=True, show=False),
        Binding("f5,ctrl+r", "reload", "Reload", tooltip="Read the portfolio again", id="portfolio.reload", show=False),
        Binding("down", "focus_table", "To the table", id="portfolio.to_table", show=False),
        # A priority binding, so the focus is on the table before the next key is read: a key typed
        # straight after Enter (3 to sort by stage, say) reaches the table, not the filter.
        Binding("enter,escape", "focus_table", "To the table", id="portfolio.leave_filter", show=False, priority=True),
        *(
            Binding(str(n), f"sort_column({n})", f"Sort by {column.title}", id=f"portfolio.sort_{column.key}", show=False)
            for n, column in enumerate((c for c in COLUMNS if c.sort is not None), start=1)
        ),
    ]

    # init=False: on_mount reads the first query itself; watchers firing as each value is first
    # read would each have queued another read of the same query.
    filter_text: var[str] = var("", init=False)
    stage: var[Stage | None] = var(None, init=False)
    ambition: var[str | None] = var(None, init=False)  # an ambition code, NO_AMBITION, or None for all
    sort: var[SortKey] = var(SortKey.CODE, init=False)
    descending: var[bool] = var(False, init=False)
    group_by: var[SortKey | None] = var(None, init=False)

    def __init__(self) -> None:
        super().__init__(id="portfolio")
        self.ambitions: list[AmbitionSummary] = []
        self._filter_timer: Timer | None = None
        self._apply_pending = False
        self._ready = False
        self._reload_on_resume = False

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ActingHeader()
        with Horizontal(id="filter-bar"):
            yield Static("/ Filter", id="filter-label")
            yield Input(placeholder="code, name, lead or service", id="filter", compact=True)
            yield Static("", id="count")
        yield Static("", id="query-state")
        yield ProjectTable(self.app.db, id="projects")  # type: ignore[attr-defined]
        yield Static("", id="row-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._ready = True
        self.table.focus()
        self._show_state()
        self._apply_query()
        self._load_ambitions()

    @property
    def table(self) -> ProjectTable:
        return self.query_one("#projects", ProjectTable)

    @property
    def db(self) -> Any:
        return self.app.db  # type: ignore[attr-defined]

    # -- the query -----------------------------------------------------------------------------------

    def current_query(self) -> ProjectQuery:
        group = self.group_by
        return ProjectQuery(
            text=self.filter_text,
            ambition=self.ambition,
            stage=self.stage,
            sort=group if group is not None else self.sort,
            descending=self.descending,
        )

    def _query_changed(self) -> None:
        """Coalesce changes made together (e.g. clearing every filter) into one load."""
        if not self._ready:
            return
        self._show_state()
        if not self._apply_pending:
            self._apply_pending = True
            self.call_later(self._apply_query)

    def _apply_query(self) -> None:
        self._apply_pending = False
        self.table.load(self.current_query(), self.group_by)

    def watch_filter_text(self) -> None:
        self._query_changed()

    def watch_stage(self) -> None:
        self._query_changed()

    def watch_ambition(self) -> None:
        self._query_changed()

    def watch_sort(self) -> None:
        self._query_changed()

    def watch_descending(self) -> None:
        self._query_changed()

    def watch_group_by(self) -> None:
        self._query_changed()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        # The first keystroke after a pause filters at once; the ones typed hard on its heels
        # wait until the typing pauses, then the latest text is read once.
        value = event.value
        if self._filter_timer is None:
            self.filter_text = value
        else:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, lambda: self._typing_paused(value))

    def _typing_paused(self, value: str) -> None:
        self._filter_timer = None
        self.filter_text = value  # unchanged since the first keystroke: no new query

    def _stop_filter_timer(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_table":
            return self.focused is not self.table  # on the table, Enter opens and Esc does its usual work
        if action in ("focus_filter", "kpis"):
            # Textual does not see "slash" as a key the Input types, so it would not pass it through by itself;
            # k, a priority binding, would otherwise never reach the filter either.
            return self.focused is None or self.focused.id != "filter"
        return True

    # -- what the screen says ---------------------------------------------------------------------------

    def _show_state(self) -> None:
        parts: list[tuple[str, str]] = []
        stage = stage_label(self.stage) if self.stage else "all"
        ambition = self.ambition or "all"
        if self.ambition == NO_AMBITION:
            ambition = "linked to no ambition"
        sort = self.group_by if self.group_by is not None else self.sort
        arrow = "▼" if self.descending else "▲"
        parts.append(("Stage ", stage))
        parts.append(("Ambition ", ambition))
        parts.append(("Sort ", f"{SORT_TITLES[sort]} {arrow}"))
        parts.append(("Group ", {None: "none", SortKey.AMBITION: "by ambition", SortKey.STAGE: "by stage"}[self.group_by]))
        text = Text(" ")
        for i, (label, value) in enumerate(parts):
            if i:
                text.append("  ·  ", style="dim")
            text.append(label, style="dim")
            active = value not in ("all", "none")
            text.append(value, style="bold" if active else "")
        self.query_one("#query-state", Static).update(text)

    @on(ProjectTable.Loaded)
    def _loaded(self, event: ProjectTable.Loaded) -> None:
        label = f"shown {event.shown:,} of {plural(event.total, 'project', 'projects')}"
        self.query_one("#count", Static).update(Text(label))

    @on(ProjectTable.LoadFailed)
    def _failed(self, event: ProjectTable.LoadFailed) -> None:
        self.notify(event.error, title="Could not read the portfolio", severity="error", markup=False)

    @on(ProjectTable.Highlighted)
    def _highlighted(self, event: ProjectTable.Highlighted) -> None:
        row = event.row
        detail = self.query_one("#row-detail", Static)
        if row is None:
            detail.update("")
            return
        text = Text(" ")
        text.append(row.code, style="bold")
        text.append("  ")
        text.append(row.name)
        for label, value in (("lead", row.lead), ("service", row.service), ("latest review", row.latest_quarter and str(row.latest_quarter))):
            if value:
                text.append(f"  ·  {label} ", style="dim")
                text.append(value)
        text.truncate(max(1, self.size.width - 1), overflow="ellipsis")
        detail.update(text)

    @on(ProjectTable.Selected)
    def _selected(self, event: ProjectTable.Selected) -> None:
        self.open_project(event.row.code)

    @on(ProjectTable.HeaderClicked)
    def _header_clicked(self, event: ProjectTable.HeaderClicked) -> None:
        key = event.column.sort
        if key is None:
            self.notify(
                "Benefits on track is worked out for the rows on screen, so the table cannot be sorted by it.",
                title="Not sortable", markup=False,
            )
            return
        self.sort_by(key)

    # -- ambitions (for the picker and the group headings) ----------------------------------------

    @work(thread=True, exclusive=True, group="portfolio-ambitions", exit_on_error=False)
    def _load_ambitions(self) -> None:
        worker = get_current_worker()
        try:
            ambitions = list_ambitions(self.db)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, str(exc), title="Could not read the ambitions", severity="error", markup=False)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._set_ambitions, ambitions)

    def _set_ambitions(self, ambitions: list[AmbitionSummary]) -> None:
        self.ambitions = ambitions
        self.table.ambition_titles = {a.code: a.title for a in ambitions}
        self.table.refresh()

    # -- actions ------------------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        # Focus now, not after the queued events: the keys typed straight after / belong to the filter.
        self.set_focus(self.query_one("#filter", Input))

    def action_focus_table(self) -> None:
        # Leaving the filter reads what it holds now, without waiting for the typing to pause.
        self._stop_filter_timer()
        self.filter_text = self.query_one("#filter", Input).value
        self.set_focus(self.table)

    def action_pick_stage(self) -> None:
        choices = [("", "All stages")] + [(stage.value, stage_label(stage).capitalize()) for stage in Stage]
        db, query = self.db, replace(self.current_query(), stage=None)

        def counts() -> dict[str, int]:  # in the dialog's thread worker
            groups = {group.key: group.count for group in group_counts(db, query, SortKey.STAGE)}
            return {"": sum(groups.values()), **groups}

        def chosen(value: str | None) -> None:
            if value is not None:
                self.stage = Stage(value) if value else None

        note = "Counts are of the projects the filter and ambition show."
        current = self.stage.value if self.stage else ""
        self.app.push_screen(ChoiceScreen("Show projects at stage", choices, current, note=note, counts=counts), chosen)

    def action_pick_ambition(self) -> None:
        choices: list[tuple[str, str | Text]] = [("", "All ambitions")]
        for ambition in self.ambitions:
            # A retired ambition stays a filter (its links are history to read), marked so; it is offered for no new link.
            retired = ("  retired", "dim italic") if ambition.retired else ""
            choices.append((ambition.code, Text.assemble((ambition.code, "bold"), " ", ambition.title, retired)))
        choices.append((NO_AMBITION, Text("Linked to no ambition")))
        db, query = self.db, self.current_query()

        def chosen(value: str | None) -> None:
            if value is not None:
                self.ambition = value or None

        note = "Filters on any linked ambition, primary or not. Counts are of the projects the filter and stage show."
        screen = ChoiceScreen("Show projects serving", choices, self.ambition or "", note=note, counts=lambda: ambition_counts(db, query))
        self.app.push_screen(screen, chosen)

    def action_pick_sort(self) -> None:
        current = self.group_by if self.group_by is not None else self.sort
        choices = [(key.value, title) for key, title in SORT_TITLES.items()]

        def chosen(value: str | None) -> None:
            if value is not None:
                self.sort_by(SortKey(value))

        note = "Choosing the current column again reverses the order. Benefits on track is not sortable."
        self.app.push_screen(ChoiceScreen("Sort projects by", choices, current.value, note=note), chosen)

    def sort_by(self, key: SortKey) -> None:
        """Sort by `key`; asking for the current sort again reverses it. Sorting ends any grouping."""
        current = self.group_by if self.group_by is not None else self.sort
        if key == current:
            self.descending = not self.descending
        else:
            self.descending = False
        self.group_by = None
        self.sort = key

    def action_sort_column(self, number: int) -> None:
        keys = [c.sort for c in COLUMNS if c.sort is not None]
        if 1 <= number <= len(keys):
            self.sort_by(keys[number - 1])

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending

    def action_cycle_group(self) -> None:
        index = GROUP_CYCLE.index(self.group_by)
        self.descending = False
        self.group_by = GROUP_CYCLE[(index + 1) % len(GROUP_CYCLE)]

    def action_clear_filters(self) -> None:
        self._stop_filter_timer()
        self.query_one("#filter", Input).value = ""
        self.filter_text = ""
        self.stage = None
        self.ambition = None

    def action_reload(self) -> None:
        self.table.reload()
        self._load_ambitions()

    def action_golden_thread(self) -> None:
        self.open_golden_thread()

    def open_golden_thread(self, *, add_ambition: bool = False) -> None:
        """The golden thread; `add_ambition` opens its new-ambition form at once (the welcome's "add your ambitions")."""
        self._push_from(
            "projtui.ui.screens.ambitions", lambda module: module.GoldenThreadScreen(add_ambition=add_ambition), reload_on_resume=True
        )

    def action_review(self) -> None:
        self._push_from("projtui.ui.screens.review", lambda module: module.ReviewScreen())

    def action_kpis(self) -> None:
        self._push_from("projtui.ui.screens.kpis", lambda module: module.KpiRegisterScreen())

    def action_link_ambitions(self) -> None:
        row = self.table.current_row
        if row is None:
            self.notify("No project is selected.", markup=False)
            return
        self.start_linking(row.code)

    def links_changed(self, code: str) -> None:
        self.table.reload()

    def action_new_project(self) -> None:
        self.app.hold_keys()  # type: ignore[attr-defined]  # what is typed next is for the form the worker opens
        self._new_project()

    @work(thread=True, exclusive=True, group="portfolio-new", exit_on_error=False)
    def _new_project(self) -> None:
        """Read the code to offer, and import the form (and with it SQLAlchemy, see `_push_from`), off the event loop."""
        importlib.import_module("projtui.ui.screens.item_form")
        code = suggested_project_code(self.db)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._open_new_project_form, code)

    def _open_new_project_form(self, code: str) -> None:
        from projtui.services import projects
        from projtui.ui.screens.item_form import form_for

        db, actor = self.db, self.app.login  # type: ignore[attr-defined]

        def save(fields, _version):
            return projects.create_project(db, fields, actor=actor)

        def saved(result: ProjectDetail | None) -> None:
            if result is not None:
                self.notify(f"Added project {result.code}.", markup=False)
                self.open_project(result.code)  # and the table reloads when the user comes back to it

        note = "It starts in the pipeline; link it to Council Plan ambitions (l) before it moves on."
        form = form_for(
            "new-project", title="New project", values={"code": code}, version=None, save=save,
            checks=projects.new_project_problems, note=note,
        )
        self.app.push_screen(form, saved)

    def open_project(self, code: str) -> None:
        self._push_from("projtui.ui.screens.project", lambda module: module.ProjectScreen(code), reload_on_resume=True)

    # -- the other screens ------------------------------------------------------------------------------

    def _push_from(self, module: str, make: Callable[[ModuleType], Screen], *, reload_on_resume: bool = False) -> None:
        """Push the screen `make` builds from `module`, first importing the module in a worker if it is new.

        The portfolio starts without SQLAlchemy (see `store.database`); the
        other screens bring it, and the first to be opened would otherwise
        stop the app for a third of a second while it imports.
        """
        if module in sys.modules:
            self._push(make(sys.modules[module]), reload_on_resume)
        else:
            self.table.loading = True
            self.app.hold_keys()  # type: ignore[attr-defined]  # for the screen the worker pushes
            self._import_then_push(module, make, reload_on_resume)

    @work(thread=True, exclusive=True, group="portfolio-import", exit_on_error=False)
    def _import_then_push(self, module: str, make: Callable[[ModuleType], Screen], reload_on_resume: bool) -> None:
        try:
            imported = importlib.import_module(module)
        finally:
            self.app.call_from_thread(setattr, self.table, "loading", False)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(lambda: self._push(make(imported), reload_on_resume))

    def _push(self, screen: Screen, reload_on_resume: bool) -> None:
        self._reload_on_resume = self._reload_on_resume or reload_on_resume
        self.app.push_screen(screen)

    def show_ambition(self, code: str | None) -> None:
        """Filter to one ambition's projects (NO_AMBITION: those linked to none), clearing other filters."""
        self._stop_filter_timer()
        self.query_one("#filter", Input).value = ""
        self.filter_text = ""
        self.stage = None
        self.ambition = code
        self.table.focus()

    def on_resize(self, event) -> None:
        # At 80 columns the footer has room for the screen's keys or the palette hint, not both.
        self.query_one(Footer).show_command_palette = event.size.width >= 100

    def on_screen_resume(self) -> None:
        # Back from the project screen or the golden thread: what they changed shows here.
        if self._reload_on_resume:
            self._reload_on_resume = False
            self.table.reload()
