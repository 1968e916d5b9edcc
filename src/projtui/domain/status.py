"""Measure status, direction of travel, achievement and the benefit roll-up.

These are the rules the quarterly review, the quarterly report and the
portfolio's "benefits on track" column all share, so they live here once.
Written the way a council performance officer would explain them:

* **Status** compares a quarter's actual with that quarter's target, using
  the measure's polarity ("good is higher", "good is lower", "good is within
  a range") and its written tolerance (the amber band). A measure with no
  target is *monitor only*: it shows a trend and never a status. A measure
  that is not due this quarter is *not due*, which is not the same as
  *no data* (due, but nobody has entered the figure).
* **Direction of travel** says whether performance got better or worse; the
  arrow shows performance, not the number (for "lower is better" a fall is
  an up arrow, improving).
* **Achievement** is how far the measure has moved from its baseline towards
  its target: (actual - baseline) / (target - baseline).
* **Benefit on track** rolls the statuses of a benefit's measures up.

Plain functions over plain values; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from projtui.domain.cadence import is_due
from projtui.domain.enums import Aggregation, Direction, Frequency, Rag
from projtui.domain.quarter import Quarter

__all__ = [
    "MeasureRule",
    "MeasureStatus",
    "OnTrackCount",
    "Travel",
    "achievement",
    "benefit_on_track",
    "measure_status",
    "on_trajectory",
    "previous_due_quarter",
    "progress",
    "reporting_started",
    "rollup_counts",
    "status",
    "target_for",
    "target_max_for",
    "travel",
    "travel_vs_last_year",
    "travel_vs_previous_quarter",
]

# Figures are typed in to a few decimal places, but arithmetic on them is
# binary: 0.9 - 0.9 * 10 / 100 is not exactly the 0.81 an officer typed. A
# value that agrees with a boundary to about nine significant figures counts
# as meeting it, so "exactly on target" and "exactly at the edge of
# tolerance" rate the way the officer expects. The slack depends only on
# the boundary, never on the actual, so status stays monotone in the actual.
REL_EPSILON = 1e-9

_NO_PROFILE: Mapping[Quarter, float] = MappingProxyType({})


# -- vocabularies ---------------------------------------------------------


class MeasureStatus(StrEnum):
    """A measure's standing in one quarter."""

    ON_TARGET = "on_target"
    WITHIN_TOLERANCE = "within_tolerance"
    OFF_TARGET = "off_target"
    NO_DATA = "no_data"  # due this quarter, but no actual entered
    NOT_DUE = "not_due"  # the measure's cadence says it is not reported this quarter
    MONITOR_ONLY = "monitor_only"  # no target: a trend, never a status

    @property
    def symbol(self) -> str:
        # A shape as well as a colour (monochrome terminals, colour-blind
        # readers). The rated statuses reuse their RAG's shape so a report's
        # legend stays short.
        return _STATUS_SYMBOLS[self]

    @property
    def label(self) -> str:
        """The words a report prints, e.g. ``Within tolerance``."""
        return _STATUS_LABELS[self]

    @property
    def rag(self) -> Rag:
        """Green on target, amber within tolerance, red off target; otherwise not set."""
        return _STATUS_RAG[self]

    @property
    def assessed(self) -> bool:
        """Whether this quarter's status counts for the benefit the measure serves.

        Missing data counts (it should have been there, and counts against
        the benefit); "not due" and "monitor only" say nothing either way.
        """
        return self in _ASSESSED

    @property
    def rank(self) -> int | None:
        """Worse to better, for sorting and comparing rated statuses.

        off target 0, within tolerance 1, on target 2; None for the rest,
        which are not points on that scale.
        """
        return _STATUS_RANK.get(self)


_STATUS_SYMBOLS = {
    MeasureStatus.ON_TARGET: "●",
    MeasureStatus.WITHIN_TOLERANCE: "◆",
    MeasureStatus.OFF_TARGET: "▲",
    MeasureStatus.NO_DATA: "?",
    MeasureStatus.NOT_DUE: "○",  # nothing expected (the same empty shape as RAG "not set")
    MeasureStatus.MONITOR_ONLY: "~",  # a trend line
}
_STATUS_LABELS = {
    MeasureStatus.ON_TARGET: "On target",
    MeasureStatus.WITHIN_TOLERANCE: "Within tolerance",
    MeasureStatus.OFF_TARGET: "Off target",
    MeasureStatus.NO_DATA: "No data",
    MeasureStatus.NOT_DUE: "Not due",
    MeasureStatus.MONITOR_ONLY: "Monitor only",
}
_STATUS_RAG = {
    MeasureStatus.ON_TARGET: Rag.GREEN,
    MeasureStatus.WITHIN_TOLERANCE: Rag.AMBER,
    MeasureStatus.OFF_TARGET: Rag.RED,
    MeasureStatus.NO_DATA: Rag.NOT_SET,
    MeasureStatus.NOT_DUE: Rag.NOT_SET,
    MeasureStatus.MONITOR_ONLY: Rag.NOT_SET,
}
_STATUS_RANK = {
    MeasureStatus.OFF_TARGET: 0,
    MeasureStatus.WITHIN_TOLERANCE: 1,
    MeasureStatus.ON_TARGET: 2,
}
_ASSESSED = frozenset(
    {MeasureStatus.ON_TARGET, MeasureStatus.WITHIN_TOLERANCE, MeasureStatus.OFF_TARGET, MeasureStatus.NO_DATA}
)


class Travel(StrEnum):
    """Direction of travel: did performance get better or worse?"""

    IMPROVING = "improving"
    SAME = "same"
    WORSENING = "worsening"
    NO_COMPARISON = "no_comparison"

    @property
    def symbol(self) -> str:
        # The arrow shows performance, not the raw number: a fall in a
        # "lower is better" measure is ↑ (improving).
        return _TRAVEL_SYMBOLS[self]

    @property
    def label(self) -> str:
        return _TRAVEL_LABELS[self]

    def reversed(self) -> Travel:
        """The travel seen the other way round (improving <-> worsening)."""
        return _TRAVEL_REVERSED[self]


_TRAVEL_SYMBOLS = {
    Travel.IMPROVING: "↑",
    Travel.SAME: "→",
    Travel.WORSENING: "↓",
    Travel.NO_COMPARISON: "–",
}
_TRAVEL_LABELS = {
    Travel.IMPROVING: "Improving",
    Travel.SAME: "No change",
    Travel.WORSENING: "Worsening",
    Travel.NO_COMPARISON: "No comparison",
}
_TRAVEL_REVERSED = {
    Travel.IMPROVING: Travel.WORSENING,
    Travel.SAME: Travel.SAME,
    Travel.WORSENING: Travel.IMPROVING,
    Travel.NO_COMPARISON: Travel.NO_COMPARISON,
}


# -- the measure's rule -----------------------------------------------------


def _finite(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {value!r}")
    value = float(value)
    # NaN would compare false both ways and silently rate as off target.
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


def _period(name: str, value: Quarter | str | None) -> Quarter | None:
    if value is None or isinstance(value, Quarter):
        return value
    if isinstance(value, str):
        return Quarter.parse(value)  # ValueError names the bad label
    raise TypeError(f"{name} must be a quarter, not {value!r}")


@dataclass(frozen=True, slots=True)
class MeasureRule:
    """What the status rules need to know about a measure.

    ``target`` is the end target, to be met by ``target_period``; for a range
    measure it is the bottom of the band and ``target_max`` the top.
    ``baseline`` is the starting figure, measured in ``baseline_period``;
    the two periods place the trajectory ``target_for`` follows (quarters,
    or labels such as ``"2024/25 Q4"``). ``tolerance`` is the amber band as
    a percentage of the target (5 means "amber when missed by no more than
    5 %"); None or 0 means no amber band. No target means the measure is
    monitor only.
    """

    direction: Direction = Direction.HIGHER
    target: float | None = None
    target_max: float | None = None
    tolerance: float | None = None
    aggregation: Aggregation = Aggregation.SNAPSHOT
    frequency: Frequency = Frequency.QUARTERLY
    baseline: float | None = None
    baseline_period: Quarter | None = None
    target_period: Quarter | None = None

    def __post_init__(self) -> None:
        # The store keeps enums as plain strings; accept them here once
        # rather than at every call site.
        set_ = object.__setattr__
        set_(self, "direction", Direction(self.direction))
        set_(self, "aggregation", Aggregation(self.aggregation))
        set_(self, "frequency", Frequency(self.frequency))
        for name in ("target", "target_max", "tolerance", "baseline"):
            set_(self, name, _finite(name, getattr(self, name)))
        for name in ("baseline_period", "target_period"):
            set_(self, name, _period(name, getattr(self, name)))
        if self.tolerance is not None and not 0 <= self.tolerance <= 100:
            raise ValueError(f"tolerance is a percentage from 0 to 100, not {self.tolerance}")
        if self.direction is Direction.RANGE:
            if (self.target is None) != (self.target_max is None):
                raise ValueError("a range measure needs both target and target_max")
            if self.target is not None and self.target_max is not None and self.target > self.target_max:
                raise ValueError(f"target (bottom of the range) {self.target} is above target_max {self.target_max}")
        elif self.target_max is not None:
            raise ValueError('target_max applies only when direction = "range"')

    @classmethod
    def from_measure(cls, measure: Any) -> MeasureRule:
        """Build the rule from anything with the measure's attributes.

        A ``MeasureFields`` model, a store row or a read model all do. Every
        attribute must be there: a missing ``tolerance`` quietly read as "no
        amber band" would turn ambers red.
        """
        return cls(
            direction=measure.direction,
            target=measure.target,
            target_max=measure.target_max,
            tolerance=measure.tolerance,
            aggregation=measure.aggregation,
            frequency=measure.frequency,
            baseline=measure.baseline,
            baseline_period=measure.baseline_period,
            target_period=measure.target_period,
        )

    @property
    def monitor_only(self) -> bool:
        """No annual target: the measure shows a trend only (unless a quarter is profiled)."""
        return self.target is None

    @property
    def cumulative(self) -> bool:
        return self.aggregation is Aggregation.CUMULATIVE


# -- targets for a quarter ----------------------------------------------------


def _year_to_date_share(quarter: Quarter) -> float:
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
    # One decimal place finer than the plan's own figures: 33.2 -> 37 over
    # twelve quarters expects 36.37 at the tenth, not 36.366666…, so the
    # target printed beside an actual is the one it was judged against.
    # Rounding keeps the line monotone and between its ends.
    return round(step, _places(start, end) + 1)


def _places(*figures: float) -> int:
    """How many decimal places the figures were written with (``33.2`` -> 1, ``1e-07`` -> 7)."""
    places = 0
    for figure in figures:
        exponent = Decimal(repr(figure)).normalize().as_tuple().exponent
        places = max(places, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return places


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


def _to_date(rule: MeasureRule, quarter: Quarter, whole_year: float | None) -> float | None:
    if whole_year is None or not rule.cumulative:
        return whole_year
    # Multiply before dividing by 4 so that, e.g., 50 * 2 / 4 is exactly 25.
    return whole_year * quarter.quarter / 4


def on_trajectory(rule: MeasureRule, quarter: Quarter, profiled: Mapping[Quarter, float] = _NO_PROFILE) -> bool:
    """Whether the quarter's target is a step on the way to the end target, not the end target itself.

    True before the target period of a measure whose baseline differs from
    its target (see ``target_for``); never for a profiled quarter.
    """
    if quarter in profiled or rule.target is None:
        return False
    return _low(rule, quarter) != rule.target or _high(rule, quarter) != rule.target_max


def target_for(rule: MeasureRule, quarter: Quarter, profiled: Mapping[Quarter, float] = _NO_PROFILE) -> float | None:
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

    None when there is no target at all: the measure is monitor only.
    """
    if quarter in profiled:
        return _finite(f"profiled target for {quarter}", profiled[quarter])
    return _to_date(rule, quarter, _low(rule, quarter))


def target_max_for(rule: MeasureRule, quarter: Quarter) -> float | None:
    """The top of a range measure's band this quarter (None for other measures).

    It follows the trajectory and the year-to-date spread like the bottom
    (see ``target_for``); profiled targets never move it.
    """
    return _to_date(rule, quarter, _high(rule, quarter))


# -- status -------------------------------------------------------------------


def _allowance(rule: MeasureRule, bound: float) -> float:
    """How far past ``bound`` the amber band reaches.

    A percentage of the bound's size, |bound|, so the band always lies on
    the bad side of the target whatever its sign: for "higher is better"
    with a target of -10 (e.g. a net change) and 10 % tolerance, amber
    reaches down to -11, not up to -9. A target of zero has no amber band
    (10 % of nothing is nothing); such measures are on or off target.
    """
    if not rule.tolerance:
        return 0.0
    # Multiply before dividing: 80 * 5 / 100 is exactly 4.
    return abs(bound) * rule.tolerance / 100


def _slack(boundary: float) -> float:
    return REL_EPSILON * abs(boundary)


def _at_least(actual: float, boundary: float) -> bool:
    return actual >= boundary - _slack(boundary)


def _at_most(actual: float, boundary: float) -> bool:
    return actual <= boundary + _slack(boundary)


def status(
    rule: MeasureRule,
    actual: float | None,
    target: float | None,
    *,
    target_max: float | None = None,
    due: bool = True,
) -> MeasureStatus:
    """Rate one quarter's actual against its target.

    In order:

    1. No target: **monitor only** (a trend, never a status).
    2. Not due this quarter: **not due** (not the same as missing).
    3. Due, but no actual entered: **no data**.
    4. Otherwise, by the measure's polarity:

       * *Higher is better*: on target when the actual is at or above the
         target; within tolerance when below it by no more than the
         tolerance (tolerance % of the target's size); otherwise off target.
       * *Lower is better*: the mirror image - on target at or below the
         target, within tolerance when above it by no more than the
         tolerance, otherwise off target.
       * *Within a range*: on target inside the band, its ends included;
         within tolerance when outside it by no more than the tolerance
         (a percentage of the end it is outside); otherwise off target.

    With no tolerance (None or 0) there is no amber: on target or off target.
    Exactly on the target is on target; exactly on the edge of tolerance is
    within tolerance (see ``REL_EPSILON`` for how "exactly" survives
    floating-point rounding).

    ``target`` is this quarter's target (``target_for``); for a range measure
    it is the bottom of the band and ``target_max`` the top, which defaults
    to the rule's own.
    """
    target = _finite("target", target)
    if target is None:
        return MeasureStatus.MONITOR_ONLY
    if not due:
        return MeasureStatus.NOT_DUE
    actual = _finite("actual", actual)
    if actual is None:
        return MeasureStatus.NO_DATA

    if rule.direction is Direction.HIGHER:
        if _at_least(actual, target):
            return MeasureStatus.ON_TARGET
        if _at_least(actual, target - _allowance(rule, target)):
            return MeasureStatus.WITHIN_TOLERANCE
        return MeasureStatus.OFF_TARGET

    if rule.direction is Direction.LOWER:
        if _at_most(actual, target):
            return MeasureStatus.ON_TARGET
        if _at_most(actual, target + _allowance(rule, target)):
            return MeasureStatus.WITHIN_TOLERANCE
        return MeasureStatus.OFF_TARGET

    low, high = target, _finite("target_max", target_max if target_max is not None else rule.target_max)
    if high is None:
        raise ValueError("a range measure needs target_max (the top of the range)")
    if low > high:
        # A profiled bottom above the top leaves no band to be inside.
        raise ValueError(f"the range's bottom {low} is above its top {high}")
    if _at_least(actual, low) and _at_most(actual, high):
        return MeasureStatus.ON_TARGET
    if _at_least(actual, low - _allowance(rule, low)) and _at_most(actual, high + _allowance(rule, high)):
        return MeasureStatus.WITHIN_TOLERANCE
    return MeasureStatus.OFF_TARGET


def measure_status(
    rule: MeasureRule,
    quarter: Quarter,
    actuals: Mapping[Quarter, float],
    profiled: Mapping[Quarter, float] = _NO_PROFILE,
    *,
    started: bool = True,
) -> MeasureStatus:
    """A measure's status for the quarter, from its actuals and profiled targets.

    Ties the cadence (is the measure due this quarter?), the quarter's
    target (``target_for``) and the status rules (``status``) together.
    Actuals of a cumulative measure are year-to-date figures. A measure
    whose reporting has not ``started`` (``reporting_started``) is not due.
    """
    return status(
        rule,
        actuals.get(quarter),
        target_for(rule, quarter, profiled),
        target_max=target_max_for(rule, quarter),
        due=started and is_due(rule.frequency, quarter.quarter),
    )


def reporting_started(quarter: Quarter, first_actual: Quarter | None, realisation_start: Quarter | None) -> bool:
    """Is a benefit's measure expected to report by ``quarter``?

    From the start of the benefit's realisation window, or from the
    measure's first actual if that is earlier, so a plan written ahead of
    time does not show as missing data; always, for a benefit with no window.
    """
    if first_actual is not None and first_actual <= quarter:
        return True
    return realisation_start is None or quarter >= realisation_start


# -- direction of travel --------------------------------------------------------


def _distance_outside(value: float, low: float, high: float) -> float:
    """How far ``value`` lies outside [low, high]; 0 inside."""
    if value < low:
        return low - value
    if value > high:
        return value - high
    return 0.0


def _travel(
    direction: Direction,
    band: tuple[float, float] | None,
    current: float | None,
    previous: float | None,
) -> Travel:
    current = _finite("current", current)
    previous = _finite("previous", previous)
    if current is None or previous is None:
        return Travel.NO_COMPARISON
    if direction is Direction.HIGHER:
        gain = current - previous
    elif direction is Direction.LOWER:
        gain = previous - current
    else:
        if band is None:
            # A range measure with no band set has no "better" way to move.
            return Travel.NO_COMPARISON
        low, high = band
        gain = _distance_outside(previous, low, high) - _distance_outside(current, low, high)
    # Relative to the figures themselves, so rounding noise is "no change"
    # at any scale; both zero (or both inside a range) is "no change" too.
    if abs(gain) <= REL_EPSILON * max(abs(current), abs(previous)):
        return Travel.SAME
    return Travel.IMPROVING if gain > 0 else Travel.WORSENING


def _band(rule: MeasureRule, share: float = 1.0) -> tuple[float, float] | None:
    if rule.target is None or rule.target_max is None:
        return None
    return rule.target * share, rule.target_max * share


def travel(rule: MeasureRule, current: float | None, previous: float | None) -> Travel:
    """Did performance improve from ``previous`` to ``current``?

    * *Higher is better*: a rise is improving, a fall worsening.
    * *Lower is better*: a fall is improving, a rise worsening.
    * *Within a range*: moving closer to the band is improving, further away
      worsening; anywhere inside the band counts as on it, so moving about
      inside it is "no change". A range measure with no band set has no
      comparison.

    Changes within rounding noise (a relative 1e-9) are "no change". Either
    figure missing: no comparison.

    A range is judged against the rule's annual band; for cumulative
    measures use ``travel_vs_previous_quarter`` or ``travel_vs_last_year``,
    which spread the band to the period being compared.
    """
    return _travel(rule.direction, _band(rule), current, previous)


def previous_due_quarter(frequency: Frequency | str, quarter: Quarter) -> Quarter | None:
    """The last quarter before ``quarter`` in which the measure was due.

    The previous quarter for monthly and quarterly measures; two quarters
    back for half-yearly ones; a year back for annual ones. None before the
    earliest quarter the calendar holds.
    """
    q = quarter
    for _ in range(4):
        try:
            q = q.previous()
        except ValueError:
            return None
        if is_due(frequency, q.quarter):
            return q
    raise AssertionError(f"frequency {frequency} is never due")  # pragma: no cover - cadence covers every quarter


def _period_amount(rule: MeasureRule, quarter: Quarter, actuals: Mapping[Quarter, float]) -> float | None:
    """For a cumulative measure: the amount added in the reporting period that ends at ``quarter``.

    The year-to-date figure less the one at the previous due quarter, or the
    year-to-date figure itself in the first period of the financial year.
    """
    ytd = _finite(f"actual for {quarter}", actuals.get(quarter))
    if ytd is None:
        return None
    before = previous_due_quarter(rule.frequency, quarter)
    if before is None or before.fy_start_year != quarter.fy_start_year:
        return ytd
    earlier = _finite(f"actual for {before}", actuals.get(before))
    return None if earlier is None else ytd - earlier


def _period_quarters(rule: MeasureRule, quarter: Quarter) -> int:
    before = previous_due_quarter(rule.frequency, quarter)
    if before is None or before.fy_start_year != quarter.fy_start_year:
        return quarter.quarter
    return quarter.quarter - before.quarter


def travel_vs_previous_quarter(rule: MeasureRule, quarter: Quarter, actuals: Mapping[Quarter, float]) -> Travel:
    """Direction of travel since the measure's previous report.

    "Previous" is the previous quarter for quarterly (and monthly) measures,
    and the previous time the measure was due for half-yearly and annual
    ones, since the quarters in between have no figure by design. A quarter
    in which the measure is not due has no comparison.

    Cumulative measures compare like with like: the amount achieved in this
    period (this year-to-date less last period's) against the amount in the
    previous period. Comparing year-to-date totals would show every running
    total "improving" each quarter until it resets in April. A range measure's
    band is spread over the period the same way.
    """
    if not is_due(rule.frequency, quarter.quarter):
        return Travel.NO_COMPARISON
    before = previous_due_quarter(rule.frequency, quarter)
    if before is None:
        return Travel.NO_COMPARISON
    if not rule.cumulative:
        return travel(rule, actuals.get(quarter), actuals.get(before))
    share = _period_quarters(rule, quarter) / 4
    return _travel(
        rule.direction,
        _band(rule, share),
        _period_amount(rule, quarter, actuals),
        _period_amount(rule, before, actuals),
    )


def travel_vs_last_year(rule: MeasureRule, quarter: Quarter, actuals: Mapping[Quarter, float]) -> Travel:
    """Direction of travel against the same quarter last year.

    The year-on-year comparison takes out seasonal swings. For a cumulative
    measure both figures are year-to-date at the same point in the year, so
    they compare like with like; a range measure's band is spread to that
    point of the year too. A quarter in which the measure is not due has no
    comparison.
    """
    if not is_due(rule.frequency, quarter.quarter):
        return Travel.NO_COMPARISON
    try:
        last_year = quarter.same_quarter_last_year()
    except ValueError:
        return Travel.NO_COMPARISON
    share = _year_to_date_share(quarter) if rule.cumulative else 1.0
    return _travel(rule.direction, _band(rule, share), actuals.get(quarter), actuals.get(last_year))


# -- achievement ----------------------------------------------------------------


def achievement(
    rule: MeasureRule,
    actual: float | None,
    baseline: float | None,
    target: float | None,
    *,
    target_max: float | None = None,
) -> float | None:
    """How far the measure has come from its baseline towards its target.

    (actual - baseline) / (target - baseline), as a fraction: 1.0 is 100 %,
    the target met; 0 is no change from the baseline; above 1 is beating
    the target; below 0 is going backwards. Because the sign of the
    denominator follows the target, the same sum works for "lower is
    better" (baseline 100, target 65, actual 80: (80-100)/(65-100) = 57 %).

    For a range measure the target is the end of the band nearer the
    baseline (the bottom if the baseline was below it, the top if above);
    ``target_max`` defaults to the rule's own top.

    For a cumulative measure compare like with like: the year-end actual
    with the annual target, or a year-to-date actual with ``target_for``
    that quarter and a baseline for the same part of the year.

    None when it cannot be worked out: no actual, baseline or target, or
    a target equal to the baseline (or, for a range, a baseline already
    inside the band) - there is no distance to travel.
    """
    actual = _finite("actual", actual)
    baseline = _finite("baseline", baseline)
    target = _finite("target", target)
    if actual is None or baseline is None or target is None:
        return None
    if rule.direction is Direction.RANGE:
        high = _finite("target_max", target_max if target_max is not None else rule.target_max)
        if high is None:
            return None
        if baseline < target:
            goal = target
        elif baseline > high:
            goal = high
        else:
            return None
    else:
        goal = target
    if goal == baseline:
        return None
    return (actual - baseline) / (goal - baseline)


def _target_improves(direction: Direction, baseline: float, target: float) -> bool:
    if direction is Direction.HIGHER:
        return target > baseline
    if direction is Direction.LOWER:
        return target < baseline
    return True  # a range: `achievement` itself says when the baseline is already inside the band


def progress(
    rule: MeasureRule, quarter: Quarter, actual: float | None, profiled: Mapping[Quarter, float] = _NO_PROFILE
) -> float | None:
    """``achievement`` of the quarter's actual, compared like with like; what the review sheet and the report show.

    * A snapshot measure: from its baseline towards its end target (the
      band, for a range), the whole way the plan means to go. Whether the
      quarter is where the trajectory expects is the status's job.
    * A cumulative measure: the year to date against the quarter's target
      (``target_for``, year to date) from the same share of the baseline,
      which is a whole year's figure.

    None where ``achievement`` is, and when the target does not ask for
    better than the baseline: a dis-benefit's target often tolerates worse
    (missed collections may rise from 38 to 40 during round changes), and a
    percentage of the way towards getting worse is noise.
    """
    if rule.cumulative:
        baseline = None if rule.baseline is None else _to_date(rule, quarter, rule.baseline)
        target, target_max = target_for(rule, quarter, profiled), target_max_for(rule, quarter)
    else:
        baseline, target, target_max = rule.baseline, rule.target, rule.target_max
    if baseline is None or target is None or not _target_improves(rule.direction, baseline, target):
        return None
    return achievement(rule, actual, baseline, target, target_max=target_max)


# -- roll-up ----------------------------------------------------------------------


def benefit_on_track(statuses: Iterable[MeasureStatus | str]) -> bool | None:
    """Is a benefit on track this quarter, judged by its measures?

    * Not on track if any measure is off target, or is due and has no
      figure: missing data is not good news.
    * On track otherwise, provided at least one measure was assessed; a
      measure within tolerance is on track (that is what the tolerance was
      agreed for), though the report still shows it amber.
    * None (not assessed this quarter) when no measure gives a status: all
      are monitor only or not due, or the benefit has no measures yet.
    """
    assessed = False
    for s in statuses:
        s = MeasureStatus(s)
        if s in (MeasureStatus.OFF_TARGET, MeasureStatus.NO_DATA):
            return False
        assessed = assessed or s.assessed
    return True if assessed else None


@dataclass(frozen=True, slots=True)
class OnTrackCount:
    """A project's "benefits on track" figure, e.g. 3/4.

    Benefits with nothing to assess this quarter are left out of the "of"
    figure (counting them as failures would punish an annual measure for
    not being due), and counted separately in ``not_assessed``.
    """

    on_track: int = 0
    assessed: int = 0
    not_assessed: int = 0

    @property
    def total(self) -> int:
        return self.assessed + self.not_assessed

    @property
    def off_track(self) -> int:
        return self.assessed - self.on_track

    @property
    def all_on_track(self) -> bool | None:
        """True when every assessed benefit is on track; None when none was assessed."""
        return None if self.assessed == 0 else self.on_track == self.assessed

    def __str__(self) -> str:
        # "–" rather than "0/0", which reads like a failure.
        return f"{self.on_track}/{self.assessed}" if self.assessed else "–"


def rollup_counts(benefits: Iterable[bool | None]) -> OnTrackCount:
    """Count benefits on track, from each benefit's ``benefit_on_track`` result.

    ``rollup_counts(benefit_on_track(m) for m in measure_statuses_per_benefit)``.
    """
    on_track = assessed = not_assessed = 0
    for result in benefits:
        if result is None:
            not_assessed += 1
        else:
            assessed += 1
            on_track += bool(result)
    return OnTrackCount(on_track=on_track, assessed=assessed, not_assessed=not_assessed)
