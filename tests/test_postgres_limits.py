"""Lists that grow with the portfolio stay under PostgreSQL's 65,535 bind parameters a statement (`store/queries/chunks.py`).

At 100,000 projects an import asked for every project code in one `IN (...)`
and PostgreSQL refused it; each test here names more values than that limit
in one call, so it fails if its query goes back to a parameter per value
unchunked. On PostgreSQL the values go as one array parameter, which the
export needs to be fast: a test below fails if they go one a parameter again.
"""

from __future__ import annotations

import pytest
from people import admins
from sqlalchemy import event, select

from projtui.services.export import project_ids_in_order
from projtui.services.opening import open_portfolio
from projtui.services.transfer import load_sample
from projtui.store import tables as t
from projtui.store.queries import kpis, projects, reviews, snapshot_rows
from projtui.store.queries.chunks import CHUNK, rows_in
from projtui.store.queries.plain import chunks

OVER_THE_LIMIT = 70_000  # PostgreSQL takes at most 65,535 parameters in one statement


def test_chunks_keep_every_value_in_order_in_lists_of_at_most_chunk():
    values = list(range(2 * CHUNK + 3))
    cut = list(chunks(iter(values), CHUNK))
    assert [len(c) for c in cut] == [CHUNK, CHUNK, 3]
    assert [v for c in cut for v in c] == values
    assert list(chunks([], CHUNK)) == []


def test_chunks_of_no_size_are_every_value_in_one_list():
    assert list(chunks(iter(range(3 * CHUNK)), None)) == [list(range(3 * CHUNK))]
    assert list(chunks([], None)) == []


@pytest.fixture
def pg(postgres_url):
    db = admins(open_portfolio(postgres_url, create=True))
    load_sample(db, actor="test")
    yield db
    db.dispose()


@pytest.mark.postgres
def test_project_ids_in_order_takes_more_codes_than_postgres_takes_parameters(pg):
    with pg.reading() as session:
        every = [row.code for row in snapshot_rows.project_codes(session)]
        asked = [f"NONE-{n}" for n in range(OVER_THE_LIMIT)] + every
        ids = project_ids_in_order(session, asked)
        assert sorted(ids) == sorted(row.id for row in snapshot_rows.project_codes(session))


@pytest.mark.postgres
def test_the_snapshot_reads_take_more_ids_than_postgres_takes_parameters(pg):
    with pg.reading() as session:
        real = [row.id for row in snapshot_rows.project_codes(session)]
        ids = list(range(10**9, 10**9 + OVER_THE_LIMIT)) + real
        assert len(snapshot_rows.projects(session, ids)) == len(real)
        assert len(list(snapshot_rows.project_ambition_links(session, ids))) > 0
        measures = snapshot_rows.plan_items(session, "measure", ids)
        assert measures
        measure_ids = list(range(10**9, 10**9 + OVER_THE_LIMIT)) + [m.id for m in measures]
        assert snapshot_rows.actuals(session, measure_ids, None)
        assert reviews.measure_rows(session, measure_ids)
        assert list(reviews.measure_targets(session, measure_ids)) is not None
        assert kpis.commentary_of(session, list(range(OVER_THE_LIMIT))) is not None
        assert kpis.ambition_links(session, list(range(OVER_THE_LIMIT))) is not None


@pytest.mark.postgres
def test_inserting_more_projects_than_postgres_takes_parameters_reads_their_ids_back(postgres_url):
    db = open_portfolio(postgres_url, create=True)
    try:
        with db.transaction() as session:
            rows = [{"code": f"BULK-{n:06d}", "name": f"Project {n}", "stage": "idea", "version": 1} for n in range(OVER_THE_LIMIT)]
            ids = projects.insert_projects(session, rows, [])
        assert len(ids) == OVER_THE_LIMIT
        assert len(set(ids.values())) == OVER_THE_LIMIT
    finally:
        db.dispose()


@pytest.mark.postgres
def test_the_export_sends_a_batchs_ids_as_one_array_parameter(pg):
    """A parameter per id cost the 100,000-project export 64 s of 134 (rendering, splitting and sending 1.9 million)."""
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(pg.engine, "before_cursor_execute", capture)
    try:
        with pg.reading() as session:
            real = [row.id for row in snapshot_rows.project_codes(session)]
            sent.clear()
            ids = list(range(10**9, 10**9 + 3 * CHUNK)) + real
            assert {row.id for row in snapshot_rows.projects(session, ids)} == set(real)
            assert snapshot_rows.plan_items(session, "measure", ids)
    finally:
        event.remove(pg.engine, "before_cursor_execute", capture)
    assert len(sent) == 2  # one statement each, whatever the number of ids
    for statement, parameters in sent:
        assert "ANY" in statement
        assert list(parameters.values()) == [ids]


@pytest.mark.postgres
def test_a_value_longer_than_its_column_is_compared_whole(postgres_url):
    """Cast to the column's VARCHAR(32)[], a longer code would be cut to 32 characters and match a code it is not."""
    longest = "L" * 32
    db = open_portfolio(postgres_url, create=True)
    try:
        with db.transaction() as session:
            projects.insert_projects(session, [{"code": longest, "name": "Longest code", "stage": "idea", "version": 1}], [])
        with db.reading() as session:
            assert rows_in(session, select(t.Project.code), t.Project.code, [longest + "M"]) == []
            assert [row.code for row in rows_in(session, select(t.Project.code), t.Project.code, [longest + "M", longest])] == [longest]
    finally:
        db.dispose()
