"""`report.workbook.SheetWriter` writes its cells through XlsxWriter's typed internals; they must be the public writers' cells.

The internals (``Worksheet._write_string``, ``_write_number``, ``_write``)
are not XlsxWriter's documented API: an upgrade that renames or changes
them must fail here, not quietly change the workbooks projtui writes.
"""

from __future__ import annotations

import datetime as dt
import inspect
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from xlsxwriter.worksheet import Worksheet

from projtui.domain.sheets import CellKind, Column
from projtui.report.workbook import Workbook

# Every kind of value the workbooks hold, and the awkward ones: empty text, text that looks like a formula, a link or a
# number, whole and fractional numbers (to the last bit), a str subclass, a date, a datetime, a bool.
ROW = (
    "text", "", None, "=SUM(A1:A2)", "https://example.org", "0012", "  spaced  ", 3, 0.30000000000000004, -1e-300,
    12_500_000.25, dt.date(2026, 4, 1), dt.datetime(2026, 4, 1, 9, 30), True, CellKind.MONEY,
    "£ ünïcode\nline", 0, 0.0,
)
COLUMNS = [Column(f"c{i}", f"C{i}", kind=CellKind.DATE if isinstance(value, dt.date) else CellKind.TEXT) for i, value in enumerate(ROW)]


@pytest.mark.parametrize(("name", "value"), [("_write_string", "string"), ("_write_number", "number"), ("_write", None)])
def test_the_typed_writers_are_there_and_take_row_col_value(name: str, value: str | None) -> None:
    parameters = list(inspect.signature(getattr(Worksheet, name)).parameters)
    assert parameters[:3] == ["self", "row", "col"]
    if value is not None:
        assert parameters[3:] == [value, "cell_format"]


def _written(path: Path, write, columns=COLUMNS) -> Path:
    """A one-sheet workbook of projtui's (its options, worksheet class, column formats) with ``ROW`` written by ``write``."""
    book = Workbook(path)
    sheet = book.sheet("Cells", columns)
    write(sheet)
    sheet.rows = 1  # the autofilter over the row, as SheetWriter.write counts it
    book.close()
    return path


def _cells(path: Path) -> list[list[tuple]]:
    sheet = openpyxl.load_workbook(path)["Cells"]
    return [[(cell.value, cell.data_type, cell.number_format) for cell in row] for row in sheet.iter_rows()]


def _sheet_data(path: Path) -> bytes:
    """The cells' XML as written (the column widths around it follow what SheetWriter.write measured)."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    return xml[xml.index(b"<sheetData>") : xml.index(b"</sheetData>")]


def _one_at_a_time(sheet, number_formats=None) -> None:
    """Each cell through the public writer for its type (None and empty text are written as blanks without a format).

    ``number_formats``: a format per column for the numbers, as a money row's figures have.
    """
    worksheet = sheet._sheet
    for col, value in enumerate(ROW):
        if value is None or value == "":
            worksheet.write_blank(1, col, value)
        elif isinstance(value, bool):
            worksheet.write_boolean(1, col, value)
        elif isinstance(value, dt.date):
            worksheet.write_datetime(1, col, value)
        elif isinstance(value, str):
            worksheet.write_string(1, col, value)
        else:
            worksheet.write_number(1, col, value, number_formats[col] if number_formats else None)


@pytest.mark.parametrize("public", [lambda sheet: sheet._sheet.write_row(1, 0, ROW), _one_at_a_time], ids=["write_row", "write_each"])
def test_sheet_writer_cells_are_the_public_writers_cells(tmp_path: Path, public) -> None:
    ours = _written(tmp_path / "ours.xlsx", lambda sheet: sheet.write(ROW))
    theirs = _written(tmp_path / "theirs.xlsx", public)
    assert _cells(ours) == _cells(theirs)
    assert _sheet_data(ours) == _sheet_data(theirs)
    values = [value for value, _, _ in _cells(ours)[1]]
    assert values[8] == 0.30000000000000004 and values[3] == "=SUM(A1:A2)" and values[1] is None and values[2] is None


def test_a_money_rows_numbers_are_the_public_writers_in_the_currency_format(tmp_path: Path) -> None:
    # Every column a measure's figure, so each kind of value meets the money format: only the numbers take it.
    columns = [replace(column, in_unit=True) for column in COLUMNS]
    ours = _written(tmp_path / "ours.xlsx", lambda sheet: sheet.write(ROW, money=True), columns)
    theirs = _written(tmp_path / "theirs.xlsx", lambda sheet: _one_at_a_time(sheet, sheet._money_formats), columns)
    assert _cells(ours) == _cells(theirs)
    assert _sheet_data(ours) == _sheet_data(theirs)
    written = _cells(ours)[1]
    numbers = [i for i, value in enumerate(ROW) if value.__class__ in (int, float)]
    assert numbers and all(written[i][2] == "£#,##0.00" and written[i][0] == ROW[i] for i in numbers)
    assert all(written[i][2] != "£#,##0.00" for i in range(len(ROW)) if i not in numbers)
    # The same row not in pounds: no cell has the money format.
    plain = _cells(_written(tmp_path / "plain.xlsx", lambda sheet: sheet.write(ROW), columns))[1]
    assert all(number_format != "£#,##0.00" for _, _, number_format in plain)
