"""The Word report read back with python-docx: heading styles, sections, the footer's page field, table cells.

Fast and needs no LibreOffice; ``test_report_docx_pdf.py`` is the second
reader that lays the pages out.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from projtui.domain.quarter import Quarter
from projtui.report.docx import render_docx
from projtui.report.model import build_report
from projtui.services.transfer import sample_text
from projtui.snapshot.document import Document
from projtui.snapshot.reader import read_document

Q = Quarter.parse("2026/27 Q2")
# A caption: a shape and a word, never a colour alone.
RAG_CAPTION = re.compile(r"^[▲◆●✔○] (Red|Amber|Green|Complete|Not set|Not reviewed)( [↑↓↕])?$")


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def sample():
    """The sample portfolio's paper, and its report model."""
    report = build_report(read_document(sample_text(), source="sample"), Q)
    return _open(render_docx(report)), report


def _styled(paper, style: str) -> list[str]:
    return [p.text for p in paper.paragraphs if p.style.name == style]


def _table(paper, *first_headers: str):
    """The tables whose header row starts with these headers."""
    return [t for t in paper.tables if [c.text for c in t.rows[0].cells[: len(first_headers)]] == list(first_headers)]


def test_headings_use_words_own_styles_for_a_table_of_contents(sample):
    paper, report = sample
    assert _styled(paper, "Heading 1") == [f"Quarterly performance report — {Q}"]
    assert _styled(paper, "Heading 2") == [
        "Summary", "Appendix A – KPIs", "Appendix B – Projects", *(s.heading for s in report.sections), "Key",
    ]
    assert "Golden-thread and data-quality gaps" in _styled(paper, "Heading 3")
    assert [g.heading for g in report.kpi_groups] == [h for h in _styled(paper, "Heading 3") if h[:1] == "A" and h[1:2].isdigit()][: len(report.kpi_groups)]
    assert {"KPIs by status", "Project measures by status", "KPIs and project measures by status"} <= set(_styled(paper, "Heading 3"))
    assert "Strategic Projects 2024-2027 · Lancaster City Council" in [p.text for p in paper.paragraphs]
    assert paper.core_properties.title == report.title


def test_summary_and_key_are_portrait_and_each_ambition_with_projects_is_landscape(sample):
    paper, report = sample
    sections = paper.sections
    # The summary, Appendix A (landscape), Appendix B's divider, one a section, the key.
    assert len(sections) == len(report.sections) + 4
    landscape = [s.orientation == WD_ORIENT.LANDSCAPE for s in sections]
    assert landscape == [False, True, False, *(bool(s.projects) for s in report.sections), False]
    for section in sections:
        size = {round(section.page_width.mm), round(section.page_height.mm)}
        assert size == {210, 297}  # A4 (Word stores it in twentieths of a point, so to the nearest mm)
        assert (section.page_width > section.page_height) == (section.orientation == WD_ORIENT.LANDSCAPE)


def test_every_page_has_its_number_in_the_footer(sample):
    paper, _ = sample
    first, *rest = paper.sections
    fields = [f.get(qn("w:instr")) for f in first.footer._element.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert first.footer.paragraphs[0].text.startswith(f"Quarterly performance report — {Q} · Page ")
    assert all(s.footer.is_linked_to_previous for s in rest)  # so the one footer carries on


def test_project_table_cells_and_repeated_header(sample):
    paper, report = sample
    tables = _table(paper, "Code", "Project")
    assert len(tables) == sum(1 for s in report.sections if s.projects)
    for table in tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)  # never in two halves
    rows = {row.cells[0].text: [c.text for c in row.cells] for t in tables for row in t.rows[1:]}
    assert rows["SP-01"][1] == "Waste collection route optimisation and recycling bin trials\nAlso serves A4"
    assert rows["SP-01"][4] == "● Green ↑"
    assert rows["SP-01"][5] == "◆ Amber (2026/27 Q1)"
    assert rows["SP-17"][6] == "Draft"
    assert all(RAG_CAPTION.match(row[4]) for row in rows.values()), [row[4] for row in rows.values()]


def test_measure_table_statuses_read_without_colour(sample):
    paper, _ = sample
    rows = [[c.text for c in row.cells] for t in _table(paper, "Project", "Measure (serves)") for row in t.rows[1:]]
    assert len(rows) > 20
    statuses = {row[7].split(" (")[0] for row in rows}
    assert {"● On target", "◆ Within tolerance", "▲ Off target", "○ Not due", "~ Monitor only"} <= statuses
    assert any(row[13].startswith("No note (required") for row in rows)
    # The forecasts beside the status (issue 13): the owner's year-end figure rated, and the trend's verdict.
    assert any(row[8] == "86,800 (◆ Within tolerance)" for row in rows)
    assert {"Will meet target", "Will miss target"} <= {row[9].split(": ", 1)[-1][2:] for row in rows if ": " in row[9]}


def test_appendix_a_rows_are_the_kpis_with_their_years_commentary(sample):
    paper, report = sample
    tables = _table(paper, "Code", "KPI")
    assert len(tables) == len(report.kpi_groups)
    rows = {row.cells[0].text: [c.text for c in row.cells] for t in tables for row in t.rows[1:]}
    assert list(rows) == [k.code for g in report.kpi_groups for k in g.kpis]
    arrears = rows["HOU03"]  # lower is better: 2.7 in Q1, 2.6 in Q2 against 2.5
    assert arrears[3:10] == ["Lower", "2.5", "2.7", "2.6", "—", "—", "2.6"]  # Q3 and Q4 are still to come
    assert arrears[10].startswith("◆ Within tolerance") and arrears[11] == "↑ Improving"
    assert arrears[15].startswith("Q1: Usual rise") and "No commentary for Q2 (required when not on target)" in arrears[15]
    # An activity indicator: figures and a trend, never a status.
    assert rows["CSP01"][3] == "Neither (activity)" and rows["CSP01"][10] == "~ Monitor only" and rows["CSP01"][11] == "↘ Down"


def test_user_text_is_printed_as_typed():
    nasty = '<b>[red]x | &amp; "q"</b>'
    document = Document.model_validate(
        {
            "portfolio": {"name": nasty, "council": "Bell\x07 council"},
            "ambitions": [{"code": "A1", "title": f"{nasty}\nsecond line"}],
            "projects": [
                {
                    "code": "SP-1", "name": nasty, "lead": nasty, "stage": "delivery", "ambitions": ["A1"],
                    "reviews": [{"quarter": str(Q), "status": "published", "rag": "red", "commentary": f"{nasty}\nline two"}],
                }
            ],
        }
    )
    paper = _open(render_docx(build_report(document, Q)))
    assert f"{nasty} · Bell\ufffd council" in [p.text for p in paper.paragraphs]  # a control character XML cannot hold
    assert f"A1 {nasty} second line" in _styled(paper, "Heading 2")
    row = [c.text for c in _table(paper, "Code")[0].rows[1].cells]
    assert row[1:3] == [nasty, nasty]
    assert row[4] == "▲ Red"
    assert row[9] == f"{nasty}\nline two"


def test_an_empty_portfolio_renders():
    paper = _open(render_docx(build_report(Document(), Q)))
    assert "No ambitions or projects recorded yet." in [p.text for p in paper.paragraphs]
    assert [s.orientation for s in paper.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.PORTRAIT]


def test_python_docx_loads_only_for_the_word_report():
    code = "import sys; from projtui.cli import root; from projtui.report import markdown; print('docx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
