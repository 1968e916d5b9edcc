"""The spreadsheet vocabulary: headers matched forgivingly, and a sheet's kind found from its headers."""

import pytest

from projtui.domain import sheets


@pytest.mark.parametrize("written", ["Project lead", "project_lead", "PROJECT-LEAD", " Lead officer ", "Project manager"])
def test_a_header_is_matched_by_case_spacing_and_synonym(written):
    assert sheets.PROJECTS.column_for(written).field == "lead"


def test_a_header_no_sheet_reads_is_none():
    assert sheets.PROJECTS.column_for("Colour of the folder") is None


@pytest.mark.parametrize("sheet", sheets.SHEETS, ids=lambda sheet: sheet.name)
def test_what_projtui_writes_it_recognises_as_the_same_sheet(sheet):
    assert sheets.kind_of([column.header for column in sheet.columns]) is sheet


def test_a_councils_own_register_is_recognised_by_its_headers():
    headers = ["Project Ref", "Project Title", "Lead Officer", "Cabinet Member", "Budget (£)", "Council Plan ambitions"]
    assert sheets.kind_of(headers) is sheets.PROJECTS


def test_an_actuals_return_is_recognised_without_a_measure_code():
    assert sheets.kind_of(["Project code", "Indicator", "Period", "Value", "Comments"]) is sheets.ACTUALS


def test_headers_that_fit_two_sheets_equally_are_not_guessed():
    assert sheets.kind_of(["Code", "Name"]) is None


def test_headers_missing_a_required_column_fit_no_sheet():
    assert sheets.kind_of(["Lead", "Budget"]) is None


def test_one_header_naming_two_columns_is_refused_when_the_sheet_is_defined():
    with pytest.raises(ValueError, match="names both"):
        sheets.Sheet("Odd", (sheets.Column("a", "Lead"), sheets.Column("b", "Owner", ("lead",))))
