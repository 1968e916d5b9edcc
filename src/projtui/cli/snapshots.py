"""`projtui export`, `import` and `diff`: the TOML snapshot (or a workbook) out of the database, into it, and compared."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from projtui import config
from projtui.cli.options import (
    DbPath,
    DbUrl,
    OutputOption,
    QuarterOption,
    format_from_name,
    open_database,
    read_input,
    refuse_terminal,
    write_output,
)
from projtui.cli.progress import QuietOption, progress_bar


class ExportFormat(StrEnum):
    TOML = "toml"
    XLSX = "xlsx"


class DiffFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def export_(
    ctx: typer.Context,
    output: OutputOption = "-",
    quarter: QuarterOption = None,
    no_timestamp: Annotated[bool, typer.Option("--no-timestamp", help="Leave out exported_at.")] = False,
    format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            metavar="toml|xlsx",
            help="toml (the snapshot, which import reads back) or xlsx (a workbook to filter and paste from: sheets Ambitions, "
            "Projects, Benefits, Measures and Reviews; needs -o FILE or a pipe); default from the -o file name, else toml.",
        ),
    ] = None,
    quiet: QuietOption = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Write the TOML snapshot or a workbook (atomically: a failed export leaves no partial file)."""
    from projtui.services.transfer import ExportTally, export_snapshot, export_workbook

    if format is None:
        format = format_from_name(output, {".xlsx": ExportFormat.XLSX}, ExportFormat.TOML)
    if format is ExportFormat.XLSX:
        refuse_terminal(output, "--format xlsx", "a workbook")
    database = open_database(ctx, db, database_url)
    stamp = None if no_timestamp else dt.datetime.now(dt.UTC).replace(microsecond=0)
    tally = ExportTally()
    # A snapshot streaming onto the terminal would be torn by a bar drawn between its lines.
    on_terminal = output == "-" and sys.stdout.isatty()
    try:
        with progress_bar(quiet or on_terminal) as progress:
            if format is ExportFormat.XLSX:
                write_output(output, export_workbook(database, up_to=quarter, progress=progress, tally=tally), binary=True)
            else:
                write_output(output, export_snapshot(database, up_to=quarter, exported_at=stamp, progress=progress, tally=tally))
    finally:
        database.dispose()
    if output != "-":
        typer.echo(f"Wrote {output}: {tally}.", err=True)


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="Snapshot (.toml) or spreadsheet (.xlsx, .xls, .ods, .csv) to import, or - for a snapshot on standard input.",
            metavar="FILE", allow_dash=True,
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; change nothing.")] = False,
    reopen: Annotated[
        str | None,
        typer.Option(
            "--reopen", metavar="REASON",
            help="Re-open the published quarters the file changes, for this reason (kept in the audit log); without it such changes are refused.",
        ),
    ] = None,
    quiet: QuietOption = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """Validate a snapshot or spreadsheet, then apply it in one transaction (upsert by code)."""
    from projtui.snapshot.diff_render import changes_phrase, render_text
    from projtui.spreadsheet.tables import is_spreadsheet

    actor = config.login_name()
    if str(file) == "-":
        from projtui.services.importing import import_snapshot

        text, source = read_input(file)

        def run(database, progress):
            return import_snapshot(database, text, source=source, actor=actor, dry_run=dry_run, reopen=reopen, progress=progress)
    else:
        from projtui.files import require_file
        from projtui.services.transfer import import_file

        # Before the database is opened, so a mistyped path creates no database.
        require_file(file, what="spreadsheet" if is_spreadsheet(file) else "snapshot file")
        source = str(file)

        def run(database, progress):
            return import_file(database, file, actor=actor, dry_run=dry_run, reopen=reopen, progress=progress)

    database = open_database(ctx, db, database_url, create=True)
    try:
        with progress_bar(quiet) as progress:
            result = run(database, progress)
    finally:
        database.dispose()
    if dry_run:
        if result.changes:
            typer.echo(render_text(result.changes, result.before, result.after).rstrip("\n"))
        typer.echo(f"Dry run: would apply {changes_phrase(result.changes)}; nothing was changed.")
    else:
        typer.echo(f"Imported {source}: {changes_phrase(result.changes)}.")


def diff(
    old: Annotated[Path, typer.Argument(help="The earlier snapshot.", metavar="OLD")],
    new: Annotated[Path, typer.Argument(help="The later snapshot.", metavar="NEW")],
    format: Annotated[DiffFormat, typer.Option("--format", metavar="text|json", help="text for people, json for scripts.")] = DiffFormat.TEXT,
) -> None:
    """What changed between two snapshots.

    Exits 1 when they differ and 0 when they are the same (with no output), like diff(1),
    so a script can ask "did anything change?"; 2 when a file cannot be read.
    """
    from projtui.snapshot.diff import diff_documents
    from projtui.snapshot.diff_render import render_json, render_text
    from projtui.snapshot.reader import read_document

    before, after = (read_document(text, source=source) for text, source in map(read_input, (old, new)))
    changes = diff_documents(before, after)
    if format is DiffFormat.JSON:
        typer.echo(render_json(changes))
    elif changes:
        typer.echo(render_text(changes, before, after).rstrip("\n"))
    if changes:
        raise typer.Exit(1)
