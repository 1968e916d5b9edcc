"""The statements behind the portfolio's "benefits on track" column: plain SQL text, no SQLAlchemy.

Read through `Database.fetch` like `store.queries.portfolio`, so the column
fills in on the first screen; a chunk of at most `plain.CHUNK` ids a statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projtui.store.database import Database
from projtui.store.queries.plain import in_list


def benefits(db: Database, project_ids: Sequence[int]) -> list[tuple]:
    """(benefit id, project id, realisation start label) of the projects' benefits, in plan order."""
    params: dict[str, Any] = {}
    return db.fetch(
        f"SELECT id, project_id, realisation_start FROM benefit WHERE project_id IN {in_list('p', project_ids, params)} ORDER BY position, id",
        params,
    )


def benefit_measures(db: Database, project_ids: Sequence[int], columns: Sequence[str]) -> list[tuple]:
    """(measure id, benefit id, *columns) of the projects' measures that rate a benefit."""
    params: dict[str, Any] = {}
    return db.fetch(
        f"SELECT id, benefit_id, {', '.join(columns)} FROM measure"
        f" WHERE project_id IN {in_list('p', project_ids, params)} AND benefit_id IS NOT NULL",
        params,
    )


def measure_values_in_quarter(db: Database, measure_ids: Sequence[int], fy_start_year: int, quarter: int) -> tuple[dict[int, float], set[int], dict[int, float]]:
    """The measures' actuals in the quarter, which have an actual in or before it, and their profiled targets in it."""
    params: dict[str, Any] = {"fy": fy_start_year, "q": quarter}
    measures = in_list("m", measure_ids, params)
    in_quarter = f"measure_id IN {measures} AND fy_start_year = :fy AND quarter = :q"
    actual_now = dict(db.fetch(f"SELECT measure_id, value FROM measure_value WHERE {in_quarter}", params))
    started = {
        measure_id
        for (measure_id,) in db.fetch(
            f"SELECT DISTINCT measure_id FROM measure_value WHERE measure_id IN {measures}"
            " AND (fy_start_year < :fy OR (fy_start_year = :fy AND quarter <= :q))",
            params,
        )
    }
    profiled = dict(db.fetch(f"SELECT measure_id, value FROM measure_target WHERE {in_quarter}", params))
    return actual_now, started, profiled
