"""Snapshot and workbook export, and the bundled sample portfolio."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from projtui.domain.formatting import plural
from projtui.domain.progress import Progress, counted, no_progress
from projtui.domain.quarter import Quarter
from projtui.files import read_text, require_file
from projtui.services.export import iter_projects, project_ids_in_order, read_header
from projtui.services.importing import ImportResult, import_snapshot
from projtui.services.reviews.quarter import default_review_quarter
from projtui.snapshot import document as doc
from projtui.snapshot.diff import placed_measures
from projtui.snapshot.writer import iter_document_chunks
from projtui.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SAMPLE_NAME = "lancaster.toml"


@dataclass
class ExportTally:
    """What an export wrote, counted as its projects stream past: ``17 projects, 43 measures, 23 KPIs, 300 actuals``.

    Actuals are the projects' and the KPIs' together; a portfolio without
    KPIs does not mention them.
    """

    projects: int = 0
    measures: int = 0
    kpis: int = 0
    actuals: int = 0

    def add_kpis(self, kpis: list[doc.Kpi]) -> None:
        self.kpis += len(kpis)
        self.actuals += sum(len(k.actuals) for k in kpis)

    def add(self, project: doc.Project) -> doc.Project:
        measures = [measure for _, measure in placed_measures(project)]
        self.projects += 1
        self.measures += len(measures)
        self.actuals += sum(len(m.actuals) for m in measures)
        return project

    def __str__(self) -> str:
        kpis = [plural(self.kpis, "KPI")] if self.kpis else []
        return ", ".join([plural(self.projects, "project"), plural(self.measures, "measure"), *kpis, plural(self.actuals, "actual")])


def export_snapshot(
    db: Database, *, up_to: Quarter | None = None, exported_at: dt.datetime | None = None,
    progress: Progress = no_progress, tally: ExportTally | None = None,
) -> Iterator[str]:
    """The snapshot as text chunks, streamed a batch of projects at a time.

    `up_to` leaves out actuals, targets and reviews after that quarter; `tally`
    counts what was written, for the caller to report.
    """
    with db.reading() as session:
        header = read_header(session).model_copy(update={"exported_at": exported_at})
        if tally is not None:
            tally.add_kpis(header.kpis)
        yield from iter_document_chunks(header, _exported_projects(session, up_to, progress, tally))


def export_workbook(
    db: Database, *, up_to: Quarter | None = None, progress: Progress = no_progress, tally: ExportTally | None = None,
) -> Iterator[bytes]:
    """The portfolio as an xlsx workbook's bytes (`report.portfolio_xlsx`), streamed as `export_snapshot` streams the TOML.

    Statuses and "benefits on track" are judged at `up_to`, else at the
    quarter the portfolio screen judges them (`default_review_quarter`).
    """
    # Imported here so that XlsxWriter loads for an xlsx export only, never with the app or the TOML export.
    from projtui.report.portfolio_xlsx import write_portfolio
    from projtui.report.workbook import Workbook, workbook_chunks

    def write(book: Workbook) -> None:
        as_at = up_to or default_review_quarter(db)
        with db.reading() as session:
            header = read_header(session)
            if tally is not None:
                tally.add_kpis(header.kpis)
            write_portfolio(
                book, header.ambitions, _exported_projects(session, up_to, progress, tally), as_at, header.portfolio, header.kpis
            )

    return workbook_chunks(write)


def _exported_projects(session: Session, up_to: Quarter | None, progress: Progress, tally: ExportTally | None) -> Iterator[doc.Project]:
    """Every project in code order, a batch at a time, counted for the bar and the tally."""
    ids = project_ids_in_order(session)
    projects = counted(iter_projects(session, ids, up_to=up_to), len(ids), "Exporting projects", progress)
    return projects if tally is None else map(tally.add, projects)


def sample_text() -> str:
    return resources.files("projtui").joinpath("sample_data", SAMPLE_NAME).read_text(encoding="utf-8")


def load_sample(db: Database, *, actor: str) -> ImportResult:
    return import_snapshot(db, sample_text(), source=SAMPLE_NAME, actor=actor)


def import_file(
    db: Database,
    path: Path,
    *,
    actor: str,
    dry_run: bool = False,
    reopen: str | None = None,
    progress: Progress = no_progress,
) -> ImportResult:
    """Import a snapshot (.toml) or a spreadsheet (.xlsx, .xls, .ods, .csv), told apart by its name.

    What `projtui import FILE` and the first-run welcome both do; an
    unreadable file is a ProjtuiError naming it.
    """
    from projtui.spreadsheet.tables import is_spreadsheet

    if is_spreadsheet(path):
        from projtui.services.sheet_import import import_spreadsheet

        require_file(path, what="spreadsheet")
        return import_spreadsheet(db, path, source=str(path), actor=actor, dry_run=dry_run, reopen=reopen, progress=progress)
    text = read_text(path, what="snapshot file")
    return import_snapshot(db, text, source=str(path), actor=actor, dry_run=dry_run, reopen=reopen, progress=progress)
