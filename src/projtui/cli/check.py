"""`projtui check`: golden-thread and data-quality gaps, for a person or a script's exit code."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

import typer

from projtui.cli.options import DbPath, DbUrl, open_database
from projtui.cli.progress import QuietOption, progress_bar
from projtui.domain.formatting import plural


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def check(
    ctx: typer.Context,
    format: Annotated[
        CheckFormat,
        typer.Option("--format", metavar="text|json", help="text for people (a shared item's first claimants), json for scripts (every gap in full)."),
    ] = CheckFormat.TEXT,
    quiet: QuietOption = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """List golden-thread and data-quality gaps; exit 1 when there are any."""
    from projtui.services.checks import KINDS, find_gaps

    database = open_database(ctx, db, database_url)
    try:
        with progress_bar(quiet) as progress:
            gaps, latest = find_gaps(database, progress)
    finally:
        database.dispose()
    if format is CheckFormat.JSON:
        # Every claimant of a shared benefit or measure, which the text cuts short.
        records = [{**asdict(gap), "area": KINDS[gap.kind]} for gap in gaps]
        typer.echo(json.dumps({"gaps": records, "latest_quarter": latest and str(latest)}, indent=2))
    elif gaps:
        for gap in gaps:
            typer.echo(f"{gap.project or '-':<10} {KINDS[gap.kind]:<14} {gap.message}")
        latest_note = f" (latest quarter: {latest})" if latest else ""
        typer.echo(f"{plural(len(gaps), 'gap')} found{latest_note}.")
    else:
        typer.echo("No gaps: every project serves an ambition and every benefit is measured.")
    if gaps:
        raise typer.Exit(1)
