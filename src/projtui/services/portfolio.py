"""The portfolio list: the rows, counts and groups the portfolio screen shows.

Plain SQL read with `Database.fetch`, so the first screen is drawn without
importing SQLAlchemy (see `store.database`); the same statements run on
SQLite and PostgreSQL. Filtering, sorting and grouping happen in the
database and only the page asked for is read, so 100,000 projects cost what
the screen shows.

* ``list_projects``, ``count_projects``, ``total_projects``: the table;
* ``group_counts``: group sizes when grouped by ambition or stage, in the
  order the rows come (and so the counts in the stage picker);
* ``ambition_counts``: the counts beside each ambition in its picker;
* ``list_ambitions``, ``portfolio_title``: pickers and the title bar.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from projtui.domain.enums import Rag, Stage
from projtui.domain.quarter import Quarter
from projtui.domain.rag import RAG_ORDER
from projtui.services.read_models import NO_AMBITION, AmbitionSummary, ProjectQuery, ProjectRow, SortKey
from projtui.store.database import Database

CHUNK = 500  # values per IN (...) list: well inside SQLite's and PostgreSQL's parameter limits


PRIMARY_AMBITION = (
    "(SELECT a.code FROM project_ambition pa JOIN ambition a ON a.id = pa.ambition_id"
    " WHERE pa.project_id = project.id AND pa.is_primary LIMIT 1)"
)
_LATEST_REVIEW = (
    "(SELECT r.{column} FROM quarterly_review r WHERE r.project_id = project.id"
    " ORDER BY r.fy_start_year DESC, r.quarter DESC LIMIT 1)"
)


def _rank(expression: str, order: Sequence[str]) -> str:
    """`expression`'s place in `order` (values are our enums' own, never user text); unknown values last."""
    cases = " ".join(f"WHEN '{value}' THEN {rank}" for rank, value in enumerate(order))
    return f"(CASE {expression} {cases} ELSE {len(order)} END)"


def stage_rank(expression: str = "project.stage") -> str:
    """A stage as its place in the lifecycle (pipeline → … → closed, then on hold and cancelled), as DESIGN and `Stage` list them."""
    return _rank(expression, [stage.value for stage in Stage])


_SORT_KEYS = {
    SortKey.CODE: (),
    SortKey.NAME: ("lower(project.name)",),
    SortKey.STAGE: (stage_rank(),),
    SortKey.AMBITION: (f"{PRIMARY_AMBITION} IS NULL", PRIMARY_AMBITION),
    SortKey.LEAD: ("project.lead IS NULL", "lower(project.lead)"),
    SortKey.SERVICE: ("project.service IS NULL", "lower(project.service)"),
    SortKey.RAG: (_rank(_LATEST_REVIEW.format(column="rag"), [rag.value for rag in RAG_ORDER]),),
}


# -- the filter -------------------------------------------------------------------------------------


def _escape_like(text: str) -> str:
    # "!" rather than a backslash: the one escape character both databases read the same way.
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _where(db: Database, query: ProjectQuery, params: dict[str, Any]) -> str:
    """The WHERE clause (or "") for `query`, its values added to `params`.

    On SQLite plain LIKE already ignores (ASCII) case, and SQLite's lower()
    folds ASCII only, so ILIKE would find nothing more: it would only add a
    lower() call on both sides of every comparison, and stop SQLite reading
    the columns straight from an index. PostgreSQL's LIKE is case-sensitive:
    there ILIKE stays.
    """
    conditions = []
    text = query.text.strip()
    if text:
        params["pattern"] = f"%{_escape_like(text)}%"
        like = "LIKE" if db.is_sqlite else "ILIKE"
        columns = ("code", "name", "lead", "service")
        conditions.append("(" + " OR ".join(f"project.{c} {like} :pattern ESCAPE '!'" for c in columns) + ")")
    if query.stage is not None:
        params["stage"] = query.stage.value
        conditions.append("project.stage = :stage")
    if query.ambition == NO_AMBITION:
        conditions.append("NOT EXISTS (SELECT 1 FROM project_ambition pa WHERE pa.project_id = project.id)")
    elif query.ambition:
        params["ambition"] = query.ambition
        conditions.append(
            "EXISTS (SELECT 1 FROM project_ambition pa JOIN ambition a ON a.id = pa.ambition_id"
            " WHERE pa.project_id = project.id AND a.code = :ambition)"
        )
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def in_list(name: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """`(:name0, :name1, ...)` for `values`, which are added to `params` (one chunk of at most CHUNK)."""
    params.update({f"{name}{i}": value for i, value in enumerate(values)})
    return "(" + ", ".join(f":{name}{i}" for i in range(len(values))) + ")"


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


# -- the table --------------------------------------------------------------------------------------


def total_projects(db: Database) -> int:
    return db.fetch("SELECT count(*) FROM project")[0][0]


def count_projects(db: Database, query: ProjectQuery = ProjectQuery()) -> int:
    params: dict[str, Any] = {}
    return db.fetch(f"SELECT count(*) FROM project{_where(db, query, params)}", params)[0][0]


def list_projects(db: Database, query: ProjectQuery = ProjectQuery(), *, offset: int = 0, limit: int = 100) -> list[ProjectRow]:
    """One page of the portfolio, filtered and sorted in the database.

    Two steps: the page's ids, sorted by the sort keys alone; then what the
    table shows for those ids only. In one statement SQLite would work out
    each project's primary ambition and latest review for every row it
    sorts or skips, not just for the page (three times slower deep in
    100,000 projects).
    """
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    direction = " DESC" if query.descending else ""
    order = ", ".join(f"{key}{direction}" for key in (*_SORT_KEYS[query.sort], "project.code"))
    ids = [id_ for (id_,) in db.fetch(f"SELECT project.id FROM project{_where(db, query, params)} ORDER BY {order} LIMIT :limit OFFSET :offset", params)]
    if not ids:
        return []
    page: dict[str, Any] = {}
    found = {
        row[0]: row
        for row in db.fetch(
            "SELECT project.id, project.code, project.name, project.stage, project.lead, project.service,"
            f" {PRIMARY_AMBITION}, r.rag, r.fy_start_year, r.quarter"
            f" FROM project LEFT JOIN quarterly_review r ON r.id = {_LATEST_REVIEW.format(column='id')}"
            f" WHERE project.id IN {in_list('id', ids, page)}",
            page,
        )
    }
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
    if by is SortKey.AMBITION:
        key, order = PRIMARY_AMBITION, ("group_key IS NULL", "group_key")  # as list_projects: unlinked last
    elif by is SortKey.STAGE:
        key, order = "project.stage", (stage_rank("group_key"),)  # the lifecycle, as list_projects sorts
    else:
        raise ValueError(f"cannot group the portfolio by {by}")
    params: dict[str, Any] = {}
    direction = " DESC" if query.descending else ""
    rows = db.fetch(
        f"SELECT group_key, count(*) FROM (SELECT {key} AS group_key FROM project{_where(db, query, params)}) AS grouped"
        f" GROUP BY group_key ORDER BY {', '.join(k + direction for k in order)}",
        params,
    )
    return [GroupCount(key=value, count=count) for value, count in rows]


def ambition_counts(db: Database, query: ProjectQuery) -> dict[str, int]:
    """How many of the projects matching `query` serve each ambition, for the ambition picker.

    Counted as the ambition filter matches: any link, primary or not, so a
    project linked to two ambitions counts under both. `query.ambition` is
    ignored; NO_AMBITION counts the projects linked to none, and "" all of
    them. Ambitions no matching project serves are left out.
    """
    everything = replace(query, ambition=None)
    params: dict[str, Any] = {}
    counts: dict[str, int] = dict(
        db.fetch(
            "SELECT a.code, count(*) FROM project JOIN project_ambition link ON link.project_id = project.id"
            f" JOIN ambition a ON a.id = link.ambition_id{_where(db, everything, params)} GROUP BY a.code",
            params,
        )
    )
    counts[NO_AMBITION] = count_projects(db, replace(query, ambition=NO_AMBITION))
    counts[""] = count_projects(db, everything)
    return counts


def list_ambitions(db: Database) -> list[AmbitionSummary]:
    """Every Council Plan ambition, in the plan's order."""
    rows = db.fetch("SELECT id, version, code, title, description, plan_period FROM ambition ORDER BY sort_order, code")
    return [AmbitionSummary(*row) for row in rows]


def portfolio_title(db: Database) -> str | None:
    """The portfolio's name (and council), as the snapshot's [portfolio] table gave them."""
    params: dict[str, Any] = {}
    keys = ["portfolio.name", "portfolio.council"]
    settings = dict(db.fetch(f"SELECT key, value FROM setting WHERE key IN {in_list('key', keys, params)}", params))
    shown = [settings[key] for key in keys if settings.get(key)]
    return " · ".join(shown) if shown else None

