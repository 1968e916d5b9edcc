"""Review mode's queue: the projects to review this quarter, where each review stands and its RAG change.

Moving the cursor reaches the screen as DataTable's own RowHighlighted message; the screen reads the sheet.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from projtui.domain.formatting import clip
from projtui.services.reviews.models import QueueEntry, ReviewState
from projtui.ui.widgets.rag import rag_text

STATE_SYMBOLS = {ReviewState.NONE: "·", ReviewState.DRAFT: "✎", ReviewState.PUBLISHED: "■"}


class ReviewQueue(DataTable):
    """One row a project: state symbol, code, name, previous published RAG → this quarter's."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.add_columns("St", "Code", "Project", "RAG")

    def highlighted_code(self) -> str | None:
        """The code of the project under the cursor, or None when the queue is empty."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value

    def show(self, entries: tuple[QueueEntry, ...], styles: dict[Any, Any]) -> None:
        self.clear()
        for entry in entries:
            rag = Text()
            if entry.previous_rag is not None:
                rag.append_text(rag_text(entry.previous_rag, styles=styles, word=False))
                rag.append("→", style="dim")
            rag.append_text(rag_text(entry.rag, styles=styles, word=False))
            self.add_row(Text(STATE_SYMBOLS[entry.state]), Text(entry.code), Text(clip(entry.name, 20)), rag, key=entry.code)
