"""The KPI register (`k` from the portfolio) and a KPI's screen (issue 13): pilot tests and SVG snapshots.

Update the snapshots after an intended change with `pytest tests/ui/test_kpi_screens.py --snapshot-update`.
"""

from __future__ import annotations

from support import footer, screen_text, settle, still, type_into

from projtui.config import Settings
from projtui.domain.measures import MeasureStatus
from projtui.domain.quarter import Quarter
from projtui.services import kpis
from projtui.services.importing import import_snapshot
from projtui.services.transfer import export_snapshot
from projtui.ui.app import ProjtuiApp
from projtui.ui.screens.actual_dialog import ActualScreen
from projtui.ui.screens.item_form import FormScreen
from projtui.ui.screens.kpis import KpiRegisterScreen, KpiScreen

WIDE = (140, 44)
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


def _codes(app) -> list[str]:
    table = app.screen.query_one("#kpi-table")
    return [str(row.value) for row in table.rows]


async def _register(pilot) -> None:
    await settle(pilot)
    await pilot.press("k")
    await settle(pilot)
    assert isinstance(pilot.app.screen, KpiRegisterScreen)


async def test_k_opens_the_register_with_every_kpi_and_its_status(make_app, sample_db):
    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await _register(pilot)
        assert len(_codes(pilot.app)) == 23 and _codes(pilot.app)[:2] == ["BEN01", "BEN02"]
        text = screen_text(pilot.app)
        assert "23 of 23 KPIs  ·  2026/27 Q2" in text
        (bins,) = [line for line in text.splitlines() if "WST02" in line]
        assert "58" in bins and "50" in bins and "Off target" in bins and "Worsening" in bins
        (abuse,) = [line for line in text.splitlines() if "CSP01" in line]
        assert "Monitor" in abuse and "Down" in abuse  # an activity indicator: a trend, never a status
        assert "KPIs" in footer(pilot.app) or "Group" in footer(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, KpiRegisterScreen)


async def test_the_register_filters_groups_and_sorts(make_app, sample_db):
    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await _register(pilot)
        await pilot.press("slash", *"planning")
        await settle(pilot)
        assert _codes(pilot.app) == ["PLN01", "PLN02", "PLN03"]
        await pilot.press("enter", "g")  # back to the table; group by ambition
        await settle(pilot)
        assert _codes(pilot.app) == ["group:A2", "PLN01", "PLN02", "PLN03"]
        await pilot.press("slash", *(["backspace"] * 8), "enter", "g")  # no filter; group by service
        await settle(pilot)
        codes = _codes(pilot.app)
        assert codes[:4] == ["group:Climate Change", "ENV02", "group:Community Safety", "CSP01"]
        await pilot.press("g", "o", "o", "o")  # no grouping; sort by code, name, service, then status
        await settle(pilot)
        codes = _codes(pilot.app)
        _, lines = kpis.kpi_register(sample_db)
        off = [line.code for line in lines if line.figures.status is MeasureStatus.OFF_TARGET]
        assert "sorted by status" in screen_text(pilot.app) and len(off) >= 2
        assert codes[: len(off)] == off  # the worst first, each status in code order


async def test_text_in_the_same_read_as_slash_lands_in_the_register_filter(make_app, sample_db):
    # "/planning" typed fast, pasted or sent by a screen reader arrives in one terminal read: / must move the
    # focus before the letters are handled, or they reach the table ("o" sorts, "g" groups) and the filter stays empty.
    from textual import events
    from textual.widgets import Input

    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await _register(pilot)
        for key, char in [("slash", "/"), *((c, c) for c in "planning")]:
            pilot.app.post_message(events.Key(key, char))
        await settle(pilot)
        assert pilot.app.screen.query_one("#kpi-filter", Input).value == "planning"
        assert _codes(pilot.app) == ["PLN01", "PLN02", "PLN03"]
        await pilot.press("slash")  # in the filter, / is text, as in "and/or"
        assert pilot.app.screen.query_one("#kpi-filter", Input).value == "planning/"


async def test_enter_opens_the_kpi_and_an_actual_is_entered_from_it(make_app, sample_db):
    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await _register(pilot)
        await pilot.press("slash", *"HOU04", "enter", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, KpiScreen) and screen.code == "HOU04"
        text = screen_text(pilot.app)
        assert "Average days to re-let council homes" in text and "Council Housing" in text and "A3 Healthy and Happy Communities" in text
        assert "Damp and mould works on eight voids" in text  # the quarter's commentary, beside its figures
        # The newest quarter is the register's; Enter on it opens review mode's actual dialog.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ActualScreen)
        await pilot.press(*(["backspace"] * 4), *"29", "tab", "tab", *"Voids cleared", "tab", *"30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, KpiScreen)
        latest = kpis.kpi_detail(sample_db, "HOU04").quarters[0]
        assert (latest.quarter, latest.entry.value, latest.entry.note, latest.entry.entered_by) == (Q2, 29.0, "Voids cleared", "tester")
        assert latest.figures.year_end_forecast == 30.0
        assert "On target" in [line for line in screen_text(pilot.app).splitlines() if "2026/27 Q2" in line][0]


async def test_the_trend_chart_draws_the_years_benchmark_median(make_app, sample_db):
    text = "".join(export_snapshot(sample_db))
    end = text.index("\n[[", text.index('code = "HOU04"'))
    benchmark = '\n[[kpis.benchmarks]]\nperiod = "2025/26"\nsource = "APSE family group"\nmedian = 27.0\n'
    import_snapshot(sample_db, text[:end] + "\n" + benchmark + text[end:], source="k.toml", actor="tester")
    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(KpiScreen("HOU04"))
        await settle(pilot)
        assert "benchmark median" in screen_text(pilot.app)  # the chart's legend
        # A KPI without a benchmark has no such line.
        await pilot.app.pop_screen()
        await pilot.app.push_screen(KpiScreen("HOU03"))
        await settle(pilot)
        assert "HOU03" in screen_text(pilot.app) and "benchmark median" not in screen_text(pilot.app)


async def test_the_trend_charts_axis_reads_round_figures_as_the_app_writes_them(make_app, sample_db):
    # Visits run 131,500 to 152,300 against a target of 145,000: plotext alone labels the axis 131500.0, 135966.7…
    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(KpiScreen("LEI01"))
        await settle(pilot)
        axis = [line.split("┤")[0].split()[-1] for line in screen_text(pilot.app).splitlines() if "┤" in line]
        assert axis == ["160,000", "150,000", "140,000", "130,000"]


async def test_commentary_and_the_definition_are_edited_in_the_house_form(make_app, sample_db):
    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(KpiScreen("BEN02"))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await pilot.press(*"Agency staff cover the claims backlog", "ctrl+s")
        await settle(pilot)
        assert kpis.kpi_detail(sample_db, "BEN02").quarters[0].comment.text == "Agency staff cover the claims backlog"
        await pilot.press("e")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        target = form.query_one("#field-target")
        target.focus()
        target.value = ""
        await pilot.press(*"7.5", "ctrl+s")
        await settle(pilot)
        assert kpis.kpi_detail(sample_db, "BEN02").fields.target == 7.5
        await pilot.press("e")
        await settle(pilot)
        ambitions = pilot.app.screen.query_one("#field-ambitions")
        ambitions.focus()
        ambitions.value = ""
        await pilot.press(*"A9", "ctrl+s")
        await settle(pilot)
        # Refused beside the field, as every form refuses: the ambition must exist.
        assert isinstance(pilot.app.screen, FormScreen) and "unknown ambition code" in screen_text(pilot.app)


async def test_n_adds_a_kpi_in_the_house_form_and_opens_it(make_app, sample_db):
    async with make_app(sample_db).run_test(size=WIDE) as pilot:
        await _register(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await type_into(pilot, "code", "GYM01")
        await type_into(pilot, "name", "Gym memberships")
        await type_into(pilot, "service", "Leisure")
        await type_into(pilot, "ambitions", "A3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, KpiScreen) and pilot.app.screen.code == "GYM01"
        detail = kpis.kpi_detail(sample_db, "GYM01")
        assert (detail.fields.name, detail.service, detail.ambitions[0][0]) == ("Gym memberships", "Leisure", "A3")


def _kpi_app(db, *keys: str):
    async def run_before(pilot) -> None:
        await still(pilot)
        await pilot.press("k")
        await still(pilot)
        if keys:
            await pilot.press(*keys)
            await still(pilot)

    return ProjtuiApp(db, Settings(user="tester")), run_before


def test_register_snapshot(snap_compare, sample_db):
    app, run_before = _kpi_app(sample_db, "g")
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_kpi_screen_snapshot(snap_compare, sample_db):
    app, run_before = _kpi_app(sample_db, "slash", *"WST01", "enter", "enter")
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_kpi_targets_editor_snapshot(snap_compare, sample_db):
    app, run_before = _kpi_app(sample_db, "slash", *"WST01", "enter", "enter", "t")
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)
