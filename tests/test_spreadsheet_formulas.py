"""Finding the formulas an .xlsx holds with no saved result, in the spellings writers use: hand-written parts, so each is exact."""

import zipfile

from projtui.spreadsheet.formulas import unsaved_formulas

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _book(path, sheets: dict[str, tuple[str, str]]):
    """A zip with the workbook's parts: sheet name → (the relationship's Target, the sheet's XML)."""
    listed = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, 1))
    rels = "".join(f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="{target}"/>'
                   for n, (target, _) in enumerate(sheets.values(), 1))
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{listed}</sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels",
                      f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for target, xml in sheets.values():
            book.writestr(target.lstrip("/") if target.startswith("/") else f"xl/{target}", xml)
    return path


def _sheet(rows: str, prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    return f'<{p}worksheet xmlns{":" + prefix if prefix else ""}="{MAIN}"><{p}sheetData>{rows}</{p}sheetData></{p}worksheet>'


def test_a_formula_without_a_value_is_found_and_one_with_a_value_is_not(tmp_path):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Budget</t></is></c><c r="B1"><f>1+1</f><v>2</v></c></row>'
            '<row r="7"><c r="D7"><f>1000*2</f><v></v></c><c r="E7"><f>1</f><v/></c><c r="AA7"><f>2</f></c></row>'
            '<row r="8"><c r="D8"><f t="shared" si="0" ref="D8:D9">A8</f></c><c r="E8"><f t="shared" si="0"/></c></row>'
            '<row r="9"><c r="D9"><f t="shared" si="0"/><v>0</v></c><c r="E9" t="str"><f>""</f><v></v></c>'
            '<c r="F9" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>')
    book = _book(tmp_path / "b.xlsx", {"Projects": ("worksheets/sheet1.xml", _sheet(rows))})
    # E9 is an empty text result, saved (Excel's `=IF(A1="","",A1)`); D9 a shared formula's saved 0.
    assert unsaved_formulas(book, ["Projects"]) == {"Projects": [(7, 3), (7, 4), (7, 26), (8, 3), (8, 4)]}


def test_a_prefixed_namespace_and_cells_numbered_by_their_place(tmp_path):
    # Some writers spell the main namespace with a prefix; `r` is optional on rows and cells alike.
    rows = '<x:row><x:c><x:v>1</x:v></x:c></x:row><x:row r="3"><x:c/><x:c><x:f>A1*2</x:f></x:c></x:row><x:row><x:c><x:f>1</x:f></x:c></x:row>'
    book = _book(tmp_path / "b.xlsx", {"Sheet 1": ("/xl/worksheets/s.xml", _sheet(rows, "x"))})
    assert unsaved_formulas(book, ["Sheet 1"]) == {"Sheet 1": [(3, 1), (4, 0)]}


def test_only_the_sheets_asked_for_and_a_workbook_without_formulas_has_none(tmp_path):
    plain = '<row r="1"><c r="A1"><v>1</v></c></row>'
    formula = '<row r="2"><c r="B2"><f>1+1</f><v></v></c></row>'
    book = _book(tmp_path / "b.xlsx", {"Plain": ("worksheets/sheet1.xml", _sheet(plain)),
                                       "Hidden": ("worksheets/sheet2.xml", _sheet(formula))})
    assert unsaved_formulas(book, ["Plain"]) == {}
    assert unsaved_formulas(book, ["Plain", "Hidden"]) == {"Hidden": [(2, 1)]}


def test_a_formula_cut_in_two_by_the_edge_of_the_chunks_the_part_is_searched_in_is_found(tmp_path):
    from projtui.spreadsheet.formulas import _CHUNK

    def sheet(padding: int) -> str:
        return _sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"x" * padding}</t></is></c></row>'
                      '<row r="2"><c r="B2"><f>1+1</f><v></v></c></row>')

    cut = _CHUNK - 1 - sheet(0).index("<f>")  # the `<` the last byte of the first chunk, the `f` the first of the next
    book = _book(tmp_path / "b.xlsx", {"Projects": ("worksheets/sheet1.xml", sheet(cut))})
    assert unsaved_formulas(book, ["Projects"]) == {"Projects": [(2, 1)]}
