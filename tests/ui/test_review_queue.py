"""The review queue's columns: set from the panel's width and the longest code, so a long code
narrows the name and never pushes the RAG change out of sight."""

from __future__ import annotations

import dataclasses

from textual.app import App, ComposeResult

from projtui.domain.enums import Rag, Stage
from projtui.domain.quarter import Quarter
from projtui.services.reviews.models import QueueEntry, ReviewState
from projtui.ui.widgets.review_queue import WIDTH, ReviewQueue

ENTRY = QueueEntry(
    project_id=1, code="SP-01", name="Waste collection route optimisation and recycling bin trials",
    stage=Stage.DELIVERY, lead=None, service=None, primary_ambition=None, quarter=Quarter(2026, 2),
    state=ReviewState.DRAFT, review_version=1, rag=Rag.GREEN, previous_rag=Rag.AMBER, previous_quarter=Quarter(2026, 1),
    measures_due=4, measures_entered=4,
)


class QueueApp(App):
    def compose(self) -> ComposeResult:
        yield ReviewQueue(id="q")


def _widths(table: ReviewQueue) -> dict[str, int]:
    return {column.label.plain: column.get_render_width(table) for column in table.columns.values()}


async def test_the_columns_fill_the_panel_and_a_long_code_takes_from_the_name():
    async with QueueApp().run_test(size=(80, 10)) as pilot:
        table = pilot.app.query_one(ReviewQueue)
        table.show((ENTRY,), {})
        short = _widths(table)
        assert sum(short.values()) == WIDTH - 1  # all but the border
        assert str(table.get_row_at(0)[1]) == "SP-01"

        table.show((ENTRY, dataclasses.replace(ENTRY, project_id=2, code="SP-100000")), {})
        await pilot.pause()
        long = _widths(table)
        assert sum(long.values()) == WIDTH - 1
        assert long["Code"] - short["Code"] == len("SP-100000") - len("SP-01")
        assert long["Project"] == short["Project"] - (long["Code"] - short["Code"])
        assert [str(table.get_row_at(row)[1]) for row in range(table.row_count)] == ["SP-01", "SP-100000"]
        assert len(str(table.get_row_at(1)[2])) == long["Project"] - 2  # the name clipped to its column
