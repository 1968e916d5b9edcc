"""Opening a portfolio database: create it, migrate it, or refuse it."""

from __future__ import annotations

from projtui.domain.errors import NotFoundError, SchemaError
from projtui.store import migrate
from projtui.store.database import Database, sqlite_file
from projtui.store.errors import unreadable


def open_portfolio(url: str, *, create: bool = False, read_only: bool = False, role: str | None = None) -> Database:
    """Open the database at `url`, bringing its schema up to date.

    A missing SQLite file is created only when `create` is set; otherwise the
    user is told how to create one. A schema newer than this code is refused
    without being touched. An up-to-date SQLite file is opened without
    importing SQLAlchemy (see `store.database`). With `read_only`, every
    service refuses to write to it (`services.permissions.require`). With
    `role` (PostgreSQL), every transaction acts as that role (`store.database`).
    """
    path = sqlite_file(url)
    if path is not None and not create and not path.exists():
        raise NotFoundError(f"{path}: no portfolio database here; create one with `projtui init`")
    db = Database(url, read_only=read_only, role=role)
    try:
        migrate.upgrade(db, create=create)
    except BaseException as exc:
        db.dispose()
        reason = unreadable(exc)
        if reason is None:
            raise
        raise SchemaError(f"{db.display_name}: cannot open as a portfolio database: {reason}") from exc
    return db


__all__ = ["Database", "open_portfolio"]
