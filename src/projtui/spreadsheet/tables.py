"""A workbook (.xlsx, .xlsm, .xls, .ods) or a CSV file read as tables of rows, each table a sheet projtui knows.

Which sheet is which comes from its headers (`domain.sheets.kind_of`), found
in the first few rows so a title above the header is fine. Cells are read as
values (numbers, dates, formulas' cached results) through python-calamine,
which reads every Excel and OpenDocument format, reports a password, and
gives merged ranges; a CSV's cells are its text. Everything wrong with the
file's shape is collected and raised at once, one problem a line, each
naming the file, sheet and cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from projtui.domain import sheets
from projtui.domain.errors import NO_VALUE, InvalidInput, Problem
from projtui.domain.sheets import Sheet

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv",)
HEADER_ROWS = 5  # how far down a header row is looked for, below a title or two
READ = sheets.SHEETS

_ZIP = b"PK\x03\x04"  # .xlsx, .xlsm, .ods
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected workbook
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted workbook keeps its contents in
_PASSWORD = "the workbook is password-protected: save a copy without a password and import that"
_UNSAVED = ("a formula with no saved result: open the workbook in Excel "
            "or LibreOffice and save it, so each formula's value is stored, then import it again")


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.casefold() in WORKBOOK_SUFFIXES + CSV_SUFFIXES


@dataclass(frozen=True)
class Table:
    """One sheet's rows under a header projtui reads, and how to name any of its cells."""

    source: str  # the file, as the user named it
    sheet: str | None  # None for a CSV file
    kind: Sheet
    columns: dict[str, tuple[int, str]]  # field → (column index, header as written)
    rows: list[tuple[int, Sequence[object]]]  # (row number from 1, the cells)
    header_row: int  # the header's row number from 1

    def has(self, field: str) -> bool:
        return field in self.columns

    def cell(self, row: Sequence[object], field: str) -> object:
        """The cell's value; "" when the sheet has no such column or the row is short."""
        if field not in self.columns:
            return ""
        index = self.columns[field][0]
        return row[index] if index < len(row) else ""

    def problem(self, number: int, field: str | None, value: object, message: str) -> Problem:
        """A problem at a cell: `file: Sheet!D7 (Header)`, or `file:7` and the header for a CSV."""
        if field is None or field not in self.columns:
            where = f"{self.source}:{number}" if self.sheet is None else f"{self.source}: {self.sheet} row {number}"
            return Problem(where, "", value, message)
        return self.problem_at(self.columns[field][0], number, value, message)

    def problem_at(self, index: int, number: int, value: object, message: str) -> Problem:
        """A problem at the cell in column `index` (from 0) of row `number`, with its header when it is under one projtui reads."""
        header = next((text for at, text in self.columns.values() if at == index), "") if number > self.header_row else ""
        if self.sheet is None:
            return Problem(f"{self.source}:{number}", header, value, message)
        where = f"{self.source}: {_ref(self.sheet, index, number)}"
        return Problem(f"{where} ({header})" if header else where, "", value, message)


def read_tables(path: Path, *, source: str) -> tuple[list[Table], list[Problem]]:
    """The tables in the file, in sheet order, and every problem of its shape (a sheet with one is left out).

    A file that cannot be read at all, or has nothing in it, raises InvalidInput.
    """
    if path.suffix.casefold() in CSV_SUFFIXES:
        named = [(None, _csv_rows(path, source), [])]
        unsaved = {}
    else:
        named = _workbook_sheets(path, source)
        unsaved = _unsaved_formulas(path, source, [sheet for sheet, _, _ in named])
    problems: list[Problem] = []
    tables = []
    for sheet, rows, merged in named:
        table = _table(source, sheet, rows, merged, problems)
        if table is not None:
            tables.append(table)
            problems.extend(table.problem_at(index, number, NO_VALUE, _UNSAVED) for number, index in unsaved.get(sheet, ()))
    if not tables and not problems:
        empty = "the file is empty" if not named or named[0][0] is None else "every sheet is empty"
        raise _whole(source, f"nothing to import: {empty}")
    return tables, problems


# Files ----------------------------------------------------------------------


def _workbook_sheets(path: Path, source: str) -> list[tuple[str, list[list[object]], list]]:
    from python_calamine import (
        CalamineError,
        CalamineWorkbook,
        PasswordError,
        SheetTypeEnum,
        SheetVisibleEnum,
    )

    head = _head(path, source)
    if not head.startswith((_ZIP, _OLE)) and _is_text(head):
        raise _whole(source, "is text (CSV?), not a workbook: name it .csv to import it as CSV")
    try:
        with CalamineWorkbook.from_path(path) as book:
            found = []
            for meta in book.sheets_metadata:
                # Hidden sheets hold lookups and workings, not what the user sees and means to import.
                if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                found.append((meta.name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []))
            return found
    except PasswordError:
        raise _whole(source, _PASSWORD) from None
    except CalamineError as exc:
        if head.startswith(_OLE) and _ENCRYPTED in _read(path, source):
            raise _whole(source, _PASSWORD) from None  # an encrypted .xls, which calamine reports only as unreadable
        raise _whole(source, f"not a workbook projtui can read ({exc})") from None
    except BaseException as exc:
        # The Rust reader's panic on a file it cannot make sense of arrives as pyo3's PanicException,
        # a BaseException: it is still only an unreadable file. Anything else (Ctrl+C) goes on up.
        if type(exc).__name__ != "PanicException":
            raise
        raise _whole(source, "not a workbook projtui can read") from None


def _unsaved_formulas(path: Path, source: str, sheets: list[str]) -> dict[str, list[tuple[int, int]]]:
    """The formula cells with no saved result in an .xlsx/.xlsm's sheets (calamine reads them as empty); none in other formats.

    An .xls's formula record always holds its result; LibreOffice saves an .ods formula's as `office:value`, which
    calamine reads (an .ods a script wrote without them is not looked at).
    """
    if not _head(path, source).startswith(_ZIP):
        return {}
    from projtui.spreadsheet.formulas import unsaved_formulas  # XML parsing, for workbooks alone, as calamine is

    return unsaved_formulas(path, sheets)


def _csv_rows(path: Path, source: str) -> list[list[object]]:
    data = _read(path, source)
    if data.startswith((_ZIP, _OLE)):
        raise _whole(source, "is a workbook, not CSV text: name it .xlsx (or .xls, .ods) to import it as one")
    if b"\x00" in data:
        raise _whole(source, "is not CSV text (it holds NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" is Windows-1252 (a £ is byte A3); "CSV UTF-8" is the other choice.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _whole(source, f"is neither UTF-8 nor Windows-1252 text (byte {exc.start})") from None
    try:
        # The separator that makes a header projtui reads: Excel writes ";" where "," is the decimal point.
        candidates = [list(csv.reader(io.StringIO(text, newline=""), delimiter=d)) for d in (",", ";", "\t")]
    except csv.Error as exc:
        raise _whole(source, f"is not valid CSV ({exc})") from None
    return next((rows for rows in candidates if _header_at(rows) is not None), candidates[0])


def _head(path: Path, source: str) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(2048)
    except OSError as exc:
        raise _whole(source, f"cannot read: {exc.strerror}") from None


def _read(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _whole(source, f"cannot read: {exc.strerror}") from None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # cut in the middle of a character
    return True


def _whole(source: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(source, "", NO_VALUE, message)])


# Sheets ---------------------------------------------------------------------


def _table(source: str, sheet: str | None, rows: list[list[object]], merged: list, problems: list[Problem]) -> Table | None:
    """The sheet as a Table; None when it is empty. Shape problems go to `problems`."""
    name = sheet or source
    if not any(_filled(row) for row in rows):
        return None  # an empty sheet says nothing; a file with nothing at all is refused by the caller
    found = _header_at(rows)
    if found is None:
        # A merged header keeps only its first cell's text, so the sheet is not recognised: say why.
        merged_on_top = [span for span in merged if span[0][0] < HEADER_ROWS]
        for span in merged_on_top:
            problems.append(Problem(f"{source}: {_span(sheet, span)}", "", NO_VALUE, "merged header cells: unmerge them (one header a column)"))
        if not merged_on_top:
            problems.append(Problem(f"{source}: {name}" if sheet else source, "", NO_VALUE, _unrecognised(rows)))
        return None
    at, kind = found
    header_number = at + 1
    before = len(problems)
    for span in merged:
        (first_row, _), (last_row, _) = span
        if last_row >= at:
            what = "header cells: unmerge them (one header a column)" if first_row <= at else "cells: unmerge them (each row needs its own value)"
            problems.append(Problem(f"{source}: {_span(sheet, span)}", "", NO_VALUE, f"merged {what}"))
    columns: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(rows[at]):
        header = _header_text(cell)
        column = kind.column_for(header) if header else None
        if column is None:
            continue  # a column projtui does not read: councils keep their own beside ours
        if column.field in columns:
            first = columns[column.field]
            where = f"{source}:{header_number}" if sheet is None else f"{source}: {_ref(sheet, index, header_number)}"
            problems.append(Problem(where, "", NO_VALUE, f"duplicate column: {header!r} and {first[1]!r} "
                                    f"({_ref(None, first[0], header_number)}) both mean {column.header}"))
            continue
        columns[column.field] = (index, header)
    if kind is sheets.ACTUALS and not ({"measure_code", "measure_name"} & columns.keys()):
        problems.append(Problem(f"{source}: {name}" if sheet else source, "", NO_VALUE,
                                "an actuals sheet needs a Measure code or a Measure column to say which measure each figure is for"))
    if len(problems) > before:
        return None
    body = [(number, row) for number, row in enumerate(rows[at + 1 :], start=header_number + 1) if _filled(row)]
    return Table(source, sheet, kind, columns, body, header_number)


def _header_at(rows: list[list[object]]) -> tuple[int, Sheet] | None:
    """The first row within HEADER_ROWS that is a header of a sheet projtui reads, and that sheet."""
    for at, row in enumerate(rows[:HEADER_ROWS]):
        kind = sheets.kind_of([_header_text(cell) for cell in row])
        if kind in READ:
            return at, kind
    return None


def _unrecognised(rows: list[list[object]]) -> str:
    for row in rows[:HEADER_ROWS]:
        headers = [_header_text(cell) for cell in row]
        fits = [sheet.name for sheet in READ if sheet.recognises(headers)]
        if len(fits) > 1:
            return (f"its headers fit both the {' and the '.join(fits)} sheet: add a column only one has "
                    "(e.g. Stage for projects, Plan period for ambitions)")
    expected = "; ".join(f"{_kind_word(sheet)}: {_needs(sheet)}" for sheet in sheets.HAND_MADE)
    return f"no header row projtui reads in its first {HEADER_ROWS} rows; expected {expected}"


def _kind_word(sheet: Sheet) -> str:
    return {sheets.AMBITIONS: "ambitions", sheets.PROJECTS: "a project register", sheets.ACTUALS: "quarterly actuals"}[sheet]


def _needs(sheet: Sheet) -> str:
    needed = " and ".join(column.header for column in sheet.required)
    return needed + (", and Measure code or Measure" if sheet is sheets.ACTUALS else "")


def _header_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _filled(row: Sequence[object]) -> bool:
    """Anything in the row but blanks (an empty cell is "", a number 0 is something)."""
    return any(cell.strip() if type(cell) is str else True for cell in row)


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _ref(sheet: str | None, index: int, number: int) -> str:
    """A cell as Excel names it: D7, Projects!D7, 'Q2 actuals'!D7."""
    cell = f"{_letter(index)}{number}"
    return cell if sheet is None else f"{_quoted(sheet)}!{cell}"


def _span(sheet: str | None, span: tuple[tuple[int, int], tuple[int, int]]) -> str:
    """A merged range as Excel names it: Projects!A1:B1 (calamine gives its corners from 0)."""
    (first_row, first_col), (last_row, last_col) = span
    return f"{_ref(sheet, first_col, first_row + 1)}:{_ref(None, last_col, last_row + 1)}"


def _quoted(sheet: str) -> str:
    return sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
