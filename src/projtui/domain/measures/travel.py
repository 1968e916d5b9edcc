"""Direction of travel: did performance get better or worse, since the last report and against last year?"""

from __future__ import annotations

from collections.abc import Mapping

from projtui.domain.cadence import is_due
from projtui.domain.enums import Direction, Frequency
from projtui.domain.measures.rule import REL_EPSILON, MeasureRule, finite
from projtui.domain.measures.targets import year_to_date_share
from projtui.domain.measures.vocabulary import Travel
from projtui.domain.quarter import Quarter

__all__ = [
    "latest_in_year", "period_amount", "period_quarters", "previous_due_quarter", "travel", "travel_vs_last_year",
    "travel_vs_previous_quarter",
]


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
    current = finite("current", current)
    previous = finite("previous", previous)
    if current is None or previous is None:
        return Travel.NO_COMPARISON
    if direction is Direction.HIGHER or direction is Direction.NONE:
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
    if direction is Direction.NONE:
        return Travel.UP if gain > 0 else Travel.DOWN
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
    * *None* (an activity or context indicator): up, down or no change,
      never better or worse.

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


def latest_in_year(actuals: Mapping[Quarter, float], fy_start_year: int, up_to: Quarter | None = None) -> Quarter | None:
    """The last quarter of the financial year (up to ``up_to``) that has an actual; None when it has none."""
    return max((q for q in actuals if q.fy_start_year == fy_start_year and (up_to is None or q <= up_to)), default=None)


def period_amount(rule: MeasureRule, quarter: Quarter, actuals: Mapping[Quarter, float]) -> float | None:
    """For a cumulative measure: the amount added in the reporting period that ends at ``quarter``.

    The year-to-date figure less the one at the previous due quarter, or the
    year-to-date figure itself in the first period of the financial year.
    """
    ytd = finite(f"actual for {quarter}", actuals.get(quarter))
    if ytd is None:
        return None
    before = previous_due_quarter(rule.frequency, quarter)
    if before is None or before.fy_start_year != quarter.fy_start_year:
        return ytd
    earlier = finite(f"actual for {before}", actuals.get(before))
    return None if earlier is None else ytd - earlier


def period_quarters(rule: MeasureRule, quarter: Quarter) -> int:
    """How many quarters of the financial year the reporting period that ends at ``quarter`` spans."""
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
    share = period_quarters(rule, quarter) / 4
    return _travel(
        rule.direction,
        _band(rule, share),
        period_amount(rule, quarter, actuals),
        period_amount(rule, before, actuals),
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
    share = year_to_date_share(quarter) if rule.cumulative else 1.0
    return _travel(rule.direction, _band(rule, share), actuals.get(quarter), actuals.get(last_year))

