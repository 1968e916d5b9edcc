"""The workbook's Ambitions sheet carries "Retired" (yes/no) both ways (issue 15), run as a user runs the CLI."""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
from test_snapshot_ambition_retired import V2

# Two ambitions, A1 retired (and a project still linked to it).
PLAN = V2


def _db(cli, tmp_path: Path) -> Path:
    db, plan = tmp_path / "p.db", tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    assert cli("import", plan, "--db", db).returncode == 0
    return db


def _retired(cli, db: Path) -> dict[str, bool]:
    result = cli("export", "--db", db, "--no-timestamp")
    assert result.returncode == 0, result.stderr
    return {a["code"]: a.get("retired", False) for a in tomllib.loads(result.stdout)["ambitions"]}


def _ambitions_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ambitions"
    for row in [["Code", "Title", "Plan period", "Retired"], *rows]:
        sheet.append(row)
    book.save(path)
    return path


def test_the_export_says_which_ambitions_are_retired(cli, tmp_path):
    db = _db(cli, tmp_path)
    result = cli("export", "--db", db, "--format", "xlsx", "-o", tmp_path / "out.xlsx")
    assert result.returncode == 0, result.stderr
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["Ambitions"].iter_rows(values_only=True))
    retired = rows[0].index("Retired")
    assert [(row[0], row[retired]) for row in rows[1:]] == [("A1", "yes"), ("A2", "no")]


def test_the_import_reads_retired_back_and_a_sheet_without_the_column_changes_nothing(cli, tmp_path):
    db = _db(cli, tmp_path)
    swapped = _ambitions_workbook(tmp_path / "swapped.xlsx", [["A1", "A Sustainable District", "2019-2023", "no"], ["A2", "Prosperity", "2024-2027", "Yes"]])
    result = cli("import", swapped, "--db", db)
    assert result.returncode == 0, result.stderr
    assert _retired(cli, db) == {"A1": False, "A2": True}
    without = tmp_path / "without.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Ambitions"
    book.active.append(["Code", "Title", "Plan period"])
    book.active.append(["A2", "Prosperity", "2024-2027"])
    book.save(without)
    result = cli("import", without, "--db", db, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would apply no changes" in result.stdout


def test_a_retired_cell_that_is_not_yes_or_no_is_one_error_at_its_cell(cli, tmp_path):
    db = _db(cli, tmp_path)
    book = _ambitions_workbook(tmp_path / "bad.xlsx", [["A1", "A Sustainable District", "2019-2023", "maybe"]])
    result = cli("import", book, "--db", db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Ambitions!D2 (Retired)" in lines[0] and "maybe" in lines[0], lines
    assert _retired(cli, db) == {"A1": True, "A2": False}
