"""Word page furniture the report needs and python-docx has no call for: A4 sections, page numbers, table headers.

python-docx starts from a US Letter template, has no API for fields (a page
number is one) or for repeating a table's header row on every page, so
those few elements are written here as WordprocessingML, the way Word
itself writes them. ``report.docx`` says what the paper holds; this module
only lays it out.

Text is never markup: every string becomes a run's literal text. The only
characters changed are the control characters XML 1.0 cannot hold at all,
which would otherwise stop the document being written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

__all__ = ["NONE", "Cell", "Line", "Strong", "add_page_numbers", "add_table", "heading", "new_document", "paragraph", "start_section"]

NONE = "—"  # as in the other formats: an empty cell reads as a rendering fault

_A4 = (Mm(210), Mm(297))
_MARGIN = Cm(2)
_FONT = "Arial"  # what most councils' house styles and accessibility guides ask for
_TABLE_TEXT = "Table text"
_HEADER_FILL = "D9D9D9"  # light grey: reads in black and white, black text stays legible on it
# XML 1.0 has no way to write these (a tab, newline and carriage return it can: python-docx makes them a tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Strong(str):
    """Text set in bold: the one emphasis the report uses (a missing commentary, a total)."""


Line = str | Sequence[str]
"""One paragraph: a string, or its runs in order (the ``Strong`` ones bold)."""


@dataclass(frozen=True)
class Cell:
    """A table cell of one or more paragraphs, optionally shaded (a RAG cell's colour, beside its shape and word)."""

    lines: tuple[Line, ...]
    fill: str | None = None  # RRGGBB


def new_document(*, title: str, subject: str | None, author: str | None) -> WordDocument:
    """An empty A4 portrait document in Arial, British English, with a small style for table text."""
    doc = Document()
    _base_font(doc)
    doc.styles["Normal"].paragraph_format.space_before = Pt(6)  # so a paragraph after a table does not touch it
    style = doc.styles.add_style(_TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(9)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(2)
    style.paragraph_format.line_spacing = 1.0
    _page(doc.sections[0], landscape=False)
    props = doc.core_properties
    # Document properties hold at most 255 characters; a long portfolio name is cut rather than refused.
    props.title, props.subject, props.author = (_xml_safe(text or "")[:255] for text in (title, subject, author))
    props.last_modified_by, props.comments = "", ""
    return doc


def _base_font(doc: WordDocument) -> None:
    """Arial and en-GB for every style: the template's theme fonts (Calibri, Cambria) would win over a named font."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), _FONT)
    defaults.find(qn("w:lang")).set(qn("w:val"), "en-GB")
    for style in doc.styles:  # headings and the title name the theme's font: drop it, so they inherit Arial
        rpr = style.element.rPr
        if rpr is not None and rpr.rFonts is not None:
            rpr.remove(rpr.rFonts)


def start_section(doc: WordDocument, *, landscape: bool) -> None:
    """A new section on a new page, landscape for the wide tables."""
    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)


def _page(section, *, landscape: bool) -> None:
    short, long = _A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = _MARGIN


def add_page_numbers(doc: WordDocument, label: str) -> None:
    """``label · Page 3 of 12`` in the footer of every page.

    Set on the first section only: later sections have no footer of their own,
    so Word and LibreOffice carry this one on. PAGE and NUMPAGES are simple
    fields; the reader's program fills them in as it lays out the pages.
    """
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run(_xml_safe(f"{label} · Page "))
    _field(para, "PAGE")
    para.add_run(" of ")
    _field(para, "NUMPAGES")


def _field(para: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"  # shown until the field is updated; Word and LibreOffice update page fields on their own
    run.append(text)
    field.append(run)
    para._p.append(field)


def heading(doc: WordDocument, text: str, level: int) -> Paragraph:
    """A heading in Word's own style (Heading 1, 2, 3), which a table of contents collects; line breaks become spaces."""
    return paragraph(doc, " ".join(text.split()), f"Heading {level}")


def paragraph(container, line: Line, style: str | None = None) -> Paragraph:
    """A paragraph of literal text at the end of ``container`` (the document or a cell)."""
    para = container.add_paragraph(style=style)
    _write(para, line)
    return para


def _write(para: Paragraph, line: Line) -> None:
    for text in (line,) if isinstance(line, str) else line:
        run = para.add_run(_xml_safe(text))
        if isinstance(text, Strong):
            run.bold = True


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def add_table(
    doc: WordDocument, headers: Sequence[str], rows: Sequence[Sequence[str | Cell]], weights: Sequence[float], *, numeric: Sequence[int] = ()
) -> Table:
    """A bordered table across the page: its header row repeats on every page; ``numeric`` columns align right.

    ``weights`` share the width between the page's margins; an empty cell shows a dash.
    """
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    widths = [int(usable * w / sum(weights)) for w in weights]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # LibreOffice lays the table out from these
    _header_row(table, headers, numeric)
    for values in rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            _fill(cells[i], value if isinstance(value, Cell) else Cell((value,)), right=i in numeric)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # Word lays it out from these
        # A row is a few lines at most: moved whole to the next page rather than read in two halves.
        row._tr.get_or_add_trPr().insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader")
    return table


def _header_row(table: Table, headers: Sequence[str], numeric: Sequence[int]) -> None:
    row = table.rows[0]
    # Marked as the table's header: repeated at the top of each page, and read as headers by screen readers.
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for i, (cell, text) in enumerate(zip(row.cells, headers, strict=True)):
        _fill(cell, Cell(((Strong(text),),), fill=_HEADER_FILL), right=i in numeric)


def _fill(cell: _Cell, value: Cell, *, right: bool) -> None:
    lines = [line for line in value.lines if line] or [NONE]
    first, *rest = lines
    para = cell.paragraphs[0]  # a new cell holds one empty paragraph: use it, or the cell gets a blank line
    para.style = _TABLE_TEXT
    _write(para, first)
    for line in rest:
        paragraph(cell, line, _TABLE_TEXT)
    if right:
        for para in cell.paragraphs:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if value.fill:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), value.fill)
        cell._tc.get_or_add_tcPr().append(shading)
