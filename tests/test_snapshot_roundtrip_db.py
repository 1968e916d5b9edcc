"""Any valid snapshot survives export → import → export through a real database unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

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
