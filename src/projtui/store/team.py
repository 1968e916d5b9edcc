"""Team mode on PostgreSQL: the database itself refuses a write the connected role may not make (issue 12).

Each person connects as their own PostgreSQL role, named as their
`app_user.login`. Four NOLOGIN group roles stand for projtui's roles, each
a member of the one below it as `domain.roles.Role.rank` orders them
(`projtui_viewer` ⊂ `projtui_project_lead` ⊂ `projtui_performance_officer`
⊂ `projtui_admin`), so a grant or policy for a role holds for those above.
A user's login role is a member of exactly the group for their role, and of
none while disabled (so a disabled user's open connection loses its rights
at once, not only at the next login).

- Grants: viewers read every table (but not `app_user.password_hash`)
  and set their own password; project leads write the per-project tables;
  performance officers every table but `app_user`; admins `app_user` too.
  Everyone appends to the audit log, an entry naming its writer; nobody
  but the owner changes or deletes one.
- Row-level security on the per-project tables keeps a project lead's
  writes to projects `projtui_may_edit` says are theirs: the SQL twin of
  `domain.roles.is_named_in` and `services.permissions.is_own_project`
  (tests/test_team_mode.py checks the two agree). It runs as its caller,
  so `current_user` is the person; its `search_path` is fixed, so a
  temporary table cannot stand in for `app_user`.
- `projtui_sync_role(login)` puts a login role in step with its `app_user`
  row; it runs as the owner (SECURITY DEFINER) so an admin needs no
  CREATEROLE, and it reads the row itself, so it cannot be told a
  different role. It leaves superusers and the tables' owner alone.
- 0012's trigger functions run as the owner, so a project lead's review
  still updates the project's `latest_rag` whatever RLS allows.
- `projtui serve` connects as one role but acts, transaction by
  transaction, as whoever logged in (`SET LOCAL ROLE`, `store.database`).
  Every login role is granted to the NOINHERIT group `projtui_serve`, so a
  member of it may switch to any of them without holding their rights
  itself; the group itself reads only what a login needs (`app_user` with
  its password hashes, and the schema's version). The server's role is made
  a member by hand (`GRANT projtui_serve TO <server role>`): nothing here
  gives that power to anyone.

Roles are the server's, not one database's: a user's group is the same in
every database on it (the per-project rule reads each database's own
`app_user`). Everything here is idempotent and needs the owner; an upgrade
runs it again (`store.migrate.upgrade`), so a new table is covered at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from projtui.domain.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    Executor = Session | Connection  # a service's session, or the migration's connection

# projtui's roles as group roles, least first (the order of `domain.roles.Role`).
GROUPS = {
    "viewer": "projtui_viewer",
    "project-lead": "projtui_project_lead",
    "performance-officer": "projtui_performance_officer",
    "admin": "projtui_admin",
}
SERVE = "projtui_serve"  # `projtui serve`'s role is a member: it may act as any login, with none of their rights
# The privilege `SET ROLE` needs: from PostgreSQL 16 a membership may be granted without it (a role's creator
# holds one such), so ask for it by name there; before, any membership allowed it.
_MAY_SET = "CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END"
_MAY_EDIT = "projtui_may_edit"

# Each per-project table, and the expression naming the project a row belongs to.
_PROJECT_OF = {
    "project": "id",
    "project_ambition": "project_id",
    "benefits_review_plan": "project_id",
    "output": "project_id",
    "outcome": "project_id",
    "benefit": "project_id",
    "output_outcome": "(SELECT o.project_id FROM output o WHERE o.id = output_outcome.output_id)",
    "outcome_benefit": "(SELECT o.project_id FROM outcome o WHERE o.id = outcome_benefit.outcome_id)",
    "measure": "project_id",  # a KPI's measure has none, so no project lead writes it
    "measure_target": "(SELECT m.project_id FROM measure m WHERE m.id = measure_target.measure_id)",
    "measure_forecast": "(SELECT m.project_id FROM measure m WHERE m.id = measure_forecast.measure_id)",
    "measure_benchmark": "(SELECT m.project_id FROM measure m WHERE m.id = measure_benchmark.measure_id)",
    "measure_value": "(SELECT m.project_id FROM measure m WHERE m.id = measure_value.measure_id)",
    "quarterly_review": "project_id",
    "risk": "project_id",
}
# Extra row conditions for a project lead: only a performance officer publishes or changes a published review.
_LEAD_ALSO = {"quarterly_review": "status <> 'published'"}
# The project row itself: a lead edits theirs but neither creates nor deletes one.
_LEAD_VERBS = {"project": ("UPDATE",)}
_TRIGGER_FUNCTIONS = ("projtui_primary_ambition", "projtui_latest_rag", "projtui_ambition_recode")  # migration 0012's
_USER_COLUMNS = "id, login, display_name, role, active, created_at"  # app_user without password_hash


def is_postgresql(session: Executor) -> bool:
    bind = session.get_bind() if hasattr(session, "get_bind") else session
    return bind.dialect.name == "postgresql"


def enabled(session: Executor) -> bool:
    """Whether `enable` has run on this database (always False on SQLite)."""
    return is_postgresql(session) and bool(session.scalar(text(f"SELECT to_regprocedure('{_MAY_EDIT}(integer)') IS NOT NULL")))


def bound_role(session: Session) -> str | None:
    """The PostgreSQL role this session acts as when team mode binds it; None on SQLite, without team mode, or as the owner or a superuser."""
    if not is_postgresql(session):
        return None
    return session.scalar(
        text(
            f"SELECT current_user::text WHERE to_regprocedure('{_MAY_EDIT}(integer)') IS NOT NULL"
            " AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
            " AND current_user <> (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'project')"
        )
    )


def serve_problem(session: Session) -> str | None:
    """Why this connection's role cannot serve the browser as each person in team mode; None when it can, or team mode is off.

    A superuser may become anyone; any other role must be a member of `projtui_serve`.
    """
    if not enabled(session):
        return None
    role, able = session.execute(
        text(f"SELECT current_user::text, rolsuper OR pg_has_role(current_user, '{SERVE}', {_MAY_SET}) FROM pg_roles WHERE rolname = current_user")
    ).one()
    return None if able else f"in team mode the server's role {role} acts as each person who logs in, so it must be a member of {SERVE}"


def may_act_as(session: Session, login: str) -> bool:
    """Whether this connection's role may act as `login`'s PostgreSQL role (False when the login has none)."""
    return bool(session.scalar(text(f"SELECT pg_has_role(current_user, oid, {_MAY_SET}) FROM pg_roles WHERE rolname = :login"), {"login": login}))


def enable(session: Executor) -> None:
    """Create the group roles, grants, functions and policies, or bring them up to date; run as the tables' owner."""
    for statement in _statements(session.scalar(text("SELECT current_schema()")), _tables(session)):
        session.execute(text(statement))


def refresh(connection: Connection) -> None:
    """After a migration, in its transaction: in team mode, grants and policies cover new tables and recreated functions."""
    if enabled(connection):
        enable(connection)


def sync_login(session: Session, login: str) -> None:
    """Put `login`'s PostgreSQL role in step with its `app_user` row, in team mode; nothing otherwise."""
    if enabled(session):
        if problem := _unfit_role_name(login):
            raise InvalidInput([Problem("", "login", login, f"in PostgreSQL team mode a login is a role's name, so {problem}")])
        session.execute(text("SELECT projtui_sync_role(:login)"), {"login": login})


def _unfit_role_name(login: str) -> str | None:
    # PostgreSQL would cut a longer name short (so the person would connect as someone else) and keeps these for itself.
    if len(login.encode()) > 63:
        return "it is at most 63 bytes"
    if login.lower().startswith("pg_") or login.lower() in ("public", "none", "current_user", "current_role", "session_user"):
        return "it may not be one PostgreSQL keeps for itself"
    return None


def _tables(session: Executor) -> list[str]:
    rows = session.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"))
    return [name for (name,) in rows]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _statements(schema: str, tables: list[str]) -> list[str]:
    viewer, lead, officer, admin = GROUPS.values()
    path = f"SET search_path = pg_catalog, {_ident(schema)}, pg_temp"
    every = ", ".join(_ident(name) for name in tables)
    groups = ", ".join((*GROUPS.values(), SERVE))
    out = [_create_group(name) for name in (*GROUPS.values(), SERVE)]
    # NOINHERIT: a member of it may become a person, and has their rights only once it has.
    out.append(f"ALTER ROLE {SERVE} NOINHERIT")
    out += [f"GRANT {lower} TO {upper}" for lower, upper in zip((viewer, lead, officer), (lead, officer, admin), strict=True)]
    out += [
        f"REVOKE ALL ON {every} FROM {groups}",
        # Nobody else adds objects beside these (a better-matching overload of a function the policies call, say);
        # PostgreSQL 15 makes new databases so, older ones let everyone create in `public`.
        f"REVOKE CREATE ON SCHEMA {_ident(schema)} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {viewer}",
        f"GRANT SELECT ON {', '.join(_ident(n) for n in tables if n != 'app_user')} TO {viewer}",
        f"GRANT SELECT ({_USER_COLUMNS}), UPDATE (password_hash) ON app_user TO {viewer}",  # a user sets their own password
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {_ident(schema)} TO {lead}",
        # Everyone appends: even a viewer's own new password is audited.
        f"GRANT INSERT ON audit_log TO {viewer}",
        f"DO $$ BEGIN EXECUTE format('GRANT USAGE ON SEQUENCE %s TO {viewer}', pg_get_serial_sequence('audit_log', 'id')); END $$",
    ]
    for table in _PROJECT_OF:
        out.append(f"GRANT {', '.join(_LEAD_VERBS.get(table, ('INSERT', 'UPDATE', 'DELETE')))} ON {table} TO {lead}")
    officer_tables = [name for name in tables if name not in ("app_user", "audit_log", "alembic_version")]
    out += [
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(_ident(n) for n in officer_tables)} TO {officer}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON app_user TO {admin}",
        # The server checks a password (so reads its hash) and opens the database (so reads its version) as itself.
        f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {SERVE}",
        f"GRANT SELECT ON app_user, alembic_version TO {SERVE}",
        # 0012's triggers write `project` whoever saved the review or link.
        *(f"ALTER FUNCTION {name}() SECURITY DEFINER {path}" for name in _TRIGGER_FUNCTIONS),
        "CREATE OR REPLACE FUNCTION projtui_folded(name text) RETURNS text LANGUAGE sql IMMUTABLE"
        " AS $$ SELECT lower(btrim(regexp_replace(name, '\\s+', ' ', 'g'))) $$",
        _may_edit(path),
        _sync_role(path, schema),
        "REVOKE ALL ON FUNCTION projtui_sync_role(text) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION projtui_sync_role(text) TO {admin}",
    ]
    for table, project in _PROJECT_OF.items():
        out += _row_security(table, f"{_MAY_EDIT}({project})", _LEAD_ALSO.get(table))
    out += [
        "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY",
        *_drop_policies("audit_log"),
        f"CREATE POLICY projtui_read ON audit_log FOR SELECT TO {viewer} USING (true)",
        f"CREATE POLICY projtui_append ON audit_log FOR INSERT TO {viewer} WITH CHECK (actor = current_user)",
        "ALTER TABLE app_user ENABLE ROW LEVEL SECURITY",
        *_drop_policies("app_user"),
        f"CREATE POLICY projtui_read ON app_user FOR SELECT TO {viewer} USING (true)",
        f"CREATE POLICY projtui_own_password ON app_user FOR UPDATE TO {viewer} USING (login = current_user) WITH CHECK (login = current_user)",
        f"CREATE POLICY projtui_manage ON app_user FOR ALL TO {admin} USING (true) WITH CHECK (true)",
        f"CREATE POLICY projtui_serve ON app_user FOR SELECT TO {SERVE} USING (true)",
    ]
    return out


def _create_group(name: str) -> str:
    # Two databases enabling at once may race to create the same role: the loser finds it made.
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE {name} NOLOGIN; END IF;"
        " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )


def _drop_policies(table: str) -> list[str]:
    names = ("projtui_read", "projtui_lead_insert", "projtui_lead_update", "projtui_lead_delete", "projtui_officer",
             "projtui_append", "projtui_own_password", "projtui_manage", SERVE)
    return [f"DROP POLICY IF EXISTS {name} ON {table}" for name in names]


def _row_security(table: str, may_edit: str, also: str | None) -> list[str]:
    viewer, lead, officer, _ = GROUPS.values()
    rule = f"{may_edit} AND {also}" if also else may_edit
    out = [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY", *_drop_policies(table)]
    out.append(f"CREATE POLICY projtui_read ON {table} FOR SELECT TO {viewer} USING (true)")
    verbs = _LEAD_VERBS.get(table, ("INSERT", "UPDATE", "DELETE"))
    if "INSERT" in verbs:
        out.append(f"CREATE POLICY projtui_lead_insert ON {table} FOR INSERT TO {lead} WITH CHECK ({rule})")
    # The project row's new values may name another lead: the row was theirs to change.
    check = "true" if table == "project" else rule
    out.append(f"CREATE POLICY projtui_lead_update ON {table} FOR UPDATE TO {lead} USING ({rule}) WITH CHECK ({check})")
    if "DELETE" in verbs:
        out.append(f"CREATE POLICY projtui_lead_delete ON {table} FOR DELETE TO {lead} USING ({rule})")
    out.append(f"CREATE POLICY projtui_officer ON {table} FOR ALL TO {officer} USING (true) WITH CHECK (true)")
    return out


def _may_edit(path: str) -> str:
    """`permissions.is_own_project` (lead or SRO by name or login, or a named editor) and `roles.allowed` for the own-project writes."""
    return (
        f"CREATE OR REPLACE FUNCTION {_MAY_EDIT}(target integer) RETURNS boolean LANGUAGE sql STABLE {path} AS $$"
        " SELECT EXISTS (SELECT 1 FROM app_user u WHERE u.login = current_user AND u.active AND ("
        "  u.role IN ('performance-officer', 'admin')"
        "  OR (u.role = 'project-lead' AND ("
        "   EXISTS (SELECT 1 FROM project p CROSS JOIN LATERAL (VALUES (p.lead), (p.senior_responsible_owner)) AS named(name)"
        "    WHERE p.id = target AND projtui_folded(named.name) <> ''"
        "    AND projtui_folded(named.name) IN (projtui_folded(u.login), projtui_folded(u.display_name)))"
        "   OR EXISTS (SELECT 1 FROM project_editor e WHERE e.project_id = target AND e.user_id = u.id)))))"
        " $$"
    )


def _sync_role(path: str, schema: str) -> str:
    quoted = schema.replace("'", "''")
    owner = f"(SELECT tableowner FROM pg_tables WHERE schemaname = '{quoted}' AND tablename = 'app_user')"
    groups = ", ".join(f"'{name}'" for name in GROUPS.values())
    return (
        "CREATE OR REPLACE FUNCTION projtui_sync_role(wanted text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER"
        f" {path} AS $$ DECLARE person app_user%ROWTYPE; grp text; BEGIN"
        " SELECT * INTO person FROM app_user WHERE login = wanted;"
        " IF NOT FOUND THEN RAISE EXCEPTION 'projtui: % is not a user of this portfolio', wanted; END IF;"
        f" IF EXISTS (SELECT FROM pg_roles WHERE rolname = wanted AND (rolsuper OR rolname = {owner})) THEN RETURN; END IF;"
        " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = wanted) THEN EXECUTE format('CREATE ROLE %I', wanted); END IF;"
        # `projtui serve` may act as them (never as a superuser or the owner: those returned above).
        f" EXECUTE format('GRANT %I TO {SERVE}', wanted);"
        f" FOREACH grp IN ARRAY ARRAY[{groups}] LOOP"
        "  IF person.active AND grp = 'projtui_' || replace(person.role, '-', '_') THEN"
        "   EXECUTE format('GRANT %I TO %I', grp, wanted);"
        "  ELSE EXECUTE format('REVOKE %I FROM %I', grp, wanted); END IF;"
        " END LOOP;"
        " EXECUTE format('ALTER ROLE %I %s', wanted, CASE WHEN person.active THEN 'LOGIN' ELSE 'NOLOGIN' END);"
        " END $$"
    )
