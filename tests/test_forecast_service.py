"""Entering a year-end forecast (issue 13): validated like an actual, guarded by what the user saw, frozen once published, audited, exported."""

from __future__ import annotations

import math

import pytest
from people import admins

from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    PermissionDenied,
    RuleError,
)
from projtui.domain.measures import MeasureStatus
from projtui.domain.quarter import Quarter
from projtui.domain.roles import Role
from projtui.services import reviews, users
from projtui.services.audit import history_page
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, load_sample

Q2 = Quarter(2026, 2)  # published in the sample
Q3 = Quarter(2026, 3)  # nothing entered yet


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    load_sample(database, actor="loader")
    yield database
    database.dispose()


def _forecast(db, code="SP-01", measure="M1", quarter=Q3):
    return reviews.review_sheet(db, code, quarter).measure(measure).figures


def test_a_forecast_is_entered_rated_changed_cleared_and_audited(db):
    # SP-01 M1: rounds in operation, lower is better, 12 by the end.
    assert reviews.set_forecast(db, "SP-01", "M1", Q3, 13.0, seen=None, actor="alice") == 13.0
    figures = _forecast(db)
    assert (figures.year_end_forecast, figures.year_end_status) == (13.0, MeasureStatus.OFF_TARGET)
    assert reviews.set_forecast(db, "SP-01", "M1", Q3, 12.0, seen=13.0, actor="bob") == 12.0
    assert _forecast(db).year_end_status is MeasureStatus.ON_TARGET
    assert reviews.set_forecast(db, "SP-01", "M1", Q3, None, seen=12.0, actor="bob") is None
    assert _forecast(db).year_end_forecast is None
    log = [(e.action, e.actor, e.old, e.new) for e in history_page(db, "SP-01", limit=100).entries
           if e.entity == "forecast" and e.key == "SP-01/M1@2026/27 Q3"]
    assert sorted(log) == sorted([("create", "alice", None, "13.0"), ("update", "bob", "13.0", "12.0"), ("delete", "bob", "12.0", None)])


def test_someone_elses_forecast_is_not_overwritten(db):
    reviews.set_forecast(db, "SP-01", "M1", Q3, 13.0, seen=None, actor="alice")
    with pytest.raises(ConflictError) as caught:
        reviews.set_forecast(db, "SP-01", "M1", Q3, 11.0, seen=None, actor="bob")  # bob saw none
    assert caught.value.current == 13.0
    assert "forecast SP-01/M1@2026/27 Q3 was changed (now 13.0) by someone else since you opened it; reload" in str(caught.value)
    with pytest.raises(ConflictError):
        reviews.set_forecast(db, "SP-01", "M1", Q3, 11.0, seen=12.5, actor="bob")
    assert _forecast(db).year_end_forecast == 13.0


@pytest.mark.parametrize("value", [math.nan, math.inf, True, "twelve", 1e16])
def test_a_forecast_must_be_a_number_in_reach(db, value):
    with pytest.raises(InvalidInput, match="forecast"):
        reviews.set_forecast(db, "SP-01", "M1", Q3, value, seen=None, actor="alice")
    assert _forecast(db).year_end_forecast is None


def test_forecasts_of_a_published_quarter_are_frozen(db):
    with pytest.raises(RuleError, match="re-open it first"):
        reviews.set_forecast(db, "SP-01", "M1", Q2, 12.0, seen=None, actor="alice")
    assert not reviews.review_sheet(db, "SP-01", Q2).measure("M1").forecast_editable


def test_a_viewer_may_not_forecast(db):
    users.add_user(db, "vera", role=Role.VIEWER, actor="alice")
    with pytest.raises(PermissionDenied):
        reviews.set_forecast(db, "SP-01", "M1", Q3, 12.0, seen=None, actor="vera")


def test_forecasts_are_exported_and_an_import_may_not_change_a_published_one(db):
    reviews.set_forecast(db, "SP-01", "M1", Q3, 12.5, seen=None, actor="alice")
    text = "".join(export_snapshot(db, exported_at=None))
    assert 'forecasts = { "2026/27 Q3" = 12.5 }' in text
    # The sample forecasts SP-01 M2 in the published 2026/27 Q2.
    assert 'forecasts = { "2026/27 Q1" = 86500.0, "2026/27 Q2" = 86800.0 }' in text
    changed = text.replace('"2026/27 Q2" = 86800.0 }', '"2026/27 Q2" = 85000.0 }', 1)
    with pytest.raises(InvalidInput) as refused:
        import_snapshot(db, changed, source="q2.toml", actor="alice")
    [problem] = refused.value.problems
    line = changed[: changed.index('"2026/27 Q2" = 85000.0 }')].count("\n") + 1
    assert str(problem).startswith(f"q2.toml:{line}: SP-01 measure M2 year-end forecast 2026/27 Q2: 86,800 → 85,000: the 2026/27 Q2 review is published")
    # An unpublished quarter's forecast comes in with the rest.
    result = import_snapshot(db, text.replace("= 12.5 }", "= 12.0 }", 1), source="q3.toml", actor="alice")
    assert result.summary["forecast"] == {"added": 0, "changed": 1, "removed": 0}
    assert _forecast(db).year_end_forecast == 12.0


def test_an_activity_measure_takes_no_profiled_target(db):
    # SP-01 M7 counts recycling bins emptied: direction "none", a trend with no target.
    measure = reviews.review_sheet(db, "SP-01", Q3).measure("M7").measure
    with pytest.raises(InvalidInput, match='no target for a measure whose direction = "none"'):
        reviews.set_profiled_target(db, "SP-01", "M7", Q3, 400.0, reason="Seasonal", expected_version=measure.version, actor="alice")
