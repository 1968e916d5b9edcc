"""`projtui report`: the quarterly performance report, as Markdown, one HTML page or a Word committee paper."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from projtui.cli.errors import UsageProblem
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
    DOCX = "docx"


# What -o's file name says when --format does not.
_SUFFIXES = {".html": ReportFormat.HTML, ".htm": ReportFormat.HTML, ".docx": ReportFormat.DOCX}


def report(
    ctx: typer.Context,
    quarter: Annotated[Quarter, quarter_option("Financial quarter to report, e.g. '2026/27 Q2'.")],
    format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            metavar="md|html|docx",
            help="md (Markdown tables), html (one self-contained page that prints well) or docx (a Word committee paper: "
            "A4, page numbers, headings for the agenda's contents; needs -o FILE or a pipe); default from the -o file name, else md.",
        ),
    ] = None,
    output: OutputOption = "-",
    quiet: QuietOption = False,
    db: DbPath = None,
    database_url: DbUrl = None,
) -> None:
    """The quarterly performance report for Cabinet or a scrutiny panel, grouped by ambition."""
    from projtui.config import load_settings
    from projtui.services.reporting import build_report

    if format is None:
        format = _SUFFIXES.get(Path(output).suffix.lower(), ReportFormat.MD)
    if format is ReportFormat.DOCX and output == "-" and sys.stdout.isatty():
        # As gzip does: bytes on a terminal are garbage, and can upset it. A pipe or redirect gets them.
        raise UsageProblem("--format docx needs -o FILE: a Word document is not text, so it is not shown on a terminal")
    database = open_database(ctx, db, database_url)
    try:
        with progress_bar(quiet) as progress:
            model = build_report(database, quarter, progress, bands=load_settings().bands)
    finally:
        database.dispose()
    if format is ReportFormat.DOCX:
        from projtui.report.docx import render_docx

        write_output(output, [render_docx(model)], binary=True)
        return
    if format is ReportFormat.HTML:
        from projtui.report.html import render_html as render
    else:
        from projtui.report.markdown import render_markdown as render
    write_output(output, [render(model)])
