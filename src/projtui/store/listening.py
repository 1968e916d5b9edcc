"""Being told at once that someone changed the portfolio: PostgreSQL's LISTEN on its own connection (issue 12).

Migration 0014 has every insert into `audit_log` (every change projtui
makes) `pg_notify` the channel `projtui_changes` when its transaction
commits. A `Listener` holds a connection of its own, outside the engine's
pool (a pooled connection would be lent to someone else, and LISTEN lasts
as long as the session), and blocks until a notification arrives or a
timeout passes, so the thread waiting on it can still be told to stop.
PostgreSQL through psycopg 3 only; `listen` says None elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projtui.store.database import Database

if TYPE_CHECKING:
    import psycopg

CHANNEL = "projtui_changes"  # migration 0014's trigger notifies it


class Listener:
    """One connection listening on CHANNEL; close it when done (or use it as a context manager)."""

    def __init__(self, connection: psycopg.Connection) -> None:
        self._connection = connection

    def wait(self, timeout: float) -> bool:
        """Whether a change was notified within `timeout` seconds; every notification already queued is taken with it.

        A connection lost meanwhile raises the driver's OperationalError: the caller listens again on a new one.
        """
        told = False
        for _ in self._connection.notifies(timeout=timeout, stop_after=1):
            told = True
        # Several may have come at once (one per writer's commit): one wake-up is enough for them all.
        while told and any(True for _ in self._connection.notifies(timeout=0, stop_after=1)):
            pass
        return told

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def listen(db: Database) -> Listener | None:
    """A listener on `db`'s changes, or None where there is none to have (SQLite, or a driver other than psycopg 3).

    The connection is made as the engine makes its own (the same URL, password and options),
    then taken out of the pool, so disposing of the database leaves it to the listener.
    """
    if db.is_sqlite or db.engine.dialect.driver != "psycopg":
        return None
    pooled = db.engine.raw_connection()
    pooled.detach()
    connection = pooled.dbapi_connection
    assert connection is not None
    connection.rollback()  # whatever the pool's check began; LISTEN must not wait for a commit
    connection.autocommit = True
    connection.execute(f"LISTEN {CHANNEL}")
    return Listener(connection)
