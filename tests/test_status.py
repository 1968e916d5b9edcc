"""Measure status, direction of travel, achievement and the benefit roll-up.

The core of the quarterly report. Boundary cases use figures that are exact
in binary floating point (76 = 80 - 5 % of 80, 104.5 = 95 + 10 % of 95), and
a few deliberately inexact ones (0.81 = 0.9 - 10 % of 0.9) check that the
rounding slack rates them the way an officer would.
"""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from projtui.domain.enums import Aggregation, Direction, Frequency, Rag
from projtui.domain.measures import (
    MeasureRule,
    MeasureStatus,
    OnTrackCount,
    Travel,
    achievement,
    benefit_on_track,
    count_statuses,
    measure_status,
    on_trajectory,
    previous_due_quarter,
    rollup_counts,
    status,
    target_for,
    target_max_for,
    travel,
    travel_vs_last_year,
    travel_vs_previous_quarter,
)
from projtui.domain.quarter import Quarter
from projtui.domain.records import MeasureFields

S = MeasureStatus
ON, AMBER, OFF = S.ON_TARGET, S.WITHIN_TOLERANCE, S.OFF_TARGET
HIGHER, LOWER, RANGE = Direction.HIGHER, Direction.LOWER, Direction.RANGE
CUMULATIVE = Aggregation.CUMULATIVE
UP, SAME, DOWN, NONE = Travel.IMPROVING, Travel.SAME, Travel.WORSENING, Travel.NO_COMPARISON


def Q(label: str) -> Quarter:
    return Quarter.parse(label)


def higher(target: float | None = 80.0, tolerance: float | None = 5.0, **kw: object) -> MeasureRule:
    return MeasureRule(direction=HIGHER, target=target, tolerance=tolerance, **kw)


def lower(target: float | None = 20.0, tolerance: float | None = 10.0, **kw: object) -> MeasureRule:
    return MeasureRule(direction=LOWER, target=target, tolerance=tolerance, **kw)


def band(low: float | None = 85.0, high: float | None = 95.0, tolerance: float | None = 10.0, **kw: object) -> MeasureRule:
    return MeasureRule(direction=RANGE, target=low, target_max=high, tolerance=tolerance, **kw)


def rate(rule: MeasureRule, actual: float | None) -> MeasureStatus:
    """Status against the rule's own (annual) target."""
    return status(rule, actual, rule.target)


# -- vocabularies -----------------------------------------------------------------


def test_status_values_are_the_stored_strings() -> None:
    assert [s.value for s in MeasureStatus] == [
        "on_target",
        "within_tolerance",
        "off_target",
        "no_data",
        "not_due",
        "monitor_only",
    ]


def test_status_rag_mapping() -> None:
    assert ON.rag is Rag.GREEN
    assert AMBER.rag is Rag.AMBER
    assert OFF.rag is Rag.RED
    for s in (S.NO_DATA, S.NOT_DUE, S.MONITOR_ONLY):
        assert s.rag is Rag.NOT_SET


def test_rated_statuses_share_their_rag_shape() -> None:
    for s in (ON, AMBER, OFF):
        assert s.symbol == s.rag.symbol


@pytest.mark.parametrize("enum", [MeasureStatus, Travel])
def test_every_member_has_a_distinct_one_character_symbol_and_a_label(enum: type) -> None:
    symbols = [m.symbol for m in enum]
    assert all(len(sym) == 1 and not sym.isspace() for sym in symbols)
    assert len(set(symbols)) == len(symbols)  # shape alone tells them apart
    assert all(m.label and m.label[0].isupper() for m in enum)


def test_no_data_and_not_due_look_different() -> None:
    # "Not due this quarter" is not "missing".
    assert S.NO_DATA.symbol != S.NOT_DUE.symbol
    assert S.NO_DATA.label != S.NOT_DUE.label


def test_assessed_and_rank() -> None:
    assert {s for s in S if s.assessed} == {ON, AMBER, OFF, S.NO_DATA}
    assert OFF.rank < AMBER.rank < ON.rank
    assert S.NO_DATA.rank is S.NOT_DUE.rank is S.MONITOR_ONLY.rank is None


def test_travel_symbols_and_reversal() -> None:
    assert (UP.symbol, SAME.symbol, DOWN.symbol) == ("↑", "→", "↓")
    assert NONE.symbol == "–"
    assert UP.reversed() is DOWN and DOWN.reversed() is UP
    assert SAME.reversed() is SAME and NONE.reversed() is NONE


# -- the measure's rule -------------------------------------------------------------


def test_rule_defaults_are_a_quarterly_snapshot_higher_is_better_monitor_only() -> None:
    r = MeasureRule()
    assert (r.direction, r.aggregation, r.frequency) == (HIGHER, Aggregation.SNAPSHOT, Frequency.QUARTERLY)
    assert r.monitor_only and not r.cumulative


def test_rule_from_measure_fields() -> None:
    fields = MeasureFields(
        name="Gas consumption",
        direction="lower",
        baseline=100.0,
        target=65.0,
        tolerance=5,
        aggregation="cumulative",
        frequency="annually",
        target_period="2026/27 Q4",
    )
    assert MeasureRule.from_measure(fields) == MeasureRule(
        direction=LOWER,
        target=65.0,
        tolerance=5.0,
        aggregation=CUMULATIVE,
        frequency=Frequency.ANNUALLY,
        baseline=100.0,
        target_period=Q("2026/27 Q4"),
    )


def test_rule_from_a_store_row_with_plain_strings() -> None:
    row = SimpleNamespace(
        direction="range",
        target=2,
        target_max=4,
        tolerance=None,
        aggregation="snapshot",
        frequency="half_yearly",
        baseline=None,
        baseline_period="2024/25 Q4",
        target_period=None,
        unit="%",
        name="Void rate",  # extra attributes are ignored
    )
    r = MeasureRule.from_measure(row)
    assert r.direction is RANGE and r.frequency is Frequency.HALF_YEARLY
    assert (r.baseline_period, r.target_period) == (Q("2024/25 Q4"), None)
    assert (r.target, r.target_max) == (2.0, 4.0)
    assert isinstance(r.target, float)


def test_rule_from_measure_needs_every_attribute() -> None:
    # A missing tolerance quietly read as "no amber band" would turn ambers red.
    with pytest.raises(AttributeError):
        MeasureRule.from_measure(SimpleNamespace(direction="higher", target=1.0))


def test_rule_is_frozen() -> None:
    with pytest.raises(AttributeError):
        higher().target = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"direction": "range", "target": 1.0}, "needs both target and target_max"),
        ({"direction": "range", "target_max": 1.0}, "needs both target and target_max"),
        ({"direction": "range", "target": 5.0, "target_max": 1.0}, "above target_max"),
        ({"direction": "higher", "target": 1.0, "target_max": 2.0}, "only when direction"),
        ({"tolerance": -1.0}, "0 to 100"),
        ({"tolerance": 101.0}, "0 to 100"),
        ({"target": math.nan}, "finite"),
        ({"baseline": math.inf}, "finite"),
        ({"direction": "sideways"}, "sideways"),
    ],
)
def test_rule_refuses_inconsistent_measures(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MeasureRule(**kwargs)  # type: ignore[arg-type]


def test_rule_refuses_non_numbers() -> None:
    with pytest.raises(TypeError):
        MeasureRule(target="80")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        MeasureRule(target=True)  # type: ignore[arg-type]


# -- status: higher is better --------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (120.0, ON),
        (80.0, ON),  # exactly on target
        (79.0, AMBER),
        (76.0, AMBER),  # exactly at the edge: 80 - 5 % of 80
        (75.99, OFF),
        (75.0, OFF),
        (0.0, OFF),
        (-80.0, OFF),
    ],
)
def test_higher_is_better(actual: float, expected: MeasureStatus) -> None:
    assert rate(higher(80.0, 5.0), actual) is expected


@pytest.mark.parametrize("tolerance", [None, 0, 0.0])
def test_higher_without_tolerance_has_no_amber(tolerance: float | None) -> None:
    r = higher(80.0, tolerance)
    assert rate(r, 80.0) is ON
    assert rate(r, 79.999) is OFF


def test_higher_full_tolerance_reaches_zero() -> None:
    r = higher(80.0, 100.0)
    assert rate(r, 0.0) is AMBER
    assert rate(r, -0.5) is OFF


# -- status: lower is better ----------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (0.0, ON),
        (-5.0, ON),
        (20.0, ON),  # exactly on target
        (21.0, AMBER),
        (22.0, AMBER),  # exactly at the edge: 20 + 10 % of 20
        (22.01, OFF),
        (40.0, OFF),
    ],
)
def test_lower_is_better(actual: float, expected: MeasureStatus) -> None:
    assert rate(lower(20.0, 10.0), actual) is expected


@pytest.mark.parametrize("tolerance", [None, 0.0])
def test_lower_without_tolerance_has_no_amber(tolerance: float | None) -> None:
    assert rate(lower(20.0, tolerance), 20.0) is ON
    assert rate(lower(20.0, tolerance), 20.001) is OFF


# -- status: negative and zero targets --------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (-9.0, ON),
        (-10.0, ON),
        (-10.5, AMBER),
        (-11.0, AMBER),  # amber lies below a negative target, not above it
        (-11.5, OFF),
    ],
)
def test_higher_with_a_negative_target(actual: float, expected: MeasureStatus) -> None:
    # e.g. "net change in households in temporary accommodation, at least -10".
    assert rate(higher(-10.0, 10.0), actual) is expected


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (-12.0, ON),
        (-10.0, ON),
        (-9.5, AMBER),
        (-9.0, AMBER),
        (-8.5, OFF),
        (0.0, OFF),
    ],
)
def test_lower_with_a_negative_target(actual: float, expected: MeasureStatus) -> None:
    # e.g. "carbon emissions change, -10 % or better".
    assert rate(lower(-10.0, 10.0), actual) is expected


def test_zero_target_has_no_amber_band() -> None:
    # 10 % of nothing is nothing: a "zero data breaches" measure is on or off.
    assert rate(lower(0.0, 10.0), 0.0) is ON
    assert rate(lower(0.0, 10.0), -1.0) is ON
    assert rate(lower(0.0, 10.0), 1.0) is OFF
    assert rate(higher(0.0, 10.0), 0.0) is ON
    assert rate(higher(0.0, 10.0), -0.001) is OFF


# -- status: exactness ------------------------------------------------------------------


def test_figures_typed_at_a_boundary_rate_as_at_the_boundary() -> None:
    # 0.9 - 0.9 * 10 / 100 is not exactly 0.81 in binary; the officer typed 0.81.
    assert rate(higher(0.9, 10.0), 0.81) is AMBER
    assert rate(lower(0.7, 10.0), 0.77) is AMBER
    assert rate(higher(0.3, None), 0.1 + 0.2) is ON
    assert rate(lower(0.1 + 0.2, None), 0.3) is ON
    # ...but a real shortfall, however small in a report, still counts.
    assert rate(higher(0.9, 10.0), 0.8099) is OFF
    assert rate(higher(1_000_000.0, None), 999_999.0) is OFF


def test_slack_is_relative_to_the_boundary() -> None:
    assert rate(higher(1e9, None), 1e9 - 0.5) is ON  # half a unit in a billion: rounding
    assert rate(higher(1e9, None), 1e9 - 2.0) is OFF


# -- status: ranges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (90.0, ON),
        (85.0, ON),  # bottom edge
        (95.0, ON),  # top edge
        (80.0, AMBER),
        (76.5, AMBER),  # exactly 10 % of 85 below the bottom
        (76.0, OFF),
        (100.0, AMBER),
        (104.5, AMBER),  # exactly 10 % of 95 above the top
        (105.0, OFF),
        (0.0, OFF),
    ],
)
def test_range(actual: float, expected: MeasureStatus) -> None:
    # e.g. "leisure centre occupancy between 85 % and 95 %".
    assert rate(band(85.0, 95.0, 10.0), actual) is expected


def test_range_without_tolerance() -> None:
    r = band(85.0, 95.0, None)
    assert rate(r, 85.0) is ON and rate(r, 95.0) is ON
    assert rate(r, 84.9) is OFF and rate(r, 95.1) is OFF


def test_range_with_negative_bounds() -> None:
    # Amber is 50 % of the nearer bound's size: [-6, -1].
    r = band(-4.0, -2.0, 50.0)
    assert [rate(r, a) for a in (-6.5, -6.0, -5.0, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5)] == [
        OFF, AMBER, AMBER, ON, ON, ON, AMBER, AMBER, OFF,
    ]  # fmt: skip


def test_range_of_one_value() -> None:
    r = band(3.0, 3.0, None)
    assert (rate(r, 3.0), rate(r, 2.0), rate(r, 4.0)) == (ON, OFF, OFF)


def test_range_takes_the_quarters_own_top() -> None:
    r = band(40.0, 60.0, None)
    assert status(r, 70.0, 40.0) is OFF
    assert status(r, 70.0, 40.0, target_max=80.0) is ON


def test_range_with_a_bottom_above_its_top_is_an_error() -> None:
    with pytest.raises(ValueError, match="above its top"):
        status(band(85.0, 95.0), 90.0, 96.0)


# -- status: order of the rules ----------------------------------------------------------------


def test_no_target_is_monitor_only_whatever_else() -> None:
    for r in (higher(None), lower(None), band(None, None)):
        assert status(r, 12.0, None) is S.MONITOR_ONLY
        assert status(r, None, None) is S.MONITOR_ONLY
        assert status(r, 12.0, None, due=False) is S.MONITOR_ONLY


def test_not_due_is_not_missing() -> None:
    assert status(higher(), None, 80.0, due=False) is S.NOT_DUE
    # A figure entered early does not make the measure due.
    assert status(higher(), 10.0, 80.0, due=False) is S.NOT_DUE
    assert status(higher(), None, 80.0) is S.NO_DATA


def test_non_finite_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="actual"):
        status(higher(), math.nan, 80.0)
    with pytest.raises(ValueError, match="target"):
        status(higher(), 1.0, math.inf)


# -- targets for a quarter ---------------------------------------------------------------------


def test_snapshot_target_is_the_annual_target_every_quarter() -> None:
    r = higher(80.0)
    assert [target_for(r, Quarter(2024, n)) for n in (1, 2, 3, 4)] == [80.0] * 4


def test_cumulative_target_is_spread_evenly_over_the_year() -> None:
    r = higher(100.0, aggregation=CUMULATIVE)
    assert [target_for(r, Quarter(2024, n)) for n in (1, 2, 3, 4)] == [25.0, 50.0, 75.0, 100.0]
    # It resets in April.
    assert target_for(r, Quarter(2025, 1)) == 25.0


def test_cumulative_lower_and_negative_targets_spread_too() -> None:
    assert target_for(lower(40.0, aggregation=CUMULATIVE), Q("2024/25 Q2")) == 20.0
    assert target_for(higher(-200.0, aggregation=CUMULATIVE), Q("2024/25 Q3")) == -150.0


def test_profiled_target_overrides() -> None:
    q2 = Q("2024/25 Q2")
    profile = {q2: 70.0}
    assert target_for(higher(80.0), q2, profile) == 70.0
    assert target_for(higher(80.0), Q("2024/25 Q3"), profile) == 80.0  # only its own quarter
    # A cumulative profile is year to date already: not spread again.
    assert target_for(higher(100.0, aggregation=CUMULATIVE), q2, {q2: 30.0}) == 30.0
    # A profile alone is a target for that quarter.
    assert target_for(higher(None), q2, profile) == 70.0
    assert target_for(higher(None), Q("2024/25 Q3"), profile) is None


def test_no_target_gives_no_target() -> None:
    assert target_for(higher(None), Q("2024/25 Q1")) is None
    assert target_for(band(None, None), Q("2024/25 Q1")) is None


def test_range_top_for_a_quarter() -> None:
    assert target_max_for(band(80.0, 120.0), Q("2024/25 Q2")) == 120.0
    assert target_max_for(band(80.0, 120.0, aggregation=CUMULATIVE), Q("2024/25 Q2")) == 60.0
    assert target_max_for(higher(), Q("2024/25 Q2")) is None
    assert target_max_for(band(None, None), Q("2024/25 Q2")) is None


def test_profiled_target_must_be_finite() -> None:
    q = Q("2024/25 Q1")
    with pytest.raises(ValueError, match="profiled target for 2024/25 Q1"):
        target_for(higher(), q, {q: math.nan})


# -- the trajectory from baseline to target -------------------------------------------------
#
# The sample's long-horizon case: 25 % in 2023/24 Q4, 37 % by 2026/27 Q4 (12 quarters, 1 point each).


def towards_37(**kw: object) -> MeasureRule:
    return higher(37.0, baseline=25.0, baseline_period="2023/24 Q4", target_period="2026/27 Q4", **kw)


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        ("2022/23 Q1", 25.0),  # long before the baseline: the baseline is expected
        ("2023/24 Q3", 25.0),  # the quarter before the baseline
        ("2023/24 Q4", 25.0),  # at the baseline
        ("2024/25 Q1", 26.0),  # one step on
        ("2024/25 Q4", 29.0),
        ("2025/26 Q2", 31.0),  # midway
        ("2026/27 Q3", 36.0),  # one step short
        ("2026/27 Q4", 37.0),  # at the target period
        ("2027/28 Q1", 37.0),  # after it the end target stands
        ("2030/31 Q4", 37.0),
    ],
)
def test_snapshot_target_follows_the_line_from_baseline_to_target(quarter: str, expected: float) -> None:
    assert target_for(towards_37(), Q(quarter)) == expected


def test_a_step_is_one_decimal_place_finer_than_the_plan_figures() -> None:
    r = higher(37.0, baseline=33.2, baseline_period="2023/24 Q4", target_period="2026/27 Q4")
    assert target_for(r, Q("2026/27 Q2")) == 36.37  # 33.2 + 3.8 * 10 / 12 = 36.3666…
    whole = higher(125_000.0, baseline=118_000.0, baseline_period="2023/24 Q4", target_period="2026/27 Q4")
    assert target_for(whole, Q("2026/27 Q2")) == 123_833.3
    # So an actual typed at the printed figure meets it.
    assert measure_status(r, Q("2026/27 Q2"), {Q("2026/27 Q2"): 36.37}) is ON


@pytest.mark.parametrize("unit", ["£", "GBP", " pounds "])
def test_a_money_step_stops_at_the_plans_own_precision_never_fractional_pounds(unit: str) -> None:
    whole = lower(215_000.0, baseline=310_000.0, baseline_period="2023/24 Q4", target_period="2026/27 Q4", unit=unit)
    assert target_for(whole, Q("2026/27 Q2")) == 230_833  # 310,000 - 95,000 * 10 / 12 = 230,833.33…
    pence = lower(3.5, baseline=7.2, baseline_period="2023/24 Q4", target_period="2026/27 Q4", unit=unit)
    assert target_for(pence, Q("2024/25 Q1")) == 6.89  # 7.2 - 3.7 / 12 = 6.8916…: to the penny
    # £k figures are thousands: a tenth of one is £100, not a fraction of a pound.
    thousands = lower(215.0, baseline=310.0, baseline_period="2023/24 Q4", target_period="2026/27 Q4", unit="£k")
    assert target_for(thousands, Q("2026/27 Q2")) == 230.8


def test_a_falling_line_for_lower_is_better() -> None:
    r = lower(60.0, baseline=100.0, baseline_period="2024/25 Q1", target_period="2025/26 Q1")
    assert [target_for(r, Quarter(2024, n)) for n in (1, 2, 3, 4)] == [100.0, 90.0, 80.0, 70.0]
    assert target_for(r, Q("2025/26 Q1")) == 60.0


@pytest.mark.parametrize(
    "missing",
    [
        {"baseline": None},
        {"baseline_period": None},
        {"target_period": None},
        {"target_period": "2023/24 Q4"},  # no later than the baseline: no line to follow
        {"target_period": "2022/23 Q4"},
    ],
)
def test_without_a_line_the_end_target_applies_every_quarter(missing: dict[str, object]) -> None:
    r = higher(37.0, **{"baseline": 25.0, "baseline_period": "2023/24 Q4", "target_period": "2026/27 Q4", **missing})
    assert {target_for(r, Q(q)) for q in ("2022/23 Q1", "2023/24 Q4", "2025/26 Q2", "2028/29 Q1")} == {37.0}
    assert not on_trajectory(r, Q("2025/26 Q2"))


def test_a_profiled_target_overrides_the_line() -> None:
    q = Q("2025/26 Q2")
    assert target_for(towards_37(), q, {q: 35.0}) == 35.0
    assert target_for(towards_37(), Q("2025/26 Q3"), {q: 35.0}) == 32.0  # only its own quarter
    assert not on_trajectory(towards_37(), q, {q: 35.0})


def test_on_trajectory_before_the_target_period_only() -> None:
    r = towards_37()
    assert on_trajectory(r, Q("2023/24 Q1")) and on_trajectory(r, Q("2026/27 Q3"))
    assert not on_trajectory(r, Q("2026/27 Q4")) and not on_trajectory(r, Q("2027/28 Q1"))
    # A baseline already at the target has nowhere to go.
    assert not on_trajectory(higher(37.0, baseline=37.0, baseline_period="2023/24 Q4", target_period="2026/27 Q4"), Q("2024/25 Q1"))
    assert not on_trajectory(higher(None, baseline=1.0, baseline_period="2023/24 Q4", target_period="2026/27 Q4"), Q("2024/25 Q1"))


def test_status_is_judged_against_the_line() -> None:
    # 2025/26 Q2 expects 31 (5 % tolerance: amber down to 29.45); the end target of 37 would make all three red.
    r = towards_37()
    q = Q("2025/26 Q2")
    assert [measure_status(r, q, {q: actual}) for actual in (31.0, 30.0, 29.0)] == [ON, AMBER, OFF]


def test_cumulative_line_steps_by_financial_year_then_spreads_over_the_year() -> None:
    # Annual savings from 100 (2023/24) to 400 (2026/27): each year's total reads the line at its Q4.
    r = higher(400.0, aggregation=CUMULATIVE, baseline=100.0, baseline_period="2023/24 Q4", target_period="2026/27 Q4")
    assert [target_for(r, Quarter(2024, n)) for n in (1, 2, 3, 4)] == [50.0, 100.0, 150.0, 200.0]
    assert target_for(r, Q("2025/26 Q4")) == 300.0
    assert [target_for(r, Quarter(2026, n)) for n in (1, 4)] == [100.0, 400.0]
    assert target_for(r, Q("2029/30 Q2")) == 200.0
    assert target_for(r, Q("2022/23 Q2")) == 50.0  # before the baseline: the baseline year's total, to date
    assert on_trajectory(r, Q("2025/26 Q1")) and not on_trajectory(r, Q("2026/27 Q1"))


def test_cumulative_target_in_mid_year_applies_to_that_whole_year() -> None:
    r = higher(100.0, aggregation=CUMULATIVE, baseline=0.0, baseline_period="2024/25 Q4", target_period="2025/26 Q2")
    assert [target_for(r, Quarter(2025, n)) for n in (1, 2, 3, 4)] == [25.0, 50.0, 75.0, 100.0]


def test_range_line_moves_the_end_the_baseline_starts_outside_of() -> None:
    periods = {"baseline_period": "2024/25 Q4", "target_period": "2025/26 Q4"}  # four steps
    q = Q("2025/26 Q2")  # halfway
    below = band(80.0, 90.0, baseline=60.0, **periods)
    assert (target_for(below, q), target_max_for(below, q)) == (70.0, 90.0)
    above = band(80.0, 90.0, baseline=110.0, **periods)
    assert (target_for(above, q), target_max_for(above, q)) == (80.0, 100.0)
    inside = band(80.0, 90.0, baseline=85.0, **periods)
    assert (target_for(inside, q), target_max_for(inside, q)) == (80.0, 90.0)
    assert on_trajectory(below, q) and on_trajectory(above, q) and not on_trajectory(inside, q)
    # At and after the target period, the band itself.
    assert (target_for(above, Q("2025/26 Q4")), target_max_for(above, Q("2026/27 Q1"))) == (80.0, 90.0)
    # Judged against the widened band: 95 is inside it halfway, off the band at the end (10 % tolerance: amber).
    assert measure_status(above, q, {q: 95.0}) is ON
    assert measure_status(above, Q("2025/26 Q4"), {Q("2025/26 Q4"): 95.0}) is AMBER


def test_cumulative_range_line_spreads_both_ends_to_date() -> None:
    r = band(80.0, 120.0, aggregation=CUMULATIVE, baseline=160.0, baseline_period="2024/25 Q4", target_period="2026/27 Q4")
    q2 = Q("2025/26 Q2")  # the 2025/26 total reads the line halfway: top 140
    assert (target_for(r, q2), target_max_for(r, q2)) == (40.0, 70.0)


def test_rule_reads_period_labels_and_refuses_bad_ones() -> None:
    assert towards_37().baseline_period == Quarter(2023, 4)
    with pytest.raises(ValueError, match="not a financial quarter"):
        higher(baseline_period="2023 Q5")
    with pytest.raises(TypeError, match="target_period"):
        higher(target_period=202304)  # type: ignore[arg-type]


# -- measure_status ----------------------------------------------------------------------------


def test_measure_status_quarterly_snapshot() -> None:
    r = higher(80.0, 5.0)
    actuals = {Q("2024/25 Q1"): 82.0, Q("2024/25 Q2"): 77.0, Q("2024/25 Q3"): 70.0}
    assert [measure_status(r, Quarter(2024, n), actuals) for n in (1, 2, 3, 4)] == [ON, AMBER, OFF, S.NO_DATA]


def test_measure_status_cumulative_q2_target_is_half_the_annual() -> None:
    r = higher(100.0, 5.0, aggregation=CUMULATIVE)
    q2 = Q("2024/25 Q2")
    assert measure_status(r, q2, {q2: 50.0}) is ON
    assert measure_status(r, q2, {q2: 47.5}) is AMBER  # 50 - 5 % of 50
    assert measure_status(r, q2, {q2: 47.0}) is OFF
    # Judged against the annual target it would have been red all year.
    assert status(r, 50.0, 100.0) is OFF


def test_measure_status_cumulative_lower_is_better() -> None:
    # Complaints in the year to date, no more than 40 a year.
    r = lower(40.0, None, aggregation=CUMULATIVE)
    actuals = {Q("2024/25 Q1"): 10.0, Q("2024/25 Q2"): 21.0, Q("2024/25 Q3"): 29.0, Q("2024/25 Q4"): 40.0}
    assert [measure_status(r, q, actuals) for q in actuals] == [ON, OFF, ON, ON]


def test_measure_status_profiled_target_overrides() -> None:
    r = higher(80.0, None)
    q1 = Q("2024/25 Q1")
    assert measure_status(r, q1, {q1: 60.0}) is OFF
    assert measure_status(r, q1, {q1: 60.0}, {q1: 60.0}) is ON


def test_measure_status_profiled_range_moves_only_the_bottom() -> None:
    r = band(85.0, 95.0, None)
    q1 = Q("2024/25 Q1")
    assert measure_status(r, q1, {q1: 72.0}) is OFF
    assert measure_status(r, q1, {q1: 72.0}, {q1: 70.0}) is ON
    assert measure_status(r, q1, {q1: 96.0}, {q1: 70.0}) is OFF


def test_measure_status_annual_measure_is_due_only_at_year_end() -> None:
    r = higher(80.0, None, frequency=Frequency.ANNUALLY)
    q2, q4 = Q("2024/25 Q2"), Q("2024/25 Q4")
    assert measure_status(r, q2, {}) is S.NOT_DUE
    assert measure_status(r, q2, {q2: 10.0}) is S.NOT_DUE
    assert measure_status(r, q4, {}) is S.NO_DATA
    assert measure_status(r, q4, {q4: 85.0}) is ON


def test_measure_status_half_yearly() -> None:
    r = lower(20.0, None, frequency="half_yearly")
    actuals = {Q("2024/25 Q2"): 18.0, Q("2024/25 Q4"): 25.0}
    assert [measure_status(r, Quarter(2024, n), actuals) for n in (1, 2, 3, 4)] == [
        S.NOT_DUE, ON, S.NOT_DUE, OFF,
    ]  # fmt: skip


def test_measure_status_monthly_measure_is_due_every_quarter() -> None:
    r = higher(1.0, None, frequency=Frequency.MONTHLY)
    assert measure_status(r, Q("2024/25 Q3"), {}) is S.NO_DATA


def test_measure_status_monitor_only() -> None:
    r = higher(None, frequency=Frequency.ANNUALLY)
    assert measure_status(r, Q("2024/25 Q4"), {Q("2024/25 Q4"): 5.0}) is S.MONITOR_ONLY
    assert measure_status(r, Q("2024/25 Q2"), {}) is S.MONITOR_ONLY


def test_measure_status_cumulative_range_spreads_the_band() -> None:
    # Spend in the year to date between 80 and 120 (thousand pounds) a year.
    r = band(80.0, 120.0, 10.0, aggregation=CUMULATIVE)
    q2 = Q("2024/25 Q2")
    assert measure_status(r, q2, {q2: 50.0}) is ON  # band [40, 60] at Q2
    assert measure_status(r, q2, {q2: 36.0}) is AMBER  # 40 - 10 % of 40
    assert measure_status(r, q2, {q2: 66.0}) is AMBER  # 60 + 10 % of 60
    assert measure_status(r, q2, {q2: 80.0}) is OFF


# -- direction of travel -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "current", "previous", "expected"),
    [
        (higher(), 70.0, 60.0, UP),
        (higher(), 60.0, 70.0, DOWN),
        (higher(), 60.0, 60.0, SAME),
        (higher(), -1.0, -2.0, UP),
        (lower(), 15.0, 18.0, UP),  # a fall is improving
        (lower(), 18.0, 15.0, DOWN),
        (lower(), 15.0, 15.0, SAME),
        (lower(), -3.0, -2.0, UP),
        (higher(None), 5.0, 3.0, UP),  # monitor-only measures still show a trend
        (lower(None), 5.0, 3.0, DOWN),
        (higher(), None, 60.0, NONE),
        (higher(), 60.0, None, NONE),
        (lower(), None, None, NONE),
    ],
)
def test_travel_higher_and_lower(rule: MeasureRule, current: float | None, previous: float | None, expected: Travel) -> None:
    assert travel(rule, current, previous) is expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (80.0, 70.0, UP),  # closer from below
        (70.0, 80.0, DOWN),
        (100.0, 110.0, UP),  # closer from above
        (110.0, 100.0, DOWN),
        (88.0, 70.0, UP),  # into the band
        (90.0, 100.0, UP),
        (100.0, 90.0, DOWN),  # out of the band
        (86.0, 94.0, SAME),  # anywhere inside is on it
        (95.0, 85.0, SAME),
        (100.0, 80.0, SAME),  # 5 below to 5 above: no closer
        (101.0, 80.0, DOWN),  # crossed over and ended further away
        (99.0, 80.0, UP),
        (None, 80.0, NONE),
    ],
)
def test_travel_range(current: float | None, previous: float | None, expected: Travel) -> None:
    assert travel(band(85.0, 95.0), current, previous) is expected


def test_travel_range_without_a_band_has_no_comparison() -> None:
    assert travel(band(None, None), 5.0, 3.0) is NONE


def test_travel_same_absorbs_rounding_only() -> None:
    assert travel(higher(), 0.1 + 0.2, 0.3) is SAME
    assert travel(lower(), 0.3, 0.1 + 0.2) is SAME
    assert travel(higher(), 0.0, 0.0) is SAME
    assert travel(higher(), 0.0, -0.0) is SAME
    assert travel(higher(), 1e9 + 10, 1e9) is UP  # small, but real
    assert travel(higher(), 1e9 + 0.5, 1e9) is SAME  # rounding at that scale
    assert travel(higher(), 0.30001, 0.3) is UP


# -- travel against the previous report and last year -----------------------------------------------


def test_previous_due_quarter() -> None:
    q1, q4 = Q("2024/25 Q1"), Q("2024/25 Q4")
    assert previous_due_quarter("quarterly", q1) == Q("2023/24 Q4")
    assert previous_due_quarter(Frequency.MONTHLY, q4) == Q("2024/25 Q3")
    assert previous_due_quarter(Frequency.HALF_YEARLY, q4) == Q("2024/25 Q2")
    assert previous_due_quarter(Frequency.HALF_YEARLY, Q("2024/25 Q2")) == Q("2023/24 Q4")
    assert previous_due_quarter(Frequency.ANNUALLY, q4) == Q("2023/24 Q4")
    assert previous_due_quarter(Frequency.ANNUALLY, q1) == Q("2023/24 Q4")
    assert previous_due_quarter(Frequency.QUARTERLY, Quarter(1900, 1)) is None


def test_travel_vs_previous_quarter_snapshot() -> None:
    actuals = {Q("2023/24 Q4"): 60.0, Q("2024/25 Q1"): 65.0, Q("2024/25 Q2"): 62.0}
    assert travel_vs_previous_quarter(higher(), Q("2024/25 Q1"), actuals) is UP  # across the year end
    assert travel_vs_previous_quarter(higher(), Q("2024/25 Q2"), actuals) is DOWN
    assert travel_vs_previous_quarter(lower(), Q("2024/25 Q2"), actuals) is UP
    assert travel_vs_previous_quarter(higher(), Q("2024/25 Q3"), actuals) is NONE
    assert travel_vs_previous_quarter(higher(), Q("2023/24 Q4"), actuals) is NONE


def test_travel_vs_previous_report_follows_the_cadence() -> None:
    half = higher(frequency=Frequency.HALF_YEARLY)
    actuals = {Q("2024/25 Q2"): 50.0, Q("2024/25 Q4"): 55.0}
    assert travel_vs_previous_quarter(half, Q("2024/25 Q4"), actuals) is UP  # Q4 against Q2, not Q3
    assert travel_vs_previous_quarter(half, Q("2024/25 Q3"), actuals) is NONE  # not due
    annual = lower(frequency=Frequency.ANNUALLY)
    actuals = {Q("2023/24 Q4"): 30.0, Q("2024/25 Q4"): 25.0}
    assert travel_vs_previous_quarter(annual, Q("2024/25 Q4"), actuals) is UP


def test_travel_vs_previous_quarter_cumulative_compares_each_quarters_own_amount() -> None:
    # Homes insulated, year to date: 30 in Q1, 20 more in Q2, 25 more in Q3.
    r = higher(100.0, aggregation=CUMULATIVE)
    actuals = {
        Q("2023/24 Q3"): 60.0,
        Q("2023/24 Q4"): 90.0,  # 30 in last year's Q4
        Q("2024/25 Q1"): 30.0,
        Q("2024/25 Q2"): 50.0,
        Q("2024/25 Q3"): 75.0,
    }
    assert travel_vs_previous_quarter(r, Q("2024/25 Q2"), actuals) is DOWN  # 20 < 30, though YTD rose
    assert travel_vs_previous_quarter(r, Q("2024/25 Q3"), actuals) is UP  # 25 > 20
    assert travel_vs_previous_quarter(r, Q("2024/25 Q1"), actuals) is SAME  # 30 against last Q4's 30
    del actuals[Q("2023/24 Q3")]
    assert travel_vs_previous_quarter(r, Q("2024/25 Q1"), actuals) is NONE  # last Q4's own amount unknown


def test_travel_vs_previous_report_cumulative_half_yearly() -> None:
    r = lower(aggregation=CUMULATIVE, frequency=Frequency.HALF_YEARLY)
    actuals = {Q("2024/25 Q2"): 12.0, Q("2024/25 Q4"): 20.0}  # 12 in H1, 8 in H2
    assert travel_vs_previous_quarter(r, Q("2024/25 Q4"), actuals) is UP


def test_travel_vs_previous_quarter_cumulative_range_uses_a_quarters_share_of_the_band() -> None:
    # Annual band [80, 120]: one quarter's share is [20, 30].
    r = band(80.0, 120.0, aggregation=CUMULATIVE)
    actuals = {Q("2024/25 Q1"): 25.0, Q("2024/25 Q2"): 60.0}  # 25 then 35
    assert travel_vs_previous_quarter(r, Q("2024/25 Q2"), actuals) is DOWN
    actuals = {Q("2024/25 Q1"): 15.0, Q("2024/25 Q2"): 40.0}  # 15 then 25
    assert travel_vs_previous_quarter(r, Q("2024/25 Q2"), actuals) is UP


def test_travel_vs_last_year() -> None:
    actuals = {Q("2023/24 Q2"): 70.0, Q("2024/25 Q1"): 90.0, Q("2024/25 Q2"): 75.0}
    q2 = Q("2024/25 Q2")
    assert travel_vs_last_year(higher(), q2, actuals) is UP  # 75 against 70, not against Q1's 90
    assert travel_vs_last_year(lower(), q2, actuals) is DOWN
    assert travel_vs_last_year(higher(), Q("2024/25 Q1"), actuals) is NONE
    assert travel_vs_last_year(band(71.0, 74.0), q2, actuals) is SAME  # 1 below, then 1 above


def test_travel_vs_last_year_cumulative_is_year_to_date_against_year_to_date() -> None:
    r = higher(100.0, aggregation=CUMULATIVE)
    actuals = {Q("2023/24 Q2"): 45.0, Q("2023/24 Q4"): 100.0, Q("2024/25 Q2"): 50.0}
    assert travel_vs_last_year(r, Q("2024/25 Q2"), actuals) is UP


def test_travel_vs_last_year_cumulative_range_spreads_the_band_to_date() -> None:
    # Annual band [80, 120] is [40, 60] at Q2. Last year 50 (inside), this year 70 (10 above).
    r = band(80.0, 120.0, aggregation=CUMULATIVE)
    actuals = {Q("2023/24 Q2"): 50.0, Q("2024/25 Q2"): 70.0}
    assert travel_vs_last_year(r, Q("2024/25 Q2"), actuals) is DOWN
    # Judged against the whole year's band it would have looked like improvement.
    assert travel(r, 70.0, 50.0) is UP


def test_travel_vs_last_year_follows_the_cadence() -> None:
    r = higher(frequency=Frequency.ANNUALLY)
    actuals = {Q("2023/24 Q2"): 1.0, Q("2024/25 Q2"): 2.0, Q("2023/24 Q4"): 1.0, Q("2024/25 Q4"): 2.0}
    assert travel_vs_last_year(r, Q("2024/25 Q2"), actuals) is NONE
    assert travel_vs_last_year(r, Q("2024/25 Q4"), actuals) is UP
    assert travel_vs_last_year(r, Quarter(1900, 4), {}) is NONE


# -- achievement ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "actual", "baseline", "target", "expected"),
    [
        (higher(), 75.0, 50.0, 100.0, 0.5),
        (higher(), 100.0, 50.0, 100.0, 1.0),
        (higher(), 125.0, 50.0, 100.0, 1.5),  # beating the target
        (higher(), 50.0, 50.0, 100.0, 0.0),
        (higher(), 25.0, 50.0, 100.0, -0.5),  # going backwards
        (lower(), 80.0, 100.0, 60.0, 0.5),  # the sign flips with polarity by itself
        (lower(), 60.0, 100.0, 60.0, 1.0),
        (lower(), 120.0, 100.0, 60.0, -0.5),
        (lower(), -15.0, -10.0, -20.0, 0.5),
        (higher(), -15.0, -20.0, -10.0, 0.5),
        (band(85.0, 95.0), 80.0, 75.0, 85.0, 0.5),  # below the band: towards its bottom
        (band(85.0, 95.0), 100.0, 105.0, 85.0, 0.5),  # above the band: towards its top
        (band(85.0, 95.0), 90.0, 105.0, 85.0, 1.5),
    ],
)
def test_achievement(rule: MeasureRule, actual: float, baseline: float, target: float, expected: float) -> None:
    assert achievement(rule, actual, baseline, target) == expected


def test_achievement_matches_the_design_example() -> None:
    # DESIGN.md: gas consumption, lower is better, baseline 100, target 65.
    assert achievement(lower(65.0), 80.5, 100.0, 65.0) == pytest.approx(19.5 / 35)


@pytest.mark.parametrize(
    ("rule", "actual", "baseline", "target"),
    [
        (higher(), None, 50.0, 100.0),
        (higher(), 75.0, None, 100.0),
        (higher(), 75.0, 50.0, None),
        (higher(), 75.0, 100.0, 100.0),  # no distance to travel
        (lower(), 0.0, 0.0, 0.0),
        (band(85.0, 95.0), 90.0, 90.0, 85.0),  # baseline already inside the band
        (band(85.0, 95.0), 90.0, 85.0, 85.0),
        (band(None, None), 90.0, 80.0, None),
    ],
)
def test_achievement_undefined(rule: MeasureRule, actual: float | None, baseline: float | None, target: float | None) -> None:
    assert achievement(rule, actual, baseline, target) is None


def test_achievement_range_takes_the_quarters_own_top() -> None:
    r = band(40.0, 60.0, aggregation=CUMULATIVE)
    assert achievement(r, 70.0, 80.0, 20.0, target_max=30.0) == 0.2


# -- benefit roll-up ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], None),  # no measures yet
        ([S.MONITOR_ONLY], None),
        ([S.NOT_DUE, S.MONITOR_ONLY], None),
        ([ON], True),
        ([AMBER], True),  # within the agreed tolerance
        ([ON, AMBER, S.NOT_DUE, S.MONITOR_ONLY], True),
        ([OFF], False),
        ([ON, OFF], False),
        ([S.NO_DATA], False),  # missing data is not good news
        ([ON, S.NO_DATA, S.NOT_DUE], False),
        (["on_target", "not_due"], True),
    ],
)
def test_benefit_on_track(statuses: list[MeasureStatus], expected: bool | None) -> None:
    assert benefit_on_track(statuses) is expected
    assert benefit_on_track(iter(statuses)) is expected  # any iterable, read once


def test_rollup_counts() -> None:
    measures_per_benefit = [[ON, AMBER], [OFF], [S.NOT_DUE], [ON], [ON, S.MONITOR_ONLY]]
    count = rollup_counts(benefit_on_track(m) for m in measures_per_benefit)
    assert count == OnTrackCount(on_track=3, assessed=4, not_assessed=1)
    assert str(count) == "3/4"
    assert (count.total, count.off_track, count.all_on_track) == (5, 1, False)


def test_status_counts_add_up_two_lists() -> None:
    """KPIs and project measures counted together (the report's summary) are the two counts added, status by status."""
    kpis, projects = count_statuses([ON, OFF, S.MONITOR_ONLY]), count_statuses([ON, AMBER, S.NO_DATA])
    both = kpis + projects
    assert both == count_statuses([ON, OFF, S.MONITOR_ONLY, ON, AMBER, S.NO_DATA])
    assert (both.total, both.rated, both.on_or_within) == (6, 4, 3)


def test_rollup_counts_empty_and_all_on_track() -> None:
    assert str(rollup_counts([])) == "–"
    assert rollup_counts([]).all_on_track is None
    assert str(rollup_counts([None, None])) == "–"
    assert rollup_counts([True, None]).all_on_track is True


# -- properties ---------------------------------------------------------------------------------------------

values = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
tolerances = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))
rated = st.sampled_from([ON, AMBER, OFF])
polar = st.sampled_from([HIGHER, LOWER])


@given(target=values, tolerance=tolerances, a=values, b=values)
def test_higher_status_never_gets_worse_as_the_actual_rises(target: float, tolerance: float | None, a: float, b: float) -> None:
    r = higher(target, tolerance)
    low, high = sorted((a, b))
    assert rate(r, low).rank <= rate(r, high).rank


@given(target=values, tolerance=tolerances, a=values, b=values)
def test_lower_status_never_gets_worse_as_the_actual_falls(target: float, tolerance: float | None, a: float, b: float) -> None:
    r = lower(target, tolerance)
    low, high = sorted((a, b))
    assert rate(r, low).rank >= rate(r, high).rank


@given(bounds=st.tuples(values, values), tolerance=tolerances, a=values, b=values)
def test_range_status_never_gets_worse_nearer_the_band(
    bounds: tuple[float, float], tolerance: float | None, a: float, b: float
) -> None:
    lo, hi = sorted(bounds)
    r = band(lo, hi, tolerance)
    # Two actuals on the same side of the band: the nearer one rates no worse.
    below = sorted((min(a, lo), min(b, lo)))
    assert rate(r, below[0]).rank <= rate(r, below[1]).rank
    above = sorted((max(a, hi), max(b, hi)))
    assert rate(r, above[0]).rank >= rate(r, above[1]).rank
    assert rate(r, lo) is rate(r, hi) is rate(r, (lo + hi) / 2) is ON


@given(target=values, tolerance=tolerances, actual=values)
def test_swapping_polarity_and_negating_is_symmetric(target: float, tolerance: float | None, actual: float) -> None:
    assert rate(higher(target, tolerance), actual) is rate(lower(-target, tolerance), -actual)


@given(bounds=st.tuples(values, values), tolerance=tolerances, actual=values)
def test_negating_a_range_is_symmetric(bounds: tuple[float, float], tolerance: float | None, actual: float) -> None:
    lo, hi = sorted(bounds)
    assert rate(band(lo, hi, tolerance), actual) is rate(band(-hi, -lo, tolerance), -actual)


@given(target=values, tolerance=tolerances, actual=values)
def test_on_target_and_amber_follow_the_written_rule(target: float, tolerance: float | None, actual: float) -> None:
    # Away from the rounding slack the rule is the plain inequality.
    edge = target - abs(target) * (tolerance or 0) / 100
    assume(abs(actual - target) > 1e-6 * max(1.0, abs(target)))
    assume(abs(actual - edge) > 1e-6 * max(1.0, abs(edge)))
    expected = ON if actual > target else AMBER if actual > edge else OFF
    assert rate(higher(target, tolerance), actual) is expected


@given(target=values, tolerance=tolerances, actual=values, due=st.booleans())
def test_status_is_always_one_of_the_rated_ones_when_due_with_data(
    target: float, tolerance: float | None, actual: float, due: bool
) -> None:
    s = status(higher(target, tolerance), actual, target, due=due)
    assert s in ((ON, AMBER, OFF) if due else (S.NOT_DUE,))


@given(
    direction=st.sampled_from([HIGHER, LOWER, RANGE]),
    bounds=st.tuples(values, values),
    a=st.one_of(st.none(), values),
    b=st.one_of(st.none(), values),
)
def test_travel_reversed_is_the_reverse(direction: Direction, bounds: tuple[float, float], a: float | None, b: float | None) -> None:
    lo, hi = sorted(bounds)
    r = band(lo, hi) if direction is RANGE else MeasureRule(direction=direction, target=lo)
    forward, backward = travel(r, a, b), travel(r, b, a)
    assert backward is forward.reversed()
    if a is None or b is None:
        assert forward is NONE
    else:
        assert forward is not NONE
    if a == b and a is not None:
        assert forward is SAME


@given(a=values, b=values)
def test_travel_polarity_swap_is_symmetric(a: float, b: float) -> None:
    assert travel(higher(), a, b) is travel(lower(), -a, -b)
    assert travel(higher(), a, b) is travel(lower(), a, b).reversed()


@given(bounds=st.tuples(values, values), tolerance=tolerances, a=values, b=values, below=st.booleans())
def test_travel_agrees_with_status_on_one_side_of_a_range(
    bounds: tuple[float, float], tolerance: float | None, a: float, b: float, below: bool
) -> None:
    # On one side of the band, a strictly better status is never "worsening".
    # (Across the band it can be: the amber margins are a percentage of each
    # end, so with [-100, 1] a move from 0.5 above to 5 below goes red to
    # amber while moving further away; travel is about distance.)
    lo, hi = sorted(bounds)
    a, b = (min(a, lo), min(b, lo)) if below else (max(a, hi), max(b, hi))
    r = band(lo, hi, tolerance)
    if rate(r, a).rank > rate(r, b).rank:
        assert travel(r, a, b) is not DOWN


@given(direction=polar, target=values, tolerance=tolerances, a=values, b=values)
def test_travel_agrees_with_status(direction: Direction, target: float, tolerance: float | None, a: float, b: float) -> None:
    r = MeasureRule(direction=direction, target=target, tolerance=tolerance)
    if rate(r, a).rank > rate(r, b).rank:
        assert travel(r, a, b) is not DOWN


def test_travel_across_a_lopsided_range_follows_distance_not_status() -> None:
    r = band(-100.0, 1.0, 10.0)  # amber from -110 to 1.1
    assert (rate(r, 1.5), rate(r, -105.0)) == (OFF, AMBER)
    assert travel(r, -105.0, 1.5) is DOWN


@given(direction=polar, actual=values, baseline=values, target=values)
def test_achievement_polarity_swap_is_symmetric(direction: Direction, actual: float, baseline: float, target: float) -> None:
    other = LOWER if direction is HIGHER else HIGHER
    left = achievement(MeasureRule(direction=direction), actual, baseline, target)
    right = achievement(MeasureRule(direction=other), -actual, -baseline, -target)
    assert left == right
    assert (left is None) == (target == baseline)


@given(annual=values, tolerance=tolerances, fy=st.integers(2000, 2100))
def test_cumulative_targets_build_up_to_the_annual_one(annual: float, tolerance: float | None, fy: int) -> None:
    r = higher(annual, tolerance, aggregation=CUMULATIVE)
    targets = [target_for(r, Quarter(fy, n)) for n in (1, 2, 3, 4)]
    assert targets[3] == annual
    assert targets[1] == annual / 2
    steps = [b - a for a, b in itertools.pairwise([0.0, *targets])]
    assert all(step == pytest.approx(annual / 4, rel=1e-12, abs=1e-9) for step in steps)


@given(st.lists(st.sampled_from(list(MeasureStatus)), max_size=8), st.randoms())
def test_benefit_roll_up_ignores_order_and_matches_its_definition(statuses: list[MeasureStatus], rnd: object) -> None:
    shuffled = list(statuses)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    result = benefit_on_track(statuses)
    assert benefit_on_track(shuffled) is result
    if any(s in (OFF, S.NO_DATA) for s in statuses):
        assert result is False
    elif any(s in (ON, AMBER) for s in statuses):
        assert result is True
    else:
        assert result is None


@given(st.lists(st.sampled_from([True, False, None])))
def test_rollup_counts_add_up(results: list[bool | None]) -> None:
    count = rollup_counts(results)
    assert count.total == len(results)
    assert count.on_track == results.count(True)
    assert count.off_track == results.count(False)
    assert count.not_assessed == results.count(None)


# -- the trajectory's properties ----------------------------------------------------------

quarters = st.builds(Quarter, st.integers(2015, 2035), st.integers(1, 4))


@st.composite
def lines(draw: st.DrawFn) -> tuple[MeasureRule, float, float]:
    """A measure with a line from its baseline to its target, and the two figures."""
    first = draw(quarters)
    last = first.shift(draw(st.integers(1, 40)))
    start, end = draw(values), draw(values)
    aggregation = draw(st.sampled_from(list(Aggregation)))
    rule = MeasureRule(
        direction=draw(polar), target=end, baseline=start, baseline_period=first, target_period=last, aggregation=aggregation,
    )
    return rule, start, end


@given(line=lines(), quarter=quarters)
def test_the_line_lies_between_baseline_and_target(line: tuple[MeasureRule, float, float], quarter: Quarter) -> None:
    rule, start, end = line
    whole = target_for(rule, quarter)
    assert whole is not None
    if rule.cumulative:
        whole = whole * 4 / quarter.quarter
    low, high = min(start, end), max(start, end)
    assert low - 1e-9 * max(1.0, abs(low)) <= whole <= high + 1e-9 * max(1.0, abs(high))


@given(line=lines(), a=quarters, b=quarters)
def test_the_line_moves_one_way_only(line: tuple[MeasureRule, float, float], a: Quarter, b: Quarter) -> None:
    rule, start, end = line
    assume(not rule.cumulative)
    a, b = min(a, b), max(a, b)
    ta, tb = target_for(rule, a), target_for(rule, b)
    assert ta is not None and tb is not None
    assert (tb >= ta) if end >= start else (tb <= ta)


@given(line=lines(), quarter=quarters)
def test_the_line_ends_at_the_target_and_starts_at_the_baseline(line: tuple[MeasureRule, float, float], quarter: Quarter) -> None:
    rule, start, end = line
    assume(not rule.cumulative)
    assert rule.target_period is not None and rule.baseline_period is not None
    if quarter >= rule.target_period:
        assert target_for(rule, quarter) == end
    elif quarter <= rule.baseline_period:
        assert target_for(rule, quarter) == start


@given(low=values, width=st.floats(0, 1e6), start=values, first=quarters, steps=st.integers(1, 40), quarter=quarters)
def test_a_range_line_never_narrows_the_band(low: float, width: float, start: float, first: Quarter, steps: int, quarter: Quarter) -> None:
    rule = band(low, low + width, baseline=start, baseline_period=first, target_period=first.shift(steps))
    bottom, top = target_for(rule, quarter), target_max_for(rule, quarter)
    assert bottom is not None and top is not None
    assert bottom <= low and top >= low + width
    assert min(start, low) <= bottom and top <= max(start, low + width)
