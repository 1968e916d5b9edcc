"""Telling the person whose change waits for another one to finish, without knowing who is watching.

SQLite lets one writer at a time hold its write lock, and an import holds it
for the whole of its all-or-nothing write. Another writer then waits for it
(`store.database`) rather than failing; a front end says so while it waits:
the CLI on stderr, the TUI beside what the user was doing. It listens for
the duration of a save with `told_when_waiting`, in the thread that saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

WAITING = "waiting for another change to finish…"
NOTICE_AFTER_S = 0.3  # shorter waits (two ordinary saves meeting) pass unremarked

_listener: ContextVar[Callable[[], None] | None] = ContextVar("projtui_waiting_listener", default=None)


@contextmanager
def told_when_waiting(tell: Callable[[], None]) -> Iterator[None]:
    """Within this block, in this thread, `tell()` is called once each time a write starts waiting for the lock."""
    token = _listener.set(tell)
    try:
        yield
    finally:
        _listener.reset(token)


def listener() -> Callable[[], None] | None:
    """Who to tell in this thread, if anyone (`store.database` calls it from a timer thread, so it asks first)."""
    return _listener.get()
