"""Engines and sessions for SQLite (the default) and PostgreSQL.

The SQLite/PostgreSQL difference lives here and in the migrations only.

Making a `Database` is cheap: SQLAlchemy is imported, and the engine made,
the first time a session is asked for. Importing SQLAlchemy costs more than
drawing the whole first screen, and the portfolio screen needs none of it:
its queries are plain SQL read with `fetch`, which on a SQLite file goes
through Python's own `sqlite3` (a few pooled connections that can only
read) and everywhere else through the engine. So `projtui` shows the
portfolio before SQLAlchemy is loaded, and the SQL runs the same on both.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projtui.domain import waiting
from projtui.domain.errors import BusyError, RefusedByDatabase
from projtui.domain.formatting import without_password
from projtui.store.errors import busy, refused

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

# How long a writer waits for another's write lock before giving up. An import writes all or
# nothing, so it holds the lock for its whole write (about 2 s for 5,000 projects on a shared
# 2-core machine; benchmarks/concurrent_writes.py measures the waits it causes); a minute covers
# imports many times that, and the waiting writer is told so (`domain/waiting.py`) rather than failing.
SQLITE_BUSY_TIMEOUT_MS = 60_000
READ_ONLY = "projtui_read_only"  # the key in a writing session's `info` saying its database is read-only

# sqlite:///relative.db, sqlite:////absolute.db, sqlite+pysqlite:///...; no query string
_SQLITE_FILE = re.compile(r"^sqlite(?:\+pysqlite)?:///(?P<path>[^?]+)$")


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for other databases and in-memory ones."""
    match = _SQLITE_FILE.match(url)
    return Path(match["path"]) if match and match["path"] != ":memory:" else None


class Database:
    """One portfolio database: plain-SQL reads at once, an engine and sessions when first needed."""

    def __init__(self, url: str, *, read_only: bool = False, role: str | None = None) -> None:
        self.url = url
        # Set for `projtui serve --read-only`'s sessions; `services.permissions.require` refuses every write.
        self.read_only = read_only
        # PostgreSQL only: the role every transaction acts as (`projtui serve` in team mode: the logged-in
        # person's), so grants and row-level security judge them, not the server's one connecting role.
        self.role = role
        self.backend = url.split(":", 1)[0].split("+", 1)[0].lower()
        self.sqlite_path = sqlite_file(url)
        if self.sqlite_path is not None:
            _create_private_file(self.sqlite_path)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._readers: sessionmaker[Session] | None = None
        self._writers: sessionmaker[Session] | None = None
        self._idle: list[sqlite3.Connection] = []  # plain connections free for `fetch`
        self._plain: list[sqlite3.Connection] = []  # all of them, closed by `dispose`
        self._watcher: sqlite3.Connection | None = None  # `data_version` asks this one only: the number is per connection

    def __repr__(self) -> str:
        return f"Database({self.display_name!r})"

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def display_name(self) -> str:
        """The URL without its password, safe to show."""
        return without_password(self.url)

    @property
    def engine(self) -> Engine:
        return self._connected()[0]

    def _connected(self) -> tuple[Engine, sessionmaker[Session], sessionmaker[Session]]:
        """The engine and the reading and writing session factories, made on first use."""
        with self._lock:
            if self._engine is None:
                from sqlalchemy.orm import sessionmaker

                engine = _create_engine(self.url, sqlite=self.is_sqlite, role=self.role)
                self._readers = sessionmaker(engine, expire_on_commit=False)
                self._writers = sessionmaker(engine.execution_options(projtui_write=True), expire_on_commit=False)
                self._engine = engine
            assert self._readers is not None and self._writers is not None
            return self._engine, self._readers, self._writers

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together or not at all.

        On SQLite it takes the write lock first; while another writer holds
        it, whoever listens (`domain.waiting.told_when_waiting`) is told this
        one is waiting. A writer that waited the whole busy timeout gets a
        `BusyError` saying so, not the driver's "database is locked".
        """
        try:
            with self._connected()[2]() as session, session.begin():
                session.info[READ_ONLY] = self.read_only
                if self.is_sqlite:
                    _take_write_lock(session)
                yield session
        except Exception as exc:
            if busy(exc):
                raise BusyError(
                    f"{self.display_name}: another change has held the database for over "
                    f"{SQLITE_BUSY_TIMEOUT_MS // 1000} s (a long import?); nothing was saved, try again in a moment"
                ) from exc
            if reason := refused(exc):  # PostgreSQL team mode (store/team.py) said no
                raise RefusedByDatabase(f"{self.display_name}: the database refused it: {reason}; nothing was saved") from exc
            raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: it never waits for, or holds, the write lock."""
        try:
            with self._connected()[1]() as session:
                yield session
        except Exception as exc:
            if reason := refused(exc):  # a disabled user's role in PostgreSQL team mode reads nothing
                raise RefusedByDatabase(f"{self.display_name}: the database refused it: {reason}") from exc
            raise

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """The rows of one read-only statement; parameters are written `:name`."""
        if self.sqlite_path is None:
            from sqlalchemy import text

            with self.engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql), dict(params or {}))]
        connection = self._borrow()
        try:
            return connection.execute(sql, params or {}).fetchall()
        finally:
            with self._lock:
                self._idle.append(connection)

    def data_version(self) -> int:
        """SQLite's count of commits by other connections to the file, as seen from one connection kept for asking.

        Every write (this process's sessions, another process, any SQL client)
        commits on a connection other than that one, so a new number means
        the file changed; asking reads no table. SQLite files only.
        """
        with self._lock:
            if self._watcher is None:
                self._watcher = self._open_plain()
            return self._watcher.execute("PRAGMA data_version").fetchone()[0]

    def _borrow(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        connection = self._open_plain()
        with self._lock:
            self._plain.append(connection)
        return connection

    def _open_plain(self) -> sqlite3.Connection:
        assert self.sqlite_path is not None
        # Lent to one thread at a time, but not always the thread that opened it.
        connection = sqlite3.connect(self.sqlite_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA query_only = ON")
        return connection

    def dispose(self) -> None:
        with self._lock:
            plain, self._plain, self._idle = self._plain, [], []
            if self._watcher is not None:
                plain.append(self._watcher)
                self._watcher = None
            engine, self._engine = self._engine, None
        for connection in plain:
            connection.close()
        if engine is not None:
            engine.dispose()


def _take_write_lock(session: Session) -> None:
    """Begin the transaction now (BEGIN IMMEDIATE, `_begin`), telling the listener if that waits more than a moment."""
    tell = waiting.listener()  # asked here: the timer's thread has a context of its own
    timer = threading.Timer(waiting.NOTICE_AFTER_S, tell) if tell is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        session.connection()
    finally:
        if timer is not None:
            timer.cancel()


def _create_engine(url: str, *, sqlite: bool, role: str | None) -> Engine:
    from sqlalchemy import create_engine, event

    if not sqlite:
        engine = create_engine(url, pool_pre_ping=True)
        if role is not None:
            event.listen(engine, "begin", _acting_as(role))
        return engine
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin)
    return engine


def _acting_as(role: str):
    """Begin every transaction, reads and migrations' too, as `role`: the grants and row-level security then judge that person.

    SET LOCAL ends with the transaction, so a pooled connection never carries one person's role into the next's.
    """

    def begin(connection) -> None:
        quoted = connection.dialect.identifier_preparer.quote_identifier(role)  # always quoted: a login is any text
        connection.exec_driver_sql(f"SET LOCAL ROLE {quoted}")

    return begin


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
