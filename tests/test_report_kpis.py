"""The report's Appendix A (KPIs by ambition) and its KPI counts (issue 13), read back from the Markdown and HTML tables."""

from __future__ import annotations

from test_report import Q, _document, _parse, _tables
from test_report_benchmarks import _cells, _markdown_rows, _report_document

from projtui.domain.measures import MeasureStatus
from projtui.report import html as report_html
from projtui.report import markdown as report_md
from projtui.report.model import build_report
from projtui.snapshot.document import Document

APSE = {"period": "2025/26", "source": "APSE family group", "lower_quartile": 35.0, "median": 40.0, "upper_quartile": 45.0}

KPIS = [
    # Higher is better. 2025/26 ended at 38: the 3rd quartile. Q3's figure and commentary are after the report's quarter.
    {"code": "K1", "name": "Recycling rate", "service": "Waste", "owner": "Ann Owner", "ambitions": ["A1", "A2"], "unit": "%",
     "target": 40.0, "tolerance": 10.0,
     "actuals": {"2025/26 Q3": 36.0, "2025/26 Q4": 38.0, "2026/27 Q1": 41.0, "2026/27 Q2": 37.0, "2026/27 Q3": 99.0},
     "forecasts": {"2026/27 Q2": 39.0},
     "commentary": {"2025/26 Q4": "Last year's.", "2026/27 Q1": "Good start.", "2026/27 Q2": "Garden waste <b>down</b> | wet summer.",
                    "2026/27 Q3": "Not yet written."},
     "benchmarks": [APSE]},
    # A running total: the year to date is the latest, not a sum of the quarters.
    {"code": "K2", "name": "Homes insulated", "ambitions": ["A2"], "target": 100.0, "aggregation": "cumulative",
     "actuals": {"2026/27 Q1": 20.0, "2026/27 Q2": 45.0}},
    # An activity indicator linked to no ambition: figures and a trend, never a status.
    {"code": "K3", "name": "Domestic abuse crimes", "direction": "none", "actuals": {"2026/27 Q1": 300.0, "2026/27 Q2": 320.0}},
    # Off target, and nothing said about it.
    {"code": "K4", "name": "Days to pay invoices", "direction": "lower", "ambitions": ["A1"], "target": 10.0,
     "actuals": {"2026/27 Q2": 14.0}},
]


def _with_kpis() -> Document:
    return _report_document().model_copy(update={"kpis": Document.model_validate({"kpis": KPIS}).kpis})


def test_appendix_a_groups_kpis_by_primary_ambition():
    report = build_report(_with_kpis(), Q)
    assert [(g.heading, [k.code for k in g.kpis]) for g in report.kpi_groups] == [
        ("A1 A Greener District", ["K1", "K4"]), ("A2 A Fairer Economy", ["K2"]), ("KPIs linked to no ambition", ["K3"]),
    ]


def test_markdown_appendix_a_rows():
    text = report_md.render_markdown(build_report(_with_kpis(), Q))
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:4] == ["## Summary", "## Appendix A – KPIs", "## Appendix B – Projects", "## A1 A Greener District"]
    assert "### KPIs linked to no ambition" in text
    assert "2 KPIs: 1 within tolerance, 1 off target." in text
    rows = {}
    for table in _tables(text):
        if "Year to date" in table[0]:
            header = _cells(table[0])
            rows.update({_cells(line)[0]: dict(zip(header, _cells(line))) for line in table[2:]})
    k1 = rows["K1"]
    assert (k1["KPI"], k1["Good is"], k1["Target"]) == ("Recycling rate<br>Waste", "Higher", "40")
    assert [k1[q] for q in ("Q1", "Q2", "Q3", "Q4")] == ["41", "37", "—", "—"]  # Q3's 99 comes after the report's quarter
    assert k1["Year to date"] == "37"
    assert k1["Status"].startswith("◆ Within tolerance") and k1["vs previous quarter"] == "↓ Worsening"
    assert k1["Year-end forecast"] == "39 (◆ Within tolerance)"
    assert k1["Benchmark"] == "3rd quartile (APSE family group 2025/26, median 40)"
    assert k1["Owner"] == "Ann Owner"
    # This year's commentary, quarter by quarter, to the report's quarter; user text stays literal.
    assert k1["Commentary"] == r"Q1: Good start.<br>Q2: Garden waste \<b\>down\</b\> \| wet summer."
    assert rows["K2"]["Year to date"] == "45" and [rows["K2"][q] for q in ("Q1", "Q2")] == ["20", "45"]
    assert (rows["K3"]["Good is"], rows["K3"]["Status"], rows["K3"]["vs previous quarter"]) == ("Neither (activity)", "~ Monitor only", "↗ Up")
    assert rows["K4"]["Commentary"] == "**No commentary for Q2** (required when not on target)"


def test_html_appendix_a_rows():
    page = _parse(report_html.render_html(build_report(_with_kpis(), Q)))
    kpis = [t for t in page.tables if t["class"] == "kpis"]
    assert len(kpis) == 3
    header = kpis[0]["rows"][0]
    rows = {row[0]: dict(zip(header, row)) for t in kpis for row in t["rows"][1:]}
    k1 = rows["K1"]
    assert [k1[q] for q in ("Q1", "Q2", "Q3", "Q4", "Year to date")] == ["41", "37", "—", "—", "37"]
    assert k1["Status"] == "◆ Within tolerance" and k1["Benchmark"] == "3rd quartile (APSE family group 2025/26, median 40)"
    assert k1["Commentary"] == "Q1: Good start.Q2: Garden waste <b>down</b> | wet summer."
    assert rows["K3"]["Status"] == "~ Monitor only" and rows["K4"]["Commentary"].startswith("No commentary for Q2")


def _counts(text: str, heading: str) -> dict[str, list[str]]:
    section = text.split(f"### {heading}\n", 1)[1]
    _, rows = _markdown_rows(section.split("\n### ", 1)[0], "Same quarter last year")
    return {row[0]: row[1:] for row in rows}


def test_summary_counts_kpis_and_project_measures_apart_and_together():
    text = report_md.render_markdown(build_report(_with_kpis(), Q))
    kpis, projects, both = (_counts(text, f"{label} by status") for label in ("KPIs", "Project measures", "KPIs and project measures"))
    # This quarter: K1 within tolerance, K2 (45 against 50 to date) off target, K3 monitor only, K4 off target.
    assert [kpis[f"{s.symbol} {s.label}"][0] for s in MeasureStatus] == ["0", "1", "2", "0", "0", "1"]
    assert projects == _counts(report_md.render_markdown(build_report(_report_document(), Q)), "Measures by status")
    for status, row in both.items():
        assert [_number(n) for n in row] == [_number(a) + _number(b) for a, b in zip(kpis[status], projects[status])], status
    assert "This quarter (2026/27 Q2): 1 of 3 with targets on or within target (33.3%); 1 without target." in text


def _number(cell: str) -> int:
    return int(cell.strip("*"))


def test_without_kpis_there_is_no_appendix_a_and_measures_are_counted_once():
    text = report_md.render_markdown(build_report(_document(), Q))
    assert "Appendix A" not in text and "Appendix B" not in text and "### KPIs by status" not in text
    assert "### Measures by status" in text
