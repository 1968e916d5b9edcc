"""Others' changes reach the open screen within seconds, without a key, never over an edit in progress."""

from __future__ import annotations

import pytest
from support import open_review, review_app, settle
from textual.widgets import TextArea

from projtui.domain.quarter import Quarter
from projtui.domain.records import ProjectFields
from projtui.services import projects, reviews
from projtui.services.opening import open_portfolio
from projtui.ui.live_refresh import LiveRefresh
from projtui.ui.screens.review import ReviewScreen
from projtui.ui.widgets.project_table import ProjectTable

SIZE = (120, 40)
NEXT = Quarter(2026, 3)


@pytest.fixture(autouse=True)
def _looking_often(monkeypatch):
    monkeypatch.setattr(LiveRefresh, "LOOK_EVERY", 0.05)


@pytest.fixture
def colleague(sample_db):
    """Another person's app: its own connections to the same file, as another process has."""
    other = open_portfolio(sample_db.url)
    yield other
    other.dispose()


async def _until(pilot, done, what: str) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if done():
            return
    raise AssertionError(f"not within 5 s: {what}")


async def test_a_project_a_colleague_adds_appears_and_the_cursor_stays(sample_db, make_app, colleague):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ProjectTable)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        where = table.current_row.code
        projects.create_project(colleague, ProjectFields(code="SP-00", name="Lido"), actor="setup")
        await _until(pilot, lambda: "18 of 18" in str(app.screen.query_one("#count").render()), "the 18th project shown")
        await settle(pilot)
        assert table.current_row.code == where  # the new SP-00 sorts first; the cursor kept its project


async def test_a_colleagues_review_appears_in_review_mode_without_a_key(sample_db, colleague):
    async with review_app(sample_db).run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, NEXT)
        assert screen.current_code == "SP-01" and screen.sheet.review is None
        reviews.save_review(colleague, "SP-01", NEXT, {"rag": "red", "commentary": "Theirs."}, expected_version=None, actor="setup")
        await _until(pilot, lambda: screen.sheet is not None and screen.sheet.review is not None, "their review read")
        await settle(pilot)
        assert screen.current_code == "SP-01"
        assert screen.query_one("#rv-commentary", TextArea).text == "Theirs."


async def test_words_being_typed_are_never_replaced_and_the_change_is_read_once_they_are_saved(sample_db, colleague):
    async with review_app(sample_db).run_test(size=SIZE) as pilot:
        screen: ReviewScreen = await open_review(pilot, NEXT)

        def header() -> str:
            return str(screen.query_one("#rv-header").render())

        assert "0 of 17 reviewed" in header()
        area = screen.query_one("#rv-commentary", TextArea)
        area.focus()
        await pilot.press(*"Mine, half typed")
        reviews.save_review(colleague, "SP-02", NEXT, {"rag": "amber", "commentary": "Theirs."}, expected_version=None, actor="setup")
        for _ in range(10):  # many looks' worth
            await pilot.pause(0.05)
        assert area.text == "Mine, half typed" and screen.current_code == "SP-01"
        assert "0 of 17 reviewed" in header()  # not read while words are being typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", NEXT).fields.commentary == "Mine, half typed"
        await _until(pilot, lambda: "1 of 17 reviewed" in header(), "their rated review counted")
        assert area.text == "Mine, half typed"


async def test_a_kpi_figure_a_colleague_enters_appears_in_the_register(sample_db, make_app, colleague):
    from projtui.services import kpis
    from projtui.ui.screens.kpis import KpiRegisterScreen

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, KpiRegisterScreen)
        line = next(line for line in screen.lines if line.code == "BEN01")
        quarter = screen.quarter.next()
        kpis.set_kpi_actual(colleague, "BEN01", quarter, 12.5, expected_version=None, actor="setup")
        await _until(pilot, lambda: screen.quarter == quarter, "the register reading the new latest quarter")
        assert next(line for line in screen.lines if line.code == "BEN01").figures != line.figures


@pytest.fixture
def postgres_sample(postgres_url):
    """The sample on PostgreSQL, and a colleague's own connections to it."""
    from people import admins

    from projtui.services.transfer import load_sample

    db = admins(open_portfolio(postgres_url, create=True))
    load_sample(db, actor="setup")
    colleague = open_portfolio(postgres_url)
    yield db, colleague
    colleague.dispose()
    db.dispose()


def _shown_count(app) -> str:
    return str(app.screen.query_one("#count").render())


async def test_on_postgresql_a_colleagues_change_is_told_to_the_open_screen_at_once(postgres_sample, make_app, monkeypatch):
    """No timer: the audit log's NOTIFY (migration 0014) wakes the app's `app-listen` worker, which reads the change."""
    monkeypatch.setattr(LiveRefresh, "LOOK_EVERY", 3600.0)  # so only the notification can bring it
    db, colleague = postgres_sample
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _until(pilot, lambda: app._listening, "the app listens")
        assert [worker.group for worker in app.workers if not worker.is_finished] == ["app-listen"]
        projects.create_project(colleague, ProjectFields(code="SP-00", name="Lido"), actor="setup")
        await _until(pilot, lambda: "18 of 18" in _shown_count(app), "the 18th project shown")


async def test_on_postgresql_the_timer_looks_while_the_app_cannot_listen_and_it_listens_again(postgres_sample, make_app, monkeypatch):
    from projtui.services import changes

    db, colleague = postgres_sample
    real_listen, attempts = changes.listen, []

    def failing_twice(database):
        attempts.append(1)
        if len(attempts) <= 2:
            raise OSError("the server went away a moment")
        return real_listen(database)

    monkeypatch.setattr(changes, "listen", failing_twice)
    monkeypatch.setattr(LiveRefresh, "LISTEN_AGAIN_AFTER", 0.5)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app._listening
        projects.create_project(colleague, ProjectFields(code="SP-00", name="Lido"), actor="setup")
        await _until(pilot, lambda: "18 of 18" in _shown_count(app), "the change read by the timer's looks")
        await _until(pilot, lambda: app._listening, "the app listens again")
        assert len(attempts) == 3
        # The timer still ticks every 0.05 s but no longer looks: from here only the notification can bring it.
        projects.create_project(colleague, ProjectFields(code="SP-99", name="Pier"), actor="setup")
        await _until(pilot, lambda: "19 of 19" in _shown_count(app), "the next change, told")
