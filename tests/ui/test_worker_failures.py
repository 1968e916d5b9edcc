"""A thread worker that fails in a way its code did not expect (the database went away, a lock held
too long) tells the user and leaves the app running, with what was on screen still there."""

from __future__ import annotations

from support import (
    build_portfolio,
    go_to,
    make_app,
    notifications,
    open_review,
    review_app,
    settle,
)
from textual.widgets import TabbedContent, TextArea

from projtui.domain.quarter import Quarter
from projtui.services import plans, projects, reviews
from projtui.ui.screens.project import ProjectScreen
from projtui.ui.widgets.benefits_map import Ref
from projtui.ui.worker_failures import failure_text

# What a driver's error looks like: a first line, then the statement it was running.
DISK = "(sqlite3.OperationalError) disk I/O error\n[SQL: UPDATE quarterly_review SET ...]"


def _broken(*_args, **_kwargs):
    raise RuntimeError(DISK)


def _said(app) -> list[str]:
    return [message for _title, message in notifications(app)]


def test_the_notice_is_the_errors_first_line():
    assert failure_text(RuntimeError(DISK)) == "(sqlite3.OperationalError) disk I/O error"
    assert failure_text(RuntimeError("")) == "RuntimeError"


async def test_a_review_save_that_fails_keeps_the_sheet_and_what_was_typed(sample_db, monkeypatch):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, Quarter(2026, 3))
        monkeypatch.setattr(reviews, "save_review", _broken)
        await pilot.press("a")
        commentary = screen.query_one("#rv-commentary", TextArea)
        commentary.text = "Supplier delay; recovery plan agreed."
        await pilot.press("ctrl+s")
        await settle(pilot, failures=True)
        assert pilot.app.is_running and pilot.app.screen is screen
        assert "(sqlite3.OperationalError) disk I/O error" in _said(pilot.app)
        assert commentary.text == "Supplier delay; recovery plan agreed."
        monkeypatch.undo()  # the database is back: the same keys save it
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", Quarter(2026, 3)).fields.commentary == "Supplier delay; recovery plan agreed."


async def test_a_project_that_cannot_be_read_stops_the_spinner(sample_db, monkeypatch):
    monkeypatch.setattr(projects, "get_project", _broken)
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = ProjectScreen("SP-01")
        await pilot.app.push_screen(screen)
        await settle(pilot, failures=True)
        assert pilot.app.is_running and pilot.app.screen is screen
        assert not screen.query_one(TabbedContent).loading
        assert "(sqlite3.OperationalError) disk I/O error" in _said(pilot.app)


async def test_a_plan_delete_that_fails_keeps_the_plan(tmp_path, monkeypatch):
    db = build_portfolio(tmp_path / "p.db")
    try:
        async with make_app(db).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            benefit = next(b for b in plans.get_plan(db, "SP-01").benefits if b.fields.code == "B1")
            await go_to(pilot, Ref("benefit", benefit.id))
            monkeypatch.setattr(plans, "deletion_impact", _broken)
            await pilot.press("d")
            await settle(pilot, failures=True)
            assert pilot.app.is_running and isinstance(pilot.app.screen, ProjectScreen)
            assert "(sqlite3.OperationalError) disk I/O error" in _said(pilot.app)
            assert [b.fields.code for b in plans.get_plan(db, "SP-01").benefits] == ["B1", "B2"]
    finally:
        db.dispose()
