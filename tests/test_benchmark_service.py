"""Setting and removing a measure's benchmark (issue 13): the project's editors only, guarded by what the user saw, audited, exported."""

from __future__ import annotations

import pytest
from people import admins

from projtui.domain.errors import ConflictError, InvalidInput, PermissionDenied
from projtui.domain.quarter import FinancialYear
from projtui.domain.records import BenchmarkFields
from projtui.domain.roles import Role
from projtui.services import plans, users
from projtui.services.audit import history_page
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, load_sample

APSE = "APSE Performance Networks family group"


@pytest.fixture
def db(tmp_path):
    database = admins(open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True))
    load_sample(database, actor="loader")
    yield database
    database.dispose()


def _measure_id(db, project: str, code: str) -> int:
    return next(m.id for m in plans.get_plan(db, project).measures if m.fields.code == code)


def test_listed_by_year_with_the_measures_standing(db):
    # The sample's SP-01 M4 has actuals from 2024/25 Q1 only.
    listed = plans.measure_benchmarks(db, _measure_id(db, "SP-01", "M4"))
    assert listed.project_code == "SP-01" and [b.period for b in listed.benchmarks] == [FinancialYear(2024), FinancialYear(2025)]
    # Missed collections, lower is better: 2024/25 ended on 38, between the lower quartile (32) and the median (46).
    # 2025/26's last actual is 39, against 30, 43 and 58.
    assert listed.standings == ("2nd quartile", "2nd quartile")
    # An outcome of the sample with no actual in 2024/25 says so.
    plans.set_benchmark(db, listed.measure.id, {"period": "2023/24", "source": APSE, "median": 50.0}, seen=None, actor="alice")
    assert plans.measure_benchmarks(db, listed.measure.id).standings[0] == "No figure for 2023/24"


def test_adding_changing_and_removing_are_audited_as_the_diff_names_them(db):
    measure_id = _measure_id(db, "SP-01", "M3")
    new = BenchmarkFields(period="2024/25", source="LG Inform", median=230.0)
    assert plans.set_benchmark(db, measure_id, new, seen=None, actor="alice") == new
    changed = new.model_copy(update={"median": 225.5, "upper_quartile": 260.0})
    plans.set_benchmark(db, measure_id, changed, seen=new, actor="alice")
    assert plans.measure_benchmarks(db, measure_id).benchmarks == (changed,)
    assert "median = 225.5\nupper_quartile = 260.0\n" in "".join(export_snapshot(db))

    plans.remove_benchmark(db, measure_id, changed, actor="bob")
    assert plans.measure_benchmarks(db, measure_id).benchmarks == ()
    key = "SP-01/M3@2024/25 LG Inform"
    trail = [(e.actor, e.action, e.field, e.old, e.new) for e in history_page(db, "SP-01").entries if e.key == key]
    assert trail == [
        ("bob", "delete", None, "LG Inform", None),
        ("alice", "update", "upper_quartile", None, "260.0"),
        ("alice", "update", "median", "230.0", "225.5"),
        ("alice", "create", None, None, "LG Inform"),
    ]


def test_someone_elses_newer_figures_are_never_overwritten_unseen(db):
    measure_id = _measure_id(db, "SP-01", "M4")
    held = plans.measure_benchmarks(db, measure_id).benchmarks[0]
    theirs = held.model_copy(update={"median": 47.0})
    plans.set_benchmark(db, measure_id, theirs, seen=held, actor="bob")
    with pytest.raises(ConflictError) as caught:
        plans.set_benchmark(db, measure_id, held.model_copy(update={"rank": 4}), seen=held, actor="alice")
    assert caught.value.current == theirs
    # Adding one for a year and source that someone has meanwhile added is a conflict too, not a silent replace.
    with pytest.raises(ConflictError):
        plans.set_benchmark(db, measure_id, held, seen=None, actor="alice")
    with pytest.raises(ConflictError):
        plans.remove_benchmark(db, measure_id, held, actor="alice")
    assert plans.measure_benchmarks(db, measure_id).benchmarks[0] == theirs


def test_a_viewer_may_not_and_invalid_figures_are_refused_before_anything_is_written(db):
    measure_id = _measure_id(db, "SP-01", "M4")
    users.add_user(db, "vera", role=Role.VIEWER, actor="alice")
    with pytest.raises(PermissionDenied):
        plans.set_benchmark(db, measure_id, {"period": "2023/24", "source": "LG Inform", "median": 40.0}, seen=None, actor="vera")
    with pytest.raises(InvalidInput) as caught:
        plans.set_benchmark(db, measure_id, {"period": "2023/24", "source": "LG Inform", "rank": 9, "of": 8}, seen=None, actor="alice")
    assert "rank 9 is more than of 8" in str(caught.value)
    assert [b.period for b in plans.measure_benchmarks(db, measure_id).benchmarks] == [FinancialYear(2024), FinancialYear(2025)]
