"""A measure's benchmarks: read, added, replaced and removed one at a time (import writes them in bulk, `bulk.py`)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from projtui.domain.quarter import FinancialYear
from projtui.domain.records import BenchmarkFields
from projtui.store import tables as t

__all__ = ["benchmark_values", "delete_benchmark", "insert_benchmark", "measure_benchmarks"]


def benchmark_values(measure_id: int, benchmark: BenchmarkFields) -> dict:
    """A benchmark as its stored columns: the year by its start year, every figure named (executemany needs the same keys)."""
    return {
        "measure_id": measure_id, "fy_start_year": benchmark.period.start_year,
        **{name: getattr(benchmark, name) for name in BenchmarkFields.model_fields if name != "period"},
    }


def measure_benchmarks(session: Session, measure_id: int) -> list[BenchmarkFields]:
    """The measure's benchmarks, by year then source."""
    rows = session.scalars(
        select(t.MeasureBenchmark).where(t.MeasureBenchmark.measure_id == measure_id)
        .order_by(t.MeasureBenchmark.fy_start_year, t.MeasureBenchmark.source)
    )
    return [
        BenchmarkFields.model_validate(
            {"period": FinancialYear(row.fy_start_year), **{name: getattr(row, name) for name in BenchmarkFields.model_fields if name != "period"}}
        )
        for row in rows
    ]


def insert_benchmark(session: Session, measure_id: int, benchmark: BenchmarkFields) -> None:
    session.add(t.MeasureBenchmark(**benchmark_values(measure_id, benchmark)))
    session.flush()


def delete_benchmark(session: Session, measure_id: int, year: FinancialYear, source: str) -> bool:
    """Remove the measure's benchmark for the year and source; False when there was none."""
    table = t.MeasureBenchmark
    result = session.execute(
        delete(table).where(table.measure_id == measure_id, table.fy_start_year == year.start_year, table.source == source)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
