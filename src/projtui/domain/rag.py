"""RAG ratings in words and in order: labels, the order they are listed in, and how a rating changed.

One home for these so review mode, the portfolio, the report and every
export say the same thing: green → complete is an improvement everywhere,
and "not reviewed" (no review for the quarter) is worded the same way.
"""

from __future__ import annotations

from enum import StrEnum

from projtui.domain.enums import Rag

__all__ = ["RAG_ORDER", "RagChange", "commentary_missing", "rag_caption", "rag_change", "rag_or_not_set", "rag_symbol", "rag_word"]

RAG_ORDER: tuple[Rag, ...] = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE, Rag.NOT_SET)
"""Worst first, so lists and sorts put the projects needing attention on top; "not set" last."""

_WORDS = {
    Rag.RED: "Red",
    Rag.AMBER: "Amber",
    Rag.GREEN: "Green",
    Rag.COMPLETE: "Complete",
    Rag.NOT_SET: "Not set",
    None: "Not reviewed",
}

# Worse to better. "Not set" is not a point on the scale, so a change to or
# from it is a change without a direction.
_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.COMPLETE: 3}


def rag_or_not_set(value: str | None) -> Rag:
    """A stored rating; anything that is not one (None, a value from a newer version) reads as not set."""
    try:
        return Rag(value)
    except ValueError:
        return Rag.NOT_SET


def rag_word(rag: Rag | None) -> str:
    """``Red``, ``Amber`` ...; None (no review this quarter) is ``Not reviewed``."""
    return _WORDS[rag]


def rag_symbol(rag: Rag | None) -> str:
    """The rating's shape; "not reviewed" shares the empty circle of "not set"."""
    return (rag or Rag.NOT_SET).symbol


def rag_caption(rag: Rag | None) -> str:
    """Shape and word, so it reads in monochrome: ``▲ Red``, ``○ Not reviewed``."""
    return f"{rag_symbol(rag)} {rag_word(rag)}"


def commentary_missing(rag: Rag | None, commentary: str | None) -> bool:
    """An amber or red rating (of a project or a measure) with nothing said about why."""
    return rag is not None and rag.needs_commentary and not (commentary or "").strip()


class RagChange(StrEnum):
    """How a rating compares with the previous published one."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    SAME = "same"
    CHANGED = "changed"  # to or from "not set": different, but neither better nor worse
    NO_COMPARISON = "no_comparison"  # no rating now, or none published before

    @property
    def symbol(self) -> str:
        """An arrow only when the rating changed."""
        return _CHANGE_SYMBOLS[self]

    @property
    def label(self) -> str:
        return _CHANGE_LABELS[self]

    @property
    def moved(self) -> bool:
        """Better or worse: the rating moved along red → amber → green → complete."""
        return self in (RagChange.IMPROVED, RagChange.WORSENED)


_CHANGE_SYMBOLS = {
    RagChange.IMPROVED: "↑",
    RagChange.WORSENED: "↓",
    RagChange.SAME: "",
    RagChange.CHANGED: "↕",
    RagChange.NO_COMPARISON: "",
}
_CHANGE_LABELS = {
    RagChange.IMPROVED: "Improved",
    RagChange.WORSENED: "Worsened",
    RagChange.SAME: "No change",
    RagChange.CHANGED: "Changed (to or from not set)",
    RagChange.NO_COMPARISON: "No comparison (not reviewed, or no earlier published rating)",
}


def rag_change(current: Rag | None, previous: Rag | None) -> RagChange:
    """``current`` against ``previous``; None for either (not reviewed, nothing published before) is no comparison."""
    if current is None or previous is None:
        return RagChange.NO_COMPARISON
    if current == previous:
        return RagChange.SAME
    now, before = _RANK.get(current), _RANK.get(previous)
    if now is None or before is None:
        return RagChange.CHANGED
    return RagChange.IMPROVED if now > before else RagChange.WORSENED
