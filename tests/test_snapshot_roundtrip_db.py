"""Imports through a real database: any valid snapshot survives export → import → export unchanged."""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from projtui.domain.errors import ProjtuiError
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot
from projtui.snapshot.document import Document
from projtui.snapshot.writer import dump_document

from bulk import bulk_document_text
from strategies import documents


def _through_database(text: str, folder: Path) -> str:
    db = open_portfolio(f"sqlite:///{folder / 'p.db'}", create=True)
    try:
        import_snapshot(db, text, source="generated.toml", actor="test")
        return "".join(export_snapshot(db))
    finally:
        db.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_export_import_export_is_identity(document: Document) -> None:
    text = dump_document(document.model_copy(update={"exported_at": None}))
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        exported = _through_database(text, Path(first))
        assert _through_database(exported, Path(second)) == exported
    # The database keeps everything the document says, so the first export is the document itself.
    assert exported == text


def test_a_portfolio_of_many_batches_exports_exactly_as_imported(tmp_path: Path) -> None:
    text = bulk_document_text()
    assert _through_database(text, tmp_path) == text


def test_an_import_pauses_the_cycle_collector_and_always_turns_it_back_on(tmp_path: Path, monkeypatch) -> None:
    import projtui.services.importing as importing

    seen = []
    real_read = importing.read_document
    monkeypatch.setattr(importing, "read_document", lambda *a, **k: (seen.append(gc.isenabled()), real_read(*a, **k))[1])
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    try:
        import_snapshot(db, bulk_document_text(3), source="small.toml", actor="test")
        assert gc.isenabled()
        with pytest.raises(ProjtuiError):
            import_snapshot(db, "schema_version = [", source="broken.toml", actor="test")
        assert gc.isenabled()
    finally:
        db.dispose()
    assert seen == [False, False]
