"""Shared fixtures.

No test may touch the user's own files or databases: every test runs with
PROJTUI_DB, PROJTUI_CONFIG_DIR and the XDG directories pointed into its own
``tmp_path``, and without PROJTUI_DATABASE_URL.

PostgreSQL tests take the ``postgres_url`` fixture and are marked
``@pytest.mark.postgres``. They skip when PROJTUI_TEST_POSTGRES_URL is unset
(a developer without a server) and fail when it is set but the server does
not answer: ``.ci/run`` starts one, so a missing server there is a CI fault.
LibreOffice tests (the Word report read back as a PDF, the workbooks as CSV) take the
``libreoffice`` fixture, are marked ``libreoffice`` the same way, and skip
or fail by PROJTUI_TEST_LIBREOFFICE just so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

import pytest

POSTGRES_ENV = "PROJTUI_TEST_POSTGRES_URL"
LIBREOFFICE_ENV = "PROJTUI_TEST_LIBREOFFICE"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A SQLite portfolio file for this test (not created yet)."""
    return tmp_path / "portfolio.db"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every place projtui reads or writes at this test's tmp_path."""
    monkeypatch.setenv("PROJTUI_DB", str(db_path))
    monkeypatch.setenv("PROJTUI_CONFIG_DIR", str(tmp_path / "config"))
    # platformdirs follows these on Linux, so the defaults land here too.
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.removeprefix("XDG_").removesuffix("_HOME").lower()))
    monkeypatch.delenv("PROJTUI_DATABASE_URL", raising=False)


# --- the command line, as a user runs it -----------------------------------


def run_cli(
    *args: str | os.PathLike[str],
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m projtui ARGS`` in a subprocess and capture its output.

    The child inherits the test's environment (already isolated by the
    autouse fixture); ``env`` adds to or overrides it.
    """
    child_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "projtui", *map(str, args)],
        input=input,
        env=child_env,
        cwd=cwd,
        text=True,
        encoding="utf-8",
        capture_output=True,
        timeout=120,
        check=False,
    )


def run_cli_to_terminal(*args: str | os.PathLike[str], cwd: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    """``run_cli`` with standard output on a pseudo-terminal (as a person typing the command has it); stderr captured."""
    import pty

    terminal, other_end = pty.openpty()
    try:
        return subprocess.run(
            [sys.executable, "-m", "projtui", *map(str, args)],
            stdout=other_end, stderr=subprocess.PIPE, text=True, cwd=cwd, timeout=120, check=False,
        )
    finally:
        os.close(other_end)
        os.close(terminal)


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run_cli`` working in this test's tmp_path, so stray output files land there."""
    return partial(run_cli, cwd=tmp_path)


# --- the services CI provides: PostgreSQL, LibreOffice ------------------------------

# The fixture that needs a service, and the mark its tests carry.
_SERVICE_MARKS = {"postgres_url": "postgres", "libreoffice": "libreoffice"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that takes ``postgres_url`` (``libreoffice``) is a postgres (libreoffice) test, even if its mark was forgotten."""
    for item in items:
        for fixture, mark in _SERVICE_MARKS.items():
            if fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker(mark):
                item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty PostgreSQL database, dropped after the test."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not provided (set {POSTGRES_ENV}; .ci/run does)")

    # Imported here so the rest of the suite never needs them.
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(base)
    shown = url.render_as_string(hide_password=True)
    try:
        admin = psycopg.connect(
            host=url.host,
            port=url.port,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,  # CREATE/DROP DATABASE cannot run in a transaction
            connect_timeout=10,
        )
    except psycopg.OperationalError as exc:
        admin, problem = None, str(exc).strip()
    if admin is None:  # failed outside the except block: one clean message, no chained traceback
        pytest.fail(f"{POSTGRES_ENV}={shown} is set, but that PostgreSQL server can't be reached: {problem}", pytrace=False)

    name = f"projtui_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            # FORCE ends connections a test left open (PostgreSQL 13+).
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """The ``soffice`` that converts documents to PDF and workbooks to CSV; pdftotext and pdfinfo (poppler-utils) read the PDF."""
    path = os.environ.get(LIBREOFFICE_ENV)
    if not path:
        pytest.skip(f"LibreOffice not provided (set {LIBREOFFICE_ENV}; .ci/run does)")
    missing = [tool for tool in (path, "pdftotext", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{LIBREOFFICE_ENV}={path} is set, but {' and '.join(missing)} cannot be run", pytrace=False)
    return path
