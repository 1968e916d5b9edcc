"""Writing a project's quarterly review: save a draft, publish it (then it is frozen), re-open it with a reason.

A published review is frozen: saving over it raises RuleError ("re-open it
first"); ``reopen_review`` needs a reason and the audit log shows it.
Publishing records who and when; it needs what ``domain.publishing``
lists. Every write takes ``expected_version`` (optimistic locking) and
writes one audit row per changed field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from projtui.domain.enums import ReviewStatus
from projtui.domain.errors import ConflictError, InvalidInput, Problem, RuleError
from projtui.domain.quarter import Quarter
from projtui.domain.records import ReviewFields, validated
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import update_audited, update_versioned
from projtui.services.permissions import require
from projtui.services.reviews import rows
from projtui.services.reviews.models import ReviewRecord
from projtui.services.reviews.sheet import load_sheet
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import reviews as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["publish_review", "reopen_review", "save_review"]

# The review's own fields a draft save may change; status and published by/on belong to publish/re-open.
_REVIEW_EDITABLE = (
    "rag", "time_rag", "cost_rag", "scope_rag", "benefits_rag",
    "commentary", "next_steps", "spend_to_date_pence", "forecast_pence",
)


def _review_conflict(session: Session, project_id: int, code: str, quarter: Quarter, expected: int | None) -> ConflictError:
    row = q.review_row(session, project_id, quarter)
    return ConflictError("review", rows.review_key(code, quarter), expected or 0, None if row is None else rows.review_record(row))


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
    quarter = rows.as_quarter(quarter)
    if isinstance(fields, Mapping) and "quarter" not in fields:
        fields = {**fields, "quarter": quarter}
    fields = validated(ReviewFields, fields)
    if fields.quarter != quarter:
        raise InvalidInput([Problem("", "quarter", str(fields.quarter), f"these fields are for {fields.quarter}, not {quarter}")])
    wants_published = fields.status is ReviewStatus.PUBLISHED
    fields = fields.model_copy(update={"status": ReviewStatus.DRAFT, "published_by": None, "published_on": None})
    try:
        with db.transaction() as session:
            project = rows.project(session, project_code)
            require(session, actor, Action.SAVE_REVIEW, project_id=project.id)
            key = rows.review_key(project.code, quarter)
            row = q.review_row(session, project.id, quarter)
            if wants_published and (row is None or row.status != ReviewStatus.PUBLISHED.value):
                raise RuleError("publish a review with publish_review, which records who published it and when")
            if expected_version is None:
                if row is not None:
                    raise ConflictError("review", key, 0, rows.review_record(row))
                row = q.add_review(
                    session, project.id, quarter,
                    {"status": ReviewStatus.DRAFT.value, **{name: getattr(fields, name) for name in _REVIEW_EDITABLE}},
                )
                audit.record(session, actor=actor, action="create", entity="review", key=key, project_id=project.id, new=fields.rag.value)
                return rows.review_record(row)
            if row is None or row.version != expected_version:
                raise _review_conflict(session, project.id, project.code, quarter, expected_version)
            before = rows.review_record(row)
            if before.is_published:
                raise rows.frozen(project.code, quarter)
            old, new = before.fields.model_dump(mode="json"), fields.model_dump(mode="json")
            changes = {name: (old[name], new[name]) for name in _REVIEW_EDITABLE if old[name] != new[name]}
            if not changes:
                return before
            update_audited(
                session, t.QuarterlyReview, row.id, expected_version, changes, {name: getattr(fields, name) for name in changes},
                actor=actor, entity="review", key=key, project_id=project.id, current=lambda: _record_or_none(session, row.id),
            )
            return _record_or_none(session, row.id)
    except ConstraintViolation:
        # Someone created the same review between our read and our insert.
        with db.reading() as session:
            project = rows.project(session, project_code)
            raise _review_conflict(session, project.id, project.code, quarter, expected_version) from None


def _review_at_version(session: Session, project_code: str, quarter: Quarter, expected_version: int):
    """The project, the review's audit key and its row, if the review is still at the version the user saw."""
    project = rows.project(session, project_code)
    row = q.review_row(session, project.id, quarter)
    if row is None or row.version != expected_version:
        raise _review_conflict(session, project.id, project.code, quarter, expected_version)
    return project, rows.review_key(project.code, quarter), row


def _record_or_none(session: Session, review_id: int) -> ReviewRecord | None:
    row = q.review_by_id(session, review_id)
    return None if row is None else rows.review_record(row)


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
    measure that is amber or red this quarter (``ReviewSheet.publish_blockers``,
    from ``domain.publishing``, shows the same list beforehand).
    """
    quarter = rows.as_quarter(quarter)
    with db.transaction() as session:
        require(session, actor, Action.PUBLISH_REVIEW)
        project, key, row = _review_at_version(session, project_code, quarter, expected_version)
        blockers = load_sheet(session, project.code, quarter).publish_blockers
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
    quarter = rows.as_quarter(quarter)
    reason = audit.reason_text(reason)
    with db.transaction() as session:
        require(session, actor, Action.REOPEN_REVIEW)
        project, key, row = _review_at_version(session, project_code, quarter, expected_version)
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
