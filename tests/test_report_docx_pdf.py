"""The Word report read by a second program: LibreOffice lays it out as a PDF, poppler reads the PDF back.

Proves more than python-docx can: the file opens in an office suite, the
pages come out A4 with the ambitions' wide tables on landscape pages, and
the page-number fields in the footer are filled in. One conversion for the
module (LibreOffice takes seconds to start), in a fresh profile and HOME so
it never touches, or waits on, anyone's own LibreOffice.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

import pytest

from projtui.domain.quarter import Quarter
from projtui.report.docx import render_docx
from projtui.report.model import Report, build_report
from projtui.services.transfer import sample_text
from projtui.snapshot.reader import read_document

Q = Quarter.parse("2026/27 Q2")
CONVERT_SECONDS = 300  # a cold start on a loaded 2-core machine


@dataclass(frozen=True)
class Pdf:
    report: Report
    pages: list[str]  # each page's text, white space folded
    landscape: list[bool]  # by page


def _run(args: list[str], **kwargs) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=CONVERT_SECONDS, **kwargs).stdout


@pytest.fixture(scope="module")
def pdf(libreoffice: str, tmp_path_factory) -> Pdf:
    base = tmp_path_factory.mktemp("docx-pdf")
    report = build_report(read_document(sample_text(), source="sample"), Q)
    paper = base / "paper.docx"
    paper.write_bytes(render_docx(report))
    command = [
        libreoffice, f"-env:UserInstallation={(base / 'profile').as_uri()}",
        "--headless", "--convert-to", "pdf", "--outdir", str(base / "out"), str(paper),
    ]
    result = subprocess.run(
        command, env={**os.environ, "HOME": str(base)}, capture_output=True, text=True, timeout=CONVERT_SECONDS, check=False
    )
    converted = base / "out" / "paper.pdf"
    if not converted.exists():
        pytest.fail(f"LibreOffice did not convert the report (exit {result.returncode}): {result.stderr.strip()}", pytrace=False)

    info = _run(["pdfinfo", "-f", "1", "-l", "9999", str(converted)])
    sizes = [line.split(":", 1)[1].split("pts")[0].split(" x ") for line in info.splitlines() if line.startswith("Page ") and "size:" in line]
    text = _run(["pdftotext", "-enc", "UTF-8", str(converted), "-"])
    pages = [" ".join(page.split()) for page in text.split("\f")[: len(sizes)]]
    return Pdf(report, pages, [float(width) > float(height) for width, height in sizes])


def test_it_is_several_a4_pages_with_the_ambitions_in_landscape(pdf):
    assert len(pdf.pages) > 1
    assert not pdf.landscape[0] and not pdf.landscape[-1]  # the summary and the key
    for section in pdf.report.sections:
        page = next(i for i, text in enumerate(pdf.pages) if text.startswith(section.heading))  # each starts a page
        assert pdf.landscape[page] == bool(section.projects), section.heading


def test_every_page_is_numbered(pdf):
    total = len(pdf.pages)
    for number, text in enumerate(pdf.pages, start=1):
        assert f"Quarterly performance report — {Q} · Page {number} of {total}" in text


def test_headings_projects_and_ratings_come_through(pdf):
    text = " ".join(pdf.pages)
    for heading in (f"Quarterly performance report — {Q}", "Summary", "Key", *(s.heading for s in pdf.report.sections)):
        assert heading in text
    codes = [p.code for s in pdf.report.sections for p in s.projects]
    assert len(codes) > 10
    assert all(code in text for code in codes)
    for caption in ("▲ Red", "◆ Amber", "● Green ↑", "○ Not reviewed", "◆ Within tolerance", "▲ Off target"):
        assert caption in text
