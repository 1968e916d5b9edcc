"""Opening a portfolio database: create it, migrate it, or refuse it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError

from projtui.domain.errors import NotFoundError, SchemaError
from projtui.store import migrate
from projtui.store.database import Database


def open_portfolio(url: str, *, create: bool = False) -> Database:
    """Open the database at `url`, bringing its schema up to date.

    A missing SQLite file is created only when `create` is set; otherwise the
    user is told how to create one. A schema newer than this code is refused
    without being touched.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not create and not path.exists():
            raise NotFoundError(f"{path}: no portfolio database here; create one with `projtui init`")
    db = Database(url)
    try:
        migrate.upgrade(db)
    except (OperationalError, DatabaseError) as exc:
        db.dispose()
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        raise SchemaError(f"{db.display_name}: cannot open as a portfolio database: {reason}") from exc
    except BaseException:
        db.dispose()
        raise
    return db


__all__ = ["Database", "open_portfolio"]
