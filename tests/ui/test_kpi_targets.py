"""A KPI's profiled targets (issue 12): `t` on the KPI's screen, the editor, a published quarter frozen, a refusal, a save, a conflict."""

from __future__ import annotations

import pytest
from people import admins
from support import error_of, footer, screen_text, settle, type_into

from projtui.config import Settings
from projtui.domain.quarter import Quarter
from projtui.services import kpi_quarters, kpis
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.ui.app import ProjtuiApp
from projtui.ui.screens.kpis import KpiScreen
from projtui.ui.screens.profiled_targets import KpiTargetsScreen

SIZE = (130, 34)
Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)
HEADER = 'schema_version = 2\n[[ambitions]]\ncode = "A1"\ntitle = "Homes"\n'
DAYS = {"code": "HB1", "name": "Days to process new claims", "unit": "days", "direction": "lower", "target": 20, "tolerance": 10,
        "ambitions": ["A1"]}


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'k.db'}", create=True))
    import_snapshot(database, HEADER, source="h.toml", actor="setup")
    kpis.create_kpi(database, DAYS, actor="setup")
    kpis.set_kpi_actual(database, "HB1", Q1, 19.0, expected_version=None, actor="setup")
    kpis.set_kpi_actual(database, "HB1", Q2, 21.0, expected_version=None, actor="setup")
    yield database
    database.dispose()


def _targets(db) -> dict[Quarter, float | None]:
    return dict(kpis.kpi_targets(db, "HB1").targets)


async def _editor(pilot) -> KpiTargetsScreen:
    await settle(pilot)
    await pilot.app.push_screen(KpiScreen("HB1"))
    await settle(pilot)
    assert "t Targets" in footer(pilot.app)
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, KpiTargetsScreen)
    return screen


async def test_t_opens_the_editor_on_the_highlighted_quarter_and_a_target_is_saved(db):
    app = ProjtuiApp(db, Settings(user="tester"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot)
        text = screen_text(app)
        assert "Profiled targets of KPI HB1  Days to process new claims" in text
        table = screen.table  # the KPI's quarters oldest first, none profiled yet
        assert [[str(cell) for cell in table.get_row_at(i)[:2]] for i in range(table.row_count)] == [["2026/27 Q1", "—"], ["2026/27 Q2", "—"]]
        # The KPI screen's highlighted quarter (the newest) is in the fields, the cursor on its target.
        assert screen.form.raw("quarter") == "2026/27 Q2" and app.focused.id == "field-target"
        await pilot.press(*"18")
        await type_into(pilot, "reason", "Winter peak in claims")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _targets(db) == {Q1: None, Q2: 18.0}
        assert "Saved: 2026/27 Q2 target 18." in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KpiScreen)
        q2 = [line for line in screen_text(app).splitlines() if "2026/27 Q2" in line][0]
        assert "18" in q2 and "Off target" in q2  # 21 days against the profiled 18, more than 10 % over


async def test_a_published_quarter_is_read_only_and_says_why_and_a_bad_value_is_refused_beside_its_field(db):
    kpi_quarters.publish_kpi_quarter(db, Q1, expected_version=None, actor="setup")
    app = ProjtuiApp(db, Settings(user="tester"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot)
        assert [str(cell) for cell in screen.table.get_row_at(0)] == ["2026/27 Q1", "—", "KPIs published: frozen; re-open them in the KPI pass (K)"]
        await type_into(pilot, "quarter", "2026/27 Q1")
        await pilot.pause()
        assert "frozen: the 2026/27 Q1 KPIs are published; re-open them in review mode's KPI pass (K)" in error_of(screen, "quarter")
        await type_into(pilot, "quarter", "2026/27 Q2")
        await type_into(pilot, "target", "lots")
        await type_into(pilot, "reason", "r")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(screen, "target") and error_of(screen, "quarter") == ""
        assert "Not saved: see the marked fields." in screen_text(app)
        assert _targets(db) == {Q1: None, Q2: None}
        # d on the published row is refused too, saying why.
        screen.table.move_cursor(row=0)
        screen.table.focus()
        await pilot.press("d")
        await pilot.pause()
        assert "Frozen: the 2026/27 Q1 KPIs are published" in screen_text(app)


async def test_a_save_over_someone_elses_change_is_refused_and_keeps_what_was_typed(db):
    app = ProjtuiApp(db, Settings(user="tester"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot)
        # Meanwhile a colleague profiles Q1: the KPI's version moves on.
        kpis.set_kpi_target(db, "HB1", Q1, 19, reason="theirs", expected_version=screen.profile.measure.version, actor="bob")
        await pilot.press(*"17")
        await type_into(pilot, "reason", "mine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "someone else changed this KPI meanwhile" in screen_text(app)
        assert (screen.form.raw("quarter"), screen.form.raw("target"), screen.form.raw("reason")) == ("2026/27 Q2", "17", "mine")
        assert _targets(db) == {Q1: 19.0, Q2: None}  # the table shows theirs now; saving again applies mine
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _targets(db) == {Q1: 19.0, Q2: 17.0}
