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
HEAD_REVISION = "0003"  # the newest script in migrations/versions; test_store checks it


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


def current_revision(db: Database) -> str | None:
    """The revision recorded in the database; None for a database Alembic never touched."""
    if not _has_version_table(db):
        return None
    versions = [version for (version,) in db.fetch(f"SELECT version_num FROM {VERSION_TABLE}")]
    if len(versions) > 1:  # branches: never made by projtui, so let Alembic say what is wrong
        from alembic.runtime.migration import MigrationContext

        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    return versions[0] if versions else None


def _has_version_table(db: Database) -> bool:
    if db.is_sqlite:
        return bool(db.fetch("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": VERSION_TABLE}))
    from sqlalchemy import inspect

    with db.engine.connect() as connection:
        return inspect(connection).has_table(VERSION_TABLE)


def check_not_newer(db: Database) -> str | None:
    """Refuse a database written by a newer projtui: we cannot know its rules."""
    revision = current_revision(db)
    if revision is not None and revision != HEAD_REVISION and revision not in _script_revisions():
        raise SchemaError(
            f"{db.display_name}: database schema {revision!r} is newer than this projtui "
            f"(knows up to {HEAD_REVISION!r}); upgrade projtui, the database was not changed"
        )
    return revision


def upgrade(db: Database, target: str = "head") -> None:
    """Create or upgrade the schema to `target` (this code's head); a newer schema is refused untouched."""
    revision = check_not_newer(db)
    if revision == (HEAD_REVISION if target == "head" else target):
        return
    from alembic import command

    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return list(reversed(_script_revisions()))
