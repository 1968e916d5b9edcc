"""Writing a workbook with XlsxWriter: typed cells, a frozen header, an autofilter and sensible widths on every sheet.

The export's and the report's workbooks are both written here, one row at
a time: XlsxWriter's ``constant_memory`` mode flushes each row to a
temporary file as the next one starts, so 100,000 projects take no more
memory than ten. Cells are real Excel types, chosen by each column's
``CellKind`` (``domain/sheets.py``): numbers, money in pounds with a
currency format (records hold pence), dates, quarters as text and flags as
yes/no. A measure's figures are numbers in its unit; on a row whose unit is
pounds (``write(..., money=True)``) its ``in_unit`` columns' cells get the
currency format too, their values unchanged. Text is always text: a note
that starts with ``=`` or looks like a link is written as typed, never as a
formula or a hyperlink.

A sheet with more rows than an Excel worksheet holds goes on in another,
"Measures (2)" after "Measures", under the same header: nothing is written
short, and the import, which knows a sheet by its header, joins them back.

XlsxWriter is imported by this module only, so nothing but an xlsx export
or report loads it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from projtui.domain.sheets import CellKind, Column

__all__ = ["SheetWriter", "Workbook", "workbook_chunks"]

_CHUNK = 1 << 20
# Excel's rows per worksheet, the header's included. XlsxWriter drops a row past it without a word, so a
# sheet that big (the Measures sheet has a row per measure per quarter) goes on in another rather than lose figures.
EXCEL_ROWS = 1_048_576
_SAMPLED_ROWS = 200  # rows a column's width is judged by: the first ones, so streaming stays cheap
_WIDEST = 60  # characters; longer text wraps into view when the cell is selected
_NARROWEST = 6

# A UK council reads dates day first.
_NUMBER_FORMATS = {
    CellKind.MONEY: "£#,##0.00",
    CellKind.DATE: "dd/mm/yyyy",
    CellKind.PERCENT: "0%",
}


def _pounds(pence: int) -> float:
    return pence / 100


def _flag(value: bool) -> str:
    return "yes" if value else "no"


# How a record's value becomes its cell, by kind; the rest are written as they are.
_CONVERT: dict[CellKind, Callable] = {CellKind.MONEY: _pounds, CellKind.QUARTER: str, CellKind.FLAG: _flag}


class _ExactWorksheet(Worksheet):
    """A worksheet whose numbers are written to the last bit.

    XlsxWriter writes a number to 16 significant figures, so 0.30000000000000004
    would come back as 0.3 and a workbook re-imported would not be the
    portfolio it came from; ``repr`` is the shortest text that reads back as
    the very same float, which Excel and LibreOffice read as they read any number.
    """

    def _xml_number_element(self, number, attributes=()) -> None:
        attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        self.fh.write(f"<c{attr}><v>{number!r}</v></c>")


class Workbook:
    """A workbook being written to ``path``; ``sheet`` adds a sheet, ``close`` finishes the file."""

    def __init__(self, path: Path) -> None:
        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                # User text is data: never a formula, a link or a number guessed from it.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._header = self._book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self._formats = {kind: self._book.add_format({"num_format": pattern}) for kind, pattern in _NUMBER_FORMATS.items()}
        self._sheets: list[SheetWriter] = []

    def sheet(self, name: str, columns: Sequence[Column]) -> SheetWriter:
        sheet = SheetWriter(self._worksheet, name, columns, self._header, self._formats)
        self._sheets.append(sheet)
        return sheet

    def _worksheet(self, name: str) -> Worksheet:
        return self._book.add_worksheet(name, worksheet_class=_ExactWorksheet)

    def close(self) -> None:
        for sheet in self._sheets:
            sheet.finish()
        self._book.close()


class SheetWriter:
    """One sheet: its header row on creation, then ``write`` a row of values in the columns' order.

    Past Excel's last row the rows go on in a new worksheet named for the
    sheet and its number, "Measures (2)": XlsxWriter adds it after the
    sheets already made, and ``constant_memory`` has finished the full one's
    rows, so it costs no memory. Each worksheet gets the header, the frozen
    pane, the formats and the widths the first rows set, and a filter of its own.
    """

    def __init__(self, add_worksheet: Callable[[str], Worksheet], name: str, columns: Sequence[Column], header_format,
                 formats: dict) -> None:
        self._add_worksheet = add_worksheet
        self._name = name
        self._columns = tuple(columns)
        self._header_format = header_format
        self._formats = [formats.get(column.kind) for column in self._columns]
        # A format per column for a row's numbers: None is the column's own; a money row's figures are in the currency format.
        self._plain_formats = [None] * len(self._columns)
        self._money_formats = [formats.get(CellKind.MONEY) if column.in_unit else None for column in self._columns]
        self._convert = [(i, _CONVERT[c.kind]) for i, c in enumerate(self._columns) if c.kind in _CONVERT]
        self._widths = [max(_NARROWEST, min(_WIDEST, len(column.header) + 2)) for column in self._columns]
        self._full: list[Worksheet] = []  # worksheets filled to Excel's last row, the sheet's first ones
        self._start(name)

    def _start(self, name: str) -> None:
        self._sheet = worksheet = self._add_worksheet(name)
        for i, cell_format in enumerate(self._formats):
            worksheet.set_column(i, i, self._widths[i], cell_format)
        worksheet.write_row(0, 0, [column.header for column in self._columns], self._header_format)
        worksheet.freeze_panes(1, 0)
        self.rows = 0  # below the header of the worksheet being written

    def write(self, values: Sequence, money: bool = False) -> None:
        """A row; ``money``: the figures in its ``in_unit`` columns are pounds (the measure's unit is money)."""
        if self._convert:
            values = list(values)
            for i, convert in self._convert:
                if values[i] is not None:
                    values[i] = convert(values[i])
        if self.rows == EXCEL_ROWS - 1:
            self._full.append(self._sheet)
            self._start(f"{self._name} ({len(self._full) + 1})")
        self.rows += 1
        if self.rows <= _SAMPLED_ROWS and not self._full:
            self._measure(values)
        self._write_cells(self.rows, values, self._money_formats if money else self._plain_formats)

    def _write_cells(self, row: int, values: Sequence, formats: Sequence) -> None:
        """The row's cells through XlsxWriter's typed writers, the ones its ``write_row`` ends in.

        ``write_row`` converts its arguments and works out each cell's type
        afresh, which costs more than writing the cell; here the common types
        go straight to their writer and anything else to XlsxWriter's own
        choice. A blank (None, or empty text) is no cell, as ``write_row``
        leaves it without a format. ``formats``, a format per column (None:
        the column's own), is given to the row's numbers, the only cells
        that ever need one of their own. The cells are the public writers':
        ``tests/test_workbook_cells.py`` reads both back.
        """
        sheet = self._sheet
        text, number, other = sheet._write_string, sheet._write_number, sheet._write
        for col, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if value:
                    text(row, col, value)
            elif kind is float or kind is int:
                number(row, col, value, formats[col])
            elif value is not None:
                other(row, col, value)

    def _measure(self, values: Sequence) -> None:
        for i, value in enumerate(values):
            if value is not None:
                shown = len(value) if isinstance(value, str) else 11  # a number or a date: about 11 characters
                self._widths[i] = max(self._widths[i], min(_WIDEST, shown + 2))

    def finish(self) -> None:
        last_column = len(self._columns) - 1
        for worksheet, rows in [*((full, EXCEL_ROWS - 1) for full in self._full), (self._sheet, self.rows)]:
            for i, cell_format in enumerate(self._formats):
                worksheet.set_column(i, i, self._widths[i], cell_format)
            # Over the header and every row (the header alone when there are none), so Excel's filter buttons show.
            worksheet.autofilter(0, 0, rows, last_column)


def workbook_chunks(write: Callable[[Workbook], None]) -> Iterator[bytes]:
    """The bytes of the workbook ``write`` fills, a megabyte at a time.

    XlsxWriter needs a file to build the zip in; it goes in a private
    temporary directory, removed when the chunks are done or abandoned, so
    the caller can stream them to a file atomically or to standard output.
    """
    with tempfile.TemporaryDirectory(prefix="projtui-xlsx-") as directory:
        path = Path(directory) / "book.xlsx"
        book = Workbook(path)
        try:
            write(book)
        finally:
            book.close()
        with path.open("rb") as built:
            while chunk := built.read(_CHUNK):
                yield chunk
