"""SVG snapshots of a measure's benchmarks dialog (issue 13), wide and at 80×24.

Update after an intended change with `pytest tests/ui/test_snapshots_benchmarks.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest
from support import build_portfolio, make_app
from test_snapshots_project import SMALL, WIDE, _on, _ref

from projtui.domain.records import BenchmarkFields
from projtui.services import plans


@pytest.fixture
def db(tmp_path):
    database = build_portfolio(tmp_path / "p.db")
    measure_id = _ref(database, "measure", "M1").id
    for benchmark in (
        BenchmarkFields(period="2023/24", source="APSE family group", lower_quartile=60, median=70, upper_quartile=80, rank=3, of=12),
        BenchmarkFields(period="2024/25", source="LG Inform: England", value=72.5),
    ):
        plans.set_benchmark(database, measure_id, benchmark, seen=None, actor="setup")
    yield database
    database.dispose()


def test_benchmarks(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=_on(_ref(db, "measure", "M1"), "b"))


def test_benchmarks_small(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_on(_ref(db, "measure", "M1"), "b"))
