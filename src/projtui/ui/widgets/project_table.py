"""The portfolio table: a virtual list over the project query.

(Over 500 lines: one widget's loading, cursor, mouse and drawing, which share its state; columns and paging live apart.)

Only the lines on screen are rendered (Textual's Line API,
``ScrollView.render_line``), and only the pages of rows those lines need are
read, 200 at a time, in thread workers. The number of rows comes from
``count_projects``; filtering and sorting happen in SQL. So 100,000
projects scroll as easily as 16. A new filter or sort shows its first page
before it is counted (the page stops at its 200th match, the count reads
them all); the count follows, and with it the "shown n of m" line.

Freshness: every ``load`` gets a new generation number. The rows on screen
stay until the new query's first page has arrived, then are swapped in one
step; any result carrying an older generation is dropped. One query runs at
a time: a load asked for while one runs waits, and only the latest waiting
one is read (a superseded SQLite query cannot be stopped from Python, so
starting the next beside it would only make both slower). The benefits
column is read for the rows on screen only, and cached by project id until
the next ``reload``.

When grouped (by ambition or by stage) a header line opens each group; the
cursor moves over projects only. Columns and their layout are in
``project_columns``, the line-to-row arithmetic in ``paging``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, get_current_worker

from projtui.domain.enums import Rag
from projtui.domain.formatting import clip, plural
from projtui.domain.measures import OnTrackCount
from projtui.domain.rag import rag_caption
from projtui.services import portfolio, portfolio_benefits
from projtui.services.read_models import ProjectQuery, ProjectRow, SortKey
from projtui.ui.widgets.paging import (
    MAX_PAGES,
    PAGE_SIZE,
    LoadRequest,
    TableView,
    grouped,
)
from projtui.ui.widgets.project_columns import (
    GAP,
    LEFT_PAD,
    Column,
    code_width,
    layout_columns,
    stage_label,
)
from projtui.ui.widgets.rag import rag_styles
from projtui.ui.worker_failures import WorkerFailures

RELOAD_GROUP = "project-table-reload"
MAX_BENEFITS = 20_000  # projects whose benefits-on-track figure is kept


class ProjectTable(WorkerFailures, ScrollView, can_focus=True):
    """Every project matching a `ProjectQuery`, rendered a screenful at a time."""

    HELP_TITLE = "Project table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", tooltip="Open the project", id="table.open"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home", "first", "First project", show=False, id="table.first"),
        Binding("end", "last", "Last project", show=False, id="table.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "project-table--header",
        "project-table--sorted",
        "project-table--cursor",
        "project-table--cursor-blurred",
        "project-table--hover",
        "project-table--group",
        "project-table--group-label",
        "project-table--placeholder",
        "project-table--dim",
    }

    DEFAULT_CSS = """
    ProjectTable {
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        & > .project-table--header { background: $panel; color: $foreground; text-style: bold; }
        & > .project-table--sorted { background: $panel; color: $accent; text-style: bold; }
        & > .project-table--cursor-blurred {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .project-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .project-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .project-table--hover { background: $block-hover-background; }
        & > .project-table--group { background: $panel; color: $foreground; }
        & > .project-table--group-label { color: $text-accent; text-style: bold; }
        & > .project-table--placeholder { color: $text-muted; }
        & > .project-table--dim { color: $text-muted; }
    }
    """

    # -- messages ----------------------------------------------------------------------------------

    @dataclass
    class Loaded(Message):
        """A query's results are on screen: `shown` of `total` projects."""

        table: ProjectTable
        query: ProjectQuery
        group_by: SortKey | None
        shown: int
        total: int

        @property
        def control(self) -> ProjectTable:
            return self.table

    @dataclass
    class LoadFailed(Message):
        table: ProjectTable
        error: str

        @property
        def control(self) -> ProjectTable:
            return self.table

    @dataclass
    class Highlighted(Message):
        """The cursor is on `row` (None: no project under the cursor)."""

        table: ProjectTable
        row: ProjectRow | None

        @property
        def control(self) -> ProjectTable:
            return self.table

    @dataclass
    class Selected(Message):
        """Enter or a double click on a project."""

        table: ProjectTable
        row: ProjectRow

        @property
        def control(self) -> ProjectTable:
            return self.table

    @dataclass
    class HeaderClicked(Message):
        table: ProjectTable
        column: Column

        @property
        def control(self) -> ProjectTable:
            return self.table

    # Internal, from the workers.
    @dataclass
    class _Reloaded(Message):
        view: TableView
        page: int
        rows: list[ProjectRow]

    @dataclass
    class _Counted(Message):
        generation: int
        shown: int
        total: int

    @dataclass
    class _PageLoaded(Message):
        generation: int
        page: int
        rows: list[ProjectRow]

    @dataclass
    class _BenefitsLoaded(Message):
        epoch: int
        counts: dict[int, OnTrackCount]
        asked: frozenset[int]

    @dataclass
    class _Failed(Message):
        generation: int
        error: str
        page: int | None = None  # the page that could not be read, if it was a page
        benefits: frozenset[int] = frozenset()  # the projects whose benefits could not be read

    # -- state ---------------------------------------------------------------------------------------

    def __init__(self, db: Any, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.db = db
        self._view = TableView()
        self._requested = -1  # generation of the latest load asked for
        self._reading = False  # a load's query is running
        self._waiting: LoadRequest | None = None  # the latest load asked for while one ran
        self._pages: dict[int, list[ProjectRow]] = {}
        self._pages_pending: set[int] = set()
        self._benefits: dict[int, OnTrackCount] = {}
        self._benefits_pending: set[int] = set()
        self._epoch = 0  # bumps on reload(): cached benefits are then stale
        self._failed_pages: set[int] = set()  # not asked for again until the next load
        self._failed_benefits: set[int] = set()
        self._wanted_pages: set[int] = set()
        self._wanted_benefits: set[int] = set()
        self._fetch_scheduled = False
        self._cursor = 0
        self._hover_line: int | None = None
        self._announced: tuple[int, int | None] | None = None
        self._keep_cursor_on: str | None = None  # project code to find again after a reload
        self._rag_styles: tuple[str, dict[Rag, Style]] | None = None
        self.ambition_titles: dict[str, str] = {}  # code -> title, for the group headings
        self._code_width = 8

    # -- public API ------------------------------------------------------------------------------------

    @property
    def project_query(self) -> ProjectQuery:
        return self._view.query

    @property
    def group_by(self) -> SortKey | None:
        return self._view.group_by

    @property
    def shown(self) -> int:
        return self._view.shown

    @property
    def total(self) -> int:
        return self._view.total

    @property
    def is_loaded(self) -> bool:
        return self._view.loaded and self._requested == self._view.generation

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def current_row(self) -> ProjectRow | None:
        return self.row_at(self._cursor)

    def row_at(self, index: int) -> ProjectRow | None:
        """The project at data index `index`, if its page is in memory."""
        if not 0 <= index < self._view.shown:
            return None
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def benefits_of(self, project_id: int) -> OnTrackCount | None:
        return self._benefits.get(project_id)

    def visible_rows(self) -> list[ProjectRow | None]:
        """The projects on the lines now on screen, top to bottom (None where not read yet)."""
        body = self._body_height()
        top = round(self.scroll_y)
        rows = []
        for line in range(top, min(top + body, self._view.line_count)):
            index = self._view.line_to_row(line)
            if index is not None:
                rows.append(self.row_at(index))
        return rows

    def load(self, query: ProjectQuery, group_by: SortKey | None = None) -> None:
        """Show the projects matching `query` (from the top), grouped by `group_by` if given."""
        self._requested += 1
        self._keep_cursor_on = None
        self._read(LoadRequest(self._requested, query, group_by, 0, reset_cursor=True))

    def reload(self) -> None:
        """Read the same query again (the data changed), keeping the cursor on the same project if it is still shown."""
        self._requested += 1
        self._epoch += 1
        current = self.current_row
        self._keep_cursor_on = current.code if current else None
        anchor = self._cursor // PAGE_SIZE
        self._read(LoadRequest(self._requested, self._view.query, self._view.group_by, anchor, reset_cursor=False))

    def move_cursor(self, index: int, *, scroll: bool = True) -> None:
        """Put the cursor on data index `index` (clamped)."""
        shown = self._view.shown
        index = max(0, min(index, shown - 1)) if shown else 0
        old = self._cursor
        self._cursor = index
        if old != index:
            self._refresh_row(old)
            self._refresh_row(index)
        if scroll:
            self._scroll_to_cursor()
        self._announce()

    # -- workers ---------------------------------------------------------------------------------

    def _read(self, request: LoadRequest) -> None:
        """Read `request` now, or after the query that is running (replacing any that was waiting)."""
        if self._reading:
            self._waiting = request
            return
        self._reading = True
        self._reload(request)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != RELOAD_GROUP or not event.worker.is_finished:
            return
        self._reading = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._read(waiting)

    @work(thread=True, exclusive=True, group=RELOAD_GROUP, exit_on_error=False)
    def _reload(self, request: LoadRequest) -> None:
        worker = get_current_worker()

        def superseded() -> bool:
            # A newer load is waiting: this one's result would be dropped, so stop between queries.
            return worker.is_cancelled or request.generation != self._requested

        query, group_by = request.query, request.group_by
        view = TableView(generation=request.generation, query=query, group_by=group_by, loaded=True)
        try:
            if request.reset_cursor and not group_by:
                # The first page before the count: the page stops at its 200th match, the count
                # reads every project, so a filter's rows show a count's time sooner.
                rows = portfolio.list_projects(self.db, query, offset=0, limit=PAGE_SIZE)
                if superseded():
                    return
                first = replace(view, shown=len(rows), total=self._view.total, counted=False)
                self.post_message(self._Reloaded(first, 0, rows))
                shown = len(rows) if len(rows) < PAGE_SIZE else portfolio.count_projects(self.db, query)
                total = portfolio.total_projects(self.db)
                if not superseded():
                    self.post_message(self._Counted(request.generation, shown, total))
                return
            total = portfolio.total_projects(self.db)
            shown = portfolio.count_projects(self.db, query)
            if superseded():
                return
            groups = portfolio.group_counts(self.db, query, group_by) if group_by else ()
            page = 0 if request.reset_cursor else min(request.anchor_page, max(shown - 1, 0) // PAGE_SIZE)
            rows = portfolio.list_projects(self.db, query, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the app keeps running
            self.post_message(self._Failed(request.generation, str(exc)))
            return
        if superseded():
            return
        view = replace(view, shown=shown, total=total)
        if groups:
            view = grouped(view, groups)
        self.post_message(self._Reloaded(view, page, rows))

    def _fetch_page(self, generation: int, query: ProjectQuery, page: int) -> None:
        worker = get_current_worker()
        if worker.is_cancelled:
            return
        try:
            rows = portfolio.list_projects(self.db, query, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        except Exception as exc:  # noqa: BLE001
            self.post_message(self._Failed(generation, str(exc), page=page))
            return
        if not worker.is_cancelled:
            self.post_message(self._PageLoaded(generation, page, rows))

    def _fetch_benefits(self, generation: int, epoch: int, ids: frozenset[int]) -> None:
        try:
            counts = portfolio_benefits.benefits_on_track(self.db, ids)
        except Exception as exc:  # noqa: BLE001
            self.post_message(self._Failed(generation, str(exc), benefits=ids))
            return
        self.post_message(self._BenefitsLoaded(epoch, counts, ids))

    # -- results -------------------------------------------------------------------------------------

    def _on_project_table__reloaded(self, message: _Reloaded) -> None:
        message.stop()
        view = message.view
        if view.generation != self._requested:
            return  # a newer load is on its way
        self.workers.cancel_group(self, "project-table-pages")
        self._pages = {message.page: message.rows}
        self._pages_pending.clear()
        self._failed_pages.clear()
        self._failed_benefits.clear()
        self._view = view
        self._code_width = code_width(message.rows, self._code_width if self._keep_cursor_on is not None else 0)
        self._hover_line = None
        self._update_virtual_size()
        if self._keep_cursor_on is not None:
            found = next((i for i, row in enumerate(message.rows) if row.code == self._keep_cursor_on), None)
            index = message.page * PAGE_SIZE + found if found is not None else self._cursor
            self._keep_cursor_on = None
            self._announced = None
            self.move_cursor(index)
        else:
            self._cursor = -1
            self._announced = None
            self.scroll_to(y=0, animate=False)
            self.move_cursor(0)
        self.refresh()
        if view.counted:
            self._say_loaded()

    def _on_project_table__counted(self, message: _Counted) -> None:
        message.stop()
        if message.generation != self._view.generation or message.generation != self._requested:
            return
        self._view = replace(self._view, shown=message.shown, total=message.total, counted=True)
        self._update_virtual_size()
        self.refresh()
        self._say_loaded()

    def _say_loaded(self) -> None:
        view = self._view
        self.post_message(self.Loaded(self, view.query, view.group_by, view.shown, view.total))

    def _on_project_table__page_loaded(self, message: _PageLoaded) -> None:
        message.stop()
        self._pages_pending.discard(message.page)
        if message.generation != self._view.generation:
            return
        self._pages[message.page] = message.rows
        wider = code_width(message.rows, self._code_width)
        if wider != self._code_width:
            self._code_width = wider
        self._evict_pages()
        self.refresh()
        self._announce()

    def _on_project_table__benefits_loaded(self, message: _BenefitsLoaded) -> None:
        message.stop()
        self._benefits_pending -= message.asked
        if message.epoch != self._epoch:
            return
        if len(self._benefits) > MAX_BENEFITS:
            self._benefits.clear()  # long scrolls through a huge portfolio: start again from what is on screen
        self._benefits.update(message.counts)
        self.refresh()

    def _on_project_table__failed(self, message: _Failed) -> None:
        message.stop()
        if message.page is not None:
            self._pages_pending.discard(message.page)
        self._benefits_pending -= message.benefits
        if message.generation not in (self._requested, self._view.generation):
            return
        if message.page is not None:
            self._failed_pages.add(message.page)
        self._failed_benefits |= message.benefits
        self.refresh()
        self.post_message(self.LoadFailed(self, message.error))

    def _evict_pages(self) -> None:
        if len(self._pages) <= MAX_PAGES:
            return
        here = self._cursor // PAGE_SIZE
        for page in sorted(self._pages, key=lambda p: abs(p - here), reverse=True)[: len(self._pages) - MAX_PAGES]:
            del self._pages[page]

    def _schedule_fetch(self) -> None:
        if not self._fetch_scheduled:
            self._fetch_scheduled = True
            self.call_later(self._fetch_missing)

    def _fetch_missing(self) -> None:
        self._fetch_scheduled = False
        view = self._view
        for page in sorted(self._wanted_pages - self._pages_pending - self._failed_pages - set(self._pages)):
            self._pages_pending.add(page)
            self.run_worker(
                partial(self._fetch_page, view.generation, view.query, page),
                thread=True, group="project-table-pages", exit_on_error=False,
            )
        self._wanted_pages.clear()
        ids = frozenset(self._wanted_benefits - self._benefits_pending - self._failed_benefits - set(self._benefits))
        self._wanted_benefits.clear()
        if ids:
            self._benefits_pending |= ids
            self.run_worker(
                partial(self._fetch_benefits, view.generation, self._epoch, ids),
                thread=True, group="project-table-benefits", exit_on_error=False,
            )

    # -- cursor and scrolling -----------------------------------------------------------------------

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the column headings

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(max(1, self.scrollable_content_region.width), self._view.line_count + 1)

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if not self._view.shown:
            return
        line = self._view.row_to_line(self._cursor)
        top = line
        if self._view.groups and self._view.line_to_group(line - 1) is not None:
            top = line - 1  # show the group's heading with its first project
        body = self._body_height()
        scroll_y = round(self.scroll_y)
        if top < scroll_y:
            self.scroll_to(y=top, animate=False)
        elif line >= scroll_y + body:
            self.scroll_to(y=line - body + 1, animate=False)

    def _refresh_row(self, index: int) -> None:
        if 0 <= index < self._view.shown:
            self.refresh_line(self._view.row_to_line(index) + 1)

    def _announce(self) -> None:
        row = self.current_row
        key = (self._view.generation, row.id if row else None)
        if key != self._announced and (row is not None or not self._view.shown):
            self._announced = key
            self.post_message(self.Highlighted(self, row))

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._body_height())

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._body_height())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self._view.shown - 1)

    def action_select_cursor(self) -> None:
        row = self.current_row
        if row is not None:
            self.app.hold_keys()  # type: ignore[attr-defined]  # for the project screen Enter opens (ui/held_keys.py)
            self.post_message(self.Selected(self, row))

    # -- mouse -------------------------------------------------------------------------------------

    def _line_at(self, event: events.MouseEvent) -> int | None:
        """The content line under the mouse (-1: the headings), or None outside the rows."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        if offset.y == 0:
            return -1
        line = round(self.scroll_y) + offset.y - 1
        return line if 0 <= line < self._view.line_count else None

    def on_click(self, event: events.Click) -> None:
        line = self._line_at(event)
        if line is None:
            return
        if line == -1:
            offset = event.get_content_offset(self)
            assert offset is not None
            for placed in layout_columns(self.scrollable_content_region.width, self._code_width):
                if placed.x <= offset.x < placed.x + placed.width + GAP:
                    self.post_message(self.HeaderClicked(self, placed.column))
                    break
            return
        index = self._view.line_to_row(line)
        if index is None:
            return
        self.move_cursor(index, scroll=False)
        if event.chain >= 2:
            self.action_select_cursor()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        line = self._line_at(event)
        line = line if line is not None and line >= 0 else None
        if line != self._hover_line:
            old, self._hover_line = self._hover_line, line
            for changed in (old, line):
                if changed is not None:
                    self.refresh_line(changed + 1)

    def on_leave(self) -> None:
        if self._hover_line is not None:
            old, self._hover_line = self._hover_line, None
            self.refresh_line(old + 1)

    def on_focus(self) -> None:
        self._refresh_row(self._cursor)

    def on_blur(self) -> None:
        self._refresh_row(self._cursor)

    # -- rendering ------------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rag_styles = None

    def _current_rag_styles(self) -> dict[Rag, Style]:
        theme = self.app.theme
        if self._rag_styles is None or self._rag_styles[0] != theme:
            self._rag_styles = (theme, rag_styles(self.app.theme_variables))
        return self._rag_styles[1]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._render_headings(width)
        view = self._view
        line = round(self.scroll_y) + y - 1
        if not view.loaded:
            text = Text(" Loading…" if y == 1 else "", style=self.get_component_rich_style("project-table--placeholder", partial=True))
            return self._strip(text, width, base)
        if view.shown == 0:
            message = Text(
                "The portfolio has no projects yet: n adds one; `projtui import FILE` loads a spreadsheet or snapshot."
                if view.total == 0
                else "No projects match. Press x to clear the filters.",
                style=self.get_component_rich_style("project-table--placeholder", partial=True),
            )
            # Wrapped from the second line down, not cut at 80 columns.
            lines = message.wrap(self.app.console, max(width - 4, 1))
            if not 2 <= y < 2 + len(lines):
                return Strip.blank(width, base)
            return self._strip(Text("  ") + lines[y - 2], width, base)
        if line >= view.line_count:
            return Strip.blank(width, base)
        group = view.line_to_group(line)
        if group is not None:
            return self._render_group(view, group, width)
        index = view.line_to_row(line)
        assert index is not None
        row = self.row_at(index)
        if index == self._cursor:
            style = self.get_component_rich_style("project-table--cursor" if self.has_focus else "project-table--cursor-blurred")
        elif line == self._hover_line:
            style = self.get_component_rich_style("project-table--hover")
        else:
            style = base
        if row is None:
            page = index // PAGE_SIZE
            if page in self._failed_pages:
                note = " ⚠ could not read these projects: press f5 to try again"
            else:
                note = " …"
                self._wanted_pages.add(page)
                self._schedule_fetch()
            return self._strip(Text(note, style=self.get_component_rich_style("project-table--placeholder", partial=True)), width, style)
        if row.id not in self._benefits and row.id not in self._failed_benefits:
            self._wanted_benefits.add(row.id)
            self._schedule_fetch()
        return self._render_row(row, width, style, cursor=index == self._cursor)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, style).apply_style(style)

    def _render_headings(self, width: int) -> Strip:
        header = self.get_component_rich_style("project-table--header")
        sorted_style = self.get_component_rich_style("project-table--sorted")
        view = self._view if self._view.loaded else None
        query = view.query if view else ProjectQuery()
        segments: list[Segment] = [Segment(" " * LEFT_PAD, header)]
        for placed in layout_columns(width, self._code_width):
            column = placed.column
            title = column.heading(placed.width)
            style = header
            if column.sort is not None and column.sort == query.sort:
                title = _with_arrow(title, "▼" if query.descending else "▲", placed.width)
                style = sorted_style
            segments.append(Segment(_fit(title, placed.width), style))
            segments.append(Segment(" " * GAP, header))
        return Strip(segments).crop_extend(0, width, header)

    def _render_group(self, view: TableView, group: int, width: int) -> Strip:
        line_style = self.get_component_rich_style("project-table--group")
        label_style = self.get_component_rich_style("project-table--group-label", partial=True)
        dim = self.get_component_rich_style("project-table--dim", partial=True)
        count = view.groups[group]
        key = count.key
        if view.group_by is SortKey.AMBITION:
            label = f"{key} {self.ambition_titles.get(key, '')}".rstrip() if key else "Linked to no ambition"
        else:
            label = stage_label(key or "").capitalize()
        text = Text.assemble((" ▌", label_style), (label, label_style), (f"  {plural(count.count, 'project')}", dim))
        text.truncate(width, overflow="ellipsis")
        return self._strip(text, width, line_style)

    def _render_row(self, row: ProjectRow, width: int, style: Style, *, cursor: bool) -> Strip:
        dim = self.get_component_rich_style("project-table--dim", partial=True)
        rag_style = self._current_rag_styles()[row.latest_rag]
        grouped = self._view.group_by
        segments: list[Segment] = [Segment(" " * LEFT_PAD, style)]
        for placed in layout_columns(width, self._code_width):
            key = placed.column.key
            cell_style = style
            if key == "code":
                value = row.code
            elif key == "name":
                value = row.name
            elif key == "stage":
                value = stage_label(row.stage)
                if grouped is SortKey.STAGE:
                    cell_style = style + dim
            elif key == "ambition":
                value = row.primary_ambition or "–"
                if row.primary_ambition is None or grouped is SortKey.AMBITION:
                    cell_style = style + dim
            elif key == "rag":
                value = rag_caption(row.latest_rag)
                cell_style = style if cursor else style + Style(color=rag_style.color, bold=rag_style.bold, dim=rag_style.dim)
            elif key == "benefits":
                counts = self._benefits.get(row.id)
                value, cell_style = _benefits_cell(counts, style, cursor, self._current_rag_styles(), dim)
                if counts is None and row.id in self._failed_benefits:
                    value = "?"
            elif key == "lead":
                value = row.lead or ""
            else:
                value = row.service or ""
            segments.append(Segment(_fit(value, placed.width), cell_style))
            segments.append(Segment(" " * GAP, style))
        return Strip(segments).crop_extend(0, width, style)


def _benefits_cell(counts: OnTrackCount | None, style: Style, cursor: bool, rag: dict[Rag, Style], dim: Style) -> tuple[str, Style]:
    if counts is None:
        return "…", style + dim
    if not counts.assessed:
        return "–", style + dim
    value = f"{counts.on_track}/{counts.assessed}"
    if cursor:
        return value, style
    tone = rag[Rag.GREEN] if counts.on_track == counts.assessed else rag[Rag.RED] if counts.on_track == 0 else rag[Rag.AMBER]
    return value, style + Style(color=tone.color)


def _with_arrow(title: str, arrow: str, width: int) -> str:
    for candidate in (f"{title} {arrow}", f"{title}{arrow}"):
        if cell_len(candidate) <= width:
            return candidate
    return _fit(title, max(0, width - 1)).rstrip() + arrow


def _fit(value: str, width: int) -> str:
    """`value` on one line, cut with an ellipsis or padded to exactly `width` cells (never markup)."""
    out = clip(value, width)
    return out + " " * (width - cell_len(out))
