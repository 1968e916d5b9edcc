"""The formulas an .xlsx or .xlsm workbook holds with no saved result: the cells a reader sees as empty.

Excel and LibreOffice save each formula's result beside it
(`<c r="D7"><f>1000*2</f><v>2000</v></c>`), and that value is what
python-calamine reads. A workbook a script wrote (openpyxl) has the formula
alone, `<v>` missing or empty, which calamine, having no formula API, reads
as an empty cell: a budget would be cleared without a word. So the sheets'
XML is looked at here, the one place projtui reads a workbook's parts itself.

It must cost nothing for the common case: most workbooks (every one projtui
exports) have no formula, so each sheet's part is searched for the bytes a
formula element starts with before anything is parsed.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

_WORKBOOK = "xl/workbook.xml"  # where calamine, too, looks for it
_RELS = "xl/_rels/workbook.xml.rels"
_CHUNK = 1 << 16


def unsaved_formulas(path: Path, sheets: Collection[str]) -> dict[str, list[tuple[int, int]]]:
    """Each named sheet's formula cells with no saved result, as (row number from 1, column index from 0), in order.

    A sheet with none is left out; so is every sheet of a workbook that is not .xlsx/.xlsm inside (an .ods is a zip too).
    """
    with zipfile.ZipFile(path) as book:
        parts = _sheet_parts(book)
        found = {}
        for name in sheets:
            part = parts.get(name)
            if part is None:
                continue
            with book.open(part) as sheet:
                if not _may_hold_formulas(sheet):
                    continue
            try:
                with book.open(part) as sheet:
                    cells = list(_unsaved(sheet))
            except ElementTree.ParseError:
                continue  # XML calamine's lenient reader took and expat will not: its values were read, as before
            if cells:
                found[name] = cells
        return found


def _may_hold_formulas(sheet: IO[bytes]) -> bool:
    """Whether a sheet's XML has the bytes a formula element starts with, in one search of it.

    `<f>`, `<f t="shared" .../>`, or `<x:f>` in a sheet that spells the main namespace with a prefix, as its
    root element does (`<x:worksheet>`). A false alarm (`<filterColumn>`) only costs the parse. The part is
    searched a chunk at a time as it is inflated, while the chunk is still in the processor's cache: a third
    quicker than inflating it whole and searching that, and no copy of a large sheet is held.
    """
    chunk = sheet.read(_CHUNK)
    root = chunk.find(b"worksheet")
    needle = b"<" + (chunk[chunk.rfind(b"<", 0, root) + 1 : root] if root > 0 else b"") + b"f"
    keep = len(needle) - 1  # a needle cut in two by the chunks' edge
    tail = b""
    while chunk:
        if needle in chunk or needle in tail + chunk[:keep]:
            return True
        tail = chunk[-keep:]
        chunk = sheet.read(_CHUNK)
    return False


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip, through the workbook's relationships."""
    names = set(book.namelist())
    if _WORKBOOK not in names or _RELS not in names:
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in ElementTree.fromstring(book.read(_RELS))}
    parts = {}
    for element in ElementTree.fromstring(book.read(_WORKBOOK)).iter():
        if _local(element.tag) != "sheet":
            continue
        # r:id, in whichever namespace (transitional or strict) the workbook uses.
        rel = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
        target = targets.get(rel)
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            parts[element.get("name", "")] = part
    return parts


def _unsaved(sheet: IO[bytes]) -> Iterator[tuple[int, int]]:
    """The formula cells with no value in one sheet's XML.

    Only end events are read (half the cost of start and end); a row's cells are held until the row
    ends, because a row or cell may leave out its `r` and be numbered by its place.
    """
    row_number, column, pending = 0, -1, []
    formula, value = False, None
    for _, element in ElementTree.iterparse(sheet, events=("end",)):
        tag = _local(element.tag)
        if tag == "f":
            formula = True
        elif tag == "v" or tag == "is":
            value = (element.text or "") if tag == "v" else "inline"
        elif tag == "c":
            ref = element.get("r")
            column = _column(ref) if ref else column + 1
            # An empty result saved as text (`t="str"`, `<v></v>`) is a value: Excel's `=IF(A1="","",A1)`.
            if formula and not value and not (value == "" and element.get("t") == "str"):
                pending.append(column)
            formula, value = False, None
            element.clear()
        elif tag == "row":
            ref = element.get("r")
            row_number = int(ref) if ref else row_number + 1
            yield from ((row_number, index) for index in pending)
            column, pending = -1, []
            element.clear()


def _column(ref: str) -> int:
    """D7 → 3 (A is 0)."""
    index = 0
    for char in ref:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - ord("A") + 1
    return index - 1


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
