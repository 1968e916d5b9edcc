"""`projtui report`: the quarterly performance report, as Markdown, one HTML page, a Word committee paper or a workbook."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from projtui.cli.options import (
    DbPath,
    DbUrl,
    OutputOption,
    format_from_name,
    open_database,
    quarter_option,
    refuse_terminal,
    write_output,
)
from projtui.cli.progress import QuietOption, progress_bar
from projtui.domain.quarter import Quarter


class ReportFormat(StrEnum):
    MD = "md"
    HTML = "html"
    DOCX = "docx"
    XLSX = "xlsx"


# What -o's file name says when --format does not.
_SUFFIXES = {".html": ReportFormat.HTML, ".htm": ReportFormat.HTML, ".docx": ReportFormat.DOCX, ".xlsx": ReportFormat.XLSX}
_BINARY = {ReportFormat.DOCX: "a Word document", ReportFormat.XLSX: "a workbook"}


def report(
    ctx: typer.Context,
    quarter: Annotated[Quarter, quarter_option("Financial quarter to report, e.g. '2026/27 Q2'.")],
    format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            metavar="md|html|docx|xlsx",
            help="md (Markdown tables), html (one self-contained page that prints well), docx (a Word committee paper: "
            "A4, page numbers, headings for the agenda's contents) or xlsx (the report's tables as a workbook to filter); "
            "docx and xlsx need -o FILE or a pipe; default from the -o file name, else md.",
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
        format = format_from_name(output, _SUFFIXES, ReportFormat.MD)
    if format in _BINARY:
        refuse_terminal(output, f"--format {format}", _BINARY[format])
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
    if format is ReportFormat.XLSX:
        from projtui.report.xlsx import report_chunks

        write_output(output, report_chunks(model), binary=True)
        return
    if format is ReportFormat.HTML:
        from projtui.report.html import render_html as render
    else:
        from projtui.report.markdown import render_markdown as render
    write_output(output, [render(model)])
