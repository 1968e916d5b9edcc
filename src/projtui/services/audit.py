"""The audit log: who changed what, when, old → new."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from projtui.store.tables import AuditLog, Project, utcnow
from projtui.store.database import Database

if TYPE_CHECKING:  # the diff machinery is only needed by imports, not by every screen that audits
    from projtui.snapshot.diff import Change

ACTIONS = {"added": "create", "changed": "update", "removed": "delete"}


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    entity: str
    key: str
    field: str | None
    old: str | None
    new: str | None


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    key: str,
    project_id: int | None = None,
    field: str | None = None,
    old: object = None,
    new: object = None,
) -> None:
    session.add(
        AuditLog(
            actor=actor, action=action, entity=entity, entity_key=key, project_id=project_id,
            field=field, old_value=_text(old), new_value=_text(new),
        )
    )


def record_changes(session: Session, changes: Iterable[Change], *, actor: str, project_ids: dict[str, int]) -> None:
    """Write one row per change, in one statement (imports can carry thousands)."""
    now = utcnow()
    rows = [
        {
            "at": now,
            "actor": actor,
            "action": ACTIONS[change.kind],
            "entity": change.entity,
            "entity_key": change.key,
            "project_id": project_ids.get(change.project) if change.project else None,
            "field": change.field,
            "old_value": _text(change.old),
            "new_value": _text(change.new),
        }
        for change in changes
    ]
    if rows:
        session.execute(insert(AuditLog), rows)


def project_history(db: Database, code: str, *, limit: int = 200, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """The newest entries first, one page at a time, and how many there are in all."""
    with db.reading() as session:
        project_id = session.scalar(select(Project.id).where(Project.code == code))
        if project_id is None:
            return [], 0
        where = AuditLog.project_id == project_id
        total = session.scalar(select(func.count()).select_from(AuditLog).where(where)) or 0
        rows = session.scalars(
            select(AuditLog).where(where).order_by(AuditLog.id.desc()).limit(limit).offset(offset)
        ).all()
    entries = [
        AuditEntry(row.at, row.actor, row.action, row.entity, row.entity_key, row.field, row.old_value, row.new_value)
        for row in rows
    ]
    return entries, total
