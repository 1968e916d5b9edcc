"""`require`: the check every writing service makes, inside its transaction, before it writes.

The rule itself is `domain.roles`; this module finds the acting user, and
whether the project is theirs, and words the refusal. Identity is the login
the front end passes as `actor` (the OS login, or PROJTUI_LOGIN): on a
SQLite file it is only as strong as the OS account that can open the file.

A database with no users yet (a new one, or one made before users existed)
makes whoever writes to it first its admin, recorded in the same
transaction as their write: a single-user file needs no setup, and nobody
is locked out of a file they already use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projtui.domain.errors import PermissionDenied
from projtui.domain.roles import (
    OWN_PROJECT_ACTIONS,
    Action,
    Role,
    allowed,
    is_named_in,
    least_role,
)
from projtui.services import audit
from projtui.store import tables as t
from projtui.store import team
from projtui.store.database import READ_ONLY
from projtui.store.queries import projects
from projtui.store.queries import users as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def require(session: Session, actor: str, action: Action, *, project_id: int | None = None) -> None:
    """Refuse (PermissionDenied) unless `actor` may take `action`, on project `project_id` when it is about one.

    A read-only database (`projtui serve --read-only`) refuses everyone, whatever their role. In PostgreSQL
    team mode (`store.team`), the actor must be the role the connection logged in as.
    """
    if session.info.get(READ_ONLY):
        raise PermissionDenied(f"this session is read-only (projtui serve --read-only): {action.value} is not possible here")
    bound = team.bound_role(session)
    if bound is not None and bound != actor:
        # The database checks the role it knows; acting as anyone else would audit one person's write as another's.
        raise PermissionDenied(
            f"in team mode you act as the PostgreSQL role you connect as ({bound}), not {actor}: set PROJTUI_LOGIN={bound}, or connect as {actor}"
        )
    if adopt_first_admin(session, actor):
        return
    user = q.user_by_login(session, actor)
    if user is not None and user.active:
        own = project_id is not None and action in OWN_PROJECT_ACTIONS and is_own_project(session, user, project_id)
        if allowed(Role(user.role), action, is_own_project=own):
            return
    raise PermissionDenied(_refusal(session, actor, user, action, project_id))


def adopt_first_admin(session: Session, login: str, display_name: str | None = None) -> bool:
    """Make `login` the admin when there is no user yet (shown as `display_name`, else the login); whether it did."""
    if q.any_user(session):
        return False
    q.add_user(session, login=login, display_name=" ".join((display_name or login).split()), role=Role.ADMIN.value)
    audit.record(session, actor=login, action="create", entity="user", key=login, field="role", new=Role.ADMIN.value)
    return True


def is_own_project(session: Session, user: t.AppUser, project_id: int) -> bool:
    """The user is the project's lead or SRO (by name or login), or is named as one of its editors."""
    owners = q.project_owners(session, project_id)
    return is_named_in(owners, login=user.login, display_name=user.display_name) or q.is_editor(session, project_id, user.id)


def _refusal(session: Session, actor: str, user: t.AppUser | None, action: Action, project_id: int | None) -> str:
    needs = f"{action.value} needs the {least_role(action).label} role"
    if action in OWN_PROJECT_ACTIONS:
        if user is not None and user.active and user.role == Role.PROJECT_LEAD.value:
            code = projects.project_code(session, project_id) if project_id is not None else None
            return f"{actor} is a project lead but not of {code or 'this project'} (its lead, SRO or a named editor): {needs}"
        needs += ", or project lead on a project they lead, own or are named to edit"
    if user is None:
        return f"{actor} is not a user of this portfolio: {needs}; an admin can add you with `projtui user add {actor}`"
    if not user.active:
        return f"{actor} is disabled: {needs}; an admin can enable you again"
    role = Role(user.role)
    return f"{actor} is {_article(role.label)} {role.label}: {needs}"


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
