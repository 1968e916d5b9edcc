"""The audit log's statements: write many rows at once, and read a project's trail a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from projtui.store.tables import AuditLog

__all__ = ["insert_rows", "trail_page", "trail_size"]


def insert_rows(session: Session, rows: Sequence[dict]) -> None:
    """One audit row per dict (column name → value), in one statement."""
    session.execute(insert(AuditLog), rows)


def trail_size(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.project_id == project_id)) or 0


def trail_page(session: Session, project_id: int, *, before: int | None, limit: int) -> Sequence[AuditLog]:
    """At most `limit` of the project's entries older than entry `before` (None: the newest), newest first."""
    page = select(AuditLog).where(AuditLog.project_id == project_id)
    if before is not None:
        page = page.where(AuditLog.id < before)
    return session.scalars(page.order_by(AuditLog.id.desc()).limit(limit)).all()
