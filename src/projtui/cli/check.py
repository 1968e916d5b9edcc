"""`projtui check`: golden-thread and data-quality gaps, for a person or a script's exit code."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from projtui.cli.options import DbPath, DbUrl, open_database
from projtui.cli.progress import QuietOption, progress_bar
from projtui.domain.formatting import plural

if TYPE_CHECKING:
    from projtui.domain.quarter import Quarter
    from projtui.services.checks import Gap


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
    """List golden-thread and data-quality gaps; exit 1 when there are any (monitor-only measures are listed for information, never a gap)."""
    from projtui.services.checks import find_gaps

    database = open_database(ctx, db, database_url)
    try:
        with progress_bar(quiet) as progress:
            gaps, latest = find_gaps(database, progress)
    finally:
        database.dispose()
    faults = [gap for gap in gaps if not gap.is_note]
    notes = [gap for gap in gaps if gap.is_note]
    if format is CheckFormat.JSON:
        # Every claimant of a shared benefit or measure, which the text cuts short.
        records = [{**asdict(gap), "area": gap.area, "severity": "note" if gap.is_note else "gap"} for gap in gaps]
        typer.echo(json.dumps({"gaps": records, "latest_quarter": latest and str(latest)}, indent=2))
    else:
        _print(faults, latest)
        if notes:
            typer.echo("\nFor information, not gaps:")
            _print_lines(notes)
    if faults:
        raise typer.Exit(1)


def _print(faults: list[Gap], latest: Quarter | None) -> None:
    if not faults:
        typer.echo("No gaps: every project past the pipeline serves an ambition and every benefit is measured.")
        return
    _print_lines(faults)
    latest_note = f" (latest quarter: {latest})" if latest else ""
    typer.echo(f"{plural(len(faults), 'gap')} found{latest_note}.")


def _print_lines(gaps: list[Gap]) -> None:
    for gap in gaps:
        typer.echo(f"{gap.place or '-':<10} {gap.area:<14} {gap.message}")
