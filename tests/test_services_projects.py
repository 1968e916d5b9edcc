"""Project services: the portfolio query, edits with optimistic locking, ambition links, audit."""

from __future__ import annotations

import pytest
from people import admins

from projtui.domain.enums import Rag, Stage
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, RuleError
from projtui.services import portfolio, projects
from projtui.services.audit import history_page
from projtui.services.opening import open_portfolio
from projtui.services.read_models import NO_AMBITION, ProjectQuery, SortKey
from projtui.services.transfer import load_sample


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    load_sample(database, actor="loader")
    yield database
    database.dispose()


def test_list_is_ordered_by_code_and_paged(db):
    total = portfolio.total_projects(db)
    assert total >= 15
    rows = portfolio.list_projects(db, offset=0, limit=5)
    assert [r.code for r in rows] == sorted(r.code for r in rows)
    rest = portfolio.list_projects(db, offset=5, limit=100)
    assert len(rows) + len(rest) == total
    assert rows[-1].code < rest[0].code


def test_suggested_code_follows_the_portfolios_own(db, tmp_path):
    assert portfolio.suggested_project_code(db) == "SP-18"  # the sample runs SP-01 … SP-17
    empty = admins(open_portfolio(f"sqlite:///{tmp_path / 'empty.db'}", create=True))
    try:
        assert portfolio.suggested_project_code(empty) == "SP-01"
    finally:
        empty.dispose()


def test_filter_matches_code_name_lead_and_service_case_insensitively(db):
    first = portfolio.list_projects(db, limit=1)[0]
    detail = projects.get_project(db, first.code)
    for text in (first.code.lower(), first.name.upper()[:8], (detail.fields.lead or "")[:5], (detail.fields.service or "")[:6]):
        query = ProjectQuery(text=text)
        codes = [r.code for r in portfolio.list_projects(db, query)]
        assert first.code in codes, text
        assert portfolio.count_projects(db, query) == len(codes)


def test_filter_treats_like_wildcards_literally(db):
    assert portfolio.count_projects(db, ProjectQuery(text="%")) == 0
    assert portfolio.count_projects(db, ProjectQuery(text="_")) == 0


def test_filter_by_stage_and_ambition(db):
    delivery = portfolio.list_projects(db, ProjectQuery(stage=Stage.DELIVERY))
    assert delivery and all(r.stage is Stage.DELIVERY for r in delivery)
    unlinked = portfolio.list_projects(db, ProjectQuery(ambition=NO_AMBITION))
    assert len(unlinked) == 1 and unlinked[0].primary_ambition is None
    a1 = portfolio.list_projects(db, ProjectQuery(ambition="A1"))
    assert a1 and all("A1" in [l.code for l in projects.get_project(db, r.code).ambitions] for r in a1)


def test_sort_by_rag_puts_red_first_and_reverses(db):
    rows = portfolio.list_projects(db, ProjectQuery(sort=SortKey.RAG))
    assert rows[0].latest_rag is Rag.RED
    order = ["red", "amber", "green", "complete", "not_set"]
    ranks = [order.index(r.latest_rag.value) for r in rows]
    assert ranks == sorted(ranks)
    reverse = portfolio.list_projects(db, ProjectQuery(sort=SortKey.RAG, descending=True))
    assert [order.index(r.latest_rag.value) for r in reverse] == sorted(ranks, reverse=True)


LIFECYCLE = ["pipeline", "initiation", "delivery", "closing", "closed", "on_hold", "cancelled"]


def test_sort_by_stage_follows_the_lifecycle_not_the_alphabet(db):
    rows = portfolio.list_projects(db, ProjectQuery(sort=SortKey.STAGE))
    stages = [r.stage.value for r in rows]
    # The sample has every stage but cancelled; alphabetically "closed" would come first.
    assert list(dict.fromkeys(stages)) == ["pipeline", "initiation", "delivery", "closing", "closed", "on_hold"]
    assert stages == sorted(stages, key=LIFECYCLE.index)
    reverse = portfolio.list_projects(db, ProjectQuery(sort=SortKey.STAGE, descending=True))
    assert [r.code for r in reverse] == [r.code for r in rows][::-1]


def test_stage_groups_come_in_lifecycle_order(db):
    from projtui.services.portfolio import group_counts

    groups = group_counts(db, ProjectQuery(), SortKey.STAGE)
    assert [(g.key, g.count) for g in groups] == [
        ("pipeline", 1), ("initiation", 2), ("delivery", 11), ("closing", 1), ("closed", 1), ("on_hold", 1)
    ]
    backwards = group_counts(db, ProjectQuery(descending=True), SortKey.STAGE)
    assert [g.key for g in backwards] == [g.key for g in groups][::-1]


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("descending", [False, True])
def test_pages_join_up_into_the_whole_order_for_every_sort(db, sort, descending):
    query = ProjectQuery(sort=sort, descending=descending)
    whole = [r.code for r in portfolio.list_projects(db, query, limit=100)]
    paged = [r.code for offset in range(0, len(whole), 4) for r in portfolio.list_projects(db, query, offset=offset, limit=4)]
    assert paged == whole
    assert sorted(whole) == sorted(r.code for r in portfolio.list_projects(db, limit=100))


def test_ambition_counts_count_any_link_and_follow_the_other_filters(db):
    from projtui.services.portfolio import ambition_counts

    counts = ambition_counts(db, ProjectQuery(ambition="A2"))  # the ambition filter itself is ignored
    for code in ("A1", "A2", "A3", "A4"):
        assert counts.get(code, 0) == portfolio.count_projects(db, ProjectQuery(ambition=code)), code
    assert counts[NO_AMBITION] == 1 and counts[""] == 17
    assert counts["A1"] == 3  # SP-16 serves A1 without it being primary
    delivery = ambition_counts(db, ProjectQuery(stage=Stage.DELIVERY, text="a"))
    assert delivery[""] == portfolio.count_projects(db, ProjectQuery(stage=Stage.DELIVERY, text="a"))
    assert delivery[NO_AMBITION] == 0  # the unlinked project is in the pipeline


def test_sqlite_filter_leaves_case_to_like_and_does_not_lower_every_column(db, monkeypatch):
    # SQLite's LIKE ignores ASCII case already; lower() on every row would only slow the scan.
    statements = []
    fetch = db.fetch
    monkeypatch.setattr(db, "fetch", lambda sql, params=None: statements.append(sql) or fetch(sql, params))
    assert portfolio.count_projects(db, ProjectQuery(text="HOUS")) == portfolio.count_projects(db, ProjectQuery(text="hous")) == 3
    counts = [s for s in statements if "FROM project" in s]
    assert len(counts) == 2
    assert all(" LIKE " in s and "lower(" not in s.lower() for s in counts)


def test_latest_rag_comes_from_the_latest_quarter(db):
    row = next(r for r in portfolio.list_projects(db) if r.latest_quarter is not None)
    assert str(row.latest_quarter).startswith("20")


def test_update_bumps_version_and_audits_each_field(db):
    before = projects.get_project(db, "SP-01")
    changed = before.fields.model_copy(update={"name": "Renamed [red]x[/]", "lead": "A. N. Other"})
    after = projects.update_project(db, "SP-01", changed, expected_version=before.version, actor="alice")
    assert after.version == before.version + 1
    assert after.fields.name == "Renamed [red]x[/]"
    entries = list(history_page(db, "SP-01").entries)
    fields = {(e.field, e.old, e.new, e.actor) for e in entries[:2]}
    assert ("name", before.fields.name, "Renamed [red]x[/]", "alice") in fields
    assert ("lead", before.fields.lead, "A. N. Other", "alice") in fields


def test_stale_update_raises_conflict_and_keeps_the_other_edit(db):
    seen = projects.get_project(db, "SP-02")
    theirs = projects.update_project(
        db, "SP-02", seen.fields.model_copy(update={"name": "Theirs"}), expected_version=seen.version, actor="bob"
    )
    with pytest.raises(ConflictError) as caught:
        projects.update_project(db, "SP-02", seen.fields.model_copy(update={"name": "Mine"}), expected_version=seen.version, actor="alice")
    assert caught.value.current.fields.name == "Theirs"
    assert caught.value.current.version == theirs.version
    assert projects.get_project(db, "SP-02").fields.name == "Theirs"


def test_stale_delete_raises_conflict(db):
    seen = projects.get_project(db, "SP-03")
    projects.update_project(db, "SP-03", seen.fields.model_copy(update={"lead": "X"}), expected_version=seen.version, actor="bob")
    with pytest.raises(ConflictError):
        projects.delete_project(db, "SP-03", expected_version=seen.version, actor="alice")
    latest = projects.get_project(db, "SP-03")
    projects.delete_project(db, "SP-03", expected_version=latest.version, actor="alice")
    assert "SP-03" not in [r.code for r in portfolio.list_projects(db, limit=1000)]


def test_deleting_a_project_says_what_goes_and_the_audit_log_keeps_it(db):
    impact = projects.deletion_impact(db, "SP-08")
    assert impact == ["3 outputs", "3 outcomes", "4 benefits", "6 measures", "56 actuals", "10 reviews", "3 risks"]
    from projtui.store.queries import audit as audit_rows
    from projtui.store.queries.projects import project_id

    detail = projects.get_project(db, "SP-08")
    with db.reading() as session:
        trail_id = project_id(session, "SP-08")
    projects.delete_project(db, "SP-08", expected_version=detail.version, actor="alice")
    with pytest.raises(NotFoundError):
        projects.deletion_impact(db, "SP-08")
    with db.reading() as session:  # the trail outlives the project
        newest = audit_rows.trail_page(session, trail_id, before=None, limit=1)[0]
    assert (newest.action, newest.entity, newest.actor, newest.old_value) == ("delete", "project", "alice", detail.fields.name)
    assert newest.new_value == "with 3 outputs, 3 outcomes, 4 benefits, 6 measures, 56 actuals, 10 reviews and 3 risks"


def test_duplicate_code_is_refused_on_create_and_rename(db):
    fields = projects.get_project(db, "SP-01").fields
    with pytest.raises(InvalidInput, match="code"):
        projects.create_project(db, fields.model_copy(update={"stage": Stage.PIPELINE}), actor="a")
    other = projects.get_project(db, "SP-02")
    with pytest.raises(InvalidInput, match="code"):
        projects.update_project(db, "SP-02", other.fields.model_copy(update={"code": "SP-01"}), expected_version=other.version, actor="a")


def test_project_past_pipeline_keeps_at_least_one_ambition(db):
    detail = projects.get_project(db, "SP-01")
    assert detail.fields.stage is not Stage.PIPELINE
    with pytest.raises(RuleError, match="ambition"):
        projects.set_ambitions(db, "SP-01", [], expected_version=detail.version, actor="a")
    unlinked = portfolio.list_projects(db, ProjectQuery(ambition=NO_AMBITION))[0]
    pipeline = projects.get_project(db, unlinked.code)
    with pytest.raises(RuleError, match="ambition"):
        projects.update_project(
            db, pipeline.code, pipeline.fields.model_copy(update={"stage": Stage.INITIATION}),
            expected_version=pipeline.version, actor="a",
        )


def test_set_ambitions_links_unlinks_and_marks_primary(db):
    detail = projects.get_project(db, "SP-01")
    after = projects.set_ambitions(db, "SP-01", ["A4", "A1"], expected_version=detail.version, actor="a")
    assert [(l.code, l.is_primary) for l in after.ambitions] == [("A4", True), ("A1", False)]
    with pytest.raises(InvalidInput, match="ambition"):
        projects.set_ambitions(db, "SP-01", ["A99"], expected_version=after.version, actor="a")
    entries = list(history_page(db, "SP-01").entries)
    assert any(e.field == "primary_ambition" and e.new == "A4" for e in entries)


def test_history_pages_newest_first_without_repeats_while_entries_arrive(db):
    from projtui.services.audit import history_page

    for n in range(7):
        seen = projects.get_project(db, "SP-02")
        projects.update_project(db, "SP-02", seen.fields.model_copy(update={"lead": f"Lead {n}"}), expected_version=seen.version, actor="ed")
    page = history_page(db, "SP-02", limit=1000)
    everything, total = list(page.entries), page.total
    assert total == len(everything) >= 8

    first = history_page(db, "SP-02", limit=3)
    assert first.entries == tuple(everything[:3]) and first.total == total and first.next_before is not None
    # Someone saves meanwhile: the next page carries on from where the first ended, as an offset would not.
    seen = projects.get_project(db, "SP-02")
    projects.update_project(db, "SP-02", seen.fields.model_copy(update={"lead": "Later"}), expected_version=seen.version, actor="ed")
    pages, before = [first], first.next_before
    while before is not None:
        page = history_page(db, "SP-02", before=before, limit=3)
        pages.append(page)
        before = page.next_before
    assert [entry for page in pages for entry in page.entries] == everything
    assert pages[-1].total == total + 1  # the count is today's
    assert history_page(db, "NOPE") == history_page(db, "NOPE", before=5) and history_page(db, "NOPE").total == 0
