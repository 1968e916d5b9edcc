"""A quarter's target: profiled, or on the straight line from the baseline to the end target."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal

from projtui.domain.enums import Direction
from projtui.domain.measures.rule import NO_PROFILE, MeasureRule, finite
from projtui.domain.measures.vocabulary import TargetBasis
from projtui.domain.quarter import Quarter

__all__ = [
    "decimal_places", "on_trajectory", "plan_precision", "target_basis", "target_for", "target_max_for", "to_date", "year_to_date_share",
]


def year_to_date_share(quarter: Quarter) -> float:
    return quarter.quarter / 4


def _on_the_line(rule: MeasureRule, end: float, point: Quarter) -> float:
    """Where the straight line from the baseline to ``end`` stands at ``point``.

    The line runs from (baseline_period, baseline) to (target_period, end),
    one equal step per quarter, and is held flat outside those periods: at
    the baseline before the baseline period and at ``end`` from the target
    period on. Without a baseline, either period, or a target period after
    the baseline's, there is no line: ``end`` applies in every quarter.
    """
    start, first, last = rule.baseline, rule.baseline_period, rule.target_period
    if start is None or first is None or last is None or last <= first or point >= last:
        return end
    if point <= first:
        return start
    step = start + (end - start) * (point.ordinal - first.ordinal) / (last.ordinal - first.ordinal)
    # Rounding keeps the line monotone and between its ends.
    return plan_precision(rule, step, decimal_places(start, end))


def plan_precision(rule: MeasureRule, figure: float, places: int) -> float:
    """A worked-out figure (a target on the line, a trend) to the precision of the plan's own, written to ``places``.

    One decimal place finer: 33.2 -> 37 over twelve quarters expects 36.37 at
    the tenth, not 36.366666…, so the figure printed beside an actual is the
    one it was judged against. Money is the exception: whole pounds when the
    plan is in whole pounds (£310,000 -> £215,000 expects £230,833 at the tenth
    quarter, never £230,833.3), else pence (£7.20 -> £3.50 expects £6.04).
    """
    if rule.in_pounds:
        return round(figure, 0 if places == 0 else 2)
    return round(figure, places + 1)


def decimal_places(*figures: float) -> int:
    """How many decimal places the figures were written with (``33.2`` -> 1, ``1e-07`` -> 7)."""
    return max(map(_places_of, figures), default=0)


@functools.lru_cache(maxsize=65_536)  # `check` asks of every measure's recent actuals, and councils' figures repeat
def _places_of(figure: float) -> int:
    exponent = Decimal(repr(figure)).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _trajectory_point(rule: MeasureRule, quarter: Quarter) -> Quarter:
    """The quarter whose point on the line sets ``quarter``'s target.

    A cumulative measure's line joins whole-year totals, so every quarter of
    a financial year reads the line at the year's end (its Q4).
    """
    return Quarter(quarter.fy_start_year, 4) if rule.cumulative else quarter


def _low(rule: MeasureRule, quarter: Quarter) -> float | None:
    """The target (the bottom of a range) for the quarter, before any year-to-date spread."""
    if rule.target is None:
        return None
    on_line = _on_the_line(rule, rule.target, _trajectory_point(rule, quarter))
    # A range's bottom only moves when the baseline starts below the band
    # (the line then rises to it); from above, the top comes down instead.
    return min(on_line, rule.target) if rule.direction is Direction.RANGE else on_line


def _high(rule: MeasureRule, quarter: Quarter) -> float | None:
    if rule.direction is not Direction.RANGE or rule.target_max is None:
        return None
    return max(_on_the_line(rule, rule.target_max, _trajectory_point(rule, quarter)), rule.target_max)


def to_date(rule: MeasureRule, quarter: Quarter, whole_year: float | None) -> float | None:
    if whole_year is None or not rule.cumulative:
        return whole_year
    # Multiply before dividing by 4 so that, e.g., 50 * 2 / 4 is exactly 25.
    return whole_year * quarter.quarter / 4


def on_trajectory(rule: MeasureRule, quarter: Quarter, profiled: Mapping[Quarter, float] = NO_PROFILE) -> bool:
    """Whether the quarter's target is a step on the way to the end target, not the end target itself.

    True before the target period of a measure whose baseline differs from
    its target (see ``target_for``); never for a profiled quarter.
    """
    if quarter in profiled or rule.target is None:
        return False
    return _low(rule, quarter) != rule.target or _high(rule, quarter) != rule.target_max


def target_for(rule: MeasureRule, quarter: Quarter, profiled: Mapping[Quarter, float] = NO_PROFILE) -> float | None:
    """The target to judge this quarter's actual against.

    * If the Benefits Review Plan profiles a target for the quarter, that
      profiled figure is used. For a cumulative measure it is a year-to-date
      figure, like the actuals; for a range measure it moves the bottom of
      the band for that quarter (e.g. "at least 70 % occupancy in Q1, rising
      to 85 %"), while the top stays where the trajectory puts it.
    * Otherwise the target follows the **trajectory** from the baseline to
      the end target: a straight line from the baseline figure in its
      period to the target figure in the target period, in equal steps per
      quarter. "37 % by 2026/27 Q4" from 25 % in 2023/24 Q4 expects 29 % a
      year on, not 37 % straight away. Before the baseline period the
      baseline is expected; from the target period on, the end target.
      When the plan gives no baseline figure, no baseline or target
      period, or a target period that does not come after the baseline's,
      there is no line to follow and the end target applies in every
      quarter (as the plan states it).
    * A snapshot measure (a reading at a point in time: a percentage, a
      waiting time) is judged against the line at the quarter itself.
    * A cumulative measure (a running total for the year to date: homes
      insulated, savings banked) is judged year to date. Its baseline and
      target are whole-year totals, so the line gives each financial year's
      expected total, read at the year's end (Q4): a council planning to
      grow annual savings from £100k in 2023/24 to £400k in 2026/27
      expects £200k in 2024/25 and £300k in 2025/26, and the whole target
      in the target period's year and after. Within the year that total is
      spread in a straight line: a quarter of it at Q1, half at Q2,
      three-quarters at Q3 and all of it at Q4. We spread evenly because it
      is the only profile that needs no extra data and it is what a reader
      assumes when none is given; a seasonal measure (e.g. winter
      gritting) should have its targets profiled instead.
    * For a range measure the line moves the end of the band the baseline
      starts outside of: a baseline below the band raises the bottom
      towards it, one above lowers the top; the other end stays put, and a
      baseline inside the band leaves the band as it is.

    None when there is no target at all: the measure is monitor only, as
    is every measure with direction "none" (no figure is better than another).
    """
    if not rule.direction.rated:
        return None
    if quarter in profiled:
        return finite(f"profiled target for {quarter}", profiled[quarter])
    return to_date(rule, quarter, _low(rule, quarter))


def target_max_for(rule: MeasureRule, quarter: Quarter) -> float | None:
    """The top of a range measure's band this quarter (None for other measures).

    It follows the trajectory and the year-to-date spread like the bottom
    (see ``target_for``); profiled targets never move it.
    """
    return to_date(rule, quarter, _high(rule, quarter))



def target_basis(rule: MeasureRule, quarter: Quarter, profiled: Mapping[Quarter, float] = NO_PROFILE) -> TargetBasis:
    """Where ``target_for``'s figure for the quarter comes from, for the words printed beside it."""
    if not rule.direction.rated:
        return TargetBasis.NONE
    if quarter in profiled:
        return TargetBasis.PROFILED
    if rule.target is None:
        return TargetBasis.NONE
    if on_trajectory(rule, quarter, profiled):
        return TargetBasis.TRAJECTORY
    return TargetBasis.YEAR_TO_DATE if rule.cumulative else TargetBasis.ANNUAL
