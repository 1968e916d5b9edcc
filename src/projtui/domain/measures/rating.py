"""A measure's status for one quarter: on target, within tolerance, off target, no data, not due or monitor only."""

from __future__ import annotations

from collections.abc import Mapping

from projtui.domain.cadence import is_due
from projtui.domain.enums import Direction
from projtui.domain.measures.rule import NO_PROFILE, REL_EPSILON, MeasureRule, finite
from projtui.domain.measures.targets import target_for, target_max_for
from projtui.domain.measures.vocabulary import MeasureStatus
from projtui.domain.quarter import Quarter

__all__ = ["measure_status", "reporting_started", "status"]


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

    1. No target, or direction "none": **monitor only** (a trend, never a status).
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
    target = finite("target", target)
    if target is None or not rule.direction.rated:
        return MeasureStatus.MONITOR_ONLY
    if not due:
        return MeasureStatus.NOT_DUE
    actual = finite("actual", actual)
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

    low, high = target, finite("target_max", target_max if target_max is not None else rule.target_max)
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
    profiled: Mapping[Quarter, float] = NO_PROFILE,
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

