"""`services.checks`: a dated target needs a dated baseline before it; a benefit or measure many projects claim is one gap."""

from __future__ import annotations

import datetime as dt

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


def _find_gaps(tmp_path, text: str):
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    try:
        import_snapshot(db, text, source="checks.toml", actor="tester")
        return find_gaps(db)[0]
    finally:
        db.dispose()


@pytest.fixture
def gaps(tmp_path):
    text = PORTFOLIO + "".join(
        f'[[projects.benefits.measures]]\ncode = "{code}"\nname = "Gas {code}"\nunit = "kWh"\ndirection = "lower"\n'
        f'owner = "Energy officer"\n{fields}\n'
        for code, fields in MEASURES.items()
    )
    return {(gap.key.removeprefix("SP-01/"), gap.kind): gap.message for gap in _find_gaps(tmp_path, text)}


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


def _claimant(number: int, benefit: str, measure_unit: str) -> str:
    """A project claiming the benefit ``benefit``, measured by "Running costs" in ``measure_unit``."""
    return f"""[[projects]]
code = "SP-{number:02d}"
name = "Project {number}"
stage = "pipeline"
[[projects.benefits]]
code = "B1"
title = "{benefit}"
[[projects.benefits.measures]]
code = "M1"
name = "Running costs"
unit = "{measure_unit}"
"""


def test_a_benefit_many_projects_claim_is_one_gap_naming_the_first_few(tmp_path):
    # Titles match trimmed and without case; in natural code order SP-9 comes before SP-10.
    titles = {n: "Reduced running costs" if n % 2 else "  reduced RUNNING costs " for n in range(3, 12)}
    text = "schema_version = 1\n" + "".join(_claimant(n, title, "£k") for n, title in titles.items())
    (gap,) = [gap for gap in _find_gaps(tmp_path, text) if gap.kind == "double_counting" and gap.key.startswith("benefit")]
    assert gap.message == (
        "benefit 'Reduced running costs' is claimed by 9 projects: SP-03, SP-04, SP-05, SP-06, SP-07 and 4 more"
    )
    assert gap.project is None
    assert gap.projects == tuple(f"SP-{n:02d}" for n in range(3, 12))
    assert gap.items == tuple(f"SP-{n:02d}/B1" for n in range(3, 12))


def test_a_measure_is_claimed_twice_only_in_the_same_unit(tmp_path):
    text = "schema_version = 1\n" + "".join(
        _claimant(n, f"Benefit {n}", unit) for n, unit in ((1, "£k"), (2, "£k"), (3, "%"))
    )
    claims = [gap for gap in _find_gaps(tmp_path, text) if gap.kind == "double_counting"]
    assert [gap.message for gap in claims] == ["measure 'Running costs' (£k) is claimed by 2 projects: SP-01 and SP-02"]
    assert claims[0].items == ("SP-01/M1", "SP-02/M1")


def test_findings_across_projects_come_after_every_project_s_own(tmp_path):
    text = "schema_version = 1\n" + "".join(_claimant(n, "Shared", "£k") for n in (1, 2))
    found = _find_gaps(tmp_path, text)
    kinds = [gap.kind for gap in found if not gap.is_note]
    assert kinds[-2:] == ["double_counting", "double_counting"]
    assert "double_counting" not in kinds[:-2]
    # Notes (monitor-only measures) come after every gap.
    assert [gap.is_note for gap in found] == sorted(gap.is_note for gap in found)


def test_open_risks_past_their_review_date_are_gaps_and_closed_ones_are_not(tmp_path):
    risks = "".join(
        f'[[projects.risks]]\ncode = "{code}"\ntitle = "Risk {code}"\nkind = "{kind}"\nstatus = "{status}"\n'
        f"likelihood = 3\nimpact = 4\nreview_by = {review_by}\n"
        for code, kind, status, review_by in (
            ("R01", "risk", "open", "2025-05-31"),  # the day before: overdue
            ("R02", "risk", "open", "2025-06-01"),  # due today: not yet
            ("R03", "risk", "closed", "2024-01-01"),  # closed: never
            ("R04", "issue", "open", "2024-12-31"),
        )
    )
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    try:
        import_snapshot(db, PORTFOLIO.replace("schema_version = 1", "schema_version = 2") + risks, source="checks.toml", actor="tester")
        gaps = [gap for gap in find_gaps(db, today=dt.date(2025, 6, 1))[0] if gap.kind == "risk_past_review"]
    finally:
        db.dispose()
    assert [(gap.project, gap.key, gap.message) for gap in gaps] == [
        ("SP-01", "SP-01/R01", "open risk R01 'Risk R01' was due for review by 2025-05-31"),
        ("SP-01", "SP-01/R04", "open issue R04 'Risk R04' was due for review by 2024-12-31"),
    ]
    assert KINDS["risk_past_review"] == "risks"


# -- direction "none" and the realisation forecast (issue 13) ----------------------------------------------


def _measure(code: str, fields: str) -> str:
    return f'[[projects.benefits.measures]]\ncode = "{code}"\nname = "Measure {code}"\nowner = "Energy officer"\n{fields}\n'


def _series(*figures: float) -> str:
    quarters = ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4", "2025/26 Q1"]
    return "actuals = { " + ", ".join(f'"{q}" = {v}' for q, v in zip(quarters, figures)) + " }"


def test_an_activity_indicator_needs_no_target_nor_baseline(tmp_path):
    text = PORTFOLIO + _measure("M1", f'direction = "none"\n{_series(10, 12, 14, 16)}')
    assert [gap.kind for gap in _find_gaps(tmp_path, text)] == []


def test_every_measure_forecast_to_miss_is_listed(tmp_path):
    text = PORTFOLIO + "".join([
        # 10, 12, 14, 16: 24 by 2025/26 Q4, short of 30
        _measure("M1", f'baseline = 8.0\ntarget = 30.0\ntarget_period = "2025/26 Q4"\n{_series(10, 12, 14, 16)}'),
        # the same trend meets 24
        _measure("M2", f'baseline = 8.0\ntarget = 24.0\ntarget_period = "2025/26 Q4"\n{_series(10, 12, 14, 16)}'),
        # three quarters are too few to forecast
        _measure("M3", f'baseline = 8.0\ntarget = 30.0\ntarget_period = "2025/26 Q4"\n{_series(10, 12, 14)}'),
        # lower is better, and falling fast enough
        _measure("M4", f'direction = "lower"\nbaseline = 20.0\ntarget = 5.0\ntarget_period = "2025/26 Q4"\n{_series(16, 14, 12, 10)}'),
    ])
    found = [gap for gap in _find_gaps(tmp_path, text) if gap.kind == "forecast_to_miss"]
    assert [(gap.key, gap.message) for gap in found] == [
        ("SP-01/M1", "measure M1 'Measure M1' is forecast to miss its target: its trend reaches 24 by 2025/26 Q4, against 30"),
    ]
    assert KINDS["forecast_to_miss"] == "forecasts"


def test_a_project_past_the_pipeline_serving_only_retired_ambitions_is_a_golden_thread_gap(tmp_path):
    """Once a new Council Plan retires the old ambitions, a project still delivering must serve the new plan (issue 15)."""
    text = PORTFOLIO.replace('title = "A Sustainable District"\n', 'title = "A Sustainable District"\nretired = true\n[[ambitions]]\ncode = "A2"\ntitle = "Prosperity"\n')
    text = text.replace("schema_version = 1", "schema_version = 2")
    text += '[[projects]]\ncode = "SP-02"\nname = "Market hall"\nstage = "delivery"\nambitions = ["A1", "A2"]\n'
    text += '[[projects]]\ncode = "SP-03"\nname = "Ideas"\nstage = "pipeline"\nambitions = ["A1"]\n'
    found = [(g.kind, g.project, g.message) for g in _find_gaps(tmp_path, text) if KINDS[g.kind] == "golden thread"]
    # SP-02 still serves A2, in use; a pipeline project need serve none yet.
    assert found == [
        ("retired_ambitions_only", "SP-01", "'Heat pumps' (delivery) serves only retired Council Plan ambitions: link it to one of the current plan"),
    ]


def test_a_pipeline_project_with_no_ambition_is_a_note_not_a_gap(tmp_path):
    """A council's first project starts in the pipeline with no ambition (issue 15): allowed there, so `check` only notes it."""
    text = PORTFOLIO + '[[projects]]\ncode = "SP-02"\nname = "Market hall"\nstage = "pipeline"\n'
    found = [(g.kind, g.project, g.is_note) for g in _find_gaps(tmp_path, text) if KINDS[g.kind] == "golden thread"]
    assert found == [("pipeline_no_ambition", "SP-02", True)]
