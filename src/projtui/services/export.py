"""Reading the database out as snapshot documents, a batch of projects at a time."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Row, Table, select, tuple_
from sqlalchemy.orm import Session

from projtui.domain.codes import natural_key
from projtui.domain.quarter import Quarter
from projtui.snapshot import document as doc
from projtui.store import tables as t

BATCH_SIZE = 500


def read_header(session: Session) -> doc.Document:
    """Everything in the document but the projects."""
    settings = {row.key: row.value for row in session.scalars(select(t.Setting))}
    priorities = defaultdict(list)
    for row in session.scalars(select(t.Priority).order_by(t.Priority.sort_order, t.Priority.id)):
        priorities[row.ambition_id].append(doc.Priority.model_validate(_columns(row, doc.Priority)))
    ambitions = [
        doc.Ambition.model_validate({**_columns(row, doc.Ambition), "priorities": priorities[row.id]})
        for row in session.scalars(select(t.Ambition))
    ]
    ambitions.sort(key=lambda ambition: natural_key(ambition.code))
    portfolio = doc.PortfolioFields.model_validate({k: settings.get(f"portfolio.{k}") for k in doc.PortfolioFields.model_fields})
    return doc.Document(portfolio=portfolio, ambitions=ambitions)


def project_ids_in_order(session: Session, codes: Iterable[str] | None = None) -> list[int]:
    """Project ids in natural code order (SP-2 before SP-10), optionally only some codes."""
    query = select(t.Project.id, t.Project.code)
    if codes is not None:
        query = query.where(t.Project.code.in_(list(codes)))
    rows = session.execute(query).all()
    rows.sort(key=lambda row: natural_key(row.code))
    return [row.id for row in rows]


def iter_projects(session: Session, project_ids: Sequence[int], *, up_to: Quarter | None = None) -> Iterator[doc.Project]:
    """Whole project trees, loaded a batch at a time so memory stays flat on big portfolios."""
    for start in range(0, len(project_ids), BATCH_SIZE):
        yield from _load_batch(session, project_ids[start : start + BATCH_SIZE], up_to)


def _columns(row: Row | object, model: type[doc.Strict]) -> dict:
    """The row's (or ORM object's) values for the model's fields that are columns (None left out)."""
    if isinstance(row, Row):
        mapping = row._mapping
        return {name: value for name in _field_names(model) if (value := mapping.get(name)) is not None}
    return {name: value for name in _field_names(model) if (value := getattr(row, name, None)) is not None}


@functools.cache
def _field_names(model: type[doc.Strict]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def _by_code(codes: list[str]) -> list[str]:
    return sorted(codes, key=natural_key)


def _quarter_filter(table, up_to: Quarter | None):
    if up_to is None:
        return True
    return tuple_(table.c.fy_start_year, table.c.quarter) <= tuple_(up_to.fy_start_year, up_to.quarter)


def _rows(session: Session, table: Table, *where, order_by=()) -> list[Row]:
    """Plain rows of a table: building ORM objects cost more than the rest of the export."""
    return session.execute(select(table).where(*where).order_by(*order_by)).all()


def _grouped(rows: Iterable[Row], key: str) -> defaultdict[int, list[Row]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _load_batch(session: Session, ids: Sequence[int], up_to: Quarter | None) -> Iterator[doc.Project]:
    project, plan, output, outcome, benefit, measure_table, value, target, review = (
        model.__table__
        for model in (t.Project, t.BenefitsReviewPlan, t.Output, t.Outcome, t.Benefit, t.Measure,
                      t.MeasureValue, t.MeasureTarget, t.QuarterlyReview)
    )
    by_id = {row.id: row for row in _rows(session, project, project.c.id.in_(ids))}

    links = defaultdict(list)
    for project_id, code, primary in session.execute(
        select(t.ProjectAmbition.project_id, t.Ambition.code, t.ProjectAmbition.is_primary)
        .join(t.Ambition, t.Ambition.id == t.ProjectAmbition.ambition_id)
        .where(t.ProjectAmbition.project_id.in_(ids))
    ):
        links[project_id].append((not primary, natural_key(code), code))
    plans = {row.project_id: row for row in _rows(session, plan, plan.c.project_id.in_(ids))}

    def items(table: Table) -> defaultdict[int, list[Row]]:
        return _grouped(_rows(session, table, table.c.project_id.in_(ids), order_by=(table.c.position, table.c.id)), "project_id")

    outputs, outcomes, benefits, measures = items(output), items(outcome), items(benefit), items(measure_table)
    output_links = defaultdict(list)
    for output_id, code in session.execute(
        select(t.OutputOutcome.output_id, t.Outcome.code)
        .join(t.Outcome, t.Outcome.id == t.OutputOutcome.outcome_id)
        .where(t.Outcome.project_id.in_(ids))
    ):
        output_links[output_id].append(code)
    outcome_links = defaultdict(list)
    for outcome_id, code in session.execute(
        select(t.OutcomeBenefit.outcome_id, t.Benefit.code)
        .join(t.Benefit, t.Benefit.id == t.OutcomeBenefit.benefit_id)
        .where(t.Benefit.project_id.in_(ids))
    ):
        outcome_links[outcome_id].append(code)

    measure_ids = [m.id for rows in measures.values() for m in rows]
    values, targets = defaultdict(list), defaultdict(list)
    if measure_ids:
        values = _grouped(_rows(session, value, value.c.measure_id.in_(measure_ids), _quarter_filter(value, up_to)), "measure_id")
        targets = _grouped(_rows(session, target, target.c.measure_id.in_(measure_ids), _quarter_filter(target, up_to)), "measure_id")
    reviews = _grouped(_rows(session, review, review.c.project_id.in_(ids), _quarter_filter(review, up_to),
                             order_by=(review.c.fy_start_year, review.c.quarter)), "project_id")

    def measure(row: Row) -> doc.Measure:
        actual_rows = values[row.id]
        return doc.Measure.model_validate(
            {
                **_columns(row, doc.MeasureFields),
                "targets": {Quarter(v.fy_start_year, v.quarter): v.value for v in targets[row.id]},
                "actuals": {Quarter(v.fy_start_year, v.quarter): v.value for v in actual_rows},
                "provisional": [Quarter(v.fy_start_year, v.quarter) for v in actual_rows if v.provisional],
                "notes": {Quarter(v.fy_start_year, v.quarter): v.note for v in actual_rows if v.note is not None},
            }
        )

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
            }
        )
