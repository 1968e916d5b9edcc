"""The KPI service's statements: a KPI with its measure row, its ambition links, its commentary, and published quarters.

A KPI's figures are its measure's (`measure.kpi_id`), so its actuals,
profiled targets and forecasts are read and written by `store.queries.reviews`
as a project measure's are.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from projtui.domain.enums import ReviewStatus
from projtui.domain.quarter import Quarter
from projtui.store import tables as t
from projtui.store.queries.chunks import rows_in, scalars_in

__all__ = [
    "add_commentary",
    "add_kpi",
    "all_kpis",
    "ambition_links",
    "commentary_of",
    "commentary_row",
    "delete_kpi",
    "kpi",
    "kpi_quarter_row",
    "add_kpi_quarter",
    "is_quarter_published",
    "published_quarters",
    "replace_links",
    "update_measure",
]


def all_kpis(session: Session) -> Sequence[tuple[t.Kpi, t.Measure]]:
    """Every KPI with its measure row, in no particular order."""
    return session.execute(select(t.Kpi, t.Measure).join(t.Measure, t.Measure.kpi_id == t.Kpi.id)).all()


def kpi(session: Session, code: str) -> tuple[t.Kpi, t.Measure] | None:
    """The KPI with this code (ignoring case) and its measure row."""
    row = session.execute(
        select(t.Kpi, t.Measure).join(t.Measure, t.Measure.kpi_id == t.Kpi.id).where(func.lower(t.Kpi.code) == code.lower())
    ).first()
    return None if row is None else (row[0], row[1])


def ambition_links(session: Session, kpi_ids: Collection[int] | None = None) -> list[tuple[int, str, str, bool]]:
    """(KPI id, ambition code, ambition title, is_primary) of the KPIs' ambition links (every KPI's when None)."""
    statement = select(t.KpiAmbition.kpi_id, t.Ambition.code, t.Ambition.title, t.KpiAmbition.is_primary).join(
        t.Ambition, t.Ambition.id == t.KpiAmbition.ambition_id
    )
    rows = session.execute(statement) if kpi_ids is None else rows_in(session, statement, t.KpiAmbition.kpi_id, kpi_ids)
    return [tuple(row) for row in rows]


def commentary_of(session: Session, kpi_ids: Collection[int]) -> Sequence[t.KpiCommentary]:
    """The KPIs' commentary, every quarter."""
    return scalars_in(session, select(t.KpiCommentary), t.KpiCommentary.kpi_id, kpi_ids)


def commentary_row(session: Session, kpi_id: int, quarter: Quarter) -> t.KpiCommentary | None:
    return session.scalars(
        select(t.KpiCommentary).where(
            t.KpiCommentary.kpi_id == kpi_id, t.KpiCommentary.fy_start_year == quarter.fy_start_year, t.KpiCommentary.quarter == quarter.quarter
        ).execution_options(populate_existing=True)
    ).first()


def add_commentary(session: Session, kpi_id: int, quarter: Quarter, text: str, author: str) -> t.KpiCommentary:
    row = t.KpiCommentary(kpi_id=kpi_id, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, text=text, author=author)
    session.add(row)
    session.flush()
    return row


def add_kpi(session: Session, code: str, service: str | None, measure: dict) -> tuple[t.Kpi, t.Measure]:
    """Insert a KPI and its measure row (column → value)."""
    row = t.Kpi(code=code, service=service)
    session.add(row)
    session.flush()
    figures = t.Measure(kpi_id=row.id, **measure)
    session.add(figures)
    session.flush()
    return row, figures


def update_measure(session: Session, measure_id: int, values: dict) -> None:
    """Set the KPI's measure columns; the KPI row's version guards them."""
    session.execute(update(t.Measure).where(t.Measure.id == measure_id).values(**values, version=t.Measure.version + 1))


def replace_links(session: Session, kpi_id: int, ambition_ids: list[int]) -> None:
    """Link the KPI to these ambitions, the first primary, and to no others."""
    session.execute(delete(t.KpiAmbition).where(t.KpiAmbition.kpi_id == kpi_id))
    session.add_all(t.KpiAmbition(kpi_id=kpi_id, ambition_id=a, is_primary=i == 0) for i, a in enumerate(ambition_ids))
    session.flush()


def delete_kpi(session: Session, kpi_id: int) -> None:
    """Remove the KPI; its measure, figures, links and commentary go with it (ON DELETE CASCADE)."""
    session.execute(delete(t.Kpi).where(t.Kpi.id == kpi_id))


def kpi_quarter_row(session: Session, quarter: Quarter) -> t.KpiQuarter | None:
    """Whether and by whom the quarter's KPIs were published (None: never)."""
    return session.scalars(
        select(t.KpiQuarter).where(t.KpiQuarter.fy_start_year == quarter.fy_start_year, t.KpiQuarter.quarter == quarter.quarter)
        .execution_options(populate_existing=True)
    ).first()


def add_kpi_quarter(session: Session, quarter: Quarter, values: dict) -> t.KpiQuarter:
    row = t.KpiQuarter(fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, **values)
    session.add(row)
    session.flush()
    return row


def published_quarters(session: Session) -> list[Quarter]:
    """The quarters whose KPIs are published now."""
    found = session.execute(
        select(t.KpiQuarter.fy_start_year, t.KpiQuarter.quarter).where(t.KpiQuarter.status == ReviewStatus.PUBLISHED.value)
    )
    return [Quarter(year, number) for year, number in found]


def is_quarter_published(session: Session, quarter: Quarter) -> bool:
    """Whether the quarter's KPI figures are frozen."""
    row = kpi_quarter_row(session, quarter)
    return row is not None and row.status == ReviewStatus.PUBLISHED.value
