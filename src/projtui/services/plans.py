"""Benefits Review Plans: the plan's own fields, its outputs, outcomes, benefits and measures, and their links.

Items are addressed by id (codes can be renamed) and guarded by their own
`version`; the plan's fields by the plan row's `version`. Every write is one
transaction with an audit row per change. Reordering changes only `position`
and does not bump versions: it loses nobody's edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

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
from projtui.services.reviews import rows as review_rows
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.queries import plans as q
from projtui.store.queries import projects
from projtui.store.queries import reviews as review_queries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ItemKind = Literal["output", "outcome", "benefit"]
Kind = Literal["output", "outcome", "benefit", "measure"]
ParentKind = Literal["outcome", "benefit"]

ITEM_KINDS: tuple[ItemKind, ...] = ("output", "outcome", "benefit")
KINDS: tuple[Kind, ...] = (*ITEM_KINDS, "measure")

FIELDS: dict[str, type[BaseModel]] = {
    "output": OutputFields,
    "outcome": OutcomeFields,
    "benefit": BenefitFields,
    "measure": MeasureFields,
}


# Output → outcomes, outcome → benefits: the chain of the benefits map, as the store's link tables hold it.
LINK_TARGET: dict[str, ItemKind] = {kind: link.target_kind for kind, link in q.LINKS.items()}
# The audit log's entity for a link, by the kind it starts from.
_LINK_ENTITY = {"output": "output_link", "outcome": "outcome_link"}


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


def _project_code(session: Session, project_id: int) -> str:
    return projects.project_code(session, project_id) or "?"


def _project_of(session: Session, kind: str, item_id: int) -> tuple[int, str]:
    """(id, code) of the project an item the transaction has read belongs to."""
    project_id = q.project_id_of(session, kind, item_id)
    return project_id, _project_code(session, project_id)


def _duplicate_code(kind: str, code: str) -> InvalidInput:
    return InvalidInput([Problem("", "code", code, f"another {kind} in this project already has this code")])


def _check_code_free(session: Session, kind: str, project_id: int, code: str, *, exclude_id: int | None = None) -> None:
    """Codes are unique within a project, compared without case so that B1 never sits beside b1."""
    if q.code_taken(session, kind, project_id, code, exclude_id=exclude_id):
        raise _duplicate_code(kind, code)


def _parent_id(session: Session, project_id: int, project_code: str, parent_kind: str, parent_code: str) -> int:
    """The id of the outcome or benefit a measure is to go under; InvalidInput if the plan has none with the code."""
    parent_id = q.item_ids(session, parent_kind, project_id, [parent_code]).get(parent_code)
    if parent_id is None:
        raise InvalidInput([Problem("", "parent", parent_code, f"no {parent_kind} in {project_code} has this code")])
    return parent_id


# --- reading -------------------------------------------------------------------


def _item(row, kind: str, links: Sequence[str] = ()) -> Item:
    return Item(id=row.id, version=row.version, fields=_fields_of(row, FIELDS[kind]), links=tuple(links))


def _plan_fields(row) -> PlanFields:
    return PlanFields() if row is None else _fields_of(row, PlanFields)


def _load_plan(session: Session, project_code: str) -> PlanView:
    project = review_rows.project(session, project_code)
    project_id = project.id
    plan = q.plan_row(session, project_id)
    rows = {kind: q.item_rows(session, kind, project_id) for kind in KINDS}
    links = {kind: q.link_codes(session, kind, project_id) for kind in LINK_TARGET}
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
        project_name=project.name,
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
    row = q.item_by_id(session, kind, item_id)
    if row is None:
        return None
    links = q.linked_codes(session, kind, item_id, outgoing=True) if kind in LINK_TARGET else ()
    return _item(row, kind, links)


def _load_measure(session: Session, measure_id: int) -> MeasureItem | None:
    row = review_queries.measure_by_id(session, measure_id)
    return None if row is None else review_rows.measure_item(session, row)


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
        project_id = review_rows.project(session, project_code).id
        row = q.plan_row(session, project_id)
        before = _plan_fields(row)
        changes = _changed(before, fields)
        if row is None:
            # Plans are created with their project; one missing is created at version 0 → 1.
            if expected_version != 0:
                raise ConflictError("plan", f"{project_code}/plan", expected_version, _load_plan(session, project_code))
            q.add_plan(session, project_id, _columns(fields))
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
    try:
        with db.transaction() as session:
            project_id = review_rows.project(session, project_code).id
            _check_code_free(session, kind, project_id, fields.code)
            item_id = q.add_item(session, kind, {"project_id": project_id, "position": q.next_position(session, kind, project_id), **_columns(fields)})
            audit.record(session, actor=actor, action="create", entity=kind, key=f"{project_code}/{fields.code}", project_id=project_id, new=fields.title)
            item = _load_item(session, kind, item_id)
    except IntegrityError:
        raise _duplicate_code(kind, fields.code) from None
    assert item is not None
    return item


def update_item(db: Database, kind: ItemKind, item_id: int, fields: BaseModel | dict, *, expected_version: int, actor: str) -> Item:
    """Save an edit made to the version the user saw; a newer version (or a deletion) raises ConflictError."""
    _kind(kind, ITEM_KINDS)
    fields = validated(FIELDS[kind], fields)
    try:
        with db.transaction() as session:
            before = _load_item(session, kind, item_id)
            if before is None:
                raise ConflictError(kind, fields.code, expected_version, None)
            project_id, project_code = _project_of(session, kind, item_id)
            if fields.code != before.fields.code:
                _check_code_free(session, kind, project_id, fields.code, exclude_id=item_id)
            changes = _changed(before.fields, fields)
            if not changes:
                if before.version != expected_version:
                    raise ConflictError(kind, f"{project_code}/{before.fields.code}", expected_version, before)
                return before
            values = _columns(fields)
            update_audited(
                session, q.TABLES[kind], item_id, expected_version, changes, {name: values[name] for name in changes},
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
    with db.transaction() as session:
        row = q.item_by_id(session, kind, item_id)
        if row is None:
            raise ConflictError(kind, f"#{item_id}", expected_version, None)
        project_code = _project_code(session, row.project_id)
        code, title, project_id = row.code, row.title, row.project_id
        key = f"{project_code}/{code}"
        gone_measures = q.measures_under(session, kind, item_id) if kind in ("outcome", "benefit") else []
        gone_links = [
            (_LINK_ENTITY[link_kind], f"{code}>{other}" if outgoing else f"{other}>{code}")
            for link_kind, outgoing, others in _links_of(session, kind, item_id)
            for other in others
        ]
        session.expunge(row)
        delete_versioned(session, q.TABLES[kind], item_id, expected_version, entity=kind, key=key, current=lambda: _load_item(session, kind, item_id))
        audit.record(session, actor=actor, action="delete", entity=kind, key=key, project_id=project_id, old=title)
        for entity, link_key in gone_links:
            audit.record(session, actor=actor, action="unlink", entity=entity, key=f"{project_code}/{link_key}", project_id=project_id)
        for measure in gone_measures:
            audit.record(session, actor=actor, action="delete", entity="measure", key=f"{project_code}/{measure.code}", project_id=project_id, old=measure.name)


def _links_of(session: Session, kind: str, item_id: int) -> list[tuple[str, bool, list[str]]]:
    """Each kind of link the item is an end of: (the kind links start from, whether they start at the item, the other ends' codes)."""
    found = []
    for link_kind, target_kind in LINK_TARGET.items():
        if kind in (link_kind, target_kind):
            outgoing = kind == link_kind
            found.append((link_kind, outgoing, q.linked_codes(session, link_kind, item_id, outgoing=outgoing)))
    return found


def deletion_impact(db: Database, kind: Kind, item_id: int) -> list[str]:
    """What else goes when the item is deleted, in words, e.g. ["2 measures with 14 actuals", "links to 3 benefits"]."""
    _kind(kind)
    with db.reading() as session:
        if q.item_by_id(session, kind, item_id) is None:
            raise NotFoundError(f"no {kind} with id {item_id}")
        lines = []
        if kind == "measure":
            measure_ids = [item_id]
        elif kind in ("outcome", "benefit"):
            measure_ids = [measure.id for measure in q.measures_under(session, kind, item_id)]
        else:
            measure_ids = []
        actuals, targets = q.actuals_and_targets(session, measure_ids)
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
        for link_kind, outgoing, others in _links_of(session, kind, item_id):
            if others:
                other_kind = LINK_TARGET[link_kind] if outgoing else link_kind
                lines.append(f"links {'to' if outgoing else 'from'} {plural(len(others), other_kind)} ({', '.join(others)})")
    return lines


def set_links(db: Database, kind: Literal["output", "outcome"], item_id: int, codes: Sequence[str], *, expected_version: int, actor: str) -> Item:
    """Replace what an output leads to (outcome codes) or an outcome leads to (benefit codes)."""
    _kind(kind, tuple(LINK_TARGET))
    target_kind = LINK_TARGET[kind]
    entity = _LINK_ENTITY[kind]
    codes = list(codes)
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise InvalidInput([Problem("", "links", code, f"{target_kind} listed twice") for code in repeated])
    with db.transaction() as session:
        before = _load_item(session, kind, item_id)
        if before is None:
            raise ConflictError(kind, f"#{item_id}", expected_version, None)
        project_id, project_code = _project_of(session, kind, item_id)
        ids = q.item_ids(session, target_kind, project_id, codes)
        unknown = [code for code in codes if code not in ids]
        if unknown:
            raise InvalidInput([Problem("", "links", code, f"no {target_kind} in this project has this code") for code in unknown])
        old = list(before.links)
        key = f"{project_code}/{before.fields.code}"
        if set(old) == set(codes):
            if before.version != expected_version:
                raise ConflictError(kind, key, expected_version, before)
            return before
        update_versioned(session, q.TABLES[kind], item_id, expected_version, {}, entity=kind, key=key, current=lambda: _load_item(session, kind, item_id))
        gone = [code for code in old if code not in codes]
        added = [code for code in codes if code not in old]
        if gone:
            q.unlink(session, kind, item_id, list(q.item_ids(session, target_kind, project_id, gone).values()))
        if added:
            q.link(session, kind, item_id, [ids[code] for code in added])
        for code in gone:
            audit.record(session, actor=actor, action="unlink", entity=entity, key=f"{key}>{code}", project_id=project_id)
        for code in added:
            audit.record(session, actor=actor, action="link", entity=entity, key=f"{key}>{code}", project_id=project_id)
        item = _load_item(session, kind, item_id)
    assert item is not None
    return item


def move_item(db: Database, kind: Kind, item_id: int, delta: int, *, actor: str) -> bool:
    """Move an item `delta` places among its siblings (measures: within their parent); False if it could not move."""
    _kind(kind)
    with db.transaction() as session:
        row = q.item_by_id(session, kind, item_id)
        if row is None:
            raise NotFoundError(f"no {kind} with id {item_id}")
        ordered = q.siblings(session, kind, row)
        ids = [r.id for r in ordered]
        index = ids.index(item_id)
        new_index = max(0, min(len(ids) - 1, index + delta))
        if new_index == index:
            return False
        ids.insert(new_index, ids.pop(index))
        positions = sorted(r.position for r in ordered)
        if len(set(positions)) != len(positions):
            positions = [positions[0] + i for i in range(len(positions))]
        q.set_positions(session, kind, zip(ids, positions, strict=True))
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
            project_id = review_rows.project(session, project_code).id
            parent_id = _parent_id(session, project_id, project_code, parent_kind, parent_code)
            if fields.code is None:
                fields = fields.model_copy(update={"code": next_measure_code(q.measure_codes(session, project_id))})
            else:
                _check_code_free(session, "measure", project_id, fields.code)
            measure_id = q.add_item(
                session, "measure",
                {
                    "project_id": project_id,
                    **q.parent_columns(parent_kind, parent_id),
                    "position": q.next_position(session, "measure", project_id),
                    **_columns(fields),
                },
            )
            audit.record(
                session, actor=actor, action="create", entity="measure", key=f"{project_code}/{fields.code}",
                project_id=project_id, new=fields.name,
            )
            measure = _load_measure(session, measure_id)
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
            project_id, project_code = _project_of(session, "measure", measure_id)
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
        project_id, project_code = _project_of(session, "measure", measure_id)
        key = f"{project_code}/{before.fields.code}"
        parent_id = _parent_id(session, project_id, project_code, parent_kind, parent_code)
        if (before.parent_kind, before.parent_code) == (parent_kind, parent_code):
            if before.version != expected_version:
                raise ConflictError("measure", key, expected_version, before)
            return before
        values = {**q.parent_columns(parent_kind, parent_id), "position": q.next_position(session, "measure", project_id)}
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
        project_id, project_code = _project_of(session, "measure", measure_id)
        key = f"{project_code}/{before.fields.code}"
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
        project_id, project_code = _project_of(session, "measure", measure_id)
        # One measure has one target a quarter, so sorting the rows puts its quarters oldest first.
        targets = sorted((year, quarter, value) for _, year, quarter, value in review_queries.measure_targets(session, [measure_id]))
        published = [
            review for review in review_queries.reviews_of(session, project_id, newest_first=False) if review.status == ReviewStatus.PUBLISHED.value
        ]
        return ProfiledTargets(
            project_code=project_code,
            measure=measure,
            targets=tuple((Quarter(year, quarter), value) for year, quarter, value in targets),
            published=frozenset(Quarter(review.fy_start_year, review.quarter) for review in published),
        )
