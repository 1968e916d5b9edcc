"""The statements behind the quarterly review: reviews, actuals, year-end forecasts, profiled targets and the review queue.

Each takes the service's `Session`; the service decides what to do with
what comes back (lock, audit, refuse). Rows are read with
``populate_existing`` where a service compares versions, so a row read
earlier in the session is never trusted over the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from projtui.domain.enums import ReviewStatus
from projtui.domain.quarter import Quarter
from projtui.store import tables as t
from projtui.store.queries.chunks import rows_in, scalars_in

__all__ = [
    "add_actual",
    "add_review",
    "add_target",
    "ambition_choices",
    "actual_by_id",
    "actual_row",
    "benefit_realisation_start",
    "delete_row",
    "distinct_values",
    "is_published",
    "measure_by_code",
    "measure_by_id",
    "forecast_value",
    "measure_forecasts",
    "measure_rows",
    "measure_status_rows",
    "measure_targets",
    "measure_values",
    "parent_code",
    "plan_rows",
    "previous_published",
    "previous_published_by_project",
    "primary_ambition",
    "queue_projects",
    "review_by_id",
    "review_row",
    "reviews_by_project",
    "replace_forecast",
    "reviews_of",
    "target_row",
]


def _in_quarter(table, quarter: Quarter):
    return and_(table.fy_start_year == quarter.fy_start_year, table.quarter == quarter.quarter)


def _before(table, quarter: Quarter, *, inclusive: bool = False):
    same_year = table.quarter <= quarter.quarter if inclusive else table.quarter < quarter.quarter
    return or_(table.fy_start_year < quarter.fy_start_year, and_(table.fy_start_year == quarter.fy_start_year, same_year))


def _fresh(statement):
    return statement.execution_options(populate_existing=True)


# -- lookups ------------------------------------------------------------------------------------------


def measure_by_code(session: Session, project_id: int, code: str) -> t.Measure | None:
    return session.scalars(_fresh(select(t.Measure).where(t.Measure.project_id == project_id, t.Measure.code == code))).first()


def primary_ambition(session: Session, project_id: int) -> str | None:
    return session.scalar(
        select(t.Ambition.code)
        .join(t.ProjectAmbition, t.ProjectAmbition.ambition_id == t.Ambition.id)
        .where(t.ProjectAmbition.project_id == project_id, t.ProjectAmbition.is_primary)
        .limit(1)
    )


def parent_code(session: Session, measure: t.Measure) -> tuple[str, str]:
    """("outcome" or "benefit", its code) for the item the measure belongs to."""
    if measure.outcome_id is not None:
        return "outcome", session.scalar(select(t.Outcome.code).where(t.Outcome.id == measure.outcome_id)) or ""
    return "benefit", session.scalar(select(t.Benefit.code).where(t.Benefit.id == measure.benefit_id)) or ""


def benefit_realisation_start(session: Session, benefit_id: int | None) -> str | None:
    if benefit_id is None:
        return None
    return session.scalar(select(t.Benefit.realisation_start).where(t.Benefit.id == benefit_id))


# By id, as the database holds the row now (None once deleted): what a conflict shows as "theirs".


def review_by_id(session: Session, row_id: int) -> t.QuarterlyReview | None:
    return session.get(t.QuarterlyReview, row_id, populate_existing=True)


def actual_by_id(session: Session, row_id: int) -> t.MeasureValue | None:
    return session.get(t.MeasureValue, row_id, populate_existing=True)


def measure_by_id(session: Session, row_id: int) -> t.Measure | None:
    return session.get(t.Measure, row_id, populate_existing=True)


# -- reviews --------------------------------------------------------------------------------------------


def review_row(session: Session, project_id: int, quarter: Quarter) -> t.QuarterlyReview | None:
    return session.scalars(
        _fresh(select(t.QuarterlyReview).where(t.QuarterlyReview.project_id == project_id, _in_quarter(t.QuarterlyReview, quarter)))
    ).first()


def previous_published(session: Session, project_id: int, quarter: Quarter) -> t.QuarterlyReview | None:
    """The latest published review before ``quarter``."""
    return session.scalars(
        select(t.QuarterlyReview)
        .where(
            t.QuarterlyReview.project_id == project_id,
            t.QuarterlyReview.status == ReviewStatus.PUBLISHED.value,
            _before(t.QuarterlyReview, quarter),
        )
        .order_by(t.QuarterlyReview.fy_start_year.desc(), t.QuarterlyReview.quarter.desc())
        .limit(1)
    ).first()


def is_published(session: Session, project_id: int, quarter: Quarter) -> bool:
    return bool(
        session.scalar(
            select(exists().where(
                t.QuarterlyReview.project_id == project_id, _in_quarter(t.QuarterlyReview, quarter),
                t.QuarterlyReview.status == ReviewStatus.PUBLISHED.value,
            ))
        )
    )


def add_review(session: Session, project_id: int, quarter: Quarter, values: dict) -> t.QuarterlyReview:
    row = t.QuarterlyReview(project_id=project_id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, **values)
    session.add(row)
    session.flush()
    return row


def reviews_of(session: Session, project_id: int, *, newest_first: bool) -> Sequence[t.QuarterlyReview]:
    """Every review of the project, by quarter."""
    year, quarter = t.QuarterlyReview.fy_start_year, t.QuarterlyReview.quarter
    order = (year.desc(), quarter.desc()) if newest_first else (year, quarter)
    return session.scalars(select(t.QuarterlyReview).where(t.QuarterlyReview.project_id == project_id).order_by(*order)).all()


# -- the queue -------------------------------------------------------------------------------------------


def ambition_choices(session: Session) -> list[tuple[str, str]]:
    """(code, title) of every ambition, in the Council Plan's order."""
    rows = session.execute(select(t.Ambition.code, t.Ambition.title).order_by(t.Ambition.sort_order, t.Ambition.code))
    return [(code, title) for code, title in rows]


def distinct_values(session: Session, column: str) -> list[str]:
    """The distinct non-null values of a project column (``lead``, ``service``)."""
    attribute = getattr(t.Project, column)
    return list(session.scalars(select(attribute).where(attribute.is_not(None)).distinct()))


def _queue_conditions(
    quarter: Quarter, stages: Collection[str], ambition: str | None, no_ambition: bool, lead: str | None, service: str | None,
    post_project: Collection[str] = (), open_benefits: Collection[str] = (), only_stage: str | None = None,
) -> list:
    has_review = exists().where(t.QuarterlyReview.project_id == t.Project.id, _in_quarter(t.QuarterlyReview, quarter))
    listed = [t.Project.stage.in_(sorted(stages)), has_review]
    if post_project and open_benefits:
        benefits_open = exists().where(t.Benefit.project_id == t.Project.id, t.Benefit.status.in_(sorted(open_benefits)))
        listed.append(and_(t.Project.stage.in_(sorted(post_project)), benefits_open))
    conditions = [or_(*listed)]
    if only_stage is not None:
        conditions.append(t.Project.stage == only_stage)
    if no_ambition:
        conditions.append(~exists().where(t.ProjectAmbition.project_id == t.Project.id))
    elif ambition:
        conditions.append(
            exists().where(
                t.ProjectAmbition.project_id == t.Project.id, t.ProjectAmbition.ambition_id == t.Ambition.id, t.Ambition.code == ambition
            )
        )
    if lead:
        conditions.append(func.lower(t.Project.lead) == lead.strip().lower())
    if service:
        conditions.append(func.lower(t.Project.service) == service.strip().lower())
    return conditions


def queue_projects(
    session: Session,
    quarter: Quarter,
    *,
    stages: Collection[str],
    ambition: str | None,
    no_ambition: bool,
    lead: str | None,
    service: str | None,
    post_project: Collection[str] = (),
    open_benefits: Collection[str] = (),
    only_stage: str | None = None,
) -> tuple[list, Any]:
    """The projects review mode lists for the quarter, by code, and a selectable of their ids for the bulk reads below.

    Listed: projects in one of ``stages``, or with a review for the quarter
    whatever their stage, or in one of ``post_project`` with a benefit whose
    status is one of ``open_benefits``; only those at ``only_stage``, when given; narrowed to those linked to ``ambition`` (any
    link) or to none (``no_ambition``), and to ``lead`` and ``service``
    ignoring case. Rows have id, code, name, stage, lead, service and
    ambition (the primary one's code).
    """
    conditions = _queue_conditions(quarter, stages, ambition, no_ambition, lead, service, post_project, open_benefits, only_stage)
    primary = (
        select(t.Ambition.code)
        .join(t.ProjectAmbition, t.ProjectAmbition.ambition_id == t.Ambition.id)
        .where(t.ProjectAmbition.project_id == t.Project.id, t.ProjectAmbition.is_primary)
        .limit(1)
        .correlate(t.Project)
        .scalar_subquery()
    )
    rows = session.execute(
        select(t.Project.id, t.Project.code, t.Project.name, t.Project.stage, t.Project.lead, t.Project.service, primary.label("ambition"))
        .where(*conditions)
        .order_by(t.Project.code)
    ).all()
    return rows, select(t.Project.id).where(*conditions)


def reviews_by_project(session: Session, quarter: Quarter, chosen) -> dict[int, Any]:
    """Project id -> (status, rag, version) of its review for the quarter, for the projects ``chosen`` selects."""
    return {
        row.project_id: row
        for row in session.execute(
            select(t.QuarterlyReview.project_id, t.QuarterlyReview.status, t.QuarterlyReview.rag, t.QuarterlyReview.version)
            .where(_in_quarter(t.QuarterlyReview, quarter), t.QuarterlyReview.project_id.in_(chosen))
        )
    }


def previous_published_by_project(session: Session, quarter: Quarter, chosen) -> dict[int, Any]:
    """Project id -> (rag, fy_start_year, quarter) of its latest published review before the quarter."""
    ranked = (
        select(
            t.QuarterlyReview.project_id, t.QuarterlyReview.rag, t.QuarterlyReview.fy_start_year, t.QuarterlyReview.quarter,
            func.row_number()
            .over(
                partition_by=t.QuarterlyReview.project_id,
                order_by=(t.QuarterlyReview.fy_start_year.desc(), t.QuarterlyReview.quarter.desc()),
            )
            .label("n"),
        )
        .where(
            t.QuarterlyReview.status == ReviewStatus.PUBLISHED.value,
            _before(t.QuarterlyReview, quarter),
            t.QuarterlyReview.project_id.in_(chosen),
        )
        .subquery()
    )
    return {row.project_id: row for row in session.execute(select(ranked).where(ranked.c.n == 1))}


def measure_status_rows(session: Session, quarter: Quarter, chosen) -> Iterable[tuple[int, str, str | None, bool, bool]]:
    """Per measure of the chosen projects: project id, frequency, its benefit's realisation start,
    whether it has an actual this quarter, and whether it has one by this quarter."""
    value = t.MeasureValue
    now = exists().where(value.measure_id == t.Measure.id, _in_quarter(value, quarter)).label("now")
    so_far = exists().where(value.measure_id == t.Measure.id, _before(value, quarter, inclusive=True)).label("so_far")
    return session.execute(
        select(t.Measure.project_id, t.Measure.frequency, t.Benefit.realisation_start, now, so_far)
        .outerjoin(t.Benefit, t.Benefit.id == t.Measure.benefit_id)
        .where(t.Measure.project_id.in_(chosen))
    )


# -- one project's plan, for its sheet ---------------------------------------------------------------------


def plan_rows(session: Session, project_id: int) -> tuple[Sequence[t.Measure], Sequence[t.Benefit], dict[int, str]]:
    """The project's measures and benefits in the plan's order, and its outcomes' codes by id."""
    measures = session.scalars(
        _fresh(select(t.Measure).where(t.Measure.project_id == project_id).order_by(t.Measure.position, t.Measure.id))
    ).all()
    benefits = session.scalars(
        select(t.Benefit).where(t.Benefit.project_id == project_id).order_by(t.Benefit.position, t.Benefit.id)
    ).all()
    outcomes = dict(session.execute(select(t.Outcome.id, t.Outcome.code).where(t.Outcome.project_id == project_id)).all())
    return measures, benefits, outcomes


def measure_rows(session: Session, measure_ids: Sequence[int]) -> Iterable[t.MeasureValue]:
    """The actuals of the measures, every quarter."""
    return scalars_in(session, _fresh(select(t.MeasureValue)), t.MeasureValue.measure_id, measure_ids)


def measure_values(session: Session, measure_id: int) -> Iterable[t.MeasureValue]:
    return session.scalars(select(t.MeasureValue).where(t.MeasureValue.measure_id == measure_id))


def _quarter_values(session: Session, table, measure_ids: Sequence[int]) -> Iterable[tuple[int, int, int, float]]:
    return rows_in(session, select(table.measure_id, table.fy_start_year, table.quarter, table.value), table.measure_id, measure_ids)


def measure_targets(session: Session, measure_ids: Sequence[int]) -> Iterable[tuple[int, int, int, float]]:
    """(measure id, fy_start_year, quarter, value) of every profiled target of the measures."""
    return _quarter_values(session, t.MeasureTarget, measure_ids)


def measure_forecasts(session: Session, measure_ids: Sequence[int]) -> Iterable[tuple[int, int, int, float]]:
    """(measure id, fy_start_year, quarter, value) of every year-end forecast of the measures."""
    return _quarter_values(session, t.MeasureForecast, measure_ids)


# -- actuals, forecasts and profiled targets --------------------------------------------------------------------------


def forecast_value(session: Session, measure_id: int, quarter: Quarter) -> float | None:
    forecast = t.MeasureForecast
    return session.scalar(select(forecast.value).where(forecast.measure_id == measure_id, _in_quarter(forecast, quarter)))


def replace_forecast(session: Session, measure_id: int, quarter: Quarter, seen: float | None, value: float | None) -> bool:
    """Compare-and-set the quarter's forecast in one statement: only while it is still ``seen`` (None: there is none); whether it was.

    ``value`` None removes it. Adding one someone else added meanwhile
    breaks the primary key: the store's ConstraintViolation.
    """
    forecast = t.MeasureForecast
    if seen is None:
        if value is not None:
            session.execute(
                insert(forecast).values(measure_id=measure_id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, value=value)
            )
        return True
    where = (forecast.measure_id == measure_id, _in_quarter(forecast, quarter), forecast.value == seen)
    statement = delete(forecast).where(*where) if value is None else update(forecast).where(*where).values(value=value)
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1


def actual_row(session: Session, measure_id: int, quarter: Quarter) -> t.MeasureValue | None:
    return session.scalars(
        _fresh(select(t.MeasureValue).where(t.MeasureValue.measure_id == measure_id, _in_quarter(t.MeasureValue, quarter)))
    ).first()


def add_actual(session: Session, measure_id: int, quarter: Quarter, values: dict) -> t.MeasureValue:
    row = t.MeasureValue(measure_id=measure_id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, entered_at=t.utcnow(), **values)
    session.add(row)
    session.flush()
    return row


def target_row(session: Session, measure_id: int, quarter: Quarter) -> t.MeasureTarget | None:
    return session.scalars(
        _fresh(select(t.MeasureTarget).where(t.MeasureTarget.measure_id == measure_id, _in_quarter(t.MeasureTarget, quarter)))
    ).first()


def add_target(session: Session, measure_id: int, quarter: Quarter, value: float) -> None:
    session.add(t.MeasureTarget(measure_id=measure_id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, value=value))
    session.flush()


def delete_row(session: Session, row: Any) -> None:
    session.delete(row)
    session.flush()
