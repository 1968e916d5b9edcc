"""The workbook round trip (issue 15): export xlsx → import into an EMPTY database → the TOML export is the original's.

For the sample through the CLI, for generated portfolios as a property, and
the new sheets' error paths as a user meets them: a real workbook, a
subprocess, one `error:` line a problem and nothing written.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from strategies import documents
from test_cli_spreadsheets import _errors, _exported, _projects, _workbook

from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, export_workbook, import_file
from projtui.snapshot.document import Document
from projtui.snapshot.writer import dump_document

# The sample, as a user does it ----------------------------------------------------


def test_the_samples_workbook_imported_into_an_empty_database_is_the_sample(cli, tmp_path):
    sample, empty, book = tmp_path / "sample.db", tmp_path / "empty.db", tmp_path / "portfolio.xlsx"
    assert cli("init", "--sample", "--db", sample).returncode == 0
    original = cli("export", "--db", sample, "--no-timestamp").stdout
    assert cli("export", "--db", sample, "-o", book).returncode == 0
    result = cli("import", book, "--db", empty)
    assert result.returncode == 0, result.stderr
    assert cli("export", "--db", empty, "--no-timestamp").stdout == original
    # Every part made it: the plans' items, profiled targets, forecasts, priorities, risks and the portfolio's name.
    for part in ("[[projects.outputs]]", "[[ambitions.priorities]]", "[[projects.risks]]", "targets = {", "forecasts = {", "[portfolio]"):
        assert part in original
    # And read back into the portfolio it came from, it changes nothing.
    assert cli("import", book, "--db", sample, "--dry-run").stdout == "Dry run: would apply no changes; nothing was changed.\n"


def test_a_sheet_past_excels_last_row_goes_on_in_another_and_imports_whole(tmp_path, monkeypatch):
    # XlsxWriter drops rows past Excel's limit without a word; at national scale the Measures sheet (a row per
    # measure per quarter) passes it. With a limit of 41 rows (40 below the header), the sample's longer sheets
    # go on in "Measures (2)" and so on, each under its header with a filter of its own, and the workbook still
    # imports into an empty database as the whole portfolio.
    from projtui.report import workbook
    from projtui.services.transfer import load_sample

    monkeypatch.setattr(workbook, "EXCEL_ROWS", 41)
    sample = open_portfolio(f"sqlite:///{tmp_path / 'sample.db'}", create=True)
    empty = open_portfolio(f"sqlite:///{tmp_path / 'empty.db'}", create=True)
    try:
        load_sample(sample, actor="test")
        book = tmp_path / "portfolio.xlsx"
        book.write_bytes(b"".join(export_workbook(sample)))
        read = openpyxl.load_workbook(book)
        pages = {name: [p for p in read.sheetnames if p == name or p.startswith(f"{name} (")] for name in ("Measures", "KPI figures")}
        assert pages["Measures"][:3] == ["Measures", "Measures (2)", "Measures (3)"] and len(pages["KPI figures"]) > 1
        for name, names in pages.items():
            header = [cell.value for cell in read[name][1]]
            for page in map(read.__getitem__, names):
                assert [cell.value for cell in page[1]] == header and page.freeze_panes == "A2", page.title
                assert page.auto_filter.ref == f"A1:{page.cell(1, page.max_column).column_letter}{page.max_row}", page.title
                assert 1 < page.max_row <= 41, page.title
            assert all(len(read[p]["A"]) == 41 for p in names[:-1]), name  # full before the next begins
        import_file(empty, book, actor="test")
        assert "".join(export_snapshot(empty)) == "".join(export_snapshot(sample))
    finally:
        sample.dispose()
        empty.dispose()


# Generated portfolios ----------------------------------------------------------------


def _as_a_cell_holds_it(document: Document) -> Document:
    """The document with what no spreadsheet cell can tell apart made the same.

    An empty cell is both "" and no text, so an empty text is none (and an
    empty KPI commentary no commentary); a note of only spaces is no note (the
    actual dialog's and the Measures sheet's rule, ActualFields). Everything
    else must come back exactly.
    """

    def cleaned(value: object, key: str = "") -> object:
        if isinstance(value, dict):
            if key == "commentary":
                return {quarter: text for quarter, text in value.items() if text != ""}
            if key == "notes":
                return {quarter: note for quarter, note in value.items() if isinstance(note, str) and note.strip()} if all(
                    isinstance(note, str) for note in value.values()) else {k: cleaned(v, k) for k, v in value.items()}
            return {k: cleaned(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [cleaned(item) for item in value]
        return None if value == "" and key != "unit" else value

    return Document.model_validate(cleaned(document.model_dump()))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_portfolios_workbook_imported_into_an_empty_database_is_that_portfolio(document: Document) -> None:
    text = dump_document(_as_a_cell_holds_it(document).model_copy(update={"exported_at": None}))
    with tempfile.TemporaryDirectory() as folder:
        first = open_portfolio(f"sqlite:///{Path(folder) / 'first.db'}", create=True)
        second = open_portfolio(f"sqlite:///{Path(folder) / 'second.db'}", create=True)
        try:
            import_snapshot(first, text, source="generated.toml", actor="test")
            original = "".join(export_snapshot(first))
            book = Path(folder) / "portfolio.xlsx"
            book.write_bytes(b"".join(export_workbook(first)))
            import_file(second, book, actor="test")
            assert "".join(export_snapshot(second)) == original
        finally:
            first.dispose()
            second.dispose()


# The new sheets' error paths ------------------------------------------------------------

PROJECTS = [["Code", "Name", "Stage"], ["SP-01", "Depot", "pipeline"]]
BENEFITS = [["Project", "Code", "Title", "Category"], ["SP-01", "B1", "Lower fuel costs", "cash-releasing"]]
DEFINITIONS = ["Project", "Serves", "Serves code", "Measure code", "Measure", "Good is", "Target", "Frequency"]


def test_a_bad_direction_and_a_benefit_the_workbook_lacks_are_named_at_their_cells(cli, tmp_path):
    db = tmp_path / "p.db"
    _workbook(tmp_path / "plan.xlsx", {
        "Projects": PROJECTS,
        "Benefits": BENEFITS,
        "Measure definitions": [
            DEFINITIONS,
            ["SP-01", "benefit", "B1", "M1", "Fuel used", "sideways", 100, "quarterly"],
            ["SP-01", "benefit", "B9", "M2", "Litres saved", "higher", 5, "quarterly"],
            ["SP-01", "output", "B1", "M3", "Routes", "higher", 5, "quarterly"],
            ["SP-01", "benefit", "B1", "M4", "Idle hours", "none", 5, "fortnightly"],
        ],
    })
    assert _errors(cli("import", "plan.xlsx", "--db", db)) == [
        "plan.xlsx: 'Measure definitions'!F2 (Good is): must be one of: higher, lower, range, none (got 'sideways')",
        "plan.xlsx: 'Measure definitions'!C3 (Serves code): project SP-01 has no benefit with this code (got 'B9')",
        "plan.xlsx: 'Measure definitions'!B4 (Serves): must be benefit or outcome (got 'output')",
        "plan.xlsx: 'Measure definitions'!H5 (Frequency): must be one of: monthly, quarterly, half_yearly, annually (got 'fortnightly')",
        "plan.xlsx: 'Measure definitions'!G5 (Target): " + 'no target for a measure whose direction = "none": it shows a trend, never a status (got \'5\')',
    ]
    assert _projects(db) == []


def test_links_profiled_targets_and_risks_are_checked_against_the_workbook(cli, tmp_path):
    db = tmp_path / "p.db"
    _workbook(tmp_path / "plan.xlsx", {
        "Projects": PROJECTS,
        "Benefits": BENEFITS,
        "Outcomes": [["Project", "Outcome code", "Outcome", "Leads to benefits"], ["SP-01", "OC1", "Fewer miles", "B1; B7"]],
        "Measure definitions": [DEFINITIONS, ["SP-01", "benefit", "B1", "M1", "Idle hours", "none", None, "quarterly"]],
        "Targets": [["Project", "Measure code", "Quarter", "Profiled target"],
                    ["SP-01", "M1", "2026/27 Q1", 4], ["SP-01", "M9", "2026/27 Q2", 4]],
        "Risks": [["Project", "Risk code", "Risk", "Likelihood", "Impact"], ["SP-99", "R1", "Strike", 3, 2], ["SP-01", "R2", "Flood", 2.5, 6]],
    })
    assert _errors(cli("import", "plan.xlsx", "--db", db)) == [
        "plan.xlsx: Outcomes!D2 (Leads to benefits): project SP-01 has no benefit with this code (got 'B7')",
        "plan.xlsx: Targets!D2 (Profiled target): " + 'no target for a measure whose direction = "none": it shows a trend, never a status (got \'4\')',
        "plan.xlsx: Targets!B3 (Measure code): project SP-01 has no measure with this code (got 'M9')",
        "plan.xlsx: Risks!A2 (Project): unknown project code (got 'SP-99')",
        "plan.xlsx: Risks!D3 (Likelihood): enter a whole number, e.g. 3 (got '2.5')",
        "plan.xlsx: Risks!E3 (Impact): must be less than or equal to 5 (got '6')",
    ]
    assert _projects(db) == []


def test_a_register_alone_still_only_updates_what_it_names(cli, tmp_path):
    # A council's own register beside the sample: the plans it does not mention are left as they are.
    db = tmp_path / "sample.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    before = cli("export", "--db", db, "--no-timestamp").stdout
    _workbook(tmp_path / "register.xlsx", {"Register": [["Project code", "Project name", "Stage"], ["SP-01", "Depot renamed", None]]})
    result = cli("import", "register.xlsx", "--db", db)
    assert result.returncode == 0, result.stderr
    after = cli("export", "--db", db, "--no-timestamp").stdout
    assert after.replace('name = "Depot renamed"', "", 1) != after  # the name changed...
    assert after.count("[[projects.benefits]]") == before.count("[[projects.benefits]]")  # ...and the plans stayed


def test_a_benefits_sheet_replaces_the_benefits_of_the_projects_it_covers(cli, tmp_path):
    db = tmp_path / "sample.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    # SP-01's outcomes lead to its benefits B2-B4, which this sheet leaves out: the import says so and writes nothing.
    _workbook(tmp_path / "benefits.xlsx", {"Benefits": BENEFITS})
    errors = _errors(cli("import", "benefits.xlsx", "--db", db))
    assert errors[0] == ("benefits.xlsx: SP-01 outcome OC1 leads to benefit B2, which the workbook does not have: "
                         "add it or remove the link (got 'B2')")


# KPIs and benchmarks (issue 13's, carried by the workbook) ---------------------------------

KPIS = ["KPI code", "KPI", "Service", "Ambitions", "Good is", "Target", "Frequency"]
KPI_FIGURES = ["KPI code", "Quarter", "Actual", "Note", "Profiled target", "Year-end forecast", "Commentary"]
BENCHMARKS = ["Project", "Measure code", "KPI code", "Year", "Source", "Median", "Rank", "Of"]


def _kpis(db: Path) -> list[str]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as connection:
        return [code for (code,) in connection.execute("select code from kpi order by code")]


def test_kpi_and_benchmark_mistakes_are_named_at_their_cells_and_nothing_is_written(cli, tmp_path):
    db = tmp_path / "p.db"
    _workbook(tmp_path / "kpis.xlsx", {
        "Ambitions": [["Code", "Title", "Plan period"], ["A1", "Thriving places", "2024-2028"]],
        "Projects": PROJECTS,
        "Benefits": BENEFITS,
        "Measure definitions": [DEFINITIONS, ["SP-01", "benefit", "B1", "M1", "Fuel used", "lower", 100, "quarterly"]],
        "KPIs": [KPIS, ["K1", "Days to pay", "Finance", "A1", "sideways", 30, "quarterly"],
                 ["K2", "Visits", "Leisure", "A1; A7", "none", None, "quarterly"],
                 ["K3", "Calls answered", "Contact centre", None, "higher", 90, "quarterly"]],
        "KPI figures": [KPI_FIGURES, ["K9", "2025/26 Q1", 12, None, None, None, None],
                        ["K2", "2025/26 Q1", 400, None, 500, None, None],
                        ["K3", "2025/26 Q5", 91, None, None, None, None],
                        ["K3", "2025/26 Q2", None, "Lines down", None, "lots", None]],
        "Benchmarks": [BENCHMARKS, ["SP-01", "M1", None, "2024/25", "APSE", 40, 9, 3],
                       ["SP-01", None, "K3", "2024/25", "APSE", 40, None, None],
                       ["SP-01", "M1", None, "2024/25", "  ", 40, None, None],
                       [None, None, "K3", "2023/24", "APSE", 40, None, None],
                       [None, None, "K3", "2023-24", "APSE", 41, None, None],
                       ["SP-01", "M7", None, "2023/24", "APSE", 40, None, None]],
    })
    assert _errors(cli("import", "kpis.xlsx", "--db", db)) == [
        "kpis.xlsx: KPIs!E2 (Good is): must be one of: higher, lower, range, none (got 'sideways')",
        "kpis.xlsx: KPIs!D3 (Ambitions): no ambition has the code or title 'A7' (got 'A1; A7')",
        "kpis.xlsx: 'KPI figures'!A2 (KPI code): unknown KPI code (got 'K9')",
        "kpis.xlsx: 'KPI figures'!E3 (Profiled target): "
        + 'no target for a measure whose direction = "none": it shows a trend, never a status (got \'500\')',
        "kpis.xlsx: 'KPI figures'!B4 (Quarter): not a financial quarter: '2025/26 Q5' (expected e.g. '2024/25 Q1') (got '2025/26 Q5')",
        "kpis.xlsx: 'KPI figures'!C5 (Actual): required: this row has a note or a provisional flag but no actual",
        "kpis.xlsx: 'KPI figures'!F5 (Year-end forecast): enter a number, e.g. 42 or 12.5 (got 'lots')",
        "kpis.xlsx: Benchmarks!G2 (Rank): rank 9 is more than of 3 (got '9')",
        "kpis.xlsx: Benchmarks!C3 (KPI code): a benchmark is a project measure's (Project) or a KPI's (KPI code), not both (got 'K3')",
        "kpis.xlsx: Benchmarks!E4 (Source): required",
        "kpis.xlsx: Benchmarks!E6 (Source): duplicate benchmark for KPI K3 2023/24 APSE (first on row 5) (got 'APSE')",
        "kpis.xlsx: Benchmarks!B7 (Measure code): project SP-01 has no measure with this code (got 'M7')",
    ]
    assert _projects(db) == [] and _kpis(db) == []


def test_a_kpi_return_alone_sets_only_the_quarters_it_names(cli, tmp_path):
    # A performance officer's own sheet of this quarter's figures: the rest of each KPI stays as it is.
    db = tmp_path / "sample.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    before = {k["code"]: k for k in _exported(cli, db)["kpis"]}
    _workbook(tmp_path / "q3.xlsx", {"Q3 return": [["PI code", "Quarter", "Outturn", "Comments"],
                                                   ["BEN01", "2026/27 Q3", 17.2, "Agency cover started in October."]]})
    result = cli("import", "q3.xlsx", "--db", db)
    assert result.returncode == 0, result.stderr
    after = {k["code"]: k for k in _exported(cli, db)["kpis"]}
    assert after["BEN01"]["actuals"] == {**before["BEN01"]["actuals"], "2026/27 Q3": 17.2}
    assert after["BEN01"]["commentary"] == {**before["BEN01"]["commentary"], "2026/27 Q3": "Agency cover started in October."}
    assert {code: k for code, k in after.items() if code != "BEN01"} == {code: k for code, k in before.items() if code != "BEN01"}


def test_a_workbook_without_kpi_sheets_leaves_every_kpi_and_benchmark_as_it_is(cli, tmp_path):
    db = tmp_path / "sample.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    before = _exported(cli, db)
    _workbook(tmp_path / "plan.xlsx", {"Projects": [["Code", "Name", "Stage"], ["SP-01", "Depot renamed", None]],
                                       "Measure definitions": [DEFINITIONS] + _definitions(before, "SP-01")})
    result = cli("import", "plan.xlsx", "--db", db)
    assert result.returncode == 0, result.stderr
    after = _exported(cli, db)
    assert after["kpis"] == before["kpis"]
    # The measures were redefined from the sheet, and kept their benchmarks, which the workbook has no sheet for.
    assert _benchmarks(after, "SP-01") == _benchmarks(before, "SP-01") != {}


def test_a_benchmarks_sheet_naming_a_kpi_replaces_that_kpis_benchmarks(cli, tmp_path):
    db = tmp_path / "sample.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    _workbook(tmp_path / "apse.xlsx", {"Benchmarks": [BENCHMARKS, [None, None, "BEN01", "2024/25", "DWP statistics", 20.1, 7, 12]]})
    result = cli("import", "apse.xlsx", "--db", db)
    assert result.returncode == 0, result.stderr
    kpis = {k["code"]: k for k in _exported(cli, db)["kpis"]}
    assert kpis["BEN01"]["benchmarks"] == [{"period": "2024/25", "source": "DWP statistics", "median": 20.1, "rank": 7, "of": 12}]
    # Read again, the same sheet changes nothing.
    assert cli("import", "apse.xlsx", "--db", db, "--dry-run").stdout == "Dry run: would apply no changes; nothing was changed.\n"


def _definitions(document: dict, project: str) -> list[list[object]]:
    """The project's measures as Measure definitions rows (DEFINITIONS' columns)."""
    found = next(p for p in document["projects"] if p["code"] == project)
    return [[project, serves, item["code"], m["code"], m["name"], m.get("direction", "higher"), m.get("target"), m.get("frequency", "quarterly")]
            for serves in ("outcome", "benefit") for item in found.get(f"{serves}s", []) for m in item.get("measures", [])]


def _benchmarks(document: dict, project: str) -> dict[str, list]:
    found = next(p for p in document["projects"] if p["code"] == project)
    return {m["code"]: m["benchmarks"] for item in found.get("outcomes", []) + found.get("benefits", [])
            for m in item.get("measures", []) if m.get("benchmarks")}
