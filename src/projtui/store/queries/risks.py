"""A project's risks and issues: the register, one risk, adding one, and the open ones overdue for review."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from projtui.store import tables as t
from projtui.store.queries.plans import code_taken_in

__all__ = ["add_risk", "code_taken", "overdue_for_review", "risk_by_id", "risks_of"]


def risks_of(session: Session, project_id: int) -> list[t.Risk]:
    """The project's risks and issues, in no particular order (the register sorts them by score)."""
    return list(session.scalars(select(t.Risk).where(t.Risk.project_id == project_id).execution_options(populate_existing=True)))


def risk_by_id(session: Session, risk_id: int) -> t.Risk | None:
    return session.get(t.Risk, risk_id, populate_existing=True)


def add_risk(session: Session, values: dict) -> int:
    """Insert a risk (column → value); its new id."""
    row = t.Risk(**values)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def code_taken(session: Session, project_id: int, code: str, *, exclude_id: int | None = None) -> bool:
    return code_taken_in(session, t.Risk, project_id, code, exclude_id=exclude_id)


def overdue_for_review(session: Session, today: dt.date, *, status: str) -> list[Row]:
    """(project code, code, title, kind, review_by) of every risk with `status` whose review-by date is before `today`."""
    return list(
        session.execute(
            select(t.Project.code, t.Risk.code, t.Risk.title, t.Risk.kind, t.Risk.review_by)
            .join(t.Project, t.Project.id == t.Risk.project_id)
            .where(t.Risk.status == status, t.Risk.review_by < today)
        )
    )
