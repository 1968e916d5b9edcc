"""A project's quarterly reviews, read-only (the project screen's "Quarterly reviews" tab)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from projtui.domain.enums import Rag, ReviewStatus
from projtui.domain.errors import NotFoundError
from projtui.domain.quarter import Quarter
from projtui.store import tables as t
from projtui.store.database import Database


@dataclass(frozen=True)
class ReviewRow:
    quarter: Quarter
    status: ReviewStatus
    rag: Rag
    time_rag: Rag
    cost_rag: Rag
    scope_rag: Rag
    benefits_rag: Rag
    commentary: str | None
    next_steps: str | None
    published_by: str | None
    published_on: dt.date | None
    spend_to_date_pence: int | None
    forecast_pence: int | None


def _rag(value: str | None) -> Rag:
    try:
        return Rag(value)
    except ValueError:
        return Rag.NOT_SET


def project_reviews(db: Database, project_code: str) -> list[ReviewRow]:
    """Every review of the project, newest quarter first."""
    with db.reading() as session:
        project_id = session.scalar(select(t.Project.id).where(t.Project.code == project_code))
        if project_id is None:
            raise NotFoundError(f"no project with code {project_code!r}")
        rows = session.scalars(
            select(t.QuarterlyReview)
            .where(t.QuarterlyReview.project_id == project_id)
            .order_by(t.QuarterlyReview.fy_start_year.desc(), t.QuarterlyReview.quarter.desc())
        ).all()
        return [
            ReviewRow(
                quarter=Quarter(row.fy_start_year, row.quarter),
                status=ReviewStatus(row.status),
                rag=_rag(row.rag),
                time_rag=_rag(row.time_rag),
                cost_rag=_rag(row.cost_rag),
                scope_rag=_rag(row.scope_rag),
                benefits_rag=_rag(row.benefits_rag),
                commentary=row.commentary,
                next_steps=row.next_steps,
                published_by=row.published_by,
                published_on=row.published_on,
                spend_to_date_pence=row.spend_to_date_pence,
                forecast_pence=row.forecast_pence,
            )
            for row in rows
        ]
