"""`projtui import FILE.xlsx` and `FILE.csv` as a user runs them: real files made in each test, a subprocess, its exit code and `error:` lines.

The password-protected workbook is tests/spreadsheets/password-protected.xlsx:
a two-row Ambitions workbook written by openpyxl and encrypted with
msoffcrypto-tool 6.1 (`msoffcrypto-tool -e -p secret plain.xlsx password-protected.xlsx`),
as Excel's "Encrypt with password" stores it.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest

HERE = Path(__file__).parent

# In the sample, SP-01's M1 reads 12 in 2026/27 Q2, whose review is published; 2026/27 Q3 is open.
M1 = "Refuse collection rounds in operation"
M2 = "Fuel used by the refuse and recycling fleet"


def _workbook(path: Path, sheets: dict[str, list[list[object]]], *, merged: dict[str, str] | None = None,
              hidden: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in (merged or {}):
            sheet.merge_cells(merged[name])
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def _with_cached_result(path: Path, formula: str, result: str) -> None:
    """Give a formula the cached result Excel saves with it (openpyxl writes none), as calamine reads it."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    for name, data in members.items():
        if name.startswith("xl/worksheets/") and f"<f>{formula}</f><v></v>".encode() in data:
            members[name] = data.replace(f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{result}</v>".encode())
            break
    else:
        raise AssertionError(f"no formula {formula} in {path}")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)


def _errors(result, code: int = 1) -> list[str]:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    return [line.removeprefix("error: ") for line in lines]


def _projects(db: Path) -> list[str]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as connection:
        return [code for (code,) in connection.execute("select code from project order by code")]


def _exported(cli, db: Path) -> dict:
    result = cli("export", "--db", db, "--no-timestamp")
    assert result.returncode == 0, result.stderr
    return tomllib.loads(result.stdout)


def _project(document: dict, code: str) -> dict:
    return next(p for p in document["projects"] if p["code"] == code)


def _measure(project: dict, code: str) -> dict:
    return next(m for parent in project.get("outcomes", []) + project.get("benefits", []) for m in parent.get("measures", []) if m["code"] == code)


@pytest.fixture
def sample(cli, tmp_path) -> Path:
    db = tmp_path / "sample.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    return db


# Happy paths -------------------------------------------------------------------------


REGISTER = {
    "Ambitions": [
        ["Code", "Title", "Plan period"],
        ["A1", "Thriving places", "2024-2028"],
        ["A2", "Healthy and happy people", "2024-2028"],
    ],
    "Projects": [
        ["Strategic projects register, April 2026"],  # a title above the header
        ["Project ref", "Project title", "Stage", "Lead officer", "SRO", "Cabinet member", "Start date", "End date", "Budget (£)",
         "Council Plan ambitions", "Latest RAG", "Our own column"],
        ["SP-01", "Waste routes", "Delivery", "J. Smith", "K. Jones", "Cllr Patel", dt.date(2026, 4, 1), "31/03/2028", "£1,250,000",
         "A2; thriving places", "Red", "ignored"],
        ["SP-02", "Chatbot", "", None, None, None, "2026-06-01", None, 99.5, None, None, None],
    ],
}


def test_a_register_and_its_ambitions_in_one_workbook_start_an_empty_portfolio(cli, tmp_path):
    db = tmp_path / "new.db"
    book = _workbook(tmp_path / "register.xlsx", REGISTER)
    result = cli("import", book.name, "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Imported register.xlsx: 4 added, 0 changed, 0 removed.\n"
    document = _exported(cli, db)
    assert [(a["code"], a["title"], a["plan_period"]) for a in document["ambitions"]] == [
        ("A1", "Thriving places", "2024-2028"), ("A2", "Healthy and happy people", "2024-2028")]
    first = _project(document, "SP-01")
    assert {k: first[k] for k in ("name", "stage", "lead", "senior_responsible_owner", "portfolio_holder", "start_date", "end_date",
                                  "budget_pence", "ambitions")} == {
        "name": "Waste routes", "stage": "delivery", "lead": "J. Smith", "senior_responsible_owner": "K. Jones",
        "portfolio_holder": "Cllr Patel", "start_date": dt.date(2026, 4, 1), "end_date": dt.date(2028, 3, 31),
        "budget_pence": 125_000_000, "ambitions": ["A2", "A1"],  # first is primary, by code or title
    }
    second = _project(document, "SP-02")
    assert (second["stage"], second["start_date"], second["budget_pence"]) == ("pipeline", dt.date(2026, 6, 1), 9950)
    assert "lead" not in second and "ambitions" not in second
    # The same workbook again changes nothing.
    again = cli("import", book, "--db", db)
    assert again.returncode == 0 and "no changes" in again.stdout, again.stderr


def test_actuals_go_onto_the_named_measures_of_the_sample(cli, tmp_path, sample):
    book = _workbook(tmp_path / "returns.xlsx", {
        "Q3 returns": [
            ["Project code", "KPI code", "Indicator", "Reporting period", "Outturn", "Provisional?", "Commentary", "Status"],
            ["SP-01", "M1", None, "2026/27 Q3", "=6*2", "no", "Two new rounds", "ignored"],
            ["SP-01", None, M2.upper(), "Q3 2026-27", 80123.5, "Yes", None, None],
            ["SP-01", "M3", None, "FY26/27 Q3", None, None, None, "Green"],  # a target-only row: no figure, skipped
        ],
        "Lookups": [["Stage"], ["pipeline"]],  # hidden, as lookups are
        "Blank": [],
    }, hidden=("Lookups",))
    _with_cached_result(book, "6*2", "12")
    result = cli("import", book, "--db", sample)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout
    project = _project(_exported(cli, sample), "SP-01")
    m1, m2 = _measure(project, "M1"), _measure(project, "M2")
    assert m1["actuals"]["2026/27 Q3"] == 12.0 and m1["notes"]["2026/27 Q3"] == "Two new rounds"
    assert "2026/27 Q3" not in m1.get("provisional", [])
    assert m2["actuals"]["2026/27 Q3"] == 80123.5 and "2026/27 Q3" in m2["provisional"]
    assert "2026/27 Q3" not in _measure(project, "M3").get("actuals", {})


def test_the_workbook_projtui_exports_reads_back_as_no_change(cli, tmp_path, sample):
    # Every sheet of `export --format xlsx` (ambitions, the register, every actual with its flag and
    # note, and every part of the plans) read by the import, cell types and all.
    before = cli("export", "--db", sample, "--no-timestamp").stdout
    book = tmp_path / "portfolio.xlsx"
    assert cli("export", "--db", sample, "-o", book).returncode == 0
    result = cli("import", book, "--db", sample, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Dry run: would apply no changes; nothing was changed.\n"
    assert cli("import", book, "--db", sample).returncode == 0
    assert cli("export", "--db", sample, "--no-timestamp").stdout == before


def test_a_dry_run_lists_what_would_change_and_changes_nothing(cli, tmp_path, sample):
    before = cli("export", "--db", sample, "--no-timestamp").stdout
    csv = tmp_path / "actuals.csv"
    csv.write_text(f"Project,Measure,Quarter,Actual\nSP-01,{M1},2026/27 Q3,13\n", encoding="utf-8")
    result = cli("import", csv, "--db", sample, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f'+ measure M1 "{M1}" actual 2026/27 Q3: 13' in result.stdout
    assert result.stdout.rstrip().endswith("Dry run: would apply 1 added, 0 changed, 0 removed; nothing was changed.")
    assert cli("export", "--db", sample, "--no-timestamp").stdout == before


def test_a_published_quarter_is_refused_at_its_cell_unless_reopened(cli, tmp_path, sample):
    book = _workbook(tmp_path / "q2.xlsx", {"Measures": [["Project", "Measure code", "Quarter", "Actual"], ["SP-01", "M1", "2026/27 Q2", 11]]})
    before = cli("export", "--db", sample, "--no-timestamp").stdout
    assert _errors(cli("import", book.name, "--db", sample)) == [
        "q2.xlsx: Measures!D2 (Actual): SP-01 measure M1 actual 2026/27 Q2: 12 → 11: the 2026/27 Q2 review is published, "
        "so its figures are frozen; re-open it first, or import with --reopen REASON"
    ]
    assert cli("export", "--db", sample, "--no-timestamp").stdout == before
    reopened = cli("import", book, "--db", sample, "--reopen", "recounted rounds")
    assert reopened.returncode == 0, reopened.stderr
    assert _measure(_project(_exported(cli, sample), "SP-01"), "M1")["actuals"]["2026/27 Q2"] == 11.0


def test_a_semicolon_csv_in_windows_1252_with_a_pound_sign_is_read(cli, tmp_path):
    csv = tmp_path / "register.csv"
    csv.write_bytes("Code;Name;Budget\nSP-01;Depot;£2,500\n".encode("cp1252"))
    db = tmp_path / "p.db"
    result = cli("import", csv, "--db", db)
    assert result.returncode == 0, result.stderr
    assert _project(_exported(cli, db), "SP-01")["budget_pence"] == 250_000


# Every problem, one line each, nothing written ----------------------------------------


def test_every_bad_cell_is_named_by_sheet_cell_header_and_value_and_nothing_is_written(cli, tmp_path):
    db = tmp_path / "p.db"
    book = _workbook(tmp_path / "register.xlsx", {
        "Projects": [
            ["Code", "Name", "Stage", "Lead officer", "Start", "End", "Budget", "Ambitions"],
            ["SP-01", "Bins", "Delivery", "x" * 121, "2026-13-01", None, "£1,2x", "A9"],
            ["SP 02", "", "Weird", None, None, None, -5, None],
            ["SP-03", "Dates", None, None, dt.date(2027, 1, 1), dt.date(2026, 1, 1), None, None],
            ["SP-04", "Serves nothing", "delivery", None, None, None, None, None],
            ["SP-04", "Twice", None, None, None, None, None, None],
        ],
    })
    assert _errors(cli("import", book.name, "--db", db)) == [
        "register.xlsx: Projects!E2 (Start): not a date: use a date cell, or write 2026-04-01 or 01/04/2026 (got '2026-13-01')",
        "register.xlsx: Projects!G2 (Budget): enter pounds, e.g. 1,250,000 or 99.95 (got '£1,2x')",
        "register.xlsx: Projects!H2 (Ambitions): no ambition has the code or title 'A9' (got 'A9')",
        f"register.xlsx: Projects!D2 (Lead officer): String should have at most 120 characters (got '{'x' * 78}…)",
        "register.xlsx: Projects!G3 (Budget): must not be negative (got '-5')",
        "register.xlsx: Projects!A3 (Code): not a valid code: letters, digits and . _ / - only, starting with a letter or digit (got 'SP 02')",
        "register.xlsx: Projects!B3 (Name): must not be empty",
        "register.xlsx: Projects!C3 (Stage): must be one of: pipeline, initiation, delivery, closing, closed, on_hold, cancelled (got 'Weird')",
        "register.xlsx: Projects!F4 (End): end_date 2026-01-01 is before start_date 2027-01-01 (got '2026-01-01')",
        "register.xlsx: Projects!C5 (Stage): a project at stage delivery must be linked to at least one Council Plan ambition "
        "(only pipeline projects may wait) (got 'delivery')",
        "register.xlsx: Projects!A6 (Code): duplicate project code (first on row 5) (got 'SP-04')",
    ]
    assert _projects(db) == []


UNSAVED = ("a formula with no saved result: open the workbook in Excel or LibreOffice and save it, "
           "so each formula's value is stored, then import it again")


def test_a_formula_saved_without_its_result_is_named_at_its_cell_and_nothing_is_written(cli, tmp_path):
    # openpyxl writes each formula alone (`<f>1000*2</f><v></v>`), which calamine reads as an empty cell: a
    # budget cleared without a word. Every such cell of a sheet the import reads is named, its header with it
    # when projtui reads the column; a hidden sheet's formulas are not read, so not named.
    db = tmp_path / "new.db"
    projects = [row[:] for row in REGISTER["Projects"]]
    projects[0].append("=1+1")  # beside the title, above the header
    projects[2][8] = "=1000*2"  # Budget (£)
    projects[2][11] = "=2*3"  # Our own column
    book = _workbook(tmp_path / "register.xlsx", {"Ambitions": REGISTER["Ambitions"], "Projects": projects,
                                                   "Workings": [["Total"], ["=SUM(A1:A9)"]]}, hidden=("Workings",))
    assert _errors(cli("import", book.name, "--db", db)) == [
        f"register.xlsx: Projects!B1: {UNSAVED}",
        f"register.xlsx: Projects!I3 (Budget (£)): {UNSAVED}",
        f"register.xlsx: Projects!L3: {UNSAVED}",
    ]
    assert _projects(db) == []


def test_a_formula_saved_with_its_result_imports_the_result(cli, tmp_path):
    # What Excel and LibreOffice save: the formula and its value, here through XlsxWriter's `value=`.
    import xlsxwriter

    db = tmp_path / "new.db"
    path = tmp_path / "register.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Projects")
        sheet.write_row(0, 0, ["Code", "Name", "Stage", "Budget"])
        sheet.write_row(1, 0, ["SP-01", "Chatbot", "Pipeline"])
        sheet.write_formula(1, 3, "=1000*2", None, 2000)
    result = cli("import", path, "--db", db)
    assert result.returncode == 0, result.stderr
    assert _project(_exported(cli, db), "SP-01")["budget_pence"] == 200_000


def test_an_actuals_csv_names_its_line_and_header(cli, tmp_path, sample):
    before = cli("export", "--db", sample, "--no-timestamp").stdout
    csv = tmp_path / "actuals.csv"
    csv.write_text(
        "Project,Measure code,Measure,Quarter,Actual,Provisional,Note\n"
        "SP-01,M1,,2026 Q3,5,,\n"  # not a quarter
        "SP-99,M1,,2026/27 Q3,5,,\n"  # no such project
        "SP-01,M99,,2026/27 Q3,5,,\n"  # no such measure code
        f"SP-01,M1,{M2},2026/27 Q3,5,,\n"  # code and name disagree
        "SP-01,,No such measure,2026/27 Q3,5,,\n"
        "SP-01,M1,,2026/27 Q4,lots,maybe,\n"
        "SP-01,M2,,2026/27 Q3,,,a note with no figure\n"
        "SP-01,M1,,2026/27 Q3,7,,\n"
        "SP-01,m1,,Q3 2026/27,8,,\n",  # the same figure again, however written
        encoding="utf-8",
    )
    assert _errors(cli("import", csv.name, "--db", sample)) == [
        "actuals.csv:2: Quarter: not a financial quarter: '2026 Q3' (expected e.g. '2024/25 Q1')",
        "actuals.csv:3: Project: unknown project code (got 'SP-99')",
        "actuals.csv:4: Measure code: project SP-01 has no measure with this code (got 'M99')",
        f"actuals.csv:5: Measure: measure M1 of SP-01 is '{M1}': the code and the name disagree (got '{M2}')",
        "actuals.csv:6: Measure: project SP-01 has no measure with this name (got 'No such measure')",
        "actuals.csv:7: Actual: enter a number, e.g. 42 or 12.5 (got 'lots')",
        "actuals.csv:7: Provisional: must be yes or no (or y/n, true/false, 1/0, or blank for no) (got 'maybe')",
        "actuals.csv:8: Actual: required: this row has a note or a provisional flag but no actual",
        "actuals.csv:10: Quarter: duplicate figure for SP-01 M1 2026/27 Q3 (first on row 9)",
    ]
    assert cli("export", "--db", sample, "--no-timestamp").stdout == before


def test_a_measure_name_two_measures_share_asks_for_the_code(cli, tmp_path, sample):
    snapshot = cli("export", "--db", sample, "--no-timestamp").stdout
    start = snapshot.index('code = "SP-01"')
    twin = snapshot[:start] + snapshot[start:].replace(f'name = "{M2}"', f'name = "{M1}"', 1)
    (tmp_path / "twin.toml").write_text(twin, encoding="utf-8")
    assert cli("import", tmp_path / "twin.toml", "--db", sample).returncode == 0
    csv = tmp_path / "actuals.csv"
    csv.write_text(f"Project,Measure,Quarter,Actual\nSP-01,{M1},2026/27 Q3,5\n", encoding="utf-8")
    assert _errors(cli("import", csv.name, "--db", sample)) == [
        f"actuals.csv:2: Measure: names 2 measures of SP-01 (M1, M2): give the Measure code (got '{M1}')"
    ]


def _garbage(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: _garbage(d / "corrupt.xlsx"), r"corrupt\.xlsx: not a workbook projtui can read \(.+\)"),
        (lambda d: Path(__import__("shutil").copy(HERE / "spreadsheets" / "password-protected.xlsx", d / "locked.xlsx")),
         r"locked\.xlsx: the workbook is password-protected: save a copy without a password and import that"),
        (lambda d: Path(__import__("shutil").copy(HERE / "spreadsheets" / "password-protected.xlsx", d / "locked.xls")),
         r"locked\.xls: the workbook is password-protected: save a copy without a password and import that"),
        (lambda d: _text(d / "really.xlsx", "Code,Name\nSP-01,x\n"),
         r"really\.xlsx: is text \(CSV\?\), not a workbook: name it \.csv to import it as CSV"),
        (lambda d: _workbook(d / "really.csv", {"Projects": [["Code", "Name"]]}),
         r"really\.csv: is a workbook, not CSV text: name it \.xlsx \(or \.xls, \.ods\) to import it as one"),
        (lambda d: _workbook(d / "empty.xlsx", {"Sheet1": []}), r"empty\.xlsx: nothing to import: every sheet is empty"),
        (lambda d: _text(d / "empty.csv", ""), r"empty\.csv: nothing to import: the file is empty"),
        (lambda d: _workbook(d / "other.xlsx", {"Budget": [["Cost centre", "Amount"], ["X1", 5]]}),
         r"other\.xlsx: Budget: no header row projtui reads in its first 5 rows; expected ambitions: Code and Title; "
         r"a project register: Code and Name; quarterly actuals: Project and Quarter and Actual, and Measure code or Measure"),
        (lambda d: _workbook(d / "both.xlsx", {"Sheet1": [["Code", "Name"], ["X", "y"]]}),
         r"both\.xlsx: Sheet1: its headers fit both the Ambitions and the Projects sheet: add a column only one has .+"),
        (lambda d: _workbook(d / "merged.xlsx", {"Projects": [["Code", "Name", "Stage"], ["SP-01", "x", "pipeline"]]},
                             merged={"Projects": "A1:B1"}),
         r"merged\.xlsx: Projects!A1:B1: merged header cells: unmerge them \(one header a column\)"),
        (lambda d: _workbook(d / "merged_rows.xlsx", {"Projects": [["Code", "Name", "Stage"], ["SP-01", "x", None], [None, "y", None]]},
                             merged={"Projects": "A2:A3"}),
         r"merged_rows\.xlsx: Projects!A2:A3: merged cells: unmerge them \(each row needs its own value\)"),
        (lambda d: _workbook(d / "twice.xlsx", {"Projects": [["Code", "Name", "Lead", "Project lead"], ["SP-01", "x", "a", "b"]]}),
         r"twice\.xlsx: Projects!D1: duplicate column: 'Project lead' and 'Lead' \(C1\) both mean Lead"),
        (lambda d: _text(d / "nomeasure.csv", "Project,Quarter,Actual\nSP-01,2026/27 Q3,5\n"),
         r"nomeasure\.csv: an actuals sheet needs a Measure code or a Measure column to say which measure each figure is for"),
    ],
    ids=["corrupt", "password", "password-as-xls", "xlsx-really-csv", "csv-really-xlsx", "empty-sheet", "empty-csv", "no-headers-match",
         "ambiguous-headers", "merged-header", "merged-rows", "duplicate-column", "no-measure-column"],
)
def test_a_file_that_is_not_a_readable_sheet_is_one_error_line_and_no_traceback(cli, tmp_path, make, expected):
    path = make(tmp_path)
    db = tmp_path / "p.db"
    lines = _errors(cli("import", path.name, "--db", db))
    assert len(lines) == 1, lines
    assert re.fullmatch(expected, lines[0]), lines[0]
    assert _projects(db) == []


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_spreadsheet_is_a_usage_error(cli, tmp_path):
    assert _errors(cli("import", "nope.xlsx", "--db", tmp_path / "p.db"), 2) == ["nope.xlsx: no such file"]


def test_a_workbook_in_the_shape_projtui_writes_reads_back_as_no_change(cli, tmp_path, sample):
    """Every header of the sheets a council keeps (domain/sheets), the columns written only for reading and target-only
    rows: the sample's own values in that shape are no change at all (the plan's sheets absent, its plans stay)."""
    from projtui.domain import sheets

    document = _exported(cli, sample)
    derived = {"primary_ambition": "A1", "rag": "Green", "benefits_on_track": "2 of 3", "target": 10, "status": "On track", "travel": "Up"}

    def row(sheet, values):
        return [derived.get(column.field, values.get(column.field)) for column in sheet.columns]

    ambitions = [row(sheets.AMBITIONS, a) for a in document["ambitions"]]
    projects, measures = [], []
    for project in document["projects"]:
        pounds = project["budget_pence"] / 100 if "budget_pence" in project else None
        plan = {f"plan_{name}": value for name, value in project.get("benefits_review_plan", {}).items()}
        projects.append(row(sheets.PROJECTS, {**project, **plan, "budget_pence": pounds, "ambitions": "; ".join(project.get("ambitions", []))}))
        for parent in project.get("outcomes", []) + project.get("benefits", []):
            for measure in parent.get("measures", []):
                for quarter in sorted(measure.get("targets", {}).keys() | measure.get("actuals", {}).keys()):
                    measures.append(row(sheets.ACTUALS, {
                        "project": project["code"], "measure_code": measure["code"], "measure_name": measure["name"], "quarter": quarter,
                        "value": measure.get("actuals", {}).get(quarter), "note": measure.get("notes", {}).get(quarter),
                        "provisional": "yes" if quarter in measure.get("provisional", []) else "no",
                    }))
    assert measures and any(r[[c.field for c in sheets.ACTUALS.columns].index("value")] is None for r in measures)  # target-only rows
    book = _workbook(tmp_path / "portfolio.xlsx", {
        sheets.AMBITIONS.name: [[c.header for c in sheets.AMBITIONS.columns], *ambitions],
        sheets.PROJECTS.name: [[c.header for c in sheets.PROJECTS.columns], *projects],
        sheets.ACTUALS.name: [[c.header for c in sheets.ACTUALS.columns], *measures],
    })
    result = cli("import", book.name, "--db", sample, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Dry run: would apply no changes; nothing was changed.\n"


def test_a_spreadsheet_import_needs_the_role_a_snapshot_does_and_is_audited(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("init", "--db", db, env={"PROJTUI_LOGIN": "boss"}).returncode == 0
    assert cli("user", "add", "vic", "--db", db, env={"PROJTUI_LOGIN": "boss"}).returncode == 0
    book = _workbook(tmp_path / "register.xlsx", REGISTER)
    assert _errors(cli("import", book.name, "--db", db, env={"PROJTUI_LOGIN": "vic"})) == [
        "vic is a viewer: importing a snapshot needs the performance officer role"
    ]
    assert _projects(db) == []
    assert cli("import", book.name, "--db", db, env={"PROJTUI_LOGIN": "boss"}).returncode == 0
    with sqlite3.connect(db) as connection:
        trail = connection.execute("select actor, action, entity, entity_key from audit_log where entity in ('project', 'ambition') order by id").fetchall()
    assert trail == [("boss", "create", "ambition", "A1"), ("boss", "create", "ambition", "A2"),
                     ("boss", "create", "project", "SP-01"), ("boss", "create", "project", "SP-02")]
