"""What changed between two snapshot documents.

Two users read the result: `projtui diff A.toml B.toml` (a person, or a
script with `--format json`) and the import (its `--dry-run` report and its
audit log). Both get the same list of `Change`s:

- Records are matched by code: ambitions, their priorities, projects, and a
  project's outputs, outcomes, benefits, measures and risks (a measure without a
  code is matched by name). Reviews, targets and actuals are matched by
  quarter.
- An added or removed record is one change; what hangs off it (a project's
  items, a benefit's measures, a measure's actuals) is not listed again.
- A record in both documents gives one change per scalar field that
  differs. Links (a project's ambitions, an output's outcomes, an outcome's
  benefits) are added or removed as links; the primary ambition, a
  measure's parent and an item's position are changed fields. Positions
  count from 1 among the items both documents share, so adding or removing
  an item does not report every later item as moved.
- `exported_at` is never a change, nor is the order of lists the writer
  sorts anyway (ambitions, projects, reviews, links).

Values are plain JSON values: enums as their strings, quarters and dates as
their canonical labels. The order of the list is fixed (see
`diff_documents`), whatever the order of the documents' lists. How the
list reads, as text or JSON, is `snapshot.diff_render`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from projtui.domain.codes import natural_key
from projtui.domain.quarter import Quarter
from projtui.snapshot import document as doc

__all__ = ["ITEMS", "KINDS", "KPI_ENTITIES", "Change", "diff_documents", "measures_by_key", "placed_measures", "summarise", "totals"]

Kind = Literal["added", "removed", "changed"]
KINDS: tuple[Kind, ...] = ("added", "changed", "removed")


@dataclass(frozen=True)
class Change:
    """One difference: a record added or removed, or one field of it changed.

    `key` names the record for a person: "A1", "A1/A1.2", "SP-01",
    "SP-01/A3" (ambition link), "SP-01/plan", "SP-01/O1", "SP-01/O1>OC1"
    (output→outcome link), "SP-01/M2", "SP-01/M2@2024/25 Q3" (target or
    actual), "SP-01/M2@2023/24 APSE" (benchmark), "SP-01@2024/25 Q2" (review). For an added record `new` holds
    its title (or value, for an actual or target; RAG, for a review; the
    linked code, for a link), and likewise `old` for a removed one.
    """

    kind: Kind
    entity: str
    key: str
    field: str | None
    old: object = None
    new: object = None
    project: str | None = None  # the project a change belongs to; None for the portfolio and ambitions


# -- diffing ------------------------------------------------------------------

Values = dict[str, object]
R = TypeVar("R")


def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


# A record's own fields, in model order (nested lists are compared on their own).
_PORTFOLIO = _field_names(doc.PortfolioFields)
_AMBITION = _field_names(doc.AmbitionFields)
_PRIORITY = _field_names(doc.PriorityFields)
_PROJECT = _field_names(doc.ProjectFields)
_PLAN = _field_names(doc.PlanFields)
ITEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("output", "outputs", _field_names(doc.OutputFields)),
    ("outcome", "outcomes", _field_names(doc.OutcomeFields)),
    ("benefit", "benefits", _field_names(doc.BenefitFields)),
)
_MEASURE = _field_names(doc.MeasureFields)
_REVIEW = _field_names(doc.ReviewFields)
_RISK = _field_names(doc.RiskFields)
_BENCHMARK = _field_names(doc.BenchmarkFields)
# A KPI's own fields: a measure's, and its service.
_KPI = (*_MEASURE, "service")
# The entities of a KPI's parts, each a key like "K1@2025/26 Q1" (quarterly) or "K1/A3" (ambition link).
KPI_ENTITIES = ("kpi", "kpi_ambition_link", "kpi_target", "kpi_actual", "kpi_forecast", "kpi_benchmark", "kpi_commentary")
_KPI_QUARTER = _field_names(doc.KpiQuarter)


def _scalars(record: BaseModel, fields: tuple[str, ...], **extra: object) -> Values:
    """The record's own fields as JSON values, in field order, then `extra`."""
    dumped = record.model_dump(mode="json", include=set(fields))
    return {name: dumped[name] for name in fields} | extra


# Cached: the same codes (O1, B1, M1) and quarters come up in every project.
@functools.lru_cache(maxsize=65_536)
def _natural(key: str) -> tuple:
    return natural_key(key)


@functools.lru_cache(maxsize=4096)
def _chronological(key: str) -> tuple:
    label, _, duplicate = key.partition("#")
    return Quarter.parse(label), duplicate


def _index(pairs: Iterable[tuple[str, R]]) -> dict[str, R]:
    """Records by key, in list order. A key seen twice (only possible in a
    document the reader has not checked) gets a `#2` suffix rather than
    silently replacing the first."""
    index: dict[str, R] = {}
    for key, record in pairs:
        unique, n = key, 1
        while unique in index:
            n += 1
            unique = f"{key}#{n}"
        index[unique] = record
    return index


def _by_code(records: Iterable[Any]) -> dict[str, Any]:
    return _index((record.code, record) for record in records)


def _pairs(
    old: Mapping[str, R], new: Mapping[str, R], order: Callable[[str], Any]
) -> Iterator[tuple[str, R | None, R | None]]:
    """Every key of either side in `order`, with its record on each side (None where missing)."""
    for key in sorted(old.keys() | new.keys(), key=order):
        yield key, old.get(key), new.get(key)


def _record_changes(
    entity: str, key: str, old: Values | None, new: Values | None, *, label: str | None, project: str | None
) -> list[Change]:
    """Added or removed as a whole (showing its `label` field), else one change per differing field."""
    if old is None and new is not None:
        return [Change("added", entity, key, None, new=new.get(label) if label else None, project=project)]
    if new is None and old is not None:
        return [Change("removed", entity, key, None, old=old.get(label) if label else None, project=project)]
    assert old is not None and new is not None
    return [
        Change("changed", entity, key, name, old.get(name), value, project)
        for name, value in new.items()
        if old.get(name) != value
    ]


def _diff_keyed(
    entity: str,
    old: Mapping[str, Values],
    new: Mapping[str, Values],
    *,
    key: Callable[[str], str],
    label: str | None,
    project: str | None = None,
    order: Callable[[str], Any] = _natural,
    nested: Callable[[str], list[Change]] | None = None,
) -> list[Change]:
    """The one comparison of two keyed lists: match by key, then compare field by field.

    `key` turns a match key into the change's human key; `nested` adds the
    changes inside a record that is in both lists, right after its own.
    """
    changes: list[Change] = []
    for k, a, b in _pairs(old, new, order):
        changes += _record_changes(entity, key(k), a, b, label=label, project=project)
        if nested is not None and a is not None and b is not None:
            changes += nested(k)
    return changes


def _links(codes: Iterable[str], field: str) -> dict[str, Values]:
    """A link list as records: one per linked code, with no fields that can change."""
    return {code: {field: code} for code in codes}


def _relative_positions(old_keys: list[str], new_keys: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """1-based positions among the keys both lists share.

    Counting only shared keys means inserting or removing an item does not
    also report every item after it as moved; a real reordering still shows.
    """
    shared = set(old_keys) & set(new_keys)
    old_order = [k for k in old_keys if k in shared]
    new_order = [k for k in new_keys if k in shared]
    return {k: i for i, k in enumerate(old_order, 1)}, {k: i for i, k in enumerate(new_order, 1)}


def diff_documents(old: doc.Document, new: doc.Document) -> list[Change]:
    """Every difference from `old` to `new`, in a fixed order.

    The portfolio, then ambitions (natural code order, each followed by its
    priorities), then KPIs (natural code order, each followed by its
    ambition links, targets, actuals, forecasts and commentary), then the
    KPI quarters' publishing (by quarter), then projects in natural code order. Within a project: its
    own fields (and primary ambition), ambition links, the Benefits Review
    Plan, outputs, outcomes, benefits, measures, output and outcome links,
    targets, actuals, year-end forecasts (by measure, then quarter),
    benchmarks (by measure, then year and source), reviews
    (by quarter) and risks (by code).
    """
    changes = _portfolio_changes(old.portfolio, new.portfolio)
    changes += _diff_ambitions(_by_code(old.ambitions), _by_code(new.ambitions))
    if old.kpis != new.kpis:
        changes += _diff_kpis(_by_code(old.kpis), _by_code(new.kpis))
    if old.kpi_quarters != new.kpi_quarters:
        # Only the quarters `new` lists: a file that leaves one out never un-publishes it.
        listed = {q.quarter for q in new.kpi_quarters}
        changes += _diff_keyed(
            "kpi_quarter",
            {str(q.quarter): _scalars(q, _KPI_QUARTER) for q in old.kpi_quarters if q.quarter in listed},
            {str(q.quarter): _scalars(q, _KPI_QUARTER) for q in new.kpi_quarters},
            key=lambda k: k, label="status", order=_chronological,
        )
    old_projects, new_projects = _by_code(old.projects), _by_code(new.projects)
    for code, a, b in _pairs(old_projects, new_projects, _natural):
        if a is not None and b is not None:
            if a != b:  # most projects are unchanged: skip them cheaply
                changes += _diff_project(code, a, b)
        else:
            # Added or removed as a whole, it shows as its name alone: its other fields need not be dumped.
            named = {"name": (a or b).name}
            changes += _record_changes("project", code, *((None, named) if a is None else (named, None)), label="name", project=code)
    return changes


def _portfolio_changes(old: doc.PortfolioFields, new: doc.PortfolioFields) -> list[Change]:
    """The portfolio's settings (name, council): one given for the first time is added, one cleared is removed.

    The portfolio is a record every database has, so field by field is the
    only way to compare it; a new database loading its first snapshot then
    reads "added", not "changed".
    """
    changes = _record_changes(
        "portfolio", "portfolio", _scalars(old, _PORTFOLIO), _scalars(new, _PORTFOLIO), label=None, project=None
    )
    return [
        dataclasses.replace(c, kind="added" if c.old is None else "removed" if c.new is None else "changed")
        for c in changes
    ]


def _diff_ambitions(old: dict[str, doc.Ambition], new: dict[str, doc.Ambition]) -> list[Change]:
    def priorities(code: str) -> list[Change]:
        return _diff_keyed(
            "priority",
            {k: _scalars(p, _PRIORITY) for k, p in _by_code(old[code].priorities).items()},
            {k: _scalars(p, _PRIORITY) for k, p in _by_code(new[code].priorities).items()},
            key=lambda k: f"{code}/{k}", label="title",
        )

    return _diff_keyed(
        "ambition",
        {k: _scalars(a, _AMBITION) for k, a in old.items()},
        {k: _scalars(a, _AMBITION) for k, a in new.items()},
        key=lambda k: k, label="title", nested=priorities,
    )


def _diff_kpis(old: dict[str, doc.Kpi], new: dict[str, doc.Kpi]) -> list[Change]:
    """KPIs as records with a measure's fields, and their quarterly figures as a project measure's are compared."""
    def parts(code: str) -> list[Change]:
        a, b = old[code], new[code]
        changes = _diff_keyed(
            "kpi_ambition_link", _links(a.ambitions, "ambition"), _links(b.ambitions, "ambition"),
            key=lambda k: f"{code}/{k}", label="ambition",
        )
        both: list[Matched] = [(code, a, b)]
        changes += _diff_quarterly(None, "kpi_target", both, _targets)
        changes += _diff_quarterly(None, "kpi_actual", both, _actuals)
        changes += _diff_quarterly(None, "kpi_forecast", both, _forecasts)
        changes += _diff_benchmarks(None, both, "kpi_benchmark")
        changes += _diff_quarterly(None, "kpi_commentary", both, _commentary)
        return changes

    return _diff_keyed(
        "kpi",
        {k: _kpi_values(kpi) for k, kpi in old.items()},
        {k: _kpi_values(kpi) for k, kpi in new.items()},
        key=lambda k: k, label="name", nested=parts,
    )


def _kpi_values(kpi: doc.Kpi) -> Values:
    return _scalars(kpi, _KPI, primary_ambition=kpi.ambitions[0] if kpi.ambitions else None)


def _commentary(kpi: doc.Kpi) -> dict[str, Values]:
    return {str(q): {"value": text} for q, text in kpi.commentary.items()}


def _project_values(project: doc.Project) -> Values:
    return _scalars(project, _PROJECT, primary_ambition=project.ambitions[0] if project.ambitions else None)


def _diff_project(code: str, old: doc.Project, new: doc.Project) -> list[Change]:
    changes = _record_changes(
        "project", code, _project_values(old), _project_values(new), label="name", project=code
    )
    changes += _diff_keyed(
        "ambition_link", _links(old.ambitions, "ambition"), _links(new.ambitions, "ambition"),
        key=lambda k: f"{code}/{k}", label="ambition", project=code,
    )
    changes += _record_changes(
        "plan", f"{code}/plan",
        _scalars(old.benefits_review_plan, _PLAN), _scalars(new.benefits_review_plan, _PLAN),
        label=None, project=code,
    )
    for entity, attribute, fields in ITEMS:
        changes += _diff_items(code, entity, getattr(old, attribute), getattr(new, attribute), fields)
    measure_changes, measures = _diff_measures(code, old, new)
    changes += measure_changes
    changes += _diff_item_links(code, "output_link", old.outputs, new.outputs, "outcomes", "outcome")
    changes += _diff_item_links(code, "outcome_link", old.outcomes, new.outcomes, "benefits", "benefit")
    changes += _diff_quarterly(code, "target", measures, _targets)
    changes += _diff_quarterly(code, "actual", measures, _actuals)
    changes += _diff_quarterly(code, "forecast", measures, _forecasts)
    changes += _diff_benchmarks(code, measures)
    if old.reviews != new.reviews:
        changes += _diff_keyed(
            "review",
            _reviews(old.reviews), _reviews(new.reviews),
            key=lambda k: f"{code}@{k}", label="rag", project=code, order=_chronological,
        )
    if old.risks != new.risks:
        changes += _diff_keyed(
            "risk",
            {k: _scalars(r, _RISK) for k, r in _by_code(old.risks).items()},
            {k: _scalars(r, _RISK) for k, r in _by_code(new.risks).items()},
            key=lambda k: f"{code}/{k}", label="title", project=code,
        )
    return changes


def _diff_items(
    project: str, entity: str, old_items: list[Any], new_items: list[Any], fields: tuple[str, ...]
) -> list[Change]:
    if old_items == new_items:  # the common case, and cheap to check
        return []
    old, new = _by_code(old_items), _by_code(new_items)
    old_position, new_position = _relative_positions(list(old), list(new))
    return _diff_keyed(
        entity,
        {k: _scalars(item, fields, position=old_position.get(k)) for k, item in old.items()},
        {k: _scalars(item, fields, position=new_position.get(k)) for k, item in new.items()},
        key=lambda k: f"{project}/{k}", label="title", project=project,
    )


def _diff_item_links(
    project: str, entity: str, old_items: list[Any], new_items: list[Any], attribute: str, target: str
) -> list[Change]:
    """Links from items in both documents (an added or removed item's links go with it)."""
    if old_items == new_items:
        return []
    old, new = _by_code(old_items), _by_code(new_items)
    changes: list[Change] = []
    for code in sorted(old.keys() & new.keys(), key=_natural):
        changes += _diff_keyed(
            entity, _links(getattr(old[code], attribute), target), _links(getattr(new[code], attribute), target),
            key=lambda k, code=code: f"{project}/{code}>{k}", label=target, project=project,
        )
    return changes


# Measures -------------------------------------------------------------------

Placed = tuple[str, doc.Measure]  # (parent, measure), the parent as "outcome OC1" or "benefit B1"
Matched = tuple[str, doc.Measure, doc.Measure]  # (key, old, new): a measure in both documents
Positions = dict[str, int]


def placed_measures(project: doc.Project) -> list[Placed]:
    return [(f"outcome {o.code}", m) for o in project.outcomes for m in o.measures] + [
        (f"benefit {b.code}", m) for b in project.benefits for m in b.measures
    ]


def measures_by_key(old: doc.Project, new: doc.Project) -> tuple[dict[str, doc.Measure], dict[str, doc.Measure]]:
    """Each side's measures under the keys the diff matches them by (the code; else the name)."""
    old_measures, new_measures = [m for _, m in placed_measures(old)], [m for _, m in placed_measures(new)]
    return (
        _index(zip(_measure_keys(old_measures, new_measures), old_measures)),
        _index(zip(_measure_keys(new_measures, old_measures), new_measures)),
    )


def _parents(project: doc.Project) -> set[str]:
    return {f"outcome {o.code}" for o in project.outcomes} | {f"benefit {b.code}" for b in project.benefits}


def _measure_keys(mine: list[doc.Measure], theirs: list[doc.Measure]) -> list[str]:
    """Match keys: the code; for a measure without one, the code of the other
    side's unmatched measure of the same name, or else its name."""
    my_codes = {m.code for m in mine if m.code is not None}
    unmatched_by_name: dict[str, str] = {}
    for m in theirs:
        if m.code is not None and m.code not in my_codes:
            unmatched_by_name.setdefault(m.name, m.code)
    return [m.code or unmatched_by_name.pop(m.name, None) or m.name for m in mine]


def _diff_measures(project: str, old: doc.Project, new: doc.Project) -> tuple[list[Change], list[Matched]]:
    """The measures' changes, and the measures in both documents (for their targets and actuals)."""
    if old.outcomes == new.outcomes and old.benefits == new.benefits:
        return [], []
    old_placed, new_placed = placed_measures(old), placed_measures(new)
    old_keys = _measure_keys([m for _, m in old_placed], [m for _, m in new_placed])
    new_keys = _measure_keys([m for _, m in new_placed], [m for _, m in old_placed])
    old_index, new_index = _index(zip(old_keys, old_placed)), _index(zip(new_keys, new_placed))
    # A measure that comes or goes with its outcome or benefit is part of that change.
    old_parents, new_parents = _parents(old), _parents(new)
    old_index = {k: v for k, v in old_index.items() if k in new_index or v[0] in new_parents}
    new_index = {k: v for k, v in new_index.items() if k in old_index or v[0] in old_parents}
    old_position, new_position = _positions_within_parents(old_index, new_index)
    changes = _diff_keyed(
        "measure",
        {k: _scalars(m, _MEASURE, parent=p, position=old_position.get(k)) for k, (p, m) in old_index.items()},
        {k: _scalars(m, _MEASURE, parent=p, position=new_position.get(k)) for k, (p, m) in new_index.items()},
        key=lambda k: f"{project}/{k}", label="name", project=project,
    )
    in_both = sorted(old_index.keys() & new_index.keys(), key=_natural)
    both = [(k, old_index[k][1], new_index[k][1]) for k in in_both]
    return changes, both


def _positions_within_parents(old: dict[str, Placed], new: dict[str, Placed]) -> tuple[Positions, Positions]:
    """Positions under the parent, for measures under the same parent on both sides."""
    old_position: dict[str, int] = {}
    new_position: dict[str, int] = {}
    for parent in {p for p, _ in old.values()} & {p for p, _ in new.values()}:
        o, n = _relative_positions(
            [k for k, (p, _) in old.items() if p == parent], [k for k, (p, _) in new.items() if p == parent]
        )
        old_position |= o
        new_position |= n
    return old_position, new_position


def _targets(measure: doc.Measure) -> dict[str, Values]:
    return {str(q): {"value": v} for q, v in measure.targets.items()}


def _forecasts(measure: doc.Measure) -> dict[str, Values]:
    return {str(q): {"value": v} for q, v in measure.forecasts.items()}


def _actuals(measure: doc.Measure) -> dict[str, Values]:
    provisional = set(measure.provisional)
    return {
        str(q): {"value": v, "provisional": q in provisional, "note": measure.notes.get(q)}
        for q, v in measure.actuals.items()
    }


def _diff_quarterly(
    project: str | None, entity: str, measures: list[Matched], values: Callable[[Any], dict[str, Values]]
) -> list[Change]:
    """Figures by quarter of measures in both documents: "SP-01/M2@2024/25 Q3", or "K1@2024/25 Q3" for a KPI (no project)."""
    changes: list[Change] = []
    prefix = f"{project}/" if project else ""
    for key, old, new in measures:
        if old == new:
            continue
        changes += _diff_keyed(
            entity, values(old), values(new),
            key=lambda q, key=key: f"{prefix}{key}@{q}", label="value", project=project, order=_chronological,
        )
    return changes


def _diff_benchmarks(project: str | None, measures: list[Matched], entity: str = "benchmark") -> list[Change]:
    """A measure's comparator sets, matched by year and source: "SP-01/M2@2023/24 APSE family group", or "K1@…" for a KPI."""
    changes: list[Change] = []
    prefix = f"{project}/" if project else ""
    for key, old, new in measures:
        if old.benchmarks == new.benchmarks:
            continue
        changes += _diff_keyed(
            entity,
            _index((f"{b.period} {b.source}", _scalars(b, _BENCHMARK)) for b in old.benchmarks),
            _index((f"{b.period} {b.source}", _scalars(b, _BENCHMARK)) for b in new.benchmarks),
            key=lambda k, key=key: f"{prefix}{key}@{k}", label="source", project=project,
        )
    return changes


def _reviews(reviews: list[doc.Review]) -> dict[str, Values]:
    return {k: _scalars(r, _REVIEW) for k, r in _index((str(r.quarter), r) for r in reviews).items()}


# -- counts ----------------------------------------------------------------------


def summarise(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    """Counts per entity: {"project": {"added": 1, "changed": 3, "removed": 0}, ...}."""
    counts: dict[str, Counter[str]] = {}
    for change in changes:
        counts.setdefault(change.entity, Counter())[change.kind] += 1
    return {entity: {kind: count[kind] for kind in KINDS} for entity, count in counts.items()}


def totals(changes: Iterable[Change]) -> dict[str, int]:
    """Counts per kind: {"added": 1, "changed": 3, "removed": 0}."""
    counted = Counter(change.kind for change in changes)
    return {kind: counted[kind] for kind in KINDS}
