"""Which quarter is under review: the latest one anything was reported for.

Plain SQL through `Database.fetch` (see `store.database`): the portfolio's
first screen judges its "benefits on track" column at this quarter.
"""

from __future__ import annotations

import datetime as dt

from projtui.domain.quarter import Quarter
from projtui.store.database import Database


def latest_quarter(db: Database) -> Quarter | None:
    """The latest quarter anything was reported for (an actual or a review)."""
    found = [
        Quarter(*rows[0])
        for table in ("measure_value", "quarterly_review")
        if (rows := db.fetch(f"SELECT fy_start_year, quarter FROM {table} ORDER BY fy_start_year DESC, quarter DESC LIMIT 1"))
    ]
    return max(found) if found else None


def default_review_quarter(db: Database, today: dt.date | None = None) -> Quarter:
    """The latest quarter with any actual or review; the current financial quarter if there is none."""
    latest = latest_quarter(db)
    return latest if latest is not None else Quarter.current(today)
