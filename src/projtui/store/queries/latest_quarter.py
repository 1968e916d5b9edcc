"""The quarters anything was reported for: plain SQL text, read before SQLAlchemy is loaded.

The portfolio's first screen judges its "benefits on track" column at this
quarter, so it is read with `Database.fetch` (see `store.database`).
"""

from __future__ import annotations

from projtui.store.database import Database

__all__ = ["latest_reported", "reported"]


def latest_reported(db: Database) -> list[tuple[int, int]]:
    """(fy_start_year, quarter) of the latest actual and of the latest review, where there are any."""
    return [
        rows[0]
        for table in ("measure_value", "quarterly_review")
        if (rows := db.fetch(f"SELECT fy_start_year, quarter FROM {table} ORDER BY fy_start_year DESC, quarter DESC LIMIT 1"))
    ]


def reported(db: Database) -> list[tuple[int, int]]:
    """(fy_start_year, quarter) of every quarter with an actual or a review, latest first (both tables index the quarter)."""
    return db.fetch(
        "SELECT DISTINCT fy_start_year, quarter FROM measure_value"
        " UNION SELECT DISTINCT fy_start_year, quarter FROM quarterly_review"
        " ORDER BY 1 DESC, 2 DESC"
    )
