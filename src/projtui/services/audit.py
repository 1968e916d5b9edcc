"""The audit log: who changed what, when, old → new."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projtui.domain.errors import InvalidInput, Problem
from projtui.store.database import Database
from projtui.store.queries import audit as q
from projtui.store.queries import projects
from projtui.store.tables import AuditLog, utcnow

if TYPE_CHECKING:
    # Services own the transaction: they name the Session type the store hands them.
    from sqlalchemy.orm import Session

    # the diff machinery is only needed by imports, not by every screen that audits
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
        q.insert_rows(session, rows)


def reason_text(reason: object) -> str:
    """The reason a baseline, target or re-opened review changes, as the audit log keeps it; refused if blank."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput([Problem("", "reason", reason, "say why: baselines, targets and re-opened reviews change only with a reason")])
    if "\x00" in text or len(text) > 10_000:
        raise InvalidInput([Problem("", "reason", reason, "must be plain text of at most 10,000 characters")])
    return text


@dataclass(frozen=True)
class HistoryPage:
    """One page of a project's audit trail, newest first."""

    entries: tuple[AuditEntry, ...]
    total: int  # all the project's entries, on every page
    next_before: int | None  # `before` for the next, older page; None when this page reaches the oldest


def history_page(db: Database, code: str, *, before: int | None = None, limit: int = 200) -> HistoryPage:
    """The project's entries older than entry `before` (None: from the newest), newest first.

    Keyset paging on the entry id (the ix_audit_project index), so pages
    stay put while new entries are written: the next page starts where the
    last one ended, never repeating or skipping an entry as an offset would.
    """
    with db.reading() as session:
        project_id = projects.project_id(session, code)
        if project_id is None:
            return HistoryPage((), 0, None)
        total = q.trail_size(session, project_id)
        rows = q.trail_page(session, project_id, before=before, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return HistoryPage(tuple(_entry(row) for row in rows), total, rows[-1].id if more else None)


def _entry(row: AuditLog) -> AuditEntry:
    return AuditEntry(row.at, row.actor, row.action, row.entity, row.entity_key, row.field, row.old_value, row.new_value)
