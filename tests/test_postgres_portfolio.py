"""The same portfolio on PostgreSQL: migrations, import, export, locking and the query all behave as on SQLite."""

from __future__ import annotations

import pytest

from projtui.domain.errors import ConflictError
from projtui.services import projects
from projtui.services.checks import find_gaps
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.read_models import ProjectQuery, SortKey
from projtui.services.transfer import export_snapshot, load_sample

from bulk import bulk_document_text

pytestmark = pytest.mark.postgres


def _loaded(url: str):
    db = open_portfolio(url, create=True)
    load_sample(db, actor="test")
    return db


def test_sample_exports_identically_from_postgres_and_sqlite(postgres_url, tmp_path):
    pg = _loaded(postgres_url)
    lite = _loaded(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        assert "".join(export_snapshot(pg)) == "".join(export_snapshot(lite))
        assert find_gaps(pg) == find_gaps(lite)
        query = ProjectQuery(text="an", sort=SortKey.RAG)
        assert projects.list_projects(pg, query) == projects.list_projects(lite, query)
    finally:
        pg.dispose()
        lite.dispose()


def test_stale_edit_conflicts_on_postgres(postgres_url):
    db = _loaded(postgres_url)
    try:
        seen = projects.get_project(db, "SP-01")
        projects.update_project(db, "SP-01", seen.fields.model_copy(update={"lead": "B"}), expected_version=seen.version, actor="b")
        with pytest.raises(ConflictError):
            projects.update_project(db, "SP-01", seen.fields.model_copy(update={"lead": "A"}), expected_version=seen.version, actor="a")
    finally:
        db.dispose()


def test_ids_read_back_in_batches_line_up_on_postgres(postgres_url):
    text = bulk_document_text()
    db = open_portfolio(postgres_url, create=True)
    try:
        import_snapshot(db, text, source="bulk.toml", actor="test")
        assert "".join(export_snapshot(db)) == text
    finally:
        db.dispose()
