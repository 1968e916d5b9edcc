"""The portfolio table's column layout and line-to-row paging, tested without an app."""

from __future__ import annotations

from projtui.services.portfolio import GroupCount
from projtui.services.read_models import SortKey
from projtui.ui.widgets.paging import TableView, grouped
from projtui.ui.widgets.project_columns import GAP, LEFT_PAD, WIDE, layout_columns, stage_label


def test_columns_fill_the_width_without_overlap():
    for width in (80, 120, 129, 130, WIDE, 220):
        placed = layout_columns(width)
        assert placed[0].x == LEFT_PAD
        for left, right in zip(placed, placed[1:], strict=False):
            assert right.x == left.x + left.width + GAP
        assert placed[-1].x + placed[-1].width <= width
        assert ("service" in {p.column.key for p in placed}) == (width >= 130)


def test_wide_tables_give_benefits_its_long_heading():
    benefits = next(p for p in layout_columns(WIDE) if p.column.key == "benefits")
    assert benefits.column.heading(benefits.width) == "Benefits on track"
    narrow = next(p for p in layout_columns(100) if p.column.key == "benefits")
    assert narrow.column.heading(narrow.width) == "Benefits"


def test_stage_label():
    assert stage_label("on_hold") == "on hold"


def test_grouped_view_maps_lines_to_rows_and_headers():
    view = grouped(TableView(shown=5, group_by=SortKey.STAGE), [GroupCount("a", 2), GroupCount("b", 3)])
    assert view.line_count == 7
    assert [view.line_to_row(line) for line in range(7)] == [None, 0, 1, None, 2, 3, 4]
    assert [view.line_to_group(line) for line in range(7)] == [0, None, None, 1, None, None, None]
    assert [view.row_to_line(row) for row in range(5)] == [1, 2, 4, 5, 6]


def test_ungrouped_view_is_one_line_a_row():
    view = TableView(shown=3)
    assert [view.line_to_row(line) for line in range(3)] == [0, 1, 2]
    assert view.line_to_group(0) is None
    assert view.row_to_line(2) == 2
