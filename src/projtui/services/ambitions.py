"""The Council Plan: add, edit, reorder, retire, restore and delete its ambitions and their priorities; start a new plan.

Every write needs `Action.MANAGE_AMBITIONS` (a performance officer's),
checks the version the user saw (`services.locking`) and is audited. An
ambition that projects link to is never deleted, only retired: its links
stay (the golden thread and the report still read them), but no project
may be linked to it anew (`projects.set_ambitions` refuses). A new Council
Plan names its period, which new ambitions then default to, and may
retire every ambition of the plan before in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projtui.domain.codes import next_ambition_code, next_priority_code
from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    Problem,
    RuleError,
)
from projtui.domain.formatting import plural
from projtui.domain.records import AmbitionFields, CouncilPlanFields, PriorityFields
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited, update_versioned
from projtui.services.permissions import require
from projtui.services.read_models import AmbitionSummary, PriorityItem
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import ambitions as q
from projtui.store.queries import snapshot_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The plan period new ambitions are added for, once a new Council Plan is started (not part of the snapshot).
PLAN_PERIOD_SETTING = "council_plan.period"

# What the ambition form edits; `retired` changes only by retiring or restoring.
EDITABLE = ("code", "title", "description", "plan_period")


def _summary(row: t.Ambition) -> AmbitionSummary:
    return AmbitionSummary(row.id, row.version, row.code, row.title, row.description, row.plan_period, retired=bool(row.retired))


def priority_item(row: t.Priority, ambition: str) -> PriorityItem:
    """A priority's row as the screens see it (`ambition`: its ambition's code)."""
    return PriorityItem(row.id, row.version, ambition, row.code, row.title, row.description)


def _ambition(session: Session, code: str, expected_version: int | None = None) -> t.Ambition:
    row = q.ambition_by_code(session, code)
    if row is None:
        if expected_version is not None:
            raise ConflictError("ambition", code, expected_version, None)
        raise NotFoundError(f"no ambition with code {code!r}")
    return row


def _current(session: Session, code: str):
    return lambda: (lambda row: _summary(row) if row is not None else None)(q.ambition_by_code(session, code))


# -- reading ------------------------------------------------------------------------------------------------------


def get_ambition(db: Database, code: str) -> AmbitionSummary:
    with db.reading() as session:
        return _summary(_ambition(session, code))


def priorities(db: Database, code: str) -> list[PriorityItem]:
    """The ambition's priorities, in its order."""
    with db.reading() as session:
        row = _ambition(session, code)
        return [priority_item(p, code) for p in q.priorities_in_order(session, row.id)]


def new_ambition_values(db: Database) -> dict[str, str | None]:
    """What the form for a new ambition starts with: the next free code and the current plan period."""
    with db.reading() as session:
        rows = q.ambitions_in_order(session)
        period = snapshot_rows.settings(session).get(PLAN_PERIOD_SETTING)
    if period is None:  # no new plan started in the app: the period of the newest ambition still in use
        period = next((row.plan_period for row in reversed(rows) if not row.retired and row.plan_period), None)
    return {"code": next_ambition_code(row.code for row in rows), "title": "", "plan_period": period}


def new_priority_values(db: Database, ambition: str) -> dict[str, str]:
    return {"code": next_priority_code(ambition, (p.code for p in priorities(db, ambition))), "title": ""}


def deletion_impact(db: Database, code: str) -> tuple[int, list[str]]:
    """(how many projects link to the ambition, its priorities as "A1.1 Title"): what deleting it would take."""
    with db.reading() as session:
        row = _ambition(session, code)
        return q.link_count(session, row.id), [f"{p.code} {p.title}" for p in q.priorities_in_order(session, row.id)]


# -- ambitions ------------------------------------------------------------------------------------------------------


def _duplicate(code: str, what: str = "ambition") -> InvalidInput:
    return InvalidInput([Problem("", "code", code, f"another {what} already has this code")])


def create_ambition(db: Database, fields: AmbitionFields, *, actor: str) -> AmbitionSummary:
    """Add an ambition at the end of the plan's order."""
    try:
        with db.transaction() as session:
            require(session, actor, Action.MANAGE_AMBITIONS)
            row = q.add_ambition(session, {name: getattr(fields, name) for name in EDITABLE})
            audit.record(session, actor=actor, action="create", entity="ambition", key=fields.code, new=fields.title)
            return _summary(row)
    except ConstraintViolation:
        raise _duplicate(fields.code) from None


def update_ambition(db: Database, code: str, fields: AmbitionFields, *, expected_version: int, actor: str) -> AmbitionSummary:
    """Save an edit of the ambition's code, title, description or plan period made to the version the user saw."""
    try:
        with db.transaction() as session:
            require(session, actor, Action.MANAGE_AMBITIONS)
            row = _ambition(session, code, expected_version)
            changes = {
                name: (getattr(row, name), getattr(fields, name)) for name in EDITABLE if getattr(row, name) != getattr(fields, name)
            }
            if changes:
                update_audited(
                    session, t.Ambition, row.id, expected_version, changes, {name: new for name, (_, new) in changes.items()},
                    actor=actor, entity="ambition", key=code, audit_key=fields.code, project_id=None, current=_current(session, code),
                )
            session.expire_all()
            return _summary(_ambition(session, fields.code))
    except ConstraintViolation:
        raise _duplicate(fields.code) from None


def _set_retired(db: Database, code: str, retired: bool, *, expected_version: int, actor: str) -> AmbitionSummary:
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_AMBITIONS)
        row = _ambition(session, code, expected_version)
        if bool(row.retired) != retired:
            _write_retired(session, row, retired, expected_version, actor=actor)
        session.expire_all()
        return _summary(_ambition(session, code))


def _write_retired(session: Session, row: t.Ambition, retired: bool, expected_version: int, *, actor: str) -> None:
    update_versioned(session, t.Ambition, row.id, expected_version, {"retired": retired}, entity="ambition", key=row.code, current=_current(session, row.code))
    audit.record(session, actor=actor, action="retire" if retired else "restore", entity="ambition", key=row.code, field="retired", old=not retired, new=retired)


def retire_ambition(db: Database, code: str, *, expected_version: int, actor: str) -> AmbitionSummary:
    """Keep the ambition for history: its links stay and stay readable, but no project can be linked to it anew."""
    return _set_retired(db, code, True, expected_version=expected_version, actor=actor)


def restore_ambition(db: Database, code: str, *, expected_version: int, actor: str) -> AmbitionSummary:
    """Bring a retired ambition back into the plan: projects can be linked to it again."""
    return _set_retired(db, code, False, expected_version=expected_version, actor=actor)


def delete_ambition(db: Database, code: str, *, expected_version: int, actor: str) -> None:
    """Delete the ambition and its priorities; refused (RuleError) while any project links to it: retire it instead."""
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_AMBITIONS)
        row = _ambition(session, code, expected_version)
        links = q.link_count(session, row.id)
        if links:
            raise RuleError(
                f"ambition {code} cannot be deleted: {plural(links, 'project links', 'projects link')} to it; retire it instead to keep them readable"
            )
        gone = [p.code for p in q.priorities_in_order(session, row.id)]
        snapshot_rows.delete_priorities(session, row.id)
        delete_versioned(session, t.Ambition, row.id, expected_version, entity="ambition", key=code, current=_current(session, code))
        audit.record(
            session, actor=actor, action="delete", entity="ambition", key=code, old=row.title,
            new=f"with {plural(len(gone), 'priority', 'priorities')} ({', '.join(gone)})" if gone else None,
        )


def _move(session: Session, table, rows: list, index: int, step: int, *, actor: str, entity: str, key: str) -> None:
    """Swap rows[index] with its neighbour `step` away and number the whole list 1…n in its new order (audited as one move)."""
    other = index + step
    if not 0 <= other < len(rows):
        raise RuleError(f"{entity} {key} is already {'first' if step < 0 else 'last'}")
    order = [row.id for row in rows]
    order[index], order[other] = order[other], order[index]
    before = {row.id: row.sort_order for row in rows}
    q.set_sort_orders(session, table, [(row_id, n) for n, row_id in enumerate(order, start=1) if before[row_id] != n])
    audit.record(session, actor=actor, action="move", entity=entity, key=key, field="sort_order", old=index + 1, new=other + 1)


def move_ambition(db: Database, code: str, step: int, *, expected_version: int, actor: str) -> AmbitionSummary:
    """Move the ambition one place up (step -1) or down (+1) in the plan's order; its version guards the move."""
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_AMBITIONS)
        row = _ambition(session, code, expected_version)
        rows = q.ambitions_in_order(session)
        index = next(i for i, r in enumerate(rows) if r.id == row.id)
        update_versioned(session, t.Ambition, row.id, expected_version, {}, entity="ambition", key=code, current=_current(session, code))
        _move(session, t.Ambition, rows, index, step, actor=actor, entity="ambition", key=code)
        session.expire_all()
        return _summary(_ambition(session, code))


def start_new_plan(db: Database, plan: CouncilPlanFields, *, actor: str) -> list[str]:
    """Start a new Council Plan: new ambitions are added for its period; with `retire_old`, every ambition in use
    from another period is retired in the same transaction. The codes retired."""
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_AMBITIONS)
        old_period = snapshot_rows.settings(session).get(PLAN_PERIOD_SETTING)
        snapshot_rows.replace_setting(session, PLAN_PERIOD_SETTING, plan.plan_period)
        audit.record(session, actor=actor, action="update", entity="council_plan", key="period", field="plan_period", old=old_period, new=plan.plan_period)
        retired = []
        if plan.retire_old:
            for row in q.ambitions_in_order(session):
                if not row.retired and row.plan_period != plan.plan_period:
                    _write_retired(session, row, True, row.version, actor=actor)
                    retired.append(row.code)
        return retired


# -- priorities --------------------------------------------------------------------------------------------------------


def _current_priority(session: Session, ambition_id: int, ambition: str, code: str):
    """The priority as it is now, for a conflict to show (None when it is gone)."""
    return lambda: (lambda row: priority_item(row, ambition) if row is not None else None)(q.priority_by_code(session, ambition_id, code))


def _priority_row(session: Session, ambition_id: int, ambition: str, code: str, expected_version: int) -> t.Priority:
    row = q.priority_by_code(session, ambition_id, code)
    if row is None:
        raise ConflictError("priority", f"{ambition}/{code}", expected_version, None)
    return row


def create_priority(db: Database, ambition: str, fields: PriorityFields, *, actor: str) -> PriorityItem:
    """Add a priority at the end of the ambition's."""
    try:
        with db.transaction() as session:
            require(session, actor, Action.MANAGE_AMBITIONS)
            parent = _ambition(session, ambition)
            row = q.add_priority(session, parent.id, fields.model_dump())
            audit.record(session, actor=actor, action="create", entity="priority", key=f"{ambition}/{fields.code}", new=fields.title)
            return priority_item(row, ambition)
    except ConstraintViolation:
        raise _duplicate(fields.code, f"priority of {ambition}") from None


def update_priority(db: Database, ambition: str, code: str, fields: PriorityFields, *, expected_version: int, actor: str) -> PriorityItem:
    try:
        with db.transaction() as session:
            require(session, actor, Action.MANAGE_AMBITIONS)
            parent = _ambition(session, ambition)
            row = _priority_row(session, parent.id, ambition, code, expected_version)
            values = fields.model_dump()
            changes = {name: (getattr(row, name), new) for name, new in values.items() if getattr(row, name) != new}
            if changes:
                update_audited(
                    session, t.Priority, row.id, expected_version, changes, {name: new for name, (_, new) in changes.items()},
                    actor=actor, entity="priority", key=f"{ambition}/{code}", audit_key=f"{ambition}/{fields.code}", project_id=None,
                    current=_current_priority(session, parent.id, ambition, code),
                )
            session.expire_all()
            return priority_item(q.priority_by_code(session, parent.id, fields.code), ambition)
    except ConstraintViolation:
        raise _duplicate(fields.code, f"priority of {ambition}") from None


def move_priority(db: Database, ambition: str, code: str, step: int, *, expected_version: int, actor: str) -> None:
    """Move the priority one place up (-1) or down (+1) among its ambition's."""
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_AMBITIONS)
        parent = _ambition(session, ambition)
        row = _priority_row(session, parent.id, ambition, code, expected_version)
        rows = q.priorities_in_order(session, parent.id)
        index = next(i for i, r in enumerate(rows) if r.id == row.id)
        update_versioned(
            session, t.Priority, row.id, expected_version, {}, entity="priority", key=f"{ambition}/{code}",
            current=_current_priority(session, parent.id, ambition, code),
        )
        _move(session, t.Priority, rows, index, step, actor=actor, entity="priority", key=f"{ambition}/{code}")


def delete_priority(db: Database, ambition: str, code: str, *, expected_version: int, actor: str) -> None:
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_AMBITIONS)
        parent = _ambition(session, ambition)
        row = _priority_row(session, parent.id, ambition, code, expected_version)
        delete_versioned(
            session, t.Priority, row.id, expected_version, entity="priority", key=f"{ambition}/{code}",
            current=_current_priority(session, parent.id, ambition, code),
        )
        audit.record(session, actor=actor, action="delete", entity="priority", key=f"{ambition}/{code}", old=row.title)
