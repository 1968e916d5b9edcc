"""Review mode's RAG history line: a project's last twelve quarterly RAGs, oldest first, drafts starred."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from projtui.services.reviews.models import ReviewRow
from projtui.ui.widgets.rag import rag_text

SHOWN = 12  # quarters: three years fit on one line beside the sheet


class RagHistory(Static):
    """`show(history, styles)` draws the line; `repaint(styles)` draws the same history again in a new theme."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.history: tuple[ReviewRow, ...] = ()

    def show(self, history: tuple[ReviewRow, ...], styles: dict[Any, Any]) -> None:
        self.history = history
        self.repaint(styles)

    def repaint(self, styles: dict[Any, Any]) -> None:
        text = Text("RAG history ", style="bold")
        if not self.history:
            text.append("none yet", style="dim")
        for point in self.history[-SHOWN:]:
            text.append(f" {point.quarter.financial_year[2:]}Q{point.quarter.quarter}", style="dim")
            text.append_text(rag_text(point.rag, styles=styles, word=False))
            if point.status.value == "draft":
                text.append("*", style="dim")
        if any(p.status.value == "draft" for p in self.history):
            text.append("   (* draft)", style="dim")
        self.update(text)
