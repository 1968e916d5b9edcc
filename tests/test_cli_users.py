"""`projtui user …` and `projtui editor …` as a user runs them, and the roles every other command obeys."""

from __future__ import annotations

import re
import sqlite3

from test_cli import _single_error

from projtui.services.transfer import sample_text
from projtui.store import migrate
from projtui.store.database import Database


def _as(login: str) -> dict[str, str]:
    return {"PROJTUI_LOGIN": login}


def test_init_makes_its_runner_admin_who_then_manages_users(cli, tmp_path):
    db = tmp_path / "p.db"
    made = cli("init", "--sample", "--db", db, env=_as("boss"))
    assert made.returncode == 0, made.stderr
    assert "You (boss) are its admin" in made.stdout

    assert _single_error(cli("user", "add", "sneak", "--role", "admin", "--db", db, env=_as("sneak")), 1) == (
        "error: sneak is not a user of this portfolio: managing users needs the admin role; "
        "an admin can add you with `projtui user add sneak`"
    )
    added = cli("user", "add", "dan", "--name", "Daniel Hargreaves", "--role", "project-lead", "--db", db, env=_as("boss"))
    assert added.returncode == 0, added.stderr
    assert added.stdout == "Added dan (Daniel Hargreaves) as project lead.\n"
    assert cli("user", "add", "vic", "--db", db, env=_as("boss")).returncode == 0
    assert cli("editor", "add", "SP-02", "dan", "--db", db, env=_as("boss")).stdout == "dan now edits SP-02.\n"

    assert _single_error(cli("user", "set-role", "vic", "admin", "--db", db, env=_as("dan")), 1) == (
        "error: dan is a project lead: managing users needs the admin role"
    )
    assert cli("user", "set-role", "vic", "performance-officer", "--db", db, env=_as("boss")).stdout == "vic is now performance officer.\n"
    assert cli("user", "disable", "vic", "--db", db, env=_as("boss")).stdout == "vic is disabled.\n"

    listing = cli("user", "list", "--db", db, env=_as("vic"))  # reading needs no role
    assert listing.returncode == 0, listing.stderr
    assert [" ".join(line.split()) for line in listing.stdout.splitlines()] == [
        "boss admin boss",
        "dan project lead Daniel Hargreaves edits SP-02",
        "vic performance officer vic (disabled)",
    ]
    with sqlite3.connect(db) as connection:
        trail = connection.execute("select actor, action, entity, entity_key, field, new_value from audit_log where entity like '%user%' or entity like '%editor%' order by id").fetchall()
    assert trail[0] == ("boss", "create", "user", "boss", "role", "admin")
    assert ("boss", "update", "user", "vic", "active", "false") in trail
    assert ("boss", "link", "project_editor", "SP-02/dan", None, None) in trail


def test_a_refused_import_is_one_line_and_changes_nothing(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("init", "--db", db, env=_as("boss")).returncode == 0
    assert cli("user", "add", "vic", "--db", db, env=_as("boss")).returncode == 0
    snapshot = tmp_path / "sample.toml"
    snapshot.write_text(sample_text(), encoding="utf-8")
    assert _single_error(cli("import", snapshot, "--db", db, env=_as("vic")), 1) == (
        "error: vic is a viewer: importing a snapshot needs the performance officer role"
    )
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from project").fetchone() == (0,)
    dry = cli("import", snapshot, "--dry-run", "--db", db, env=_as("vic"))
    assert dry.returncode == 0 and "nothing was changed" in dry.stdout


def test_a_database_from_before_users_makes_its_first_writer_admin(cli, tmp_path):
    path = tmp_path / "old.db"
    old = Database(f"sqlite:///{path}")
    migrate.upgrade(old, "0003")  # the schema before users existed
    old.dispose()
    snapshot = tmp_path / "sample.toml"
    snapshot.write_text(sample_text(), encoding="utf-8")

    imported = cli("import", snapshot, "--db", path, env=_as("owner"))
    assert imported.returncode == 0, imported.stderr
    assert " ".join(cli("user", "list", "--db", path).stdout.split()) == "owner admin owner"
    assert _single_error(cli("import", snapshot, "--db", path, env=_as("latecomer")), 1).startswith(
        "error: latecomer is not a user of this portfolio"
    )


def test_user_management_mistakes_are_one_line_with_the_usual_exit_codes(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("init", "--db", db, env=_as("boss")).returncode == 0
    assert _single_error(cli("user", "set-role", "boss", "wizard", "--db", db), 2).startswith("error: ROLE: 'wizard' is not one of")
    assert _single_error(cli("user", "disable", "nobody", "--db", db, env=_as("boss")), 1) == "error: no user with login 'nobody'"
    assert _single_error(cli("user", "add", "boss", "--db", db, env=_as("boss")), 1) == "error: login: is already a user (got 'boss')"
    assert _single_error(cli("user", "disable", "boss", "--db", db, env=_as("boss")), 1) == (
        "error: boss is the only active admin: make another user admin before disabling them"
    )
    assert _single_error(cli("editor", "add", "SP-99", "boss", "--db", db, env=_as("boss")), 1) == "error: no project with code 'SP-99'"


def test_user_and_editor_help_is_plain_and_cuts_nothing(cli):
    for group, commands in (("user", ("add", "list", "set-role", "disable", "enable")), ("editor", ("add", "remove"))):
        for args in ([group], *([group, command] for command in commands)):
            page = cli(*args, "--help").stdout
            assert page.startswith(f"Usage: projtui {' '.join(args)}"), page
            assert not re.search(r"\{[\w.]+\}|<[a-z |]+>|…|\w\.\.\.\n", page), (args, page)


# --- passwords for `projtui serve` -------------------------------------------------------


def _password_hash(db, login: str) -> str | None:
    with sqlite3.connect(db) as connection:
        return connection.execute("select password_hash from app_user where login = ?", (login,)).fetchone()[0]


def test_passwords_come_from_standard_input_never_the_command_line(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("init", "--db", db, env=_as("boss")).returncode == 0
    added = cli("user", "add", "jo", "--name", "Jo Bloggs", "--password-stdin", "--db", db, input="first password\n", env=_as("boss"))
    assert (added.returncode, added.stdout) == (0, "Added jo (Jo Bloggs) as viewer.\n"), added.stderr
    first = _password_hash(db, "jo")
    assert first.startswith("$argon2id$")

    own = cli("user", "set-password", "jo", "--password-stdin", "--db", db, input="jo's own choice\n", env=_as("jo"))
    assert (own.returncode, own.stdout, own.stderr) == (0, "jo's password is set.\n", "")
    assert _password_hash(db, "jo") not in (first, None)

    assert _single_error(cli("user", "set-password", "boss", "--password-stdin", "--db", db, input="not jo's to set\n", env=_as("jo")), 1) == (
        "error: jo is a viewer: managing users needs the admin role"
    )
    assert _single_error(cli("user", "set-password", "jo", "--password-stdin", "--db", db, input="short\n", env=_as("boss")), 1) == (
        "error: password: a password has 8 to 1024 characters (got 5)"
    )
    assert _single_error(cli("user", "set-password", "nobody", "--password-stdin", "--db", db, input="long enough\n", env=_as("boss")), 1) == (
        "error: no user with login 'nobody'"
    )
    # Without --password-stdin and without a terminal to type at: usage, and nothing changed.
    assert _single_error(cli("user", "set-password", "jo", "--db", db, input="ignored password\n", env=_as("boss")), 2) == (
        "error: no terminal to type a password at: give --password-stdin and the password on standard input"
    )
    assert _password_hash(db, "boss") is None


def _at_a_terminal(args: list[str], answers: list[str], env: dict[str, str]) -> str:
    """Run projtui with a terminal of its own (as a person at one), answering each prompt in turn; everything it showed."""
    import os
    import pty
    import sys

    pid, terminal = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty, where getpass asks
        os.execve(sys.executable, [sys.executable, "-m", "projtui", *args], {**os.environ, **env})
    shown = b""
    try:
        for prompt, answer in zip(("New password: ", "Again: "), answers, strict=False):
            while prompt.encode() not in shown:
                shown += os.read(terminal, 1024)
            os.write(terminal, answer.encode() + b"\r")
            shown = shown.replace(prompt.encode(), b"[" + prompt.strip().encode() + b"]", 1)
        while True:
            try:
                chunk = os.read(terminal, 1024)
            except OSError:  # the child has gone: the pty is closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.waitpid(pid, 0)
        os.close(terminal)
    return shown.decode()


def test_at_a_terminal_the_password_is_asked_twice_and_never_shown(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("init", "--db", db, env=_as("boss")).returncode == 0
    shown = _at_a_terminal(["user", "set-password", "boss", "--db", str(db)], ["typed at the terminal"] * 2, _as("boss"))
    assert "boss's password is set." in shown
    assert "typed at the terminal" not in shown  # getpass turned echo off
    assert _password_hash(db, "boss").startswith("$argon2id$")

    before = _password_hash(db, "boss")
    differ = _at_a_terminal(["user", "set-password", "boss", "--db", str(db)], ["one password", "another one"], _as("boss"))
    assert "error: the two passwords differ; nothing was changed" in differ
    assert _password_hash(db, "boss") == before
