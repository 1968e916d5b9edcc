"""The people test portfolios are shared by: every writer must be a user whose role allows the write.

Tests act as several people (alice and bob saving the same record, a
"setup" that loads the sample); `admins` makes each of them an admin, so
tests about other rules need not think about roles. The roles themselves
are tested in test_roles.py.
"""

from __future__ import annotations

from projtui.domain.roles import Role
from projtui.services import users

NAMES = (
    "setup", "loader", "tester", "test", "alice", "bob", "kate", "ed", "colleague", "other",
    "a", "b", "c", "t", "x",
)


def admins(db, logins: tuple[str, ...] = NAMES):
    """Make each login an admin of `db`, a new database (the first becomes admin by being first)."""
    first, *others = logins
    users.claim_first_admin(db, first)
    for login in others:
        users.add_user(db, login, role=Role.ADMIN, actor=first)
    return db
