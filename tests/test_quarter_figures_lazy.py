"""`quarter_figures` works out the target basis, achievement, year-end status and realisation forecast only when read.

The lazy figures must be the very figures an eager computation gives
(equal, same hash, same repr, same error for an empty range band), and
reading only the rest must never compute them: the export writes most of
its rows without them.
"""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projtui.domain.enums import Aggregation, Direction, Frequency
from projtui.domain.measures import MeasureRule, QuarterFigures, quarter_figures
from projtui.domain.measures import figures as figures_module
from projtui.domain.measures.achievement import progress
from projtui.domain.measures.forecast import realisation_forecast, year_end_status
from projtui.domain.measures.targets import target_basis
from projtui.domain.quarter import Quarter

quarters = st.builds(Quarter, st.integers(2022, 2026), st.integers(1, 4))
figures_ = st.integers(-2_000, 2_000).map(lambda tenths: tenths / 10)  # figures as people type them: to a tenth
by_quarter = st.dictionaries(quarters, figures_, max_size=12)


@st.composite
def rules(draw: st.DrawFn) -> MeasureRule:
    direction = draw(st.sampled_from(list(Direction)))
    target = None if direction is Direction.NONE else draw(st.none() | figures_)
    target_max = None
    if direction is Direction.RANGE and target is not None:
        target_max = target + draw(st.integers(0, 500)) / 10
    first = draw(st.none() | quarters)
    return MeasureRule(
        direction=direction, target=target, target_max=target_max, tolerance=draw(st.none() | st.integers(0, 20)),
        aggregation=draw(st.sampled_from(list(Aggregation))), frequency=draw(st.sampled_from(list(Frequency))),
        baseline=draw(st.none() | figures_), baseline_period=first,
        target_period=None if first is None else first.shift(draw(st.integers(-2, 16))),
    )


def eager(rule, quarter, actuals, profiled, forecasts) -> QuarterFigures:
    """The figures as they were computed before: every one up front, through the public constructor."""
    lazy = quarter_figures(rule, quarter, actuals, profiled, forecasts=forecasts)
    return QuarterFigures(
        quarter=lazy.quarter, actual=lazy.actual, target=lazy.target, target_max=lazy.target_max,
        target_basis=target_basis(rule, quarter, profiled), due=lazy.due, started=lazy.started, status=lazy.status,
        previous_quarter=lazy.previous_quarter, previous_actual=lazy.previous_actual, travel_vs_previous=lazy.travel_vs_previous,
        last_year_actual=lazy.last_year_actual, travel_vs_last_year=lazy.travel_vs_last_year,
        achievement=progress(rule, quarter, lazy.actual, profiled) if lazy.status.rank is not None else None,
        year_end_forecast=forecasts.get(quarter), year_end_status=year_end_status(rule, quarter, forecasts.get(quarter), profiled),
        realisation=realisation_forecast(rule, quarter, actuals, profiled),
    )


def outcome(call):
    try:
        return call()
    except ValueError as exc:
        return ValueError, str(exc)


@given(rule=rules(), quarter=quarters, actuals=by_quarter, profiled=st.dictionaries(quarters, figures_, max_size=3),
       forecasts=st.dictionaries(quarters, figures_, max_size=3))
def test_lazy_figures_are_the_eager_ones(rule, quarter, actuals, profiled, forecasts) -> None:
    expected = outcome(lambda: eager(rule, quarter, actuals, profiled, forecasts))
    found = outcome(lambda: quarter_figures(rule, quarter, actuals, profiled, forecasts=forecasts))
    if isinstance(expected, tuple):  # an empty range band: the call itself raises, as it did
        assert found == expected
        return
    assert found == expected and hash(found) == hash(expected) and repr(found) == repr(expected)
    # Read one at a time, each as the eager object holds it; then equal again once all are worked out.
    for name in ("target_basis", "achievement", "year_end_status", "realisation", "on_trajectory"):
        assert getattr(quarter_figures(rule, quarter, actuals, profiled, forecasts=forecasts), name) == getattr(expected, name)
    assert found == expected


# What reading the figures the export writes must not do.
_LAZY_RULES = ("target_basis", "progress", "year_end_status", "realisation_forecast")


@given(rule=rules().filter(lambda rule: rule.direction is not Direction.RANGE), quarter=quarters, actuals=by_quarter,
       profiled=st.dictionaries(quarters, figures_, max_size=3), forecasts=st.dictionaries(quarters, figures_, max_size=3))
def test_untouched_figures_are_never_computed(rule, quarter, actuals, profiled, forecasts) -> None:
    calls: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for name in _LAZY_RULES:
            rule_function = getattr(figures_module, name)
            patch.setattr(figures_module, name, lambda *args, _name=name, _rule=rule_function, **kwargs: (calls.append(_name), _rule(*args, **kwargs))[1])
        figures = quarter_figures(rule, quarter, actuals, profiled, forecasts=forecasts)
        (figures.actual, figures.target, figures.target_max, figures.status, figures.due, figures.started, figures.expected,
         figures.missing, figures.travel_vs_previous, figures.travel_vs_last_year, figures.year_end_forecast)
        assert calls == []
        figures.realisation
        figures.realisation
        assert calls == ["realisation_forecast"]  # once: kept once worked out


def test_a_range_band_empty_at_the_year_end_raises_from_the_call_as_before() -> None:
    rule = MeasureRule(direction=Direction.RANGE, target=10.0, target_max=20.0)
    q4 = Quarter(2025, 4)  # no actual, so only the year-end forecast meets the empty band
    with pytest.raises(ValueError, match="above its top"):
        quarter_figures(rule, q4, {}, {q4: 30.0}, forecasts={q4: 12.0})


def test_figures_are_immutable_and_copy_with_every_value() -> None:
    rule = MeasureRule(direction=Direction.HIGHER, target=10.0, baseline=0.0)
    quarters_ = list(Quarter.range(Quarter(2024, 1), Quarter(2025, 2)))
    actuals = {q: float(n) for n, q in enumerate(quarters_)}
    figures = quarter_figures(rule, quarters_[-1], actuals)
    with pytest.raises(AttributeError):
        figures.status = None  # type: ignore[misc]
    for copied in (copy.copy(figures), copy.deepcopy(figures), pickle.loads(pickle.dumps(figures))):
        assert copied == figures and copied.realisation == figures.realisation and copied.realisation.value is not None
