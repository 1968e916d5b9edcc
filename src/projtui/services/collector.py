"""Python's cycle collector, held off while a whole portfolio is in memory."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while a whole document is built, read or written.

    An import or a report builds millions of objects that stay alive until
    it ends, and each full collection walks all of them again: a quarter of
    the CPU time of a 10,000-project import, and a growing share as the
    portfolio grows, which makes the work grow faster than its size.
    Reference counting still frees everything that is not in a cycle.

    Turned back on plainly, the collector would find every object made
    meanwhile in its youngest generation and walk them all at the next
    allocation: a tenth of a 10,000-project spreadsheet import, spent on
    objects about to be freed by reference counting anyway. So they are
    frozen (set aside, untouched) and put straight back as the oldest
    generation, where the next full collection looks at whatever of them
    is still alive, as it would at any old object. The few cycles made
    meanwhile are collected then. (If another thread paused it too,
    whichever finishes first turns it back on: it is never left off.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
            gc.unfreeze()
