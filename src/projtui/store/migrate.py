"""Schema creation and upgrades through the Alembic scripts shipped in the package."""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from projtui.domain.errors import SchemaError
from projtui.store.database import Database

SCRIPT_LOCATION = "projtui.store:migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _is_known(revision: str) -> bool:
    return revision in {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_initialised(db: Database) -> bool:
    return current_revision(db) is not None or bool(inspect(db.engine).get_table_names())


def check_not_newer(db: Database) -> str | None:
    """Refuse a database written by a newer projtui: we cannot know its rules."""
    revision = current_revision(db)
    if revision is not None and not _is_known(revision):
        raise SchemaError(
            f"{db.display_name}: database schema {revision!r} is newer than this projtui "
            f"(knows up to {head_revision()!r}); upgrade projtui, the database was not changed"
        )
    return revision


def upgrade(db: Database, target: str = "head") -> None:
    """Create or upgrade the schema to `target` (this code's head); a newer schema is refused untouched."""
    from alembic import command

    revision = check_not_newer(db)
    if revision == (head_revision() if target == "head" else target):
        return
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(_config()).walk_revisions()))]
