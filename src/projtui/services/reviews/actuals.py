"""A measure's actual for a quarter: enter, correct, confirm or clear it.

The actuals of a quarter whose review is published are frozen with it,
except that a *provisional* figure may still be confirmed or corrected
(that is what provisional means). Who entered a figure and when is kept;
every change is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from projtui.domain.errors import ConflictError
from projtui.domain.publishing import actual_may_change
from projtui.domain.quarter import Quarter
from projtui.domain.records import ActualFields, validated
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited
from projtui.services.reviews import rows
from projtui.services.reviews.models import ActualEntry
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import reviews as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["clear_actual", "set_actual", "write_actual"]


def _actual_conflict(
    session: Session, measure_id: int, quarter: Quarter, key: str, expected: int | None, entity: str = "actual"
) -> ConflictError:
    row = q.actual_row(session, measure_id, quarter)
    return ConflictError(entity, key, expected or 0, None if row is None else rows.actual(row))


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
    quarter = rows.as_quarter(quarter)
    entry = validated(ActualFields, {"value": value, "provisional": provisional, "note": note})
    try:
        with db.transaction() as session:
            project, measure, key = rows.entry_target(session, project_code, measure_code, quarter, actor=actor)
            frozen = q.is_published(session, project.id, quarter)
            return write_actual(
                session, measure.id, quarter, entry, expected_version=expected_version, actor=actor,
                entity="actual", key=key, project_id=project.id, frozen=frozen, refusal=lambda: rows.frozen(project.code, quarter),
            )
    except ConstraintViolation:
        with db.reading() as session:
            _, measure, key = rows.entry_target(session, project_code, measure_code, quarter)
            raise _actual_conflict(session, measure.id, quarter, key, expected_version) from None


def write_actual(
    session: Session,
    measure_id: int,
    quarter: Quarter,
    entry: ActualFields,
    *,
    expected_version: int | None,
    actor: str,
    entity: str,
    key: str,
    project_id: int | None,
    frozen: bool,
    refusal: Callable[[], Exception],
) -> ActualEntry:
    """The one write of a measure's actual, a project's or a KPI's, in the caller's transaction (permission already checked).

    ``frozen``: the quarter is published, so only a provisional actual may
    change, else ``refusal()`` is raised; audited as ``entity`` ``key``.
    """
    row = q.actual_row(session, measure_id, quarter)
    if expected_version is None:
        if row is not None:
            raise ConflictError(entity, key, 0, rows.actual(row))
        if not actual_may_change(frozen, None):
            raise refusal()
        row = q.add_actual(
            session, measure_id, quarter,
            {"value": entry.value, "provisional": entry.provisional, "note": entry.note, "entered_by": actor},
        )
        audit.record(session, actor=actor, action="create", entity=entity, key=key, project_id=project_id, field="value", new=entry.value)
        for name in ("provisional", "note"):
            if getattr(entry, name):
                audit.record(session, actor=actor, action="create", entity=entity, key=key, project_id=project_id,
                             field=name, new=getattr(entry, name))
        return rows.actual(row)
    if row is None or row.version != expected_version:
        raise _actual_conflict(session, measure_id, quarter, key, expected_version, entity)
    if not actual_may_change(frozen, row.provisional):
        raise refusal()
    before = rows.actual(row)
    changes = {
        name: (getattr(before, name), getattr(entry, name))
        for name in ("value", "provisional", "note")
        if getattr(before, name) != getattr(entry, name)
    }
    if not changes:
        return before
    row_id = row.id
    update_audited(
        session, t.MeasureValue, row_id, expected_version, changes,
        {**{name: getattr(entry, name) for name in changes}, "entered_by": actor, "entered_at": t.utcnow()},
        actor=actor, entity=entity, key=key, project_id=project_id, current=lambda: _actual_or_none(session, row_id),
    )
    return _actual_or_none(session, row_id)


def _actual_or_none(session: Session, value_id: int) -> ActualEntry | None:
    row = q.actual_by_id(session, value_id)
    return None if row is None else rows.actual(row)


def clear_actual(
    db: Database, project_code: str, measure_code: str, quarter: Quarter | str, *, expected_version: int, actor: str
) -> None:
    """Remove the measure's actual for the quarter (it then shows as "no data" if due). Refused in a published quarter."""
    quarter = rows.as_quarter(quarter)
    with db.transaction() as session:
        project, measure, key = rows.entry_target(session, project_code, measure_code, quarter, actor=actor)
        row = q.actual_row(session, measure.id, quarter)
        if row is None or row.version != expected_version:
            raise _actual_conflict(session, measure.id, quarter, key, expected_version)
        if not actual_may_change(q.is_published(session, project.id, quarter), row.provisional, removing=True):
            raise rows.frozen(project.code, quarter)
        old = row.value
        row_id = row.id
        session.expunge(row)
        delete_versioned(session, t.MeasureValue, row_id, expected_version, entity="actual", key=key,
                         current=lambda: _actual_or_none(session, row_id))
        audit.record(session, actor=actor, action="delete", entity="actual", key=key, project_id=project.id, field="value", old=old)
