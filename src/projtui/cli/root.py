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
from projtui.cli import completion
from projtui.cli.check import check
from projtui.cli.config import config_app
from projtui.cli.errors import fail, reader_gone, reporting_errors
from projtui.cli.help import add_commands, add_group, placeholder
from projtui.cli.options import DbPath, DbUrl, resolve_url
from projtui.cli.report import report
from projtui.cli.shell_request import completion_requested
from projtui.cli.signals import exit_on_termination
from projtui.cli.snapshots import diff, export_, import_
from projtui.cli.team import team_app
from projtui.cli.users import editor_app, user_app
from projtui.domain.waiting import WAITING, told_when_waiting

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
add_commands(
    app,
    [
        ("demo", app_commands.demo),
        ("init", app_commands.init),
        ("export", export_),
        ("import", import_),
        ("check", check),
        ("diff", diff),
        ("report", report),
        ("serve", app_commands.serve),
        ("completion", completion.completion),
    ],
)
add_group(app, config_app, "config")
add_group(app, user_app, "user")
add_group(app, editor_app, "editor")
add_group(app, team_app, "team")


def usage_message(exc: typer.TyperException) -> str:
    """Click's usage error, led by the option or argument it is about: `--quarter: not a financial quarter: …`."""
    param = getattr(exc, "param", None)
    if not isinstance(exc, typer.BadParameter) or param is None:
        return exc.format_message()
    if not exc.message:  # Click's MissingParameter: nothing was given
        return f"{placeholder(param)}: missing ({(param.help or 'required').rstrip('.')})"
    # Typer checks values through pydantic, which puts "Value error, " before a validator's own words.
    return f"{placeholder(param)}: {exc.message.removeprefix('Value error, ')}"


def main(argv: list[str] | None = None) -> int:
    """Run a command line through Typer (`entry.main` opens the app itself when that is all it asks)."""
    args = sys.argv[1:] if argv is None else argv
    exit_on_termination()
    if completion_requested():
        completion.enable()

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
            return fail(usage_message(exc), getattr(exc, "exit_code", 2))

    with told_when_waiting(_say_waiting):
        return reporting_errors(run, args)


def _say_waiting() -> None:
    """Another change (a long import) holds the database: say why nothing seems to happen; the command goes on when it can."""
    print(WAITING, file=sys.stderr, flush=True)
