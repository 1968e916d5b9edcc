"""One measure in the report's quarter, whoever owns it: what a project's measure and a corporate KPI share.

A project's measure (``model.ReportMeasure``) and a KPI (``appendix_a.ReportKpi``)
are one measure model with one set of rules (issue 13), so their report
lines share this base: the definition as printed, the quarter's figures from
``domain.measures.quarter_figures`` and the latest ended year's benchmarks.
The renderers' cells for these (``wording.target``, ``status``…) then serve both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projtui.domain.cadence import due_quarters
from projtui.domain.enums import Aggregation, Direction, Frequency
from projtui.domain.errors import ProjtuiError
from projtui.domain.formatting import format_band
from projtui.domain.measures import (
    MeasureRule,
    QuarterFigures,
    TargetBasis,
    describe_benchmark,
    quarter_figures,
    year_figure,
)
from projtui.domain.quarter import Quarter
from projtui.domain.rag import commentary_missing
from projtui.snapshot.document import Measure

__all__ = ["MeasureLine", "measure_line_fields"]

_FREQUENCY_WORDS = {
    Frequency.MONTHLY: "monthly",
    Frequency.QUARTERLY: "quarterly",
    Frequency.HALF_YEARLY: "half-yearly",
    Frequency.ANNUALLY: "annually",
}


@dataclass(frozen=True, kw_only=True)
class MeasureLine:
    """A measure in the report's quarter: its definition as printed and its figures (``domain.measures``)."""

    code: str | None
    name: str
    unit: str
    direction: Direction
    frequency: Frequency
    cumulative: bool
    baseline: float | None
    baseline_period: Quarter | None
    end_target: str  # the plan's own target (the band, for a range), as printed
    target_period: Quarter | None
    provisional: bool
    note: str | None  # what was said about the quarter (a KPI's: its commentary)
    figures: QuarterFigures  # target, actual, status, travel, achievement: the same as review mode's
    # The latest ended year's comparator sets, each in a line (`domain.measures.describe_benchmark`).
    benchmarks: tuple[str, ...] = ()

    @property
    def target_note(self) -> str:
        """What the quarter's target is, beside it: ``profiled``, ``on the way to 75 by 2027/28 Q4``…"""
        if self.figures.target_basis is TargetBasis.TRAJECTORY and self.target_period is not None:
            if self.cumulative:
                return f"year to date, on the way to {self.end_target} a year by {self.target_period}"
            return f"on the way to {self.end_target} by {self.target_period}"
        return self.figures.target_basis.note

    @property
    def note_missing(self) -> bool:
        """Amber or red (within tolerance, off target) with nothing said about it."""
        return commentary_missing(self.figures.status.rag, self.note)

    @property
    def due_note(self) -> str:
        """When the measure is reported, for a "not due" status, e.g. ``reported annually, in Q4``."""
        quarters = " and ".join(f"Q{q}" for q in sorted(due_quarters(self.frequency)))
        return f"reported {_FREQUENCY_WORDS[self.frequency]}, in {quarters}"


def measure_line_fields(
    measure: Measure, quarter: Quarter, where: str, *, realisation_start: Quarter | None = None, note: str | None = None
) -> dict[str, Any]:
    """``MeasureLine``'s fields for ``measure`` in ``quarter``; ``where`` names it in an error (``measure SP-1/M2``)."""
    rule = MeasureRule.from_measure(measure)
    try:
        figures = quarter_figures(
            rule, quarter, measure.actuals, measure.targets, realisation_start=realisation_start, forecasts=measure.forecasts,
        )
    except ValueError as exc:
        # Only data the snapshot model let through but the status rules
        # cannot rate (a profiled range bottom above its top) gets here.
        raise ProjtuiError(f"{where}: {exc}") from None
    return {
        "code": measure.code,
        "name": measure.name,
        "unit": measure.unit,
        "direction": measure.direction,
        "frequency": measure.frequency,
        "cumulative": measure.aggregation is Aggregation.CUMULATIVE,
        "baseline": measure.baseline,
        "baseline_period": measure.baseline_period,
        "end_target": format_band(measure.target, measure.target_max),
        "target_period": measure.target_period,
        "provisional": quarter in measure.provisional,
        "note": measure.notes.get(quarter) if note is None else note,
        "figures": figures,
        "benchmarks": _benchmarks(measure, rule, quarter),
    }


def _benchmarks(measure: Measure, rule: MeasureRule, quarter: Quarter) -> tuple[str, ...]:
    """The comparator sets of the latest year ended before ``quarter``'s, each in a line."""
    ended = [b for b in measure.benchmarks if b.period.start_year < quarter.fy_start_year]
    if not ended:
        return ()
    latest = max(b.period for b in ended)
    return tuple(
        describe_benchmark(measure.direction, year_figure(rule, latest, measure.actuals), b)
        for b in sorted(ended, key=lambda b: b.source)
        if b.period == latest
    )
