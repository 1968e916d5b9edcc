"""What the commands share: the database options, quarters, files in and out, change counts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projtui import config
from projtui.cli.errors import UsageProblem
from projtui.domain.errors import ProjtuiError
from projtui.domain.quarter import Quarter

DbPath = Annotated[
    Path | None,
    typer.Option("--db", envvar="PROJTUI_DB", help="SQLite portfolio file (default: the user data directory).", dir_okay=False, metavar="FILE"),
]
DbUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="PROJTUI_DATABASE_URL", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.", metavar="URL"),
]


def quarter_option(help: str):
    """`--quarter`/`-q`, read by the one quarter rule (so a bad label is an error naming the option)."""
    return typer.Option("--quarter", "-q", help=help, metavar="QUARTER", parser=Quarter.parse, autocompletion=reported_quarters)


def reported_quarters(ctx: typer.Context, incomplete: str) -> list[str]:
    """Tab after --quarter: the portfolio's reported quarters that start with what was typed, latest first.

    Tab must never print an error into the command line, so any failure (no
    database yet, a wrong --db) offers nothing.
    """
    from projtui.services.opening import open_portfolio
    from projtui.services.reviews.quarter import reported_quarters

    try:
        database = open_portfolio(resolve_url(ctx, ctx.params.get("db"), ctx.params.get("database_url")))
        try:
            labels = [quarter.label for quarter in reported_quarters(database)]
        finally:
            database.dispose()
    except Exception:
        return []
    typed = " ".join(incomplete.split()).lower()
    return [label for label in labels if label.lower().startswith(typed)]


QuarterOption = Annotated[Quarter | None, quarter_option("Financial quarter, e.g. '2024/25 Q1'.")]
OutputOption = Annotated[str, typer.Option("--output", "-o", help="File to write, or - for standard output.", metavar="FILE|-")]


def resolve_url(ctx: typer.Context, db: Path | None, url: str | None) -> str:
    """Command-level options win over the ones given before the command, which win over the settings.

    Typer fills the options from PROJTUI_DB and PROJTUI_DATABASE_URL too; only what the command
    line itself gave counts here, since the settings rank the variables (over config.toml).
    """
    root = ctx.find_root()
    given = [typed_options(ctx, db, url), typed_options(root, root.params.get("db"), root.params.get("database_url"))]
    return config.load_settings().database(*given)


def typed_options(ctx: typer.Context, db: Path | None, url: str | None) -> tuple[Path | None, str | None]:
    """`db` and `url` where the command line gave them, else None."""

    def typed(name: str, value):
        source = ctx.get_parameter_source(name)
        return value if source is not None and source.name == "COMMANDLINE" else None

    return typed("db", db), typed("database_url", url)


def open_database(ctx: typer.Context, db: Path | None, url: str | None, *, create: bool = False):
    from projtui.services.opening import open_portfolio

    return open_portfolio(resolve_url(ctx, db, url), create=create)


def write_output(output: str, chunks, *, binary: bool = False) -> None:
    """To standard output, or atomically to a file: a failure leaves no partial file. `binary`: the chunks are bytes."""
    from projtui.atomic import write_atomic

    if output == "-":
        out = sys.stdout.buffer if binary else sys.stdout
        for chunk in chunks:
            out.write(chunk)
        return
    try:
        write_atomic(Path(output), chunks, binary=binary)
    except OSError as exc:
        raise ProjtuiError(f"{output}: cannot write: {exc.strerror or exc}") from None


def format_from_name(output: str, suffixes: dict, default):
    """The format ``-o``'s file name says (``report.docx``, ``portfolio.xlsx``), else ``default``."""
    return suffixes.get(Path(output).suffix.lower(), default)


def refuse_terminal(output: str, option: str, what: str) -> None:
    """As gzip does: a binary file on a terminal is garbage, and can upset it. A pipe or redirect gets it."""
    if output == "-" and sys.stdout.isatty():
        raise UsageProblem(f"{option} needs -o FILE: {what} is not text, so it is not shown on a terminal")


def read_input(file: Path) -> tuple[str, str]:
    """The text of `file` (- for standard input) and the name to report it by."""
    if str(file) == "-":
        return sys.stdin.read(), "<stdin>"
    from projtui.files import read_text

    return read_text(file, what="snapshot file"), str(file)

