"""SVG snapshots of review mode: a published review, a draft with the actual dialog open, the filter,
the aspect RAG keys, and a draft at 80×24.

Update after an intended change with `pytest tests/ui/test_snapshots_review.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

from support import still

from projtui.config import Settings
from projtui.domain.quarter import Quarter
from projtui.ui.app import ProjtuiApp
from projtui.ui.screens.review import ReviewScreen

WIDE = (120, 40)
NARROW = (80, 24)


def _review(quarter: Quarter | None = None, *keys: str):
    async def run_before(pilot) -> None:
        await pilot.app.push_screen(ReviewScreen(quarter))
        await still(pilot)
        if keys:
            await pilot.press(*keys)
            await still(pilot)

    return run_before


def test_published_review(snap_compare, sample_db):
    assert snap_compare(ProjtuiApp(sample_db, Settings(user="tester")), terminal_size=WIDE, run_before=_review())


def test_draft_with_actual_dialog(snap_compare, sample_db):
    # 2026/27 Q3 has nothing yet: amber (unsaved) on SP-01, then Enter on its first measure.
    assert snap_compare(
        ProjtuiApp(sample_db, Settings(user="tester")), terminal_size=WIDE, run_before=_review(Quarter(2026, 3), "a", "m", "enter")
    )


def test_filter_dialog(snap_compare, sample_db):
    assert snap_compare(ProjtuiApp(sample_db, Settings(user="tester")), terminal_size=WIDE, run_before=_review(None, "f"))


def test_filtered_by_ambition(snap_compare, sample_db):
    # f, open the ambition list, down to A2, pick it, apply: the header shows the filter and counts the five listed.
    keys = ("f", "enter", "down", "down", "down", "enter", "ctrl+s")
    assert snap_compare(ProjtuiApp(sample_db, Settings(user="tester")), terminal_size=WIDE, run_before=_review(None, *keys))


def test_aspect_rag_keys(snap_compare, sample_db):
    # Overall green, then t: time green; the RAG keys now set cost, and its label says so.
    assert snap_compare(
        ProjtuiApp(sample_db, Settings(user="tester")), terminal_size=WIDE, run_before=_review(Quarter(2026, 3), "g", "t", "g")
    )


def test_draft_80x24(snap_compare, sample_db):
    # Narrow: the four aspect RAGs two by two, scope armed, and a footer that fits.
    assert snap_compare(
        ProjtuiApp(sample_db, Settings(user="tester")), terminal_size=NARROW, run_before=_review(Quarter(2026, 3), "a", "t", "t", "t")
    )
