"""Profiled targets from the plan editor: t on a measure, a table of quarter → target, set, change and clear with a reason."""

from __future__ import annotations

import pytest
from support import USER, build_portfolio, error_of, make_app, screen_text, settle, type_into
from textual.widgets import DataTable, Input

from projtui.domain.quarter import Quarter
from projtui.services import plans, reviews
from projtui.services.audit import history_page
from projtui.ui.screens.profiled_targets import ProfiledTargetsScreen
from projtui.ui.widgets.benefits_map import Ref

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path):
    database = build_portfolio(tmp_path / "p.db")  # SP-01's 2024/25 Q3 review is published
    yield database
    database.dispose()


def m1(db):
    return next(m for m in plans.get_plan(db, "SP-01").measures if m.fields.code == "M1")


def targets(db) -> tuple:
    return plans.profiled_targets(db, m1(db).id).targets


async def open_targets(pilot, db) -> ProfiledTargetsScreen:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    tree = pilot.app.screen.query_one("#plan-items")
    tree.focus()
    tree.move_cursor(tree.find(Ref("measure", m1(db).id)))
    await pilot.pause()
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProfiledTargetsScreen)
    return screen


async def fill(pilot, **values: str) -> None:
    for name, text in values.items():
        await type_into(pilot, name, text)


async def test_set_targets_for_quarters_with_a_reason(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot, db)
        text = screen_text(app)
        assert "Profiled targets of measure M1  Gas use" in text and "No profiled targets yet" in text
        await fill(pilot, quarter="Q1 2025/26", target="72.5", reason="Works phased [winter]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert targets(db) == ((Quarter(2025, 1), 72.5),)
        # The reason stays for the next quarter of the profile; Enter in a field saves.
        await fill(pilot, quarter="FY25/26 Q2", target="70")
        await pilot.press("enter")
        await settle(pilot)
        assert targets(db) == ((Quarter(2025, 1), 72.5), (Quarter(2025, 2), 70.0))
        table = screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["2025/26 Q1", "2025/26 Q2"]
        entries = list(history_page(db, "SP-01").entries)
        reasons = [(e.actor, e.entity, e.key, e.new) for e in entries if e.field == "reason"]
        assert reasons == [(USER, "target", "SP-01/M1@2025/26 Q2", "Works phased [winter]"), (USER, "target", "SP-01/M1@2025/26 Q1", "Works phased [winter]")]
        # Closing reloads the plan, so the measure's new version is the one edited next.
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ProfiledTargetsScreen)
        editor = app.screen.query_one("#plan-editor")
        assert next(m for m in editor.plan.measures if m.fields.code == "M1").version == m1(db).version


async def test_bad_quarter_published_quarter_and_missing_reason_are_refused_beside_the_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot, db)
        await fill(pilot, quarter="2025 Q1", target="70")
        assert "financial quarter" in error_of(screen, "quarter")
        await fill(pilot, quarter="2024/25 Q3")
        assert "frozen: the 2024/25 Q3 review is published" in error_of(screen, "quarter")
        await fill(pilot, quarter="2024/25 Q4")
        assert error_of(screen, "quarter") == ""
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert error_of(screen, "reason") == "✗ required"
        assert targets(db) == ()
        assert app.screen is screen


async def test_change_a_target_from_its_row_and_clear_another(db):
    measure = m1(db)
    reviews.set_profiled_target(db, "SP-01", "M1", "2024/25 Q4", 70.0, reason="Set up", expected_version=measure.version, actor="setup")
    measure = m1(db)
    reviews.set_profiled_target(db, "SP-01", "M1", "2025/26 Q1", 68.0, reason="Set up", expected_version=measure.version, actor="setup")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot, db)
        table = screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")  # 2024/25 Q4 into the fields
        await pilot.pause()
        assert screen.query_one("#field-quarter", Input).value == "2024/25 Q4"
        await fill(pilot, target="69", reason="Supplier delay")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert targets(db) == ((Quarter(2024, 4), 69.0), (Quarter(2025, 1), 68.0))
        # d on the second row asks why; a blank reason is refused beside the field.
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("d")
        await settle(pilot)
        prompt = app.screen
        assert prompt.id == "reason-form" and "Clear the 2025/26 Q1 target (68)?" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is prompt and error_of(prompt, "reason") == "✗ required"
        await fill(pilot, reason="Profile withdrawn")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert targets(db) == ((Quarter(2024, 4), 69.0),)


async def test_stale_measure_saves_nothing_then_shows_what_is_saved(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot, db)
        await fill(pilot, quarter="2025/26 Q1", target="72", reason="Mine")
        measure = m1(db)
        reviews.set_profiled_target(db, "SP-01", "M1", "2025/26 Q2", 50.0, reason="Theirs", expected_version=measure.version, actor="bob")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert targets(db) == ((Quarter(2025, 2), 50.0),)
        assert "someone else changed this measure" in screen_text(app) and "2025/26 Q2" in screen_text(app)
        assert screen.query_one("#field-target", Input).value == "72"  # what was typed is kept
        await pilot.press("ctrl+s")  # against their version now
        await settle(pilot)
        assert targets(db) == ((Quarter(2025, 1), 72.0), (Quarter(2025, 2), 50.0))


async def test_targets_need_a_measure_under_the_cursor(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("t")  # on the Outputs heading
        await settle(pilot)
        assert not isinstance(app.screen, ProfiledTargetsScreen)
        assert any("cursor on a measure" in str(n.message) for n in app._notifications)
