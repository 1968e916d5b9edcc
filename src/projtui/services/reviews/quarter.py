"""Which quarter is under review: the latest one anything was reported for.

Read with plain SQL before SQLAlchemy is loaded (`store.queries.latest_quarter`):
the portfolio's first screen judges its "benefits on track" column at this quarter.
"""

from __future__ import annotations

import datetime as dt

from projtui.domain.quarter import Quarter
from projtui.store.database import Database
from projtui.store.queries.latest_quarter import latest_reported, reported

__all__ = ["default_review_quarter", "latest_quarter", "reported_quarters"]


def latest_quarter(db: Database) -> Quarter | None:
    """The latest quarter anything was reported for (an actual or a review)."""
    found = [Quarter(*row) for row in latest_reported(db)]
    return max(found) if found else None


def reported_quarters(db: Database) -> list[Quarter]:
    """Every quarter anything was reported for, latest first: what `--quarter` completes to."""
    return [Quarter(*row) for row in reported(db)]


def default_review_quarter(db: Database, today: dt.date | None = None) -> Quarter:
    """The latest quarter with any actual or review; the current financial quarter if there is none."""
    latest = latest_quarter(db)
    return latest if latest is not None else Quarter.current(today)
