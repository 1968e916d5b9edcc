"""PostgreSQL team mode (issue 12): each person's own connection is held to their role by the database itself.

Against the real server: a viewer's connection cannot write, a project
lead's writes only their projects' rows (row-level security), a performance
officer's writes any project's, the audit log only grows, and the app used
through each connection obeys the same. PostgreSQL roles belong to the whole
server, so each test's logins are its own and are dropped afterwards.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import make_url

from projtui.domain.errors import (
    InvalidInput,
    PermissionDenied,
    RefusedByDatabase,
    RuleError,
)
from projtui.domain.quarter import Quarter
from projtui.domain.records import OutputFields
from projtui.domain.roles import Role, is_named_in
from projtui.services import plans, projects, reviews, team, users
from projtui.services.opening import open_portfolio
from projtui.services.transfer import load_sample

pytestmark = pytest.mark.postgres
psycopg = pytest.importorskip("psycopg")  # the postgres extra: without it, these skip as without a server
errors, sql = psycopg.errors, psycopg.sql

Q3 = Quarter(2026, 3)  # no review yet in the sample
OWN, EDITED, OTHERS = "SP-01", "SP-02", "SP-03"  # led by Daniel Hargreaves; eve named its editor; nobody's
PEOPLE = {  # name → (role, display name)
    "vic": (Role.VIEWER, "Vic Viewer"),
    "dan": (Role.PROJECT_LEAD, "Daniel Hargreaves"),
    "eve": (Role.PROJECT_LEAD, "Eve Editor"),
    "pat": (Role.PERFORMANCE_OFFICER, "Pat Officer"),
    "ann": (Role.ADMIN, "Ann Admin"),
}
# A measure value of one project, chosen by the project's code.
_VALUES_OF = "measure_id IN (SELECT m.id FROM measure m JOIN project p ON p.id = m.project_id WHERE p.code = %s)"


@pytest.fixture
def portfolio(postgres_url):
    """The sample in team mode, PEOPLE as users (with per-test logins), and ways to connect as each of them."""
    url = make_url(postgres_url)
    owner = url.username
    logins = {name: f"{name}_{uuid.uuid4().hex[:8]}" for name in PEOPLE}
    opened: list = []

    def connect(name: str, *, login: str | None = None) -> psycopg.Connection:
        connection = psycopg.connect(host=url.host, port=url.port, user=login or logins[name], dbname=url.database, autocommit=True)
        opened.append(connection)
        return connection

    def app(name: str):
        """The app's database as `name` connects to it."""
        database = open_portfolio(url.set(username=logins[name], password=None).render_as_string(hide_password=False))
        opened.append(database)
        return database

    db = open_portfolio(postgres_url, create=True)
    opened.append(db)
    load_sample(db, actor=owner)  # the owner, first to write, is admin
    for name, (role, display) in PEOPLE.items():
        users.add_user(db, logins[name], display_name=display, role=role, actor=owner)
    users.add_editor(db, EDITED, logins["eve"], actor=owner)
    team.enable(db, actor=owner)
    made = [*logins.values()]
    try:
        yield SimpleNamespace(db=db, owner=owner, logins=logins, connect=connect, app=app, url=url, made=made)
    finally:
        for thing in reversed(opened):
            thing.close() if isinstance(thing, psycopg.Connection) else thing.dispose()
        with psycopg.connect(host=url.host, port=url.port, user=owner, dbname=url.database, autocommit=True) as admin:
            for login in made:
                admin.execute(sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = {}").format(sql.Literal(login)))
                admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))


def _count(connection, statement: str, *params) -> int:
    return connection.execute(statement, params).rowcount


def test_a_viewers_own_connection_reads_everything_but_writes_nothing(portfolio):
    # As a database made before PostgreSQL 15 has it: everyone may create in `public`, until team mode says otherwise.
    with psycopg.connect(host=portfolio.url.host, port=portfolio.url.port, user=portfolio.owner, dbname=portfolio.url.database, autocommit=True) as owner:
        owner.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    team.enable(portfolio.db, actor=portfolio.owner)
    vic = portfolio.connect("vic")
    assert vic.execute("SELECT count(*) FROM project").fetchone()[0] > 0
    assert vic.execute("SELECT count(*) FROM app_user").fetchone()[0] == len(PEOPLE) + 1
    for statement in (
        "INSERT INTO ambition (code, title, version) VALUES ('A9', 'Sneaked in', 1)",
        "UPDATE quarterly_review SET rag = 'green'",
        "DELETE FROM measure_value",
        "UPDATE app_user SET role = 'admin'",
        "SELECT password_hash FROM app_user",
        "CREATE FUNCTION projtui_folded(name varchar) RETURNS text LANGUAGE sql AS $$ SELECT 'daniel hargreaves' $$",
    ):
        with pytest.raises(errors.InsufficientPrivilege):
            vic.execute(statement)
    # Their own password is the one thing a viewer writes, through the app as anyone may; another's is refused.
    mine, theirs = portfolio.logins["vic"], portfolio.logins["pat"]
    users.set_password(portfolio.app("vic"), mine, "a long enough passphrase", actor=mine)
    assert vic.execute("UPDATE app_user SET password_hash = 'forged' WHERE login = %s", (theirs,)).rowcount == 0


def test_a_project_lead_writes_their_own_projects_rows_and_no_others(portfolio):
    dan, eve = portfolio.connect("dan"), portfolio.connect("eve")
    assert _count(dan, f"UPDATE measure_value SET note = 'checked' WHERE {_VALUES_OF}", OWN) > 0
    assert _count(dan, f"UPDATE measure_value SET note = 'checked' WHERE {_VALUES_OF}", OTHERS) == 0
    assert _count(dan, f"DELETE FROM measure_value WHERE {_VALUES_OF}", OTHERS) == 0
    assert _count(eve, f"UPDATE measure_value SET note = 'checked' WHERE {_VALUES_OF}", EDITED) > 0  # as its named editor
    assert _count(eve, f"UPDATE measure_value SET note = 'checked' WHERE {_VALUES_OF}", OWN) == 0
    assert _count(dan, "UPDATE project SET summary = 'Mine' WHERE code = %s", OWN) == 1
    assert _count(dan, "UPDATE project SET summary = 'Not mine' WHERE code = %s", OTHERS) == 0
    with pytest.raises(errors.InsufficientPrivilege):  # a new row in another's project: row-level security
        dan.execute(_new_review(), (OTHERS,))
    with pytest.raises(errors.InsufficientPrivilege):  # creating a project needs a performance officer
        dan.execute("INSERT INTO project (code, name, stage, version) VALUES ('SP-99', 'Mine now', 'idea', 1)")
    # Their own draft review goes in, and 0012's trigger (run as the owner) still moves the project's latest RAG.
    dan.execute(_new_review(), (OWN,))
    assert dan.execute("SELECT latest_rag FROM project WHERE code = %s", (OWN,)).fetchone()[0] == "green"
    # Only a performance officer publishes, or changes a published review.
    with pytest.raises(errors.InsufficientPrivilege):
        dan.execute("UPDATE quarterly_review SET status = 'published' WHERE fy_start_year = 2026 AND quarter = 3")
    assert _count(dan, "UPDATE quarterly_review SET rag = 'red' WHERE status = 'published'") == 0


def test_a_performance_officer_writes_every_project_but_not_users(portfolio):
    pat = portfolio.connect("pat")
    assert _count(pat, f"UPDATE measure_value SET note = 'checked' WHERE {_VALUES_OF}", OTHERS) > 0
    pat.execute(_new_review(), (OTHERS,))
    assert _count(pat, "UPDATE quarterly_review SET status = 'published' WHERE fy_start_year = 2026 AND quarter = 3") == 1
    pat.execute("INSERT INTO ambition (code, title, sort_order, version) VALUES ('A9', 'Officer''s own', 9, 1)")
    with pytest.raises(errors.InsufficientPrivilege):
        pat.execute("UPDATE app_user SET role = 'admin'")


def test_the_audit_log_only_grows_and_each_entry_names_its_writer(portfolio):
    dan, ann = portfolio.connect("dan"), portfolio.connect("ann")
    login = portfolio.logins["dan"]
    audit = "INSERT INTO audit_log (at, actor, action, entity, entity_key) VALUES (now(), %s, 'update', 'project', 'SP-01')"
    dan.execute(audit, (login,))
    with pytest.raises(errors.InsufficientPrivilege):  # in someone else's name
        dan.execute(audit, (portfolio.logins["pat"],))
    for connection in (dan, ann):  # not even an admin rewrites history
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("UPDATE audit_log SET actor = 'nobody'")
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("DELETE FROM audit_log")


def test_the_app_through_each_persons_connection_obeys_the_same_rules(portfolio):
    logins = portfolio.logins
    dan, vic, pat = portfolio.app("dan"), portfolio.app("vic"), portfolio.app("pat")
    # What a project lead does on their own project, through their own connection: every write the database allows.
    reviews.set_actual(dan, OWN, "M1", Q3, 4.0, expected_version=None, actor=logins["dan"])
    reviews.save_review(dan, OWN, Q3, {"rag": "amber"}, expected_version=None, actor=logins["dan"])
    plans.add_item(dan, OWN, "output", OutputFields(code="O99", title="New output"), actor=logins["dan"])
    seen = projects.get_project(dan, OWN)
    projects.update_project(dan, OWN, seen.fields.model_copy(update={"summary": "Changed"}), expected_version=seen.version, actor=logins["dan"])
    with pytest.raises(PermissionDenied, match="is a project lead but not of SP-03"):
        reviews.set_actual(dan, OTHERS, "M1", Q3, 4.0, expected_version=None, actor=logins["dan"])
    with pytest.raises(PermissionDenied, match="is a viewer"):
        reviews.set_actual(vic, OWN, "M1", Q3, 4.0, expected_version=None, actor=logins["vic"])
    # Connected as dan, the app acts as dan: claiming to be the officer is refused before the database sees it.
    with pytest.raises(PermissionDenied, match=rf"you act as the PostgreSQL role you connect as \({logins['dan']}\)"):
        reviews.set_actual(dan, OTHERS, "M1", Q3, 4.0, expected_version=None, actor=logins["pat"])
    reviews.set_actual(pat, OTHERS, "M1", Q3, 5.0, expected_version=None, actor=logins["pat"])
    # Should the database and the user table ever disagree, the database's refusal is the user's one line, not a traceback.
    with psycopg.connect(host=portfolio.url.host, port=portfolio.url.port, user=portfolio.owner, dbname=portfolio.url.database, autocommit=True) as owner:
        owner.execute(sql.SQL("REVOKE projtui_performance_officer FROM {}").format(sql.Identifier(logins["pat"])))
    with pytest.raises(RefusedByDatabase, match="the database refused it: permission denied for table"):
        reviews.save_review(pat, OTHERS, Q3, {"rag": "red"}, expected_version=None, actor=logins["pat"])


def test_a_role_change_or_disable_reaches_an_open_connection(portfolio):
    db, owner, login = portfolio.db, portfolio.owner, portfolio.logins["dan"]
    dan = portfolio.connect("dan")
    update_others = f"UPDATE measure_value SET note = 'checked' WHERE {_VALUES_OF}"
    users.set_role(db, login, Role.PERFORMANCE_OFFICER, actor=owner)
    assert _count(dan, update_others, OTHERS) > 0
    users.set_role(db, login, Role.VIEWER, actor=owner)
    with pytest.raises(errors.InsufficientPrivilege):
        dan.execute(update_others, (OWN,))
    users.set_active(db, login, False, actor=owner)
    with pytest.raises(errors.InsufficientPrivilege):  # disabled: not even reading, on the connection they already had
        dan.execute("SELECT count(*) FROM project")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        portfolio.connect("dan")
    users.set_active(db, login, True, actor=owner)
    assert portfolio.connect("dan").execute("SELECT count(*) FROM project").fetchone()[0] > 0


def test_a_user_added_in_team_mode_can_connect_at_once_as_their_role(portfolio):
    login = f"new_{uuid.uuid4().hex[:8]}"
    portfolio.made.append(login)
    ann = portfolio.app("ann")  # an admin needs no CREATEROLE: the owner's function makes the role
    users.add_user(ann, login, role=Role.PROJECT_LEAD, actor=portfolio.logins["ann"])
    newcomer = portfolio.connect("new", login=login)
    groups = newcomer.execute("SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = current_user").fetchall()
    assert groups == [("projtui_project_lead",)]
    with pytest.raises(errors.InsufficientPrivilege):  # nobody else may make roles through it
        portfolio.connect("pat").execute("SELECT projtui_sync_role(%s)", (login,))
    # A name PostgreSQL would cut short, or keeps for itself, is refused beside the login, and nothing is added.
    for unfit in ("x" * 64, "pg_jo"):
        with pytest.raises(InvalidInput, match="in PostgreSQL team mode a login is a role's name"):
            users.add_user(ann, unfit, actor=portfolio.logins["ann"])
    assert "pg_jo" not in [user.login for user in users.list_users(ann)]


def test_only_the_owner_turns_team_mode_on(portfolio):
    ann = portfolio.app("ann")
    with pytest.raises(RefusedByDatabase, match="team mode is turned on by the database's owner"):
        team.enable(ann, actor=portfolio.logins["ann"])
    with pytest.raises(PermissionDenied, match="is a project lead: managing users needs the admin role"):
        team.enable(portfolio.app("dan"), actor=portfolio.logins["dan"])


def test_team_mode_is_enabled_again_harmlessly_and_refused_on_sqlite(portfolio, cli, tmp_path):
    address = portfolio.url.render_as_string(hide_password=False)
    for _ in range(2):
        result = cli("team", "enable", "--database-url", address, env={"PROJTUI_LOGIN": portfolio.owner})
        assert result.returncode == 0, result.stderr
    assert f"project lead         {portfolio.logins['dan']}, {portfolio.logins['eve']}" in result.stdout.splitlines(), result.stdout
    assert _count(portfolio.connect("dan"), f"UPDATE measure_value SET note = 'again' WHERE {_VALUES_OF}", OWN) > 0
    assert _count(portfolio.connect("dan"), f"UPDATE measure_value SET note = 'again' WHERE {_VALUES_OF}", OTHERS) == 0
    assert cli("init", "--db", tmp_path / "mine.db").returncode == 0
    refused = cli("team", "enable", "--db", tmp_path / "mine.db")
    assert (refused.returncode, refused.stdout) == (1, ""), refused.stderr
    assert refused.stderr.startswith("error: ") and "team mode needs PostgreSQL" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    with pytest.raises(RuleError):
        team.enable(open_portfolio(f"sqlite:///{tmp_path / 'mine.db'}"), actor="x")


def test_the_command_line_through_each_persons_connection(portfolio, cli):
    as_ = {name: portfolio.url.set(username=login).render_as_string(hide_password=False) for name, login in portfolio.logins.items()}
    exported = cli("export", "--database-url", as_["vic"], env={"PROJTUI_LOGIN": portfolio.logins["vic"]})
    assert exported.returncode == 0 and 'code = "SP-01"' in exported.stdout, exported.stderr
    refused = cli("team", "enable", "--database-url", as_["ann"], env={"PROJTUI_LOGIN": portfolio.logins["ann"]})
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith("error: team mode is turned on by the database's owner, a role that may create roles: ")
    owner = portfolio.url.render_as_string(hide_password=False)
    login = portfolio.logins["dan"]
    moved = cli("user", "set-role", login, "viewer", "--database-url", owner, env={"PROJTUI_LOGIN": portfolio.owner})
    assert moved.stdout == f"{login} is now viewer.\n", moved.stderr
    with pytest.raises(errors.InsufficientPrivilege):
        portfolio.connect("dan").execute(f"UPDATE measure_value SET note = 'late' WHERE {_VALUES_OF}", (OWN,))


def test_a_performance_officer_imports_through_their_own_connection(portfolio, cli, tmp_path):
    as_pat = portfolio.url.set(username=portfolio.logins["pat"]).render_as_string(hide_password=False)
    env = {"PROJTUI_LOGIN": portfolio.logins["pat"]}
    snapshot = tmp_path / "p.toml"
    assert cli("export", "-o", snapshot, "--database-url", as_pat, env=env).returncode == 0
    snapshot.write_text(snapshot.read_text().replace('name = "', 'name = "Renamed: ', 1))
    imported = cli("import", snapshot, "--database-url", as_pat, env=env)
    assert imported.returncode == 0, imported.stderr
    pat = portfolio.connect("pat")
    assert pat.execute("SELECT count(*) FROM audit_log WHERE actor = %s AND action = 'update'", (portfolio.logins["pat"],)).fetchone()[0] >= 1


@pytest.mark.parametrize("written", ["Daniel Hargreaves", "  daniel   HARGREAVES ", "DAN", "Dan Other", "", None])
def test_the_databases_own_project_rule_agrees_with_the_apps(portfolio, written):
    """`projtui_may_edit` is `domain.roles.is_named_in` in SQL: the two must give the same answer."""
    login = portfolio.logins["dan"]
    with psycopg.connect(host=portfolio.url.host, port=portfolio.url.port, user=portfolio.owner, dbname=portfolio.url.database, autocommit=True) as owner:
        # "DAN" stands for the login in capitals: a project may name its lead by login too.
        named = written.replace("DAN", login.upper()) if written else written
        owner.execute("UPDATE project SET lead = %s, senior_responsible_owner = NULL WHERE code = %s", (named, OTHERS))
        owner.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(login)))
        in_sql = owner.execute("SELECT projtui_may_edit(id) FROM project WHERE code = %s", (OTHERS,)).fetchone()[0]
    assert in_sql == is_named_in((named, None), login=login, display_name="Daniel Hargreaves")


def _new_review() -> str:
    return (
        "INSERT INTO quarterly_review (project_id, fy_start_year, quarter, status, rag, time_rag, cost_rag, scope_rag, benefits_rag, version)"
        " SELECT id, 2026, 3, 'draft', 'green', 'not_set', 'not_set', 'not_set', 'not_set', 1 FROM project WHERE code = %s"
    )


def test_an_upgrade_keeps_team_mode_whole(portfolio):
    """A migration that remakes 0012's trigger functions (here: down to 0011 and up again) leaves them running as the owner."""
    from alembic import command

    from projtui.store import migrate

    config = migrate._config()
    with portfolio.db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    migrate.upgrade(portfolio.db)
    dan = portfolio.connect("dan")
    owners_rights = dan.execute(
        "SELECT proname, prosecdef FROM pg_proc WHERE proname IN ('projtui_primary_ambition', 'projtui_latest_rag', 'projtui_ambition_recode')"
    ).fetchall()
    assert sorted(owners_rights) == [("projtui_ambition_recode", True), ("projtui_latest_rag", True), ("projtui_primary_ambition", True)]
    dan.execute(_new_review(), (OWN,))
    assert dan.execute("SELECT latest_rag FROM project WHERE code = %s", (OWN,)).fetchone()[0] == "green"
    assert _count(dan, f"UPDATE measure_value SET note = 'again' WHERE {_VALUES_OF}", OTHERS) == 0


# -- `projtui serve` in team mode: one connecting role, acting in each transaction as whoever logged in ------------


@pytest.fixture
def server_role(portfolio):
    """A login role for `projtui serve`, made a member of projtui_serve as README says; its URL."""
    role = f"srv_{uuid.uuid4().hex[:8]}"
    portfolio.made.append(role)
    with psycopg.connect(host=portfolio.url.host, port=portfolio.url.port, user=portfolio.owner, dbname=portfolio.url.database, autocommit=True) as owner:
        owner.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        owner.execute(sql.SQL("GRANT projtui_serve TO {}").format(sql.Identifier(role)))
    return portfolio.url.set(username=role, password=None).render_as_string(hide_password=False)


def _served(portfolio, server_url: str, name: str):
    """The database as a served session's app opens it: the server's URL, acting as `name` (PROJTUI_DB_ROLE)."""
    return open_portfolio(server_url, role=portfolio.logins[name])


def test_a_served_session_acts_in_the_database_as_its_person(portfolio, server_role):
    from sqlalchemy import text

    logins = portfolio.logins
    server = open_portfolio(server_role)
    vic, dan = _served(portfolio, server_role, "vic"), _served(portfolio, server_role, "dan")
    try:
        assert team.serve_as_people(server)
        # The database refuses the viewer even past the services, through the very connection the server made.
        with pytest.raises(RefusedByDatabase, match="permission denied for table measure_value"), vic.transaction() as session:
            session.execute(text("UPDATE measure_value SET note = 'sneaked'"))
        with vic.reading() as session:  # reads act as the person too: the hashes are not theirs to read
            assert session.scalar(text("SELECT current_user::text")) == logins["vic"]
            with pytest.raises(Exception, match="permission denied for table app_user"):
                session.execute(text("SELECT password_hash FROM app_user"))
        # A project lead writes their own project; row-level security hides others' rows from their writes.
        reviews.set_actual(dan, OWN, "M1", Q3, 4.0, expected_version=None, actor=logins["dan"])
        with dan.transaction() as session:
            assert session.execute(text(f"UPDATE measure_value SET note = 'x' WHERE {_VALUES_OF.replace('%s', ':code')}"), {"code": OTHERS}).rowcount == 0
        with pytest.raises(PermissionDenied, match="is a project lead but not of SP-03"):
            reviews.set_actual(dan, OTHERS, "M1", Q3, 4.0, expected_version=None, actor=logins["dan"])
        with dan.reading() as session:
            actor = session.scalar(text("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1"))
        assert actor == logins["dan"]  # the audit log names the person, not the server's role
    finally:
        for database in (server, vic, dan):
            database.dispose()


def test_serve_refuses_at_start_a_role_that_cannot_act_as_people(portfolio, cli):
    as_pat = portfolio.url.set(username=portfolio.logins["pat"]).render_as_string(hide_password=False)
    refused = cli("serve", "--port", "1", "--database-url", as_pat, env={"PROJTUI_LOGIN": portfolio.logins["pat"]})
    assert refused.returncode == 1 and refused.stdout == "", refused.stderr
    assert len(refused.stderr.splitlines()) == 1, refused.stderr
    assert refused.stderr.startswith("error: ") and f"the server's role {portfolio.logins['pat']} acts as each person who logs in" in refused.stderr
    assert "GRANT projtui_serve TO that role" in refused.stderr


async def test_the_login_page_refuses_a_login_the_server_may_not_act_as(portfolio, server_role):
    from aiohttp.test_utils import TestClient, TestServer

    from projtui.settings.location import DB_ROLE_VAR
    from projtui.web.server import BrowserServer

    secret = "a long enough passphrase"
    users.set_password(portfolio.db, portfolio.owner, secret, actor=portfolio.owner)  # the owner: a superuser, no role to act as
    users.set_password(portfolio.db, portfolio.logins["dan"], secret, actor=portfolio.owner)
    served = open_portfolio(server_role)
    server = BrowserServer("true", host="127.0.0.1", port=8000, title="projtui", public_url="http://127.0.0.1:8000", max_sessions=2, db=served, people=True)
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    try:
        owner = await client.post("/login", data={"login": portfolio.owner, "password": secret}, allow_redirects=False)
        assert owner.status == 403 and "Set-Cookie" not in owner.headers
        assert f"{portfolio.owner} has no PostgreSQL role this server may act as" in await owner.text()
        dan = await client.post("/login", data={"login": portfolio.logins["dan"], "password": secret}, allow_redirects=False)
        assert dan.status == 303
    finally:
        await client.close()
        served.dispose()
    assert server._acting(portfolio.logins["dan"])[DB_ROLE_VAR] == portfolio.logins["dan"]
