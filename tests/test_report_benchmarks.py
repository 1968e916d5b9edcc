"""The report's measures by status beside last quarter and last year, and its benchmark column (issue 13), read back from the Markdown and HTML tables."""

from __future__ import annotations

import re

from test_report import Q, _document, _parse, _tables

from projtui.domain.measures import MeasureStatus
from projtui.domain.quarter import Quarter
from projtui.report import html as report_html
from projtui.report import markdown as report_md
from projtui.report.model import build_report, count_measures
from projtui.snapshot.document import Document, Measure

APSE = {"period": "2025/26", "source": "APSE family group", "lower_quartile": 55.0, "median": 62.0, "upper_quartile": 70.0}


def _measures() -> list[dict]:
    return [
        # 2026/27 Q2 within tolerance (75 against 80, 10 %), Q1 on target, a year ago off target.
        {"code": "M1", "name": "Higher is better", "unit": "%", "target": 80.0, "tolerance": 10.0,
         "actuals": {"2025/26 Q2": 60.0, "2026/27 Q1": 85.0, "2026/27 Q2": 75.0},
         "notes": {"2026/27 Q2": "Dipped."},
         # 2025/26's figure is its last actual, 60: between the lower quartile and the median. 2026/27 has not ended.
         "benchmarks": [APSE, {"period": "2026/27", "source": "APSE family group", "median": 90.0}]},
        # Off target last quarter, nothing this quarter: no data (and none a year ago, when it was already due).
        {"code": "M2", "name": "Lower is better", "direction": "lower", "target": 10.0, "actuals": {"2025/26 Q1": 9.0, "2026/27 Q1": 12.0},
         "benchmarks": [{"period": "2025/26", "source": "A|B <i>club</i>", "value": 8.0}]},
        {"code": "M3", "name": "Calls received", "direction": "none", "actuals": {"2026/27 Q2": 900.0}},
        {"code": "M4", "name": "Annual", "target": 5.0, "frequency": "annually", "actuals": {"2025/26 Q4": 4.0}},
    ]


def _report_document() -> Document:
    project = {"code": "SP-1", "name": "Benchmarked", "stage": "delivery", "ambitions": ["A1"],
               "benefits": [{"code": "B1", "title": "Better", "measures": _measures()}]}
    return _document(projects=[project])


def test_counts_this_quarter_last_quarter_and_a_year_ago():
    s = build_report(_report_document(), Q).summary
    assert [(c.heading, c.quarter) for c in s.measure_counts] == [
        ("This quarter", Q), ("Last quarter", Quarter(2026, 1)), ("Same quarter last year", Quarter(2025, 2)),
    ]
    now, before, last_year = (c.counts for c in s.measure_counts)
    assert (now.rated, now.on_or_within, now.by_status[MeasureStatus.NO_DATA], now.by_status[MeasureStatus.NOT_DUE]) == (1, 1, 1, 1)
    assert (before.rated, before.on_or_within, before.by_status[MeasureStatus.OFF_TARGET]) == (2, 1, 1)
    assert (last_year.rated, last_year.on_or_within, last_year.by_status[MeasureStatus.NO_DATA]) == (1, 0, 1)
    assert s.by_status == dict(now.by_status) and s.measures == 4 == now.total


def test_any_list_of_measures_is_counted_and_a_plan_not_yet_started_is_not_missing():
    measures = [Measure.model_validate(m) for m in _measures()]
    (now, *_) = count_measures([(m, None) for m in measures], Q)
    assert now.counts.by_status[MeasureStatus.NO_DATA] == 1
    # The same measures serving a benefit whose realisation starts next year: M2 is not due yet, not missing.
    (later, *_) = count_measures([(m, Quarter(2027, 1)) for m in measures if m.code == "M2"], Quarter(2024, 1))
    assert later.counts.by_status[MeasureStatus.NOT_DUE] == 1 and later.counts.total == 1


def test_the_first_year_of_the_calendar_has_no_year_before():
    assert [c.heading for c in count_measures([], Quarter(1900, 1))] == ["This quarter"]
    assert [c.heading for c in count_measures([], Quarter(1900, 2))] == ["This quarter", "Last quarter"]


def _cells(line: str) -> list[str]:
    # A user's "|" is escaped as "\|": only the bare ones part cells.
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().removeprefix("|").removesuffix("|"))]


def _markdown_rows(text: str, marker: str) -> tuple[list[str], list[list[str]]]:
    [table] = [t for t in _tables(text) if marker in t[0]]
    return _cells(table[0]), [_cells(line) for line in table[2:]]


def test_markdown_summary_sentence_and_counts_table():
    text = report_md.render_markdown(build_report(_report_document(), Q))
    assert (
        "This quarter (2026/27 Q2): 1 of 1 with targets on or within target (100.0%); 1 without target; 1 no data; 1 not due. "
        "Last quarter (2026/27 Q1): 1 of 2 with targets on or within target (50.0%); 1 without target; 1 not due. "
        "Same quarter last year (2025/26 Q2): 0 of 1 with targets on or within target (0.0%); 1 without target; 1 no data; 1 not due."
    ) in text
    header, rows = _markdown_rows(text, "Same quarter last year")
    assert header == ["Status", "This quarter (2026/27 Q2)", "Last quarter (2026/27 Q1)", "Same quarter last year (2025/26 Q2)"]
    by_status = {row[0]: row[1:] for row in rows}
    assert by_status["● On target"] == ["0", "1", "0"]
    assert by_status["▲ Off target"] == ["0", "1", "1"]
    assert by_status["? No data"] == ["1", "0", "1"]
    assert by_status["**Total**"] == ["**4**", "**4**", "**4**"]


def test_markdown_benchmark_column():
    text = report_md.render_markdown(build_report(_report_document(), Q))
    header, rows = _markdown_rows(text, "Trend forecast")
    cells = {row[1].split()[0]: dict(zip(header, row)) for row in rows}
    assert cells["M1"]["Benchmark"] == "3rd quartile (APSE family group 2025/26, median 62)"
    # Lower is better: 12 is worse than the comparator's 8. User text stays literal.
    assert cells["M2"]["Benchmark"] == r"Worse than the comparator (A\|B \<i\>club\</i\> 2025/26, comparator 8)"
    assert cells["M3"]["Benchmark"] == "—"


def test_html_summary_and_benchmark_column():
    page = _parse(report_html.render_html(build_report(_report_document(), Q)))
    [counts] = [t for t in page.tables if t["class"] == "counts" and "Same quarter last year (2025/26 Q2)" in t["rows"][0]]
    by_status = {row[0]: row[1:] for row in counts["rows"][1:]}
    assert by_status["● On target"] == ["0", "1", "0"] and by_status["Total"] == ["4", "4", "4"]
    [measures] = [t for t in page.tables if t["class"] == "measures"]
    header = measures["rows"][0]
    cells = {row[1].split()[0]: dict(zip(header, row)) for row in measures["rows"][1:]}
    assert cells["M1"]["Benchmark"] == "3rd quartile (APSE family group 2025/26, median 62)"
    assert cells["M2"]["Benchmark"] == "Worse than the comparator (A|B <i>club</i> 2025/26, comparator 8)"
    assert cells["M4"]["Benchmark"] == "—"


def test_workbook_carries_the_benchmark_and_the_earlier_quarters_counts():
    from test_report_xlsx import _book, _records

    book = _book(build_report(_report_document(), Q))
    measures = {r["Measure code"]: r for r in _records(book["Measures"])}
    assert measures["M1"]["Benchmark"] == "3rd quartile (APSE family group 2025/26, median 62)" and measures["M3"]["Benchmark"] is None
    summary = [(r["Table"], r["Item"], r["Count"]) for r in _records(book["Summary"])]
    assert ("Measures by status", "No data", 1) in summary
    assert ("Measures by status last quarter (2026/27 Q1)", "Off target", 1) in summary
    assert ("Measures by status same quarter last year (2025/26 Q2)", "Off target", 1) in summary
