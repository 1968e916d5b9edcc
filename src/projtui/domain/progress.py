"""How a long job tells whoever is watching how far it has got, without knowing who that is.

A front end passes a `Progress` (the command line draws a Rich bar with it
on a terminal); services and the report call it as they go and never import
a toolkit to draw it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    def __call__(self, phase: str, done: int, total: int) -> None:
        """``done`` of ``total`` steps of ``phase`` ("Reading projects", "Checking") are finished."""


def no_progress(phase: str, done: int, total: int) -> None:
    """The default: nobody is watching."""


def counted(items: Iterable[T], total: int, phase: str, progress: Progress) -> Iterator[T]:
    """``items``, telling ``progress`` as each one is finished with (0 of ``total`` first, so the phase shows at once)."""
    progress(phase, 0, total)
    for done, item in enumerate(items, 1):
        yield item
        progress(phase, done, total)
