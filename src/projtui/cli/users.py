"""`projtui user …` and `projtui editor …`: who may use the portfolio, in which role, and who edits a project.

Each acts as `config.login_name()`: managing users needs the admin role,
naming editors the performance officer role (`domain.roles`); a user may set
their own password. Passwords are typed at a terminal (getpass, twice) or read
from standard input, never from the command line, where `ps` would show them. A database
with no users yet makes its first writer admin, so on a new file the first
`projtui user add` makes its runner admin before adding anyone.
"""

from __future__ import annotations

from typing import Annotated

import typer

from projtui import config
from projtui.cli.errors import UsageProblem
from projtui.cli.help import command_group
from projtui.cli.options import DbPath, DbUrl, open_database
from projtui.domain.roles import Role

Login = Annotated[str, typer.Argument(help="The person's login (their OS user name, or PROJTUI_LOGIN).", metavar="LOGIN")]
Project = Annotated[str, typer.Argument(help="The project's code, e.g. SP-01.", metavar="PROJECT")]
RoleArgument = Annotated[Role, typer.Argument(help="viewer, project-lead, performance-officer or admin.", metavar="ROLE")]


PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input's first line (for scripts); it never goes on the command line."),
]


def _password(from_stdin: bool) -> str:
    """The password typed twice, unseen, at a terminal; or standard input's first line with --password-stdin."""
    import getpass
    import sys

    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        raise UsageProblem("no terminal to type a password at: give --password-stdin and the password on standard input")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise UsageProblem("the two passwords differ; nothing was changed")
    return first


def _with_database(ctx: typer.Context, db, url, change):
    database = open_database(ctx, db, url)
    try:
        return change(database)
    finally:
        database.dispose()


def _line(user) -> str:
    state = "" if user.active else " (disabled)"
    editing = f"  edits {', '.join(user.editing)}" if user.editing else ""
    return f"{user.login:<16} {user.role.label:<20} {user.display_name}{state}{editing}"


def add(
    ctx: typer.Context,
    login: Login,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Display name, as projects name their lead or SRO (default: the login).")] = None,
    role: Annotated[Role, typer.Option("--role", metavar="ROLE", help="viewer, project-lead, performance-officer or admin.")] = Role.VIEWER,
    password_stdin: PasswordStdin = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Add a user (admin only); with --password-stdin, one who can log in to `projtui serve` at once."""
    from projtui.services import users

    password = _password(True) if password_stdin else None
    user = _with_database(
        ctx, db, database_url, lambda d: users.add_user(d, login, display_name=name, role=role, password=password, actor=config.login_name())
    )
    typer.echo(f"Added {user.login} ({user.display_name}) as {user.role.label}.")


def list_(ctx: typer.Context, db: DbPath = None, database_url: DbUrl = None) -> None:
    """List the users: login, role, display name, and the projects each is named to edit."""
    from projtui.services import users

    everyone = _with_database(ctx, db, database_url, users.list_users)
    if not everyone:
        typer.echo("No users yet: whoever writes first becomes admin.")
    for user in everyone:
        typer.echo(_line(user))


def set_role(ctx: typer.Context, login: Login, role: RoleArgument, db: DbPath = None, database_url: DbUrl = None) -> None:
    """Change a user's role (admin only)."""
    from projtui.services import users

    user = _with_database(ctx, db, database_url, lambda d: users.set_role(d, login, role, actor=config.login_name()))
    typer.echo(f"{user.login} is now {user.role.label}.")


def disable(ctx: typer.Context, login: Login, db: DbPath = None, database_url: DbUrl = None) -> None:
    """Disable a user (admin only): their history stays, they may no longer write."""
    from projtui.services import users

    _with_database(ctx, db, database_url, lambda d: users.set_active(d, login, False, actor=config.login_name()))
    typer.echo(f"{login} is disabled.")


def enable(ctx: typer.Context, login: Login, db: DbPath = None, database_url: DbUrl = None) -> None:
    """Enable a disabled user again (admin only)."""
    from projtui.services import users

    _with_database(ctx, db, database_url, lambda d: users.set_active(d, login, True, actor=config.login_name()))
    typer.echo(f"{login} is enabled.")


def set_password(ctx: typer.Context, login: Login, password_stdin: PasswordStdin = False, db: DbPath = None, database_url: DbUrl = None) -> None:
    """Set the password a user logs in to `projtui serve` with (admin, or the user themself); asked twice, never shown."""
    from projtui.services import users

    password = _password(password_stdin)
    _with_database(ctx, db, database_url, lambda d: users.set_password(d, login, password, actor=config.login_name()))
    typer.echo(f"{login}'s password is set.")


def editor_add(ctx: typer.Context, project: Project, login: Login, db: DbPath = None, database_url: DbUrl = None) -> None:
    """Name a user an editor of a project: a project lead may then edit it as its own."""
    from projtui.services import users

    added = _with_database(ctx, db, database_url, lambda d: users.add_editor(d, project, login, actor=config.login_name()))
    typer.echo(f"{login} {'now edits' if added else 'already edits'} {project}.")


def editor_remove(ctx: typer.Context, project: Project, login: Login, db: DbPath = None, database_url: DbUrl = None) -> None:
    """Take a user off a project's editors."""
    from projtui.services import users

    removed = _with_database(ctx, db, database_url, lambda d: users.remove_editor(d, project, login, actor=config.login_name()))
    typer.echo(f"{login} {'no longer edits' if removed else 'was not an editor of'} {project}.")


user_app = command_group(
    "Manage who may use the portfolio and in which role.",
    (("add", add), ("list", list_), ("set-role", set_role), ("disable", disable), ("enable", enable), ("set-password", set_password)),
)
editor_app = command_group("Name who may edit a project besides its lead and SRO.", (("add", editor_add), ("remove", editor_remove)))
