"""Issue 12: a TUI save that meets a locked database waits, says so beside the form, and keeps what was typed.

Another connection holds SQLite's write lock (BEGIN IMMEDIATE), as a long
import does. The save waits rather than failing, and goes in once the lock
is free; a save that waits out the whole busy timeout says so and keeps the
typed values. A database that refuses the write (a read-only file) is an
error the screen shows beside the form too, never the end of the app.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlalchemy import event
from support import open_review, review_app, settle
from textual.widgets import Static, TextArea

from projtui.domain.enums import Rag
from projtui.domain.quarter import Quarter
from projtui.services import reviews
from projtui.store.database import Database

NEXT = Quarter(2026, 3)  # no reviews yet in the sample: drafts are made here


def _status(screen) -> str:
    return str(screen.query_one("#rv-save-status", Static).render())


async def _until(pilot, condition: Callable[[], bool]) -> None:
    """Let the app run until `condition` holds (the worker is blocked in SQLite meanwhile, so `settle` would wait forever)."""
    for _ in range(600):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


def _hold_write_lock(db: Database) -> sqlite3.Connection:
    holder = sqlite3.connect(db.sqlite_path, isolation_level=None)
    holder.execute("begin immediate")
    return holder


async def _type_a_review(pilot, screen) -> None:
    await pilot.press("a")
    screen.query_one("#rv-commentary", TextArea).focus()
    await pilot.press(*"Supplier late", "ctrl+s")


async def test_a_save_meeting_a_locked_database_waits_says_so_and_goes_in_once_free(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        holder = _hold_write_lock(sample_db)
        try:
            await _type_a_review(pilot, screen)
            await _until(pilot, lambda: "waiting for another change to finish…" in _status(screen))
            assert screen.query_one("#rv-commentary", TextArea).text == "Supplier late"  # what was typed stays
            assert screen.overall is Rag.AMBER
        finally:
            holder.execute("rollback")
            holder.close()
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT)
        assert (saved.rag, saved.fields.commentary) == (Rag.AMBER, "Supplier late")
        assert _status(screen) == ""
        assert pilot.app.is_running


async def test_a_save_that_waits_out_the_busy_timeout_says_so_and_keeps_the_values(sample_db, monkeypatch):
    monkeypatch.setattr("projtui.store.database.SQLITE_BUSY_TIMEOUT_MS", 1_000)
    db = Database(sample_db.url)  # its engine is made with the short timeout
    async with review_app(db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        holder = _hold_write_lock(db)
        try:
            await _type_a_review(pilot, screen)
            await _until(pilot, lambda: "not saved" in _status(screen))
        finally:
            holder.execute("rollback")
            holder.close()
        await settle(pilot)
        assert "SP-01 not saved: " in _status(screen) and "held the database for over 1 s" in _status(screen)
        assert screen.query_one("#rv-commentary", TextArea).text == "Supplier late"
        assert screen.overall is Rag.AMBER and screen.unsaved_changes() is not None
        assert reviews.get_review(db, "SP-01", NEXT) is None
        await pilot.press("ctrl+s")  # the lock is free now: the same save goes through
        await settle(pilot)
        assert reviews.get_review(db, "SP-01", NEXT).fields.commentary == "Supplier late"
    db.dispose()


async def test_a_database_that_refuses_writes_is_shown_beside_the_form_and_the_app_goes_on(sample_db):
    """SQLite's own "attempt to write a readonly database" (a read-only file; set per connection here, since root writes any file)."""
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        sample_db.dispose()  # connections opened from here on refuse writes
        event.listen(sample_db.engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only = ON"))
        await _type_a_review(pilot, screen)
        await settle(pilot, failures=True)
        assert "not saved" in _status(screen).lower() and "readonly database" in _status(screen)
        assert screen.query_one("#rv-commentary", TextArea).text == "Supplier late"
        assert pilot.app.is_running and pilot.app.screen is screen
