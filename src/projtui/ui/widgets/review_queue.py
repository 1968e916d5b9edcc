"""Review mode's queue: the projects to review this quarter, where each review stands and its RAG change.

Moving the cursor reaches the screen as DataTable's own RowHighlighted message; the screen reads the sheet.

The columns have set widths, worked out from the panel's width and the longest code, rather than
DataTable's auto widths: those are measured when the table next goes idle, and a picture drawn
before then (a loaded machine, a cold start) showed every column as narrow as its heading.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from projtui.domain.formatting import clip
from projtui.services.reviews.models import QueueEntry, ReviewState
from projtui.ui.widgets.rag import rag_text

STATE_SYMBOLS = {ReviewState.NONE: "·", ReviewState.DRAFT: "✎", ReviewState.PUBLISHED: "■"}


WIDTH = 38  # the panel, its right border included
NARROW_WIDTH = 28  # below the screen's breakpoint: the sheet needs the room for its measures' figures
STATE_WIDTH = 2
RAG_WIDTH = 3  # "◆→●"
MIN_NAME_WIDTH = 8


class ReviewQueue(DataTable):
    """One row a project: state symbol, code, name, previous published RAG → this quarter's."""

    DEFAULT_CSS = f"""
    ReviewQueue {{
        width: {WIDTH};
        height: 1fr;
        border-right: solid $primary 40%;
    }}
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._code_width = 0
        self._name_width = 0
        self._width = WIDTH
        self._shown: tuple[tuple[QueueEntry, ...], dict[Any, Any]] | None = None

    def fit(self, narrow: bool) -> None:
        """Take less of a narrow screen; the names are clipped shorter and the rows drawn again."""
        width = NARROW_WIDTH if narrow else WIDTH
        if width == self._width:
            return
        self._width = width
        self.styles.width = width
        self._code_width = 0  # the next show sets the columns for the new width
        if self._shown is not None:
            self.show(*self._shown)

    def on_mount(self) -> None:
        self._set_columns(len("Code"))

    def _set_columns(self, code_width: int) -> None:
        """State, code and RAG as wide as they need; the name gets what is left of the panel."""
        padding = 2 * self.cell_padding * 4
        name_width = max(MIN_NAME_WIDTH, self._width - 1 - padding - STATE_WIDTH - code_width - RAG_WIDTH)
        self.clear(columns=True)
        self.add_column("St", width=STATE_WIDTH)
        self.add_column("Code", width=code_width)
        self.add_column("Project", width=name_width)
        self.add_column("RAG", width=RAG_WIDTH)
        self._code_width = code_width
        self._name_width = name_width

    def highlighted_code(self) -> str | None:
        """The code of the project under the cursor, or None when the queue is empty."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value

    def show(self, entries: tuple[QueueEntry, ...], styles: dict[Any, Any]) -> None:
        self._shown = (entries, styles)
        code_width = max([len("Code"), *(cell_len(entry.code) for entry in entries)])
        if code_width != self._code_width:
            self._set_columns(code_width)
        else:
            self.clear()
        for entry in entries:
            rag = Text()
            if entry.previous_rag is not None:
                rag.append_text(rag_text(entry.previous_rag, styles=styles, word=False))
                rag.append("→", style="dim")
            rag.append_text(rag_text(entry.rag, styles=styles, word=False))
            name = Text(clip(entry.name, self._name_width), style="italic" if entry.post_project else "")  # its benefits review
            self.add_row(Text(STATE_SYMBOLS[entry.state]), Text(entry.code), name, rag, key=entry.code)
