"""SVG snapshots of the portfolio, the golden thread, the ambition picker, help and the confirm dialog.

Fixed terminal sizes (120×40 and 80×24) and the bundled sample portfolio,
which carries no clock-dependent text: nothing here moves between runs.
Update after an intended change with
`pytest tests/ui/test_snapshots_portfolio.py --snapshot-update` and look at the report before committing.
"""

from __future__ import annotations

import pytest
from support import MARKUP, still

from projtui.domain.enums import Stage
from projtui.domain.records import ProjectFields
from projtui.services import projects
from projtui.services.opening import open_portfolio
from projtui.ui.screens.portfolio import FILTER_DELAY

WIDE = (120, 40)
SMALL = (80, 24)


@pytest.fixture
def app(sample_db, make_app):
    return make_app(sample_db)


def _after(*keys: str, wait: float = 0.0):
    async def run_before(pilot) -> None:
        await still(pilot)
        await pilot.press(*keys)
        if wait:
            await pilot.pause(wait)
        await still(pilot)

    return run_before


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x40", "80x24"])
def test_portfolio(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=still)


def test_portfolio_wide_200x60(snap_compare, app):
    assert snap_compare(app, terminal_size=(200, 60), run_before=still)


def test_portfolio_filtered(snap_compare, app):
    # Typed, then Enter: the table has the focus again and the filter stays.
    assert snap_compare(app, terminal_size=WIDE, run_before=_after("slash", *"hous", wait=FILTER_DELAY))


def test_portfolio_filtered_while_typing_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=SMALL, run_before=_after("slash", *"sp-1", wait=FILTER_DELAY))


def test_portfolio_grouped_by_ambition(snap_compare, app):
    assert snap_compare(app, terminal_size=WIDE, run_before=_after("g"))


def test_portfolio_sorted_by_rag_descending_light(snap_compare, app):
    assert snap_compare(app, terminal_size=WIDE, run_before=_after("5", "r", "ctrl+t"))


def test_portfolio_markup_name(snap_compare, sample_db, make_app):
    projects.create_project(
        sample_db, ProjectFields(code="SP-18", name=MARKUP, stage=Stage.DELIVERY, lead="[b]Lead[/b]"), actor="setup", ambitions=["A2"]
    )
    assert snap_compare(make_app(sample_db), terminal_size=WIDE, run_before=_after("end"))


def test_stage_picker(snap_compare, app):
    assert snap_compare(app, terminal_size=SMALL, run_before=_after("s"))


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x40", "80x24"])
def test_golden_thread(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=_after("a"))


def test_golden_thread_light(snap_compare, app):
    assert snap_compare(app, terminal_size=WIDE, run_before=_after("a", "ctrl+t", "down", "down"))


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x40", "80x24"])
def test_ambition_picker(snap_compare, app, size):
    # SP-08 under A1 (below its folded priorities and SP-01): its links are A1 (primary) and A3.
    assert snap_compare(app, terminal_size=size, run_before=_after("a", "down", "down", "down", "l"))


def test_ambition_picker_rule(snap_compare, app):
    # Every link unticked on a project in delivery: the rule is said before saving.
    assert snap_compare(app, terminal_size=WIDE, run_before=_after("a", "down", "down", "down", "l", "space", "down", "down", "space"))


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x40", "80x24"])
def test_help(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=_after("question_mark"))


def test_help_golden_thread(snap_compare, app):
    assert snap_compare(app, terminal_size=WIDE, run_before=_after("a", "question_mark"))


def test_confirm(snap_compare, app):
    # Changing the links and pressing Esc asks before throwing the change away.
    assert snap_compare(app, terminal_size=SMALL, run_before=_after("a", "down", "down", "down", "l", "space", "escape"))


def test_welcome(snap_compare, tmp_path, monkeypatch, make_app):
    # A relative path, so the database's name on screen is the same on every run.
    monkeypatch.chdir(tmp_path)
    db = open_portfolio("sqlite:///portfolio.db", create=True)
    try:
        assert snap_compare(make_app(db, offer_sample=True), terminal_size=SMALL, run_before=still)
    finally:
        db.dispose()


def test_new_project_form(snap_compare, app):
    # n: the form opens on Code with the next free one offered; Name, stage (pipeline) and the rest below.
    assert snap_compare(app, terminal_size=SMALL, run_before=_after("n"))
