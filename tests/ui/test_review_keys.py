"""Review mode from the keyboard: the aspect RAGs by key, and a footer that fits.

`t` points the RAG keys (r a g x 0) at the time RAG; each rating moves them on
to cost, scope and benefits, then back to the overall RAG. The footer shows
the keys of the review round and fits at 80 columns; the rest stay in `?`
help and the command palette.
"""

from __future__ import annotations

import pytest
from support import open_review, review_app, settle
from textual.widgets import Select, Static
from textual.widgets._footer import FooterKey, FooterLabel

from projtui.domain.enums import Rag
from projtui.domain.quarter import Quarter
from projtui.services import reviews
from projtui.ui.commands import BindingCommands
from projtui.ui.screens.help import HelpScreen
from projtui.ui.screens.review import ReviewScreen
from projtui.ui.widgets.review_form import ASPECTS

NEXT = Quarter(2026, 3)  # nothing reviewed yet in the sample: drafts are made here


def aspect_values(screen: ReviewScreen) -> dict[str, str]:
    return {aspect: screen.query_one(f"#rv-{aspect}", Select).value for aspect in ASPECTS}


def armed_boxes(screen: ReviewScreen) -> list[str]:
    return [aspect for aspect in ASPECTS if screen.query_one(f"#rv-{aspect}-box").has_class("-armed")]


def aspect_hint(screen: ReviewScreen) -> str:
    return str(screen.query_one("#rv-aspect-hint", Static).render())


# -- the aspect RAGs by key ------------------------------------------------------------------


async def test_t_then_four_ratings_sets_time_cost_scope_benefits_and_saves_them(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("g", "t")
        assert screen.armed == "time_rag" and armed_boxes(screen) == ["time_rag"]
        assert aspect_hint(screen) == "r a g x 0 → Time RAG · Esc stops"
        await pilot.press("g", "a")
        assert screen.armed == "scope_rag" and armed_boxes(screen) == ["scope_rag"]
        await pilot.press("r", "x")
        assert screen.armed is None and armed_boxes(screen) == []  # after benefits: back to the overall RAG
        assert aspect_values(screen) == {"time_rag": "green", "cost_rag": "amber", "scope_rag": "red", "benefits_rag": "complete"}
        assert screen.overall is Rag.GREEN
        await pilot.press("a")  # the overall RAG again
        assert screen.overall is Rag.AMBER and aspect_values(screen)["time_rag"] == "green"
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT).fields
        assert (saved.rag, saved.time_rag, saved.cost_rag, saved.scope_rag, saved.benefits_rag) == (
            Rag.AMBER, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.COMPLETE,
        )


async def test_t_again_skips_an_aspect_and_escape_stops_without_leaving(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("t", "t", "t")
        assert screen.armed == "scope_rag" and "→ Scope RAG" in aspect_hint(screen)
        await pilot.press("a", "escape")
        assert screen.armed is None and armed_boxes(screen) == []
        assert pilot.app.screen is screen  # Esc stopped the aspects; a second Esc would leave
        assert aspect_values(screen) == {"time_rag": "not_set", "cost_rag": "not_set", "scope_rag": "amber", "benefits_rag": "not_set"}
        assert aspect_hint(screen) == "t, then r a g x 0: aspect RAGs"
        await pilot.press("r")
        assert screen.overall is Rag.RED and aspect_values(screen)["benefits_rag"] == "not_set"


async def test_moving_to_another_project_starts_on_the_overall_rag(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("t", "g", "j")
        await settle(pilot)
        assert screen.current_code == "SP-02" and screen.armed is None and armed_boxes(screen) == []
        # SP-01's time RAG was saved as a draft on the way out
        assert reviews.get_review(sample_db, "SP-01", NEXT).fields.time_rag is Rag.GREEN


async def test_a_published_review_ignores_the_aspect_keys(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)  # 2026/27 Q2: SP-01 is published
        before = aspect_values(screen)
        await pilot.press("t", "r")
        assert screen.armed is None and aspect_values(screen) == before and screen.overall is Rag.GREEN
        assert aspect_hint(screen) == ""


async def test_the_aspects_stay_in_view_two_by_two_when_narrow(sample_db):
    async with review_app(sample_db).run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, NEXT)
        sheet = screen.query_one("#rv-sheet").region
        for aspect in ASPECTS:
            box = screen.query_one(f"#rv-{aspect}-box").region
            assert sheet.contains_region(box), aspect


# -- the footer -------------------------------------------------------------------------------


def footer_items(screen: ReviewScreen) -> list[str]:
    return [
        str(item.render()).strip()
        for item in screen.query("Footer > *, Footer KeyGroup > *")
        if isinstance(item, FooterKey | FooterLabel)
    ]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_footer_fits_with_the_round_keys(sample_db, size):
    async with review_app(sample_db).run_test(size=size) as pilot:
        for quarter, expected in (
            (NEXT, ["esc Back", "^s Save", "p Publish", "n Unreviewed", "[", "]", "Quarter", "f Filter", "? Help", "^p palette"]),
            (None, ["esc Back", "o Re-open", "n Unreviewed", "[", "]", "Quarter", "f Filter", "? Help", "^p palette"]),
        ):
            screen = await open_review(pilot, quarter)
            await pilot.pause()
            assert footer_items(screen) == expected
            width = size[0]
            for item in screen.query("Footer FooterKey, Footer FooterLabel"):
                assert item.region.right <= width, str(item.render())
            # nothing hidden behind the palette key on the right
            palette = screen.query_one("Footer FooterKey.-command-palette").region
            for item in screen.query("Footer FooterKey, Footer FooterLabel"):
                if not item.has_class("-command-palette"):
                    assert item.region.right <= palette.x, str(item.render())
            screen.dismiss(None)
            await settle(pilot)


async def test_keys_off_the_footer_are_in_help_and_the_palette(sample_db):
    app = review_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        hidden = [b for b in ReviewScreen.BINDINGS if not b.show and b.action != "clear_filter"]  # F: only with a filter
        assert {b.action for b in hidden} >= {"next_changed", "arm_aspect", "set_rag('red')", "step(1)"}
        palette = BindingCommands(screen)
        names = {name for name, _, _ in palette._commands()}
        for binding in hidden:
            assert (binding.tooltip or binding.description) in names, binding.action
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        described = {key.description for group in app.screen.groups for key in group.keys}
        for binding in ReviewScreen.BINDINGS:
            if binding.action not in {"clear_filter", "reopen"}:  # shown only with a filter, on a published review
                assert (binding.tooltip or binding.description) in described, binding.action


async def test_keys_in_the_same_read_as_m_move_in_the_measures(sample_db):
    # "m", Down, Enter typed fast or sent by a screen reader arrive in one terminal read: m must move the focus
    # to the measures before Down is handled, or Down moves to the next project and Enter opens nothing.
    from textual import events

    from projtui.ui.screens.actual_dialog import ActualScreen

    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        project = screen.sheet.project_code
        for key in ("m", "down", "enter"):
            pilot.app.post_message(events.Key(key, None))
        await settle(pilot)
        assert isinstance(pilot.app.screen, ActualScreen), pilot.app.screen
        assert screen.sheet.project_code == project
        assert pilot.app.screen.line.code == screen.sheet.measures[1].code
