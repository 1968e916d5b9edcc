"""Issue 12: a TUI save that meets a locked database waits, says so beside the form, and keeps what was typed.

Review mode's form and actual dialog, and the forms every other screen
opens (a plan's outcome here).

Another connection holds SQLite's write lock (BEGIN IMMEDIATE), as a long
import does. The save waits rather than failing, and goes in once the lock
is free; a save that waits out the whole busy timeout says so and keeps the
typed values. A database that refuses the write (a read-only file) is an
error the screen shows beside the form too, never the end of the app.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from support import (
    build_portfolio,
    go_to,
    make_app,
    open_review,
    review_app,
    settle,
    type_into,
)
from textual.widgets import Input, Static, TextArea

from projtui.domain.enums import Rag
from projtui.domain.quarter import Quarter
from projtui.services import plans, reviews
from projtui.store.database import Database
from projtui.ui.screens.actual_dialog import ActualScreen
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.widgets.benefits_map import Ref

NEXT = Quarter(2026, 3)  # no reviews yet in the sample: drafts are made here
PLAN_SIZE = (120, 40)


def _status(screen) -> str:
    return str(screen.query_one("#rv-save-status", Static).render())


async def _until(pilot, condition: Callable[[], bool]) -> None:
    """Let the app run until `condition` holds (the worker is blocked in SQLite meanwhile, so `settle` would wait forever)."""
    for _ in range(600):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


@contextmanager
def _write_locked(db: Database) -> Iterator[None]:
    """Another connection holds the write lock (BEGIN IMMEDIATE) for the block, as a long import does."""
    holder = sqlite3.connect(db.sqlite_path, isolation_level=None)
    holder.execute("begin immediate")
    try:
        yield
    finally:
        holder.execute("rollback")
        holder.close()


async def _type_a_review(pilot, screen) -> None:
    await pilot.press("a")
    screen.query_one("#rv-commentary", TextArea).focus()
    await pilot.press(*"Supplier late", "ctrl+s")


async def test_a_save_meeting_a_locked_database_waits_says_so_and_goes_in_once_free(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        with _write_locked(sample_db):
            await _type_a_review(pilot, screen)
            await _until(pilot, lambda: "waiting for another change to finish…" in _status(screen))
            assert screen.query_one("#rv-commentary", TextArea).text == "Supplier late"  # what was typed stays
            assert screen.overall is Rag.AMBER
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
        with _write_locked(db):
            await _type_a_review(pilot, screen)
            await _until(pilot, lambda: "not saved" in _status(screen))
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


async def test_an_actual_whose_save_times_out_comes_back_in_its_dialog_as_typed(sample_db, monkeypatch):
    monkeypatch.setattr("projtui.store.database.SQLITE_BUSY_TIMEOUT_MS", 1_000)
    db = Database(sample_db.url)
    async with review_app(db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("m", "enter")
        await pilot.pause()
        await pilot.press(*"11.5p")
        pilot.app.screen.query_one("#actual-note", Input).focus()
        await pilot.press(*"first count")
        first = pilot.app.screen
        with _write_locked(db):
            await pilot.press("enter")
            # The dialog closes to save, the save gives up after the busy timeout, and the dialog comes back.
            await _until(pilot, lambda: isinstance(pilot.app.screen, ActualScreen) and pilot.app.screen is not first)
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ActualScreen)
        assert dialog.query_one("#actual-value", Input).value == "11.5"
        assert dialog.query_one("#actual-note", Input).value == "first count"
        assert "M1 not saved: " in str(dialog.query_one("#actual-error", Static).render())
        assert dialog.unsaved_changes() is not None  # Esc asks before dropping it
        await pilot.press("ctrl+s")  # the lock is free now
        await settle(pilot)
        assert pilot.app.screen is screen
        entry = reviews.review_sheet(db, "SP-01", NEXT).measure("M1").entry
        assert (entry.value, entry.provisional, entry.note) == (11.5, True, "first count")
    db.dispose()


async def test_a_plan_item_save_waits_for_a_locked_database_beside_the_form_then_saves(tmp_path):
    db = build_portfolio(tmp_path / "p.db")
    async with make_app(db).run_test(size=PLAN_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")  # the Benefits Review Plan tab
        await settle(pilot)
        await go_to(pilot, Ref("outcome", next(o.id for o in plans.get_plan(db, "SP-01").outcomes if o.fields.code == "OC2")))
        await pilot.press("enter")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        await type_into(pilot, "owner", "Facilities")
        with _write_locked(db):
            await pilot.press("enter")
            await _until(pilot, lambda: "waiting for another change to finish…" in str(form.query_one("#form-message", Static).render()))
            assert form.query_one("#field-owner", Input).value == "Facilities"
        await settle(pilot)
        assert plans.get_plan(db, "SP-01").outcomes[1].fields.owner == "Facilities"
    db.dispose()


async def test_a_plan_item_save_the_database_refuses_is_shown_beside_the_form(tmp_path):
    db = build_portfolio(tmp_path / "p.db")
    async with make_app(db).run_test(size=PLAN_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await go_to(pilot, Ref("outcome", next(o.id for o in plans.get_plan(db, "SP-01").outcomes if o.fields.code == "OC2")))
        await pilot.press("enter")
        await settle(pilot)
        form = pilot.app.screen
        await type_into(pilot, "owner", "Facilities")
        db.dispose()
        event.listen(db.engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only = ON"))
        await pilot.press("enter")
        await settle(pilot, failures=True)
        assert pilot.app.screen is form and pilot.app.is_running
        assert "Not saved: " in str(form.query_one("#form-message", Static).render())
        assert "readonly database" in str(form.query_one("#form-message", Static).render())
        assert form.query_one("#field-owner", Input).value == "Facilities"
    db.dispose()
