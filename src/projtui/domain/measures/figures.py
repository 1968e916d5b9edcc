"""A measure's figures for one quarter: the one function review mode, the project screen, the report and `check` share.

``quarter_figures`` ties the rules of this package together for a quarter:
its target (profiled, or on the trajectory), the actual, whether the
measure is due and whether reporting has started, its status, its direction
of travel against the previous report and the same quarter last year, and
its achievement. Every reader of a measure's quarter calls it, so two
screens can never rate the same figure two ways.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from projtui.domain.cadence import is_due
from projtui.domain.enums import Direction, Frequency
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


# The fields in order, as the dataclass this was had them: equality, hash and repr go through all of them.
_FIELDS = (
    "quarter", "actual", "target", "target_max", "target_basis", "due", "started", "status", "previous_quarter",
    "previous_actual", "travel_vs_previous", "last_year_actual", "travel_vs_last_year", "achievement",
    "year_end_forecast", "year_end_status", "realisation",
)
# Worked out on first access: the export writes none of them for most of its rows, and the trend's least squares is
# the dearest part of a quarter.
_LAZY = ("target_basis", "achievement", "year_end_status", "realisation")
_UNSET = object()
_T = TypeVar("_T")


class _lazy(Generic[_T]):  # noqa: N801 - used as a decorator, like property
    """A figure of ``QuarterFigures`` worked out from ``quarter_figures``' inputs when first read, then kept in its slot."""

    def __init__(self, compute: Callable[..., _T]) -> None:
        self._compute = compute
        self._slot = f"_{compute.__name__}"
        self.__doc__ = compute.__doc__

    def __get__(self, figures: QuarterFigures | None, owner: type | None = None) -> _T:
        if figures is None:
            return self
        value = getattr(figures, self._slot)
        if value is _UNSET:
            value = self._compute(figures, *figures._inputs)
            _set(figures, self._slot, value)
        return value


class QuarterFigures:
    """Everything the rules say about one measure in one quarter.

    A value: equal, hashed and printed by its fields, immutable. The figures
    ``quarter_figures`` gives work out ``_LAZY`` ones when first asked for,
    from the mappings it was given (so they must not change afterwards);
    reading them gives what an eager computation would have.
    """

    __slots__ = (*(f for f in _FIELDS if f not in _LAZY), *(f"_{f}" for f in _LAZY), "_inputs")

    quarter: Quarter
    actual: float | None
    target: float | None  # this quarter's target (the bottom of the band for a range); None: monitor only
    target_max: float | None  # range measures: the top of the band this quarter
    due: bool  # the measure's cadence reports this quarter
    started: bool  # reporting has started: an actual by now, or the benefit's realisation window has opened
    status: MeasureStatus
    previous_quarter: Quarter | None  # the previous time the measure was due (None when not due now)
    previous_actual: float | None
    travel_vs_previous: Travel
    last_year_actual: float | None  # the same quarter last year
    travel_vs_last_year: Travel
    year_end_forecast: float | None  # what the owner expected at this quarter for the year end

    def __init__(
        self,
        quarter: Quarter,
        actual: float | None,
        target: float | None,
        target_max: float | None,
        target_basis: TargetBasis,
        due: bool,
        started: bool,
        status: MeasureStatus,
        previous_quarter: Quarter | None,
        previous_actual: float | None,
        travel_vs_previous: Travel,
        last_year_actual: float | None,
        travel_vs_last_year: Travel,
        achievement: float | None,
        year_end_forecast: float | None = None,
        year_end_status: MeasureStatus = MeasureStatus.NO_DATA,
        realisation: RealisationForecast = NO_REALISATION_FORECAST,
    ) -> None:
        """Every figure given: nothing is left to work out."""
        values = locals()
        for name in _FIELDS:
            _set(self, name if name not in _LAZY else f"_{name}", values[name])
        _set(self, "_inputs", None)

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

    # The figures worked out when first read (see ``quarter_figures`` for the rules).

    @_lazy
    def target_basis(self, rule: MeasureRule, actuals: Mapping, profiled: Mapping, forecasts: Mapping) -> TargetBasis:
        """Where the target came from: profiled, trajectory, annual, year to date, none."""
        return target_basis(rule, self.quarter, profiled)

    @_lazy
    def achievement(self, rule: MeasureRule, actuals: Mapping, profiled: Mapping, forecasts: Mapping) -> float | None:
        """``achievement.progress``, for a rated quarter only."""
        return progress(rule, self.quarter, self.actual, profiled) if self.status.rank is not None else None

    @_lazy
    def year_end_status(self, rule: MeasureRule, actuals: Mapping, profiled: Mapping, forecasts: Mapping) -> MeasureStatus:
        """``forecast.year_end_status`` of the year-end forecast."""
        return year_end_status(rule, self.quarter, self.year_end_forecast, profiled)

    @_lazy
    def realisation(self, rule: MeasureRule, actuals: Mapping, profiled: Mapping, forecasts: Mapping) -> RealisationForecast:
        """Where the trend is heading (``forecast.realisation_forecast``)."""
        return realisation_forecast(rule, self.quarter, actuals, profiled)

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

    # A value, as the frozen dataclass it was: by every field, the lazy ones worked out to compare.

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"QuarterFigures({', '.join(f'{name}={getattr(self, name)!r}' for name in _FIELDS)})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"QuarterFigures is immutable: cannot set {name}")

    __delattr__ = __setattr__

    def __reduce__(self) -> tuple:
        # Copied or pickled with every figure worked out: a copy of the "not yet" marker would not be the marker.
        return self.__class__, self._values()


_set = object.__setattr__


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
    figures = QuarterFigures.__new__(QuarterFigures)
    for name, value in (
        ("quarter", quarter), ("actual", actual), ("target", target), ("target_max", target_max), ("due", due),
        ("started", started), ("status", rated), ("previous_quarter", before),
        ("previous_actual", None if before is None else actuals.get(before)),
        ("travel_vs_previous", travel_vs_previous_quarter(rule, quarter, actuals)),
        ("last_year_actual", None if last_year is None else actuals.get(last_year)),
        ("travel_vs_last_year", travel_vs_last_year(rule, quarter, actuals)),
        ("year_end_forecast", forecasts.get(quarter)),
        ("_inputs", (rule, actuals, profiled, forecasts)),
        *((f"_{name}", _UNSET) for name in _LAZY),
    ):
        _set(figures, name, value)
    if rule.direction is Direction.RANGE:
        # A range's band can be empty at the year end or the trend's horizon (a profiled bottom above the top), which
        # the rating refuses with ValueError: work them out now, so that this call raises it as it always has.
        figures.year_end_status, figures.realisation  # noqa: B018
    return figures
