"""A measure's figures for one quarter: the one function review mode, the project screen, the report and `check` share.

``quarter_figures`` ties the rules of this package together for a quarter:
its target (profiled, or on the trajectory), the actual, whether the
measure is due and whether reporting has started, its status, its direction
of travel against the previous report and the same quarter last year, and
its achievement. Every reader of a measure's quarter calls it, so two
screens can never rate the same figure two ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from projtui.domain.cadence import is_due
from projtui.domain.enums import Frequency
from projtui.domain.measures.achievement import progress
from projtui.domain.measures.forecast import (
    NO_REALISATION_FORECAST,
    RealisationForecast,
    realisation_forecast,
    year_end_status,
)
from projtui.domain.measures.rating import reporting_started, status
from projtui.domain.measures.rule import NO_PROFILE, MeasureRule
from projtui.domain.measures.targets import target_basis, target_for, target_max_for
from projtui.domain.measures.travel import (
    previous_due_quarter,
    travel_vs_last_year,
    travel_vs_previous_quarter,
)
from projtui.domain.measures.vocabulary import MeasureStatus, TargetBasis, Travel
from projtui.domain.quarter import Quarter

__all__ = ["QuarterFigures", "quarter_figures"]


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    """Everything the rules say about one measure in one quarter."""

    quarter: Quarter
    actual: float | None
    target: float | None  # this quarter's target (the bottom of the band for a range); None: monitor only
    target_max: float | None  # range measures: the top of the band this quarter
    target_basis: TargetBasis  # where the target came from: profiled, trajectory, annual, year to date, none
    due: bool  # the measure's cadence reports this quarter
    started: bool  # reporting has started: an actual by now, or the benefit's realisation window has opened
    status: MeasureStatus
    previous_quarter: Quarter | None  # the previous time the measure was due (None when not due now)
    previous_actual: float | None
    travel_vs_previous: Travel
    last_year_actual: float | None  # the same quarter last year
    travel_vs_last_year: Travel
    achievement: float | None  # `achievement.progress`, for a rated quarter only
    year_end_forecast: float | None = None  # what the owner expected at this quarter for the year end
    year_end_status: MeasureStatus = MeasureStatus.NO_DATA  # `forecast.year_end_status` of that figure
    realisation: RealisationForecast = NO_REALISATION_FORECAST  # where the trend is heading (`forecast.realisation_forecast`)

    @classmethod
    def unrated(
        cls, frequency: Frequency, quarter: Quarter, actuals: Mapping[Quarter, float], realisation_start: Quarter | None = None
    ) -> QuarterFigures:
        """The figures of a measure whose rule cannot be read (``quarter_figures`` raised): the actual, no rating.

        Review mode still shows such a measure, and lets its figures be
        corrected, without pretending to rate it.
        """
        return cls(
            quarter=quarter, actual=actuals.get(quarter), target=None, target_max=None, target_basis=TargetBasis.NONE,
            due=is_due(frequency, quarter.quarter),
            started=reporting_started(quarter, min(actuals) if actuals else None, realisation_start),
            status=MeasureStatus.MONITOR_ONLY, previous_quarter=None, previous_actual=None,
            travel_vs_previous=Travel.NO_COMPARISON, last_year_actual=None, travel_vs_last_year=Travel.NO_COMPARISON,
            achievement=None,
        )

    @property
    def on_trajectory(self) -> bool:
        """The target is a step on the way to a later end target."""
        return self.target_basis is TargetBasis.TRAJECTORY

    @property
    def expected(self) -> bool:
        """An actual is expected this quarter: due, and reporting has started."""
        return self.due and self.started

    @property
    def missing(self) -> bool:
        return self.expected and self.actual is None

    @property
    def monitor_only(self) -> bool:
        return self.status is MeasureStatus.MONITOR_ONLY


def quarter_figures(
    rule: MeasureRule,
    quarter: Quarter,
    actuals: Mapping[Quarter, float],
    profiled: Mapping[Quarter, float] = NO_PROFILE,
    *,
    realisation_start: Quarter | None = None,
    forecasts: Mapping[Quarter, float] = NO_PROFILE,
) -> QuarterFigures:
    """The measure's figures for ``quarter``.

    ``actuals`` and ``profiled`` are the measure's figures by quarter (year
    to date for a cumulative measure); only the quarter itself, the previous
    due quarter and the same quarter last year are read, plus the earliest
    actual. ``realisation_start`` is the start of the realisation window of
    the benefit the measure serves (None for an outcome's measure, or a
    benefit with no window): before it, and before the measure's first
    actual, the measure is not due (``rating.reporting_started``), so a plan
    written ahead of time does not show as missing data.

    ``forecasts`` are the owner's year-end forecasts by the quarter they
    were made in; the quarter's own is rated against the year-end target.
    The realisation forecast reads the actuals up to the quarter.

    Achievement is given only for a rated quarter (on target, within
    tolerance or off target): a figure entered in a quarter the measure is
    not judged in is not progress towards anything.

    Raises ValueError when the rule cannot rate the quarter (a profiled
    range bottom above the band's top); callers say where.
    """
    actual = actuals.get(quarter)
    due = is_due(rule.frequency, quarter.quarter)
    started = reporting_started(quarter, min(actuals) if actuals else None, realisation_start)
    target = target_for(rule, quarter, profiled)
    target_max = target_max_for(rule, quarter)
    rated = status(rule, actual, target, target_max=target_max, due=due and started)
    before = previous_due_quarter(rule.frequency, quarter) if due else None
    try:
        last_year: Quarter | None = quarter.same_quarter_last_year()
    except ValueError:  # the first year the calendar holds
        last_year = None
    return QuarterFigures(
        quarter=quarter,
        actual=actual,
        target=target,
        target_max=target_max,
        target_basis=target_basis(rule, quarter, profiled),
        due=due,
        started=started,
        status=rated,
        previous_quarter=before,
        previous_actual=None if before is None else actuals.get(before),
        travel_vs_previous=travel_vs_previous_quarter(rule, quarter, actuals),
        last_year_actual=None if last_year is None else actuals.get(last_year),
        travel_vs_last_year=travel_vs_last_year(rule, quarter, actuals),
        achievement=progress(rule, quarter, actual, profiled) if rated.rank is not None else None,
        year_end_forecast=forecasts.get(quarter),
        year_end_status=year_end_status(rule, quarter, forecasts.get(quarter), profiled),
        realisation=realisation_forecast(rule, quarter, actuals, profiled),
    )
