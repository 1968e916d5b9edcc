"""`services.checks`: a dated target needs a dated baseline before it, or its status cannot follow a trajectory."""

from __future__ import annotations

import pytest

from projtui.services.checks import KINDS, find_gaps
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio

# One project, fully linked and owned, so the only gaps are the measures' own.
PORTFOLIO = """schema_version = 1
[[ambitions]]
code = "A1"
title = "A Sustainable District"
[[projects]]
code = "SP-01"
name = "Heat pumps"
stage = "delivery"
ambitions = ["A1"]
[[projects.outputs]]
code = "O1"
title = "Pumps installed"
outcomes = ["OC1"]
[[projects.outcomes]]
code = "OC1"
title = "Lower emissions"
benefits = ["B1"]
[[projects.benefits]]
code = "B1"
title = "Less gas"
owner = "Facilities manager"
"""

MEASURES = {
    # the line runs from 2023/24 Q4 to 2026/27 Q4: nothing to report
    "M1": 'baseline = 100.0\nbaseline_period = "2023/24 Q4"\ntarget = 60.0\ntarget_period = "2026/27 Q4"',
    "M2": 'target = 60.0\ntarget_period = "2026/27 Q4"',
    "M3": 'baseline = 100.0\ntarget = 60.0\ntarget_period = "2026/27 Q4"',
    "M4": 'baseline = 100.0\nbaseline_period = "2026/27 Q4"\ntarget = 60.0\ntarget_period = "2026/27 Q4"',
    # a target with no date is the plan's figure for every quarter: no trajectory was promised
    "M5": 'baseline = 100.0\nbaseline_period = "2023/24 Q4"\ntarget = 60.0',
    # no baseline and no dated target: only "has no baseline"
    "M6": "target = 60.0",
}


@pytest.fixture
def gaps(tmp_path):
    text = PORTFOLIO + "".join(
        f'[[projects.benefits.measures]]\ncode = "{code}"\nname = "Gas {code}"\nunit = "kWh"\ndirection = "lower"\n'
        f'owner = "Energy officer"\n{fields}\n'
        for code, fields in MEASURES.items()
    )
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    try:
        import_snapshot(db, text, source="checks.toml", actor="tester")
        found, _ = find_gaps(db)
    finally:
        db.dispose()
    return {(gap.key.removeprefix("SP-01/"), gap.kind): gap.message for gap in found}


def test_a_dated_target_without_a_dated_baseline_before_it_is_one_gap(gaps):
    assert sorted(gaps) == [
        ("M2", "target_no_trajectory"),
        ("M3", "target_no_trajectory"),
        ("M4", "target_no_trajectory"),
        ("M6", "measure_no_baseline"),
    ]


def test_the_message_says_what_is_missing(gaps):
    assert gaps["M2", "target_no_trajectory"] == (
        "measure M2 'Gas M2' has a target for 2026/27 Q4 but no baseline, so its status cannot follow a trajectory"
    )
    assert "but no baseline period," in gaps["M3", "target_no_trajectory"]
    assert "baseline period 2026/27 Q4 on or after its target period 2026/27 Q4" in gaps["M4", "target_no_trajectory"]


def test_the_kind_is_reported_among_the_measures():
    kinds = list(KINDS)
    assert KINDS["target_no_trajectory"] == "measures"
    assert kinds.index("measure_no_baseline") < kinds.index("target_no_trajectory") < kinds.index("missing_actual")
