"""`projtui team enable`: PostgreSQL team mode, where the database itself refuses a write the connected role may not make.

Run by an admin connected as the tables' owner (it creates roles, grants and
policies: `store/team.py`); from then on `projtui user …` keeps each user's
PostgreSQL role in step.
"""

from __future__ import annotations

import typer

from projtui import config
from projtui.cli.help import command_group
from projtui.cli.options import DbPath, DbUrl, open_database


def enable(ctx: typer.Context, db: DbPath = None, database_url: DbUrl = None) -> None:
    """Turn team mode on (admin, connected as the database's owner); again after an upgrade. Each user then connects as their own PostgreSQL role."""
    from projtui.services import team

    database = open_database(ctx, db, database_url)
    try:
        mode = team.enable(database, actor=config.login_name())
    finally:
        database.dispose()
    typer.echo("Team mode is on: each user connects as the PostgreSQL role named as their login.")
    for role, logins in mode.by_role.items():
        typer.echo(f"{role.label:<20} {', '.join(logins) or '-'}")


team_app = command_group("PostgreSQL team mode: the database itself enforces each user's role.", (("enable", enable),))
