"""Review mode shows the project's open high (red) risks and issues while it is rated, and nothing when there are none."""

from __future__ import annotations

from dataclasses import replace

from support import open_review, review_app, settle
from textual.widgets import Static


def _risks(screen) -> Static:
    return screen.query_one("#rv-risks", Static)


async def _to(pilot, screen, code: str) -> None:
    while screen.current_code != code:
        await pilot.press("j")
        await settle(pilot)


async def test_open_red_risks_and_issues_show_while_the_project_is_rated(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert screen.current_code == "SP-01"
        assert not _risks(screen).display  # an amber risk and a closed one: nothing to show
        await _to(pilot, screen, "SP-08")
        box = _risks(screen)
        assert box.display
        assert str(box.render()).splitlines() == [
            "⚠ 3 open high risks and issues (6 on the project screen):",
            "  R03 20 ▲ Red issue: Grid connection upgrade delayed by the DNO",
            "  R02 16 ▲ Red risk: Construction cost inflation above the 5% contingency",
            "  R01 15 ▲ Red risk: Heat pump contractor insolvency",
        ]
        await _to(pilot, screen, "SP-11")
        assert not _risks(screen).display  # 12: amber under the default bands


async def test_the_bands_in_the_settings_decide_what_is_high(sample_db):
    app = review_app(sample_db)
    app.settings = replace(app.settings, risk_bands={"amber": 4, "red": 12})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        await _to(pilot, screen, "SP-11")
        assert str(_risks(screen).render()).splitlines()[1:] == ["  R01 12 ▲ Red risk: Service redesign savings slip into next year"]
