"""Engines and sessions for SQLite (the default) and PostgreSQL.

The SQLite/PostgreSQL difference lives here and in the migrations only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass
class Database:
    """One portfolio database: an engine plus the session factory over it."""

    url: str
    engine: Engine = field(init=False, repr=False)
    _readers: sessionmaker[Session] = field(init=False, repr=False)
    _writers: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.engine = _create_engine(self.url)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(self.engine.execution_options(projtui_write=True), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        """The URL without its password, safe to show."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together or not at all."""
        with self._writers() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: it never waits for, or holds, the write lock."""
        with self._readers() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        _create_private_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin)
    return engine


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite does with the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not pysqlite, decide when transactions begin, so
    # "begin" below really starts each one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin(connection) -> None:
    # Writers take the write lock up front: two writers then queue on
    # busy_timeout instead of one failing mid-transaction with "database is
    # locked" when it upgrades a read lock.
    write = connection.get_execution_options().get("projtui_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
