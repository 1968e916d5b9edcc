"""`projtui report`: the quarterly performance report, as Markdown or one HTML page."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from projtui.cli.options import (
    DbPath,
    DbUrl,
    OutputOption,
    open_database,
    quarter_option,
    write_output,
)
from projtui.cli.progress import QuietOption, progress_bar
from projtui.domain.quarter import Quarter


class ReportFormat(StrEnum):
    MD = "md"
    HTML = "html"


def report(
    ctx: typer.Context,
    quarter: Annotated[Quarter, quarter_option("Financial quarter to report, e.g. '2026/27 Q2'.")],
    format: Annotated[
        ReportFormat | None,
        typer.Option("--format", metavar="md|html", help="md (Markdown tables) or html (one self-contained page that prints well); default from the -o file name, else md."),
    ] = None,
    output: OutputOption = "-",
    quiet: QuietOption = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """The quarterly performance report for Cabinet or a scrutiny panel, grouped by ambition."""
    from projtui.services.reporting import build_report

    if format is None:
        format = ReportFormat.HTML if Path(output).suffix.lower() in (".html", ".htm") else ReportFormat.MD
    database = open_database(ctx, db, database_url)
    try:
        with progress_bar(quiet) as progress:
            model = build_report(database, quarter, progress)
    finally:
        database.dispose()
    if format is ReportFormat.HTML:
        from projtui.report.html import render_html as render
    else:
        from projtui.report.markdown import render_markdown as render
    write_output(output, [render(model)])
