"""One project in one quarter, as review mode shows it: its review, each measure's figures, the benefits roll-up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from projtui.domain.enums import BenefitStatus, ReviewStatus, Stage
from projtui.domain.measures import (
    MeasureRule,
    QuarterFigures,
    benefit_on_track,
    quarter_figures,
    rollup_counts,
)
from projtui.domain.quarter import Quarter
from projtui.services.read_models import MeasureItem
from projtui.services.reviews import rows
from projtui.services.reviews.models import (
    BenefitLine,
    ReviewRecord,
    ReviewSheet,
    SheetMeasure,
    TrendPoint,
)
from projtui.store.database import Database
from projtui.store.queries import reviews as q

if TYPE_CHECKING:  # names the session and row types only
    from sqlalchemy.orm import Session

    from projtui.store import tables as t

__all__ = ["get_review", "load_sheet", "review_sheet", "trend_points"]


def trend_points(
    rule: MeasureRule,
    values: Mapping[Quarter, t.MeasureValue],
    profiled: Mapping[Quarter, float],
    realisation_start: Quarter | None,
    *,
    up_to: Quarter | None,
) -> tuple[TrendPoint, ...]:
    """One point per quarter, no gaps, from the first actual or profiled target to the last (or to ``up_to``)."""
    known = [q for q in [*values, *profiled] if up_to is None or q <= up_to]
    if not known:
        return ()
    first, last = min(known), max(known) if up_to is None else up_to
    actuals = {quarter: row.value for quarter, row in values.items()}
    points = []
    for quarter in Quarter.range(first, last):
        figures = quarter_figures(rule, quarter, actuals, profiled, realisation_start=realisation_start)
        row = values.get(quarter)
        points.append(
            TrendPoint(
                quarter=quarter, actual=figures.actual, provisional=row is not None and bool(row.provisional),
                target=figures.target, target_max=figures.target_max, status=figures.status,
            )
        )
    return tuple(points)


def _line(
    item: MeasureItem,
    quarter: Quarter,
    values: Mapping[Quarter, t.MeasureValue],
    profiled: Mapping[Quarter, float],
    realisation_start: Quarter | None,
    *,
    published: bool,
    forecasts: Mapping[Quarter, float],
) -> SheetMeasure:
    row = values.get(quarter)
    entry = None if row is None else rows.actual(row)
    editable = not published or (entry is not None and entry.provisional)
    actuals = {q: v.value for q, v in values.items()}
    try:
        rule = MeasureRule.from_measure(item.fields)
        figures = quarter_figures(rule, quarter, actuals, profiled, realisation_start=realisation_start, forecasts=forecasts)
        trend = trend_points(rule, values, profiled, realisation_start, up_to=quarter)
        problem = None
    except ValueError as exc:  # a rule the domain cannot read (e.g. a profiled range bottom above its top)
        figures, trend, problem = QuarterFigures.unrated(item.fields.frequency, quarter, actuals, realisation_start), (), str(exc)
    return SheetMeasure(
        measure=item, entry=entry, figures=figures, profiled_target=profiled.get(quarter), trend=trend,
        editable=editable, problem=problem, forecast_editable=not published,
    )


def load_sheet(session: Session, project_code: str, quarter: Quarter) -> ReviewSheet:
    """The sheet, read in the caller's transaction (``publishing`` checks it before publishing)."""
    project = rows.project(session, project_code)
    review = q.review_row(session, project.id, quarter)
    previous = q.previous_published(session, project.id, quarter)
    measures, benefits, outcome_codes = q.plan_rows(session, project.id)
    benefit_rows = {b.id: b for b in benefits}
    measure_ids = [m.id for m in measures]
    values: dict[int, dict[Quarter, t.MeasureValue]] = defaultdict(dict)
    for row in q.measure_rows(session, measure_ids):
        values[row.measure_id][Quarter(row.fy_start_year, row.quarter)] = row
    profiled: dict[int, dict[Quarter, float]] = defaultdict(dict)
    for measure_id, year, number, value in q.measure_targets(session, measure_ids):
        profiled[measure_id][Quarter(year, number)] = value
    forecasts: dict[int, dict[Quarter, float]] = defaultdict(dict)
    for measure_id, year, number, value in q.measure_forecasts(session, measure_ids):
        forecasts[measure_id][Quarter(year, number)] = value
    published = review is not None and review.status == ReviewStatus.PUBLISHED.value
    lines = []
    by_benefit: dict[int, list[SheetMeasure]] = defaultdict(list)
    for row in measures:
        benefit = benefit_rows.get(row.benefit_id) if row.benefit_id is not None else None
        item = MeasureItem(
            id=row.id, version=row.version, fields=rows.measure_fields(row),
            parent_kind="outcome" if row.outcome_id is not None else "benefit",
            parent_code=outcome_codes.get(row.outcome_id, "") if row.outcome_id is not None else (benefit.code if benefit else ""),
        )
        line = _line(
            item, quarter, values.get(row.id, {}), profiled.get(row.id, {}),
            Quarter.from_label(benefit.realisation_start) if benefit is not None else None, published=published,
            forecasts=forecasts.get(row.id, {}),
        )
        lines.append(line)
        if row.benefit_id is not None:
            by_benefit[row.benefit_id].append(line)
    benefit_lines = tuple(
        BenefitLine(
            id=b.id, code=b.code, title=b.title, owner=b.owner, disbenefit=bool(b.disbenefit), status=BenefitStatus(b.status),
            measure_codes=tuple(line.code for line in by_benefit.get(b.id, ())),
            on_track=benefit_on_track(line.figures.status for line in by_benefit.get(b.id, ()) if line.problem is None),
        )
        for b in benefits
    )
    return ReviewSheet(
        project_id=project.id, project_code=project.code, project_name=project.name, stage=Stage(project.stage),
        lead=project.lead, service=project.service, primary_ambition=q.primary_ambition(session, project.id),
        budget_pence=project.budget_pence, quarter=quarter,
        review=None if review is None else rows.review_record(review),
        previous_published=None if previous is None else rows.review_record(previous),
        measures=tuple(lines), benefits=benefit_lines,
        benefits_on_track=rollup_counts(b.on_track for b in benefit_lines),
    )


def review_sheet(db: Database, project_code: str, quarter: Quarter | str) -> ReviewSheet:
    """Everything review mode shows for one project in one quarter (NotFoundError for an unknown code).

    Read it again after each saved step: statuses, travel and the benefit
    roll-up are worked out from what is stored.
    """
    quarter = rows.as_quarter(quarter)
    with db.reading() as session:
        return load_sheet(session, project_code, quarter)


def get_review(db: Database, project_code: str, quarter: Quarter | str) -> ReviewRecord | None:
    """The project's review for the quarter, or None when nothing is saved yet."""
    quarter = rows.as_quarter(quarter)
    with db.reading() as session:
        row = q.review_row(session, rows.project(session, project_code).id, quarter)
        return None if row is None else rows.review_record(row)
