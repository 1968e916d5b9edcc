"""The store: SQLite set-up, migrations that keep data, and refusing newer schemas."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text
from test_snapshot_risks import as_version_1

from projtui.domain.errors import BusyError, NotFoundError, SchemaError
from projtui.domain.waiting import WAITING, told_when_waiting
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, sample_text
from projtui.store import migrate
from projtui.store.database import Database


def _url(path) -> str:
    return f"sqlite:///{path}"


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    db = open_portfolio(_url(tmp_path / "p.db"), create=True)
    with db.reading() as session:
        assert session.execute(text("pragma foreign_keys")).scalar() == 1
        assert session.execute(text("pragma journal_mode")).scalar() == "wal"
        assert session.execute(text("pragma busy_timeout")).scalar() >= 1000
    with pytest.raises(Exception, match="FOREIGN KEY"), db.transaction() as session:
        session.execute(text("insert into project_ambition (project_id, ambition_id, is_primary) values (999, 999, 1)"))


def test_missing_file_is_not_created_unless_asked(tmp_path):
    with pytest.raises(NotFoundError, match="projtui init"):
        open_portfolio(_url(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()


def test_every_migration_step_keeps_the_data(tmp_path):
    """Load the sample at the oldest schema, then upgrade one revision at a time to head.

    Today's services check the user's role in a table the oldest schema
    lacks, so the sample is loaded at head and its rows copied across with
    SQL, column by column as each table stands at that step: that works
    while no revision has changed or dropped a column of an old table (0007
    added `ambition.retired`; 0008 `measure.kpi_id`, which the version-1
    sample leaves empty; 0012 the project's sort columns, which it fills).
    The sample goes without its risks, KPIs and benchmarks, which no table
    of the oldest schema holds.
    """
    loaded = open_portfolio(_url(tmp_path / "head.db"), create=True)
    import_snapshot(loaded, as_version_1(sample_text()), source="v1.toml", actor="test")
    before = "".join(export_snapshot(loaded))
    loaded.dispose()
    db = Database(_url(tmp_path / "p.db"))
    steps = migrate.revisions()
    assert len(steps) >= 2
    migrate.upgrade(db, steps[0])
    old_tables = [name for name in migrate.table_names(db) if name != migrate.VERSION_TABLE]
    def copy(names) -> None:
        with sqlite3.connect(tmp_path / "p.db") as connection:
            connection.execute("ATTACH DATABASE ? AS loaded", (str(tmp_path / "head.db"),))
            for name in names:
                # The columns the table has at this step: a later revision may add some.
                columns = ", ".join(row[1] for row in connection.execute(f"PRAGMA main.table_info({name})"))
                connection.execute(f"INSERT INTO main.{name} ({columns}) SELECT {columns} FROM loaded.{name}")

    copy(old_tables)
    for step in steps[1:]:
        before_step = set(migrate.table_names(db))
        migrate.upgrade(db, step)
        # A table a revision adds (the year-end forecasts of 0006) gets its rows once it exists.
        copy(name for name in migrate.table_names(db) if name not in before_step)
    assert migrate.current_revision(db) == migrate.head_revision()
    assert "".join(export_snapshot(db)) == before
    # 0012 filled the sort columns from the links and reviews already there, as its triggers keep them after.
    sort_columns = "SELECT code, primary_ambition, latest_rag FROM project ORDER BY code"
    with sqlite3.connect(tmp_path / "p.db") as migrated, sqlite3.connect(tmp_path / "head.db") as loaded_at_head:
        assert migrated.execute(sort_columns).fetchall() == loaded_at_head.execute(sort_columns).fetchall()


def test_every_migration_step_downgrades_and_upgrades_again(tmp_path):
    from alembic import command
    from alembic.config import Config

    db = open_portfolio(_url(tmp_path / "p.db"), create=True)
    # Without its risks: going below 0005 drops them, as it must.
    import_snapshot(db, as_version_1(sample_text()), source="v1.toml", actor="test")
    before = "".join(export_snapshot(db))
    config = Config()
    config.set_main_option("script_location", migrate.SCRIPT_LOCATION)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        for step in reversed(migrate.revisions()[:-1]):
            command.downgrade(config, step)
    assert migrate.current_revision(db) == migrate.revisions()[0]
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.HEAD_REVISION
    # Downgrading below 0006 drops the year-end forecasts with their table; everything else comes back.
    assert "".join(export_snapshot(db)) == re.sub(r"^forecasts = .*\n", "", before, flags=re.MULTILINE)
    assert "forecasts = " in before


def test_newer_schema_is_refused_without_change(tmp_path):
    path = tmp_path / "p.db"
    open_portfolio(_url(path), create=True).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("update alembic_version set version_num = 'zzzz'")
    before = path.read_bytes()
    with pytest.raises(SchemaError, match="newer"):
        open_portfolio(_url(path))
    assert path.read_bytes() == before


def _foreign_sqlite(path, *tables: str) -> bytes:
    with sqlite3.connect(path) as connection:
        for table in tables:
            connection.execute(f"create table {table} (id integer primary key, note text)")
            connection.execute(f"insert into {table} (note) values ('theirs')")
    connection.close()
    return path.read_bytes()


@pytest.mark.parametrize("create", [False, True])
def test_another_applications_database_is_refused_unchanged_even_by_init(tmp_path, create):
    path = tmp_path / "their.db"
    before = _foreign_sqlite(path, "invoices", "customers")
    with pytest.raises(SchemaError) as refused:
        open_portfolio(_url(path), create=create)
    assert str(refused.value) == f"{_url(path)}: not a projtui database (it holds other tables: customers, invoices); it was not changed"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["their.db"]  # no -wal or -shm files either


def test_another_alembic_application_is_not_mistaken_for_a_newer_projtui(tmp_path):
    path = tmp_path / "their.db"
    _foreign_sqlite(path, "orders", "a", "b", "c", "d")
    with sqlite3.connect(path) as connection:
        connection.execute("create table alembic_version (version_num varchar(32) primary key)")
        connection.execute("insert into alembic_version values ('1f2e3d4c')")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(SchemaError, match=r"not a projtui database \(it holds other tables: a, alembic_version, b, c, d and 1 more\)"):
        open_portfolio(_url(path))
    assert path.read_bytes() == before


def test_an_empty_database_gets_a_portfolio_only_when_asked(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(SchemaError, match="holds no portfolio yet; create one with `projtui init`"):
        open_portfolio(_url(path))
    assert path.read_bytes() == b""
    open_portfolio(_url(path), create=True).dispose()
    assert migrate.HEAD_REVISION in path.read_bytes().decode("latin-1")


def test_a_writer_kept_waiting_too_long_is_told_so_in_words(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    monkeypatch.setattr("projtui.store.database.SQLITE_BUSY_TIMEOUT_MS", 1_000)  # a minute, as shipped
    db = open_portfolio(_url(path), create=True)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin immediate")  # a long import, say, mid-write
    told: list[str] = []
    try:
        with (
            pytest.raises(BusyError, match=r"another change has held the database for over 1 s .*nothing was saved, try again"),
            told_when_waiting(lambda: told.append(WAITING)),
            db.transaction() as session,
        ):
            session.execute(text("insert into setting (key, value) values ('x', '1')"))
    finally:
        holder.execute("rollback")
        holder.close()
    assert told == [WAITING]  # while it waited, whoever listened was told, once
    with db.transaction() as session:  # and once it is free, the same write goes through
        session.execute(text("insert into setting (key, value) values ('x', '1')"))
    db.dispose()


def test_two_writers_queue_instead_of_failing(tmp_path):
    """BEGIN IMMEDIATE + busy_timeout: concurrent writers wait their turn."""
    db = open_portfolio(_url(tmp_path / "p.db"), create=True)
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            for i in range(20):
                with db.transaction() as session:
                    session.execute(text("insert into setting (key, value) values (:k, 'v')"), {"k": f"{n}-{i}"})
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.reading() as session:
        assert session.execute(text("select count(*) from setting")).scalar() == 80


# SQLite cannot reflect expression indexes, so Alembic skips the sort indexes here; the next test checks them by their use.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_build_exactly_the_tables_the_code_declares(tmp_path):
    """A table change without its migration would pass on fresh test databases and fail on users' ones."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    db = open_portfolio(_url(tmp_path / "p.db"), create=True)
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_the_head_constant_is_alembics_head():
    """Opening compares the database with HEAD_REVISION instead of asking Alembic; a new script must move it."""
    assert migrate.HEAD_REVISION == migrate.head_revision() == migrate.revisions()[-1]


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path):
    path = tmp_path / "p.db"
    open_portfolio(_url(path), create=True).dispose()
    probe = (
        "import sys\n"
        "from projtui.services.opening import open_portfolio\n"
        f"open_portfolio({_url(path)!r}).dispose()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('alembic', 'mako')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("descending", [False, True])
def test_each_indexed_sort_reads_its_page_from_the_migrations_index(tmp_path, descending):
    """The migration writes its index expressions out; if the portfolio's ORDER BY drifts from them, sorting 100,000 projects is slow again."""
    from projtui.store.queries.portfolio import INDEXED_SORTS, ProjectFilter, page_ids

    db = open_portfolio(_url(tmp_path / "p.db"), create=True)
    captured: list[str] = []
    fetch = db.fetch
    db.fetch = lambda sql, params=None: captured.append(sql) or fetch(sql, params)  # type: ignore[method-assign]
    for sort in INDEXED_SORTS:
        page_ids(db, ProjectFilter(), sort, descending=descending, offset=0, limit=60)
        plan = " / ".join(row[3] for row in fetch("EXPLAIN QUERY PLAN " + captured[-1], {"limit": 60, "offset": 0}))
        assert re.fullmatch(f"SCAN project USING (COVERING )?INDEX ix_project_sort_{sort}", plan), plan


# What the portfolio computed per row before 0012 stored it; the triggers must always agree with it.
_STALE_SORT_COLUMNS = (
    "SELECT code FROM project WHERE primary_ambition IS DISTINCT FROM"
    " (SELECT a.code FROM project_ambition pa JOIN ambition a ON a.id = pa.ambition_id WHERE pa.project_id = project.id AND pa.is_primary)"
    " OR latest_rag IS DISTINCT FROM"
    " (SELECT r.rag FROM quarterly_review r WHERE r.project_id = project.id ORDER BY r.fy_start_year DESC, r.quarter DESC LIMIT 1)"
)


def test_the_triggers_keep_each_projects_primary_ambition_and_latest_rag(tmp_path):
    exercise_sort_columns(open_portfolio(_url(tmp_path / "p.db"), create=True))


def exercise_sort_columns(db: Database) -> None:
    """Links, reviews, deletes, imports and plain SQL on a new database; the sort columns stay true throughout."""
    from people import admins

    from projtui.services import projects
    from projtui.services.reviews.publishing import save_review

    admins(db, ("lead",))
    import_snapshot(db, sample_text(), source="sample.toml", actor="lead")
    assert db.fetch("SELECT count(*) FROM project WHERE primary_ambition IS NOT NULL AND latest_rag IS NOT NULL")[0][0] > 10
    detail = projects.get_project(db, "SP-01")
    others = [link.code for link in detail.ambitions]
    projects.set_ambitions(db, "SP-01", [*others[1:], "A4"] if "A4" not in others else others[::-1], expected_version=detail.version, actor="lead")
    save_review(db, "SP-02", "2027/28 Q1", {"rag": "red", "commentary": "Contractor gone."}, expected_version=None, actor="lead")
    projects.delete_project(db, "SP-03", expected_version=projects.get_project(db, "SP-03").version, actor="lead")
    assert db.fetch(_STALE_SORT_COLUMNS) == []
    assert db.fetch("SELECT latest_rag FROM project WHERE code = 'SP-02'") == [("red",)]
    # A snapshot that recodes an ambition and drops SP-04's reviews, imported over the portfolio.
    edited = "".join(export_snapshot(db)).replace('"A1"', '"A9"').replace('code = "A1"', 'code = "A9"')
    import_snapshot(db, edited, source="edited.toml", actor="lead", reopen="recoded")
    with db.transaction() as session:
        session.execute(text("UPDATE ambition SET code = 'A8' WHERE code = 'A2'"))  # a stray SQL client, too
        session.execute(text("DELETE FROM quarterly_review WHERE project_id = (SELECT id FROM project WHERE code = 'SP-04')"))
    assert db.fetch(_STALE_SORT_COLUMNS) == []
    assert db.fetch("SELECT count(*) FROM project WHERE primary_ambition IN ('A1', 'A2')")[0][0] == 0
    assert {code for (code,) in db.fetch("SELECT primary_ambition FROM project")} >= {"A8", "A9"}


def exercise_change_mark(url: str) -> None:
    """The mark an open app compares moves when another connection commits, and only then."""
    from people import admins

    from projtui.services.changes import change_mark
    from projtui.services.users import add_user

    watching, writing = open_portfolio(url, create=True), open_portfolio(url)
    try:
        admins(writing, ("lead",))
        before = change_mark(watching)
        assert change_mark(watching) == before  # reading moves nothing
        add_user(writing, "jo", actor="lead")
        assert change_mark(watching) != before
    finally:
        watching.dispose()
        writing.dispose()


def test_the_change_mark_moves_when_someone_commits(tmp_path):
    exercise_change_mark(_url(tmp_path / "p.db"))
