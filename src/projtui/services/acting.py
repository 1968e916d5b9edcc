"""Who acts in this app, read without SQLAlchemy: the app names them in its header from the first screen on."""

from __future__ import annotations

from projtui.domain.roles import Role, User
from projtui.store.database import Database
from projtui.store.queries import portfolio as q


def current_user(db: Database, login: str) -> User | None:
    """Who `login` is here: None when not a user; on a database with no users yet, the admin they will become."""
    found = q.user(db, login)
    if found is not None:
        name, role, active = found
        return User(login, name, Role(role), active)
    return None if q.any_user(db) else User(login, login, Role.ADMIN, True)


def acting_label(db: Database, login: str) -> str:
    """"Jo Bloggs · performance officer", "… · read-only" on a read-only database; a stranger is named as one."""
    user = current_user(db, login)
    label = user.label if user is not None else f"{login} · not a user"
    return label + (" · read-only" if db.read_only else "")
