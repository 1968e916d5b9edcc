"""Reading the database out as snapshot documents, a batch of projects at a time."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

from projtui.domain.annotations import types_in
from projtui.domain.codes import natural_key
from projtui.domain.quarter import FinancialYear, Quarter, to_quarter
from projtui.services.collector import cyclic_gc_paused
from projtui.snapshot import document as doc
from projtui.store.queries import snapshot_rows as q

if TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

BATCH_SIZE = 500
Record = TypeVar("Record", bound=doc.Strict)


def read_header(session: Session, *, validate: bool = False) -> doc.Document:
    """Everything in the document but the projects: the portfolio, ambitions, KPIs and KPI quarters.

    The KPIs are built as `iter_projects` builds measures (`validate` as there).
    """
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
    return doc.Document(portfolio=portfolio, ambitions=ambitions, kpis=_kpis(session, validate), kpi_quarters=kpi_quarters)


def _kpis(session: Session, validate: bool) -> list[doc.Kpi]:
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
    records = _Records(validate)
    kpis = [
        _measure(
            doc.Kpi, row, values[row.id], targets[row.id], forecasts[row.id], benchmarks[row.id], records,
            service=row.service,
            ambitions=[code for *_, code in sorted(links[row.kpi_id])],
            commentary={_quarter(c.fy_start_year, c.quarter): c.text for c in commentary[row.kpi_id]},
        )
        for row in rows
    ]
    return sorted(kpis, key=lambda kpi: natural_key(kpi.code))


def _measure(
    model: type[doc.Measure], row: Row, actual_rows: list, target_rows: list, forecast_rows: list, benchmark_rows: list,
    records: _Records, **extra,
) -> doc.Measure:
    """A project's measure or a KPI (`model`) from its measure row and its figures' rows; `extra`: a KPI's own fields."""
    figure = records.figure
    return records.make(
        model,
        {
            **records.columns(row, doc.MeasureFields),
            "targets": {_quarter(v.fy_start_year, v.quarter): figure(v.value) for v in target_rows},
            "actuals": {_quarter(v.fy_start_year, v.quarter): figure(v.value) for v in actual_rows},
            "provisional": [_quarter(v.fy_start_year, v.quarter) for v in actual_rows if v.provisional],
            "notes": {_quarter(v.fy_start_year, v.quarter): v.note for v in actual_rows if v.note is not None},
            "forecasts": {_quarter(v.fy_start_year, v.quarter): figure(v.value) for v in forecast_rows},
            "benchmarks": [
                records.make(doc.Benchmark, {**records.columns(b, doc.BenchmarkFields), "period": _year(b.fy_start_year)})
                for b in benchmark_rows
            ],
            **extra,
        },
    )


def project_ids_in_order(session: Session, codes: Iterable[str] | None = None) -> list[int]:
    """Project ids in natural code order (SP-2 before SP-10), optionally only some codes."""
    rows = q.project_codes(session, codes)
    rows.sort(key=lambda row: natural_key(row.code))
    return [row.id for row in rows]


def iter_projects(
    session: Session, project_ids: Sequence[int], *, up_to: Quarter | None = None, validate: bool = False
) -> Iterator[doc.Project]:
    """Whole project trees, loaded a batch at a time so memory stays flat on big portfolios.

    The records are built from the rows as they are, not validated again:
    the database holds only validated data, and pydantic's validation was
    the export's largest cost. `validate=True` validates every record as a
    file's are, the reference tests/test_export_records.py holds the
    built records to.

    The cycle collector is held off while a batch is read, not while the
    caller has it: a batch makes a few hundred thousand objects, each of
    which would otherwise count towards a collection (15 % of an export's
    CPU time), and reference counting frees them all.
    """
    for start in range(0, len(project_ids), BATCH_SIZE):
        with cyclic_gc_paused():
            batch = list(_load_batch(session, project_ids[start : start + BATCH_SIZE], up_to, validate))
        yield from batch


# -- records from rows: built, or validated as a file's are ------------------------------------------------


class _Records:
    """How rows become records: their columns converted as the fields' types say and built (`_built`), or, with
    `validate`, handed to pydantic as they are and validated as a file's records are.

    Which column holds which field is worked out from the first row of a model's and kept (`Row._fields` makes a
    tuple each time it is asked): one instance reads each model from one statement's rows.
    """

    def __init__(self, validate: bool) -> None:
        self.validate = validate
        self.figure = _unchanged if validate else _to_float
        self._readers: dict[tuple, tuple[tuple[int, str, Callable | None], ...]] = {}

    def make(self, model: type[Record], values: dict) -> Record:
        return model.model_validate(values) if self.validate else _built(model, values)

    def columns(self, row: Row, model: type[doc.Strict], but: tuple[str, ...] = ()) -> dict:
        """The row's values for the model's fields that are columns (None left out), less `but`: fields the caller
        makes from other columns (a review's quarter is two)."""
        reader = self._readers.get((model, but))
        if reader is None:
            reader = self._readers[model, but] = _reader(model, row._fields, self.validate, but)
        return {
            name: value if convert is None else convert(value) for position, name, convert in reader if (value := row[position]) is not None
        }


def _built(model: type[Record], values: dict) -> Record:
    """`model` holding `values` (field → value, already of the field's type, as `_Records.columns` gives them), not validated.

    What `model_validate` would make of the same values, less the checks
    and the conversions `_Records.columns` already did (and so without their cost):
    the fields left out take their defaults.
    """
    template, factories = _defaults(model)
    fields = template.copy()  # every field, in field order
    fields.update(values)
    for name, factory in factories:
        if name not in values:
            fields[name] = factory()
    record = model.__new__(model)
    _set(record, "__dict__", fields)
    _set(record, "__pydantic_fields_set__", set(values))
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


_set = object.__setattr__  # the records are frozen


@functools.cache
def _defaults(model: type[doc.Strict]) -> tuple[dict, tuple[tuple[str, Callable[[], object]], ...]]:
    """Every field with its plain default (None for a required one, which `values` always has) and the fields made by a factory."""
    template = {name: None if field.is_required() else field.default for name, field in model.model_fields.items()}
    factories = tuple((name, field.default_factory) for name, field in model.model_fields.items() if field.default_factory is not None)
    return template, factories


@functools.cache
def _reader(
    model: type[doc.Strict], columns: tuple[str, ...], validate: bool, but: tuple[str, ...]
) -> tuple[tuple[int, str, Callable | None], ...]:
    """(position in the row, field, how the column's value becomes the field's) for each of the model's fields the row has."""
    position = {name: i for i, name in enumerate(columns)}
    return tuple(
        (position[name], name, None if validate else _conversion(field.annotation))
        for name, field in model.model_fields.items()
        if name in position and name not in but
    )


def _conversion(annotation: object) -> Callable | None:
    """What validating a stored value of this field type changes.

    Enum text becomes its member, a quarter's label the Quarter, a whole number a float; anything else stays as it is.
    """
    for kind in types_in(annotation):
        if issubclass(kind, Enum):
            return {member.value: member for member in kind}.__getitem__
        if kind is Quarter:
            return to_quarter
        if kind is float:
            return _to_float
    return None


def _to_float(value: float) -> float:
    # What pydantic's float does to a whole number a driver hands back; a float stays as it is.
    return value if type(value) is float else float(value)


def _unchanged(value: object) -> object:
    return value


# A batch reads each of a few dozen quarters thousands of times over; Quarter is immutable.
_quarter = functools.lru_cache(maxsize=4096)(Quarter)
_year = functools.lru_cache(maxsize=256)(FinancialYear)


def _attributes(record: object, model: type[doc.Strict]) -> dict:
    """The model's fields of an ORM object (the header's ambitions and priorities), None left out."""
    return {name: value for name in _field_names(model) if (value := getattr(record, name, None)) is not None}


@functools.cache
def _field_names(model: type[doc.Strict]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def _by_code(codes: list[str]) -> list[str]:
    return sorted(codes, key=natural_key) if len(codes) > 1 else codes


def _grouped(rows: Iterable[Row], key: str) -> defaultdict[int, list[Row]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _link_codes(session: Session, kind: str, items: dict[int, list[Row]], targets: dict[int, list[Row]]) -> defaultdict[int, list[str]]:
    """Id of each of the batch's items of the kind (`items`, by project) → the codes of the items it links to.

    A link joins two items of one project (the services and the import resolve its codes within the project), so
    what an item links to is among the batch's `targets`.
    """
    codes = {row.id: row.code for rows in targets.values() for row in rows}
    links = defaultdict(list)
    for item_id, target_id in q.item_links(session, kind, [row.id for rows in items.values() for row in rows]):
        links[item_id].append(codes[target_id])
    return links


def _load_batch(session: Session, ids: Sequence[int], up_to: Quarter | None, validate: bool) -> Iterator[doc.Project]:
    by_id = {row.id: row for row in q.projects(session, ids)}

    links = defaultdict(list)
    for project_id, code, primary in q.project_ambition_links(session, ids):
        links[project_id].append((not primary, natural_key(code), code))
    plans = {row.project_id: row for row in q.plans(session, ids)}

    outputs, outcomes, benefits, measures = (
        _grouped(q.plan_items(session, kind, ids), "project_id") for kind in ("output", "outcome", "benefit", "measure")
    )
    output_links = _link_codes(session, "output", outputs, outcomes)
    outcome_links = _link_codes(session, "outcome", outcomes, benefits)

    measure_ids = [m.id for rows in measures.values() for m in rows]
    values, targets, forecasts, benchmarks = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    if measure_ids:
        values = _grouped(q.actuals(session, measure_ids, up_to), "measure_id")
        targets = _grouped(q.targets(session, measure_ids, up_to), "measure_id")
        forecasts = _grouped(q.forecasts(session, measure_ids, up_to), "measure_id")
        benchmarks = _grouped(q.benchmarks(session, measure_ids), "measure_id")
    reviews = _grouped(q.reviews(session, ids, up_to), "project_id")
    risks = _grouped(q.risks(session, ids), "project_id")

    records = _Records(validate)
    make, columns = records.make, records.columns

    def measure(row: Row) -> doc.Measure:
        return _measure(doc.Measure, row, values[row.id], targets[row.id], forecasts[row.id], benchmarks[row.id], records)

    for project_id in ids:
        measures_of = defaultdict(list)
        for row in measures[project_id]:
            measures_of[("outcome", row.outcome_id) if row.outcome_id else ("benefit", row.benefit_id)].append(measure(row))
        plan_row = plans.get(project_id)
        yield make(
            doc.Project,
            {
                **columns(by_id[project_id], doc.ProjectFields),
                "ambitions": [code for *_, code in sorted(links[project_id])],
                "benefits_review_plan": make(doc.Plan, columns(plan_row, doc.Plan) if plan_row else {}),
                "outputs": [
                    make(doc.Output, {**columns(o, doc.OutputFields), "outcomes": _by_code(output_links[o.id])})
                    for o in outputs[project_id]
                ],
                "outcomes": [
                    make(doc.Outcome, {
                        **columns(o, doc.OutcomeFields), "benefits": _by_code(outcome_links[o.id]), "measures": measures_of[("outcome", o.id)]
                    })
                    for o in outcomes[project_id]
                ],
                "benefits": [
                    make(doc.Benefit, {**columns(b, doc.BenefitFields), "measures": measures_of[("benefit", b.id)]})
                    for b in benefits[project_id]
                ],
                "reviews": [
                    make(doc.Review, {**columns(r, doc.ReviewFields, but=("quarter",)), "quarter": _quarter(r.fy_start_year, r.quarter)})
                    for r in reviews[project_id]
                ],
                "risks": sorted(
                    (make(doc.Risk, columns(r, doc.RiskFields)) for r in risks[project_id]), key=lambda risk: natural_key(risk.code)
                ),
            },
        )
