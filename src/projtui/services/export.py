"""Reading the database out as snapshot documents, a batch of projects at a time."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from projtui.domain.codes import natural_key
from projtui.domain.quarter import FinancialYear, Quarter
from projtui.snapshot import document as doc
from projtui.store.queries import snapshot_rows as q

if TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

BATCH_SIZE = 500


def read_header(session: Session) -> doc.Document:
    """Everything in the document but the projects: the portfolio, ambitions, KPIs and KPI quarters."""
    settings = q.settings(session)
    priorities = defaultdict(list)
    for row in q.priorities(session):
        priorities[row.ambition_id].append(doc.Priority.model_validate(_attributes(row, doc.Priority)))
    ambitions = [
        doc.Ambition.model_validate({**_attributes(row, doc.Ambition), "priorities": priorities[row.id]})
        for row in q.ambitions(session)
    ]
    ambitions.sort(key=lambda ambition: natural_key(ambition.code))
    portfolio = doc.PortfolioFields.model_validate({k: settings.get(f"portfolio.{k}") for k in doc.PortfolioFields.model_fields})
    kpi_quarters = [
        doc.KpiQuarter.model_validate({**_attributes(row, doc.KpiQuarter), "quarter": Quarter(row.fy_start_year, row.quarter)})
        for row in q.kpi_quarters(session)
    ]
    kpi_quarters.sort(key=lambda row: row.quarter)
    return doc.Document(portfolio=portfolio, ambitions=ambitions, kpis=_kpis(session), kpi_quarters=kpi_quarters)


def _kpis(session: Session) -> list[doc.Kpi]:
    """Every KPI in code order: its measure as a project's measure is read, with its service, ambitions and commentary."""
    rows = q.kpi_measures(session)
    if not rows:
        return []
    measure_ids = [row.id for row in rows]
    values = _grouped(q.actuals(session, measure_ids, None), "measure_id")
    targets = _grouped(q.targets(session, measure_ids, None), "measure_id")
    forecasts = _grouped(q.forecasts(session, measure_ids, None), "measure_id")
    benchmarks = _grouped(q.benchmarks(session, measure_ids), "measure_id")
    links = defaultdict(list)
    for kpi_id, code, primary in q.kpi_ambition_links(session):
        links[kpi_id].append((not primary, natural_key(code), code))
    commentary = _grouped(q.kpi_commentary(session), "kpi_id")
    kpis = [
        _measure(
            doc.Kpi, row, values[row.id], targets[row.id], forecasts[row.id], benchmarks[row.id],
            service=row.service,
            ambitions=[code for *_, code in sorted(links[row.kpi_id])],
            commentary={Quarter(c.fy_start_year, c.quarter): c.text for c in commentary[row.kpi_id]},
        )
        for row in rows
    ]
    return sorted(kpis, key=lambda kpi: natural_key(kpi.code))


def _measure(
    model: type[doc.Measure], row: Row, actual_rows: list, target_rows: list, forecast_rows: list, benchmark_rows: list, **extra
) -> doc.Measure:
    """A project's measure or a KPI (`model`) from its measure row and its figures' rows; `extra`: a KPI's own fields."""
    return model.model_validate(
        {
            **_columns(row, doc.MeasureFields),
            "targets": {Quarter(v.fy_start_year, v.quarter): v.value for v in target_rows},
            "actuals": {Quarter(v.fy_start_year, v.quarter): v.value for v in actual_rows},
            "provisional": [Quarter(v.fy_start_year, v.quarter) for v in actual_rows if v.provisional],
            "notes": {Quarter(v.fy_start_year, v.quarter): v.note for v in actual_rows if v.note is not None},
            "forecasts": {Quarter(v.fy_start_year, v.quarter): v.value for v in forecast_rows},
            "benchmarks": [{**_columns(b, doc.BenchmarkFields), "period": FinancialYear(b.fy_start_year)} for b in benchmark_rows],
            **extra,
        }
    )


def project_ids_in_order(session: Session, codes: Iterable[str] | None = None) -> list[int]:
    """Project ids in natural code order (SP-2 before SP-10), optionally only some codes."""
    rows = q.project_codes(session, codes)
    rows.sort(key=lambda row: natural_key(row.code))
    return [row.id for row in rows]


def iter_projects(session: Session, project_ids: Sequence[int], *, up_to: Quarter | None = None) -> Iterator[doc.Project]:
    """Whole project trees, loaded a batch at a time so memory stays flat on big portfolios."""
    for start in range(0, len(project_ids), BATCH_SIZE):
        yield from _load_batch(session, project_ids[start : start + BATCH_SIZE], up_to)


def _columns(row: Row, model: type[doc.Strict]) -> dict:
    """The plain row's values for the model's fields that are columns (None left out)."""
    mapping = row._mapping
    return {name: value for name in _field_names(model) if (value := mapping.get(name)) is not None}


def _attributes(record: object, model: type[doc.Strict]) -> dict:
    """`_columns` for an ORM object (the header's ambitions and priorities)."""
    return {name: value for name in _field_names(model) if (value := getattr(record, name, None)) is not None}


@functools.cache
def _field_names(model: type[doc.Strict]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def _by_code(codes: list[str]) -> list[str]:
    return sorted(codes, key=natural_key)


def _grouped(rows: Iterable[Row], key: str) -> defaultdict[int, list[Row]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _load_batch(session: Session, ids: Sequence[int], up_to: Quarter | None) -> Iterator[doc.Project]:
    by_id = {row.id: row for row in q.projects(session, ids)}

    links = defaultdict(list)
    for project_id, code, primary in q.project_ambition_links(session, ids):
        links[project_id].append((not primary, natural_key(code), code))
    plans = {row.project_id: row for row in q.plans(session, ids)}

    outputs, outcomes, benefits, measures = (
        _grouped(q.plan_items(session, kind, ids), "project_id") for kind in ("output", "outcome", "benefit", "measure")
    )
    output_links = defaultdict(list)
    for output_id, code in q.item_links(session, "output", ids):
        output_links[output_id].append(code)
    outcome_links = defaultdict(list)
    for outcome_id, code in q.item_links(session, "outcome", ids):
        outcome_links[outcome_id].append(code)

    measure_ids = [m.id for rows in measures.values() for m in rows]
    values, targets, forecasts, benchmarks = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    if measure_ids:
        values = _grouped(q.actuals(session, measure_ids, up_to), "measure_id")
        targets = _grouped(q.targets(session, measure_ids, up_to), "measure_id")
        forecasts = _grouped(q.forecasts(session, measure_ids, up_to), "measure_id")
        benchmarks = _grouped(q.benchmarks(session, measure_ids), "measure_id")
    reviews = _grouped(q.reviews(session, ids, up_to), "project_id")
    risks = _grouped(q.risks(session, ids), "project_id")

    def measure(row: Row) -> doc.Measure:
        return _measure(doc.Measure, row, values[row.id], targets[row.id], forecasts[row.id], benchmarks[row.id])

    for project_id in ids:
        measures_of = defaultdict(list)
        for row in measures[project_id]:
            measures_of[("outcome", row.outcome_id) if row.outcome_id else ("benefit", row.benefit_id)].append(measure(row))
        plan_row = plans.get(project_id)
        yield doc.Project.model_validate(
            {
                **_columns(by_id[project_id], doc.ProjectFields),
                "ambitions": [code for *_, code in sorted(links[project_id])],
                "benefits_review_plan": _columns(plan_row, doc.Plan) if plan_row else {},
                "outputs": [{**_columns(o, doc.OutputFields), "outcomes": _by_code(output_links[o.id])} for o in outputs[project_id]],
                "outcomes": [
                    {**_columns(o, doc.OutcomeFields), "benefits": _by_code(outcome_links[o.id]), "measures": measures_of[("outcome", o.id)]}
                    for o in outcomes[project_id]
                ],
                "benefits": [
                    {**_columns(b, doc.BenefitFields), "measures": measures_of[("benefit", b.id)]} for b in benefits[project_id]
                ],
                "reviews": [{**_columns(r, doc.ReviewFields), "quarter": Quarter(r.fy_start_year, r.quarter)} for r in reviews[project_id]],
                "risks": sorted((_columns(r, doc.RiskFields) for r in risks[project_id]), key=lambda r: natural_key(r["code"])),
            }
        )
