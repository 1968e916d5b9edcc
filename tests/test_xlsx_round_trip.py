"""The workbook round trip (issue 15): export xlsx → import into an EMPTY database → the TOML export is the original's.

For the sample through the CLI, for generated portfolios as a property, and
the new sheets' error paths as a user meets them: a real workbook, a
subprocess, one `error:` line a problem and nothing written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import documents
from test_cli_spreadsheets import _errors, _projects, _workbook

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


# Generated portfolios ----------------------------------------------------------------


def _as_a_cell_holds_it(document: Document) -> Document:
    """The document with what no spreadsheet cell can tell apart made the same.

    An empty cell is both "" and no text, so an empty text is none; a note of
    only spaces is no note (the actual dialog's and the Measures sheet's rule,
    ActualFields). Everything else must come back exactly.
    """

    def cleaned(value: object, key: str = "") -> object:
        if isinstance(value, dict):
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
