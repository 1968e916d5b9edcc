"""The export builds its records from the database's rows without validating them again; these tests hold it to validation.

`services.export` trusts the rows (the database holds only validated data)
and converts each column as the field's type says. If a field's type
changes, or a driver hands back another type, the built records must still
be exactly what pydantic would make of the same rows: the same classes, the
same values of the same types (5.0, not 5), the same fields set.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from bulk import bulk_document_text
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel
from strategies import documents

from projtui.services.export import iter_projects, project_ids_in_order, read_header
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.snapshot.document import Document
from projtui.snapshot.writer import dump_document

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "projtui" / "sample_data" / "lancaster.toml"


def _typed(value: object) -> object:
    """`value` with every class, every record's set fields and every float's exact spelling made part of what is compared."""
    if isinstance(value, BaseModel):
        return type(value), frozenset(value.model_fields_set), {name: _typed(v) for name, v in value.__dict__.items()}
    if isinstance(value, dict):
        return dict, {_typed(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return list, [_typed(item) for item in value]
    return type(value), repr(value) if type(value) is float else value


def _assert_built_as_validated(url: str) -> None:
    db = open_portfolio(url)
    try:
        with db.reading() as session:
            ids = project_ids_in_order(session)
            built = list(iter_projects(session, ids))
            validated = list(iter_projects(session, ids, validate=True))
            built_header, validated_header = read_header(session), read_header(session, validate=True)
        assert _typed(built) == _typed(validated)
        assert _typed(built_header.kpis) == _typed(validated_header.kpis)
        assert built == validated and built_header == validated_header
    finally:
        db.dispose()


def _imported(url: str, text: str) -> str:
    db = open_portfolio(url, create=True)
    try:
        import_snapshot(db, text, source="generated.toml", actor="test")
    finally:
        db.dispose()
    return url


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_built_records_are_what_validation_makes_of_the_same_rows(document: Document) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'p.db'}"
        _assert_built_as_validated(_imported(url, dump_document(document.model_copy(update={"exported_at": None}))))


@pytest.mark.parametrize("text", [SAMPLE.read_text(encoding="utf-8"), bulk_document_text()], ids=["sample", "bulk"])
def test_built_records_match_on_sqlite(tmp_path: Path, text: str) -> None:
    _assert_built_as_validated(_imported(f"sqlite:///{tmp_path / 'p.db'}", text))


@pytest.mark.postgres
def test_built_records_match_on_postgres(postgres_url: str) -> None:
    # psycopg hands back its own types (floats for double precision, dates), which the conversions must agree with too.
    _assert_built_as_validated(_imported(postgres_url, SAMPLE.read_text(encoding="utf-8")))
