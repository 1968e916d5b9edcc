"""The portfolio list's statements: plain SQL text through `Database.fetch`, no SQLAlchemy.

The first screen is drawn before SQLAlchemy is imported (see
`store.database`); the same statements run on SQLite and PostgreSQL.
Filtering, sorting and grouping happen in the database and only the page
asked for is read. `services.portfolio` turns the rows into records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from projtui.domain.enums import Stage
from projtui.domain.rag import RAG_ORDER
from projtui.store.database import Database
from projtui.store.queries.plain import in_list


@dataclass(frozen=True)
class ProjectFilter:
    """Which projects a statement reads: text in code/name/lead/service, a stage, an ambition or none."""

    text: str = ""
    stage: str | None = None
    ambition: str | None = None  # projects linked to this ambition code
    unlinked: bool = False  # projects linked to no ambition


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


# Keyed by `services.read_models.SortKey`'s values.
_SORT_KEYS = {
    "code": (),
    "name": ("lower(project.name)",),
    "stage": (stage_rank(),),
    # The primary ambition and the latest review's RAG are kept on the project by triggers (migration 0012).
    "ambition": ("project.primary_ambition IS NULL", "project.primary_ambition"),
    "lead": ("project.lead IS NULL", "lower(project.lead)"),
    "service": ("project.service IS NULL", "lower(project.service)"),
    "rag": (_rank("project.latest_rag", [rag.value for rag in RAG_ORDER]),),
}
# Every sort but code's (the unique index) has an index on the project table (tables.py declares them,
# migrations 0011 and 0012 build them): a page reads its rows in order from it instead of sorting 100,000 first.
INDEXED_SORTS = ("name", "stage", "ambition", "lead", "service", "rag")


def sort_index_columns(sort: str) -> tuple[str, ...]:
    """The index expressions that serve `sort`: its ORDER BY terms, then code, as an index names its own columns.

    An expression in brackets, as PostgreSQL wants one in an index (SQLite
    ignores them when it matches the ORDER BY).
    """
    unqualified = (key.replace("project.", "") for key in (*_SORT_KEYS[sort], "project.code"))
    return tuple(key if key.isidentifier() or key.startswith("(") else f"({key})" for key in unqualified)


def _escape_like(text: str) -> str:
    # "!" rather than a backslash: the one escape character both databases read the same way.
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _where(db: Database, which: ProjectFilter, params: dict[str, Any]) -> str:
    """The WHERE clause (or "") for `which`, its values added to `params`.

    On SQLite plain LIKE already ignores (ASCII) case, and SQLite's lower()
    folds ASCII only, so ILIKE would find nothing more: it would only add a
    lower() call on both sides of every comparison, and stop SQLite reading
    the columns straight from an index. PostgreSQL's LIKE is case-sensitive:
    there ILIKE stays.
    """
    conditions = []
    text = which.text.strip()
    if text:
        params["pattern"] = f"%{_escape_like(text)}%"
        like = "LIKE" if db.is_sqlite else "ILIKE"
        columns = ("code", "name", "lead", "service")
        conditions.append("(" + " OR ".join(f"project.{c} {like} :pattern ESCAPE '!'" for c in columns) + ")")
    if which.stage is not None:
        params["stage"] = which.stage
        conditions.append("project.stage = :stage")
    if which.unlinked:
        conditions.append("NOT EXISTS (SELECT 1 FROM project_ambition pa WHERE pa.project_id = project.id)")
    elif which.ambition:
        params["ambition"] = which.ambition
        conditions.append(
            "EXISTS (SELECT 1 FROM project_ambition pa JOIN ambition a ON a.id = pa.ambition_id"
            " WHERE pa.project_id = project.id AND a.code = :ambition)"
        )
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def total_projects(db: Database) -> int:
    return db.fetch("SELECT count(*) FROM project")[0][0]


def project_codes(db: Database) -> list[str]:
    """Every project's code, for the next one to offer: one column read from its unique index."""
    return [code for (code,) in db.fetch("SELECT code FROM project")]


def count_projects(db: Database, which: ProjectFilter) -> int:
    params: dict[str, Any] = {}
    return db.fetch(f"SELECT count(*) FROM project{_where(db, which, params)}", params)[0][0]


def page_ids(db: Database, which: ProjectFilter, sort: str, *, descending: bool, offset: int, limit: int) -> list[int]:
    """The ids of one page, sorted by the sort key alone (then code).

    Apart from `page_rows`: in one statement SQLite would work out each
    project's primary ambition and latest review for every row it sorts or
    skips, not just for the page (three times slower deep in 100,000 projects).
    """
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    direction = " DESC" if descending else ""
    order = ", ".join(f"{key}{direction}" for key in (*_SORT_KEYS[sort], "project.code"))
    return [id_ for (id_,) in db.fetch(f"SELECT project.id FROM project{_where(db, which, params)} ORDER BY {order} LIMIT :limit OFFSET :offset", params)]


def page_rows(db: Database, ids: Sequence[int]) -> dict[int, tuple]:
    """By id: (id, code, name, stage, lead, service, primary ambition, latest rag, its fy_start_year, its quarter)."""
    page: dict[str, Any] = {}
    return {
        row[0]: row
        for row in db.fetch(
            "SELECT project.id, project.code, project.name, project.stage, project.lead, project.service,"
            " project.primary_ambition, r.rag, r.fy_start_year, r.quarter"
            f" FROM project LEFT JOIN quarterly_review r ON r.id = {_LATEST_REVIEW.format(column='id')}"
            f" WHERE project.id IN {in_list('id', ids, page)}",
            page,
        )
    }


def group_counts(db: Database, which: ProjectFilter, by: str, *, descending: bool) -> list[tuple[str | None, int]]:
    """(group key, count) by "ambition" (primary; None for unlinked) or "stage", in `page_ids`' order."""
    if by == "ambition":
        key, order = "project.primary_ambition", ("group_key IS NULL", "group_key")  # as page_ids: unlinked last
    elif by == "stage":
        key, order = "project.stage", (stage_rank("group_key"),)  # the lifecycle, as page_ids sorts
    else:
        raise ValueError(f"cannot group the portfolio by {by}")
    params: dict[str, Any] = {}
    direction = " DESC" if descending else ""
    return db.fetch(
        f"SELECT group_key, count(*) FROM (SELECT {key} AS group_key FROM project{_where(db, which, params)}) AS grouped"
        f" GROUP BY group_key ORDER BY {', '.join(k + direction for k in order)}",
        params,
    )


def ambition_counts(db: Database, which: ProjectFilter) -> dict[str, int]:
    """How many of the projects `which` reads (its ambition ignored) link to each ambition, by code."""
    params: dict[str, Any] = {}
    return dict(
        db.fetch(
            "SELECT a.code, count(*) FROM project JOIN project_ambition link ON link.project_id = project.id"
            f" JOIN ambition a ON a.id = link.ambition_id{_where(db, which, params)} GROUP BY a.code",
            params,
        )
    )


def ambitions(db: Database) -> list[tuple]:
    """(id, version, code, title, description, plan_period, retired) of every ambition, in the plan's order."""
    return db.fetch("SELECT id, version, code, title, description, plan_period, retired FROM ambition ORDER BY sort_order, code")


def settings(db: Database, keys: Sequence[str]) -> dict[str, str]:
    params: dict[str, Any] = {}
    return dict(db.fetch(f"SELECT key, value FROM setting WHERE key IN {in_list('key', keys, params)}", params))


def user(db: Database, login: str) -> tuple[str, str, bool] | None:
    """(display name, role, active) of the user with this login, or None: the app names who acts from its first screen."""
    found = db.fetch("SELECT display_name, role, active FROM app_user WHERE login = :login", {"login": login})
    return (found[0][0], found[0][1], bool(found[0][2])) if found else None


def any_user(db: Database) -> bool:
    return bool(db.fetch("SELECT 1 FROM app_user LIMIT 1"))
