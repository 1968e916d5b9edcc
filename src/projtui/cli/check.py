"""`projtui check`: golden-thread and data-quality gaps, for a person or a script's exit code."""

from __future__ import annotations

import typer

from projtui.cli.options import DbPath, DbUrl, open_database
from projtui.domain.formatting import plural


def check(ctx: typer.Context, db: DbPath = None, database_url: DbUrl = None) -> None:
    """List golden-thread and data-quality gaps; exit 1 when there are any."""
    from projtui.services.checks import KINDS, find_gaps

    database = open_database(ctx, db, database_url)
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
    typer.echo(f"{plural(len(gaps), 'gap')} found{latest_note}.")
    raise typer.Exit(1)
