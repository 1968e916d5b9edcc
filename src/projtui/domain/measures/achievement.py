"""Achievement: how far a measure has come from its baseline towards its target."""

from __future__ import annotations

from collections.abc import Mapping

from projtui.domain.enums import Direction
from projtui.domain.measures.rule import NO_PROFILE, MeasureRule, finite
from projtui.domain.measures.targets import target_for, target_max_for, to_date
from projtui.domain.quarter import Quarter

__all__ = ["achievement", "progress"]


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
    actual = finite("actual", actual)
    baseline = finite("baseline", baseline)
    target = finite("target", target)
    if actual is None or baseline is None or target is None or not rule.direction.rated:
        return None
    if rule.direction is Direction.RANGE:
        high = finite("target_max", target_max if target_max is not None else rule.target_max)
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
    rule: MeasureRule, quarter: Quarter, actual: float | None, profiled: Mapping[Quarter, float] = NO_PROFILE
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
        baseline = None if rule.baseline is None else to_date(rule, quarter, rule.baseline)
        target, target_max = target_for(rule, quarter, profiled), target_max_for(rule, quarter)
    else:
        baseline, target, target_max = rule.baseline, rule.target, rule.target_max
    if baseline is None or target is None or not _target_improves(rule.direction, baseline, target):
        return None
    return achievement(rule, actual, baseline, target, target_max=target_max)

