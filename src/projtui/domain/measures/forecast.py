"""Forecasts: the owner's year-end forecast rated against the year-end target, and the realisation forecast computed from the trend.

* ``year_end_status`` - the status of the figure the owner expects at the
  end of the financial year, against that year's last target
  (``target_for`` its Q4, by the same rating rule as an actual).
* ``realisation_forecast`` - where the measure is heading, fitted by least
  squares to its last four to eight quarterly figures (up to the quarter
  in hand), read at its target period, and the rating rule's verdict on
  that figure: meet, within tolerance or miss. A cumulative measure's
  year-to-date figures are turned into the amount added per quarter, as
  ``travel`` compares them; the line gives the amounts still to come in
  the target's financial year, added to the year to date already reported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter

from projtui.domain.cadence import is_due
from projtui.domain.formatting import format_number
from projtui.domain.measures.rating import status
from projtui.domain.measures.rule import NO_PROFILE, MeasureRule
from projtui.domain.measures.targets import decimal_places, plan_precision, target_for, target_max_for
from projtui.domain.measures.travel import (
    latest_in_year,
    period_amount,
    period_quarters,
)
from projtui.domain.measures.vocabulary import MeasureStatus, Outlook
from projtui.domain.quarter import Quarter

__all__ = [
    "MAX_POINTS", "MIN_POINTS", "RealisationForecast", "describe_year_end", "realisation_forecast", "year_end_status",
]

# Fewer than four points is not a trend: three quarters can be one season.
MIN_POINTS = 4
# Two years: recent enough to be today's trend, long enough to steady it.
MAX_POINTS = 8


def _known_at(quarter: Quarter, profiled: Mapping[Quarter, float]) -> Mapping[Quarter, float]:
    """The profiled targets up to ``quarter``: a forecast looks ahead, but only with what was planned by then.

    A report as at a quarter holds no profiled target after it, and review
    mode must judge that quarter's forecasts the same way; later quarters
    read the plan's own trajectory.
    """
    return {q: v for q, v in profiled.items() if q <= quarter} if any(q > quarter for q in profiled) else profiled


def year_end_status(
    rule: MeasureRule, quarter: Quarter, forecast: float | None, profiled: Mapping[Quarter, float] = NO_PROFILE
) -> MeasureStatus:
    """The status of the year-end figure forecast at ``quarter``.

    Judged against the target for the last quarter of ``quarter``'s
    financial year (a cumulative measure's whole-year total; profiled only
    if planned by ``quarter``); *no data*
    without a forecast, *monitor only* without a target.
    """
    year_end = Quarter(quarter.fy_start_year, 4)
    profiled = _known_at(quarter, profiled)
    return status(rule, forecast, target_for(rule, year_end, profiled), target_max=target_max_for(rule, year_end))


@dataclass(frozen=True, slots=True)
class RealisationForecast:
    """Where the trend of a measure's actuals is heading, and the verdict on it."""

    points: int  # the quarterly figures the line was fitted to
    horizon: Quarter | None  # the quarter it looks to: the target period, or the year end once that has passed
    value: float | None  # the line's figure there (year to date for a cumulative measure); None with too few points
    target: float | None  # the target at the horizon (the bottom of the band for a range)
    target_max: float | None
    outlook: Outlook

    @property
    def will_miss(self) -> bool:
        return self.outlook is Outlook.MISS

    def describe(self) -> str:
        """In words, as every screen and the report print it: ``24 by 2025/26 Q4: ▲ Will miss target``."""
        if self.value is None:
            return self.outlook.label
        heading = f"{format_number(self.value)} by {self.horizon}"
        return heading if self.outlook is Outlook.NO_TARGET else f"{heading}: {self.outlook.symbol} {self.outlook.label}"


NO_REALISATION_FORECAST = RealisationForecast(0, None, None, None, None, Outlook.NO_TARGET)


def describe_year_end(forecast: float | None, rated: MeasureStatus) -> str:
    """The owner's year-end forecast and its status in words (empty: none): ``11.5 (● On target)``."""
    if forecast is None:
        return ""
    return format_number(forecast) + ("" if rated.rank is None else f" ({rated.symbol} {rated.label})")


def _horizon(rule: MeasureRule, quarter: Quarter) -> Quarter:
    if rule.target_period is not None and rule.target_period > quarter:
        return rule.target_period
    return Quarter(quarter.fy_start_year, 4)


def _series(rule: MeasureRule, quarter: Quarter, actuals: Mapping[Quarter, float]) -> tuple[list[tuple[float, float]], list[float]]:
    """The last ``MAX_POINTS`` figures up to ``quarter`` as (quarter's ordinal, figure) points, and the figures they came from.

    A cumulative measure's point is the amount added per quarter in the
    period its year to date ends, placed at the middle of that period.
    """
    points: list[tuple[float, float]] = []
    figures: list[float] = []
    # Sorted on the ordinal, an int: `check` sorts every measure's quarters, and comparing dataclasses is slow.
    for q in sorted((q for q in actuals if q <= quarter), key=_ORDINAL, reverse=True):
        if len(points) == MAX_POINTS:
            break
        figures.append(actuals[q])
        if not rule.cumulative:
            points.append((q.ordinal, actuals[q]))
            continue
        if not is_due(rule.frequency, q.quarter):
            continue
        amount = period_amount(rule, q, actuals)
        if amount is not None:
            span = period_quarters(rule, q)
            points.append((q.ordinal - (span - 1) / 2, amount / span))
    return points, figures


_ORDINAL = attrgetter("ordinal")


def _fit(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """The least-squares line through ``points``: its centre (x, y) and slope."""
    n = len(points)
    x_mean = math.fsum(x for x, _ in points) / n
    y_mean = math.fsum(y for _, y in points) / n
    spread = math.fsum((x - x_mean) ** 2 for x, _ in points)
    slope = 0.0 if spread == 0 else math.fsum((x - x_mean) * (y - y_mean) for x, y in points) / spread
    return x_mean, y_mean, slope


def _heading(rule: MeasureRule, quarter: Quarter, horizon: Quarter, actuals: Mapping[Quarter, float], line: tuple[float, float, float]) -> float:
    x_mean, y_mean, slope = line

    def at(q: Quarter) -> float:
        return y_mean + slope * (q.ordinal - x_mean)

    if not rule.cumulative:
        return at(horizon)
    # The year to date already reported in the horizon's year, then the line's amounts for the quarters still to come.
    year = horizon.fy_start_year
    last = latest_in_year(actuals, year, min(quarter, horizon))
    so_far, first = (actuals[last], last.quarter + 1) if last is not None else (0.0, 1)
    return so_far + math.fsum(at(Quarter(year, n)) for n in range(first, horizon.quarter + 1))


def realisation_forecast(
    rule: MeasureRule, quarter: Quarter, actuals: Mapping[Quarter, float], profiled: Mapping[Quarter, float] = NO_PROFILE
) -> RealisationForecast:
    """Where the measure's actuals up to ``quarter`` are heading, and whether it will meet its target there.

    The horizon is the measure's target period, or the end of ``quarter``'s
    financial year when there is none or it has passed. The figure is
    rounded as the trajectory is (``plan_precision``: one decimal place finer
    than the figures it came from; money in whole pounds or pence), so a series exactly on its target forecasts exactly the
    target. The verdict is the rating rule's (``status``), so direction,
    range and tolerance count as they do for an actual; no target or
    direction "none" gives a figure but no verdict. Fewer than
    ``MIN_POINTS`` points: no figure (``Outlook.TOO_FEW``).
    """
    horizon = _horizon(rule, quarter)
    points, figures = _series(rule, quarter, actuals)
    if len(points) < MIN_POINTS:
        return RealisationForecast(len(points), horizon, None, None, None, Outlook.TOO_FEW)
    target, target_max = target_for(rule, horizon, _known_at(quarter, profiled)), target_max_for(rule, horizon)
    places = decimal_places(*figures, *(t for t in (target, target_max) if t is not None))
    value = plan_precision(rule, _heading(rule, quarter, horizon, actuals, _fit(points)), places) + 0.0
    verdict = Outlook.from_status(status(rule, value, target, target_max=target_max))
    return RealisationForecast(len(points), horizon, value, target, target_max, verdict)
