"""Benchmarks in the snapshot (issue 13): read, written, compared, imported and refused with their line."""

from __future__ import annotations

import pytest
from people import admins
from test_snapshot_risks import as_version_1

from projtui.domain.errors import InvalidInput
from projtui.domain.quarter import FinancialYear
from projtui.services.audit import history_page
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, sample_text
from projtui.snapshot.diff import diff_documents
from projtui.snapshot.diff_render import render_text
from projtui.snapshot.reader import read_document
from projtui.snapshot.writer import dump_document

MISSED = """\
[[projects.benefits.measures.benchmarks]]
period = "2024/25"
source = "APSE Performance Networks family group"
lower_quartile = 32.0
median = 46.0
"""

OUTCOME_MEASURE = """\
schema_version = 2

[[projects]]
code = "P1"
name = "Pilot"

[[projects.outcomes]]
code = "OC1"
title = "Fewer empty homes"

[[projects.outcomes.measures]]
code = "M1"
name = "Long-term empty homes"
direction = "lower"
actuals = { "2023/24 Q4" = 310.0 }

[[projects.outcomes.measures.benchmarks]]
period = "FY23/24"
source = "LG Inform"
median = 280.0

[[projects.outcomes.measures.benchmarks]]
period = "2022/23"
source = "LG Inform"
median = 295.0
"""


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    yield database
    database.dispose()


def test_sample_measures_carry_benchmarks() -> None:
    document = read_document(sample_text(), source="lancaster.toml")
    measures = {
        (p.code, m.code): m.benchmarks for p in document.projects for b in p.benefits for m in b.measures if m.benchmarks
    }
    assert len(measures) >= 5
    (first, second) = measures["SP-01", "M4"]
    assert (first.period, first.source, first.median, first.rank, first.of) == (
        FinancialYear(2024), "APSE Performance Networks family group", 46.0, 5, 14,
    )
    assert second.period == FinancialYear(2025)


def test_an_outcomes_measure_takes_benchmarks_and_writes_them_in_year_order() -> None:
    document = read_document(OUTCOME_MEASURE, source="b.toml")
    (measure,) = document.projects[0].outcomes[0].measures
    assert [b.period for b in measure.benchmarks] == [FinancialYear(2023), FinancialYear(2022)]
    text = dump_document(document)
    assert text.index('period = "2022/23"') < text.index('period = "2023/24"')  # canonical order: year, then source
    assert read_document(text, source="again.toml").projects[0].outcomes[0].measures[0].benchmarks[0].median == 295.0
    assert "FY23/24" not in text


def test_one_benchmark_per_year_and_source_refused_at_its_line() -> None:
    text = OUTCOME_MEASURE.replace('period = "2022/23"', 'period = "2023-24"')
    with pytest.raises(InvalidInput) as caught:
        read_document(text, source="b.toml")
    (problem,) = caught.value.problems
    second_source = max(i for i, line in enumerate(text.splitlines(), 1) if line == 'source = "LG Inform"')
    assert problem.location == f"b.toml:{second_source}"
    assert problem.field.endswith("benchmarks[1].source") and "duplicate benchmark for 2023/24" in problem.message


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        ('median = 280.0', "median", "above upper_quartile"),
        ('rank = 20\nof = 12', "", "rank 20 is more than of 12"),
        ('period = "2023/24 Q4"', "period", "not a financial year"),
    ],
)
def test_a_bad_benchmark_is_refused_with_its_line(edit: str, field: str, message: str) -> None:
    replaced = {
        "median": 'median = 280.0\nupper_quartile = 200.0',
        "": 'median = 280.0\n' + edit,
        "period": edit,
    }[field]
    text = OUTCOME_MEASURE.replace('median = 280.0' if field != "period" else 'period = "FY23/24"', replaced, 1)
    with pytest.raises(InvalidInput) as caught:
        read_document(text, source="b.toml")
    (problem,) = caught.value.problems
    assert problem.location.startswith("b.toml:") and message in problem.message
    assert "benchmarks[0]" in problem.field


def test_a_changed_benchmark_is_one_change_per_field_audited_and_worded(db) -> None:
    import_snapshot(db, sample_text(), source="lancaster.toml", actor="setup")
    edited = sample_text().replace(MISSED, MISSED.replace("median = 46.0", "median = 44.5"), 1)
    result = import_snapshot(db, edited, source="edited.toml", actor="setup")
    key = "SP-01/M4@2024/25 APSE Performance Networks family group"
    assert [(c.entity, c.key, c.field, c.old, c.new) for c in result.changes] == [("benchmark", key, "median", 46.0, 44.5)]
    entry = history_page(db, "SP-01").entries[0]
    assert (entry.entity, entry.key, entry.field, entry.old, entry.new) == ("benchmark", key, "median", "46.0", "44.5")
    text = render_text(result.changes, result.before, result.after)
    assert (
        '~ measure M4 "Missed collections per 100,000 collections" benchmark 2024/25 '
        '"APSE Performance Networks family group" median: 46 → 44.5'
    ) in text
    assert "".join(export_snapshot(db)).count("median = 44.5\n") == 1


def test_removing_a_benchmark_is_one_change_and_the_export_drops_it(db) -> None:
    import_snapshot(db, sample_text(), source="lancaster.toml", actor="setup")
    removed = sample_text().replace(MISSED + "upper_quartile = 61.0\nrank = 5\nof = 14\n\n", "", 1)
    result = import_snapshot(db, removed, source="removed.toml", actor="setup")
    assert [(c.kind, c.entity, c.key) for c in result.changes] == [
        ("removed", "benchmark", "SP-01/M4@2024/25 APSE Performance Networks family group")
    ]
    assert "- measure M4" in render_text(result.changes, result.before, result.after)


def test_a_version_1_file_has_no_benchmarks_and_a_diff_lists_them_added() -> None:
    old = read_document(as_version_1(sample_text()), source="v1.toml")
    new = read_document(sample_text(), source="v2.toml")
    added = [c for c in diff_documents(old, new) if c.entity == "benchmark"]
    assert len(added) == 8 and {c.kind for c in added} == {"added"}
    assert added[0].key == "SP-01/M4@2024/25 APSE Performance Networks family group"
