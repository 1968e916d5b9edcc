"""Measures: adding one under an outcome or benefit, editing it (a new baseline or target needs a reason), moving and deleting it, and its profiled targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from projtui.domain.codes import next_measure_code
from projtui.domain.enums import ReviewStatus
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, Problem
from projtui.domain.quarter import Quarter
from projtui.domain.records import MeasureFields, validated
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited, update_versioned
from projtui.services.permissions import require
from projtui.services.plans import common
from projtui.services.plans.common import ParentKind
from projtui.services.read_models import MeasureItem
from projtui.services.reviews import rows as review_rows
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import plans as q
from projtui.store.queries import reviews as review_queries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _parent_id(session: Session, project_id: int, project_code: str, parent_kind: str, parent_code: str) -> int:
    """The id of the outcome or benefit a measure is to go under; InvalidInput if the plan has none with the code."""
    parent_id = q.item_ids(session, parent_kind, project_id, [parent_code]).get(parent_code)
    if parent_id is None:
        raise InvalidInput([Problem("", "parent", parent_code, f"no {parent_kind} in {project_code} has this code")])
    return parent_id


def load_measure(session: Session, measure_id: int) -> MeasureItem | None:
    row = review_queries.measure_by_id(session, measure_id)
    return None if row is None else review_rows.measure_item(session, row)


def _changing(session: Session, measure_id: int, expected_version: int, code: str | None = None) -> tuple[MeasureItem, int, str]:
    """The measure a write starts from, as it is now, and its project's id and code; ConflictError once someone deleted it."""
    before = load_measure(session, measure_id)
    if before is None:
        raise ConflictError("measure", code or f"#{measure_id}", expected_version, None)
    return (before, *common.project_of(session, "measure", measure_id))


def found_measure(session: Session, measure_id: int) -> tuple[MeasureItem, int, str]:
    """The measure a screen reads, and its project's id and code; NotFoundError once someone deleted it."""
    measure = load_measure(session, measure_id)
    if measure is None:
        raise NotFoundError(f"no measure with id {measure_id}")
    return (measure, *common.project_of(session, "measure", measure_id))


def get_measure(db: Database, measure_id: int) -> MeasureItem:
    with db.reading() as session:
        measure = load_measure(session, measure_id)
    if measure is None:
        raise NotFoundError(f"no measure with id {measure_id}")
    return measure


def add_measure(
    db: Database, project_code: str, parent_kind: ParentKind, parent_code: str, fields: MeasureFields | dict, *, actor: str
) -> MeasureItem:
    """Add a measure under an outcome or a benefit; without a code it gets the next free `M{n}`."""
    common.known_kind(parent_kind, ("outcome", "benefit"))
    fields = validated(MeasureFields, fields)
    try:
        with db.transaction() as session:
            project_id = review_rows.project(session, project_code).id
            require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
            parent_id = _parent_id(session, project_id, project_code, parent_kind, parent_code)
            if fields.code is None:
                fields = fields.model_copy(update={"code": next_measure_code(q.measure_codes(session, project_id))})
            else:
                common.check_code_free(session, "measure", project_id, fields.code)
            measure_id = q.add_item(
                session, "measure",
                {
                    "project_id": project_id,
                    **q.parent_columns(parent_kind, parent_id),
                    "position": q.next_position(session, "measure", project_id),
                    **common.columns(fields),
                },
            )
            audit.record(
                session, actor=actor, action="create", entity="measure", key=f"{project_code}/{fields.code}",
                project_id=project_id, new=fields.name,
            )
            measure = load_measure(session, measure_id)
    except ConstraintViolation:
        raise common.duplicate_code("measure", fields.code or "") from None
    assert measure is not None
    return measure


# Every past quarter is rated against these, so they change only with a reason (DESIGN.md).
RATED_AGAINST = ("baseline", "baseline_period", "target", "target_max", "target_period")


def rated_against_changes(before: MeasureFields, after: MeasureFields) -> list[str]:
    """The baseline and target fields that differ, in form order: a change to any needs a reason."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [name for name in RATED_AGAINST if old[name] != new[name]]


def update_measure(
    db: Database, measure_id: int, fields: MeasureFields | dict, *, expected_version: int, actor: str, reason: str | None = None
) -> MeasureItem:
    """Save an edit to a measure; leaving the code out keeps the one it has.

    A change to the baseline or target (value or period) needs `reason`: the
    audit log keeps the old values and, in one more row, the reason, as
    `reviews.update_measure_baseline_or_target` writes them. Both kinds of
    change go in one transaction, so a new direction and its new target are
    checked together.
    """
    fields = validated(MeasureFields, fields)
    try:
        with db.transaction() as session:
            before, project_id, project_code = _changing(session, measure_id, expected_version, fields.code)
            require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
            if fields.code is None:
                fields = fields.model_copy(update={"code": before.fields.code})
            key = f"{project_code}/{before.fields.code}"
            if fields.code != before.fields.code:
                common.check_code_free(session, "measure", project_id, fields.code, exclude_id=measure_id)
            changes = common.changed(before.fields, fields)
            if not changes:
                if before.version != expected_version:
                    raise ConflictError("measure", key, expected_version, before)
                return before
            why = audit.reason_text(reason) if rated_against_changes(before.fields, fields) else None
            values = common.columns(fields)
            new_key = f"{project_code}/{fields.code}"
            update_audited(
                session, t.Measure, measure_id, expected_version, changes, {name: values[name] for name in changes},
                actor=actor, entity="measure", key=key, audit_key=new_key, project_id=project_id,
                current=lambda: load_measure(session, measure_id),
            )
            if why is not None:
                audit.record(session, actor=actor, action="update", entity="measure", key=new_key, project_id=project_id, field="reason", new=why)
            measure = load_measure(session, measure_id)
    except ConstraintViolation:
        raise common.duplicate_code("measure", fields.code or "") from None
    assert measure is not None
    return measure


def move_measure(
    db: Database, measure_id: int, parent_kind: ParentKind, parent_code: str, *, expected_version: int, actor: str
) -> MeasureItem:
    """Put a measure under another outcome or benefit of its own plan, last among that parent's measures.

    Its code, actuals and profiled targets go with it (codes are unique in
    the whole project, so none needs to change). Guarded by the measure's
    version; the audit log names the old and new parent as the snapshot diff
    does ("benefit B1" → "outcome OC2").
    """
    common.known_kind(parent_kind, ("outcome", "benefit"))
    with db.transaction() as session:
        before, project_id, project_code = _changing(session, measure_id, expected_version)
        require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
        key = f"{project_code}/{before.fields.code}"
        parent_id = _parent_id(session, project_id, project_code, parent_kind, parent_code)
        if (before.parent_kind, before.parent_code) == (parent_kind, parent_code):
            if before.version != expected_version:
                raise ConflictError("measure", key, expected_version, before)
            return before
        values = {**q.parent_columns(parent_kind, parent_id), "position": q.next_position(session, "measure", project_id)}
        update_versioned(session, t.Measure, measure_id, expected_version, values, entity="measure", key=key,
                         current=lambda: load_measure(session, measure_id))
        audit.record(
            session, actor=actor, action="update", entity="measure", key=key, project_id=project_id, field="parent",
            old=f"{before.parent_kind} {before.parent_code}", new=f"{parent_kind} {parent_code}",
        )
        measure = load_measure(session, measure_id)
    assert measure is not None
    return measure


def delete_measure(db: Database, measure_id: int, *, expected_version: int, actor: str) -> None:
    """Delete a measure with its actuals and profiled targets."""
    with db.transaction() as session:
        before, project_id, project_code = _changing(session, measure_id, expected_version)
        require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
        key = f"{project_code}/{before.fields.code}"
        session.expunge_all()
        delete_versioned(session, t.Measure, measure_id, expected_version, entity="measure", key=key, current=lambda: load_measure(session, measure_id))
        audit.record(session, actor=actor, action="delete", entity="measure", key=key, project_id=project_id, old=before.fields.name)


@dataclass(frozen=True)
class ProfiledTargets:
    """A measure's per-quarter targets, oldest first, and the project's quarters whose review is published.

    Set and clear them with `reviews.set_profiled_target` / `clear_profiled_target`,
    which refuse a published quarter: `published` lets a screen say so first.
    """

    project_code: str
    measure: MeasureItem
    targets: tuple[tuple[Quarter, float], ...]
    published: frozenset[Quarter]


def profiled_targets(db: Database, measure_id: int) -> ProfiledTargets:
    with db.reading() as session:
        measure, project_id, project_code = found_measure(session, measure_id)
        # One measure has one target a quarter, so sorting the rows puts its quarters oldest first.
        targets = sorted((year, quarter, value) for _, year, quarter, value in review_queries.measure_targets(session, [measure_id]))
        published = [
            review for review in review_queries.reviews_of(session, project_id, newest_first=False) if review.status == ReviewStatus.PUBLISHED.value
        ]
        return ProfiledTargets(
            project_code=project_code,
            measure=measure,
            targets=tuple((Quarter(year, quarter), value) for year, quarter, value in targets),
            published=frozenset(Quarter(review.fy_start_year, review.quarter) for review in published),
        )

