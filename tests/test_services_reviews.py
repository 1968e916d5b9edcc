"""Quarterly review services: actuals, profiled targets, draft/publish/re-open, queue, sheet, trends, roll-up."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from people import admins
from sqlalchemy import event

from projtui.domain.enums import Rag, ReviewStatus, Stage
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, RuleError
from projtui.domain.measures import MeasureStatus, Travel
from projtui.domain.quarter import Quarter
from projtui.domain.rag import RagChange
from projtui.domain.records import ReviewFields
from projtui.services import portfolio_benefits, reviews
from projtui.services.audit import history_page
from projtui.services.opening import open_portfolio
from projtui.services.read_models import NO_AMBITION
from projtui.services.reviews.models import ReviewProgress, ReviewState
from projtui.services.transfer import load_sample

Q2 = Quarter(2026, 2)  # the sample's latest quarter: every project has a review, some still drafts
Q3 = Quarter(2026, 3)  # nothing entered yet
Q1 = Quarter(2026, 1)


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    load_sample(database, actor="loader")
    yield database
    database.dispose()


def _history(db, code, **match):
    entries = list(history_page(db, code, limit=1000).entries)
    return [e for e in entries if all(getattr(e, k) == v for k, v in match.items())]


def _draft(quarter=Q3, **fields) -> ReviewFields:
    return ReviewFields(quarter=quarter, **fields)


def _publishable_q3(db, code="SP-03"):
    """A Q3 draft for a project whose Q3 measures are all on target (so only the review's own rules apply)."""
    sheet = reviews.review_sheet(db, code, Q2)
    for line in sheet.measures:
        if line.entry is not None:
            target = line.figures.target if line.figures.target is not None else line.entry.value
            reviews.set_actual(db, code, line.code, Q3, target, expected_version=None, actor="alice")
    return reviews.save_review(db, code, Q3, _draft(rag=Rag.GREEN), expected_version=None, actor="alice")


# -- choosing the quarter ---------------------------------------------------------------------------


def test_default_quarter_is_the_latest_with_data(db):
    assert reviews.default_review_quarter(db) == Q2
    reviews.set_actual(db, "SP-01", "M1", Q3, 12.0, expected_version=None, actor="a")
    assert reviews.default_review_quarter(db) == Q3


def test_default_quarter_of_an_empty_portfolio_is_the_current_one(tmp_path):
    empty = open_portfolio(f"sqlite:///{tmp_path / 'empty.db'}", create=True)
    try:
        assert reviews.default_review_quarter(empty, today=dt.date(2026, 11, 23)) == Quarter(2026, 3)
        assert reviews.default_review_quarter(empty, today=dt.date(2027, 2, 1)) == Quarter(2026, 4)
    finally:
        empty.dispose()


# -- the queue ----------------------------------------------------------------------------------------


def test_queue_lists_active_projects_by_code_with_their_review_state(db):
    queue = reviews.review_queue(db, Q2)
    codes = [e.code for e in queue]
    assert codes == sorted(codes)
    # Closed, with no review this quarter, but its benefits are still realising: its post-project review.
    assert [e.post_project for e in queue if e.code == "SP-13"] == [True]
    assert not any(e.post_project for e in queue if e.code != "SP-13")
    sp01 = next(e for e in queue if e.code == "SP-01")
    assert (sp01.state, sp01.rag, sp01.previous_rag, sp01.previous_quarter) == (ReviewState.PUBLISHED, Rag.GREEN, Rag.AMBER, Q1)
    assert sp01.rag_changed and sp01.rag_change is RagChange.IMPROVED
    assert (sp01.measures_due, sp01.measures_entered) == (7, 7)  # M7, an activity indicator, is due like the rest
    sp05 = next(e for e in queue if e.code == "SP-05")
    assert sp05.state is ReviewState.DRAFT and sp05.review_version == 1
    # SP-07 M2 has no Q2 actual (a deliberate gap); its annual M3 is not due in Q2.
    sp07 = next(e for e in queue if e.code == "SP-07")
    assert (sp07.measures_due, sp07.measures_entered, sp07.measures_missing) == (3, 2, 1)
    # SP-17's benefits start realising in 2028/29: nothing is expected yet.
    sp17 = next(e for e in queue if e.code == "SP-17")
    assert (sp17.measures_due, sp17.measures_entered) == (0, 0)
    with_closed = reviews.review_queue(db, Q2, stages=list(Stage))
    assert "SP-13" in [e.code for e in with_closed]


def test_queue_for_a_new_quarter_is_all_unreviewed_with_previous_rag_from_the_published_review(db):
    queue = reviews.review_queue(db, Q3)
    assert queue and all(e.state is ReviewState.NONE and e.rag is Rag.NOT_SET and e.review_version is None for e in queue)
    assert not any(e.reviewed or e.rag_changed for e in queue)
    by_code = {e.code: e for e in queue}
    assert by_code["SP-01"].previous_rag is Rag.GREEN and by_code["SP-01"].previous_quarter == Q2
    # SP-05's Q2 review is only a draft: "previous RAG" is the Q1 published one, never the draft.
    assert by_code["SP-05"].previous_quarter == Q1
    assert by_code["SP-05"].previous_rag is reviews.get_review(db, "SP-05", Q1).rag


def test_queue_filters_by_ambition_lead_and_service(db):
    a1 = reviews.review_queue(db, Q2, ambition="A1")
    assert a1 and "SP-01" in [e.code for e in a1]
    assert len(a1) < len(reviews.review_queue(db, Q2))
    assert [e.code for e in reviews.review_queue(db, Q2, ambition=NO_AMBITION)] == ["SP-17"]
    assert [e.code for e in reviews.review_queue(db, Q2, lead="daniel HARGREAVES")] == ["SP-01"]
    property_services = reviews.review_queue(db, Q2, service="Property Services")
    assert [e.code for e in property_services] == ["SP-06", "SP-07"]
    assert reviews.review_queue(db, Q2, ambition="A1", service="Property Services") == [
        e for e in property_services if e.code in {x.code for x in a1}
    ]
    assert reviews.review_queue(db, Q2, lead="nobody") == []
    options = reviews.review_filter_options(db)
    assert ("A1", "A Sustainable District") in options.ambitions
    assert "Daniel Hargreaves" in options.leads and "Property Services" in options.services


def test_progress_counts_reviewed_projects(db):
    progress = reviews.review_progress(db, Q3)
    reviewed, total = progress
    assert reviewed == 0 and total == len(reviews.review_queue(db, Q3))
    assert str(progress) == f"0 of {total} reviewed"
    reviews.save_review(db, "SP-01", Q3, _draft(), expected_version=None, actor="a")  # no RAG yet: not reviewed
    assert reviews.review_progress(db, Q3).reviewed == 0
    record = reviews.get_review(db, "SP-01", Q3)
    reviews.save_review(db, "SP-01", Q3, _draft(rag=Rag.AMBER, commentary="Late"), expected_version=record.version, actor="a")
    progress = reviews.review_progress(db, Q3)
    assert (progress.reviewed, progress.published, progress.rag_changed, progress.unreviewed) == (1, 0, 1, total - 1)
    assert progress == ReviewProgress.of(reviews.review_queue(db, Q3))
    assert reviews.review_progress(db, Q3, lead="Daniel Hargreaves").complete


# -- the sheet: status, travel, achievement, roll-up -------------------------------------------------


def test_sheet_rates_measures_with_direction_tolerance_and_travel(db):
    sheet = reviews.review_sheet(db, "SP-01", Q2)
    assert sheet.project_name.startswith("Waste collection")
    assert sheet.primary_ambition == "A1" and sheet.lead == "Daniel Hargreaves"
    assert sheet.review.is_published and sheet.previous_published.quarter == Q1
    assert sheet.previous_rag is Rag.AMBER and sheet.rag_changed and not sheet.editable
    m2 = sheet.measure("M2")  # fuel, lower is better, target 86,000 with 5 % tolerance
    assert (m2.entry.value, m2.figures.target, m2.figures.status) == (86900.0, 86000.0, MeasureStatus.WITHIN_TOLERANCE)
    assert m2.entry.provisional and m2.entry.entered_by == "loader" and m2.entry.version == 1
    assert (m2.figures.previous_quarter, m2.figures.previous_actual, m2.figures.travel_vs_previous) == (Q1, 85700.0, Travel.WORSENING)
    assert (m2.figures.last_year_actual, m2.figures.travel_vs_last_year) == (87100.0, Travel.IMPROVING)
    assert m2.figures.achievement == pytest.approx((86900 - 98000) / (86000 - 98000))
    assert m2.editable  # provisional: may still be confirmed although the review is published
    m1 = sheet.measure("M1")
    assert m1.figures.status is MeasureStatus.ON_TARGET and not m1.editable
    assert [p.quarter for p in m2.trend] == Quarter.range(Quarter(2024, 1), Q2)
    assert m2.trend[-1].actual == 86900.0 and m2.trend[-1].target == 86000.0
    assert [b.on_track for b in sheet.benefits] == [True, True, True, True]
    assert str(sheet.benefits_on_track) == "4/4"
    assert sheet.benefits[0].measure_codes == ("M1", "M2")
    with pytest.raises(KeyError):
        sheet.measure("M99")


def test_sheet_cadence_monitor_only_cumulative_and_profiled_targets(db):
    sp05 = reviews.review_sheet(db, "SP-05", Q2)
    assert sp05.measure("M1").figures.status is MeasureStatus.NOT_DUE  # annual: not due in Q2, not "missing"
    assert sp05.measure("M1").figures.travel_vs_previous is Travel.NO_COMPARISON
    assert sp05.measure("M6").figures.status is MeasureStatus.MONITOR_ONLY and sp05.measure("M6").figures.target is None
    sp07 = reviews.review_sheet(db, "SP-07", Q2)
    missing = sp07.measure("M2")  # cumulative, due, no actual
    assert missing.figures.status is MeasureStatus.NO_DATA and missing.figures.missing
    assert missing.figures.target == missing.profiled_target == 600_000  # profiled: seasonal disposals
    sp11 = reviews.review_sheet(db, "SP-11", Q2)
    assert sp11.measure("M2").figures.target == 400_000 * 2 / 4  # cumulative, not profiled: straight-line year-to-date share
    assert sp07.measures_due == 3 and sp07.measures_entered == 2
    profiled = sp11.measure("M1")
    assert profiled.profiled_target == profiled.figures.target == 1_200_000
    sp17 = reviews.review_sheet(db, "SP-17", Q2)
    assert all(line.figures.status is MeasureStatus.NOT_DUE and not line.figures.started for line in sp17.measures)
    assert sp17.benefits_on_track.assessed == 0


def test_entering_actuals_recomputes_status_and_rollup(db):
    entry = reviews.set_actual(db, "SP-01", "M2", Q3, 91_000.0, expected_version=None, actor="alice")
    assert reviews.review_sheet(db, "SP-01", Q3).measure("M2").figures.status is MeasureStatus.OFF_TARGET
    entry = reviews.set_actual(db, "SP-01", "M2", Q3, 85_000.0, expected_version=entry.version, actor="alice")
    sheet = reviews.review_sheet(db, "SP-01", Q3)
    line = sheet.measure("M2")
    assert line.figures.status is MeasureStatus.ON_TARGET and line.figures.travel_vs_previous is Travel.IMPROVING
    assert line.figures.travel_vs_last_year is Travel.IMPROVING  # 88,400 in 2025/26 Q3
    # The rest of SP-01's measures have nothing for Q3 yet: due and missing counts against their benefits.
    assert sheet.measure("M1").figures.status is MeasureStatus.NO_DATA
    assert sheet.benefits_on_track.on_track == 0 and sheet.benefits_on_track.assessed == 4
    assert (sheet.measures_due, sheet.measures_entered) == (7, 1)


def test_a_benefit_whose_window_has_not_opened_starts_with_its_first_actual(db):
    reviews.set_actual(db, "SP-17", "M1", Q2, 44.0, expected_version=None, actor="a")
    sheet = reviews.review_sheet(db, "SP-17", Q2)
    assert sheet.measure("M1").figures.status is MeasureStatus.ON_TARGET  # lower is better, target 45
    assert sheet.measure("M2").figures.status is MeasureStatus.NOT_DUE
    assert reviews.review_sheet(db, "SP-17", Q3).measure("M1").figures.status is MeasureStatus.NO_DATA


def test_unknown_project_measure_and_quarter(db):
    with pytest.raises(NotFoundError):
        reviews.review_sheet(db, "SP-99", Q2)
    with pytest.raises(NotFoundError):
        reviews.set_actual(db, "SP-01", "M99", Q2, 1.0, expected_version=None, actor="a")
    with pytest.raises(InvalidInput, match="quarter"):
        reviews.review_sheet(db, "SP-01", "2026 Q2")
    assert reviews.review_sheet(db, "SP-01", "FY26/27 Q2").quarter == Q2


# -- the review: draft, publish, re-open ------------------------------------------------------------


def test_save_review_creates_then_updates_with_one_audit_row_per_field(db):
    record = reviews.save_review(db, "SP-01", Q3, _draft(rag=Rag.GREEN), expected_version=None, actor="alice")
    assert record.version == 1 and record.status is ReviewStatus.DRAFT and record.rag is Rag.GREEN
    assert _history(db, "SP-01", entity="review", action="create", key="SP-01@2026/27 Q3")
    changed = record.fields.model_copy(update={"rag": Rag.AMBER, "time_rag": Rag.AMBER, "commentary": "Supplier delay", "forecast_pence": 48_600_000})
    updated = reviews.save_review(db, "SP-01", Q3, changed, expected_version=record.version, actor="bob")
    assert updated.version == 2 and updated.fields.commentary == "Supplier delay"
    rows = {(e.field, e.old, e.new) for e in _history(db, "SP-01", entity="review", action="update", actor="bob")}
    assert rows == {("rag", "green", "amber"), ("time_rag", "not_set", "amber"), ("commentary", None, "Supplier delay"),
                    ("forecast_pence", None, "48600000")}
    # Saving the same fields again changes nothing.
    assert reviews.save_review(db, "SP-01", Q3, changed, expected_version=updated.version, actor="bob").version == 2
    # A dict works too (what a form hands over).
    again = reviews.save_review(db, "SP-01", Q3, {"rag": "red", "commentary": "x"}, expected_version=2, actor="c")
    assert again.rag is Rag.RED and again.fields.forecast_pence is None


def test_save_review_conflicts_on_stale_versions_and_double_create(db):
    record = reviews.save_review(db, "SP-02", Q3, _draft(rag=Rag.GREEN), expected_version=None, actor="alice")
    with pytest.raises(ConflictError) as caught:
        reviews.save_review(db, "SP-02", Q3, _draft(rag=Rag.RED, commentary="x"), expected_version=None, actor="bob")
    assert caught.value.current.rag is Rag.GREEN
    theirs = reviews.save_review(db, "SP-02", Q3, _draft(rag=Rag.AMBER, commentary="t"), expected_version=record.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        reviews.save_review(db, "SP-02", Q3, _draft(rag=Rag.RED, commentary="m"), expected_version=record.version, actor="alice")
    assert caught.value.current.version == theirs.version and caught.value.current.rag is Rag.AMBER
    assert reviews.get_review(db, "SP-02", Q3).rag is Rag.AMBER
    with pytest.raises(ConflictError):  # no review for the quarter, but the caller thought there was
        reviews.save_review(db, "SP-02", Quarter(2026, 4), _draft(Quarter(2026, 4)), expected_version=1, actor="a")


def test_save_review_refuses_wrong_quarter_and_publishing_by_the_back_door(db):
    with pytest.raises(InvalidInput, match="quarter"):
        reviews.save_review(db, "SP-01", Q3, _draft(Quarter(2026, 4)), expected_version=None, actor="a")
    with pytest.raises(RuleError, match="publish_review"):
        reviews.save_review(
            db, "SP-01", Q3, _draft(status=ReviewStatus.PUBLISHED, rag=Rag.GREEN), expected_version=None, actor="a"
        )
    with pytest.raises(InvalidInput):
        reviews.save_review(db, "SP-01", Q3, {"quarter": "2026/27 Q3", "rag": "purple"}, expected_version=None, actor="a")


def test_published_review_is_frozen_until_reopened_with_a_reason(db):
    published = reviews.get_review(db, "SP-01", Q2)
    assert published.is_published and published.fields.published_by == "Kate Marsden"
    edit = published.fields.model_copy(update={"commentary": "Rewritten"})  # still says "published"
    with pytest.raises(RuleError, match="re-open it first"):
        reviews.save_review(db, "SP-01", Q2, edit, expected_version=published.version, actor="alice")
    with pytest.raises(RuleError, match="re-open it first"):
        reviews.save_review(db, "SP-01", Q2, {"rag": "green"}, expected_version=published.version, actor="alice")
    with pytest.raises(InvalidInput, match="reason"):
        reviews.reopen_review(db, "SP-01", Q2, expected_version=published.version, reason="  ", actor="alice")
    reopened = reviews.reopen_review(db, "SP-01", Q2, expected_version=published.version, reason="Spend figure corrected", actor="alice")
    assert reopened.status is ReviewStatus.DRAFT and reopened.fields.published_by is None and reopened.fields.published_on is None
    assert reopened.version == published.version + 1
    reason = _history(db, "SP-01", action="reopen")
    assert [(e.actor, e.key, e.field, e.new) for e in reason] == [("alice", "SP-01@2026/27 Q2", "reason", "Spend figure corrected")]
    kept = {(e.field, e.old, e.new) for e in _history(db, "SP-01", entity="review", action="update", actor="alice")}
    assert ("status", "published", "draft") in kept and ("published_by", "Kate Marsden", None) in kept
    assert ("published_on", "2026-10-14", None) in kept
    with pytest.raises(RuleError, match="publish_review"):  # fields still saying "published" would publish by the back door
        reviews.save_review(db, "SP-01", Q2, edit, expected_version=reopened.version, actor="alice")
    edit = reopened.fields.model_copy(update={"commentary": "Rewritten"})
    saved = reviews.save_review(db, "SP-01", Q2, edit, expected_version=reopened.version, actor="alice")
    assert saved.fields.commentary == "Rewritten" and saved.status is ReviewStatus.DRAFT
    with pytest.raises(RuleError, match="not published"):
        reviews.reopen_review(db, "SP-01", Q2, expected_version=saved.version, reason="again", actor="alice")


def test_reopening_moves_previous_rag_back_to_the_last_published_review(db):
    assert reviews.review_sheet(db, "SP-01", Q3).previous_published.quarter == Q2
    q2 = reviews.get_review(db, "SP-01", Q2)
    reviews.reopen_review(db, "SP-01", Q2, expected_version=q2.version, reason="check", actor="a")
    sheet = reviews.review_sheet(db, "SP-01", Q3)
    assert sheet.previous_published.quarter == Q1 and sheet.previous_rag is Rag.AMBER
    assert next(e for e in reviews.review_queue(db, Q3) if e.code == "SP-01").previous_quarter == Q1


def test_publish_records_who_and_when_and_freezes(db):
    draft = _publishable_q3(db)
    assert reviews.review_sheet(db, "SP-03", Q3).publish_blockers == ()
    with pytest.raises(ConflictError):
        reviews.publish_review(db, "SP-03", Q3, expected_version=draft.version + 1, actor="kate")
    published = reviews.publish_review(db, "SP-03", Q3, expected_version=draft.version, actor="kate", on=dt.date(2027, 1, 15))
    assert published.is_published and published.fields.published_by == "kate"
    assert published.fields.published_on == dt.date(2027, 1, 15)
    rows = _history(db, "SP-03", key="SP-03@2026/27 Q3", actor="kate")
    assert {(e.action, e.field, e.old, e.new) for e in rows} == {
        ("publish", "status", "draft", "published"),
        ("update", "published_by", None, "kate"),
        ("update", "published_on", None, "2027-01-15"),
    }
    with pytest.raises(RuleError, match="already published"):
        reviews.publish_review(db, "SP-03", Q3, expected_version=published.version, actor="kate")
    sheet = reviews.review_sheet(db, "SP-03", Q3)
    assert not sheet.editable and sheet.state is ReviewState.PUBLISHED
    assert next(e for e in reviews.review_queue(db, Q3) if e.code == "SP-03").published


def test_publish_needs_a_rag_commentary_for_amber_or_red_and_notes_on_amber_or_red_measures(db):
    draft = _publishable_q3(db)
    no_rag = reviews.save_review(db, "SP-03", Q3, _draft(), expected_version=draft.version, actor="a")
    with pytest.raises(RuleError, match="overall RAG"):
        reviews.publish_review(db, "SP-03", Q3, expected_version=no_rag.version, actor="a")
    cost_red = reviews.save_review(db, "SP-03", Q3, _draft(rag=Rag.GREEN, cost_rag=Rag.RED), expected_version=no_rag.version, actor="a")
    with pytest.raises(RuleError, match=r"needs commentary"):
        reviews.publish_review(db, "SP-03", Q3, expected_version=cost_red.version, actor="a")
    explained = reviews.save_review(
        db, "SP-03", Q3, _draft(rag=Rag.GREEN, cost_rag=Rag.RED, commentary="Overspend on licences"),
        expected_version=cost_red.version, actor="a",
    )
    # An off-target measure needs a note on its actual.
    line = reviews.review_sheet(db, "SP-03", Q3).measure("M1")
    off = reviews.set_actual(db, "SP-03", "M1", Q3, line.figures.target / 2, expected_version=line.entry.version, actor="a")
    assert "measure M1 is off target: add a note to its actual" in reviews.review_sheet(db, "SP-03", Q3).publish_blockers
    with pytest.raises(RuleError, match="M1"):
        reviews.publish_review(db, "SP-03", Q3, expected_version=explained.version, actor="a")
    reviews.set_actual(db, "SP-03", "M1", Q3, off.value, note="Take-up slower over Christmas", expected_version=off.version, actor="a")
    assert reviews.publish_review(db, "SP-03", Q3, expected_version=explained.version, actor="a").is_published


def test_publish_without_a_review_is_a_conflict(db):
    with pytest.raises(ConflictError):
        reviews.publish_review(db, "SP-01", Q3, expected_version=1, actor="a")
    sheet = reviews.review_sheet(db, "SP-01", Q3)
    assert sheet.publish_blockers == ("save the review first",)
    assert sheet.draft_fields() == ReviewFields(quarter=Q3) and sheet.review_version is None


# -- actuals --------------------------------------------------------------------------------------


def test_set_actual_creates_updates_and_audits(db):
    entry = reviews.set_actual(db, "SP-01", "M5", Q3, 36.1, provisional=True, note="Awaiting validation", expected_version=None, actor="alice")
    assert (entry.value, entry.provisional, entry.note, entry.entered_by, entry.version) == (36.1, True, "Awaiting validation", "alice", 1)
    assert entry.entered_at is not None
    created = _history(db, "SP-01", entity="actual", action="create", key="SP-01/M5@2026/27 Q3")
    assert {(e.field, e.new) for e in created} == {("value", "36.1"), ("provisional", "true"), ("note", "Awaiting validation")}
    confirmed = reviews.set_actual(db, "SP-01", "M5", Q3, 36.2, note="Awaiting validation", expected_version=entry.version, actor="bob")
    assert (confirmed.value, confirmed.provisional, confirmed.entered_by, confirmed.version) == (36.2, False, "bob", 2)
    updated = {(e.field, e.old, e.new) for e in _history(db, "SP-01", entity="actual", action="update", actor="bob")}
    assert updated == {("value", "36.1", "36.2"), ("provisional", "true", "false")}
    same = reviews.set_actual(db, "SP-01", "M5", Q3, 36.2, note="Awaiting validation", expected_version=2, actor="c")
    assert same.version == 2 and same.entered_by == "bob"
    blank = reviews.set_actual(db, "SP-01", "M5", Q3, 36.2, note="   ", expected_version=2, actor="c")
    assert blank.note is None


def test_set_actual_conflicts(db):
    entry = reviews.set_actual(db, "SP-01", "M1", Q3, 12.0, expected_version=None, actor="alice")
    with pytest.raises(ConflictError) as caught:
        reviews.set_actual(db, "SP-01", "M1", Q3, 11.0, expected_version=None, actor="bob")
    assert caught.value.current.value == 12.0
    theirs = reviews.set_actual(db, "SP-01", "M1", Q3, 11.0, expected_version=entry.version, actor="bob")
    with pytest.raises(ConflictError) as caught:
        reviews.set_actual(db, "SP-01", "M1", Q3, 13.0, expected_version=entry.version, actor="alice")
    assert caught.value.current.version == theirs.version and caught.value.current.value == 11.0
    assert reviews.review_sheet(db, "SP-01", Q3).measure("M1").entry.value == 11.0


@pytest.mark.parametrize("value", [math.nan, math.inf, True, "twelve"])
def test_set_actual_refuses_what_is_not_a_finite_number(db, value):
    with pytest.raises(InvalidInput, match="value"):
        reviews.set_actual(db, "SP-01", "M1", Q3, value, expected_version=None, actor="a")
    assert reviews.review_sheet(db, "SP-01", Q3).measure("M1").entry is None


def test_actuals_of_a_published_quarter_are_frozen_except_provisional_ones(db):
    sheet = reviews.review_sheet(db, "SP-01", Q2)
    final = sheet.measure("M1").entry
    with pytest.raises(RuleError, match="re-open it first"):
        reviews.set_actual(db, "SP-01", "M1", Q2, 11.0, expected_version=final.version, actor="a")
    with pytest.raises(RuleError, match="re-open it first"):
        reviews.clear_actual(db, "SP-01", "M1", Q2, expected_version=final.version, actor="a")
    provisional = sheet.measure("M5").entry
    assert provisional.provisional
    confirmed = reviews.set_actual(db, "SP-01", "M5", Q2, 35.8, note="Validated", expected_version=provisional.version, actor="a")
    assert not confirmed.provisional and confirmed.value == 35.8
    with pytest.raises(RuleError):  # now final: frozen like the rest
        reviews.set_actual(db, "SP-01", "M5", Q2, 35.9, expected_version=confirmed.version, actor="a")
    # SP-07 M2 had no Q2 actual when the review was published: adding one needs a re-open.
    with pytest.raises(RuleError):
        reviews.set_actual(db, "SP-07", "M2", Q2, 700_000.0, expected_version=None, actor="a")
    review = reviews.get_review(db, "SP-07", Q2)
    reviews.reopen_review(db, "SP-07", Q2, expected_version=review.version, reason="Late figure arrived", actor="a")
    assert reviews.set_actual(db, "SP-07", "M2", Q2, 700_000.0, expected_version=None, actor="a").value == 700_000.0


def test_clear_actual(db):
    entry = reviews.set_actual(db, "SP-01", "M1", Q3, 12.0, expected_version=None, actor="a")
    with pytest.raises(ConflictError):
        reviews.clear_actual(db, "SP-01", "M1", Q3, expected_version=entry.version + 1, actor="a")
    reviews.clear_actual(db, "SP-01", "M1", Q3, expected_version=entry.version, actor="a")
    assert reviews.review_sheet(db, "SP-01", Q3).measure("M1").figures.status is MeasureStatus.NO_DATA
    assert [(e.field, e.old) for e in _history(db, "SP-01", entity="actual", action="delete")] == [("value", "12.0")]
    with pytest.raises(ConflictError):  # already gone
        reviews.clear_actual(db, "SP-01", "M1", Q3, expected_version=entry.version, actor="a")


# -- targets and baselines ---------------------------------------------------------------------------


def test_profiled_target_needs_a_reason_and_is_audited(db):
    line = reviews.review_sheet(db, "SP-01", Q3).measure("M2")
    assert line.figures.target == 86_000.0 and line.profiled_target is None
    with pytest.raises(InvalidInput, match="reason"):
        reviews.set_profiled_target(db, "SP-01", "M2", Q3, 90_000.0, reason="", expected_version=line.measure.version, actor="a")
    measure = reviews.set_profiled_target(
        db, "SP-01", "M2", Q3, 90_000.0, reason="Winter routes are longer", expected_version=line.measure.version, actor="alice"
    )
    assert measure.version == line.measure.version + 1
    reviews.set_actual(db, "SP-01", "M2", Q3, 89_000.0, expected_version=None, actor="alice")
    line = reviews.review_sheet(db, "SP-01", Q3).measure("M2")
    assert (line.figures.target, line.profiled_target, line.figures.status) == (90_000.0, 90_000.0, MeasureStatus.ON_TARGET)
    measure = reviews.set_profiled_target(db, "SP-01", "M2", Q3, 88_000.0, reason="Revised", expected_version=measure.version, actor="bob")
    rows = [(e.action, e.field, e.old, e.new) for e in _history(db, "SP-01", entity="target")]
    assert ("update", "value", "90000.0", "88000.0") in rows and ("update", "reason", None, "Revised") in rows
    assert ("create", "value", None, "90000.0") in rows and ("update", "reason", None, "Winter routes are longer") in rows
    with pytest.raises(ConflictError):
        reviews.set_profiled_target(db, "SP-01", "M2", Q3, 87_000.0, reason="x", expected_version=measure.version - 1, actor="a")
    measure = reviews.clear_profiled_target(db, "SP-01", "M2", Q3, reason="Back to the annual target", expected_version=measure.version, actor="a")
    line = reviews.review_sheet(db, "SP-01", Q3).measure("M2")
    assert line.figures.target == 86_000.0 and line.profiled_target is None and line.figures.status is MeasureStatus.WITHIN_TOLERANCE
    assert ("delete", "value", "88000.0", None) in [(e.action, e.field, e.old, e.new) for e in _history(db, "SP-01", entity="target")]


def test_profiled_target_of_a_published_quarter_is_frozen_and_range_bottom_stays_below_top(db):
    m2 = reviews.review_sheet(db, "SP-01", Q2).measure("M2")
    with pytest.raises(RuleError, match="re-open"):
        reviews.set_profiled_target(db, "SP-01", "M2", Q2, 1.0, reason="x", expected_version=m2.measure.version, actor="a")
    m3 = reviews.review_sheet(db, "SP-06", Q3).measure("M3")  # range 70-85
    with pytest.raises(InvalidInput, match="range"):
        reviews.set_profiled_target(db, "SP-06", "M3", Q3, 90.0, reason="x", expected_version=m3.measure.version, actor="a")
    with pytest.raises(InvalidInput, match="target"):
        reviews.set_profiled_target(db, "SP-06", "M3", Q3, math.nan, reason="x", expected_version=m3.measure.version, actor="a")
    raised = reviews.set_profiled_target(db, "SP-06", "M3", Q3, 75.0, reason="Season", expected_version=m3.measure.version, actor="a")
    line = reviews.review_sheet(db, "SP-06", Q3).measure("M3")
    assert (line.figures.target, line.figures.target_max) == (75.0, 85.0) and raised.version == m3.measure.version + 1


def test_baseline_and_target_change_only_with_a_reason_and_keep_the_old_value(db):
    measure = reviews.review_sheet(db, "SP-01", Q2).measure("M2").measure
    with pytest.raises(InvalidInput, match="reason"):
        reviews.update_measure_baseline_or_target(db, "SP-01", "M2", target=85_000.0, reason=None, expected_version=measure.version, actor="a")
    changed = reviews.update_measure_baseline_or_target(
        db, "SP-01", "M2", baseline=97_000.0, target=85_000.0, target_period="FY27/28 Q4",
        reason="Baseline restated after fuel-card audit", expected_version=measure.version, actor="alice",
    )
    assert (changed.fields.baseline, changed.fields.target, changed.fields.target_period) == (97_000.0, 85_000.0, Quarter(2027, 4))
    assert changed.fields.unit == "litres" and changed.fields.tolerance == 5.0  # the rest is untouched
    assert changed.version == measure.version + 1
    rows = {(e.field, e.old, e.new) for e in _history(db, "SP-01", entity="measure", actor="alice")}
    assert rows == {
        ("baseline", "98000.0", "97000.0"), ("target", "86000.0", "85000.0"),
        ("target_period", "2025/26 Q4", "2027/28 Q4"), ("reason", None, "Baseline restated after fuel-card audit"),
    }
    with pytest.raises(ConflictError) as caught:
        reviews.update_measure_baseline_or_target(db, "SP-01", "M2", target=1.0, reason="x", expected_version=measure.version, actor="b")
    assert caught.value.current.fields.target == 85_000.0
    monitor = reviews.update_measure_baseline_or_target(db, "SP-01", "M2", target=None, reason="Target withdrawn", expected_version=changed.version, actor="a")
    assert reviews.review_sheet(db, "SP-01", Q2).measure("M2").figures.status is MeasureStatus.MONITOR_ONLY
    with pytest.raises(InvalidInput):  # a range measure needs both ends
        m3 = reviews.review_sheet(db, "SP-06", Q2).measure("M3").measure
        reviews.update_measure_baseline_or_target(db, "SP-06", "M3", target_max=None, reason="x", expected_version=m3.version, actor="a")
    assert monitor.fields.target is None


# -- history ----------------------------------------------------------------------------------------


def test_measure_trend_has_every_quarter_with_the_target_line(db):
    trend = reviews.measure_trend(db, "SP-01", "M6")  # actuals from 2024/25 Q3
    assert trend.measure.fields.name.startswith("Contamination")
    assert [p.quarter for p in trend.points] == Quarter.range(Quarter(2024, 3), Q2)
    # The target line runs from the baseline (12.5 in 2024/25 Q2) down to 5 in 2025/26 Q4, then stays there.
    assert [p.target for p in trend.points] == [11.25, 10.0, 8.75, 7.5, 6.25, 5.0, 5.0, 5.0]
    assert trend.points[0].actual == 8.9 and trend.points[0].status is MeasureStatus.ON_TARGET
    assert trend.points[-3].actual == 5.4 and trend.points[-3].status is MeasureStatus.WITHIN_TOLERANCE
    assert trend.points[-1].status is MeasureStatus.ON_TARGET
    upto = reviews.measure_trend(db, "SP-01", "M6", up_to="2025/26 Q1")
    assert upto.points[-1].quarter == Quarter(2025, 1) and len(upto.points) == 3
    cumulative = reviews.measure_trend(db, "SP-11", "M2")
    # The sheet says which targets are steps on the way (the report's "on the way to ...").
    sheet = reviews.review_sheet(db, "SP-01", Q2)
    assert sheet.measure("M5").figures.on_trajectory and sheet.measure("M5").figures.target == 36.37
    assert not sheet.measure("M6").figures.on_trajectory  # its target period, 2025/26 Q4, has passed
    # Year-to-date income on a line from £0 a year (2023/24) to £400k a year (2026/27): £133,333 expected in 2024/25.
    assert [p.target for p in cumulative.points[:4]] == [133_333 * q / 4 for q in (1, 2, 3, 4)]
    assert [p.target for p in cumulative.points[-2:]] == [100_000.0, 200_000.0]
    provisional = reviews.measure_trend(db, "SP-01", "M5").points[-1]
    assert provisional.provisional and provisional.quarter == Q2
    # A quarter with no actual is a gap in the line, not a missing point.
    reviews.set_actual(db, "SP-01", "M6", Quarter(2026, 4), 4.5, expected_version=None, actor="a")
    points = reviews.measure_trend(db, "SP-01", "M6").points
    assert points[-2].quarter == Q3 and points[-2].actual is None and points[-2].status is MeasureStatus.NO_DATA
    assert reviews.measure_trend(db, "SP-17", "M1").points == ()


def test_rag_history_is_chronological_and_marks_drafts(db):
    history = reviews.rag_history(db, "SP-05")
    assert [p.quarter for p in history] == sorted(p.quarter for p in history)
    assert history[-1].quarter == Q2 and history[-1].status is ReviewStatus.DRAFT and history[-1].rag is Rag.RED
    assert history[0].status is ReviewStatus.PUBLISHED and history[0].published_on is not None
    sp01 = reviews.rag_history(db, "SP-01")
    assert [p.rag for p in sp01][3:5] == [Rag.AMBER, Rag.AMBER] and sp01[4].benefits_rag is Rag.AMBER
    assert reviews.rag_history(db, "SP-17")[-1].quarter == Q2


# -- benefits on track (portfolio column) ----------------------------------------------------------------


def test_benefits_on_track_agrees_with_the_sheets_for_every_project(db):
    queue = reviews.review_queue(db, Q2, stages=list(Stage))
    counts = portfolio_benefits.benefits_on_track(db, [e.project_id for e in queue])
    assert set(counts) == {e.project_id for e in queue}
    for entry in queue:
        assert counts[entry.project_id] == reviews.review_sheet(db, entry.code, Q2).benefits_on_track, entry.code
    by_code = {e.code: counts[e.project_id] for e in queue}
    assert str(by_code["SP-01"]) == "4/4"
    assert str(by_code["SP-17"]) == "–" and by_code["SP-17"].not_assessed == 2
    # SP-10's M2 has no Q2 actual: missing data counts against its benefit.
    assert by_code["SP-10"].off_track >= 1


def test_benefits_on_track_follows_the_quarter_and_reads_only_the_projects_asked_for(db):
    sp01 = reviews.review_sheet(db, "SP-01", Q2).project_id
    sp07 = reviews.review_sheet(db, "SP-07", Q2).project_id
    assert portfolio_benefits.benefits_on_track(db, []) == {}
    assert set(portfolio_benefits.benefits_on_track(db, [sp01])) == {sp01}
    # SP-07's only measure of one benefit is annual: judged in Q4, not assessed in Q2.
    q2 = portfolio_benefits.benefits_on_track(db, [sp07], Q2)[sp07]
    q4 = portfolio_benefits.benefits_on_track(db, [sp07], Quarter.parse("2025/26 Q4"))[sp07]
    assert q4.assessed == q2.assessed + 1


def test_benefits_on_track_uses_a_fixed_number_of_queries(db, monkeypatch):
    ids = [e.project_id for e in reviews.review_queue(db, Q2, stages=list(Stage))]
    statements: list[str] = []
    fetch = db.fetch
    monkeypatch.setattr(db, "fetch", lambda sql, params=None: statements.append(sql) or fetch(sql, params))
    portfolio_benefits.benefits_on_track(db, ids[:2], Q2)
    few = len(statements)
    statements.clear()
    portfolio_benefits.benefits_on_track(db, ids, Q2)
    assert len(statements) == few

    def count(*_args):
        statements.append("x")

    statements.clear()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        reviews.review_queue(db, Q2)
        queue_few = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert queue_few <= 6


# -- an interrupted session ---------------------------------------------------------------------------


def test_every_saved_step_survives_an_interrupted_session(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    first = admins(open_portfolio(url, create=True))
    load_sample(first, actor="loader")
    reviews.set_actual(first, "SP-01", "M1", Q3, 12.0, expected_version=None, actor="alice")
    reviews.set_actual(first, "SP-01", "M2", Q3, 88_000.0, provisional=True, note="Estimate", expected_version=None, actor="alice")
    draft = reviews.save_review(
        first, "SP-01", Q3, _draft(rag=Rag.AMBER, commentary="Bins late", spend_to_date_pence=43_000_000), expected_version=None, actor="alice"
    )
    # The session ends without any "save all" or clean shut-down.
    first.engine.dispose()
    del first

    second = open_portfolio(url)
    try:
        sheet = reviews.review_sheet(second, "SP-01", Q3)
        assert sheet.review.version == draft.version and sheet.review.fields.commentary == "Bins late"
        assert sheet.review.fields.spend_to_date_pence == 43_000_000
        assert sheet.measure("M1").entry.value == 12.0
        m2 = sheet.measure("M2").entry
        assert (m2.value, m2.provisional, m2.note, m2.entered_by) == (88_000.0, True, "Estimate", "alice")
        assert sheet.measure("M3").entry is None
        entry = next(e for e in reviews.review_queue(second, Q3) if e.code == "SP-01")
        assert (entry.state, entry.rag, entry.measures_entered) == (ReviewState.DRAFT, Rag.AMBER, 2)
        # ...and carries on where it stopped.
        reviews.save_review(second, "SP-01", Q3, sheet.draft_fields().model_copy(update={"next_steps": "Chase supplier"}),
                            expected_version=sheet.review_version, actor="alice")
        assert reviews.get_review(second, "SP-01", Q3).fields.next_steps == "Chase supplier"
    finally:
        second.dispose()


# -- PostgreSQL ---------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_review_flow_on_postgres(postgres_url):
    database = admins(open_portfolio(postgres_url, create=True))
    try:
        load_sample(database, actor="loader")
        assert reviews.default_review_quarter(database) == Q2
        queue = reviews.review_queue(database, Q3, ambition="A1")
        assert queue and all(e.state is ReviewState.NONE for e in queue)
        assert next(e for e in reviews.review_queue(database, Q3) if e.code == "SP-05").previous_quarter == Q1
        draft = _publishable_q3(database)
        with pytest.raises(ConflictError):
            reviews.save_review(database, "SP-03", Q3, _draft(rag=Rag.RED, commentary="x"), expected_version=None, actor="b")
        with pytest.raises(ConflictError):
            reviews.set_actual(database, "SP-03", "M1", Q3, 1.0, expected_version=None, actor="b")
        published = reviews.publish_review(database, "SP-03", Q3, expected_version=draft.version, actor="kate")
        with pytest.raises(RuleError, match="re-open"):
            reviews.save_review(database, "SP-03", Q3, _draft(rag=Rag.AMBER, commentary="x"), expected_version=published.version, actor="b")
        reopened = reviews.reopen_review(database, "SP-03", Q3, expected_version=published.version, reason="Fix", actor="kate")
        assert reopened.status is ReviewStatus.DRAFT
        assert reviews.review_progress(database, Q3).reviewed == 1
        ids = [e.project_id for e in reviews.review_queue(database, Q2, stages=list(Stage))]
        counts = portfolio_benefits.benefits_on_track(database, ids, Q2)
        assert str(counts[ids[0]]) == "4/4"
        assert len(reviews.measure_trend(database, "SP-01", "M6").points) == 8
        assert reviews.rag_history(database, "SP-03")[-1].quarter == Q3
    finally:
        database.dispose()


def test_next_in_queue_steps_and_finds_unreviewed_and_changed(db):
    from projtui.services.reviews.models import next_in_queue

    reviews.save_review(db, "SP-02", Q3, _draft(rag=Rag.GREEN), expected_version=None, actor="a")
    reviews.save_review(db, "SP-01", Q3, _draft(rag=Rag.RED, commentary="x"), expected_version=None, actor="a")
    queue = reviews.review_queue(db, Q3)
    codes = [e.code for e in queue]
    assert next_in_queue(queue, None).code == codes[0]
    assert next_in_queue(queue, codes[0]).code == codes[1]
    assert next_in_queue(queue, codes[0], backwards=True).code == codes[-1]
    assert next_in_queue(queue, codes[-1], wrap=False) is None
    assert next_in_queue(queue, "SP-01", unreviewed=True).code == "SP-03"
    assert next_in_queue(queue, "SP-02", rag_changed=True).code == "SP-01"  # green -> red, round the end
    assert next_in_queue([e for e in queue if e.code in ("SP-01", "SP-02")], "SP-01", unreviewed=True) is None
