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
    read_only: Annotated[bool, typer.Option("--read-only", help="Every session may read only, whatever the user's role.")] = False,
    no_login: Annotated[
        bool, typer.Option("--no-login", help="No login: every tab acts as you (on this machine's loopback only).")
    ] = False,
    tls_cert: Annotated[Path | None, typer.Option("--tls-cert", metavar="FILE", help="Serve https with this certificate (PEM; with --tls-key).", dir_okay=False)] = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", metavar="FILE", help="The certificate's private key (PEM).", dir_okay=False)] = None,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Serve the same app in a web browser (textual-serve): users log in, and each browser tab runs its own session."""
    import os
    import shlex

    from projtui.web.addresses import LOOPBACK, exposed, listen_problem, public_url

    # Before the database is opened (and perhaps created): a failed command writes nothing.
    if no_login and host not in LOOPBACK:
        raise UsageProblem(f"--no-login: only on this machine's loopback (--host 127.0.0.1, ::1 or localhost), not {host}")
    ssl_context = _tls(tls_cert, tls_key)
    if problem := listen_problem(host, port):
        raise UsageProblem(f"cannot listen on {host}:{port}: {problem}")
    url = (public or public_url(host, port, tls=ssl_context is not None)).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageProblem(f"--public-url: give an http:// or https:// address (got {public!r})")
    database = open_database(ctx, db, database_url, create=True)  # fail here, in the terminal, not in each browser tab
    try:
        from projtui.services.team import serve_as_people

        people = not no_login and serve_as_people(database)  # team mode: one `error:` line now if this role cannot act as people
        # Through the environment, not the command line, so a password in the URL never shows in `ps`.
        os.environ["PROJTUI_DATABASE_URL"] = resolve_url(ctx, db, database_url)
        command = shlex.join([sys.executable, "-m", "projtui"])
        if exposed(host, url, tls=ssl_context is not None):
            typer.echo(
                f"warning: serving beyond this machine on {host} without https: passwords and the portfolio cross the "
                f"network unencrypted to {url}; give --tls-cert and --tls-key, or serve behind an HTTPS proxy (--public-url https://…)",
                err=True,
            )
        from projtui.web.server import BrowserServer

        how = "without a login" if no_login else "to logged-in users"
        typer.echo(f"Serving projtui on {url} {how}{', read-only' if read_only else ''}, to at most {max_sessions} tabs at once (Ctrl+C stops)")
        BrowserServer(
            command, host=host, port=port, title="projtui", public_url=url, max_sessions=max_sessions,
            db=None if no_login else database, read_only=read_only, people=people, ssl_context=ssl_context,
        ).serve()
    finally:
        database.dispose()


def _tls(cert: Path | None, key: Path | None):
    """An SSL context for --tls-cert and --tls-key, or None without them; one `error:` line when they will not do."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise UsageProblem("--tls-cert and --tls-key: give both, the certificate and its private key")
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else getattr(exc, "reason", None) or str(exc)
        raise UsageProblem(f"--tls-cert {cert} / --tls-key {key}: cannot use them: {reason}") from None
    return context
