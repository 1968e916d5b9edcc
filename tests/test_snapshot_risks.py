"""Risks in the snapshot (schema version 2): written, read, compared and imported; and every version-1 file still imports unchanged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from people import admins

from projtui.domain.errors import InvalidInput
from projtui.domain.risks import RiskKind
from projtui.services import risks
from projtui.services.audit import history_page
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, sample_text
from projtui.snapshot.diff import diff_documents
from projtui.snapshot.diff_render import render_text
from projtui.snapshot.reader import read_document

_VERSION_2_TABLES = re.compile(r"\n\[\[(?:kpis(?:\.benchmarks)?|projects\.risks|projects\.(?:benefits|outcomes)\.measures\.benchmarks)\]\]\n(?:[^\n\[][^\n]*\n)*")


def as_version_1(text: str) -> str:
    """The sample as it was before version 2: no [[projects.risks]], [[kpis]] or [[….benchmarks]], schema_version 1."""
    return _VERSION_2_TABLES.sub("", text).replace("schema_version = 2\n", "schema_version = 1\n", 1)


def _body(text: str) -> str:
    """The file without its opening comments (export writes none)."""
    return text[text.index("\nschema_version") + 1 :]


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    yield database
    database.dispose()


def test_the_sample_is_version_2_with_risks_and_exports_exactly_as_written(db):
    text = sample_text()
    document = read_document(text, source="lancaster.toml")
    assert document.schema_version == 2
    by_project = {p.code: [r.code for r in p.risks] for p in document.projects if p.risks}
    assert by_project == {"SP-01": ["R01", "R02"], "SP-05": ["R01"], "SP-08": ["R01", "R02", "R03"], "SP-09": ["R01", "R02"], "SP-11": ["R01"], "SP-16": ["R01"]}
    import_snapshot(db, text, source="lancaster.toml", actor="setup")
    assert "".join(export_snapshot(db)) == _body(text)
    became = risks.risk_register(db, "SP-08").risks
    assert [(r.code, r.score, r.fields.kind) for r in became] == [("R03", 20, RiskKind.ISSUE), ("R02", 16, RiskKind.RISK), ("R01", 15, RiskKind.RISK)]
    assert became[0].fields.became_issue_on == dt.date(2026, 5, 12)


def test_a_version_1_file_imports_unchanged(db):
    old = as_version_1(sample_text())
    assert "[[projects.risks]]" not in old and "risks" not in read_document(old, source="v1.toml").model_dump(exclude_defaults=True)
    import_snapshot(db, old, source="v1.toml", actor="setup")
    # Everything but the version line reads back as the file had it; the export is version 2.
    assert "".join(export_snapshot(db)) == _body(old).replace("schema_version = 1\n", "schema_version = 2\n", 1)
    assert risks.risk_register(db, "SP-08").risks == ()


def test_importing_version_2_over_version_1_adds_only_the_risks_kpis_and_benchmarks(db):
    import_snapshot(db, as_version_1(sample_text()), source="v1.toml", actor="setup")
    result = import_snapshot(db, sample_text(), source="lancaster.toml", actor="setup", dry_run=True)
    assert {(c.entity, c.kind) for c in result.changes} == {("risk", "added"), ("kpi", "added"), ("benchmark", "added")}
    assert sum(c.entity == "risk" for c in result.changes) == 10
    assert sum(c.entity == "kpi" for c in result.changes) == 23  # a KPI comes whole: one change, its figures with it
    text = render_text(result.changes, result.before, result.after)
    assert '+ risk R03 "Grid connection upgrade delayed by the DNO"' in text
    assert '+ KPI HOU02 "Households in temporary accommodation at quarter end"' in text


def test_a_changed_risk_is_one_change_per_field_and_audited_on_import(db):
    import_snapshot(db, sample_text(), source="lancaster.toml", actor="setup")
    edited = sample_text().replace("likelihood = 3\nimpact = 5\n", "likelihood = 2\nimpact = 5\n", 1)
    result = import_snapshot(db, edited, source="edited.toml", actor="setup")
    assert [(c.entity, c.key, c.field, c.old, c.new) for c in result.changes] == [("risk", "SP-08/R01", "likelihood", 3, 2)]
    entry = history_page(db, "SP-08").entries[0]
    assert (entry.entity, entry.key, entry.field, entry.old, entry.new) == ("risk", "SP-08/R01", "likelihood", "3", "2")
    assert risks.risk_register(db, "SP-08").risks[-1].score == 10
    text = render_text(result.changes, result.before, result.after)
    assert 'risk R01 "Heat pump contractor insolvency" likelihood: 3 → 2' in text


def test_risk_codes_are_unique_within_a_project_and_scores_stay_on_the_matrix():
    text = sample_text()
    duplicated = text.replace('code = "R02"\ntitle = "Crews do not adopt', 'code = "R01"\ntitle = "Crews do not adopt', 1)
    with pytest.raises(InvalidInput) as caught:
        read_document(duplicated, source="s.toml")
    (problem,) = caught.value.problems
    assert problem.field.endswith("risks[1].code") and "duplicate risk code (first on line" in problem.message
    off_matrix = text.replace("likelihood = 3\nimpact = 5\n", "likelihood = 6\nimpact = 5\n", 1)
    with pytest.raises(InvalidInput) as caught:
        read_document(off_matrix, source="s.toml")
    (problem,) = caught.value.problems
    assert problem.field.endswith("likelihood") and problem.value == 6 and problem.location.startswith("s.toml:")


def test_diff_of_documents_lists_removed_risks():
    new = read_document(sample_text(), source="a")
    old = read_document(as_version_1(sample_text()), source="b")
    removed = [c for c in diff_documents(new, old) if c.kind == "removed" and c.entity == "risk"]
    assert [(c.key, c.old) for c in removed][:2] == [("SP-01/R01", "Refuse fleet breakdowns during the route changeover"), ("SP-01/R02", "Crews do not adopt the optimised rounds")]
