"""`projtui export --format xlsx` read back by a second program (openpyxl): sheets, headers, Excel types, and the one rule's figures.

The sample portfolio is exported once for the module; its figures are
checked against the screens and the report that judge the same data by
other paths: the portfolio's "benefits on track" and latest RAG columns,
and the quarterly report's statuses and targets.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli, run_cli_to_terminal

from projtui.domain.measures import MeasureRule, standing, year_figure
from projtui.domain.quarter import Quarter
from projtui.domain.rag import rag_word
from projtui.domain.records import (
    BenefitFields,
    MeasureFields,
    OutcomeFields,
    OutputFields,
    PortfolioFields,
    PriorityFields,
    ReviewFields,
    RiskFields,
)
from projtui.domain.sheets import (
    ACTUALS,
    AMBITIONS,
    BENCHMARKS,
    BENEFITS,
    FORECASTS,
    KPI_FIGURES,
    KPIS,
    MEASURE_DEFINITIONS,
    OUTCOMES,
    OUTPUTS,
    PORTFOLIO,
    PRIORITIES,
    PROJECTS,
    REVIEWS,
    RISKS,
    TARGETS,
)
from projtui.report.portfolio_xlsx import MEASURE_ROW, write_portfolio
from projtui.report.workbook import workbook_chunks
from projtui.services import kpis, plans, portfolio, portfolio_benefits
from projtui.services.opening import open_portfolio
from projtui.services.reporting import build_report
from projtui.services.reviews.quarter import default_review_quarter
from projtui.services.transfer import (
    ExportTally,
    export_snapshot,
    export_workbook,
    load_sample,
    sample_text,
)
from projtui.snapshot.reader import read_document

# The performance officer's five first, then those the round trip into an empty database needs (issue 15).
SHEETS = (AMBITIONS, PROJECTS, BENEFITS, ACTUALS, REVIEWS, KPIS, KPI_FIGURES, OUTPUTS, OUTCOMES, MEASURE_DEFINITIONS, TARGETS,
          FORECASTS, BENCHMARKS, RISKS, PRIORITIES, PORTFOLIO)


def _book(chunks) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(chunks)))


def _records(sheet) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample portfolio in a database, its workbook, and the database (open for the comparisons)."""
    database = open_portfolio(f"sqlite:///{tmp_path_factory.mktemp('xlsx') / 'sample.db'}", create=True)
    load_sample(database, actor="tester")
    tally = ExportTally()
    progress = []
    book = _book(export_workbook(database, progress=lambda phase, done, total: progress.append((phase, done, total)), tally=tally))
    yield database, book, tally, progress
    database.dispose()


def test_the_sheets_and_their_headers_are_the_shared_vocabulary(sample):
    _, book, _, _ = sample
    assert book.sheetnames == [sheet.name for sheet in SHEETS]
    for sheet in SHEETS:
        headers = [cell.value for cell in book[sheet.name][1]]
        assert headers == [column.header for column in sheet.columns], sheet.name


def test_every_sheet_has_its_header_frozen_and_a_filter_over_every_row(sample):
    _, book, _, _ = sample
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", sheet.title
        assert sheet.max_row > 1, sheet.title
        for letter in (sheet.cell(1, i).column_letter for i in range(1, sheet.max_column + 1)):
            assert 6 <= sheet.column_dimensions[letter].width <= 62, (sheet.title, letter)


def test_the_measure_rows_are_built_in_the_measures_sheets_column_order():
    assert MEASURE_ROW == tuple(column.field for column in ACTUALS.columns)


@pytest.mark.parametrize(("sheet", "record"), [
    (BENEFITS, BenefitFields), (REVIEWS, ReviewFields), (OUTPUTS, OutputFields), (OUTCOMES, OutcomeFields),
    (MEASURE_DEFINITIONS, MeasureFields), (RISKS, RiskFields), (PRIORITIES, PriorityFields), (PORTFOLIO, PortfolioFields),
])
def test_the_part_sheets_columns_are_the_records_fields(sheet, record):
    # Beside the record's own fields: where it hangs (project, ambition, serves), its links, and what is only written.
    besides = ("project", "ambition", "serves", "serves_code", "on_track", "outcomes", "benefits")
    assert [c.field for c in sheet.columns if c.field not in besides] == list(record.model_fields)


def test_money_is_pounds_with_a_currency_format_and_dates_are_dates(sample):
    _, book, _, _ = sample
    document = read_document(sample_text(), source="sample")
    first = document.projects[0]
    row = next(book["Projects"].iter_rows(min_row=2, max_row=2))
    cells = {header.value: cell for header, cell in zip(book["Projects"][1], row, strict=True)}
    assert cells["Code"].value == first.code
    assert cells["Budget"].data_type == "n" and cells["Budget"].value == first.budget_pence / 100
    assert cells["Budget"].number_format == "£#,##0.00"
    assert cells["Start"].is_date and cells["Start"].value.date() == first.start_date
    assert cells["Start"].number_format == "dd/mm/yyyy"

    reviews = book["Reviews"]
    headers = [c.value for c in reviews[1]]
    spent = reviews.cell(2, headers.index("Spend to date") + 1)
    assert spent.number_format == "£#,##0.00" and spent.value == first.reviews[0].spend_to_date_pence / 100
    published = reviews.cell(2, headers.index("Published on") + 1)
    assert isinstance(published.value, dt.datetime) and published.value.date() == first.reviews[0].published_on


def test_quarters_are_text_and_figures_are_numbers(sample):
    _, book, _, _ = sample
    for record in _records(book["Measures"]):
        assert isinstance(record["Quarter"], str) and Quarter.parse(record["Quarter"]).label == record["Quarter"]
        for header in ("Actual", "Target", "Target max"):
            assert record[header] is None or isinstance(record[header], (int, float)), (header, record)
        assert record["Provisional"] in ("yes", "no", None)
        assert (record["Provisional"] is None) == (record["Actual"] is None)


def test_projects_carry_the_portfolio_screens_latest_rag_and_benefits_on_track(sample):
    database, book, _, _ = sample
    rows = {row.code: row for row in portfolio.list_projects(database, limit=1000)}
    on_track = portfolio_benefits.benefits_on_track(database, [row.id for row in rows.values()])
    records = _records(book["Projects"])
    assert [r["Code"] for r in records] == sorted(rows, key=lambda code: int(code.split("-")[1]))
    for record in records:
        row = rows[record["Code"]]
        assert record["Benefits on track"] == str(on_track[row.id]), record["Code"]
        assert record["Latest RAG"] == rag_word(row.latest_rag if row.latest_quarter else None), record["Code"]
        assert record["Latest review"] == (row.latest_quarter.label if row.latest_quarter else None)
        assert record["Primary ambition"] == row.primary_ambition
        assert (record["Ambitions"] or "").split("; ")[0] == (row.primary_ambition or "")


@pytest.mark.parametrize("back", [0, 1, 4])
def test_each_quarters_measure_rows_agree_with_that_quarters_report(sample, back):
    """The report for a quarter (its model judges every measure) and the sheet's rows for it say the same."""
    database, book, _, _ = sample
    quarter = default_review_quarter(database).shift(-back)
    report = build_report(database, quarter)
    expected = {
        (m.project, m.code): (m.figures.status.label, m.figures.target, m.figures.actual, m.figures.travel_vs_previous.label, m.note)
        for section in report.sections for m in section.measures
    }
    rows = {
        (r["Project"], r["Measure code"]): (r["Status"], r["Target"], r["Actual"], r["Travel"], r["Note"])
        for r in _records(book["Measures"]) if r["Quarter"] == quarter.label
    }
    assert rows  # the quarter has rows
    for key, row in rows.items():
        assert row == pytest.approx(expected[key]), key
    if back == 0:  # every measure has a row in the quarter it is judged at
        assert rows.keys() == expected.keys()


def test_the_kpis_sheet_rates_each_kpi_as_the_kpi_register_does(sample):
    database, book, _, _ = sample
    quarter, lines = kpis.kpi_register(database)
    rows = {r["KPI code"]: r for r in _records(book["KPIs"])}
    assert list(rows) == [line.code for line in lines] and len(lines) == 23
    for line in lines:
        r, f = rows[line.code], line.figures
        assert (r["As at"], r["Actual"], r["Quarter target"], r["Status"], r["Travel"]) == (
            quarter.label, f.actual, f.target, f.status.label, f.travel_vs_previous.label), line.code


def test_each_kpi_figures_row_is_the_kpi_screens_quarter(sample):
    """Up to the export's quarter a row says what the KPI screen says of that quarter; after it, only what was entered."""
    database, book, _, _ = sample
    as_at = default_review_quarter(database)
    rows = _records(book["KPI figures"])
    for code in {r["KPI code"] for r in rows}:
        screen = {q.quarter.label: q for q in kpis.kpi_detail(database, code).quarters}
        for r in (r for r in rows if r["KPI code"] == code):
            if Quarter.parse(r["Quarter"]) > as_at:
                assert r["Status"] is None and r["Travel"] is None and r["Target"] is None
                continue
            figures = screen[r["Quarter"]].figures
            assert (r["Actual"], r["Target"], r["Status"], r["Travel"]) == (
                figures.actual, figures.target, figures.status.label, figures.travel_vs_previous.label), (code, r["Quarter"])
            comment = screen[r["Quarter"]].comment
            assert r["Commentary"] == (comment.text if comment else None)
    assert any(r["Commentary"] for r in rows)


def test_benchmark_rows_stand_where_the_benchmark_screen_puts_them(sample):
    database, book, _, _ = sample
    rows = _records(book["Benchmarks"])
    measure_rows = [r for r in rows if r["Project"] is not None]
    assert len({(r["Project"], r["Measure code"]) for r in measure_rows}) == 5
    for (project, code), group in itertools.groupby(measure_rows, key=lambda r: (r["Project"], r["Measure code"])):
        measure_id = next(m.id for m in plans.get_plan(database, project).measures if m.fields.code == code)
        shown = plans.measure_benchmarks(database, measure_id)
        assert [r["Standing"] for r in group] == list(shown.standings), (project, code)
    # A KPI's stand by the same rule, from its own actuals: the sample benchmarks four.
    by_code = {kpi.code: kpi for kpi in read_document("".join(export_snapshot(database)), source="export").kpis}
    kpi_rows = [r for r in rows if r["Project"] is None]
    assert {r["KPI code"] for r in kpi_rows} == {"BEN01", "HR01", "PLN01", "WST01"}
    for r in kpi_rows:
        kpi = by_code[r["KPI code"]]
        rule = MeasureRule.from_measure(kpi)
        (benchmark,) = [b for b in kpi.benchmarks if str(b.period) == r["Year"] and b.source == r["Source"]]
        figure = year_figure(rule, benchmark.period, kpi.actuals)
        assert (r["Our figure"], r["Standing"]) == (figure, standing(rule.direction, figure, benchmark)), r


def test_a_benefit_is_on_track_by_its_measures_rows(sample):
    database, book, _, _ = sample
    quarter = default_review_quarter(database).label
    statuses: dict[tuple[str, str], list[str]] = {}
    for r in _records(book["Measures"]):
        if r["Quarter"] == quarter and r["Serves"] == "benefit":
            statuses.setdefault((r["Project"], r["Serves code"]), []).append(r["Status"])
    benefits = _records(book["Benefits"])
    assert {r["On track"] for r in benefits} >= {"yes", "no"}
    for r in benefits:
        found = statuses.get((r["Project"], r["Code"]), [])
        if r["On track"] == "no":
            assert {"Off target", "No data"} & set(found), r
        elif r["On track"] == "yes":
            assert not {"Off target", "No data"} & set(found), r
        else:
            assert not {"On target", "Within tolerance", "Off target", "No data"} & set(found), r


def test_progress_and_tally_count_every_project_and_kpi(sample):
    _, book, tally, progress = sample
    projects = book["Projects"].max_row - 1
    assert tally.projects == projects == 17
    assert progress[0] == ("Exporting projects", 0, projects) and progress[-1] == ("Exporting projects", projects, projects)
    assert tally.kpis == book["KPIs"].max_row - 1 == 23
    measure_actuals = sum(1 for r in _records(book["Measures"]) if r["Actual"] is not None)
    kpi_actuals = sum(1 for r in _records(book["KPI figures"]) if r["Actual"] is not None)
    assert tally.actuals == measure_actuals + kpi_actuals


def test_user_text_is_never_a_formula_or_a_link():
    document = read_document(sample_text(), source="sample")
    tricky = document.projects[0].model_copy(update={"name": "=HYPERLINK(\"http://example.org\")", "summary": "http://example.org"})
    book = _book(workbook_chunks(lambda b: write_portfolio(b, document.ambitions, [tricky], Quarter.parse("2026/27 Q2"))))
    cells = {header.value: cell for header, cell in zip(book["Projects"][1], book["Projects"][2], strict=True)}
    assert cells["Name"].data_type == "s" and cells["Name"].value == tricky.name
    assert cells["Summary"].hyperlink is None and cells["Summary"].value == "http://example.org"


def test_an_empty_portfolio_is_the_headers_with_filters(tmp_path):
    database = open_portfolio(f"sqlite:///{tmp_path / 'empty.db'}", create=True)
    try:
        book = _book(export_workbook(database))
    finally:
        database.dispose()
    assert book.sheetnames == [sheet.name for sheet in SHEETS]
    for sheet in book.worksheets:
        assert sheet.max_row == 1 and sheet.auto_filter.ref.startswith("A1:")


# -- the command ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("export-cli")
    db = base / "portfolio.db"
    result = run_cli("init", "--sample", "--db", db, cwd=base, env={"PROJTUI_CONFIG_DIR": str(base / "config")})
    assert result.returncode == 0, result.stderr
    return db


def test_o_name_xlsx_writes_a_private_workbook_and_says_what_it_wrote(cli, sample_db, tmp_path):
    out = tmp_path / "out" / "portfolio.xlsx"
    out.parent.mkdir()
    result = cli("export", "--db", sample_db, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"Wrote {out}: 17 projects, 60 measures, 23 KPIs, 638 actuals."
    assert list(out.parent.iterdir()) == [out]  # atomic: no temporary file left
    assert out.stat().st_mode & 0o777 == 0o600
    assert openpyxl.load_workbook(out).sheetnames == [sheet.name for sheet in SHEETS]


def test_quarter_cuts_the_workbook_there(cli, sample_db, tmp_path):
    out = tmp_path / "q1.xlsx"
    result = cli("export", "--db", sample_db, "--format", "xlsx", "--quarter", "2025/26 Q1", "-o", out)
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    quarters = {Quarter.parse(r["Quarter"]) for sheet in ("Measures", "Reviews") for r in _records(book[sheet])}
    assert max(quarters) == Quarter.parse("2025/26 Q1")


def test_xlsx_to_a_pipe_is_the_workbooks_bytes(sample_db, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "projtui", "export", "--db", str(sample_db), "--format", "xlsx"],
        capture_output=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(io.BytesIO(result.stdout)).sheetnames[0] == "Ambitions"


def test_xlsx_to_a_terminal_is_refused(sample_db, tmp_path):
    result = run_cli_to_terminal("export", "--db", sample_db, "--format", "xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: --format xlsx needs -o FILE: a workbook is not text, so it is not shown on a terminal"]


def test_an_unwritable_workbook_is_one_line_and_leaves_nothing(cli, sample_db, tmp_path):
    target = tmp_path / "missing-folder" / "portfolio.xlsx"
    result = cli("export", "--db", sample_db, "-o", target)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {target}: cannot write")
    assert not target.parent.exists()


def test_an_unknown_format_is_a_usage_error(cli, sample_db, tmp_path):
    result = cli("export", "--db", sample_db, "--format", "csv", "-o", tmp_path / "x.csv")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error:") and "csv" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_money_measures_figures_are_in_the_currency_format_and_no_other_measures_are():
    """Every figure of a measure or KPI in pounds, on every sheet that carries one, and those of no other unit (issue 15)."""
    # So that every sheet has figures in pounds and others: a project measure with forecasts in pounds (as "GBP"), one with
    # profiled targets in thousands of pounds (not pounds: "£k" figures are not the cell's pounds), and a KPI in pounds.
    text = sample_text().replace('unit = "litres"', 'unit = "GBP"').replace(
        'name = "Recurring savings delivered against budget (year to date)"\nunit = "£"',
        'name = "Recurring savings delivered against budget (year to date)"\nunit = "£k"',
    )
    document = read_document(text, source="sample")
    kpis = [document.kpis[0].model_copy(update={"unit": "£"}), *document.kpis[1:]]
    book = _book(workbook_chunks(lambda b: write_portfolio(b, document.ambitions, document.projects, Quarter.parse("2026/27 Q2"), None, kpis)))
    measure_unit = {(r["Project"], r["Measure code"]): r["Unit"] for r in _records(book["Measure definitions"])}
    kpi_unit = {r["KPI code"]: r["Unit"] for r in _records(book["KPIs"])}
    unit_of = {
        ACTUALS: lambda r: r["Unit"], MEASURE_DEFINITIONS: lambda r: r["Unit"], KPIS: lambda r: r["Unit"],
        TARGETS: lambda r: measure_unit[r["Project"], r["Measure code"]], FORECASTS: lambda r: measure_unit[r["Project"], r["Measure code"]],
        KPI_FIGURES: lambda r: kpi_unit[r["KPI code"]],
        BENCHMARKS: lambda r: kpi_unit[r["KPI code"]] if r["KPI code"] else measure_unit[r["Project"], r["Measure code"]],
    }
    assert {"GBP", "£k"} <= set(measure_unit.values())
    seen = set()
    for sheet, unit in unit_of.items():
        worksheet = book[sheet.name]
        headers = [cell.value for cell in worksheet[1]]
        figures = [c.header for c in sheet.columns if c.in_unit]
        for row in worksheet.iter_rows(min_row=2):
            cells = dict(zip(headers, row, strict=True))
            money = unit({header: cell.value for header, cell in cells.items()}) in ("£", "GBP")
            for header in figures:
                if cells[header].value is not None:
                    assert cells[header].data_type == "n", (sheet.name, header)
                    assert (cells[header].number_format == "£#,##0.00") is money, (sheet.name, header, cells[header].row)
                    seen.add((sheet.name, header, money))
    for sheet in unit_of:
        assert {(sheet.name, True), (sheet.name, False)} <= {(name, money) for name, _, money in seen}, sheet.name
    for sheet, header in (("Measures", "Actual"), ("Measures", "Target"), ("KPI figures", "Actual"), ("KPI figures", "Target")):
        assert {(sheet, header, True), (sheet, header, False)} <= seen
    # Not one of its figures: a money measure's tolerance is a percentage, in no format of its own.
    definitions = _records(book["Measure definitions"])
    row = next(i for i, r in enumerate(definitions, 2) if r["Unit"] == "£" and r["Tolerance %"] is not None)
    assert book["Measure definitions"].cell(row, [c.header for c in MEASURE_DEFINITIONS.columns].index("Tolerance %") + 1).number_format == "General"
