"""Benefits Review Plans: the plan's own fields, its outputs, outcomes, benefits and measures, and their links.

Items are addressed by id (codes can be renamed) and guarded by their own
`version`; the plan's fields by the plan row's `version`. Every write is one
transaction with an audit row per change. Reordering changes only `position`
and does not bump versions: it loses nobody's edit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from projtui.domain.codes import next_measure_code
from projtui.domain.enums import PlanStatus, ReviewStatus
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, Problem
from projtui.domain.formatting import plural
from projtui.domain.quarter import Quarter
from projtui.domain.records import (
    BenefitFields,
    MeasureFields,
    OutcomeFields,
    OutputFields,
    PlanFields,
    validated,
)
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited, update_versioned
from projtui.services.read_models import Item, MeasureItem, PlanView
from projtui.store import tables as t
from projtui.store.database import Database

ItemKind = Literal["output", "outcome", "benefit"]
Kind = Literal["output", "outcome", "benefit", "measure"]
ParentKind = Literal["outcome", "benefit"]

ITEM_KINDS: tuple[ItemKind, ...] = ("output", "outcome", "benefit")
KINDS: tuple[Kind, ...] = (*ITEM_KINDS, "measure")

_TABLES = {"output": t.Output, "outcome": t.Outcome, "benefit": t.Benefit, "measure": t.Measure}
FIELDS: dict[str, type[BaseModel]] = {
    "output": OutputFields,
    "outcome": OutcomeFields,
    "benefit": BenefitFields,
    "measure": MeasureFields,
}


@dataclass(frozen=True)
class _LinkSpec:
    table: type
    source: str  # column naming the item the link starts from
    target: str  # column naming the item it leads to
    target_kind: ItemKind
    entity: str  # audit entity


# Output → outcomes, outcome → benefits: the chain of the benefits map.
LINKS: dict[str, _LinkSpec] = {
    "output": _LinkSpec(t.OutputOutcome, "output_id", "outcome_id", "outcome", "output_link"),
    "outcome": _LinkSpec(t.OutcomeBenefit, "outcome_id", "benefit_id", "benefit", "outcome_link"),
}
LINK_TARGET: dict[str, ItemKind] = {kind: spec.target_kind for kind, spec in LINKS.items()}


# --- helpers -----------------------------------------------------------------


def _kind(kind: str, allowed: Sequence[str] = KINDS) -> str:
    if kind not in allowed:
        raise ValueError(f"kind must be one of {', '.join(allowed)}, not {kind!r}")
    return kind


def _columns(fields: BaseModel) -> dict:
    """Column values: enums as their stored strings, quarters as canonical labels."""
    return {name: (str(value) if isinstance(value, Quarter) else value) for name, value in fields.model_dump().items()}


def _fields_of(row, model: type[BaseModel]) -> BaseModel:
    return model.model_validate({name: getattr(row, name) for name in model.model_fields})


def _changed(before: BaseModel, after: BaseModel) -> dict[str, tuple]:
    """Changed fields with their old and new values as the audit log shows them."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return {name: (old[name], new[name]) for name in new if old[name] != new[name]}


def _project(session: Session, code: str) -> tuple[int, str]:
    row = session.execute(select(t.Project.id, t.Project.name).where(t.Project.code == code)).first()
    if row is None:
        raise NotFoundError(f"no project with code {code!r}")
    return row.id, row.name


def _project_code(session: Session, project_id: int) -> str:
    return session.scalar(select(t.Project.code).where(t.Project.id == project_id)) or "?"


def _duplicate_code(kind: str, code: str) -> InvalidInput:
    return InvalidInput([Problem("", "code", code, f"another {kind} in this project already has this code")])


def _check_code_free(session: Session, kind: str, project_id: int, code: str, *, exclude_id: int | None = None) -> None:
    """Codes are unique within a project, compared without case so that B1 never sits beside b1."""
    table = _TABLES[kind]
    statement = select(table.id).where(table.project_id == project_id, func.lower(table.code) == code.casefold())
    if exclude_id is not None:
        statement = statement.where(table.id != exclude_id)
    if session.scalar(statement.limit(1)) is not None:
        raise _duplicate_code(kind, code)


def _next_position(session: Session, table, project_id: int) -> int:
    highest = session.scalar(select(func.max(table.position)).where(table.project_id == project_id))
    return 0 if highest is None else highest + 1


# --- reading -------------------------------------------------------------------


def _links_of(session: Session, kind: str, project_id: int) -> dict[int, list[str]]:
    spec = LINKS[kind]
    target = _TABLES[spec.target_kind]
    links: dict[int, list[str]] = defaultdict(list)
    for source_id, code in session.execute(
        select(getattr(spec.table, spec.source), target.code)
        .join(target, target.id == getattr(spec.table, spec.target))
        .where(target.project_id == project_id)
        .order_by(target.position, target.id)
    ):
        links[source_id].append(code)
    return links


def _item(row, kind: str, links: Sequence[str] = ()) -> Item:
    return Item(id=row.id, version=row.version, fields=_fields_of(row, FIELDS[kind]), links=tuple(links))


def _plan_fields(row) -> PlanFields:
    return PlanFields() if row is None else _fields_of(row, PlanFields)


def _load_plan(session: Session, project_code: str) -> PlanView:
    project_id, name = _project(session, project_code)
    plan = session.scalars(
        select(t.BenefitsReviewPlan).where(t.BenefitsReviewPlan.project_id == project_id).execution_options(populate_existing=True)
    ).first()
    rows = {
        kind: session.scalars(
            select(_TABLES[kind])
            .where(_TABLES[kind].project_id == project_id)
            .order_by(_TABLES[kind].position, _TABLES[kind].id)
            .execution_options(populate_existing=True)
        ).all()
        for kind in KINDS
    }
    links = {kind: _links_of(session, kind, project_id) for kind in LINKS}
    outcome_codes = {row.id: row.code for row in rows["outcome"]}
    benefit_codes = {row.id: row.code for row in rows["benefit"]}
    measures = tuple(
        MeasureItem(
            id=row.id,
            version=row.version,
            fields=_fields_of(row, MeasureFields),
            parent_kind="outcome" if row.outcome_id is not None else "benefit",
            parent_code=outcome_codes[row.outcome_id] if row.outcome_id is not None else benefit_codes[row.benefit_id],
        )
        for row in rows["measure"]
    )
    return PlanView(
        project_code=project_code,
        project_name=name,
        version=0 if plan is None else plan.version,
        fields=_plan_fields(plan),
        outputs=tuple(_item(row, "output", links["output"].get(row.id, ())) for row in rows["output"]),
        outcomes=tuple(_item(row, "outcome", links["outcome"].get(row.id, ())) for row in rows["outcome"]),
        benefits=tuple(_item(row, "benefit") for row in rows["benefit"]),
        measures=measures,
    )


def get_plan(db: Database, project_code: str) -> PlanView:
    """The project's plan with every item in the user's order; NotFoundError for an unknown project."""
    with db.reading() as session:
        return _load_plan(session, project_code)


def _load_item(session: Session, kind: str, item_id: int) -> Item | None:
    row = session.get(_TABLES[kind], item_id, populate_existing=True)
    if row is None:
        return None
    links: list[str] = []
    if kind in LINKS:
        spec = LINKS[kind]
        target = _TABLES[spec.target_kind]
        links = list(
            session.scalars(
                select(target.code)
                .join(spec.table, getattr(spec.table, spec.target) == target.id)
                .where(getattr(spec.table, spec.source) == item_id)
                .order_by(target.position, target.id)
            )
        )
    return _item(row, kind, links)


def _load_measure(session: Session, measure_id: int) -> MeasureItem | None:
    row = session.get(t.Measure, measure_id, populate_existing=True)
    if row is None:
        return None
    parent_kind, parent_code = _measure_parent(session, row)
    return MeasureItem(id=row.id, version=row.version, fields=_fields_of(row, MeasureFields), parent_kind=parent_kind, parent_code=parent_code)


def _measure_parent(session: Session, row: t.Measure) -> tuple[str, str]:
    if row.outcome_id is not None:
        return "outcome", session.scalar(select(t.Outcome.code).where(t.Outcome.id == row.outcome_id)) or "?"
    return "benefit", session.scalar(select(t.Benefit.code).where(t.Benefit.id == row.benefit_id)) or "?"


def get_item(db: Database, kind: ItemKind, item_id: int) -> Item:
    with db.reading() as session:
        item = _load_item(session, _kind(kind, ITEM_KINDS), item_id)
    if item is None:
        raise NotFoundError(f"no {kind} with id {item_id}")
    return item


def get_measure(db: Database, measure_id: int) -> MeasureItem:
    with db.reading() as session:
        measure = _load_measure(session, measure_id)
    if measure is None:
        raise NotFoundError(f"no measure with id {measure_id}")
    return measure


# --- the plan's own fields -------------------------------------------------------


def plan_problems(fields: PlanFields) -> list[Problem]:
    if fields.status is not PlanStatus.APPROVED:
        return []
    problems = []
    if not fields.approved_by:
        problems.append(Problem("", "approved_by", fields.approved_by, "an approved plan needs its approver"))
    if fields.approved_on is None:
        problems.append(Problem("", "approved_on", fields.approved_on, "an approved plan needs its approval date"))
    return problems


def update_plan(db: Database, project_code: str, fields: PlanFields | dict, *, expected_version: int, actor: str) -> PlanView:
    """Save the plan's fields as edited from `expected_version`; an approved plan names its approver and date."""
    fields = validated(PlanFields, fields)
    problems = plan_problems(fields)
    if problems:
        raise InvalidInput(problems)
    with db.transaction() as session:
        project_id, _ = _project(session, project_code)
        row = session.scalars(select(t.BenefitsReviewPlan).where(t.BenefitsReviewPlan.project_id == project_id)).first()
        before = _plan_fields(row)
        changes = _changed(before, fields)
        if row is None:
            # Plans are created with their project; one missing is created at version 0 → 1.
            if expected_version != 0:
                raise ConflictError("plan", f"{project_code}/plan", expected_version, _load_plan(session, project_code))
            session.add(t.BenefitsReviewPlan(project_id=project_id, **_columns(fields)))
            session.flush()
        elif not changes:
            return _load_plan(session, project_code)
        else:
            update_versioned(
                session, t.BenefitsReviewPlan, row.id, expected_version,
                {name: _columns(fields)[name] for name in changes},
                entity="plan", key=f"{project_code}/plan", current=lambda: _load_plan(session, project_code),
            )
        for name, (old, new) in changes.items():
            audit.record(session, actor=actor, action="update", entity="plan", key=f"{project_code}/plan", project_id=project_id, field=name, old=old, new=new)
        return _load_plan(session, project_code)


# --- outputs, outcomes, benefits ---------------------------------------------------


def add_item(db: Database, project_code: str, kind: ItemKind, fields: BaseModel | dict, *, actor: str) -> Item:
    """Add an output, outcome or benefit at the end of its list."""
    _kind(kind, ITEM_KINDS)
    fields = validated(FIELDS[kind], fields)
    table = _TABLES[kind]
    try:
        with db.transaction() as session:
            project_id, _ = _project(session, project_code)
            _check_code_free(session, kind, project_id, fields.code)
            row = table(project_id=project_id, position=_next_position(session, table, project_id), **_columns(fields))
            session.add(row)
            session.flush()
            audit.record(session, actor=actor, action="create", entity=kind, key=f"{project_code}/{fields.code}", project_id=project_id, new=fields.title)
            item = _load_item(session, kind, row.id)
    except IntegrityError:
        raise _duplicate_code(kind, fields.code) from None
    assert item is not None
    return item


def update_item(db: Database, kind: ItemKind, item_id: int, fields: BaseModel | dict, *, expected_version: int, actor: str) -> Item:
    """Save an edit made to the version the user saw; a newer version (or a deletion) raises ConflictError."""
    _kind(kind, ITEM_KINDS)
    fields = validated(FIELDS[kind], fields)
    table = _TABLES[kind]
    try:
        with db.transaction() as session:
            before = _load_item(session, kind, item_id)
            if before is None:
                raise ConflictError(kind, fields.code, expected_version, None)
            project_id = session.scalar(select(table.project_id).where(table.id == item_id))
            project_code = _project_code(session, project_id)
            if fields.code != before.fields.code:
                _check_code_free(session, kind, project_id, fields.code, exclude_id=item_id)
            changes = _changed(before.fields, fields)
            if not changes:
                if before.version != expected_version:
                    raise ConflictError(kind, f"{project_code}/{before.fields.code}", expected_version, before)
                return before
            values = _columns(fields)
            update_audited(
                session, table, item_id, expected_version, changes, {name: values[name] for name in changes},
                actor=actor, entity=kind, key=f"{project_code}/{before.fields.code}", audit_key=f"{project_code}/{fields.code}",
                project_id=project_id, current=lambda: _load_item(session, kind, item_id),
            )
            item = _load_item(session, kind, item_id)
    except IntegrityError:
        raise _duplicate_code(kind, fields.code) from None
    assert item is not None
    return item


def delete_item(db: Database, kind: ItemKind, item_id: int, *, expected_version: int, actor: str) -> None:
    """Delete an item with its measures (and their actuals) and its links; see `deletion_impact`."""
    _kind(kind, ITEM_KINDS)
    table = _TABLES[kind]
    with db.transaction() as session:
        row = session.get(table, item_id)
        if row is None:
            raise ConflictError(kind, f"#{item_id}", expected_version, None)
        project_code = _project_code(session, row.project_id)
        code, title, project_id = row.code, row.title, row.project_id
        key = f"{project_code}/{code}"
        gone_measures = []
        if kind in ("outcome", "benefit"):
            parent = t.Measure.outcome_id if kind == "outcome" else t.Measure.benefit_id
            gone_measures = session.execute(select(t.Measure.code, t.Measure.name).where(parent == item_id)).all()
        gone_links = _all_links(session, kind, item_id)
        session.expunge(row)
        delete_versioned(session, table, item_id, expected_version, entity=kind, key=key, current=lambda: _load_item(session, kind, item_id))
        audit.record(session, actor=actor, action="delete", entity=kind, key=key, project_id=project_id, old=title)
        for entity, link_key in gone_links:
            audit.record(session, actor=actor, action="unlink", entity=entity, key=f"{project_code}/{link_key}", project_id=project_id)
        for measure_code, name in gone_measures:
            audit.record(session, actor=actor, action="delete", entity="measure", key=f"{project_code}/{measure_code}", project_id=project_id, old=name)


def _all_links(session: Session, kind: str, item_id: int) -> list[tuple[str, str]]:
    """(audit entity, "FROM/TO" codes) of every link that starts or ends at the item."""
    found = []
    for source_kind, spec in LINKS.items():
        source, target = _TABLES[source_kind], _TABLES[spec.target_kind]
        source_col, target_col = getattr(spec.table, spec.source), getattr(spec.table, spec.target)
        condition = None
        if kind == source_kind:
            condition = source_col == item_id
        elif kind == spec.target_kind:
            condition = target_col == item_id
        if condition is None:
            continue
        rows = session.execute(
            select(source.code, target.code)
            .select_from(spec.table)
            .join(source, source.id == source_col)
            .join(target, target.id == target_col)
            .where(condition)
        ).all()
        found += [(spec.entity, f"{a}>{b}") for a, b in rows]
    return found


def deletion_impact(db: Database, kind: Kind, item_id: int) -> list[str]:
    """What else goes when the item is deleted, in words, e.g. ["2 measures with 14 actuals", "links to 3 benefits"]."""
    _kind(kind)
    with db.reading() as session:
        if session.get(_TABLES[kind], item_id) is None:
            raise NotFoundError(f"no {kind} with id {item_id}")
        lines = []
        if kind == "measure":
            measure_ids = [item_id]
        elif kind in ("outcome", "benefit"):
            parent = t.Measure.outcome_id if kind == "outcome" else t.Measure.benefit_id
            measure_ids = list(session.scalars(select(t.Measure.id).where(parent == item_id)))
        else:
            measure_ids = []
        actuals = session.scalar(select(func.count()).select_from(t.MeasureValue).where(t.MeasureValue.measure_id.in_(measure_ids))) if measure_ids else 0
        targets = session.scalar(select(func.count()).select_from(t.MeasureTarget).where(t.MeasureTarget.measure_id.in_(measure_ids))) if measure_ids else 0
        if kind == "measure":
            if actuals:
                lines.append(plural(actuals, "actual"))
            if targets:
                lines.append(plural(targets, "profiled target"))
        elif measure_ids:
            text = plural(len(measure_ids), "measure")
            if actuals:
                text += f" with {plural(actuals, 'actual')}"
            lines.append(text)
        for source_kind, spec in LINKS.items():
            source, target = _TABLES[source_kind], _TABLES[spec.target_kind]
            if kind == source_kind:
                codes = list(
                    session.scalars(
                        select(target.code).join(spec.table, getattr(spec.table, spec.target) == target.id)
                        .where(getattr(spec.table, spec.source) == item_id).order_by(target.position, target.id)
                    )
                )
                if codes:
                    lines.append(f"links to {plural(len(codes), spec.target_kind)} ({', '.join(codes)})")
            elif kind == spec.target_kind:
                codes = list(
                    session.scalars(
                        select(source.code).join(spec.table, getattr(spec.table, spec.source) == source.id)
                        .where(getattr(spec.table, spec.target) == item_id).order_by(source.position, source.id)
                    )
                )
                if codes:
                    lines.append(f"links from {plural(len(codes), source_kind)} ({', '.join(codes)})")
    return lines


def set_links(db: Database, kind: Literal["output", "outcome"], item_id: int, codes: Sequence[str], *, expected_version: int, actor: str) -> Item:
    """Replace what an output leads to (outcome codes) or an outcome leads to (benefit codes)."""
    _kind(kind, tuple(LINKS))
    spec = LINKS[kind]
    codes = list(codes)
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise InvalidInput([Problem("", "links", code, f"{spec.target_kind} listed twice") for code in repeated])
    target = _TABLES[spec.target_kind]
    with db.transaction() as session:
        before = _load_item(session, kind, item_id)
        if before is None:
            raise ConflictError(kind, f"#{item_id}", expected_version, None)
        project_id = session.scalar(select(_TABLES[kind].project_id).where(_TABLES[kind].id == item_id))
        project_code = _project_code(session, project_id)
        ids = dict(session.execute(select(target.code, target.id).where(target.project_id == project_id, target.code.in_(codes))).all())
        unknown = [code for code in codes if code not in ids]
        if unknown:
            raise InvalidInput([Problem("", "links", code, f"no {spec.target_kind} in this project has this code") for code in unknown])
        old = list(before.links)
        key = f"{project_code}/{before.fields.code}"
        if set(old) == set(codes):
            if before.version != expected_version:
                raise ConflictError(kind, key, expected_version, before)
            return before
        update_versioned(session, _TABLES[kind], item_id, expected_version, {}, entity=kind, key=key, current=lambda: _load_item(session, kind, item_id))
        gone = [code for code in old if code not in codes]
        added = [code for code in codes if code not in old]
        if gone:
            gone_ids = list(session.scalars(select(target.id).where(target.project_id == project_id, target.code.in_(gone))))
            session.execute(
                delete(spec.table).where(getattr(spec.table, spec.source) == item_id, getattr(spec.table, spec.target).in_(gone_ids))
            )
        if added:
            session.execute(insert(spec.table), [{spec.source: item_id, spec.target: ids[code]} for code in added])
        for code in gone:
            audit.record(session, actor=actor, action="unlink", entity=spec.entity, key=f"{key}>{code}", project_id=project_id)
        for code in added:
            audit.record(session, actor=actor, action="link", entity=spec.entity, key=f"{key}>{code}", project_id=project_id)
        item = _load_item(session, kind, item_id)
    assert item is not None
    return item


def move_item(db: Database, kind: Kind, item_id: int, delta: int, *, actor: str) -> bool:
    """Move an item `delta` places among its siblings (measures: within their parent); False if it could not move."""
    _kind(kind)
    table = _TABLES[kind]
    with db.transaction() as session:
        row = session.get(table, item_id)
        if row is None:
            raise NotFoundError(f"no {kind} with id {item_id}")
        siblings = select(table.id, table.position, table.code).where(table.project_id == row.project_id)
        if kind == "measure":
            siblings = siblings.where(t.Measure.outcome_id == row.outcome_id) if row.outcome_id is not None else siblings.where(
                t.Measure.benefit_id == row.benefit_id
            )
        ordered = session.execute(siblings.order_by(table.position, table.id)).all()
        ids = [r.id for r in ordered]
        index = ids.index(item_id)
        new_index = max(0, min(len(ids) - 1, index + delta))
        if new_index == index:
            return False
        ids.insert(new_index, ids.pop(index))
        positions = sorted(r.position for r in ordered)
        if len(set(positions)) != len(positions):
            positions = [positions[0] + i for i in range(len(positions))]
        for item, position in zip(ids, positions, strict=True):
            session.execute(update(table).where(table.id == item).values(position=position).execution_options(synchronize_session=False))
        project_code = _project_code(session, row.project_id)
        key = f"{project_code}/{row.code}"
        audit.record(session, actor=actor, action="update", entity=kind, key=key, project_id=row.project_id, field="position", old=index + 1, new=new_index + 1)
    return True


# --- measures ------------------------------------------------------------------------


def add_measure(
    db: Database, project_code: str, parent_kind: ParentKind, parent_code: str, fields: MeasureFields | dict, *, actor: str
) -> MeasureItem:
    """Add a measure under an outcome or a benefit; without a code it gets the next free `M{n}`."""
    _kind(parent_kind, ("outcome", "benefit"))
    fields = validated(MeasureFields, fields)
    try:
        with db.transaction() as session:
            project_id, _ = _project(session, project_code)
            parent_table = _TABLES[parent_kind]
            parent_id = session.scalar(select(parent_table.id).where(parent_table.project_id == project_id, parent_table.code == parent_code))
            if parent_id is None:
                raise InvalidInput([Problem("", "parent", parent_code, f"no {parent_kind} in {project_code} has this code")])
            if fields.code is None:
                taken = list(session.scalars(select(t.Measure.code).where(t.Measure.project_id == project_id)))
                fields = fields.model_copy(update={"code": next_measure_code(taken)})
            else:
                _check_code_free(session, "measure", project_id, fields.code)
            row = t.Measure(
                project_id=project_id,
                outcome_id=parent_id if parent_kind == "outcome" else None,
                benefit_id=parent_id if parent_kind == "benefit" else None,
                position=_next_position(session, t.Measure, project_id),
                **_columns(fields),
            )
            session.add(row)
            session.flush()
            audit.record(
                session, actor=actor, action="create", entity="measure", key=f"{project_code}/{fields.code}",
                project_id=project_id, new=fields.name,
            )
            measure = _load_measure(session, row.id)
    except IntegrityError:
        raise _duplicate_code("measure", fields.code or "") from None
    assert measure is not None
    return measure


# Every past quarter is rated against these, so they change only with a reason (DESIGN.md).
RATED_AGAINST = ("baseline", "baseline_period", "target", "target_max", "target_period")


def rated_against_changes(before: MeasureFields, after: MeasureFields) -> list[str]:
    """The baseline and target fields that differ, in form order: a change to any needs a reason."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [name for name in RATED_AGAINST if old[name] != new[name]]


def update_measure(
    db: Database, measure_id: int, fields: MeasureFields | dict, *, expected_version: int, actor: str, reason: str | None = None
) -> MeasureItem:
    """Save an edit to a measure; leaving the code out keeps the one it has.

    A change to the baseline or target (value or period) needs `reason`: the
    audit log keeps the old values and, in one more row, the reason, as
    `reviews.update_measure_baseline_or_target` writes them. Both kinds of
    change go in one transaction, so a new direction and its new target are
    checked together.
    """
    fields = validated(MeasureFields, fields)
    try:
        with db.transaction() as session:
            before = _load_measure(session, measure_id)
            if before is None:
                raise ConflictError("measure", fields.code or f"#{measure_id}", expected_version, None)
            if fields.code is None:
                fields = fields.model_copy(update={"code": before.fields.code})
            project_id = session.scalar(select(t.Measure.project_id).where(t.Measure.id == measure_id))
            project_code = _project_code(session, project_id)
            key = f"{project_code}/{before.fields.code}"
            if fields.code != before.fields.code:
                _check_code_free(session, "measure", project_id, fields.code, exclude_id=measure_id)
            changes = _changed(before.fields, fields)
            if not changes:
                if before.version != expected_version:
                    raise ConflictError("measure", key, expected_version, before)
                return before
            why = audit.reason_text(reason) if rated_against_changes(before.fields, fields) else None
            values = _columns(fields)
            new_key = f"{project_code}/{fields.code}"
            update_audited(
                session, t.Measure, measure_id, expected_version, changes, {name: values[name] for name in changes},
                actor=actor, entity="measure", key=key, audit_key=new_key, project_id=project_id,
                current=lambda: _load_measure(session, measure_id),
            )
            if why is not None:
                audit.record(session, actor=actor, action="update", entity="measure", key=new_key, project_id=project_id, field="reason", new=why)
            measure = _load_measure(session, measure_id)
    except IntegrityError:
        raise _duplicate_code("measure", fields.code or "") from None
    assert measure is not None
    return measure


def move_measure(
    db: Database, measure_id: int, parent_kind: ParentKind, parent_code: str, *, expected_version: int, actor: str
) -> MeasureItem:
    """Put a measure under another outcome or benefit of its own plan, last among that parent's measures.

    Its code, actuals and profiled targets go with it (codes are unique in
    the whole project, so none needs to change). Guarded by the measure's
    version; the audit log names the old and new parent as the snapshot diff
    does ("benefit B1" → "outcome OC2").
    """
    _kind(parent_kind, ("outcome", "benefit"))
    with db.transaction() as session:
        before = _load_measure(session, measure_id)
        if before is None:
            raise ConflictError("measure", f"#{measure_id}", expected_version, None)
        project_id = session.scalar(select(t.Measure.project_id).where(t.Measure.id == measure_id))
        project_code = _project_code(session, project_id)
        key = f"{project_code}/{before.fields.code}"
        parent_table = _TABLES[parent_kind]
        parent_id = session.scalar(select(parent_table.id).where(parent_table.project_id == project_id, parent_table.code == parent_code))
        if parent_id is None:
            raise InvalidInput([Problem("", "parent", parent_code, f"no {parent_kind} in {project_code} has this code")])
        if (before.parent_kind, before.parent_code) == (parent_kind, parent_code):
            if before.version != expected_version:
                raise ConflictError("measure", key, expected_version, before)
            return before
        values = {
            "outcome_id": parent_id if parent_kind == "outcome" else None,
            "benefit_id": parent_id if parent_kind == "benefit" else None,
            "position": _next_position(session, t.Measure, project_id),
        }
        update_versioned(session, t.Measure, measure_id, expected_version, values, entity="measure", key=key,
                         current=lambda: _load_measure(session, measure_id))
        audit.record(
            session, actor=actor, action="update", entity="measure", key=key, project_id=project_id, field="parent",
            old=f"{before.parent_kind} {before.parent_code}", new=f"{parent_kind} {parent_code}",
        )
        measure = _load_measure(session, measure_id)
    assert measure is not None
    return measure


def delete_measure(db: Database, measure_id: int, *, expected_version: int, actor: str) -> None:
    """Delete a measure with its actuals and profiled targets."""
    with db.transaction() as session:
        before = _load_measure(session, measure_id)
        if before is None:
            raise ConflictError("measure", f"#{measure_id}", expected_version, None)
        project_id = session.scalar(select(t.Measure.project_id).where(t.Measure.id == measure_id))
        key = f"{_project_code(session, project_id)}/{before.fields.code}"
        session.expunge_all()
        delete_versioned(session, t.Measure, measure_id, expected_version, entity="measure", key=key, current=lambda: _load_measure(session, measure_id))
        audit.record(session, actor=actor, action="delete", entity="measure", key=key, project_id=project_id, old=before.fields.name)


@dataclass(frozen=True)
class ProfiledTargets:
    """A measure's per-quarter targets, oldest first, and the project's quarters whose review is published.

    Set and clear them with `reviews.set_profiled_target` / `clear_profiled_target`,
    which refuse a published quarter: `published` lets a screen say so first.
    """

    project_code: str
    measure: MeasureItem
    targets: tuple[tuple[Quarter, float], ...]
    published: frozenset[Quarter]


def profiled_targets(db: Database, measure_id: int) -> ProfiledTargets:
    with db.reading() as session:
        measure = _load_measure(session, measure_id)
        if measure is None:
            raise NotFoundError(f"no measure with id {measure_id}")
        project_id = session.scalar(select(t.Measure.project_id).where(t.Measure.id == measure_id))
        targets = session.execute(
            select(t.MeasureTarget.fy_start_year, t.MeasureTarget.quarter, t.MeasureTarget.value)
            .where(t.MeasureTarget.measure_id == measure_id)
            .order_by(t.MeasureTarget.fy_start_year, t.MeasureTarget.quarter)
        ).all()
        published = session.execute(
            select(t.QuarterlyReview.fy_start_year, t.QuarterlyReview.quarter).where(
                t.QuarterlyReview.project_id == project_id, t.QuarterlyReview.status == ReviewStatus.PUBLISHED.value
            )
        ).all()
        return ProfiledTargets(
            project_code=_project_code(session, project_id),
            measure=measure,
            targets=tuple((Quarter(year, quarter), value) for year, quarter, value in targets),
            published=frozenset(Quarter(year, quarter) for year, quarter in published),
        )
