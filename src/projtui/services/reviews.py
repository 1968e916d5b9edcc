"""The quarterly review: actuals, profiled targets, project reviews, and what they add up to.

Review mode calls these, one small transaction per saved step, so an
interrupted session loses nothing that was saved:

* **Pick a quarter** - ``review_quarter.default_review_quarter`` (the latest
  quarter with any actual or review, else the current financial quarter).
* **Step through projects** - ``review_queue`` (filter by ambition, lead,
  service), ``review_progress`` ("5 of 16 reviewed"),
  ``review_filter_options`` for the pickers.
* **One project** - ``review_sheet``; then ``set_actual`` / ``clear_actual``,
  ``save_review`` (draft), ``publish_review``, ``reopen_review``;
  ``set_profiled_target`` / ``clear_profiled_target`` and
  ``update_measure_baseline_or_target`` (these need a reason).
* **History** - ``measure_trend`` (actuals against the target line),
  ``rag_history``. (The portfolio's "benefits on track" column is
  ``portfolio_benefits``, which applies the same rules.)

Rules (DESIGN.md, "Domain rules from the benefits-management canon"):

* A published review is frozen: saving over it raises RuleError ("re-open
  it first"); ``reopen_review`` needs a reason and the audit log shows it.
  Publishing records who and when; it needs an overall RAG, commentary for
  any amber or red rating, and a note on every amber or red measure's actual.
* The actuals of a quarter whose review is published are frozen with it,
  except that a *provisional* figure may still be confirmed or corrected
  (that is what provisional means). Profiled targets of a published quarter
  are frozen too.
* "Previous RAG" comes from the previous *published* review, never retyped.
* Baselines and targets (annual or profiled) change only with a reason; the
  audit log keeps the old value and the reason.
* Measure status, direction of travel and achievement are the domain's
  (``domain.status``). One addition, so a plan written ahead of time does
  not show as missing data: a benefit's measures are expected from the start
  of the benefit's realisation window, or from their first actual if that is
  earlier. Measures with no window are expected whenever their cadence says.

Every write takes ``expected_version`` (optimistic locking) and writes one
audit row per changed field; entities are named as the snapshot diff names
them: ``review`` (key ``SP-01@2026/27 Q2``), ``actual`` and ``target`` (key
``SP-01/M1@2026/27 Q2``), ``measure`` (key ``SP-01/M1``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from projtui.domain.cadence import is_due
from projtui.domain.enums import BenefitStatus, Rag, ReviewStatus, Stage
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, Problem, RuleError
from projtui.domain.quarter import Quarter
from projtui.domain.records import MeasureFields, ReviewFields
from projtui.domain.measures import (
    MeasureRule,
    MeasureStatus,
    QuarterFigures,
    benefit_on_track,
    quarter_figures,
    reporting_started,
    rollup_counts,
)
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited, update_versioned
from projtui.services.read_models import NO_AMBITION, MeasureItem
from projtui.services.review_models import (
    ActualEntry,
    ActualFields,
    BenefitLine,
    SheetMeasure,
    MeasureTrend,
    QueueEntry,
    RagPoint,
    ReviewFilterOptions,
    ReviewProgress,
    ReviewRecord,
    ReviewSheet,
    ReviewState,
    TrendPoint,
    publish_blockers,
)
from projtui.store import tables as t
from projtui.store.database import Database

__all__ = [
    "DEFAULT_STAGES",
    "UNSET",
    "clear_actual",
    "clear_profiled_target",
    "get_review",
    "measure_trend",
    "publish_review",
    "rag_history",
    "reopen_review",
    "review_filter_options",
    "review_progress",
    "review_queue",
    "review_sheet",
    "save_review",
    "set_actual",
    "set_profiled_target",
    "update_measure_baseline_or_target",
]

# Projects review mode lists unless asked otherwise. Closed projects' benefits
# are followed in the post-project review, not the quarterly project review;
# a project of any stage that already has a review for the quarter is listed.
DEFAULT_STAGES: frozenset[Stage] = frozenset(Stage) - {Stage.CLOSED, Stage.CANCELLED}


# The review's own fields a draft save may change; status and published by/on belong to publish/re-open.
_REVIEW_EDITABLE = (
    "rag", "time_rag", "cost_rag", "scope_rag", "benefits_rag",
    "commentary", "next_steps", "spend_to_date_pence", "forecast_pence",
)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave this field as it is" in update_measure_baseline_or_target


# -- small helpers -------------------------------------------------------------------------------


def _quarter(value: Quarter | str, field: str = "quarter") -> Quarter:
    if isinstance(value, Quarter):
        return value
    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise InvalidInput([Problem("", field, value, str(exc))]) from None


def _validate(model: type[BaseModel], data: BaseModel | Mapping) -> Any:
    if isinstance(data, model):
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [Problem("", ".".join(str(p) for p in error["loc"]), error.get("input"), error["msg"]) for error in exc.errors()]
        ) from None


def _number(value: object, field: str) -> float:
    """A finite number (not a flag), as InvalidInput naming ``field`` otherwise."""
    try:
        return ActualFields.model_validate({"value": value}).value
    except ValidationError as exc:
        raise InvalidInput([Problem("", field, value, error["msg"]) for error in exc.errors()]) from None


def _in_quarter(table, quarter: Quarter):
    return and_(table.fy_start_year == quarter.fy_start_year, table.quarter == quarter.quarter)


def _before(table, quarter: Quarter, *, inclusive: bool = False):
    same_year = table.quarter <= quarter.quarter if inclusive else table.quarter < quarter.quarter
    return or_(table.fy_start_year < quarter.fy_start_year, and_(table.fy_start_year == quarter.fy_start_year, same_year))


def _review_key(project_code: str, quarter: Quarter) -> str:
    return f"{project_code}@{quarter}"


def _measure_key(project_code: str, measure_code: str, quarter: Quarter | None = None) -> str:
    return f"{project_code}/{measure_code}" + (f"@{quarter}" if quarter is not None else "")


def _project(session: Session, code: str) -> t.Project:
    row = session.scalars(select(t.Project).where(t.Project.code == code)).first()
    if row is None:
        raise NotFoundError(f"no project with code {code!r}")
    return row


def _measure(session: Session, project: t.Project, code: str) -> t.Measure:
    row = session.scalars(
        select(t.Measure).where(t.Measure.project_id == project.id, t.Measure.code == code).execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFoundError(f"no measure {code!r} in project {project.code}")
    return row


def _primary_ambition(session: Session, project_id: int) -> str | None:
    return session.scalar(
        select(t.Ambition.code)
        .join(t.ProjectAmbition, t.ProjectAmbition.ambition_id == t.Ambition.id)
        .where(t.ProjectAmbition.project_id == project_id, t.ProjectAmbition.is_primary)
        .limit(1)
    )


# -- read models from rows -------------------------------------------------------------------------


def _record(row: t.QuarterlyReview) -> ReviewRecord:
    fields = ReviewFields.model_validate(
        {
            "quarter": Quarter(row.fy_start_year, row.quarter),
            **{name: getattr(row, name) for name in ReviewFields.model_fields if name != "quarter"},
        }
    )
    return ReviewRecord(id=row.id, version=row.version, fields=fields)


def _review_row(session: Session, project_id: int, quarter: Quarter) -> t.QuarterlyReview | None:
    return session.scalars(
        select(t.QuarterlyReview)
        .where(t.QuarterlyReview.project_id == project_id, _in_quarter(t.QuarterlyReview, quarter))
        .execution_options(populate_existing=True)
    ).first()


def _previous_published(session: Session, project_id: int, quarter: Quarter) -> t.QuarterlyReview | None:
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


def _actual(row: t.MeasureValue) -> ActualEntry:
    return ActualEntry(
        quarter=Quarter(row.fy_start_year, row.quarter),
        value=row.value,
        provisional=bool(row.provisional),
        note=row.note,
        entered_by=row.entered_by,
        entered_at=row.entered_at,
        version=row.version,
    )


def _actual_row(session: Session, measure_id: int, quarter: Quarter) -> t.MeasureValue | None:
    return session.scalars(
        select(t.MeasureValue)
        .where(t.MeasureValue.measure_id == measure_id, _in_quarter(t.MeasureValue, quarter))
        .execution_options(populate_existing=True)
    ).first()


def _measure_fields(row: t.Measure) -> MeasureFields:
    return MeasureFields.model_validate({name: getattr(row, name) for name in MeasureFields.model_fields})


def _measure_item(session: Session, row: t.Measure) -> MeasureItem:
    if row.outcome_id is not None:
        kind, code = "outcome", session.scalar(select(t.Outcome.code).where(t.Outcome.id == row.outcome_id))
    else:
        kind, code = "benefit", session.scalar(select(t.Benefit.code).where(t.Benefit.id == row.benefit_id))
    return MeasureItem(id=row.id, version=row.version, fields=_measure_fields(row), parent_kind=kind, parent_code=code or "")


def _load_measure_item(session: Session, measure_id: int) -> MeasureItem | None:
    row = session.get(t.Measure, measure_id, populate_existing=True)
    return None if row is None else _measure_item(session, row)


# -- the status rules, applied ----------------------------------------------------------------------


def _trend_points(
    rule: MeasureRule,
    values: Mapping[Quarter, t.MeasureValue],
    profiled: Mapping[Quarter, float],
    realisation_start: Quarter | None,
    *,
    up_to: Quarter | None,
) -> tuple[TrendPoint, ...]:
    known = [q for q in [*values, *profiled] if up_to is None or q <= up_to]
    if not known:
        return ()
    first, last = min(known), max(known) if up_to is None else up_to
    actuals = {q: v.value for q, v in values.items()}
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
) -> SheetMeasure:
    row = values.get(quarter)
    entry = None if row is None else _actual(row)
    editable = not published or (entry is not None and entry.provisional)
    actuals = {q: v.value for q, v in values.items()}
    try:
        rule = MeasureRule.from_measure(item.fields)
        figures = quarter_figures(rule, quarter, actuals, profiled, realisation_start=realisation_start)
        trend = _trend_points(rule, values, profiled, realisation_start, up_to=quarter)
        problem = None
    except ValueError as exc:  # a rule the domain cannot read (e.g. a profiled range bottom above its top)
        figures, trend, problem = QuarterFigures.unrated(item.fields.frequency, quarter, actuals, realisation_start), (), str(exc)
    return SheetMeasure(
        measure=item, entry=entry, figures=figures, profiled_target=profiled.get(quarter), trend=trend,
        editable=editable, problem=problem,
    )


# -- choosing the quarter ---------------------------------------------------------------------------


# -- the queue --------------------------------------------------------------------------------------


def review_filter_options(db: Database) -> ReviewFilterOptions:
    """The ambitions, leads and services review mode can filter by."""
    with db.reading() as session:
        ambitions = session.execute(select(t.Ambition.code, t.Ambition.title).order_by(t.Ambition.sort_order, t.Ambition.code)).all()
        leads = session.scalars(select(t.Project.lead).where(t.Project.lead.is_not(None)).distinct()).all()
        services = session.scalars(select(t.Project.service).where(t.Project.service.is_not(None)).distinct()).all()
    return ReviewFilterOptions(
        ambitions=tuple((code, title) for code, title in ambitions),
        leads=tuple(sorted((x for x in leads if x.strip()), key=str.casefold)),
        services=tuple(sorted((x for x in services if x.strip()), key=str.casefold)),
    )


def _queue_filter(quarter: Quarter, ambition: str | None, lead: str | None, service: str | None, stages: Collection[Stage] | None):
    conditions = []
    stages = DEFAULT_STAGES if stages is None else frozenset(Stage(s) for s in stages)
    has_review = exists().where(t.QuarterlyReview.project_id == t.Project.id, _in_quarter(t.QuarterlyReview, quarter))
    conditions.append(or_(t.Project.stage.in_(sorted(s.value for s in stages)), has_review))
    if ambition == NO_AMBITION:
        conditions.append(~exists().where(t.ProjectAmbition.project_id == t.Project.id))
    elif ambition:
        conditions.append(
            exists()
            .where(t.ProjectAmbition.project_id == t.Project.id, t.ProjectAmbition.ambition_id == t.Ambition.id, t.Ambition.code == ambition)
        )
    if lead:
        conditions.append(func.lower(t.Project.lead) == lead.strip().lower())
    if service:
        conditions.append(func.lower(t.Project.service) == service.strip().lower())
    return conditions


def review_queue(
    db: Database,
    quarter: Quarter | str,
    *,
    ambition: str | None = None,
    lead: str | None = None,
    service: str | None = None,
    stages: Collection[Stage] | None = None,
) -> list[QueueEntry]:
    """The projects to review for the quarter, by code, with where each review stands.

    ``ambition`` is an ambition code (any link, primary or not) or
    ``read_models.NO_AMBITION``; ``lead`` and ``service`` match exactly,
    ignoring case. ``stages`` defaults to ``DEFAULT_STAGES`` (all but closed
    and cancelled); a project that already has a review for the quarter is
    listed whatever its stage. A few bulk queries, whatever the number of
    projects.
    """
    quarter = _quarter(quarter)
    conditions = _queue_filter(quarter, ambition, lead, service, stages)
    primary = (
        select(t.Ambition.code)
        .join(t.ProjectAmbition, t.ProjectAmbition.ambition_id == t.Ambition.id)
        .where(t.ProjectAmbition.project_id == t.Project.id, t.ProjectAmbition.is_primary)
        .limit(1)
        .correlate(t.Project)
        .scalar_subquery()
    )
    chosen = select(t.Project.id).where(*conditions)
    with db.reading() as session:
        projects = session.execute(
            select(t.Project.id, t.Project.code, t.Project.name, t.Project.stage, t.Project.lead, t.Project.service, primary.label("ambition"))
            .where(*conditions)
            .order_by(t.Project.code)
        ).all()
        current = {
            row.project_id: row
            for row in session.execute(
                select(t.QuarterlyReview.project_id, t.QuarterlyReview.status, t.QuarterlyReview.rag, t.QuarterlyReview.version)
                .where(_in_quarter(t.QuarterlyReview, quarter), t.QuarterlyReview.project_id.in_(chosen))
            )
        }
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
        previous = {row.project_id: row for row in session.execute(select(ranked).where(ranked.c.n == 1))}
        due, entered = _measure_counts(session, quarter, chosen)
    return [
        QueueEntry(
            project_id=p.id, code=p.code, name=p.name, stage=Stage(p.stage), lead=p.lead, service=p.service,
            primary_ambition=p.ambition, quarter=quarter,
            state=ReviewState(current[p.id].status) if p.id in current else ReviewState.NONE,
            review_version=current[p.id].version if p.id in current else None,
            rag=_rag(current[p.id].rag) if p.id in current else Rag.NOT_SET,
            previous_rag=_rag(previous[p.id].rag) if p.id in previous else None,
            previous_quarter=Quarter(previous[p.id].fy_start_year, previous[p.id].quarter) if p.id in previous else None,
            measures_due=due.get(p.id, 0), measures_entered=entered.get(p.id, 0),
        )
        for p in projects
    ]


def _rag(value: str | None) -> Rag:
    try:
        return Rag(value)
    except ValueError:
        return Rag.NOT_SET


def _measure_counts(session: Session, quarter: Quarter, chosen) -> tuple[dict[int, int], dict[int, int]]:
    """Per project: measures expected this quarter, and how many of those have an actual."""
    value = t.MeasureValue
    now = exists().where(value.measure_id == t.Measure.id, _in_quarter(value, quarter)).label("now")
    so_far = exists().where(value.measure_id == t.Measure.id, _before(value, quarter, inclusive=True)).label("so_far")
    rows = session.execute(
        select(t.Measure.project_id, t.Measure.frequency, t.Benefit.realisation_start, now, so_far)
        .outerjoin(t.Benefit, t.Benefit.id == t.Measure.benefit_id)
        .where(t.Measure.project_id.in_(chosen))
    )
    due: dict[int, int] = defaultdict(int)
    entered: dict[int, int] = defaultdict(int)
    for project_id, frequency, realisation_start, has_now, has_so_far in rows:
        started = bool(has_so_far) or reporting_started(quarter, None, Quarter.from_label(realisation_start))
        if is_due(frequency, quarter.quarter) and started:
            due[project_id] += 1
            entered[project_id] += bool(has_now)
    return due, entered


def review_progress(
    db: Database,
    quarter: Quarter | str,
    *,
    ambition: str | None = None,
    lead: str | None = None,
    service: str | None = None,
    stages: Collection[Stage] | None = None,
) -> ReviewProgress:
    """ "n of m reviewed" for the same projects ``review_queue`` lists (``reviewed, total = ...`` unpacks).

    A screen that already holds the queue can use ``ReviewProgress.of(entries)`` instead.
    """
    return ReviewProgress.of(review_queue(db, quarter, ambition=ambition, lead=lead, service=service, stages=stages))


# -- one project's sheet ------------------------------------------------------------------------------


def _load_sheet(session: Session, project_code: str, quarter: Quarter) -> ReviewSheet:
    project = _project(session, project_code)
    review = _review_row(session, project.id, quarter)
    previous = _previous_published(session, project.id, quarter)
    measures = session.scalars(
        select(t.Measure).where(t.Measure.project_id == project.id).order_by(t.Measure.position, t.Measure.id)
        .execution_options(populate_existing=True)
    ).all()
    benefits = session.scalars(
        select(t.Benefit).where(t.Benefit.project_id == project.id).order_by(t.Benefit.position, t.Benefit.id)
    ).all()
    outcome_codes = dict(session.execute(select(t.Outcome.id, t.Outcome.code).where(t.Outcome.project_id == project.id)).all())
    benefit_rows = {b.id: b for b in benefits}
    measure_ids = [m.id for m in measures]
    values: dict[int, dict[Quarter, t.MeasureValue]] = defaultdict(dict)
    profiled: dict[int, dict[Quarter, float]] = defaultdict(dict)
    if measure_ids:
        for row in session.scalars(
            select(t.MeasureValue).where(t.MeasureValue.measure_id.in_(measure_ids)).execution_options(populate_existing=True)
        ):
            values[row.measure_id][Quarter(row.fy_start_year, row.quarter)] = row
        for measure_id, year, q, value in session.execute(
            select(t.MeasureTarget.measure_id, t.MeasureTarget.fy_start_year, t.MeasureTarget.quarter, t.MeasureTarget.value)
            .where(t.MeasureTarget.measure_id.in_(measure_ids))
        ):
            profiled[measure_id][Quarter(year, q)] = value
    published = review is not None and review.status == ReviewStatus.PUBLISHED.value
    lines = []
    by_benefit: dict[int, list[SheetMeasure]] = defaultdict(list)
    for row in measures:
        benefit = benefit_rows.get(row.benefit_id) if row.benefit_id is not None else None
        item = MeasureItem(
            id=row.id, version=row.version, fields=_measure_fields(row),
            parent_kind="outcome" if row.outcome_id is not None else "benefit",
            parent_code=outcome_codes.get(row.outcome_id, "") if row.outcome_id is not None else (benefit.code if benefit else ""),
        )
        line = _line(
            item, quarter, values.get(row.id, {}), profiled.get(row.id, {}),
            Quarter.from_label(benefit.realisation_start) if benefit is not None else None, published=published,
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
        lead=project.lead, service=project.service, primary_ambition=_primary_ambition(session, project.id),
        budget_pence=project.budget_pence, quarter=quarter,
        review=None if review is None else _record(review),
        previous_published=None if previous is None else _record(previous),
        measures=tuple(lines), benefits=benefit_lines,
        benefits_on_track=rollup_counts(b.on_track for b in benefit_lines),
    )


def review_sheet(db: Database, project_code: str, quarter: Quarter | str) -> ReviewSheet:
    """Everything review mode shows for one project in one quarter (NotFoundError for an unknown code).

    Read it again after each saved step: statuses, travel and the benefit
    roll-up are worked out from what is stored.
    """
    quarter = _quarter(quarter)
    with db.reading() as session:
        return _load_sheet(session, project_code, quarter)


def get_review(db: Database, project_code: str, quarter: Quarter | str) -> ReviewRecord | None:
    """The project's review for the quarter, or None when nothing is saved yet."""
    quarter = _quarter(quarter)
    with db.reading() as session:
        row = _review_row(session, _project(session, project_code).id, quarter)
        return None if row is None else _record(row)


# -- writing the review -------------------------------------------------------------------------------


def _review_conflict(session: Session, project_id: int, code: str, quarter: Quarter, expected: int | None) -> ConflictError:
    row = _review_row(session, project_id, quarter)
    return ConflictError("review", _review_key(code, quarter), expected or 0, None if row is None else _record(row))


def _frozen(code: str, quarter: Quarter) -> RuleError:
    return RuleError(f"the {quarter} review of {code} is published and frozen: re-open it first")


def save_review(
    db: Database,
    project_code: str,
    quarter: Quarter | str,
    fields: ReviewFields | Mapping,
    *,
    expected_version: int | None,
    actor: str,
) -> ReviewRecord:
    """Save the project's review for the quarter as a draft.

    ``expected_version`` None creates it (ConflictError if someone else
    already has); otherwise it is the version the user saw. A published
    review is frozen: RuleError until ``reopen_review``. Status and
    published by/on are not set here (see ``publish_review``); a mapping
    without ``quarter`` gets this quarter.
    """
    quarter = _quarter(quarter)
    if isinstance(fields, Mapping) and "quarter" not in fields:
        fields = {**fields, "quarter": quarter}
    fields = _validate(ReviewFields, fields)
    if fields.quarter != quarter:
        raise InvalidInput([Problem("", "quarter", str(fields.quarter), f"these fields are for {fields.quarter}, not {quarter}")])
    wants_published = fields.status is ReviewStatus.PUBLISHED
    fields = fields.model_copy(update={"status": ReviewStatus.DRAFT, "published_by": None, "published_on": None})
    try:
        with db.transaction() as session:
            project = _project(session, project_code)
            key = _review_key(project.code, quarter)
            row = _review_row(session, project.id, quarter)
            if wants_published and (row is None or row.status != ReviewStatus.PUBLISHED.value):
                raise RuleError("publish a review with publish_review, which records who published it and when")
            if expected_version is None:
                if row is not None:
                    raise ConflictError("review", key, 0, _record(row))
                row = t.QuarterlyReview(
                    project_id=project.id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter,
                    status=ReviewStatus.DRAFT.value, **{name: getattr(fields, name) for name in _REVIEW_EDITABLE},
                )
                session.add(row)
                session.flush()
                audit.record(session, actor=actor, action="create", entity="review", key=key, project_id=project.id, new=fields.rag.value)
                return _record(row)
            if row is None or row.version != expected_version:
                raise _review_conflict(session, project.id, project.code, quarter, expected_version)
            before = _record(row)
            if before.is_published:
                raise _frozen(project.code, quarter)
            old, new = before.fields.model_dump(mode="json"), fields.model_dump(mode="json")
            changes = {name: (old[name], new[name]) for name in _REVIEW_EDITABLE if old[name] != new[name]}
            if not changes:
                return before
            update_audited(
                session, t.QuarterlyReview, row.id, expected_version, changes, {name: getattr(fields, name) for name in changes},
                actor=actor, entity="review", key=key, project_id=project.id, current=lambda: _record_or_none(session, row.id),
            )
            return _record_or_none(session, row.id)
    except IntegrityError:
        # Someone created the same review between our read and our insert.
        with db.reading() as session:
            project = _project(session, project_code)
            raise _review_conflict(session, project.id, project.code, quarter, expected_version) from None


def _record_or_none(session: Session, review_id: int) -> ReviewRecord | None:
    row = session.get(t.QuarterlyReview, review_id, populate_existing=True)
    return None if row is None else _record(row)


def publish_review(
    db: Database,
    project_code: str,
    quarter: Quarter | str,
    *,
    expected_version: int,
    actor: str,
    on: dt.date | None = None,
) -> ReviewRecord:
    """Publish the draft review: records who (``actor``) and when (``on``, default today), then it is frozen.

    RuleError, listing every reason, unless it has an overall RAG,
    commentary for any amber or red rating, and a note on the actual of every
    measure that is amber or red this quarter (``ReviewSheet.publish_blockers``
    shows the same list beforehand).
    """
    quarter = _quarter(quarter)
    with db.transaction() as session:
        project = _project(session, project_code)
        key = _review_key(project.code, quarter)
        row = _review_row(session, project.id, quarter)
        if row is None or row.version != expected_version:
            raise _review_conflict(session, project.id, project.code, quarter, expected_version)
        sheet = _load_sheet(session, project.code, quarter)
        blockers = publish_blockers(sheet.review.fields if sheet.review else None, sheet.measures)
        if blockers:
            raise RuleError(f"cannot publish the {quarter} review of {project.code}: " + "; ".join(blockers))
        when = on or dt.date.today()
        update_versioned(
            session, t.QuarterlyReview, row.id, expected_version,
            {"status": ReviewStatus.PUBLISHED.value, "published_by": actor, "published_on": when},
            entity="review", key=key, current=lambda: _record_or_none(session, row.id),
        )
        audit.record(session, actor=actor, action="publish", entity="review", key=key, project_id=project.id,
                     field="status", old=ReviewStatus.DRAFT.value, new=ReviewStatus.PUBLISHED.value)
        audit.record(session, actor=actor, action="update", entity="review", key=key, project_id=project.id,
                     field="published_by", old=row.published_by, new=actor)
        audit.record(session, actor=actor, action="update", entity="review", key=key, project_id=project.id,
                     field="published_on", old=None if row.published_on is None else row.published_on.isoformat(), new=when.isoformat())
        return _record_or_none(session, row.id)


def reopen_review(
    db: Database,
    project_code: str,
    quarter: Quarter | str,
    *,
    expected_version: int,
    reason: str,
    actor: str,
) -> ReviewRecord:
    """Turn a published review back into a draft so it can be corrected; the audit log keeps who, when and why.

    The old publisher and date stay in the audit log; publishing again records the new ones.
    """
    quarter = _quarter(quarter)
    reason = audit.reason_text(reason)
    with db.transaction() as session:
        project = _project(session, project_code)
        key = _review_key(project.code, quarter)
        row = _review_row(session, project.id, quarter)
        if row is None or row.version != expected_version:
            raise _review_conflict(session, project.id, project.code, quarter, expected_version)
        if row.status != ReviewStatus.PUBLISHED.value:
            raise RuleError(f"the {quarter} review of {project.code} is not published: there is nothing to re-open")
        by, on = row.published_by, row.published_on
        update_versioned(
            session, t.QuarterlyReview, row.id, expected_version,
            {"status": ReviewStatus.DRAFT.value, "published_by": None, "published_on": None},
            entity="review", key=key, current=lambda: _record_or_none(session, row.id),
        )
        audit.record(session, actor=actor, action="reopen", entity="review", key=key, project_id=project.id, field="reason", new=reason)
        audit.record(session, actor=actor, action="update", entity="review", key=key, project_id=project.id,
                     field="status", old=ReviewStatus.PUBLISHED.value, new=ReviewStatus.DRAFT.value)
        audit.record(session, actor=actor, action="update", entity="review", key=key, project_id=project.id,
                     field="published_by", old=by, new=None)
        audit.record(session, actor=actor, action="update", entity="review", key=key, project_id=project.id,
                     field="published_on", old=None if on is None else on.isoformat(), new=None)
        return _record_or_none(session, row.id)


# -- actuals ---------------------------------------------------------------------------------------


def _published(session: Session, project_id: int, quarter: Quarter) -> bool:
    return bool(
        session.scalar(
            select(exists().where(
                t.QuarterlyReview.project_id == project_id, _in_quarter(t.QuarterlyReview, quarter),
                t.QuarterlyReview.status == ReviewStatus.PUBLISHED.value,
            ))
        )
    )


def _actual_conflict(session: Session, measure_id: int, quarter: Quarter, key: str, expected: int | None) -> ConflictError:
    row = _actual_row(session, measure_id, quarter)
    return ConflictError("actual", key, expected or 0, None if row is None else _actual(row))


def set_actual(
    db: Database,
    project_code: str,
    measure_code: str,
    quarter: Quarter | str,
    value: float,
    *,
    provisional: bool = False,
    note: str | None = None,
    expected_version: int | None,
    actor: str,
) -> ActualEntry:
    """Enter or update the measure's actual for the quarter (who and when are recorded).

    ``expected_version`` None adds a new actual (ConflictError if someone else
    already has); otherwise it is the version of the actual the user saw.
    A cumulative measure's actual is the year-to-date figure. In a quarter
    whose review is published only a provisional actual may change.
    """
    quarter = _quarter(quarter)
    entry = _validate(ActualFields, {"value": value, "provisional": provisional, "note": note})
    try:
        with db.transaction() as session:
            project = _project(session, project_code)
            measure = _measure(session, project, measure_code)
            key = _measure_key(project.code, measure.code, quarter)
            row = _actual_row(session, measure.id, quarter)
            frozen = _published(session, project.id, quarter)
            if expected_version is None:
                if row is not None:
                    raise ConflictError("actual", key, 0, _actual(row))
                if frozen:
                    raise _frozen(project.code, quarter)
                row = t.MeasureValue(
                    measure_id=measure.id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter,
                    value=entry.value, provisional=entry.provisional, note=entry.note, entered_by=actor, entered_at=t.utcnow(),
                )
                session.add(row)
                session.flush()
                audit.record(session, actor=actor, action="create", entity="actual", key=key, project_id=project.id, field="value", new=entry.value)
                for name in ("provisional", "note"):
                    if getattr(entry, name):
                        audit.record(session, actor=actor, action="create", entity="actual", key=key, project_id=project.id,
                                     field=name, new=getattr(entry, name))
                return _actual(row)
            if row is None or row.version != expected_version:
                raise _actual_conflict(session, measure.id, quarter, key, expected_version)
            if frozen and not row.provisional:
                raise _frozen(project.code, quarter)
            before = _actual(row)
            changes = {
                name: (getattr(before, name), getattr(entry, name))
                for name in ("value", "provisional", "note")
                if getattr(before, name) != getattr(entry, name)
            }
            if not changes:
                return before
            update_audited(
                session, t.MeasureValue, row.id, expected_version, changes,
                {**{name: getattr(entry, name) for name in changes}, "entered_by": actor, "entered_at": t.utcnow()},
                actor=actor, entity="actual", key=key, project_id=project.id, current=lambda: _actual_or_none(session, row.id),
            )
            return _actual_or_none(session, row.id)
    except IntegrityError:
        with db.reading() as session:
            project = _project(session, project_code)
            measure = _measure(session, project, measure_code)
            raise _actual_conflict(session, measure.id, quarter, _measure_key(project.code, measure.code, quarter), expected_version) from None


def _actual_or_none(session: Session, value_id: int) -> ActualEntry | None:
    row = session.get(t.MeasureValue, value_id, populate_existing=True)
    return None if row is None else _actual(row)


def clear_actual(
    db: Database, project_code: str, measure_code: str, quarter: Quarter | str, *, expected_version: int, actor: str
) -> None:
    """Remove the measure's actual for the quarter (it then shows as "no data" if due). Refused in a published quarter."""
    quarter = _quarter(quarter)
    with db.transaction() as session:
        project = _project(session, project_code)
        measure = _measure(session, project, measure_code)
        key = _measure_key(project.code, measure.code, quarter)
        row = _actual_row(session, measure.id, quarter)
        if row is None or row.version != expected_version:
            raise _actual_conflict(session, measure.id, quarter, key, expected_version)
        if _published(session, project.id, quarter):
            raise _frozen(project.code, quarter)
        old = row.value
        row_id = row.id
        session.expunge(row)
        delete_versioned(session, t.MeasureValue, row_id, expected_version, entity="actual", key=key,
                         current=lambda: _actual_or_none(session, row_id))
        audit.record(session, actor=actor, action="delete", entity="actual", key=key, project_id=project.id, field="value", old=old)


# -- targets and baselines ---------------------------------------------------------------------------


def _target_row(session: Session, measure_id: int, quarter: Quarter) -> t.MeasureTarget | None:
    return session.scalars(
        select(t.MeasureTarget)
        .where(t.MeasureTarget.measure_id == measure_id, _in_quarter(t.MeasureTarget, quarter))
        .execution_options(populate_existing=True)
    ).first()


def _bump_measure(session: Session, measure: t.Measure, key: str, expected_version: int, values: dict) -> None:
    measure_id = measure.id
    update_versioned(
        session, t.Measure, measure_id, expected_version, values,
        entity="measure", key=key, current=lambda: _load_measure_item(session, measure_id),
    )


def set_profiled_target(
    db: Database,
    project_code: str,
    measure_code: str,
    quarter: Quarter | str,
    value: float,
    *,
    reason: str,
    expected_version: int,
    actor: str,
) -> MeasureItem:
    """Profile the measure's target for one quarter (a year-to-date figure for a cumulative measure).

    The measure's ``version`` guards its targets: pass the version the user
    saw; the measure comes back with its new version. Needs a reason; the
    audit log keeps the old value. Refused in a quarter whose review is published.
    """
    quarter = _quarter(quarter)
    reason = audit.reason_text(reason)
    number = _number(value, "target")
    with db.transaction() as session:
        project = _project(session, project_code)
        measure = _measure(session, project, measure_code)
        key = _measure_key(project.code, measure.code)
        if measure.version != expected_version:
            raise ConflictError("measure", key, expected_version, _measure_item(session, measure))
        if measure.direction == "range" and measure.target_max is not None and number > measure.target_max:
            raise InvalidInput([Problem("", "target", number, f"the bottom of the range is above its top ({measure.target_max})")])
        if _published(session, project.id, quarter):
            raise _frozen(project.code, quarter)
        existing = _target_row(session, measure.id, quarter)
        old = None if existing is None else existing.value
        if old == number:
            return _measure_item(session, measure)
        _bump_measure(session, measure, key, expected_version, {})
        if existing is None:
            session.add(t.MeasureTarget(measure_id=measure.id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, value=number))
        else:
            existing.value = number
        session.flush()
        target_key = _measure_key(project.code, measure.code, quarter)
        audit.record(session, actor=actor, action="create" if existing is None else "update", entity="target", key=target_key,
                     project_id=project.id, field="value", old=old, new=number)
        audit.record(session, actor=actor, action="update", entity="target", key=target_key, project_id=project.id, field="reason", new=reason)
        return _load_measure_item(session, measure.id)


def clear_profiled_target(
    db: Database,
    project_code: str,
    measure_code: str,
    quarter: Quarter | str,
    *,
    reason: str,
    expected_version: int,
    actor: str,
) -> MeasureItem:
    """Remove the quarter's profiled target (the annual target, or its straight-line share, applies again)."""
    quarter = _quarter(quarter)
    reason = audit.reason_text(reason)
    with db.transaction() as session:
        project = _project(session, project_code)
        measure = _measure(session, project, measure_code)
        key = _measure_key(project.code, measure.code)
        if measure.version != expected_version:
            raise ConflictError("measure", key, expected_version, _measure_item(session, measure))
        existing = _target_row(session, measure.id, quarter)
        if existing is None:
            return _measure_item(session, measure)
        if _published(session, project.id, quarter):
            raise _frozen(project.code, quarter)
        old = existing.value
        _bump_measure(session, measure, key, expected_version, {})
        session.delete(existing)
        session.flush()
        target_key = _measure_key(project.code, measure.code, quarter)
        audit.record(session, actor=actor, action="delete", entity="target", key=target_key, project_id=project.id, field="value", old=old)
        audit.record(session, actor=actor, action="update", entity="target", key=target_key, project_id=project.id, field="reason", new=reason)
        return _load_measure_item(session, measure.id)


def update_measure_baseline_or_target(
    db: Database,
    project_code: str,
    measure_code: str,
    *,
    baseline: float | None = UNSET,
    baseline_period: Quarter | str | None = UNSET,
    target: float | None = UNSET,
    target_max: float | None = UNSET,
    target_period: Quarter | str | None = UNSET,
    reason: str,
    expected_version: int,
    actor: str,
) -> MeasureItem:
    """Change a measure's baseline and/or target (with their periods); fields left UNSET stay as they are.

    Needs a non-empty reason. One audit row per changed field keeps the old
    value, and one more keeps the reason. None removes a value (a measure
    with no target becomes monitor only).
    """
    reason = audit.reason_text(reason)
    given = {
        name: value
        for name, value in (
            ("baseline", baseline), ("baseline_period", baseline_period), ("target", target),
            ("target_max", target_max), ("target_period", target_period),
        )
        if value is not UNSET
    }
    with db.transaction() as session:
        project = _project(session, project_code)
        measure = _measure(session, project, measure_code)
        key = _measure_key(project.code, measure.code)
        before = _measure_item(session, measure)
        if measure.version != expected_version:
            raise ConflictError("measure", key, expected_version, before)
        after = _validate(MeasureFields, {**before.fields.model_dump(), **given})
        old, new = before.fields.model_dump(mode="json"), after.model_dump(mode="json")
        changes = {name: (old[name], new[name]) for name in given if old[name] != new[name]}
        if not changes:
            return before
        _bump_measure(
            session, measure, key, expected_version,
            {name: (str(getattr(after, name)) if isinstance(getattr(after, name), Quarter) else getattr(after, name)) for name in changes},
        )
        for name, (was, now) in changes.items():
            audit.record(session, actor=actor, action="update", entity="measure", key=key, project_id=project.id, field=name, old=was, new=now)
        audit.record(session, actor=actor, action="update", entity="measure", key=key, project_id=project.id, field="reason", new=reason)
        return _load_measure_item(session, measure.id)


# -- history ------------------------------------------------------------------------------------------


def measure_trend(db: Database, project_code: str, measure_code: str, *, up_to: Quarter | str | None = None) -> MeasureTrend:
    """The measure's actuals against its target line, one point per quarter (no gaps), oldest first.

    From the first quarter with an actual or profiled target to the last one
    (or to ``up_to``, which also cuts later quarters off). Empty for a
    measure with no figures at all.
    """
    up_to = None if up_to is None else _quarter(up_to, "up_to")
    with db.reading() as session:
        project = _project(session, project_code)
        measure = _measure(session, project, measure_code)
        item = _measure_item(session, measure)
        values = {
            Quarter(row.fy_start_year, row.quarter): row
            for row in session.scalars(select(t.MeasureValue).where(t.MeasureValue.measure_id == measure.id))
        }
        profiled = {
            Quarter(year, q): value
            for year, q, value in session.execute(
                select(t.MeasureTarget.fy_start_year, t.MeasureTarget.quarter, t.MeasureTarget.value).where(t.MeasureTarget.measure_id == measure.id)
            )
        }
        start = None
        if measure.benefit_id is not None:
            start = Quarter.from_label(session.scalar(select(t.Benefit.realisation_start).where(t.Benefit.id == measure.benefit_id)))
    try:
        rule = MeasureRule.from_measure(item.fields)
        points = _trend_points(rule, values, profiled, start, up_to=up_to)
    except ValueError:
        points = tuple(
            TrendPoint(q, row.value, bool(row.provisional), None, None, MeasureStatus.MONITOR_ONLY)
            for q, row in sorted(values.items()) if up_to is None or q <= up_to
        )
    return MeasureTrend(measure=item, points=points)


def rag_history(db: Database, project_code: str) -> list[RagPoint]:
    """The project's ratings quarter by quarter, oldest first (drafts included, marked by ``status``)."""
    with db.reading() as session:
        project = _project(session, project_code)
        rows = session.scalars(
            select(t.QuarterlyReview)
            .where(t.QuarterlyReview.project_id == project.id)
            .order_by(t.QuarterlyReview.fy_start_year, t.QuarterlyReview.quarter)
        ).all()
        return [
            RagPoint(
                quarter=Quarter(r.fy_start_year, r.quarter), status=ReviewStatus(r.status),
                rag=_rag(r.rag), time_rag=_rag(r.time_rag), cost_rag=_rag(r.cost_rag), scope_rag=_rag(r.scope_rag),
                benefits_rag=_rag(r.benefits_rag), published_by=r.published_by, published_on=r.published_on,
            )
            for r in rows
        ]
