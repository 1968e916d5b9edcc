"""The quarterly performance report (`projtui report`): gather the data, let `report.model` build it.

The report is built from the same snapshot document `projtui export
--quarter` writes, cut at the report's quarter, so what Cabinet reads and
what the snapshot carries cannot disagree. A quarter with nothing recorded
is not an error: the report says so.
"""

from __future__ import annotations

import datetime as dt

from projtui.domain.progress import Progress, counted, no_progress
from projtui.domain.quarter import Quarter
from projtui.domain.risks import DEFAULT_BANDS, RiskBands
from projtui.report.model import GapItem, Report
from projtui.report.model import build_report as build_model
from projtui.services.checks import find_gaps
from projtui.services.collector import cyclic_gc_paused
from projtui.services.export import iter_projects, project_ids_in_order, read_header
from projtui.store.database import Database

__all__ = ["build_report"]


def build_report(
    db: Database, quarter: Quarter, progress: Progress = no_progress, *, bands: RiskBands = DEFAULT_BANDS, today: dt.date | None = None
) -> Report:
    """The report for `quarter`: reviews, actuals and targets up to it, and the gaps as of `today` (default: today); risks banded by `bands`."""
    with cyclic_gc_paused():
        return _build(db, quarter, progress, bands, today)


def _build(db: Database, quarter: Quarter, progress: Progress, bands: RiskBands, today: dt.date | None) -> Report:
    with db.reading() as session:
        header = read_header(session)
        ids = project_ids_in_order(session)
        projects = list(counted(iter_projects(session, ids, up_to=quarter), len(ids), "Reading projects", progress))
    gaps, latest = find_gaps(db, progress, today=today)
    document = header.model_copy(update={"projects": projects})
    # A KPI's gap is counted apart from the projects' of the same kind (`kpi_missing_actual`…), as Appendix A lists KPIs apart.
    items = [GapItem(_kpi_kind(gap.kind) if gap.kpi else gap.kind, gap.area, gap.project, gap.message) for gap in gaps if not gap.is_note]
    return build_model(document, quarter, items, gaps_as_of=latest, progress=progress, bands=bands)


def _kpi_kind(kind: str) -> str:
    return kind if kind.startswith("kpi_") else f"kpi_{kind}"
