"""Waiting for the app to go quiet: every worker finished and its result on the screen."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.worker import WorkerCancelled

ROUNDS_LIMIT = 200


async def settle(pilot: Pilot) -> None:
    """Wait until no worker runs across two consecutive checks.

    A fixed number of rounds is not enough: a worker's result often starts the next worker
    (queue → sheet → trend), and `wait_for_complete` returns early when an exclusive worker
    is superseded, so on a loaded machine a fixed count can stop one link short.
    """
    quiet = 0
    for _ in range(ROUNDS_LIMIT):
        await pilot.pause(0.02)
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # a superseded read: its successor is still in the list
            pass
        await pilot.pause()
        busy = any(not worker.is_finished for worker in pilot.app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet == 2:
            return
    raise AssertionError(f"workers still running after {ROUNDS_LIMIT} rounds: {list(pilot.app.workers)}")


async def still(pilot: Pilot) -> None:
    """Settle, and stop every cursor blinking, so a snapshot is the same picture every time."""
    await settle(pilot)
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()
    await _sized_tables(pilot)


async def _sized_tables(pilot: Pilot) -> None:
    """Wait until every DataTable has measured the rows it was given.

    A DataTable sizes its columns when its own message queue goes idle, which on a loaded
    machine can come after the app as a whole looks quiet: a picture taken then shows
    columns as wide as their headings. The flags are private; Textual is pinned.
    """
    for _ in range(ROUNDS_LIMIT):
        tables = pilot.app.screen.query(DataTable)
        if not any(table._require_update_dimensions or table._updated_cells for table in tables):
            return
        await pilot.pause(0.01)
    raise AssertionError("a DataTable never measured its rows")
