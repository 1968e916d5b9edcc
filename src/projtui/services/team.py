"""Team mode on PostgreSQL: turning it on, and keeping each user's PostgreSQL role in step with their projtui role.

In team mode each person connects as their own PostgreSQL role, named as
their login, and the database refuses what their role may not write
(`store/team.py` says how). `services.users` calls `store.team.sync_login`
after every change to a user, so `projtui user add|set-role|disable|enable`
move the PostgreSQL role too; `permissions.require` asks `store.team.bound_role`
so that who the app acts as is who the database knows. `projtui serve`
connects as one role and has each session act as its person
(`serve_as_people`, `may_serve`).
"""

from __future__ import annotations

from dataclasses import dataclass

from projtui.domain.errors import RefusedByDatabase, RuleError
from projtui.domain.roles import Action, Role
from projtui.services import audit
from projtui.services.permissions import require
from projtui.store import team
from projtui.store.database import Database
from projtui.store.queries import users as q


@dataclass(frozen=True)
class TeamMode:
    """What `enable` left: each projtui role's logins, which now have PostgreSQL roles in its group."""

    by_role: dict[Role, tuple[str, ...]]


def enable(db: Database, *, actor: str) -> TeamMode:
    """Turn team mode on, or bring it up to date (after an upgrade added tables): run it as the database's owner."""
    if db.is_sqlite:
        raise RuleError(f"{db.display_name}: team mode needs PostgreSQL; a SQLite file's users are as strong as the OS account that opens it")
    try:
        return _enable(db, actor)
    except RefusedByDatabase as exc:
        raise RefusedByDatabase(f"team mode is turned on by the database's owner, a role that may create roles: {exc}") from exc


def _enable(db: Database, actor: str) -> TeamMode:
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_USERS)
        was_on = team.enabled(session)
        team.enable(session)
        by_role: dict[Role, list[str]] = {role: [] for role in Role}
        for row in q.all_users(session):
            team.sync_login(session, row.login)
            if row.active:
                by_role[Role(row.role)].append(row.login)
        if not was_on:
            audit.record(session, actor=actor, action="update", entity="setting", key="team mode", field="enabled", old=False, new=True)
        return TeamMode({role: tuple(logins) for role, logins in by_role.items()})


def serve_as_people(db: Database) -> bool:
    """Whether `projtui serve` must have each session act, in the database, as whoever logged in: PostgreSQL team mode.

    RuleError, before anyone logs in, when the server's role could not.
    """
    if db.is_sqlite:
        return False
    with db.reading() as session:
        on, problem = team.enabled(session), team.serve_problem(session)
    if problem is not None:
        raise RuleError(f"{db.display_name}: {problem}; as the database's owner run GRANT {team.SERVE} TO that role")
    return on


def may_serve(db: Database, login: str) -> bool:
    """Whether the server's role may act as `login` in team mode: their PostgreSQL role exists and `team enable` gave it to the server."""
    with db.reading() as session:
        return team.may_act_as(session, login)
