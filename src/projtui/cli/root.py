"""The Typer app behind `projtui`: its global options, the table of commands, and `main`.

Every failure a user can cause ends as one line on stderr (`cli.errors`).
Commands import what they need when they run, so `projtui --version` and
`--help` load neither Textual nor the database.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from projtui import __version__
from projtui.cli import app as app_commands
from projtui.cli.check import check
from projtui.cli.config import config_app
from projtui.cli.errors import fail, reader_gone, reporting_errors
from projtui.cli.options import DbPath, DbUrl, resolve_url
from projtui.cli.report import report
from projtui.cli.snapshots import diff, export_, import_

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="A council's portfolio of strategic projects: golden thread, Benefits Review Plans, quarterly reviews.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"projtui {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: DbPath = None,
    database_url: DbUrl = None,
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_version, help="Show the version.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
) -> None:
    """Open the portfolio in the terminal app when no command is given."""
    if ctx.invoked_subcommand is None:
        from projtui.ui.launch import open_app

        open_app(resolve_url(ctx, None, None))


# In the order `projtui --help` lists them.
app.command()(app_commands.demo)
app.command()(app_commands.init)
app.command("export")(export_)
app.command("import")(import_)
app.command()(check)
app.command()(diff)
app.command()(report)
app.command()(app_commands.serve)
app.add_typer(config_app, name="config")


def main(argv: list[str] | None = None) -> int:
    """Run a command line through Typer (`entry.main` opens the app itself when that is all it asks)."""
    args = sys.argv[1:] if argv is None else argv

    def run() -> int | None:
        try:
            return app(args=args, prog_name="projtui", standalone_mode=False)
        except typer.Exit as exc:
            return exc.exit_code
        except SystemExit:
            # Typer answers a closed stdout (EPIPE) by wrapping stdout in its vendored Click's
            # PacifyFlushWrapper and exiting 1; the wrapper is how to tell that exit from any other.
            if type(sys.stdout).__name__ == "PacifyFlushWrapper":
                return reader_gone()
            raise
        except typer.Abort:
            return fail("interrupted", 130)
        except typer.TyperException as exc:  # Click's usage errors, as vendored by Typer
            return fail(exc.format_message(), getattr(exc, "exit_code", 2))

    return reporting_errors(run, args)
