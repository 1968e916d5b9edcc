"""The audit log's statements: write many rows at once, and read a project's trail a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from projtui.store.queries import bulk
from projtui.store.tables import AuditLog

__all__ = ["insert_rows", "log_mark", "trail_page", "trail_size"]


def insert_rows(session: Session, rows: Sequence[dict]) -> None:
    """One audit row per dict (column name → value, the same names in each), in one statement.

    Through `bulk.insert_rows`, as the rows they audit: the ORM's bulk insert
    cost a 10,000-project import a sixth of its time. That goes to the driver
    without flushing the session, so entries added one at a time before these
    (the first writer made admin) are flushed first and keep their place.
    """
    session.flush()
    bulk.insert_rows(session, AuditLog, rows)


def trail_size(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.project_id == project_id)) or 0


def trail_page(session: Session, project_id: int, *, before: int | None, limit: int) -> Sequence[AuditLog]:
    """At most `limit` of the project's entries older than entry `before` (None: the newest), newest first."""
    page = select(AuditLog).where(AuditLog.project_id == project_id)
    if before is not None:
        page = page.where(AuditLog.id < before)
    return session.scalars(page.order_by(AuditLog.id.desc()).limit(limit)).all()


def log_mark(session: Session) -> tuple[int, int | None]:
    """How many entries the log holds and the newest one's id: it moves whenever anything is written.

    Every change projtui makes is audited, so an unchanged mark means an
    unchanged database. The count as well as the id, because PostgreSQL
    writers can commit out of id order.
    """
    count, newest = session.execute(select(func.count(), func.max(AuditLog.id)).select_from(AuditLog)).one()
    return count, newest


def projects_written_since(session: Session, mark: tuple[int, int | None]) -> set[int | None] | None:
    """The projects (ids; None for an entry about no project) the entries since `log_mark` gave `mark` are about.

    None when that cannot be told: every entry since has an id above the
    mark's newest unless a PostgreSQL writer committed out of id order, which
    the count then shows.
    """
    count, newest = mark
    since = session.scalars(select(AuditLog.project_id).where(AuditLog.id > (newest or 0))).all()
    total = session.execute(select(func.count()).select_from(AuditLog)).scalar_one()
    return set(since) if total - count == len(since) else None
