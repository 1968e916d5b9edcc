"""`projtui report --format xlsx` read back by openpyxl: the report model's rows and statuses, as typed cells."""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pytest
from conftest import run_cli_to_terminal

from projtui.domain.formatting import format_number
from projtui.domain.measures import MeasureStatus, describe_year_end
from projtui.domain.quarter import Quarter
from projtui.domain.rag import rag_word
from projtui.report.model import build_report
from projtui.report.xlsx import KPIS, MEASURES, PROJECTS, report_chunks
from projtui.services.transfer import sample_text
from projtui.snapshot.document import Document
from projtui.snapshot.reader import read_document

Q = Quarter.parse("2026/27 Q2")


def _book(report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(report_chunks(report))))


def _records(sheet) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def sample():
    report = build_report(read_document(sample_text(), source="sample"), Q)
    return _book(report), report


def test_the_sheets_have_frozen_headers_and_filters(sample):
    book, _ = sample
    assert book.sheetnames == ["Summary", "Appendix A KPIs", "By ambition", "Projects", "Measures"]
    assert [c.value for c in book["Appendix A KPIs"][1]] == [c.header for c in KPIS]
    assert [c.value for c in book["Projects"][1]] == [c.header for c in PROJECTS]
    assert [c.value for c in book["Measures"][1]] == [c.header for c in MEASURES]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"


def test_projects_are_the_reports_rows_in_its_order(sample):
    book, report = sample
    expected = [
        (s.heading, p.code, rag_word(p.rag), p.change.label, str(p.benefits), p.budget_pence / 100 if p.budget_pence else None)
        for s in report.sections for p in s.projects
    ]
    got = [(r["Ambition"], r["Code"], r["RAG"], r["Change"], r["Benefits on track"], r["Budget"]) for r in _records(book["Projects"])]
    assert got == expected
    budget = book["Projects"].cell(2, [c.header for c in PROJECTS].index("Budget") + 1)
    assert budget.data_type == "n" and budget.number_format == "£#,##0.00"


def test_measures_are_the_reports_statuses_and_figures(sample):
    book, report = sample
    expected = [
        (m.project, m.code, m.figures.status.label, m.figures.target, m.figures.actual, m.figures.achievement, m.figures.travel_vs_last_year.label)
        for s in report.sections for m in s.measures
    ]
    records = _records(book["Measures"])
    got = [(r["Project"], r["Measure code"], r["Status"], r["Target"], r["Actual"], r["Of the way"], r["vs same quarter last year"]) for r in records]
    assert len(got) == len(expected)
    for row, wanted in zip(got, expected, strict=True):
        assert row == pytest.approx(wanted), row
    assert {r["Status"] for r in records} >= {"On target", "Off target"}
    column = [c.header for c in MEASURES].index("Of the way") + 1
    rated = next(row for row in range(2, book["Measures"].max_row + 1) if book["Measures"].cell(row, column).value is not None)
    assert book["Measures"].cell(rated, column).number_format == "0%"


def test_the_summary_counts_are_the_reports(sample):
    book, report = sample
    s = report.summary
    rows = {(r["Table"], r["Item"]): r["Count"] for r in _records(book["Summary"])}
    assert {item: n for (table, item), n in rows.items() if table == "Projects by overall RAG"} == {rag_word(r): n for r, n in s.by_rag.items()}
    # The sample has KPIs, so measures are counted as KPIs, project measures and both together.
    for group in s.count_groups:
        assert {item: n for (table, item), n in rows.items() if table == group.heading} == {
            st.label: n for st, n in group.counts[0].counts.by_status.items()
        }
    kpis, projects, both = (rows[(f"{label} by status", "On target")] for label in ("KPIs", "Project measures", "KPIs and project measures"))
    assert projects == s.by_status[MeasureStatus.ON_TARGET] and both == kpis + projects and kpis > 0
    assert rows[("Benefits", "On track")] == s.benefits.on_track
    by_ambition = _records(book["By ambition"])
    assert [(r["Ambition"], r["Total"]) for r in by_ambition] == [(sec.heading, len(sec.projects)) for sec in report.sections]


def test_appendix_a_is_a_row_per_kpi_with_its_quarters_as_numbers(sample):
    book, report = sample
    expected = [
        (g.heading, k.code, *(q.actual for q in k.quarters), k.year_to_date, k.figures.status.label, k.owner)
        for g in report.kpi_groups for k in g.kpis
    ]
    records = _records(book["Appendix A KPIs"])
    got = [(r["Ambition"], r["KPI code"], r["Q1"], r["Q2"], r["Q3"], r["Q4"], r["Year to date"], r["Status"], r["Owner"]) for r in records]
    assert got == expected and len(got) >= 20
    # The year's commentary, quarter by quarter, in one cell.
    arrears = next(r for r in records if r["KPI code"] == "HOU03")
    assert arrears["Commentary"].startswith("Q1: ") and arrears["Commentary missing"] == "yes"


def test_an_empty_portfolio_renders():
    book = _book(build_report(Document(), Q))
    assert book["Projects"].max_row == 1 and book["Measures"].max_row == 1


def test_o_name_xlsx_writes_the_workbook(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    out = tmp_path / "report.xlsx"
    result = cli("report", "-q", str(Q), "--db", db, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert openpyxl.load_workbook(out).sheetnames == ["Summary", "Appendix A KPIs", "By ambition", "Projects", "Measures"]

    refused = run_cli_to_terminal("report", "-q", str(Q), "--db", db, "--format", "xlsx", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == ["error: --format xlsx needs -o FILE: a workbook is not text, so it is not shown on a terminal"]


def test_xlsxwriter_loads_only_when_a_workbook_is_written():
    code = (
        "import sys; from projtui.cli import root, report, snapshots; from projtui.report import markdown; "
        "import projtui.services.transfer; print('xlsxwriter' in sys.modules); "
        "import projtui.report.xlsx; print('xlsxwriter' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]


def test_measures_carry_the_reports_year_end_and_trend_forecasts(sample):
    book, report = sample
    measures = [m for s in report.sections for m in s.measures]
    records = _records(book["Measures"])
    columns = ("Year-end forecast", "Year-end forecast status", "Trend forecast", "Trend forecast by", "Trend forecast outlook")
    for m, r in zip(measures, records, strict=True):
        f, trend = m.figures, m.figures.realisation
        # What the md/html report prints in its two forecast cells, split into the workbook's columns.
        year_end = describe_year_end(f.year_end_forecast, f.year_end_status)
        shown = f"{format_number(r['Year-end forecast'])} ({f.year_end_status.symbol} {r['Year-end forecast status']})"
        assert year_end in ({""} if r["Year-end forecast"] is None else {format_number(r["Year-end forecast"]), shown}), (m.code, r)
        assert trend.describe() in {
            r["Trend forecast outlook"],
            f"{format_number(r['Trend forecast'])} by {r['Trend forecast by']}",
            f"{format_number(r['Trend forecast'])} by {r['Trend forecast by']}: {trend.outlook.symbol} {r['Trend forecast outlook']}",
        }, (m.code, r)
    # The sample holds each kind, so none of the checks above passes by its column being empty.
    assert all(any(r[c] is not None for r in records) for c in columns)
    assert any(r["Trend forecast"] is None and r["Trend forecast outlook"] for r in records)
    sheet, header = book["Measures"], [c.header for c in MEASURES]
    forecast = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, header.index("Trend forecast") + 1).value is not None)
    assert sheet.cell(forecast, header.index("Trend forecast") + 1).data_type == "n"


def test_a_money_measures_figures_are_in_the_currency_format_and_no_other_measures_are():
    """Measures and Appendix A: every figure of a measure or KPI in pounds has the currency format, those of no other unit (issue 15)."""
    document = read_document(sample_text(), source="sample")
    kpis = [document.kpis[0].model_copy(update={"unit": "£"}), *document.kpis[1:]]  # the sample has no KPI in pounds
    book = _book(build_report(document.model_copy(update={"kpis": kpis}), Q))
    seen = set()
    for name, columns in (("Measures", MEASURES), ("Appendix A KPIs", KPIS)):
        worksheet = book[name]
        headers = [cell.value for cell in worksheet[1]]
        figures = [c.header for c in columns if c.in_unit]
        for row in worksheet.iter_rows(min_row=2):
            cells = dict(zip(headers, row, strict=True))
            money = cells["Unit"].value == "£"
            for header in figures:
                if cells[header].value is not None:
                    assert cells[header].data_type == "n", (name, header)
                    assert (cells[header].number_format == "£#,##0.00") is money, (name, header, cells[header].row)
                    seen.add((name, header, money))
    for name, header in (("Measures", "Actual"), ("Measures", "Target"), ("Measures", "Baseline"), ("Appendix A KPIs", "Q1"),
                         ("Appendix A KPIs", "Target")):
        assert {(name, header, True), (name, header, False)} <= seen, (name, header)
