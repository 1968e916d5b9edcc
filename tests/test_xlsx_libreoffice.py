"""The workbooks read by a third program: LibreOffice Calc opens them headless and saves every sheet as CSV.

A workbook Calc would have to repair does not convert; one that does, shows
its cells as formatted (pounds, day-first dates, percentages), which the
CSV keeps ("save cell contents as shown"). One conversion per workbook, in
a fresh profile and HOME so it never touches, or waits on, anyone's own
LibreOffice.
"""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import pytest

from projtui.domain.quarter import Quarter
from projtui.domain.rag import rag_word
from projtui.report.model import build_report
from projtui.report.portfolio_xlsx import write_portfolio
from projtui.report.workbook import workbook_chunks
from projtui.report.xlsx import report_chunks
from projtui.services.transfer import sample_text
from projtui.snapshot.reader import read_document

pytestmark = pytest.mark.libreoffice

Q = Quarter.parse("2026/27 Q2")
CONVERT_SECONDS = 300  # a cold start on a loaded 2-core machine
# Comma, double quote, UTF-8, from line 1; then: as shown, and every sheet (-1) to its own file (LibreOffice 7.2 and later).
ALL_SHEETS_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def _convert(libreoffice: str, base: Path, name: str, data: bytes) -> dict[str, list[dict]]:
    book = base / f"{name}.xlsx"
    book.write_bytes(data)
    command = [
        libreoffice, f"-env:UserInstallation={(base / 'profile').as_uri()}",
        "--headless", "--convert-to", ALL_SHEETS_AS_SHOWN, "--outdir", str(base / "out"), str(book),
    ]
    result = subprocess.run(command, env={**os.environ, "HOME": str(base)}, capture_output=True, text=True, timeout=CONVERT_SECONDS, check=False)
    sheets = {}
    for path in sorted((base / "out").glob(f"{name}-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix(f"{name}-")] = list(csv.DictReader(handle))
    if not sheets:
        pytest.fail(f"LibreOffice did not convert {book.name} (exit {result.returncode}): {result.stderr.strip()}", pytrace=False)
    return sheets


@pytest.fixture(scope="module")
def document():
    return read_document(sample_text(), source="sample")


def test_calc_opens_the_export_and_reads_every_sheet(libreoffice, tmp_path, document):
    data = b"".join(workbook_chunks(
        lambda book: write_portfolio(book, document.ambitions, document.projects, Q, document.portfolio, document.kpis)))
    sheets = _convert(libreoffice, tmp_path, "portfolio", data)
    assert set(sheets) == {"Ambitions", "Projects", "Benefits", "Measures", "Reviews", "KPIs", "KPI figures", "Outputs", "Outcomes",
                           "Measure definitions", "Targets", "Forecasts", "Benchmarks", "Risks", "Priorities", "Portfolio"}
    # The KPIs (issue 13): one row each, a row per quarter, and the benchmarks of project measures and KPIs alike.
    assert [r["KPI code"] for r in sheets["KPIs"]] == [k.code for k in document.kpis] and len(document.kpis) == 23
    assert {r["KPI code"] for r in sheets["KPI figures"]} == {k.code for k in document.kpis}
    assert all(r["Quarter"] == str(Quarter.parse(r["Quarter"])) for r in sheets["KPI figures"])  # a quarter as text, never a date
    held = [b for p in document.projects for item in (*p.outcomes, *p.benefits) for m in item.measures for b in m.benchmarks]
    assert len(sheets["Benchmarks"]) == len(held) + sum(len(k.benchmarks) for k in document.kpis) > 0
    assert {r["Year"] for r in sheets["Benchmarks"]} == {str(b.period) for b in held}
    # The sheets the round trip into an empty database needs (issue 15), numbers written to the last bit and all.
    assert [r["Portfolio name"] for r in sheets["Portfolio"]] == [document.portfolio.name]
    placed = [(p.code, m.code) for p in document.projects for item in (*p.outcomes, *p.benefits) for m in item.measures]
    assert [(r["Project"], r["Measure code"]) for r in sheets["Measure definitions"]] == placed
    assert len(sheets["Risks"]) == sum(len(p.risks) for p in document.projects) > 0
    assert len(sheets["Priorities"]) == sum(len(a.priorities) for a in document.ambitions) > 0
    assert [row["Code"] for row in sheets["Ambitions"]] == [a.code for a in document.ambitions]

    first = document.projects[0]
    row = sheets["Projects"][0]
    assert row["Code"] == first.code and row["Name"] == first.name
    assert row["Budget"] == f"£{first.budget_pence / 100:,.2f}"
    assert row["Start"] == first.start_date.strftime("%d/%m/%Y")
    latest = max(first.reviews, key=lambda r: r.quarter)
    assert row["Latest RAG"] == rag_word(latest.rag) and row["Latest review"] == latest.quarter.label

    measures = sheets["Measures"]
    assert len(measures) > len(document.projects)
    m1 = next(r for r in measures if r["Project"] == first.code and r["Quarter"] == str(Q))
    assert m1["Status"] in {"On target", "Within tolerance", "Off target", "No data", "Not due", "Monitor only"}
    assert {r["Quarter"] for r in measures} <= {q.label for q in Quarter.range(Quarter.parse("2020/21 Q1"), Q)}
    # A measure in pounds shows its figures as money (issue 15); a measure in any other unit, never.
    money = next(r for r in measures if r["Unit"] == "£" and r["Actual"] and not r["Actual"].startswith("-"))
    held = next(m for p in document.projects if p.code == money["Project"] for item in (*p.outcomes, *p.benefits) for m in item.measures
                if m.code == money["Measure code"])
    assert money["Actual"] == f"£{held.actuals[Quarter.parse(money['Quarter'])]:,.2f}"
    assert not any(r[header].startswith("£") for r in measures if r["Unit"] != "£" for header in ("Actual", "Target"))


def test_calc_opens_the_report_workbook(libreoffice, tmp_path, document):
    report = build_report(document, Q)
    sheets = _convert(libreoffice, tmp_path, "report", b"".join(report_chunks(report)))
    assert set(sheets) == {"Summary", "Appendix A KPIs", "By ambition", "Projects", "Measures"}
    # Appendix A's quarters are numbers Calc reads back as the report's figures.
    kpis = {r["KPI code"]: r for r in sheets["Appendix A KPIs"]}
    assert list(kpis) == [k.code for g in report.kpi_groups for k in g.kpis] and kpis
    some = next(k for g in report.kpi_groups for k in g.kpis if k.year_to_date is not None)
    assert float(kpis[some.code]["Year to date"]) == some.year_to_date
    assert [(r["Code"], r["RAG"]) for r in sheets["Projects"]] == [(p.code, rag_word(p.rag)) for s in report.sections for p in s.projects]
    assert [r["Status"] for r in sheets["Measures"]] == [m.figures.status.label for s in report.sections for m in s.measures]
    rated = next(m for s in report.sections for m in s.measures if m.figures.achievement is not None)
    row = next(r for r in sheets["Measures"] if (r["Project"], r["Measure code"]) == (rated.project, rated.code))
    assert row["Of the way"] == f"{rated.figures.achievement:.0%}"
    money = next(m for s in report.sections for m in s.measures if m.unit == "£" and (m.figures.target or 0) > 0)
    row = next(r for r in sheets["Measures"] if (r["Project"], r["Measure code"]) == (money.project, money.code))
    assert row["Target"] == f"£{money.figures.target:,.2f}"
    assert not any(r["Target"].startswith("£") for r in sheets["Measures"] if r["Unit"] != "£")
