"""The snapshot's statements: what an export reads and what an import writes.

`services.export` reads a batch of projects with one statement a table and
builds the documents; `services.importing` decides what changes and writes
whole project trees with a handful of bulk inserts. Reads return plain rows
(`Row`), not ORM objects, where there are many, and leave out the bookkeeping
no snapshot holds (`_NOT_EXPORTED`): building ORM objects cost
more than the rest of the export.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Row, Table, delete, select, tuple_, update
from sqlalchemy.orm import Session

from projtui.domain.quarter import Quarter
from projtui.store import tables as t
from projtui.store.queries.chunks import rows_in
from projtui.store.queries.plans import LINKS, TABLES

__all__ = [
    "actuals",
    "add_kpi_figures",
    "kpi_ambition_links",
    "kpi_commentary",
    "kpi_actuals_kept",
    "kpi_ids",
    "kpi_measures",
    "kpi_quarters",
    "replace_kpi",
    "replace_kpi_quarter",
    "actuals_with_measure_codes",
    "benchmarks",
    "forecasts",
    "add_ambition",
    "add_priorities",
    "ambitions",
    "delete_priorities",
    "delete_project_contents",
    "item_links",
    "plan_items",
    "plans",
    "priorities",
    "project_ambition_links",
    "project_codes",
    "project_versions",
    "projects",
    "replace_setting",
    "reviews",
    "risks",
    "settings",
    "targets",
    "update_project",
]


# -- reading: the header ---------------------------------------------------------------------------------


def settings(session: Session) -> dict[str, str]:
    """Every setting, key → value."""
    return {row.key: row.value for row in session.scalars(select(t.Setting))}


def ambitions(session: Session) -> Sequence[t.Ambition]:
    """Every ambition, in no particular order."""
    return session.scalars(select(t.Ambition)).all()


def priorities(session: Session) -> Iterable[t.Priority]:
    """Every priority of every ambition, in their sort order."""
    return session.scalars(select(t.Priority).order_by(t.Priority.sort_order, t.Priority.id))


def kpi_measures(session: Session) -> list[Row]:
    """Every KPI's measure row, with the KPI's `service`, in no particular order."""
    measure = t.Measure.__table__
    return session.execute(
        select(measure, t.Kpi.service).join(t.Kpi, t.Kpi.id == measure.c.kpi_id)
    ).all()


def kpi_ambition_links(session: Session) -> Iterable[tuple[int, str, bool]]:
    """(KPI id, ambition code, is_primary) of every KPI's ambition links."""
    return session.execute(
        select(t.KpiAmbition.kpi_id, t.Ambition.code, t.KpiAmbition.is_primary)
        .join(t.Ambition, t.Ambition.id == t.KpiAmbition.ambition_id)
    )


def kpi_commentary(session: Session) -> list[Row]:
    """Every KPI's commentary, every quarter, in no particular order, with its author (which an import keeps when the text is unchanged)."""
    return session.execute(select(t.KpiCommentary.__table__)).all()


# -- reading: projects, a batch of ids at a time -------------------------------------------------------------


def project_codes(session: Session, codes: Iterable[str] | None = None) -> list[Row]:
    """(id, code) of every project, or of those with these codes, in no particular order."""
    query = select(t.Project.id, t.Project.code)
    if codes is None:
        return session.execute(query).all()
    return rows_in(session, query, t.Project.code, codes)


def _up_to(table: Table, quarter: Quarter | None):
    """Rows of a quarter-keyed table up to and including `quarter` (every row when None)."""
    if quarter is None:
        return True
    return tuple_(table.c.fy_start_year, table.c.quarter) <= tuple_(quarter.fy_start_year, quarter.quarter)


def _rows(session: Session, table: Table, column, values: Collection[int], *where, order_by=()) -> list[Row]:
    """The table's exported columns of the rows whose `column` is one of `values` (chunked: `order_by` holds within each `column` value)."""
    return rows_in(session, select(*_exported_columns(table)).where(*where).order_by(*order_by), column, values)


# Bookkeeping no snapshot holds: optimistic-locking counters, timestamps, who typed an actual and the sort columns
# kept for the portfolio screen. Not read for export: turning every actual's timestamp back into a datetime cost
# more than the rest of its row.
_NOT_EXPORTED = frozenset({"version", "created_at", "updated_at", "entered_at", "entered_by", "author", "primary_ambition", "latest_rag"})


@functools.cache
def _exported_columns(table: Table) -> tuple:
    return tuple(column for column in table.columns if column.name not in _NOT_EXPORTED)


def projects(session: Session, ids: Collection[int]) -> list[Row]:
    """The projects' rows, in no particular order."""
    project = t.Project.__table__
    return _rows(session, project, project.c.id, ids)


def plans(session: Session, ids: Collection[int]) -> list[Row]:
    """The projects' Benefits Review Plan rows (at most one each)."""
    plan = t.BenefitsReviewPlan.__table__
    return _rows(session, plan, plan.c.project_id, ids)


def project_ambition_links(session: Session, ids: Collection[int]) -> Iterable[tuple[int, str, bool]]:
    """(project id, ambition code, is_primary) of the projects' ambition links, in no particular order."""
    return rows_in(
        session,
        select(t.ProjectAmbition.project_id, t.Ambition.code, t.ProjectAmbition.is_primary)
        .join(t.Ambition, t.Ambition.id == t.ProjectAmbition.ambition_id),
        t.ProjectAmbition.project_id, ids,
    )


def plan_items(session: Session, kind: str, ids: Collection[int]) -> list[Row]:
    """The projects' outputs, outcomes, benefits or measures (`kind`), in plan order."""
    table = TABLES[kind].__table__
    return _rows(session, table, table.c.project_id, ids, order_by=(table.c.position, table.c.id))


def item_links(session: Session, kind: str, item_ids: Collection[int]) -> Iterable[tuple[int, int]]:
    """(item id, id of the item linked to) of these outputs' → outcomes or outcomes' → benefits links (`kind`: "output" or "outcome").

    The link table alone, through its primary key (item id first). Joined to the items linked to and chosen by their
    project, it was read whole on PostgreSQL for every batch (a hash join: at 100,000 projects 100,000 and 200,000
    rows, 9 and 32 ms a batch), a cost that grew with the portfolio.
    """
    link = LINKS[kind]
    return rows_in(session, select(link.source, link.target), link.source, item_ids)


def actuals(session: Session, measure_ids: Collection[int], up_to: Quarter | None) -> list[Row]:
    """The measures' actuals up to and including `up_to` (all of them when None)."""
    value = t.MeasureValue.__table__
    return _rows(session, value, value.c.measure_id, measure_ids, _up_to(value, up_to))


def targets(session: Session, measure_ids: Collection[int], up_to: Quarter | None) -> list[Row]:
    """The measures' profiled targets up to and including `up_to` (all of them when None)."""
    target = t.MeasureTarget.__table__
    return _rows(session, target, target.c.measure_id, measure_ids, _up_to(target, up_to))


def forecasts(session: Session, measure_ids: Collection[int], up_to: Quarter | None) -> list[Row]:
    """The measures' year-end forecasts made up to and including `up_to` (all of them when None)."""
    forecast = t.MeasureForecast.__table__
    return _rows(session, forecast, forecast.c.measure_id, measure_ids, _up_to(forecast, up_to))


def benchmarks(session: Session, measure_ids: Collection[int]) -> list[Row]:
    """The measures' benchmarks, every year of them (published after the year, so no quarter bounds them), in no particular order."""
    benchmark = t.MeasureBenchmark.__table__
    return _rows(session, benchmark, benchmark.c.measure_id, measure_ids)


def reviews(session: Session, ids: Collection[int], up_to: Quarter | None) -> list[Row]:
    """The projects' quarterly reviews up to and including `up_to` (all of them when None), oldest first."""
    review = t.QuarterlyReview.__table__
    return _rows(session, review, review.c.project_id, ids, _up_to(review, up_to), order_by=(review.c.fy_start_year, review.c.quarter))


def risks(session: Session, ids: Collection[int]) -> list[Row]:
    """The projects' risks and issues, in no particular order (the document sorts them by code)."""
    risk = t.Risk.__table__
    return _rows(session, risk, risk.c.project_id, ids)


# -- writing ----------------------------------------------------------------------------------------------


def replace_setting(session: Session, key: str, value: str | None) -> None:
    """Set the setting to `value`, or remove it when None."""
    session.execute(delete(t.Setting).where(t.Setting.key == key))
    if value is not None:
        session.add(t.Setting(key=key, value=value))


def add_ambition(session: Session, values: dict) -> t.Ambition:
    """Insert an ambition (column → value); the new row, with its id."""
    row = t.Ambition(**values)
    session.add(row)
    session.flush()
    return row


def delete_priorities(session: Session, ambition_id: int) -> None:
    session.execute(delete(t.Priority).where(t.Priority.ambition_id == ambition_id))


def add_priorities(session: Session, ambition_id: int, rows: Iterable[dict]) -> None:
    """Add the ambition's priorities (column → value each); flushed with the session's next flush."""
    session.add_all(t.Priority(ambition_id=ambition_id, **values) for values in rows)


def project_versions(session: Session) -> Iterable[tuple[int, str, int]]:
    """(id, code, version) of every project."""
    return session.execute(select(t.Project.id, t.Project.code, t.Project.version))


def update_project(session: Session, project_id: int, values: dict) -> None:
    """Set the project's columns to `values` (column → value), whatever its version."""
    session.execute(update(t.Project).where(t.Project.id == project_id).values(**values))


def actuals_with_measure_codes(session: Session, project_id: int) -> Iterable[tuple[str, t.MeasureValue]]:
    """(measure code, actual) of every actual of the project's measures."""
    return session.execute(
        select(t.Measure.code, t.MeasureValue)
        .join(t.MeasureValue, t.MeasureValue.measure_id == t.Measure.id)
        .where(t.Measure.project_id == project_id)
    )


def delete_project_contents(session: Session, project_id: int) -> None:
    """Remove everything the project holds (links, plan, reviews, items), keeping the project row itself."""
    # Measures, values, targets and item links go with their parents (ON DELETE CASCADE).
    for table in (t.ProjectAmbition, t.BenefitsReviewPlan, t.QuarterlyReview, t.Measure, t.Output, t.Outcome, t.Benefit, t.Risk):
        session.execute(delete(table).where(table.project_id == project_id))


def kpi_quarters(session: Session) -> Sequence[t.KpiQuarter]:
    """Every quarter whose KPIs were ever published (now published, or re-opened), in no particular order."""
    return session.scalars(select(t.KpiQuarter)).all()


def replace_kpi_quarter(session: Session, quarter: Quarter, values: dict) -> None:
    """Set whether the quarter's KPIs are published, and by whom and when (a new row if there is none)."""
    where = (t.KpiQuarter.fy_start_year == quarter.fy_start_year, t.KpiQuarter.quarter == quarter.quarter)
    if session.scalar(select(t.KpiQuarter.id).where(*where)) is None:
        session.add(t.KpiQuarter(fy_start_year=quarter.fy_start_year, quarter=quarter.quarter, **values))
        session.flush()
    else:
        session.execute(update(t.KpiQuarter).where(*where).values(**values, version=t.KpiQuarter.version + 1))


def kpi_ids(session: Session) -> dict[str, int]:
    """Every KPI's id by its code."""
    return dict(session.execute(select(t.Kpi.code, t.Kpi.id)).all())


def replace_kpi(session: Session, kpi_id: int | None, values: dict) -> int:
    """Write the KPI row (a new one when `kpi_id` is None) and clear what hangs off it; its id.

    Its measure (with the measure's actuals, targets and forecasts, by
    cascade), its ambition links and its commentary go, to be written again
    whole, as a project's contents are on import.
    """
    if kpi_id is None:
        row = t.Kpi(**values)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id
    session.execute(update(t.Kpi).where(t.Kpi.id == kpi_id).values(**values, version=t.Kpi.version + 1))
    for table in (t.Measure, t.KpiAmbition, t.KpiCommentary):
        session.execute(delete(table).where(table.kpi_id == kpi_id))
    return kpi_id


def add_kpi_figures(session: Session, kpi_id: int, measure: dict, links: list[dict], commentary: list[dict]) -> int:
    """Insert the KPI's measure row, ambition links and commentary; the measure's id."""
    row = t.Measure(kpi_id=kpi_id, **measure)
    session.add(row)
    session.add_all(t.KpiAmbition(kpi_id=kpi_id, **link) for link in links)
    session.add_all(t.KpiCommentary(kpi_id=kpi_id, **entry) for entry in commentary)
    session.flush()
    assert row.id is not None
    return row.id


def kpi_actuals_kept(session: Session, kpi_id: int) -> Iterable[t.MeasureValue]:
    """The actuals of the KPI's measure, as they stand before an import rewrites them."""
    return session.scalars(
        select(t.MeasureValue).join(t.Measure, t.Measure.id == t.MeasureValue.measure_id).where(t.Measure.kpi_id == kpi_id)
    ).all()
