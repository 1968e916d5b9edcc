"""SVG snapshots of the golden thread with a retired ambition and its priorities open, the ambition form and
the new-plan form (issue 15).

Update after an intended change with `pytest tests/ui/test_snapshots_council_plan.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest
from people import admins
from support import MARKUP, still

from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio

WIDE = (120, 40)
SMALL = (80, 24)

# Named, so the title bar shows the name rather than the database's temporary path.
PLAN = f'''schema_version = 2

[portfolio]
name = "Strategic Projects"
council = "Lancaster City Council"

[[ambitions]]
code = "A1"
title = "A Sustainable District"
plan_period = "2019-2023"
retired = true

[[ambitions]]
code = "B1"
title = "A Greener District"
description = "Net zero by 2030, with the district's residents and businesses."
plan_period = "2024-2027"

[[ambitions.priorities]]
code = "B1.1"
title = "Cut the council's own emissions"

[[ambitions.priorities]]
code = "B1.2"
title = "{MARKUP}"

[[ambitions]]
code = "B2"
title = "A Fairer Economy"
plan_period = "2024-2027"

[[projects]]
code = "SP-01"
name = "Depot decarbonisation"
stage = "delivery"
ambitions = ["B1", "A1"]

[[projects]]
code = "SP-02"
name = "Old recycling trial"
stage = "closed"
ambitions = ["A1"]
'''


@pytest.fixture
def app(tmp_path, make_app):
    db = admins(open_portfolio(f"sqlite:///{tmp_path / 'plan.db'}", create=True))
    import_snapshot(db, PLAN, source="plan.toml", actor="setup")
    yield make_app(db)
    db.dispose()


def _after(*keys: str):
    async def run_before(pilot) -> None:
        await still(pilot)
        await pilot.press(*keys)
        await still(pilot)

    return run_before


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x40", "80x24"])
def test_golden_thread_with_a_retired_ambition(snap_compare, app, size):
    # The cursor on B1's priorities, opened: B1.2's markup-looking title shows as typed.
    assert snap_compare(app, terminal_size=size, run_before=_after("a", "down", "down", "space", "down", "down"))


def test_ambition_form(snap_compare, app):
    # n: the next free code (B3) and the plan's period offered.
    assert snap_compare(app, terminal_size=SMALL, run_before=_after("a", "n"))


def test_new_plan_form(snap_compare, app):
    assert snap_compare(app, terminal_size=SMALL, run_before=_after("a", "N"))
