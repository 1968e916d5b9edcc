"""`projtui init`, `demo` and `serve`: make the database, and run the app on it in a terminal or a browser."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projtui import config
from projtui.cli.errors import UsageProblem
from projtui.cli.options import DbPath, DbUrl, open_database, resolve_url


def demo(ctx: typer.Context) -> None:
    """Open the app on a fresh throwaway copy of the sample portfolio."""
    import tempfile

    from projtui.services.opening import open_portfolio
    from projtui.services.transfer import load_sample
    from projtui.ui.launch import run_app

    settings = config.load_settings()
    with tempfile.TemporaryDirectory(prefix="projtui-demo-") as folder:
        db = open_portfolio(config.database_url(Path(folder) / "demo.db"), create=True)
        try:
            load_sample(db, actor=config.login_name())
            run_app(db, settings=settings, offer_sample=False)
        finally:
            db.dispose()


def init(
    ctx: typer.Context,
    sample: Annotated[bool, typer.Option("--sample", help="Load the sample portfolio too.")] = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Create the database, or migrate it to the current schema; on a database with no users yet, you become its admin."""
    from projtui.services.transfer import load_sample
    from projtui.services.users import claim_first_admin
    from projtui.snapshot.diff_render import changes_phrase

    login = config.login_name()
    database = open_database(ctx, db, database_url, create=True)
    try:
        typer.echo(f"Portfolio database ready: {database.display_name}")
        if claim_first_admin(database, login, config.load_settings().user):
            typer.echo(f"You ({login}) are its admin: `projtui user add` lets others in.")
        if sample:
            result = load_sample(database, actor=login)
            typer.echo(f"Sample portfolio loaded: {changes_phrase(result.changes)}")
    finally:
        database.dispose()


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", metavar="HOST", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", help="Port to listen on.", min=1, max=65535)] = 8000,
    max_sessions: Annotated[
        int,
        typer.Option("--max-sessions", metavar="N", min=1, help="Browser tabs served at once; each runs its own app (about 40 MB)."),
    ] = 10,
    public: Annotated[
        str | None,
        typer.Option("--public-url", metavar="URL", help="The address browsers use to reach this server (behind a proxy, say); default: from --host and --port."),
    ] = None,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Serve the same app in a web browser (textual-serve); each browser tab runs its own session."""
    import os
    import shlex

    from projtui.web import BrowserServer, exposed, listen_problem, public_url

    # Before the database is opened (and perhaps created): a failed command writes nothing.
    if problem := listen_problem(host, port):
        raise UsageProblem(f"cannot listen on {host}:{port}: {problem}")
    url = (public or public_url(host, port)).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageProblem(f"--public-url: give an http:// or https:// address (got {public!r})")
    open_database(ctx, db, database_url, create=True).dispose()  # fail here, in the terminal, not in each browser tab
    # Through the environment, not the command line, so a password in the URL never shows in `ps`.
    os.environ["PROJTUI_DATABASE_URL"] = resolve_url(ctx, db, database_url)
    command = shlex.join([sys.executable, "-m", "projtui"])
    if exposed(host, url):
        typer.echo(
            f"warning: serving beyond this machine on {host} without https and without a login: anyone who can reach "
            f"{url} can read and change the portfolio; serve behind an HTTPS proxy (--public-url https://…)",
            err=True,
        )
    typer.echo(f"Serving projtui on {url} to at most {max_sessions} tabs at once (Ctrl+C stops)")
    BrowserServer(command, host=host, port=port, title="projtui", public_url=url, max_sessions=max_sessions).serve()
