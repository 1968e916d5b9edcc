"""What the portfolio table is showing: pages of rows, group headers and loads; pure state, no Textual.

A ``TableView`` maps screen lines to data rows and group headers (a header
line opens each group; the cursor moves over projects only). ``LoadRequest``
is one query to read. Kept apart from the drawing (``project_table``) so the
paging arithmetic can be tested without an app.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace

from projtui.services.portfolio import GroupCount
from projtui.services.read_models import ProjectQuery, SortKey

PAGE_SIZE = 200
MAX_PAGES = 50  # pages kept in memory (10,000 rows); the furthest from the cursor go first


@dataclass(frozen=True)
class TableView:
    generation: int = -1
    query: ProjectQuery = ProjectQuery()
    group_by: SortKey | None = None
    shown: int = 0
    total: int = 0
    groups: tuple[GroupCount, ...] = ()
    header_lines: tuple[int, ...] = ()  # line of each group's header
    first_rows: tuple[int, ...] = ()  # data index of each group's first row
    loaded: bool = False
    counted: bool = True  # False while `shown` is the first page only and `total` the last query's

    @property
    def line_count(self) -> int:
        return self.shown + len(self.groups)

    def line_to_row(self, line: int) -> int | None:
        """The data index shown on `line`, or None for a group header."""
        if not self.groups:
            return line
        g = bisect.bisect_right(self.header_lines, line) - 1
        if g < 0 or self.header_lines[g] == line:
            return None
        return line - g - 1

    def line_to_group(self, line: int) -> int | None:
        if not self.groups:
            return None
        g = bisect.bisect_right(self.header_lines, line) - 1
        return g if g >= 0 and self.header_lines[g] == line else None

    def row_to_line(self, row: int) -> int:
        if not self.groups:
            return row
        g = bisect.bisect_right(self.first_rows, row) - 1
        return row + max(g, 0) + 1


def grouped(view: TableView, groups: Sequence[GroupCount]) -> TableView:
    header_lines, first_rows, line, row = [], [], 0, 0
    for group in groups:
        header_lines.append(line)
        first_rows.append(row)
        line += group.count + 1
        row += group.count
    return replace(view, groups=tuple(groups), header_lines=tuple(header_lines), first_rows=tuple(first_rows))


@dataclass(frozen=True)
class LoadRequest:
    """A query to read for the table: which generation it is, and where to put the cursor."""

    generation: int
    query: ProjectQuery
    group_by: SortKey | None
    anchor_page: int  # the page to read first (where the cursor is after a reload)
    reset_cursor: bool
