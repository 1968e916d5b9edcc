"""The database's errors as the services see them, so that only the store names the driver.

Services turn these into the user's words: a constraint violation is a duplicate code or a row
someone else inserted first; an unreadable file is "not a portfolio database". Importing this
module loads no SQLAlchemy: opening an up-to-date SQLite file must not (see `store.database`),
so `ConstraintViolation` is looked up on first use and `unreadable` looks only at errors that
came from SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.exc import IntegrityError as ConstraintViolation

__all__ = ["ConstraintViolation", "busy", "refused", "unreadable"]


def __getattr__(name: str) -> type[Exception]:
    if name == "ConstraintViolation":  # a unique or foreign key refused the row
        from sqlalchemy.exc import IntegrityError

        return IntegrityError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def unreadable(exc: BaseException) -> str | None:
    """Why the database could not be read, when that is what `exc` says; None for anything else."""
    if isinstance(exc, sqlite3.DatabaseError):
        return str(exc)
    if not type(exc).__module__.startswith("sqlalchemy"):
        return None
    from sqlalchemy.exc import DatabaseError, OperationalError

    if isinstance(exc, (OperationalError, DatabaseError)):
        return str(exc.orig) if exc.orig is not None else str(exc)
    return None


def busy(exc: BaseException) -> bool:
    """Did `exc` come from waiting too long for another writer (SQLite's "database is locked")?"""
    cause = getattr(exc, "orig", None) if type(exc).__module__.startswith("sqlalchemy") else exc
    return isinstance(cause, sqlite3.OperationalError) and "database is locked" in str(cause)


def refused(exc: BaseException) -> str | None:
    """PostgreSQL's own words when it refused the connected role (no privilege, or a row-level security policy); else None."""
    cause = getattr(exc, "orig", None) if type(exc).__module__.startswith("sqlalchemy") else None
    if getattr(cause, "sqlstate", None) != "42501":  # insufficient_privilege, which RLS refusals share
        return None
    return str(cause).strip().splitlines()[0]
