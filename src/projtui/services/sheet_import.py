"""Importing a spreadsheet (a workbook or a CSV file): its rows applied onto the database's document, then the one import path.

Reading the file needs no database, so its shape is checked before any
session; the rows are then applied onto the database's own document for
what they name (`spreadsheet/rows.py`) and handed to `importing` as an
`Incoming`, so permissions, the freeze of published quarters, the one
transaction, the audit and `--dry-run` are the TOML import's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from projtui.domain.errors import NO_VALUE, InvalidInput, Problem
from projtui.domain.progress import Progress, no_progress
from projtui.services.export import read_header
from projtui.services.import_freeze import FrozenChange
from projtui.services.importing import ImportResult, database_side, import_incoming
from projtui.snapshot import document as doc
from projtui.spreadsheet.rows import apply_rows, project_codes
from projtui.spreadsheet.tables import Table, read_tables
from projtui.store.database import Database


def import_spreadsheet(
    db: Database,
    path: Path,
    *,
    source: str,
    actor: str,
    dry_run: bool = False,
    reopen: str | None = None,
    progress: Progress = no_progress,
) -> ImportResult:
    """Validate the spreadsheet at `path` (named `source` in problems) as a whole, then apply it as `import_snapshot` does."""
    progress(f"Reading {source}", 0, 1)
    tables, shape_problems = read_tables(path, source=source)
    progress(f"Reading {source}", 1, 1)
    return import_incoming(db, _Sheets(tables, shape_problems, source), actor=actor, dry_run=dry_run, reopen=reopen, progress=progress)


@dataclass
class _Sheets:
    tables: list[Table]
    shape_problems: list[Problem]  # sheets not read: reported with the rows' problems, so the user sees all at once
    source: str
    _document: doc.Document | None = None  # the rows applied, once they are
    _cells: dict | None = None  # where each applied figure came from

    def documents(self, session, progress: Progress) -> tuple[doc.Document, doc.Document]:
        named = database_side(session, project_codes(self.tables), set(), progress)
        header = read_header(session)  # every ambition, which a register may name by title, and every KPI, found by code
        try:
            applied = apply_rows(self.tables, portfolio=header.portfolio, ambitions=header.ambitions, projects=named.projects,
                                 kpis=header.kpis)
        except InvalidInput as exc:
            raise InvalidInput(self.shape_problems + exc.problems) from None
        if self.shape_problems:
            raise InvalidInput(self.shape_problems)
        self._document, self._cells = applied.document, applied.actual_cells
        incoming = {a.code for a in applied.document.ambitions}
        kpis = {k.code for k in applied.document.kpis}
        current = named.model_copy(update={"ambitions": [a for a in header.ambitions if a.code in incoming],
                                           "kpis": [k for k in header.kpis if k.code in kpis]})
        return applied.document, current

    def refusals(self, found: list[FrozenChange]) -> list[Problem]:
        located = []
        for change in found:
            cell = self._cells.get(self._actual_at(change)) if self._cells else None
            if cell is None:
                located.append(Problem(self.source, "", NO_VALUE, str(change)))
            else:
                table, number = cell
                located.append(table.problem(number, "value", NO_VALUE, str(change)))
        return located

    def _actual_at(self, change: FrozenChange) -> tuple | None:
        """The (project, measure, quarter) of a refused actual, from its path in the document ("projects", 0, "outcomes", 1, "measures", 2, "actuals", q)."""
        path = change.path
        if self._document is None or len(path) != 8 or path[6] != "actuals":
            return None  # a sheet changes only actuals
        project = self._document.projects[path[1]]
        measure = getattr(project, path[2])[path[3]].measures[path[5]]
        return project.code, measure.code or measure.name, change.quarter
