"""Managing users: add, list, change a role, disable or enable, set a password, log in, and name a project's editors.

Every change here needs the admin role, except naming editors, which a
performance officer may do too (`domain.roles`). The last active admin can
be neither demoted nor disabled, so a portfolio always has someone who can
manage it. In PostgreSQL team mode each change moves the user's PostgreSQL
role too (`store/team.py`), in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projtui.domain.errors import InvalidInput, NotFoundError, Problem, RefusedByDatabase, RuleError
from projtui.domain.roles import Action, Role, User
from projtui.services import audit
from projtui.services.permissions import adopt_first_admin, require
from projtui.store import tables as t
from projtui.store import team
from projtui.store.database import Database
from projtui.store.queries import projects
from projtui.store.queries import users as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def list_users(db: Database) -> list[User]:
    with db.reading() as session:
        editing = q.editor_codes(session)
        return [_user(row, editing.get(row.id, ())) for row in q.all_users(session)]


def claim_first_admin(db: Database, login: str, display_name: str | None = None) -> bool:
    """Make `login` the admin of a database with no users yet (what `init` does); whether it did."""
    with db.transaction() as session:
        return adopt_first_admin(session, login, display_name)


def add_user(
    db: Database, login: str, *, display_name: str | None = None, role: Role = Role.VIEWER, password: str | None = None, actor: str
) -> User:
    """Add a user; with `password`, one they can log in to `projtui serve` with at once."""
    login = _login(login)
    name = " ".join((display_name or login).split())
    digest = None
    if password is not None:
        from projtui.services import passwords

        digest = passwords.hashed(passwords.checked(password))
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_USERS)
        if q.user_by_login(session, login) is not None:
            raise InvalidInput([Problem("", "login", login, "is already a user")])
        row = q.add_user(session, login=login, display_name=name, role=role.value)
        audit.record(session, actor=actor, action="create", entity="user", key=login, field="role", new=role.value)
        team.sync_login(session, login)
        if digest is not None:
            q.update_user(session, row.id, {"password_hash": digest})
            audit.record(session, actor=actor, action="update", entity="user", key=login, field="password")
        return _user(row, ())


def set_role(db: Database, login: str, role: Role, *, actor: str) -> User:
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_USERS)
        row = _existing(session, login)
        if row.role != role.value:
            _keep_an_admin(session, row, f"{login} is the only active admin: make another user admin first")
            q.update_user(session, row.id, {"role": role.value})
            audit.record(session, actor=actor, action="update", entity="user", key=login, field="role", old=row.role, new=role.value)
            team.sync_login(session, login)
        return _user(_existing(session, login), ())


def set_active(db: Database, login: str, active: bool, *, actor: str) -> User:
    """Disable (False) or enable again (True): a disabled user keeps their history but may not write."""
    with db.transaction() as session:
        require(session, actor, Action.MANAGE_USERS)
        row = _existing(session, login)
        if row.active != active:
            if not active:
                _keep_an_admin(session, row, f"{login} is the only active admin: make another user admin before disabling them")
            q.update_user(session, row.id, {"active": active})
            audit.record(session, actor=actor, action="update", entity="user", key=login, field="active", old=row.active, new=active)
            team.sync_login(session, login)
        return _user(_existing(session, login), ())


def set_password(db: Database, login: str, password: str, *, actor: str) -> None:
    """Give `login` a password for `projtui serve`'s login: an admin may set anyone's, every user their own."""
    from projtui.services import passwords

    digest = passwords.hashed(passwords.checked(password))
    with db.transaction() as session:
        require(session, actor, Action.SET_OWN_PASSWORD if actor == login else Action.MANAGE_USERS)
        row = _existing(session, login)
        q.update_user(session, row.id, {"password_hash": digest})
        # Neither the password nor its hash is recorded: only that it changed.
        audit.record(session, actor=actor, action="update", entity="user", key=login, field="password")


def authenticate(db: Database, login: str, password: str) -> User | None:
    """The user whose login and password these are, or None: unknown, disabled, no password, or a wrong one.

    Each of those costs one Argon2 check, so how long the answer takes does not
    tell a stranger which logins exist. A hash made with older parameters than
    the library's is renewed here, the one time the password is at hand; that
    is no change of password, so it is neither checked against a role nor audited.
    In PostgreSQL team mode `projtui serve`'s role may read hashes but not
    write another person's, so there the old hash stays (it still checks,
    and is renewed when the user next sets a password).
    """
    from projtui.services import passwords

    with db.reading() as session:
        row = q.user_by_login(session, login)
        stored = q.password_hash(session, login)
    if not passwords.matches(stored, password) or row is None or stored is None:
        return None
    if passwords.outdated(stored):
        try:
            with db.transaction() as session:
                q.update_user(session, row.id, {"password_hash": passwords.hashed(password)})
        except RefusedByDatabase:
            pass  # team mode: see above; the login itself is good
    return _user(row, ())


def add_editor(db: Database, project_code: str, login: str, *, actor: str) -> bool:
    """Name `login` an editor of the project; False when they already were."""
    with db.transaction() as session:
        project_id, row = _project_and_user(session, project_code, login)
        require(session, actor, Action.NAME_EDITORS, project_id=project_id)
        if q.is_editor(session, project_id, row.id):
            return False
        q.add_editor(session, project_id, row.id)
        audit.record(session, actor=actor, action="link", entity="project_editor", key=f"{project_code}/{login}", project_id=project_id)
        return True


def remove_editor(db: Database, project_code: str, login: str, *, actor: str) -> bool:
    """Take `login` off the project's editors; False when they were not one."""
    with db.transaction() as session:
        project_id, row = _project_and_user(session, project_code, login)
        require(session, actor, Action.NAME_EDITORS, project_id=project_id)
        if not q.remove_editor(session, project_id, row.id):
            return False
        audit.record(session, actor=actor, action="unlink", entity="project_editor", key=f"{project_code}/{login}", project_id=project_id)
        return True


def _user(row: t.AppUser, editing) -> User:
    return User(row.login, row.display_name, Role(row.role), row.active, tuple(editing))


def _login(login: str) -> str:
    text = login.strip()
    if not text or len(text) > 120 or any(ch.isspace() for ch in text):
        raise InvalidInput([Problem("", "login", login, "a login is one word of at most 120 characters")])
    return text


def _existing(session: Session, login: str) -> t.AppUser:
    row = q.user_by_login(session, login)
    if row is None:
        raise NotFoundError(f"no user with login {login!r}")
    return row


def _project_and_user(session: Session, project_code: str, login: str) -> tuple[int, t.AppUser]:
    project_id = projects.project_id(session, project_code)
    if project_id is None:
        raise NotFoundError(f"no project with code {project_code!r}")
    return project_id, _existing(session, login)


def _keep_an_admin(session: Session, row: t.AppUser, message: str) -> None:
    if row.role == Role.ADMIN.value and row.active and q.active_admins(session) <= 1:
        raise RuleError(message)
