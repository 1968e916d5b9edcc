"""Passwords and the browser's login, below the server: hashes, authenticate, who may set one, and read-only databases."""

from __future__ import annotations

import sqlite3

import pytest
from argon2 import PasswordHasher

from projtui.domain.errors import InvalidInput, PermissionDenied
from projtui.domain.records import ProjectFields
from projtui.domain.roles import Role
from projtui.services import acting, passwords, projects, users
from projtui.services.opening import open_portfolio

SECRET = "correct horse battery"


@pytest.fixture
def db(tmp_path):
    database = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    users.claim_first_admin(database, "root")
    users.add_user(database, "jo", display_name="Jo Bloggs", role=Role.PERFORMANCE_OFFICER, password=SECRET, actor="root")
    users.add_user(database, "vic", role=Role.VIEWER, actor="root")
    yield database
    database.dispose()


def _stored_hash(db, login: str) -> str | None:
    with sqlite3.connect(db.sqlite_path) as connection:
        return connection.execute("select password_hash from app_user where login = ?", (login,)).fetchone()[0]


def test_the_right_password_logs_the_user_in_and_only_its_argon2_hash_is_stored(db):
    user = users.authenticate(db, "jo", SECRET)
    assert (user.login, user.display_name, user.role) == ("jo", "Jo Bloggs", Role.PERFORMANCE_OFFICER)
    stored = _stored_hash(db, "jo")
    assert stored.startswith("$argon2id$") and SECRET not in stored
    with sqlite3.connect(db.sqlite_path) as connection:
        trail = connection.execute("select actor, entity_key, field, old_value, new_value from audit_log where field = 'password'").fetchall()
    assert trail == [("root", "jo", "password", None, None)]  # that it changed, never what to


@pytest.mark.parametrize(
    ("login", "password"),
    [("jo", "wrong horse battery"), ("jo", ""), ("nobody", SECRET), ("vic", SECRET), ("JO", SECRET)],
    ids=["wrong-password", "empty-password", "unknown-login", "user-without-a-password", "login-is-exact"],
)
def test_anything_but_the_right_login_and_password_is_refused(db, login, password):
    assert users.authenticate(db, login, password) is None


def test_a_disabled_user_cannot_log_in_until_enabled(db):
    users.set_active(db, "jo", False, actor="root")
    assert users.authenticate(db, "jo", SECRET) is None
    users.set_active(db, "jo", True, actor="root")
    assert users.authenticate(db, "jo", SECRET) is not None


def test_an_unknown_login_costs_one_argon2_check_like_a_wrong_password(monkeypatch, db):
    checked = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, stored, given: checked.append(stored) or real(self, stored, given))
    users.authenticate(db, "nobody", SECRET)
    users.authenticate(db, "vic", SECRET)
    users.authenticate(db, "jo", "wrong horse battery")
    assert len(checked) == 3 and all(stored.startswith("$argon2id$") for stored in checked)


def test_a_hash_made_with_older_parameters_is_renewed_at_login(db):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(SECRET)
    with sqlite3.connect(db.sqlite_path) as connection:
        connection.execute("update app_user set password_hash = ? where login = 'jo'", (weak,))
    assert passwords.outdated(weak)
    assert users.authenticate(db, "jo", SECRET) is not None
    renewed = _stored_hash(db, "jo")
    assert renewed != weak and not passwords.outdated(renewed)
    assert users.authenticate(db, "jo", SECRET) is not None
    assert _stored_hash(db, "jo") == renewed  # current parameters: left alone


def test_an_admin_sets_anyone_s_password_a_user_only_their_own(db):
    users.set_password(db, "vic", "vics new password", actor="root")
    assert users.authenticate(db, "vic", "vics new password") is not None
    users.set_password(db, "vic", "chosen by vic", actor="vic")  # a viewer may set their own
    assert users.authenticate(db, "vic", "chosen by vic") is not None
    with pytest.raises(PermissionDenied, match="^jo is a performance officer: managing users needs the admin role$"):
        users.set_password(db, "vic", "not jo's to set", actor="jo")
    users.set_active(db, "vic", False, actor="root")
    with pytest.raises(PermissionDenied, match="^vic is disabled"):
        users.set_password(db, "vic", "still chosen by vic", actor="vic")
    assert users.authenticate(db, "vic", "chosen by vic") is None  # disabled


def test_a_password_too_short_is_refused_without_being_quoted(db):
    with pytest.raises(InvalidInput) as refused:
        users.set_password(db, "jo", "short", actor="root")
    assert str(refused.value) == "password: a password has 8 to 1024 characters (got 5)"
    assert users.authenticate(db, "jo", SECRET) is not None  # unchanged


def test_a_read_only_database_refuses_every_write_whatever_the_role(tmp_path, db):
    read_only = open_portfolio(db.url, read_only=True)
    try:
        with pytest.raises(PermissionDenied, match=r"^this session is read-only \(projtui serve --read-only\): creating a project"):
            projects.create_project(read_only, ProjectFields(code="P1", name="One"), actor="root")
        with pytest.raises(PermissionDenied, match="read-only"):
            users.set_password(read_only, "root", "an admin's password", actor="root")
        assert users.list_users(read_only)  # reading goes on
    finally:
        read_only.dispose()
    assert projects.create_project(db, ProjectFields(code="P1", name="One"), actor="root")  # the same file, writable


def test_a_read_only_database_makes_nobody_its_first_admin(tmp_path):
    empty = open_portfolio(f"sqlite:///{tmp_path / 'e.db'}", create=True, read_only=True)
    try:
        with pytest.raises(PermissionDenied, match="read-only"):
            projects.create_project(empty, ProjectFields(code="P1", name="One"), actor="first")
        assert users.list_users(empty) == []
    finally:
        empty.dispose()


def test_the_header_names_who_acts_their_role_and_read_only(db, tmp_path):
    assert acting.acting_label(db, "jo") == "Jo Bloggs · performance officer"
    assert acting.acting_label(db, "stranger") == "stranger · not a user"
    users.set_active(db, "jo", False, actor="root")
    assert acting.acting_label(db, "jo") == "Jo Bloggs · performance officer · disabled"
    read_only = open_portfolio(db.url, read_only=True)
    try:
        assert acting.acting_label(read_only, "root") == "root · admin · read-only"
    finally:
        read_only.dispose()
    empty = open_portfolio(f"sqlite:///{tmp_path / 'e.db'}", create=True)
    try:
        assert acting.acting_label(empty, "first") == "first · admin"  # what the first writer becomes
    finally:
        empty.dispose()
