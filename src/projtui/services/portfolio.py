"""The portfolio list: the rows, counts and groups the portfolio screen shows.

The statements are plain SQL in `store.queries.portfolio`, so the first
screen is drawn without importing SQLAlchemy; only the page asked for is
read, so 100,000 projects cost what the screen shows.

* ``list_projects``, ``count_projects``, ``total_projects``: the table;
* ``group_counts``: group sizes when grouped by ambition or stage, in the
  order the rows come (and so the counts in the stage picker);
* ``ambition_counts``: the counts beside each ambition in its picker;
* ``list_ambitions``, ``portfolio_title``: pickers and the title bar;
* ``suggested_project_code``: the code a new project is offered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from projtui.domain.codes import next_project_code
from projtui.domain.enums import Rag, Stage
from projtui.domain.quarter import Quarter
from projtui.services.read_models import (
    NO_AMBITION,
    AmbitionSummary,
    ProjectQuery,
    ProjectRow,
    SortKey,
)
from projtui.store.database import Database
from projtui.store.queries import portfolio as q


def _filter(query: ProjectQuery) -> q.ProjectFilter:
    unlinked = query.ambition == NO_AMBITION
    return q.ProjectFilter(
        text=query.text, stage=query.stage.value if query.stage is not None else None,
        ambition=None if unlinked else query.ambition, unlinked=unlinked,
    )


# -- the table --------------------------------------------------------------------------------------


def total_projects(db: Database) -> int:
    return q.total_projects(db)


def count_projects(db: Database, query: ProjectQuery = ProjectQuery()) -> int:
    return q.count_projects(db, _filter(query))


def list_projects(db: Database, query: ProjectQuery = ProjectQuery(), *, offset: int = 0, limit: int = 100) -> list[ProjectRow]:
    """One page of the portfolio, filtered and sorted in the database: the page's ids, then their rows."""
    ids = q.page_ids(db, _filter(query), query.sort.value, descending=query.descending, offset=offset, limit=limit)
    if not ids:
        return []
    found = q.page_rows(db, ids)
    return [_row(found[id_]) for id_ in ids if id_ in found]


def _row(row: tuple) -> ProjectRow:
    id_, code, name, stage, lead, service, ambition, rag, fy_start_year, quarter = row
    return ProjectRow(
        id=id_, code=code, name=name, stage=Stage(stage), primary_ambition=ambition,
        latest_rag=Rag(rag) if rag is not None else Rag.NOT_SET,
        latest_quarter=Quarter(fy_start_year, quarter) if fy_start_year is not None else None,
        lead=lead, service=service,
    )


# -- groups and pickers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCount:
    """One group of the portfolio: its key (an ambition code or a stage; None = no ambition) and size."""

    key: str | None
    count: int


def group_counts(db: Database, query: ProjectQuery, by: SortKey) -> list[GroupCount]:
    """How many of the filtered projects fall in each group, in the order `list_projects` shows them.

    `by` is SortKey.AMBITION (the primary ambition; None for unlinked
    projects) or SortKey.STAGE; `query.descending` reverses the order just as
    it does for the rows.
    """
    if by not in (SortKey.AMBITION, SortKey.STAGE):
        raise ValueError(f"cannot group the portfolio by {by}")
    rows = q.group_counts(db, _filter(query), by.value, descending=query.descending)
    return [GroupCount(key=value, count=count) for value, count in rows]


def ambition_counts(db: Database, query: ProjectQuery) -> dict[str, int]:
    """How many of the projects matching `query` serve each ambition, for the ambition picker.

    Counted as the ambition filter matches: any link, primary or not, so a
    project linked to two ambitions counts under both. `query.ambition` is
    ignored; NO_AMBITION counts the projects linked to none, and "" all of
    them. Ambitions no matching project serves are left out.
    """
    everything = replace(query, ambition=None)
    counts = q.ambition_counts(db, _filter(everything))
    counts[NO_AMBITION] = count_projects(db, replace(query, ambition=NO_AMBITION))
    counts[""] = count_projects(db, everything)
    return counts


def list_ambitions(db: Database) -> list[AmbitionSummary]:
    """Every Council Plan ambition, retired ones too, in the plan's order."""
    return [AmbitionSummary(*row[:-1], retired=bool(row[-1])) for row in q.ambitions(db)]


def portfolio_title(db: Database) -> str | None:
    """The portfolio's name (and council), as the snapshot's [portfolio] table gave them."""
    keys = ["portfolio.name", "portfolio.council"]
    settings = q.settings(db, keys)
    shown = [settings[key] for key in keys if settings.get(key)]
    return " · ".join(shown) if shown else None


def suggested_project_code(db: Database) -> str:
    """The code to offer a new project: the next free one after the portfolio's own (SP-18 after SP-17)."""
    return next_project_code(q.project_codes(db))
