"""A measure's benchmarks (issue 13): listed with where the measure stands against each, set for a year and source, removed.

Writing one needs the right to edit the project (``Action.EDIT_PROJECT``).
Every change is audited as the snapshot diff names it (entity
``benchmark``, key ``SP-01/M4@2024/25 APSE family group``): a new one by
its source, a change field by field, a removal by its source. The
benchmark the user saw for the year and source guards the change, as a
version guards a record: someone else's newer figures are never
overwritten unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from projtui.domain.errors import ConflictError
from projtui.domain.measures import MeasureRule, standing, year_figure
from projtui.domain.quarter import Quarter
from projtui.domain.records import BenchmarkFields, validated
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.permissions import require
from projtui.services.plans import common
from projtui.services.plans.measures import found_measure, load_measure
from projtui.services.read_models import MeasureItem
from projtui.store.database import Database
from projtui.store.queries import benchmarks as q
from projtui.store.queries import reviews as review_queries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["MeasureBenchmarks", "benchmark_key", "benchmarks_of", "measure_benchmarks", "remove_benchmark", "set_benchmark"]


@dataclass(frozen=True)
class MeasureBenchmarks:
    """A measure's comparator sets by year then source, each with the measure's standing in words."""

    project_code: str
    measure: MeasureItem
    benchmarks: tuple[BenchmarkFields, ...]
    standings: tuple[str, ...]  # `standing` of each: the measure's figure for its year against it, in words

    def find(self, benchmark: BenchmarkFields) -> BenchmarkFields | None:
        """The one held for the same year and source, if any."""
        return next((b for b in self.benchmarks if (b.period, b.source) == (benchmark.period, benchmark.source)), None)


def benchmark_key(project_code: str, measure_code: str, benchmark: BenchmarkFields) -> str:
    return f"{project_code}/{measure_code}@{benchmark.period} {benchmark.source}"


def measure_benchmarks(db: Database, measure_id: int) -> MeasureBenchmarks:
    with db.reading() as session:
        measure, _, project_code = found_measure(session, measure_id)
        benchmarks = tuple(q.measure_benchmarks(session, measure_id))
        actuals = {Quarter(v.fy_start_year, v.quarter): v.value for v in review_queries.measure_values(session, measure_id)}
    rule = MeasureRule.from_measure(measure.fields)
    standings = tuple(standing(rule.direction, year_figure(rule, b.period, actuals), b) for b in benchmarks)
    return MeasureBenchmarks(project_code, measure, benchmarks, standings)


def benchmarks_of(db: Database, measure_id: int) -> tuple[BenchmarkFields, ...]:
    """Any measure's benchmarks by year then source, a KPI's too (which has no project to name): for the KPI screen's chart."""
    with db.reading() as session:
        return tuple(q.measure_benchmarks(session, measure_id))


def _guarded(session: Session, measure_id: int, benchmark: BenchmarkFields, seen: BenchmarkFields | None, actor: str) -> tuple[int, str, BenchmarkFields | None]:
    """What a write starts from: the project's id, the audit key and the benchmark held for the year and source.

    Refuses first (PermissionDenied) unless ``actor`` may edit the project;
    ConflictError when the measure is gone or the one held is not ``seen``.
    """
    measure = load_measure(session, measure_id)
    if measure is None:
        raise ConflictError("measure", f"#{measure_id}", 0, None)
    project_id, project_code = common.project_of(session, "measure", measure_id)
    require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
    key = benchmark_key(project_code, measure.fields.code or "", benchmark)
    held = next((b for b in q.measure_benchmarks(session, measure_id) if (b.period, b.source) == (benchmark.period, benchmark.source)), None)
    if held != seen:
        raise ConflictError("benchmark", key, 0, held)
    return project_id, key, held


def set_benchmark(
    db: Database, measure_id: int, benchmark: BenchmarkFields | dict, *, seen: BenchmarkFields | None, actor: str
) -> BenchmarkFields:
    """Add the benchmark for its year and source, or replace the one there; answers what is stored now.

    ``seen`` is the benchmark the user saw for that year and source (None:
    there was none): when the stored one differs, ConflictError carries it.
    """
    benchmark = validated(BenchmarkFields, benchmark)
    with db.transaction() as session:
        project_id, key, held = _guarded(session, measure_id, benchmark, seen, actor)
        if held == benchmark:
            return benchmark
        if held is not None:
            q.delete_benchmark(session, measure_id, held.period, held.source)
        q.insert_benchmark(session, measure_id, benchmark)
        if held is None:
            audit.record(session, actor=actor, action="create", entity="benchmark", key=key, project_id=project_id, new=benchmark.source)
        else:
            for name in BenchmarkFields.model_fields:
                if getattr(held, name) != getattr(benchmark, name):
                    audit.record(session, actor=actor, action="update", entity="benchmark", key=key, project_id=project_id,
                                 field=name, old=getattr(held, name), new=getattr(benchmark, name))
    return benchmark


def remove_benchmark(db: Database, measure_id: int, seen: BenchmarkFields, *, actor: str) -> None:
    """Remove the measure's benchmark for ``seen``'s year and source; ConflictError if it is no longer as seen."""
    with db.transaction() as session:
        project_id, key, _ = _guarded(session, measure_id, seen, seen, actor)
        q.delete_benchmark(session, measure_id, seen.period, seen.source)
        audit.record(session, actor=actor, action="delete", entity="benchmark", key=key, project_id=project_id, old=seen.source)
