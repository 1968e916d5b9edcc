"""The plan's own fields: reading the whole plan, and saving its status, approval and the rest."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from projtui.domain.enums import PlanStatus
from projtui.domain.errors import ConflictError, InvalidInput, Problem
from projtui.domain.measures import (
    MeasureRule,
    RealisationForecast,
    realisation_forecast,
)
from projtui.domain.quarter import Quarter
from projtui.domain.records import MeasureFields, PlanFields, validated
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import update_versioned
from projtui.services.permissions import require
from projtui.services.plans import common
from projtui.services.plans.common import KINDS, LINK_TARGET
from projtui.services.read_models import MeasureItem, PlanView
from projtui.services.reviews import rows as review_rows
from projtui.services.reviews.quarter import latest_quarter
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.queries import plans as q
from projtui.store.queries import reviews as review_queries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _plan_fields(row) -> PlanFields:
    return PlanFields() if row is None else common.fields_of(row, PlanFields)


def _trends(session: Session, measures: tuple[MeasureItem, ...], quarter: Quarter | None) -> dict[int, RealisationForecast]:
    """Each measure's trend forecast from its actuals up to ``quarter`` (none when nothing was reported yet)."""
    if quarter is None or not measures:
        return {}
    ids = [m.id for m in measures]
    actuals: dict[int, dict[Quarter, float]] = defaultdict(dict)
    for row in review_queries.measure_rows(session, ids):
        actuals[row.measure_id][Quarter(row.fy_start_year, row.quarter)] = row.value
    profiled: dict[int, dict[Quarter, float]] = defaultdict(dict)
    for measure_id, year, number, value in review_queries.measure_targets(session, ids):
        profiled[measure_id][Quarter(year, number)] = value
    trends = {}
    for measure in measures:
        try:
            trends[measure.id] = realisation_forecast(
                MeasureRule.from_measure(measure.fields), quarter, actuals.get(measure.id, {}), profiled.get(measure.id, {})
            )
        except ValueError:  # a rule the domain cannot read: the plan still shows, with no trend
            continue
    return trends


def _load_plan(session: Session, project_code: str, quarter: Quarter | None = None) -> PlanView:
    project = review_rows.project(session, project_code)
    project_id = project.id
    plan = q.plan_row(session, project_id)
    rows = {kind: q.item_rows(session, kind, project_id) for kind in KINDS}
    links = {kind: q.link_codes(session, kind, project_id) for kind in LINK_TARGET}
    outcome_codes = {row.id: row.code for row in rows["outcome"]}
    benefit_codes = {row.id: row.code for row in rows["benefit"]}
    measures = tuple(
        MeasureItem(
            id=row.id,
            version=row.version,
            fields=common.fields_of(row, MeasureFields),
            parent_kind="outcome" if row.outcome_id is not None else "benefit",
            parent_code=outcome_codes[row.outcome_id] if row.outcome_id is not None else benefit_codes[row.benefit_id],
        )
        for row in rows["measure"]
    )
    return PlanView(
        project_code=project_code,
        project_name=project.name,
        version=0 if plan is None else plan.version,
        fields=_plan_fields(plan),
        outputs=tuple(common.as_item(row, "output", links["output"].get(row.id, ())) for row in rows["output"]),
        outcomes=tuple(common.as_item(row, "outcome", links["outcome"].get(row.id, ())) for row in rows["outcome"]),
        benefits=tuple(common.as_item(row, "benefit") for row in rows["benefit"]),
        measures=measures,
        trends=_trends(session, measures, quarter),
    )


def get_plan(db: Database, project_code: str) -> PlanView:
    """The project's plan with every item in the user's order, and each measure's trend forecast; NotFoundError for an unknown project."""
    quarter = latest_quarter(db)
    with db.reading() as session:
        return _load_plan(session, project_code, quarter)


def plan_problems(fields: PlanFields) -> list[Problem]:
    if fields.status is not PlanStatus.APPROVED:
        return []
    problems = []
    if not fields.approved_by:
        problems.append(Problem("", "approved_by", fields.approved_by, "an approved plan needs its approver"))
    if fields.approved_on is None:
        problems.append(Problem("", "approved_on", fields.approved_on, "an approved plan needs its approval date"))
    return problems


def update_plan(db: Database, project_code: str, fields: PlanFields | dict, *, expected_version: int, actor: str) -> PlanView:
    """Save the plan's fields as edited from `expected_version`; an approved plan names its approver and date."""
    fields = validated(PlanFields, fields)
    problems = plan_problems(fields)
    if problems:
        raise InvalidInput(problems)
    with db.transaction() as session:
        project_id = review_rows.project(session, project_code).id
        require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
        row = q.plan_row(session, project_id)
        before = _plan_fields(row)
        changes = common.changed(before, fields)
        if row is None:
            # Plans are created with their project; one missing is created at version 0 → 1.
            if expected_version != 0:
                raise ConflictError("plan", f"{project_code}/plan", expected_version, _load_plan(session, project_code))
            q.add_plan(session, project_id, common.columns(fields))
        elif not changes:
            return _load_plan(session, project_code)
        else:
            update_versioned(
                session, t.BenefitsReviewPlan, row.id, expected_version,
                {name: common.columns(fields)[name] for name in changes},
                entity="plan", key=f"{project_code}/plan", current=lambda: _load_plan(session, project_code),
            )
        for name, (old, new) in changes.items():
            audit.record(session, actor=actor, action="update", entity="plan", key=f"{project_code}/plan", project_id=project_id, field=name, old=old, new=new)
        return _load_plan(session, project_code)
