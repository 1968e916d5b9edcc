"""The portfolio as a workbook (`projtui export --format xlsx`): what a performance officer filters and pastes from.

Its sheets' columns are those of ``domain/sheets.py``, so that what is
written here is what ``projtui import`` reads back. First the five a
performance officer uses: Ambitions, Projects (with the primary ambition,
the latest RAG and the benefits on track), Benefits, Measures (one row per
measure per quarter it reports in) and Reviews, then the corporate KPIs:
KPIs (one row a KPI, with its figures at ``as_at``) and KPI figures (one
row per KPI per quarter, with what was entered: actual, note, profiled
target, year-end forecast, commentary); then the rest of the
snapshot, so that the workbook imported into an empty database is the
portfolio again: Priorities, Outputs, Outcomes, Measure definitions,
Targets (profiled), Forecasts (year-end), Benchmarks (of project measures
and KPIs alike), Risks and Portfolio. Projects stream in from the export a batch at a time and each is
written out before the next is read. A record's cells are read from its
fields as they are (``vars``): the models are validated already, and a
dump per record would cost more than the rest of the row.

Every status, target, travel and "on track" is ``domain.measures``' own
(``quarter_figures``, ``benefit_on_track``, ``rollup_counts``), judged at
``as_at``: the quarter the export was cut at, else the latest one reported
(the portfolio screen judges its "benefits on track" column there too).
A measure's rows are the quarters it is due in from when its reporting
starts (its first actual or profiled target, or its benefit's realisation
start), any quarter holding a figure, and always ``as_at``, up to ``as_at``.
A KPI's rows are those and every later quarter holding something entered
(which only the workbook carries), their ratings left blank after ``as_at``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from projtui.domain.cadence import is_due
from projtui.domain.measures import (
    MeasureRule,
    QuarterFigures,
    benefit_on_track,
    in_pounds,
    quarter_figures,
    rollup_counts,
    standing,
    year_figure,
)
from projtui.domain.quarter import Quarter
from projtui.domain.rag import rag_word
from projtui.domain.records import PortfolioFields
from projtui.domain.sheets import (
    ACTUALS,
    AMBITIONS,
    BENCHMARKS,
    BENEFITS,
    FORECASTS,
    KPI_FIGURES,
    KPIS,
    MEASURE_DEFINITIONS,
    OUTCOMES,
    OUTPUTS,
    PORTFOLIO,
    PRIORITIES,
    PROJECTS,
    REVIEWS,
    RISKS,
    TARGETS,
    Sheet,
)
from projtui.report.model import direction_label
from projtui.report.workbook import SheetWriter, Workbook
from projtui.snapshot.document import Ambition, Kpi, Measure, Project

__all__ = ["AMBITION_SEPARATOR", "MEASURE_ROW", "measure_quarters", "write_portfolio"]

AMBITION_SEPARATOR = "; "  # between a project's ambition codes, primary first, and any list of codes in a cell


class _Sheet:
    """A sheet written from rows given as dicts by field, put in the sheet's column order."""

    def __init__(self, book: Workbook, sheet: Sheet) -> None:
        self._writer: SheetWriter = book.sheet(sheet.name, sheet.columns)
        self._ordered = itemgetter(*(column.field for column in sheet.columns))

    def write(self, row: dict, money: bool = False) -> None:
        """``money``: the row's measure or KPI is in pounds (its figures get the currency format)."""
        self._writer.write(self._ordered(row), money)

    def write_ordered(self, values: tuple, money: bool = False) -> None:
        """A row already in the sheet's column order (the Measures sheet's, built that way for speed)."""
        self._writer.write(values, money)


def write_portfolio(
    book: Workbook, ambitions: Iterable[Ambition], projects: Iterable[Project], as_at: Quarter, portfolio: PortfolioFields | None = None,
    kpis: Iterable[Kpi] = (),
) -> None:
    """Write every sheet; ``projects`` is read once, one project at a time."""
    ambitions = list(ambitions)
    # Made in the workbook's tab order; each is then written a row at a time, whichever is due.
    ambition_sheet, sheets, priorities, portfolio_sheet = (
        _Sheet(book, AMBITIONS), _Sheets(*(_Sheet(book, sheet) for sheet in _TABS)), _Sheet(book, PRIORITIES), _Sheet(book, PORTFOLIO)
    )
    for a in ambitions:
        ambition_sheet.write({"code": a.code, "title": a.title, "plan_period": a.plan_period, "description": a.description, "retired": a.retired})
    for a in ambitions:
        for priority in a.priorities:
            priorities.write({**vars(priority), "ambition": a.code})
    for kpi in kpis:
        _write_kpi(kpi, as_at, sheets)
    for project in projects:
        _write_project(project, as_at, sheets)
    if portfolio is not None and (portfolio.name or portfolio.council):
        portfolio_sheet.write(vars(portfolio))


# In the workbook's tab order, after Ambitions; Priorities and Portfolio come last.
_TABS = (PROJECTS, BENEFITS, ACTUALS, REVIEWS, KPIS, KPI_FIGURES, OUTPUTS, OUTCOMES, MEASURE_DEFINITIONS, TARGETS, FORECASTS,
         BENCHMARKS, RISKS)


@dataclass(frozen=True, slots=True)
class _Sheets:
    projects: _Sheet
    benefits: _Sheet
    measures: _Sheet
    reviews: _Sheet
    kpis: _Sheet
    kpi_figures: _Sheet
    outputs: _Sheet
    outcomes: _Sheet
    definitions: _Sheet
    targets: _Sheet
    forecasts: _Sheet
    benchmarks: _Sheet
    risks: _Sheet


def _write_project(project: Project, as_at: Quarter, sheets: _Sheets) -> None:
    code = project.code
    on_track = []
    benefit_rows = []
    for benefit in project.benefits:
        statuses = [
            _write_measure(sheets.measures, code, "benefit", benefit.code, m, as_at, benefit.realisation_start).status
            for m in benefit.measures
        ]
        on_track.append(benefit_on_track(statuses))
        benefit_rows.append({**vars(benefit), "project": code, "on_track": on_track[-1]})
    for outcome in project.outcomes:
        for m in outcome.measures:
            _write_measure(sheets.measures, code, "outcome", outcome.code, m, as_at)

    latest = max(project.reviews, key=lambda r: r.quarter, default=None)
    plan = project.benefits_review_plan
    sheets.projects.write(
        {
            **vars(project),
            "ambitions": AMBITION_SEPARATOR.join(project.ambitions) or None,
            "plan_status": plan.status,
            "plan_approved_by": plan.approved_by,
            "plan_approved_on": plan.approved_on,
            "plan_review_schedule": plan.review_schedule,
            "plan_post_project_owner": plan.post_project_owner,
            "plan_notes": plan.notes,
            "primary_ambition": project.ambitions[0] if project.ambitions else None,
            "rag": rag_word(latest.rag if latest else None),
            "benefits_on_track": str(rollup_counts(on_track)),
            "latest_review": latest.quarter if latest else None,
        }
    )
    for row in benefit_rows:
        sheets.benefits.write(row)
    for review in project.reviews:
        row = {**vars(review), "project": code}
        for field in _RAG_FIELDS:
            row[field] = rag_word(row[field])
        sheets.reviews.write(row)
    _write_plan(project, sheets)


def _write_plan(project: Project, sheets: _Sheets) -> None:
    """The rows only a round trip needs: the plan's items and links, its measures' definitions and figures, the risks."""
    code = project.code
    for output in project.outputs:
        sheets.outputs.write({**vars(output), "project": code, "outcomes": AMBITION_SEPARATOR.join(output.outcomes) or None})
    for outcome in project.outcomes:
        sheets.outcomes.write({**vars(outcome), "project": code, "benefits": AMBITION_SEPARATOR.join(outcome.benefits) or None})
    for serves, items in (("outcome", project.outcomes), ("benefit", project.benefits)):
        for item in items:
            for measure in item.measures:
                money = in_pounds(measure.unit)
                sheets.definitions.write(
                    {**vars(measure), "project": code, "serves": serves, "serves_code": item.code, "unit": measure.unit or None}, money
                )
                for quarter, target in sorted(measure.targets.items()):
                    sheets.targets.write_ordered((code, measure.code, quarter, target), money)
                for quarter, forecast in sorted(measure.forecasts.items()):
                    sheets.forecasts.write_ordered((code, measure.code, quarter, forecast), money)
                _write_benchmarks(sheets.benchmarks, measure, {"project": code, "measure_code": measure.code, "kpi_code": None})
    for risk in project.risks:
        sheets.risks.write({**vars(risk), "project": code})


_RAG_FIELDS = ("rag", "time_rag", "cost_rag", "scope_rag", "benefits_rag")


def _write_kpi(kpi: Kpi, as_at: Quarter, sheets: _Sheets) -> None:
    """The KPI's row, a row for each of its quarters, and its benchmarks."""
    rule, money = _rule(kpi), in_pounds(kpi.unit)
    entered = {*kpi.actuals, *kpi.targets, *kpi.forecasts, *kpi.commentary}
    provisional, figures = set(kpi.provisional), None
    for quarter in sorted({*measure_quarters(kpi, as_at), *entered}):
        rated = _figures(rule, kpi, quarter, None) if quarter <= as_at else None
        actual = kpi.actuals.get(quarter)
        sheets.kpi_figures.write(
            {
                "kpi_code": kpi.code, "kpi_name": kpi.name, "service": kpi.service, "quarter": quarter, "value": actual,
                "provisional": (quarter in provisional) if actual is not None else None, "note": kpi.notes.get(quarter),
                "target": rated and rated.target, "status": rated and rated.status.label, "travel": rated and rated.travel_vs_previous.label,
                "travel_vs_last_year": rated and rated.travel_vs_last_year.label, "forecast": kpi.forecasts.get(quarter),
                "year_end_status": rated.year_end_status.label if rated and quarter in kpi.forecasts else None,
                "commentary": kpi.commentary.get(quarter), "profiled": kpi.targets.get(quarter),
            },
            money,
        )
        if quarter == as_at:
            figures = rated
    assert figures is not None  # measure_quarters always holds as_at
    sheets.kpis.write(
        {
            **vars(kpi), "unit": kpi.unit or None,
            "ambitions": AMBITION_SEPARATOR.join(kpi.ambitions) or None, "latest_quarter": as_at, "latest_actual": figures.actual,
            "latest_target": figures.target, "latest_status": figures.status.label, "latest_travel": figures.travel_vs_previous.label,
        },
        money,
    )
    _write_benchmarks(sheets.benchmarks, kpi, {"project": None, "measure_code": None, "kpi_code": kpi.code})


def _write_benchmarks(sheet: _Sheet, measure: Measure, owner: dict) -> None:
    """A row per comparator set, with the measure's own figure for the year and where it stands (the one rule's)."""
    if not measure.benchmarks:
        return
    rule, money = _rule(measure), in_pounds(measure.unit)
    for benchmark in measure.benchmarks:
        figure = year_figure(rule, benchmark.period, measure.actuals) if rule is not None else None
        sheet.write(
            {
                **vars(benchmark), **owner, "measure_name": measure.name, "period": str(benchmark.period), "year_figure": figure,
                "standing": standing(measure.direction, figure, benchmark) or None,
            },
            money,
        )


def _rule(measure: Measure) -> MeasureRule | None:
    """The measure's rule, or None when its definition cannot be rated (`projtui check` says why)."""
    try:
        return MeasureRule.from_measure(measure)
    except ValueError:
        return None


def measure_quarters(measure: Measure, as_at: Quarter, realisation_start: Quarter | None = None) -> list[Quarter]:
    """The quarters a measure has a row for, in order (see the module's docstring)."""
    held = [q for q in (*measure.actuals, *measure.targets) if q <= as_at]
    starts = [q for q in (min(held, default=None), realisation_start) if q is not None]
    due = [q for q in Quarter.range(min(starts), as_at) if is_due(measure.frequency, q.quarter)] if starts else []
    return sorted({*due, *held, as_at})


def _write_measure(
    sheet: _Sheet, project: str, serves: str, serves_code: str, measure: Measure, as_at: Quarter, realisation_start: Quarter | None = None
) -> QuarterFigures:
    """A row for each of the measure's quarters; the figures at ``as_at``, for its benefit's roll-up."""
    rule = _rule(measure)
    provisional, notes = set(measure.provisional), measure.notes
    code, name, unit, direction = measure.code, measure.name, measure.unit or None, direction_label(measure.direction)
    money = in_pounds(unit)
    figures = None
    for quarter in measure_quarters(measure, as_at, realisation_start):
        figures = _figures(rule, measure, quarter, realisation_start)
        actual = figures.actual
        # In MEASURE_ROW's order: one row per measure per quarter, the most of any sheet.
        sheet.write_ordered(
            (
                project, code, name, quarter, actual, (quarter in provisional) if actual is not None else None, notes.get(quarter),
                figures.target, figures.status.label, figures.travel_vs_previous.label, figures.target_max,
                figures.travel_vs_last_year.label, serves, serves_code, unit, direction,
                figures.year_end_forecast, figures.year_end_status.label if figures.year_end_forecast is not None else None,
            ),
            money,
        )
    return figures  # the last row is as_at's


MEASURE_ROW = (
    "project", "measure_code", "measure_name", "quarter", "value", "provisional", "note", "target", "status", "travel",
    "target_max", "travel_vs_last_year", "serves", "serves_code", "unit", "direction",
    "year_end_forecast", "year_end_status",
)
"""The fields of `_write_measure`'s rows, in order: ACTUALS' columns (a test holds them equal)."""


def _figures(rule: MeasureRule | None, measure: Measure, quarter: Quarter, realisation_start: Quarter | None) -> QuarterFigures:
    if rule is not None:
        try:
            return quarter_figures(
                rule, quarter, measure.actuals, measure.targets, realisation_start=realisation_start, forecasts=measure.forecasts
            )
        except ValueError:
            pass
    # A rule that cannot rate the quarter: the figures without a rating, as review mode shows them (`projtui check` says why).
    return QuarterFigures.unrated(measure.frequency, quarter, measure.actuals, realisation_start)
