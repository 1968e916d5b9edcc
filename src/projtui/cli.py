"""The `projtui` command (contract: DESIGN.md, "CLI").

Every failure a user can cause ends as one line on stderr starting
`error:`; exit 2 for usage, 1 for bad data. `--debug` shows the traceback
of anything unexpected instead.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from projtui import __version__, config
from projtui.domain.errors import ProjtuiError
from projtui.domain.quarter import Quarter
from projtui.entry import fail, open_app, reporting_errors


class UsageProblem(ProjtuiError):
    """The command line itself is wrong (exit 2), e.g. it names a file that is not there."""

    exit_code = 2


app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="A council's portfolio of strategic projects: golden thread, Benefits Review Plans, quarterly reviews.",
)

DbPath = Annotated[
    Path | None,
    typer.Option("--db", envvar="PROJTUI_DB", help="SQLite portfolio file (default: the user data directory).", dir_okay=False),
]
DbUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="PROJTUI_DATABASE_URL", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db."),
]


class DiffFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _quarter(value: str | None) -> Quarter | None:
    if value is None:
        return None
    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


QuarterOption = Annotated[
    str | None, typer.Option("--quarter", "-q", help="Financial quarter, e.g. '2024/25 Q1'.", metavar="QUARTER")
]


def _url(ctx: typer.Context, db: Path | None, url: str | None) -> str:
    """Command-level options win over the ones given before the command."""
    parent = ctx.find_root().params
    return config.database_url(db or parent.get("db"), url or parent.get("database_url"))


def _open(ctx: typer.Context, db: Path | None, url: str | None, *, create: bool = False):
    from projtui.services.opening import open_portfolio

    return open_portfolio(_url(ctx, db, url), create=create)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"projtui {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: DbPath = None,
    database_url: DbUrl = None,
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_version, help="Show the version.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
) -> None:
    """Open the portfolio in the terminal app when no command is given."""
    if ctx.invoked_subcommand is None:
        open_app(_url(ctx, None, None))


@app.command()
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
            load_sample(db, actor=settings.user)
            run_app(db, settings=settings, offer_sample=False)
        finally:
            db.dispose()


@app.command()
def init(
    ctx: typer.Context,
    sample: Annotated[bool, typer.Option("--sample", help="Load the sample portfolio too.")] = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Create the database, or migrate it to the current schema."""
    from projtui.services.transfer import load_sample

    database = _open(ctx, db, database_url, create=True)
    try:
        typer.echo(f"Portfolio database ready: {database.display_name}")
        if sample:
            result = load_sample(database, actor=config.load_settings().user)
            typer.echo(f"Sample portfolio loaded: {_counts(result.summary)}")
    finally:
        database.dispose()


@app.command("export")
def export_(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for standard output.", metavar="FILE|-")] = "-",
    quarter: QuarterOption = None,
    no_timestamp: Annotated[bool, typer.Option("--no-timestamp", help="Leave out exported_at.")] = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Write the TOML snapshot (atomically: a failed export leaves no partial file)."""
    from projtui.services.transfer import export_snapshot

    up_to = _quarter(quarter)
    database = _open(ctx, db, database_url)
    stamp = None if no_timestamp else dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        _write_output(output, export_snapshot(database, up_to=up_to, exported_at=stamp))
    finally:
        database.dispose()


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Snapshot to import, or - for standard input.", metavar="FILE", allow_dash=True)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; change nothing.")] = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Validate a snapshot, then apply it in one transaction (upsert by code)."""
    from projtui.services.importing import import_snapshot
    from projtui.snapshot.diff import render_text

    text, source = _read_input(file)
    database = _open(ctx, db, database_url, create=True)
    try:
        result = import_snapshot(database, text, source=source, actor=config.load_settings().user, dry_run=dry_run)
    finally:
        database.dispose()
    if dry_run:
        if result.changes:
            typer.echo(render_text(result.changes, result.before, result.after).rstrip("\n"))
        typer.echo(f"Dry run: would apply {_counts(result.summary)}; nothing was changed.")
    else:
        typer.echo(f"Imported {source}: {_counts(result.summary)}.")


def _write_output(output: str, chunks) -> None:
    """To standard output, or atomically to a file: a failure leaves no partial file."""
    from projtui.snapshot.writer import write_atomic

    if output == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    try:
        write_atomic(Path(output), chunks)
    except OSError as exc:
        raise ProjtuiError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _read_input(file: Path) -> tuple[str, str]:
    if str(file) == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return file.read_text(encoding="utf-8"), str(file)
    except FileNotFoundError:
        raise UsageProblem(f"{file}: no such file") from None
    except IsADirectoryError:
        raise UsageProblem(f"{file}: is a directory, not a snapshot file") from None
    except UnicodeDecodeError as exc:
        raise ProjtuiError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ProjtuiError(f"{file}: cannot read: {exc.strerror}") from None


def _counts(summary: dict[str, dict[str, int]]) -> str:
    totals = {kind: sum(entity.get(kind, 0) for entity in summary.values()) for kind in ("added", "changed", "removed")}
    if not any(totals.values()):
        return "no changes"
    return ", ".join(f"{n} {kind}" for kind, n in totals.items())


@app.command()
def check(ctx: typer.Context, db: DbPath = None, database_url: DbUrl = None) -> None:
    """List golden-thread and data-quality gaps; exit 1 when there are any."""
    from projtui.services.checks import KINDS, find_gaps

    database = _open(ctx, db, database_url)
    try:
        gaps, latest = find_gaps(database)
    finally:
        database.dispose()
    if not gaps:
        typer.echo("No gaps: every project serves an ambition and every benefit is measured.")
        return
    for gap in gaps:
        typer.echo(f"{gap.project or '-':<10} {KINDS[gap.kind]:<14} {gap.message}")
    latest_note = f" (latest quarter: {latest})" if latest else ""
    typer.echo(f"{len(gaps)} gap{'s' if len(gaps) != 1 else ''} found{latest_note}.")
    raise typer.Exit(1)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier snapshot.", metavar="A.toml")],
    new: Annotated[Path, typer.Argument(help="The later snapshot.", metavar="B.toml")],
    format: Annotated[DiffFormat, typer.Option("--format", help="text for people, json for scripts.")] = DiffFormat.TEXT,
) -> None:
    """What changed between two snapshots (no output when nothing did)."""
    from projtui.snapshot.diff import diff_documents, render_json, render_text
    from projtui.snapshot.reader import read_document

    before, after = (read_document(text, source=source) for text, source in map(_read_input, (old, new)))
    changes = diff_documents(before, after)
    if format is DiffFormat.JSON:
        typer.echo(render_json(changes))
    elif changes:
        typer.echo(render_text(changes, before, after).rstrip("\n"))


class ReportFormat(StrEnum):
    MD = "md"
    HTML = "html"


@app.command()
def report(
    ctx: typer.Context,
    quarter: Annotated[str, typer.Option("--quarter", "-q", help="Financial quarter to report, e.g. '2026/27 Q2'.", metavar="QUARTER")],
    format: Annotated[
        ReportFormat | None,
        typer.Option("--format", help="md (Markdown tables) or html (one self-contained page that prints well); default from the -o file name, else md."),
    ] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for standard output.", metavar="FILE|-")] = "-",
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """The quarterly performance report for Cabinet or a scrutiny panel, grouped by ambition."""
    from projtui.services.reporting import build_report

    period = _quarter(quarter)
    if format is None:
        format = ReportFormat.HTML if Path(output).suffix.lower() in (".html", ".htm") else ReportFormat.MD
    database = _open(ctx, db, database_url)
    try:
        model = build_report(database, period)
    finally:
        database.dispose()
    if format is ReportFormat.HTML:
        from projtui.report.html import render_html as render
    else:
        from projtui.report.markdown import render_markdown as render
    _write_output(output, [render(model)])


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    public: Annotated[
        str | None,
        typer.Option("--public-url", help="The address browsers use to reach this server (behind a proxy, say); default: from --host and --port."),
    ] = None,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Serve the same app in a web browser (textual-serve); each browser tab runs its own session."""
    import os
    import shlex

    from projtui.web import BrowserServer, listen_problem, public_url

    # Before the database is opened (and perhaps created): a failed command writes nothing.
    if problem := listen_problem(host, port):
        raise UsageProblem(f"cannot listen on {host}:{port}: {problem}")
    url = (public or public_url(host, port)).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageProblem(f"--public-url: give an http:// or https:// address (got {public!r})")
    _open(ctx, db, database_url, create=True).dispose()  # fail here, in the terminal, not in each browser tab
    # Through the environment, not the command line, so a password in the URL never shows in `ps`.
    os.environ["PROJTUI_DATABASE_URL"] = _url(ctx, db, database_url)
    command = shlex.join([sys.executable, "-m", "projtui"])
    typer.echo(f"Serving projtui on {url} (Ctrl+C stops)")
    BrowserServer(command, host=host, port=port, title="projtui", public_url=url).serve()


def main(argv: list[str] | None = None) -> int:
    """Run a command line through Typer (`entry.main` opens the app itself when that is all it asks)."""
    args = sys.argv[1:] if argv is None else argv

    def run() -> int | None:
        try:
            return app(args=args, prog_name="projtui", standalone_mode=False)
        except typer.Exit as exc:
            return exc.exit_code
        except typer.Abort:
            return fail("interrupted", 130)
        except typer.TyperException as exc:  # Click's usage errors, as vendored by Typer
            return fail(exc.format_message(), getattr(exc, "exit_code", 2))

    return reporting_errors(run, args)
