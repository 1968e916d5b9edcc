"""PostgreSQL tells a listening app that something changed (issue 12): migration 0014's NOTIFY and `store/listening.py`.

Against the real server: a committed change is notified, once however many
rows it wrote; a rolled-back one is not; the migration's downgrade takes the
trigger away and its upgrade brings it back. SQLite has nothing to listen to.
"""

from __future__ import annotations

import pytest
from people import admins

from projtui.domain.records import ProjectFields
from projtui.services import audit, projects
from projtui.services.changes import listen
from projtui.services.opening import open_portfolio
from projtui.store import migrate

TOLD_WITHIN = 10.0  # seconds: generous for a loaded machine; a wait that is told returns at once
QUIET_FOR = 0.3  # seconds of silence taken to mean nothing more was notified


@pytest.fixture
def db(postgres_url):
    database = admins(open_portfolio(postgres_url, create=True))
    yield database
    database.dispose()


def _add(db, code: str) -> None:
    projects.create_project(db, ProjectFields(code=code, name=f"Project {code}"), actor="setup")


def test_a_committed_change_is_told_once_and_a_rolled_back_one_not_at_all(db):
    listener = listen(db)
    assert listener is not None
    with listener:
        _add(db, "SP-90")
        assert listener.wait(TOLD_WITHIN)
        assert not listener.wait(QUIET_FOR)  # one change, one wake-up
        with pytest.raises(RuntimeError), db.transaction() as session:
            audit.record(session, actor="setup", action="update", entity="project", key="SP-90", field="name", old="a", new="b")
            raise RuntimeError("changed my mind")
        assert not listener.wait(QUIET_FOR)
        for code in ("SP-91", "SP-92", "SP-93"):  # three writers' commits before the listener looks: one wake-up for them all
            _add(db, code)
        assert listener.wait(TOLD_WITHIN)
        assert not listener.wait(QUIET_FOR)


def test_the_migration_downgrades_and_upgrades_with_its_trigger(db):
    from alembic import command

    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    assert migrate.current_revision(db) == "0013"
    with listen(db) as listener:
        _add(db, "SP-90")
        assert not listener.wait(QUIET_FOR)  # no trigger below 0014
        migrate.upgrade(db)
        assert migrate.current_revision(db) == migrate.HEAD_REVISION == "0014"
        _add(db, "SP-91")
        assert listener.wait(TOLD_WITHIN)


def test_sqlite_has_nothing_to_listen_to(tmp_path):
    database = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    try:
        assert listen(database) is None
        assert migrate.current_revision(database) == "0014"  # the migration ran, and did nothing there
    finally:
        database.dispose()
