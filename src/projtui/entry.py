"""The `projtui` command's front door: open the app at once when that is all that is asked.

`projtui`, `projtui --db FILE` and `projtui --database-url URL` only open the
app, and they are what people run most. Typer reads a command line by
building a pydantic adapter for every parameter, which cost a third of
start-up (about 100 ms of 300). So those forms are read here, and the
database is chosen as `cli.options.resolve_url` chooses it (the option, then
the settings: PROJTUI_* variables, then config.toml); anything else (another
command, --help, --version, --debug, a repeated or unusual option) goes to
`cli` and Typer. A test checks that both read every form the same way.

Both report errors through `cli.errors`: one line starting `error:`, exit 2
for usage and 1 for bad data, never a traceback unless `--debug` asks for
one. `entry` imports `cli`, never the other way round.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from projtui import config
from projtui.cli.errors import reporting_errors
from projtui.cli.shell_request import completion_requested

# Option -> the environment variable that stands in for it (as `cli.options.DbPath` and `DbUrl` declare).
APP_OPTIONS = {"--db": "PROJTUI_DB", "--database-url": "PROJTUI_DATABASE_URL"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    # Tab in a shell runs `projtui` asking for completions (cli.completion): Typer answers it.
    options = None if completion_requested() else app_only_options(args, os.environ)
    if options is None:
        from projtui.cli.root import main as typer_main

        return typer_main(args)
    from projtui.ui.launch import open_app

    # Reading the settings can fail (a bad config.toml): inside, so that it is one `error:` line.
    return reporting_errors(lambda: open_app(config.load_settings().database(options)), args)


def app_only_options(args: Sequence[str], environ: Mapping[str, str]) -> tuple[Path | None, str | None] | None:
    """The command line's --db and --database-url when `args` only open the app; None when Typer should read them."""
    given: dict[str, str] = {}
    rest = list(args)
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        if name not in APP_OPTIONS or name in given:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if not value or value.startswith("-"):
            return None
        given[name] = value
    db, url = given.get("--db"), given.get("--database-url")
    checked = db or environ.get(APP_OPTIONS["--db"])  # Click ignores an empty variable
    if checked and Path(checked).is_dir():
        return None  # Typer says why a directory will not do
    return (Path(db) if db else None), url
