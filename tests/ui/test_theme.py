"""A theme switch recolours every RAG at once: the portfolio table, the review queue and sheet, the project's reviews tab."""

from __future__ import annotations

from textual.widgets import DataTable, Select
from support import settle

from projtui.domain.quarter import Quarter
from projtui.ui.screens.project import ProjectScreen
from projtui.ui.screens.review import ReviewScreen

SIZE = (120, 40)
OTHER_THEME = "nord"  # its error/warning/success differ from textual-dark's, unlike textual-light's
REVIEWED = Quarter(2026, 2)  # every sample project has a review in this quarter
SYMBOLS = {"▲": "error", "◆": "warning", "●": "success"}


def rag_colours(strips) -> dict[str, str]:
    """Each RAG symbol drawn in these lines in a rating's style (bold, not dim), with its colour as hex."""
    found = {}
    for strip in strips:
        for segment in strip:
            style = segment.style
            for symbol in SYMBOLS:
                if symbol in segment.text and style is not None and style.bold and not style.dim and style.color is not None:
                    found[symbol] = style.color.get_truecolor().hex
    return found


def expected(app, found: dict[str, str]) -> dict[str, str]:
    return {symbol: app.theme_variables[SYMBOLS[symbol]].lower() for symbol in found}


def lines_of(widget) -> list:
    return [widget.render_line(y) for y in range(widget.size.height)]


async def switch_theme(pilot) -> None:
    before = pilot.app.theme_variables["error"]
    pilot.app.theme = OTHER_THEME
    await settle(pilot)
    assert pilot.app.theme_variables["error"] != before


async def test_the_portfolio_table_follows_the_theme(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#projects")
        before = rag_colours(lines_of(table)[1:])  # under the headings (a sort arrow is a ▲ too)
        assert set(before) == set(SYMBOLS) and before == expected(app, before)
        await switch_theme(pilot)
        after = rag_colours(lines_of(table)[1:])
        assert after == expected(app, after) and set(after) == set(before)
        assert after != before


async def test_the_review_screen_follows_the_theme(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = ReviewScreen(REVIEWED)
        await app.push_screen(screen)
        await settle(pilot)
        queue = screen.query_one("#rv-queue", DataTable)
        parts = {"queue": queue, "overall": screen.query_one("#rv-overall"), "history": screen.query_one("#rv-history")}
        before = {name: rag_colours(lines_of(widget)) for name, widget in parts.items()}
        assert all(before.values()), before
        await switch_theme(pilot)
        for name, widget in parts.items():
            after = rag_colours(lines_of(widget))
            assert after == expected(app, after) and set(after) == set(before[name]), name
            assert after != before[name], name
        assert screen.current_code == queue.coordinate_to_cell_key((queue.cursor_row, 0)).row_key.value
        # The aspect selects name the theme's colours too, when they are drawn.
        aspects = [screen.query_one(f"#rv-{aspect}", Select) for aspect in ("time_rag", "cost_rag", "scope_rag", "benefits_rag")]
        labels = [label for aspect in aspects for label in aspect.query("SelectCurrent *")]
        shown = {symbol: colour for label in labels for symbol, colour in rag_colours(lines_of(label)).items()}
        assert shown and shown == expected(app, shown), shown


async def test_the_project_reviews_tab_follows_the_theme(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#reviews-table", DataTable)
        detail = app.screen.query_one("#review-detail")
        before = rag_colours(lines_of(table)), rag_colours(lines_of(detail))
        assert all(before), before
        await switch_theme(pilot)
        after = rag_colours(lines_of(table)), rag_colours(lines_of(detail))
        for now, was in zip(after, before, strict=True):
            assert now == expected(app, now) and set(now) == set(was) and now != was
