"""The portfolio table's columns and where each goes for a given width; pure layout, no Textual.

Kept apart from the drawing (``project_table``) so the layout rules can be
read and tested without an app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from projtui.domain.enums import Stage
from projtui.services.read_models import ProjectRow, SortKey


def stage_label(stage: Stage | str) -> str:
    """`on_hold` -> `on hold` (`Stage.label`); a store row's plain string too, and "" for none."""
    return Stage(stage).label if stage else ""



@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort: SortKey | None  # None: the column cannot be sorted
    width: int = 0  # fixed width; 0 = shares the room left
    weight: int = 0  # share of the room left, for flexible columns
    min_width: int = 0
    max_width: int = 10_000
    wide_only: int = 0  # shown only when the table is at least this wide
    wide_width: int = 0  # width of a fixed column on a wide table
    long_title: str = ""  # used when the column is wide enough

    def heading(self, width: int) -> str:
        return self.long_title if self.long_title and cell_len(self.long_title) <= width else self.title


COLUMNS: tuple[Column, ...] = (
    Column("code", "Code", SortKey.CODE, width=8),
    Column("name", "Name", SortKey.NAME, weight=5, min_width=14, max_width=72),
    Column("stage", "Stage", SortKey.STAGE, width=10),
    Column("ambition", "Ambition", SortKey.AMBITION, width=9),
    Column("rag", "RAG", SortKey.RAG, width=10),
    Column("benefits", "Benefits", None, width=8, wide_width=17, long_title="Benefits on track"),
    Column("lead", "Lead", SortKey.LEAD, weight=2, min_width=10, max_width=26),
    Column("service", "Service", SortKey.SERVICE, weight=2, min_width=12, max_width=40, wide_only=130),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
GAP = 1
LEFT_PAD = 1
WIDE = 150  # from this width the fixed columns use their wide widths


@dataclass(frozen=True)
class Placed:
    column: Column
    x: int
    width: int


def layout_columns(width: int, code_width: int = 8) -> list[Placed]:
    """Where each column goes for a table `width` cells wide whose longest code is `code_width` cells.

    Fixed columns take their width (a wider one on wide terminals); the
    flexible ones start at their minimum and share what is left by weight,
    up to their maximum. Room nobody can use stays blank on the right.
    """
    wide = width >= WIDE
    columns = [c for c in COLUMNS if width >= c.wide_only]

    def fixed_width(c: Column) -> int:
        if c.key == "code":
            return code_width
        return c.wide_width if wide and c.wide_width else c.width

    flexible = [c for c in columns if not c.width]
    widths = {c.key: fixed_width(c) for c in columns if c.width}
    widths.update({c.key: c.min_width for c in flexible})
    room = width - LEFT_PAD - GAP * (len(columns) - 1) - sum(widths.values())
    growing = list(flexible)
    while room > 0 and growing:
        total = sum(c.weight for c in growing)
        given = 0
        for c in growing:
            add = min(max(1, room * c.weight // total), c.max_width - widths[c.key], room - given)
            widths[c.key] += add
            given += add
        room -= given
        growing = [c for c in growing if widths[c.key] < c.max_width]
        if not given:
            break
    placed, x = [], LEFT_PAD
    for c in columns:
        placed.append(Placed(c, x, widths[c.key]))
        x += widths[c.key] + GAP
    return placed


def code_width(rows: Sequence[ProjectRow], at_least: int) -> int:
    """Room for the longest code seen (and the heading with its sort arrow), within bounds."""
    longest = max((cell_len(row.code) for row in rows), default=0)
    return max(6, at_least, min(16, longest))
