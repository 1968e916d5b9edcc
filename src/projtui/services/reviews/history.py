"""How a project and its measures got here: a measure's trend against its target line, and the project's ratings by quarter."""

from __future__ import annotations

from projtui.domain.enums import ReviewStatus
from projtui.domain.measures import MeasureRule, MeasureStatus
from projtui.domain.quarter import Quarter
from projtui.domain.rag import rag_or_not_set
from projtui.services.reviews import rows
from projtui.services.reviews.models import (
    MeasureTrend,
    ReviewRow,
    TrendPoint,
)
from projtui.services.reviews.sheet import trend_points
from projtui.store.database import Database
from projtui.store.queries import reviews as q

__all__ = ["measure_trend", "project_reviews", "rag_history"]


def measure_trend(db: Database, project_code: str, measure_code: str, *, up_to: Quarter | str | None = None) -> MeasureTrend:
    """The measure's actuals against its target line, one point per quarter (no gaps), oldest first.

    From the first quarter with an actual or profiled target to the last one
    (or to ``up_to``, which also cuts later quarters off). Empty for a
    measure with no figures at all.
    """
    up_to = None if up_to is None else rows.as_quarter(up_to, "up_to")
    with db.reading() as session:
        project = rows.project(session, project_code)
        measure = rows.measure(session, project, measure_code)
        item = rows.measure_item(session, measure)
        values = {Quarter(row.fy_start_year, row.quarter): row for row in q.measure_values(session, measure.id)}
        profiled = {Quarter(year, number): value for _, year, number, value in q.measure_targets(session, [measure.id])}
        start = Quarter.from_label(q.benefit_realisation_start(session, measure.benefit_id))
    try:
        points = trend_points(MeasureRule.from_measure(item.fields), values, profiled, start, up_to=up_to)
    except ValueError:  # a rule the domain cannot read: the actuals alone, unrated
        points = tuple(
            TrendPoint(quarter, row.value, bool(row.provisional), None, None, MeasureStatus.MONITOR_ONLY)
            for quarter, row in sorted(values.items()) if up_to is None or quarter <= up_to
        )
    return MeasureTrend(measure=item, points=points)


def rag_history(db: Database, project_code: str) -> list[ReviewRow]:
    """The project's reviews quarter by quarter, oldest first, for the ratings chart (drafts included, marked by ``status``)."""
    return project_reviews(db, project_code)[::-1]


def project_reviews(db: Database, project_code: str) -> list[ReviewRow]:
    """Every review of the project, newest quarter first (the project screen's "Quarterly reviews" tab)."""
    with db.reading() as session:
        reviews = q.reviews_of(session, rows.project(session, project_code).id, newest_first=True)
        return [
            ReviewRow(
                quarter=Quarter(r.fy_start_year, r.quarter), status=ReviewStatus(r.status),
                rag=rag_or_not_set(r.rag), time_rag=rag_or_not_set(r.time_rag), cost_rag=rag_or_not_set(r.cost_rag),
                scope_rag=rag_or_not_set(r.scope_rag), benefits_rag=rag_or_not_set(r.benefits_rag),
                commentary=r.commentary, next_steps=r.next_steps, published_by=r.published_by, published_on=r.published_on,
                spend_to_date_pence=r.spend_to_date_pence, forecast_pence=r.forecast_pence,
            )
            for r in reviews
        ]
