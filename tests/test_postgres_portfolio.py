"""The same portfolio on PostgreSQL: migrations, import, export, locking and the query all behave as on SQLite."""

from __future__ import annotations

import pytest
from bulk import bulk_document_text
from people import admins
from test_store import exercise_change_mark, exercise_sort_columns

from projtui.domain.enums import Stage
from projtui.domain.errors import ConflictError
from projtui.services import portfolio, projects
from projtui.services.checks import find_gaps
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.portfolio_benefits import benefits_on_track
from projtui.services.read_models import NO_AMBITION, ProjectQuery, SortKey
from projtui.services.reviews.quarter import default_review_quarter
from projtui.services.transfer import export_snapshot, load_sample

pytestmark = pytest.mark.postgres


def _loaded(url: str):
    db = admins(open_portfolio(url, create=True))
    load_sample(db, actor="test")
    return db


def test_sample_exports_identically_from_postgres_and_sqlite(postgres_url, tmp_path):
    pg = _loaded(postgres_url)
    lite = _loaded(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        assert "".join(export_snapshot(pg)) == "".join(export_snapshot(lite))
        assert find_gaps(pg) == find_gaps(lite)
    finally:
        pg.dispose()
        lite.dispose()


def test_the_portfolio_screen_reads_the_same_from_postgres_as_from_sqlite(postgres_url, tmp_path):
    # The screen's SQL runs through SQLAlchemy on PostgreSQL and through sqlite3 on SQLite: one text, two drivers.
    pg = _loaded(postgres_url)
    lite = _loaded(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        queries = [
            ProjectQuery(text=text, ambition=ambition, stage=stage, sort=sort, descending=descending)
            for text in ("", "HOUS", "an", "%", "_", "!")
            for ambition, stage in ((None, None), ("A1", None), (NO_AMBITION, None), (None, Stage.DELIVERY))
            for sort in SortKey
            for descending in (False, True)
        ]
        for query in queries:
            assert portfolio.list_projects(pg, query) == portfolio.list_projects(lite, query), query
            assert portfolio.count_projects(pg, query) == portfolio.count_projects(lite, query), query
        for query in queries[::len(SortKey)]:
            for by in (SortKey.AMBITION, SortKey.STAGE):
                assert portfolio.group_counts(pg, query, by) == portfolio.group_counts(lite, query, by), (query, by)
            assert portfolio.ambition_counts(pg, query) == portfolio.ambition_counts(lite, query), query
        assert portfolio.count_projects(lite, ProjectQuery(text="HOUS")) == 3  # ILIKE there, LIKE here: both ignore case
        assert [a.code for a in portfolio.list_ambitions(pg)] == [a.code for a in portfolio.list_ambitions(lite)]
        assert portfolio.portfolio_title(pg) == portfolio.portfolio_title(lite) is not None
        assert default_review_quarter(pg) == default_review_quarter(lite)
        assert _benefits_by_code(pg) == _benefits_by_code(lite)
        assert sum(count.on_track for count in _benefits_by_code(lite).values()) > 0
    finally:
        pg.dispose()
        lite.dispose()


def _benefits_by_code(db) -> dict:
    ids = {row.code: row.id for row in portfolio.list_projects(db, limit=100)}
    counts = benefits_on_track(db, ids.values())
    return {code: counts[id_] for code, id_ in ids.items()}


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


def test_the_triggers_keep_the_sort_columns_on_postgres_too(postgres_url):
    db = open_portfolio(postgres_url, create=True)
    try:
        exercise_sort_columns(db)
    finally:
        db.dispose()


def test_the_change_mark_moves_on_postgres_too(postgres_url):
    exercise_change_mark(postgres_url)
