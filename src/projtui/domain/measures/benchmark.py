"""Benchmarks: where the council's figure for a year stands among its comparators, honouring the measure's direction.

* ``year_figure`` - the figure a year is compared on: the year-end (Q4)
  year to date for a cumulative measure, the last actual of the year for a
  snapshot one; none until that figure is in.
* ``benchmark_position`` - the quartile that figure falls in. For "higher is
  better" a figure at or above the upper quartile is in the top quartile;
  for "lower is better" the scale is turned round (at or below the lower
  quartile is top). A figure on a boundary counts in the better quartile.
  Direction "none" and "range" have no better end: the position is given
  ("between the median and the upper quartile"), never top or bottom.
  Without all three quartiles the figure is set against the median, or the
  comparator's single ``value``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from projtui.domain.enums import Direction
from projtui.domain.formatting import format_number
from projtui.domain.measures.rule import MeasureRule
from projtui.domain.measures.travel import latest_in_year
from projtui.domain.quarter import FinancialYear, Quarter

__all__ = ["Benchmark", "BenchmarkPosition", "benchmark_position", "describe_benchmark", "standing", "year_figure", "year_medians"]

_ORDINALS = {1: "Top quartile", 2: "2nd quartile", 3: "3rd quartile", 4: "Bottom quartile"}
# How many of the three quartiles the figure is at or above, in words that judge nothing.
_PLACES = {
    3: "At or above the upper quartile",
    2: "Between the median and the upper quartile",
    1: "Between the lower quartile and the median",
    0: "Below the lower quartile",
}


class Benchmark(Protocol):
    """What the rule reads of a comparator set (``records.BenchmarkFields`` or a stored row)."""

    period: FinancialYear
    source: str
    value: float | None
    lower_quartile: float | None
    median: float | None
    upper_quartile: float | None
    rank: int | None
    of: int | None


def _ranked(direction: Direction) -> bool:
    """A figure can be better or worse than another: higher or lower is better (a range's good is inside, not at an end)."""
    return direction in (Direction.HIGHER, Direction.LOWER)


def year_figure(
    rule: MeasureRule, year: FinancialYear, actuals: Mapping[Quarter, float], up_to: Quarter | None = None
) -> float | None:
    """The measure's figure for the financial year a benchmark covers, or its year to date at ``up_to``.

    A cumulative measure's actuals are year to date, so the year's figure is
    its Q4 one (the year to date at ``up_to``: the latest reported by then);
    a snapshot measure's is the last reading of the year (by ``up_to``).
    """
    if rule.cumulative and up_to is None:
        return actuals.get(Quarter(year.start_year, 4))
    last = latest_in_year(actuals, year.start_year, up_to)
    return None if last is None else actuals[last]


@dataclass(frozen=True, slots=True)
class BenchmarkPosition:
    """Where a figure stands against one comparator set."""

    figure: float
    quartile: int | None  # 1 (top, best) to 4 (bottom); only for higher/lower with all three quartiles
    words: str  # e.g. "2nd quartile", "Between the median and the upper quartile", "Better than the median"


def _against(direction: Direction, figure: float, mark: float, name: str) -> str:
    if figure == mark:
        return f"Level with {name}"
    above = figure > mark
    if not _ranked(direction):
        return f"{'Above' if above else 'Below'} {name}"
    better = above if direction is Direction.HIGHER else not above
    return f"{'Better' if better else 'Worse'} than {name}"


def benchmark_position(direction: Direction, figure: float | None, benchmark: Benchmark) -> BenchmarkPosition | None:
    """The quartile (or position) of ``figure`` among the comparators; None without a figure or anything to set it against."""
    if figure is None:
        return None
    direction = Direction(direction)
    low, middle, high = benchmark.lower_quartile, benchmark.median, benchmark.upper_quartile
    if low is not None and middle is not None and high is not None:
        if direction is Direction.LOWER:
            quartile: int | None = 4 - sum(figure <= mark for mark in (low, middle, high))
        elif direction is Direction.HIGHER:
            quartile = 4 - sum(figure >= mark for mark in (low, middle, high))
        else:
            return BenchmarkPosition(figure, None, _PLACES[sum(figure >= mark for mark in (low, middle, high))])
        assert quartile is not None
        return BenchmarkPosition(figure, quartile, _ORDINALS[quartile])
    if middle is not None:
        return BenchmarkPosition(figure, None, _against(direction, figure, middle, "the median"))
    if benchmark.value is not None:
        return BenchmarkPosition(figure, None, _against(direction, figure, benchmark.value, "the comparator"))
    return None


def standing(direction: Direction, figure: float | None, benchmark: Benchmark) -> str:
    """Where the figure stands, in words alone (``2nd quartile``); without the year's figure, that it is missing; else empty."""
    position = benchmark_position(direction, figure, benchmark)
    if position is not None:
        return position.words
    return f"No figure for {benchmark.period}" if figure is None else ""


def describe_benchmark(direction: Direction, figure: float | None, benchmark: Benchmark) -> str:
    """The benchmark in a line, as the screens and the report print it.

    ``2nd quartile (APSE family group 2023/24, median 62)``; the rank
    follows where there is one; without the council's figure for the year,
    the comparators alone.
    """
    words = standing(direction, figure, benchmark)
    marks = [
        f"{name} {format_number(mark)}"
        for name, mark in (("median", benchmark.median), ("comparator", benchmark.value))
        if mark is not None
    ]
    if benchmark.rank is not None:
        marks.append(f"ranked {benchmark.rank}" + ("" if benchmark.of is None else f" of {benchmark.of}"))
    detail = ", ".join([f"{benchmark.source} {benchmark.period}", *marks])
    return f"{words} ({detail})" if words else detail


def year_medians(benchmarks: Iterable[Benchmark]) -> dict[FinancialYear, float]:
    """Each year's comparators' median, for a chart's line: of several sets in a year, the first by source that gives one."""
    medians: dict[FinancialYear, float] = {}
    for b in sorted(benchmarks, key=lambda b: (b.period, b.source)):
        if b.median is not None:
            medians.setdefault(b.period, b.median)
    return medians
