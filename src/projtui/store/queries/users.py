"""Users' statements: who they are, their role, and the projects they are named to edit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session, defer

from projtui.store import tables as t

__all__ = [
    "active_admins", "add_editor", "add_user", "all_users", "any_user", "editor_codes",
    "is_editor", "password_hash", "project_owners", "remove_editor", "update_user", "user_by_login",
]

# In PostgreSQL team mode only admins may read the hashes (store/team.py), so a user row is read without one.
_NO_HASH = defer(t.AppUser.password_hash, raiseload=True)


def any_user(session: Session) -> bool:
    # Not EXISTS (SELECT * …): in team mode a user may not read every column.
    return session.scalar(select(t.AppUser.id).limit(1)) is not None


def user_by_login(session: Session, login: str) -> t.AppUser | None:
    return session.scalars(select(t.AppUser).options(_NO_HASH).where(t.AppUser.login == login)).first()


def password_hash(session: Session, login: str) -> str | None:
    """The user's password hash, None when they have none or are not an active user."""
    statement = select(t.AppUser.password_hash).where(t.AppUser.login == login, t.AppUser.active.is_(True))
    return session.scalar(statement)


def all_users(session: Session) -> Sequence[t.AppUser]:
    return session.scalars(select(t.AppUser).options(_NO_HASH).order_by(t.AppUser.login)).all()


def add_user(session: Session, *, login: str, display_name: str, role: str) -> t.AppUser:
    row = t.AppUser(login=login, display_name=display_name, role=role)
    session.add(row)
    session.flush()
    return row


def update_user(session: Session, user_id: int, values: dict) -> None:
    session.execute(update(t.AppUser).where(t.AppUser.id == user_id).values(**values))


def active_admins(session: Session) -> int:
    statement = select(func.count()).select_from(t.AppUser).where(t.AppUser.role == "admin", t.AppUser.active.is_(True))
    return session.scalar(statement) or 0


def project_owners(session: Session, project_id: int) -> tuple[str | None, str | None]:
    """The project's lead and senior responsible owner, as written on it."""
    row = session.execute(
        select(t.Project.lead, t.Project.senior_responsible_owner).where(t.Project.id == project_id)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def is_editor(session: Session, project_id: int, user_id: int) -> bool:
    match = exists().where(t.ProjectEditor.project_id == project_id, t.ProjectEditor.user_id == user_id)
    return bool(session.scalar(select(match)))


def add_editor(session: Session, project_id: int, user_id: int) -> None:
    session.add(t.ProjectEditor(project_id=project_id, user_id=user_id))
    session.flush()


def remove_editor(session: Session, project_id: int, user_id: int) -> bool:
    """Whether the user was named on the project."""
    result = session.execute(
        delete(t.ProjectEditor).where(t.ProjectEditor.project_id == project_id, t.ProjectEditor.user_id == user_id)
    )
    return bool(result.rowcount)


def editor_codes(session: Session) -> dict[int, list[str]]:
    """User id → the codes of the projects they are named to edit, in code order."""
    statement = (
        select(t.ProjectEditor.user_id, t.Project.code)
        .join(t.Project, t.Project.id == t.ProjectEditor.project_id)
        .order_by(t.Project.code)
    )
    codes: dict[int, list[str]] = {}
    for user_id, code in session.execute(statement):
        codes.setdefault(user_id, []).append(code)
    return codes
