"""Benchmarks from the plan editor (issue 13): b on a measure, a table of year, source and standing, set, change and remove."""

from __future__ import annotations

import pytest
from support import (
    USER,
    build_portfolio,
    error_of,
    make_app,
    screen_text,
    settle,
    type_into,
)
from textual.widgets import DataTable, Input

from projtui.domain.records import BenchmarkFields
from projtui.services import plans
from projtui.services.audit import history_page
from projtui.ui.screens.benchmarks import BenchmarksScreen
from projtui.ui.widgets.benefits_map import Ref

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path):
    database = build_portfolio(tmp_path / "p.db")
    yield database
    database.dispose()


def m1(db):
    return next(m for m in plans.get_plan(db, "SP-01").measures if m.fields.code == "M1")


def held(db) -> tuple[BenchmarkFields, ...]:
    return plans.measure_benchmarks(db, m1(db).id).benchmarks


async def open_benchmarks(pilot, db) -> BenchmarksScreen:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    tree = pilot.app.screen.query_one("#plan-items")
    tree.focus()
    tree.move_cursor(tree.find(Ref("measure", m1(db).id)))
    await pilot.pause()
    await pilot.press("b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BenchmarksScreen)
    return screen


async def fill(pilot, **values: str) -> None:
    for name, text in values.items():
        await type_into(pilot, name, text)


async def test_set_a_benchmark_and_see_where_the_measure_stands(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_benchmarks(pilot, db)
        text = screen_text(app)
        assert "Benchmarks of measure M1  Gas use" in text and "No benchmarks yet" in text
        await fill(pilot, period="2024/25", source="APSE [family] group", lower_quartile="60", median="70", upper_quartile="80",
                   rank="3", of="12")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert held(db) == (
            BenchmarkFields(period="2024/25", source="APSE [family] group", lower_quartile=60, median=70, upper_quartile=80, rank=3, of=12),
        )
        table = screen.query_one(DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        # User text shown literally, not as markup. M1 (gas use, lower is better) ended 2024/25 on 75: between the median and the upper quartile.
        assert row == ["2024/25", "APSE [family] group", "3rd quartile", "60 / 70 / 80", "", "3 of 12"]
        entries = [(e.actor, e.action, e.entity, e.key) for e in history_page(db, "SP-01").entries if e.entity == "benchmark"]
        assert entries == [(USER, "create", "benchmark", "SP-01/M1@2024/25 APSE [family] group")]
        # The fields are empty again for the next one.
        assert screen.query_one("#field-source", Input).value == "" and error_of(screen, "period") == ""


async def test_bad_figures_are_refused_beside_the_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_benchmarks(pilot, db)
        await fill(pilot, period="2024 Q1", source="LG Inform", median="70", rank="2.5")
        assert "not a financial year" in error_of(screen, "period")
        assert error_of(screen, "rank") == "✗ enter a whole number"
        await fill(pilot, period="2024/25", rank="2", lower_quartile="75")
        assert "lower quartile 75 is above median 70" in error_of(screen, "lower_quartile")
        await fill(pilot, lower_quartile="65", rank="13", of="12")
        assert error_of(screen, "lower_quartile") == ""
        assert "rank 13 is more than of 12" in error_of(screen, "rank")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert held(db) == () and app.screen is screen


async def test_change_one_from_its_row_and_remove_another(db):
    measure_id = m1(db).id
    first = BenchmarkFields(period="2023/24", source="LG Inform", median=72.0)
    second = BenchmarkFields(period="2024/25", source="LG Inform", median=70.0)
    for benchmark in (first, second):
        plans.set_benchmark(db, measure_id, benchmark, seen=None, actor="setup")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_benchmarks(pilot, db)
        table = screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")  # 2023/24 into the fields
        await pilot.pause()
        assert screen.query_one("#field-period", Input).value == "2023/24" and screen.query_one("#field-median", Input).value == "72"
        await fill(pilot, median="71.5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert held(db) == (first.model_copy(update={"median": 71.5}), second)
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("d")
        await settle(pilot)
        assert "Remove the 2024/25 benchmark from LG Inform?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert held(db) == (first.model_copy(update={"median": 71.5}),)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["2023/24"]


async def test_someone_elses_change_saves_nothing_then_shows_theirs(db):
    measure_id = m1(db).id
    mine = BenchmarkFields(period="2024/25", source="LG Inform", median=70.0)
    plans.set_benchmark(db, measure_id, mine, seen=None, actor="setup")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_benchmarks(pilot, db)
        await fill(pilot, period="2024/25", source="LG Inform", median="69")
        plans.set_benchmark(db, measure_id, mine.model_copy(update={"median": 68.0}), seen=mine, actor="bob")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert held(db)[0].median == 68.0
        assert "someone else changed this benchmark" in screen_text(app)
        assert screen.query_one("#field-median", Input).value == "69"  # what was typed stays, to save again
