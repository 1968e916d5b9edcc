"""Benchmarks on measures (issue 13): the quartile rule, the year's figure, the record's checks and the financial year label."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projtui.domain.enums import Aggregation, Direction, Frequency
from projtui.domain.errors import InvalidInput
from projtui.domain.measures import (
    MeasureRule,
    benchmark_position,
    describe_benchmark,
    year_figure,
    year_medians,
)
from projtui.domain.quarter import FinancialYear, Quarter, to_financial_year
from projtui.domain.records import LARGEST_NUMBER, BenchmarkFields, validated

APSE = BenchmarkFields(period="2023/24", source="APSE family group", lower_quartile=48.0, median=62.0, upper_quartile=70.5)


def quartile(direction: Direction, figure: float, benchmark: BenchmarkFields = APSE) -> int | None:
    position = benchmark_position(direction, figure, benchmark)
    assert position is not None
    return position.quartile


# -- the quartile ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "higher", "lower"),
    [
        (80.0, 1, 4),
        (70.5, 1, 3),  # on the upper quartile: the better side for higher, not yet below it for lower
        (65.0, 2, 3),
        (62.0, 2, 2),  # on the median: better half either way
        (55.0, 3, 2),
        (48.0, 3, 1),
        (30.0, 4, 1),
    ],
)
def test_quartile_honours_direction(figure: float, higher: int, lower: int) -> None:
    assert quartile(Direction.HIGHER, figure) == higher
    assert quartile(Direction.LOWER, figure) == lower


def test_words_name_the_quartile_the_source_and_the_median() -> None:
    assert describe_benchmark(Direction.HIGHER, 65.0, APSE) == "2nd quartile (APSE family group 2023/24, median 62)"
    assert describe_benchmark(Direction.HIGHER, 75.0, APSE) == "Top quartile (APSE family group 2023/24, median 62)"
    assert describe_benchmark(Direction.LOWER, 75.0, APSE) == "Bottom quartile (APSE family group 2023/24, median 62)"
    ranked = APSE.model_copy(update={"rank": 4, "of": 12})
    assert describe_benchmark(Direction.HIGHER, 50.0, ranked) == "3rd quartile (APSE family group 2023/24, median 62, ranked 4 of 12)"


@pytest.mark.parametrize("direction", [Direction.NONE, Direction.RANGE])
def test_no_better_end_gives_the_position_only(direction: Direction) -> None:
    position = benchmark_position(direction, 65.0, APSE)
    assert position is not None and position.quartile is None
    assert position.words == "Between the median and the upper quartile"
    assert benchmark_position(direction, 90.0, APSE).words == "At or above the upper quartile"  # type: ignore[union-attr]
    assert benchmark_position(direction, 10.0, APSE).words == "Below the lower quartile"  # type: ignore[union-attr]
    words = [benchmark_position(direction, f, APSE).words for f in (10.0, 50.0, 65.0, 90.0)]  # type: ignore[union-attr]
    assert not any(word in " ".join(words) for word in ("Top", "Bottom", "Better", "Worse"))


def test_median_or_single_value_without_quartiles() -> None:
    median_only = BenchmarkFields(period="2023/24", source="LG Inform", median=10.0)
    assert benchmark_position(Direction.LOWER, 8.0, median_only).words == "Better than the median"  # type: ignore[union-attr]
    assert benchmark_position(Direction.HIGHER, 8.0, median_only).words == "Worse than the median"  # type: ignore[union-attr]
    assert benchmark_position(Direction.NONE, 8.0, median_only).words == "Below the median"  # type: ignore[union-attr]
    average = BenchmarkFields(period="2023/24", source="England average", value=97.1)
    assert describe_benchmark(Direction.HIGHER, 97.1, average) == "Level with the comparator (England average 2023/24, comparator 97.1)"
    rank_only = BenchmarkFields(period="2023/24", source="CIPFA nearest neighbours", rank=2, of=16)
    assert benchmark_position(Direction.HIGHER, 5.0, rank_only) is None
    assert describe_benchmark(Direction.HIGHER, 5.0, rank_only) == "CIPFA nearest neighbours 2023/24, ranked 2 of 16"


def test_without_the_years_figure_it_says_so() -> None:
    assert describe_benchmark(Direction.HIGHER, None, APSE) == "No figure for 2023/24 (APSE family group 2023/24, median 62)"


figures = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(a=figures, b=figures, marks=st.lists(figures, min_size=3, max_size=3).map(sorted))
def test_a_better_figure_is_never_in_a_worse_quartile(a: float, b: float, marks: list[float]) -> None:
    benchmark = BenchmarkFields(period="2023/24", source="s", lower_quartile=marks[0], median=marks[1], upper_quartile=marks[2])
    low, high = sorted((a, b))
    # Quartile 1 is best: for higher, the larger figure's quartile number is no larger; for lower, the smaller's.
    assert quartile(Direction.HIGHER, high, benchmark) <= quartile(Direction.HIGHER, low, benchmark)  # type: ignore[operator]
    assert quartile(Direction.LOWER, low, benchmark) <= quartile(Direction.LOWER, high, benchmark)  # type: ignore[operator]


@given(figure=figures, marks=st.lists(figures, min_size=3, max_size=3).map(sorted))
def test_turning_the_scale_round_mirrors_the_quartile(figure: float, marks: list[float]) -> None:
    # Lower is better on x is higher is better on -x, with the quartiles mirrored (ties aside, which both give to the better side).
    benchmark = BenchmarkFields(period="2023/24", source="s", lower_quartile=marks[0], median=marks[1], upper_quartile=marks[2])
    mirrored = BenchmarkFields(period="2023/24", source="s", lower_quartile=-marks[2], median=-marks[1], upper_quartile=-marks[0])
    assert quartile(Direction.LOWER, figure, benchmark) == quartile(Direction.HIGHER, -figure, mirrored)


# -- the year's figure -------------------------------------------------------------


def test_year_figure_snapshot_is_the_last_actual_of_the_year() -> None:
    rule = MeasureRule()
    actuals = {Quarter(2023, 1): 50.0, Quarter(2023, 3): 58.0, Quarter(2024, 1): 70.0}
    assert year_figure(rule, FinancialYear(2023), actuals) == 58.0
    assert year_figure(rule, FinancialYear(2022), actuals) is None


def test_year_figure_cumulative_is_the_year_end_total() -> None:
    rule = MeasureRule(aggregation=Aggregation.CUMULATIVE, frequency=Frequency.QUARTERLY)
    assert year_figure(rule, FinancialYear(2023), {Quarter(2023, 2): 40.0, Quarter(2023, 4): 95.0}) == 95.0
    # Three quarters of a running total is not the year's figure.
    assert year_figure(rule, FinancialYear(2023), {Quarter(2023, 3): 70.0}) is None


def test_year_to_date_is_the_latest_figure_by_the_quarter_whatever_the_aggregation() -> None:
    """The report's year-to-date column (Appendix A): the same roll-up, cut at a quarter; later quarters never count."""
    actuals = {Quarter(2022, 4): 10.0, Quarter(2023, 1): 20.0, Quarter(2023, 2): 45.0, Quarter(2023, 4): 95.0}
    cumulative = MeasureRule(aggregation=Aggregation.CUMULATIVE, frequency=Frequency.QUARTERLY)
    for rule in (MeasureRule(), cumulative):
        assert year_figure(rule, FinancialYear(2023), actuals, up_to=Quarter(2023, 3)) == 45.0  # Q3 not in yet: Q2's
        assert year_figure(rule, FinancialYear(2023), actuals, up_to=Quarter(2023, 1)) == 20.0
        assert year_figure(rule, FinancialYear(2024), actuals, up_to=Quarter(2024, 1)) is None  # last year's never carries over


# -- the record -----------------------------------------------------------------------


def test_financial_year_labels() -> None:
    assert to_financial_year("2023/24") == FinancialYear(2023)
    assert to_financial_year("FY23/24") == FinancialYear(2023)
    assert str(to_financial_year(" 2023-24 ")) == "2023/24"
    for wrong in ("2023/25", "2023", "2023/24 Q1", 2023, "23/24"):
        with pytest.raises(ValueError, match="not a financial year"):
            to_financial_year(wrong)
    assert BenchmarkFields(period="FY23/24", source="s", value=1).model_dump(mode="json")["period"] == "2023/24"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lower_quartile": 5, "median": 4}, "lower_quartile 5 is above median 4"),
        ({"median": 9, "upper_quartile": 8}, "median 9 is above upper_quartile 8"),
        ({"lower_quartile": 9, "upper_quartile": 8}, "lower_quartile 9 is above upper_quartile 8"),
        ({"rank": 13, "of": 12}, "rank 13 is more than of 12"),
        ({"rank": 0}, "greater than or equal to 1"),
        ({"rank": "4"}, "valid integer"),
        ({"median": float("inf")}, "finite"),
        ({"median": LARGEST_NUMBER * 10}, "between -1e15 and 1e15"),
        ({}, "needs at least one of value"),
        ({"value": True}, "not true/false"),
    ],
)
def test_record_refuses(fields: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        validated(BenchmarkFields, {"period": "2023/24", "source": "APSE", **fields})


def test_record_needs_a_source_and_a_year() -> None:
    with pytest.raises(InvalidInput) as raised:
        validated(BenchmarkFields, {"period": "2023/24 Q4", "source": "  ", "value": 1})
    fields = {problem.field for problem in raised.value.problems}
    assert fields == {"period", "source"}


def test_year_medians_take_the_first_source_that_gives_one() -> None:
    """The KPI chart's line: a median a year; a set with no median (a single value) is passed over."""
    sets = [
        BenchmarkFields(period=FinancialYear(2024), source="Z club", median=9.0),
        BenchmarkFields(period=FinancialYear(2024), source="A club", value=3.0),
        BenchmarkFields(period=FinancialYear(2024), source="B club", median=7.0),
        BenchmarkFields(period=FinancialYear(2023), source="Z club", median=5.0),
    ]
    assert year_medians(sets) == {FinancialYear(2023): 5.0, FinancialYear(2024): 7.0}
    assert year_medians([]) == {}
