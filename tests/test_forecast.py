"""Direction "none", the year-end forecast's status and the realisation forecast (issue 13).

Hand-made series with exact figures: 10, 12, 14, 16 rises 2 a quarter, so
four quarters on it reaches 24.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projtui.domain.enums import Direction
from projtui.domain.errors import InvalidInput
from projtui.domain.measures import (
    MIN_POINTS,
    MeasureRule,
    MeasureStatus,
    Outlook,
    TargetBasis,
    Travel,
    achievement,
    benefit_on_track,
    quarter_figures,
    realisation_forecast,
    status,
    travel,
    travel_vs_last_year,
    travel_vs_previous_quarter,
    year_end_status,
)
from projtui.domain.quarter import Quarter
from projtui.domain.records import MeasureFields, validated

Q1, Q2, Q3, Q4 = (Quarter(2024, n) for n in (1, 2, 3, 4))


def series(*figures: float, first: Quarter = Q1) -> dict[Quarter, float]:
    return {first.shift(i): figure for i, figure in enumerate(figures)}


# -- direction "none" ------------------------------------------------------------------


NONE = MeasureRule(direction=Direction.NONE)


def test_none_is_never_rated_even_when_handed_a_target() -> None:
    assert status(NONE, 12.0, 10.0) is MeasureStatus.MONITOR_ONLY
    assert NONE.monitor_only


def test_none_has_neutral_travel() -> None:
    assert travel(NONE, 12.0, 10.0) is Travel.UP
    assert travel(NONE, 8.0, 10.0) is Travel.DOWN
    assert travel(NONE, 10.0, 10.0) is Travel.SAME
    assert (Travel.UP.label, Travel.DOWN.label) == ("Up", "Down")
    assert Travel.UP.reversed() is Travel.DOWN
    # not the upright arrows, which mean "improving" and "worsening"
    assert {Travel.UP.symbol, Travel.DOWN.symbol}.isdisjoint({Travel.IMPROVING.symbol, Travel.WORSENING.symbol})


def test_none_across_the_rule() -> None:
    actuals = series(100, 90, 95, 110, 120)
    figures = quarter_figures(NONE, Quarter(2025, 1), actuals, {Quarter(2025, 1): 50.0})
    assert figures.status is MeasureStatus.MONITOR_ONLY
    assert figures.target is None and figures.target_basis is TargetBasis.NONE  # a profiled target cannot rate it either
    assert figures.travel_vs_previous is Travel.UP
    assert figures.travel_vs_last_year is Travel.UP
    assert figures.achievement is None
    assert achievement(NONE, 120.0, 100.0, 150.0) is None
    assert benefit_on_track([figures.status]) is None  # says nothing about the benefit
    assert figures.realisation.outlook is Outlook.NO_TARGET and figures.realisation.value == 133.0  # 6 a quarter through (2, 103)


def test_cumulative_none_compares_period_amounts() -> None:
    rule = MeasureRule(direction=Direction.NONE, aggregation="cumulative")
    actuals = series(30, 50, 90)  # 30, then 20, then 40 a quarter
    assert travel_vs_previous_quarter(rule, Q2, actuals) is Travel.DOWN
    assert travel_vs_previous_quarter(rule, Q3, actuals) is Travel.UP
    assert travel_vs_last_year(rule, Q3, actuals) is Travel.NO_COMPARISON


def test_a_none_measure_takes_no_target_but_needs_none() -> None:
    assert validated(MeasureFields, {"name": "Crimes reported", "direction": "none"}).direction is Direction.NONE
    with pytest.raises(InvalidInput, match='no target for a measure whose direction = "none"'):
        validated(MeasureFields, {"name": "Crimes reported", "direction": "none", "target": 5})


# -- the year-end forecast ---------------------------------------------------------------


def test_year_end_forecast_is_rated_against_the_year_end_target() -> None:
    # From 20 in 2023/24 Q4 to 40 in 2024/25 Q4: the trajectory expects 25 at Q1, 40 at the year end.
    rule = MeasureRule(target=40, baseline=20, baseline_period="2023/24 Q4", target_period="2024/25 Q4", tolerance=10)
    assert year_end_status(rule, Q1, 40.0) is MeasureStatus.ON_TARGET
    assert year_end_status(rule, Q1, 36.0) is MeasureStatus.WITHIN_TOLERANCE
    assert year_end_status(rule, Q1, 30.0) is MeasureStatus.OFF_TARGET  # on the Q1 trajectory, short of the year end
    assert year_end_status(rule, Q1, None) is MeasureStatus.NO_DATA
    assert year_end_status(NONE, Q1, 30.0) is MeasureStatus.MONITOR_ONLY


def test_cumulative_year_end_forecast_is_against_the_whole_year() -> None:
    rule = MeasureRule(target=100, aggregation="cumulative", direction="lower")
    assert year_end_status(rule, Q2, 100.0) is MeasureStatus.ON_TARGET
    assert year_end_status(rule, Q2, 60.0) is MeasureStatus.ON_TARGET
    assert year_end_status(rule, Q2, 101.0) is MeasureStatus.OFF_TARGET


def test_year_end_forecast_in_quarter_figures() -> None:
    rule = MeasureRule(target=30)
    figures = quarter_figures(rule, Q2, series(10, 12), forecasts={Q2: 31.0, Q1: 20.0})
    assert figures.year_end_forecast == 31.0 and figures.year_end_status is MeasureStatus.ON_TARGET


# -- the realisation forecast ---------------------------------------------------------


def test_straight_line_reaches_24_four_quarters_on() -> None:
    rule = MeasureRule(target=30, target_period="2025/26 Q4", tolerance=10)
    forecast = realisation_forecast(rule, Q4, series(10, 12, 14, 16))
    assert (forecast.points, forecast.horizon, forecast.value, forecast.target) == (4, Quarter(2025, 4), 24.0, 30.0)
    assert forecast.outlook is Outlook.MISS and forecast.will_miss


@pytest.mark.parametrize(
    ("target", "tolerance", "outlook"),
    [(24, None, Outlook.MEET), (25, 5, Outlook.WITHIN_TOLERANCE), (27, 5, Outlook.MISS)],
)
def test_verdict_is_the_rating_rule(target: float, tolerance: float | None, outlook: Outlook) -> None:
    rule = MeasureRule(target=target, target_period="2025/26 Q4", tolerance=tolerance)
    assert realisation_forecast(rule, Q4, series(10, 12, 14, 16)).outlook is outlook


def test_lower_is_better_falling_meets() -> None:
    rule = MeasureRule(direction="lower", target=5, target_period="2025/26 Q4")
    forecast = realisation_forecast(rule, Q4, series(16, 14, 12, 10))
    assert forecast.value == 2.0 and forecast.outlook is Outlook.MEET


def test_range_outside_the_band_misses() -> None:
    rule = MeasureRule(direction="range", target=15, target_max=20, target_period="2025/26 Q4")
    assert realisation_forecast(rule, Q4, series(10, 12, 14, 16)).outlook is Outlook.MISS
    rule = MeasureRule(direction="range", target=20, target_max=25, target_period="2025/26 Q4")
    assert realisation_forecast(rule, Q4, series(10, 12, 14, 16)).outlook is Outlook.MEET


def test_least_squares_not_the_last_two_points() -> None:
    # 10, 14, 12, 16: the fitted line is 1.6 a quarter through (2.5, 13); at ordinal +8 (Q8): 13 + 1.6 * 5.5 = 21.8.
    rule = MeasureRule(target=20, target_period="2025/26 Q4")
    forecast = realisation_forecast(rule, Q4, series(10, 14, 12, 16))
    assert forecast.value == 21.8 and forecast.outlook is Outlook.MEET


def test_only_the_last_eight_points_count() -> None:
    # An old crash, then eight quarters rising 1 a quarter from 50.
    actuals = series(500, 500, 50, 51, 52, 53, 54, 55, 56, 57, first=Quarter(2022, 3))
    rule = MeasureRule(target=60, target_period="2026/27 Q4")
    forecast = realisation_forecast(rule, Q4, actuals)
    assert forecast.points == 8 and forecast.value == 65.0


def test_later_actuals_are_ignored() -> None:
    rule = MeasureRule(target=30, target_period="2025/26 Q4")
    actuals = {**series(10, 12, 14, 16), Quarter(2025, 1): 1000.0}
    assert realisation_forecast(rule, Q4, actuals).value == 24.0


def test_too_few_points_says_so() -> None:
    rule = MeasureRule(target=30, target_period="2025/26 Q4")
    forecast = realisation_forecast(rule, Q3, series(10, 12, 14, 16))
    assert forecast.points == MIN_POINTS - 1 and forecast.value is None
    assert forecast.outlook is Outlook.TOO_FEW and forecast.outlook.label == "Too few quarters to forecast"
    assert not forecast.will_miss


def test_horizon_is_the_year_end_once_the_target_period_has_passed() -> None:
    rule = MeasureRule(target=20, target_period="2024/25 Q2")
    forecast = realisation_forecast(rule, Quarter(2025, 1), series(10, 12, 14, 16, 18))
    assert forecast.horizon == Quarter(2025, 4) and forecast.value == 24.0 and forecast.outlook is Outlook.MEET


def test_monitor_only_has_a_figure_and_no_verdict() -> None:
    forecast = realisation_forecast(MeasureRule(), Q4, series(10, 12, 14, 16))
    assert forecast.value == 16.0 and forecast.outlook is Outlook.NO_TARGET


@pytest.mark.parametrize("unit", ["£", "GBP", " pounds "])
def test_a_money_trend_is_in_the_plans_own_precision_never_fractional_pounds(unit: str) -> None:
    # As a straight-line target is (test_status): the line through (2.5, 13,000.25) rising 1,600.3 a quarter
    # reads 21,801.9 at Q8, shown as £21,802 when the plan is in whole pounds.
    rule = MeasureRule(target=20_000, target_period="2025/26 Q4", unit=unit)
    assert realisation_forecast(rule, Q4, series(10_000, 14_000, 12_000, 16_001)).value == 21_802
    pence = MeasureRule(target=20.5, target_period="2025/26 Q4", unit=unit)
    assert realisation_forecast(pence, Q4, series(10.25, 14.5, 12.75, 16.51)).value == 22.87  # 22.869: to the penny
    # £k figures are thousands: a tenth of one is £100, not a fraction of a pound.
    thousands = MeasureRule(target=20, target_period="2025/26 Q4", unit="£k")
    assert realisation_forecast(thousands, Q4, series(10, 14, 12, 16.1)).value == 21.99


def test_cumulative_adds_the_trend_of_the_quarterly_amounts_to_the_year_to_date() -> None:
    # Year to date 20, 45, 70, 100 then 25, 50: amounts 20, 25, 25, 30, 25, 25 a quarter, whose line
    # through (3.5, 25) rises 6/7 a quarter; 2025/26 Q3 and Q4 (x = 7, 8) add 28 + 28 6/7; with the 50 so far, 106.857...
    rule = MeasureRule(target=100, aggregation="cumulative")
    actuals = {**series(20, 45, 70, 100), Quarter(2025, 1): 25.0, Quarter(2025, 2): 50.0}
    forecast = realisation_forecast(rule, Quarter(2025, 2), actuals)
    assert forecast.points == 6 and forecast.horizon == Quarter(2025, 4)
    assert forecast.value == 106.9 and forecast.target == 100.0 and forecast.outlook is Outlook.MEET


def test_cumulative_half_yearly_amounts_are_per_quarter() -> None:
    # 40 by Q2 and 80 by Q4 each year: 20 a quarter throughout, so the next year ends at 80.
    rule = MeasureRule(target=80, aggregation="cumulative", frequency="half_yearly", target_period="2026/27 Q4")
    actuals = {Quarter(year, q): 40.0 * q / 2 for year in (2024, 2025) for q in (2, 4)}
    forecast = realisation_forecast(rule, Quarter(2025, 4), actuals)
    assert forecast.points == 4 and forecast.value == 80.0 and forecast.outlook is Outlook.MEET


tenths = st.integers(-10_000, 10_000)


@given(start=tenths, step=tenths, length=st.integers(4, 12), ahead=st.integers(1, 12), direction=st.sampled_from(["higher", "lower"]))
def test_a_series_exactly_on_target_meets_it(start: int, step: int, length: int, ahead: int, direction: str) -> None:
    # Figures in tenths, as typed; the target is where the same straight line stands at the target period.
    last = Q1.shift(length - 1)
    horizon = last.shift(ahead)
    actuals = {Q1.shift(i): (start + step * i) / 10 for i in range(length)}
    target = (start + step * (length - 1 + ahead)) / 10
    rule = MeasureRule(direction=direction, target=target, target_period=horizon)
    forecast = realisation_forecast(rule, last, actuals)
    assert forecast.value == target
    assert forecast.outlook is Outlook.MEET
