"""Schema creation and upgrades through the Alembic scripts shipped in the package.

Opening a database that is already up to date is the common case, and
importing Alembic (with Mako and its dialect modules) cost more start-up
time than drawing the first screen. So the revision is read with plain SQL
(on SQLite without SQLAlchemy either) and compared with `HEAD_REVISION`;
Alembic is imported only when a migration has to run or an unknown
revision has to be explained. A test checks that `HEAD_REVISION` is
Alembic's head, so the two cannot drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projtui.domain.errors import SchemaError
from projtui.store.database import Database

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "projtui.store:migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, where it records the revision
HEAD_REVISION = "0014"  # the newest script in migrations/versions; test_store checks it
# With a revision this code does not know, these say "a newer projtui", not another application using Alembic.
OWN_TABLES = frozenset({"ambition", "project", "benefits_review_plan"})


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def _script_revisions() -> list[str]:
    """Every revision Alembic knows, newest first."""
    from alembic.script import ScriptDirectory

    return [script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()]


def head_revision() -> str:
    """Alembic's own head (imports Alembic; `HEAD_REVISION` is the cheap answer)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def table_names(db: Database) -> list[str]:
    """Every table in the database (its default schema on PostgreSQL), by name."""
    if db.is_sqlite:
        return [name for (name,) in db.fetch("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    from sqlalchemy import inspect

    with db.engine.connect() as connection:
        return sorted(inspect(connection).get_table_names())


def current_revision(db: Database, tables: list[str] | None = None) -> str | None:
    """The revision recorded in the database; None for a database Alembic never touched."""
    if VERSION_TABLE not in (table_names(db) if tables is None else tables):
        return None
    versions = [version for (version,) in db.fetch(f"SELECT version_num FROM {VERSION_TABLE}")]
    if len(versions) > 1:  # branches: never made by projtui, so let Alembic say what is wrong
        from alembic.runtime.migration import MigrationContext

        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    return versions[0] if versions else None


def check_ours(db: Database, *, create: bool) -> str | None:
    """The revision of a database projtui may use; anything else is refused before a byte is written.

    A database that holds tables but no projtui schema belongs to something
    else (a mistaken --db, another application's file): it is refused even
    when `create` is set, so `init` adds nothing to it either. An empty one
    gets the schema only when `create` is set. A schema newer than this code
    is refused, since its rules cannot be known.
    """
    tables = table_names(db)
    revision = current_revision(db, tables)
    ours = revision is not None and (revision == HEAD_REVISION or revision in _script_revisions() or OWN_TABLES <= set(tables))
    if tables and not ours:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise SchemaError(f"{db.display_name}: not a projtui database (it holds other tables: {shown}); it was not changed")
    if revision is None and not create:
        raise SchemaError(f"{db.display_name}: holds no portfolio yet; create one with `projtui init`")
    if revision is not None and revision != HEAD_REVISION and revision not in _script_revisions():
        raise SchemaError(
            f"{db.display_name}: database schema {revision!r} is newer than this projtui "
            f"(knows up to {HEAD_REVISION!r}); upgrade projtui, the database was not changed"
        )
    return revision


def upgrade(db: Database, target: str = "head", *, create: bool = True) -> None:
    """Create (when `create` is set) or upgrade the schema to `target`; see `check_ours` for what is refused."""
    revision = check_ours(db, create=create)
    if revision == (HEAD_REVISION if target == "head" else target):
        return
    from alembic import command

    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
        from projtui.store import team

        team.refresh(connection)  # PostgreSQL team mode's grants reach the tables this upgrade made


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return list(reversed(_script_revisions()))
