"""Review mode's KPI pass (issue 13): K, entering a KPI's quarter, commentary, publishing and re-opening the quarter's KPIs.

Update the snapshot after an intended change with `pytest tests/ui/test_kpi_review.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from people import admins
from support import footer, notifications, screen_text, settle, still, type_into

from projtui.config import Settings
from projtui.domain.quarter import Quarter
from projtui.services import kpi_quarters, kpis
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.ui.app import ProjtuiApp
from projtui.ui.screens.actual_dialog import ActualScreen
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.item_form import FormScreen, ReasonScreen
from projtui.ui.screens.kpi_review import KpiReviewScreen
from projtui.ui.screens.kpis import KpiScreen
from projtui.ui.screens.review import ReviewScreen

WIDE = (130, 30)
Q1 = Quarter(2026, 1)
HEADER = 'schema_version = 2\n[portfolio]\nname = "Strategic Projects"\ncouncil = "Test District Council"\n[[ambitions]]\ncode = "A1"\ntitle = "Homes"\n'
KPIS = (
    {"code": "DA1", "name": "Domestic abuse crimes [b]reported[/b]", "direction": "none", "ambitions": ["A1"]},
    {"code": "HB1", "name": "Days to process new claims", "unit": "days", "direction": "lower", "target": 20, "tolerance": 10,
     "ambitions": ["A1"]},
    {"code": "W1", "name": "Household waste recycled", "unit": "%", "direction": "higher", "target": 50, "frequency": "annually",
     "ambitions": ["A1"]},
)


@pytest.fixture
def kpi_db(tmp_path):
    db = admins(open_portfolio(f"sqlite:///{tmp_path / 'k.db'}", create=True))
    import_snapshot(db, HEADER, source="h.toml", actor="setup")
    for values in KPIS:
        kpis.create_kpi(db, values, actor="setup")
    kpis.set_kpi_actual(db, "HB1", Q1, 21.0, expected_version=None, actor="setup")  # within tolerance: needs commentary
    yield db
    db.dispose()


def _app(db) -> ProjtuiApp:
    return ProjtuiApp(db, Settings(user="tester"))


async def _kpi_pass(pilot) -> KpiReviewScreen:
    await pilot.app.push_screen(ReviewScreen(Q1))
    await settle(pilot)
    await pilot.press("K")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, KpiReviewScreen) and screen.quarter == Q1
    return screen


def _rows(app) -> list[str]:
    return [line for line in screen_text(app).splitlines() if line.lstrip().startswith(("DA1", "HB1", "W1"))]


async def test_k_opens_the_kpis_due_this_quarter_and_k_goes_back(kpi_db):
    async with _app(kpi_db).run_test(size=WIDE) as pilot:
        await _kpi_pass(pilot)
        text = screen_text(pilot.app)
        assert "KPIs 2026/27 Q1   1 of 2 entered  ·  not published" in text
        # The annual KPI is not due in Q1; the activity indicator is, with no status.
        (abuse, days) = _rows(pilot.app)
        assert "[b]rep" in abuse and "Monitor" in abuse  # user text shown as typed, never markup
        assert "21" in days and "◆ Tolerance" in days and "needed to publish" in days
        assert "• KPI HB1 is within tolerance: add commentary for 2026/27 Q1" in text
        assert "Publish" in footer(pilot.app) and "Re-open" not in footer(pilot.app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "KPIs 2026/27 Q2   0 of 2 entered" in screen_text(pilot.app)
        await pilot.press("K")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReviewScreen)


async def test_publish_lists_the_blockers_then_commentary_lets_it_publish_and_o_reopens(kpi_db):
    async with _app(kpi_db).run_test(size=WIDE) as pilot:
        screen = await _kpi_pass(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert notifications(pilot.app)[-1] == (
            "Cannot publish the 2026/27 Q1 KPIs yet", "• KPI HB1 is within tolerance: add commentary for 2026/27 Q1",
        )
        assert not kpi_quarters.kpi_pass(kpi_db, Q1).published
        await pilot.press("down", "c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await pilot.press(*"Backlog after the system change", "ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen and "Ready to publish" in screen_text(pilot.app)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        found = kpi_quarters.kpi_pass(kpi_db, Q1)
        assert found.published and found.published_by == "tester"
        assert "published by tester on" in screen_text(pilot.app) and "Re-open" in footer(pilot.app)
        # Frozen: neither the actual nor the commentary opens for editing.
        await pilot.press("e")
        await settle(pilot)
        assert pilot.app.screen is screen and notifications(pilot.app)[-1][0] == "Read-only"
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReasonScreen)
        await type_into(pilot, "reason", "HB1 recounted")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not kpi_quarters.kpi_pass(kpi_db, Q1).published
        assert "not published" in screen_text(pilot.app)


async def test_enter_saves_the_actual_and_forecast_through_the_actual_dialog(kpi_db):
    async with _app(kpi_db).run_test(size=WIDE) as pilot:
        await _kpi_pass(pilot)
        await pilot.press("enter")  # DA1, the activity indicator, first
        await settle(pilot)
        assert isinstance(pilot.app.screen, ActualScreen)
        await pilot.press(*"130p")
        pilot.app.screen.query_one("#actual-forecast").value = "500"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, KpiReviewScreen)
        line = {line.code: line for line in kpi_quarters.kpi_pass(kpi_db, Q1).lines}["DA1"]
        assert (line.sheet.entry.value, line.sheet.entry.provisional, line.sheet.figures.year_end_forecast) == (130.0, True, 500.0)
        assert "2 of 2 entered" in screen_text(pilot.app)


async def test_the_kpi_screen_keeps_a_published_quarter_read_only(kpi_db):
    kpis.set_kpi_commentary(kpi_db, "HB1", Q1, "Backlog", expected_version=None, actor="setup")
    kpi_quarters.publish_kpi_quarter(kpi_db, Q1, expected_version=None, actor="setup")
    async with _app(kpi_db).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(KpiScreen("HB1"))
        await settle(pilot)
        screen = pilot.app.screen
        assert "2026/27 Q1 ■" in screen_text(pilot.app)
        screen.quarters.move_cursor(row=[line.quarter for line in screen.detail.quarters].index(Q1))
        for key in ("a", "c"):
            await pilot.press(key)
            await settle(pilot)
            assert pilot.app.screen is screen and notifications(pilot.app)[-1][0] == "Read-only"


def test_kpi_pass_snapshot(snap_compare, kpi_db):
    async def run_before(pilot) -> None:
        await pilot.app.push_screen(ReviewScreen(Q1))
        await still(pilot)
        await pilot.press("K")
        await still(pilot)

    assert snap_compare(_app(kpi_db), terminal_size=WIDE, run_before=run_before)
