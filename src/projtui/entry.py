"""The `projtui` command's front door: open the app at once when that is all that is asked.

`projtui`, `projtui --db FILE` and `projtui --database-url URL` only open the
app, and they are what people run most. Typer reads a command line by
building a pydantic adapter for every parameter, which cost a third of
start-up (about 100 ms of 300). So those forms are read here, with the same
environment variables and precedence as the options of `cli.root`; anything
else (another command, --help, --version, --debug, a repeated or unusual
option) goes to `cli` and Typer. A test checks that both read every form the
same way.

Errors are reported here for both: one line starting `error:`, exit 2 for
usage and 1 for bad data, never a traceback unless `--debug` asks for one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from projtui import config
from projtui.domain.errors import InvalidInput, ProjtuiError

# Option -> the environment variable that stands in for it (as `cli.DbPath` and `cli.DbUrl` declare).
APP_OPTIONS = {"--db": "PROJTUI_DB", "--database-url": "PROJTUI_DATABASE_URL"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    url = app_only_url(args, os.environ)
    if url is None:
        from projtui import cli

        return cli.main(args)
    return reporting_errors(lambda: open_app(url), args)


def app_only_url(args: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """The database URL when `args` only open the app; None when Typer should read them."""
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
    # Click ignores an empty environment variable.
    db, url = (given.get(name) or environ.get(variable) or None for name, variable in APP_OPTIONS.items())
    if db is not None and Path(db).is_dir():
        return None  # Typer says why a directory will not do
    return config.database_url(Path(db) if db else None, url)


def open_app(url: str) -> None:
    from projtui.services.opening import open_portfolio
    from projtui.ui.launch import run_app

    run_app(open_portfolio(url, create=True), settings=config.load_settings(), offer_sample=True)


def reporting_errors(run: Callable[[], int | None], args: Sequence[str]) -> int:
    """Run a command, turning what a user can cause into one `error:` line and its exit code."""
    try:
        result = run()
    except InvalidInput as exc:
        for problem in exc.problems:
            error(str(problem))
        return exc.exit_code
    except ProjtuiError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as exc:
        if "--debug" in args:
            raise
        return fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", 1)
    return result if isinstance(result, int) else 0


def error(message: str) -> None:
    first_line = " ".join(message.split())
    print(f"error: {first_line}", file=sys.stderr)


def fail(message: str, code: int) -> int:
    error(message)
    return code
