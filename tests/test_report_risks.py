"""The report lists each amber or red project's open risks and issues, with score and mitigation, in Markdown, HTML and Word."""

from __future__ import annotations

import io

from test_report import NASTY, Q, _document, _parse, _tables, _well_formed

from projtui.domain.enums import Rag
from projtui.domain.risks import RiskBands, RiskKind
from projtui.report import html as report_html
from projtui.report import markdown as report_md
from projtui.report.model import build_report

RISKS = [
    {"code": "R01", "title": "Cost inflation", "likelihood": 3, "impact": 4, "owner": "Ann Lead", "mitigation": "Fixed prices | now"},
    {"code": "R02", "title": NASTY, "kind": "issue", "likelihood": 5, "impact": 4, "mitigation": "Temporary boilers"},
    {"code": "R03", "title": "Closed already", "status": "closed", "likelihood": 5, "impact": 5},
    {"code": "R04", "title": "Raised after the quarter", "likelihood": 5, "impact": 5, "raised_on": "2026-10-01"},
    {"code": "R05", "title": "Small", "likelihood": 1, "impact": 2, "raised_on": "2026-09-30"},
]


def _with_risks(rag_of_bins: str = "red"):
    document = _document()
    depot, bins, idea = document.projects
    risky = [r.model_copy(update={}) for r in depot.model_validate({**depot.model_dump(), "risks": RISKS}).risks]
    bins = bins.model_copy(update={"risks": risky, "reviews": [bins.reviews[0].model_copy(update={"rag": Rag(rag_of_bins)})]})
    green_idea = idea.model_copy(update={"risks": risky})  # not reviewed: none listed
    return document.model_copy(update={"projects": [depot.model_copy(update={"risks": risky}), bins, green_idea]})


def _risks(report, code):
    return next(p for s in report.sections for p in s.projects if p.code == code).risks


def test_amber_and_red_projects_list_their_open_risks_highest_score_first():
    report = build_report(_with_risks(), Q)
    depot = _risks(report, "SP-1")  # amber
    assert [(r.code, r.score, r.rag, r.caption, r.kind) for r in depot] == [
        ("R02", 20, Rag.RED, "20 ▲ Red", RiskKind.ISSUE),
        ("R01", 12, Rag.AMBER, "12 ◆ Amber", RiskKind.RISK),
        ("R05", 2, Rag.GREEN, "2 ● Green", RiskKind.RISK),
    ]
    assert depot[1].mitigation == "Fixed prices | now" and depot[1].owner == "Ann Lead"
    assert [r.code for r in _risks(report, "SP-2")] == ["R02", "R01", "R05"]  # red
    assert _risks(report, "SP-10") == ()  # no rating this quarter


def test_a_green_project_lists_none_and_the_bands_come_from_the_caller():
    report = build_report(_with_risks("green"), Q, bands=RiskBands(amber=3, red=12))
    assert _risks(report, "SP-2") == ()
    assert [r.rag for r in _risks(report, "SP-1")] == [Rag.RED, Rag.RED, Rag.GREEN]


def test_markdown_has_a_risks_table_per_ambition_with_user_text_escaped():
    text = report_md.render_markdown(build_report(_with_risks(), Q))
    assert "### Open risks and issues of amber and red projects" in text
    a1, a2 = [t for t in _tables(text) if t[0].startswith("| Project | Code | Risk or issue")]  # SP-2 under A1, SP-1 under A2
    assert [row.split(" | ")[0] for row in a1[2:]] == ["| SP-2"] * 3
    table = a2
    assert table[0] == "| Project | Code | Risk or issue | Kind | Score | Owner | Mitigation or action |"
    assert table[2] == r"| SP-1 | R02 | \<script\>alert(1)\</script\> & \[red\]x | Issue | 20 ▲ Red | — | Temporary boilers |"
    assert table[3] == r"| SP-1 | R01 | Cost inflation | Risk | 12 ◆ Amber | Ann Lead | Fixed prices \| now |"
    assert len(table) == 2 + 3  # header, rule, SP-1's three


def test_html_has_a_risks_table_with_score_shape_and_word():
    text = report_html.render_html(build_report(_with_risks(), Q))
    _well_formed(text)
    page = _parse(text)
    tables = [t for t in page.tables if t["class"] == "risks"]
    rows = [row for t in tables for row in t["rows"][1:]]
    assert rows[0] == ["SP-2", "R02", NASTY, "Issue", "20 ▲ Red", "—", "Temporary boilers"]  # A1's section comes first
    assert ["SP-1", "R01", "Cost inflation", "Risk", "12 ◆ Amber", "Ann Lead", "Fixed prices | now"] in rows
    assert "<script>" not in text


def test_word_has_the_risks_table():
    from docx import Document as WordDocument

    from projtui.report.docx import render_docx

    word = WordDocument(io.BytesIO(render_docx(build_report(_with_risks(), Q))))
    tables = [t for t in word.tables if len(t.columns) == 7 and t.rows[0].cells[2].text == "Risk or issue"]
    cells = [[c.text for c in row.cells] for t in tables for row in t.rows[1:]]
    assert ["SP-1", "R02", NASTY, "Issue", "20 ▲ Red", "—", "Temporary boilers"] in cells
