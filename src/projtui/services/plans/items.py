"""Outputs, outcomes and benefits, and the links between them; moving and weighing the deletion of any item, measures too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, Problem
from projtui.domain.formatting import plural
from projtui.domain.records import validated
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited, update_versioned
from projtui.services.permissions import require
from projtui.services.plans import common
from projtui.services.plans.common import (
    FIELDS,
    ITEM_KINDS,
    LINK_TARGET,
    ItemKind,
    Kind,
)
from projtui.services.read_models import Item
from projtui.services.reviews import rows as review_rows
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import plans as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The audit log's entity for a link, by the kind it starts from.
_LINK_ENTITY = {"output": "output_link", "outcome": "outcome_link"}


def _load_item(session: Session, kind: str, item_id: int) -> Item | None:
    row = q.item_by_id(session, kind, item_id)
    if row is None:
        return None
    links = q.linked_codes(session, kind, item_id, outgoing=True) if kind in LINK_TARGET else ()
    return common.as_item(row, kind, links)


def get_item(db: Database, kind: ItemKind, item_id: int) -> Item:
    with db.reading() as session:
        item = _load_item(session, common.known_kind(kind, ITEM_KINDS), item_id)
    if item is None:
        raise NotFoundError(f"no {kind} with id {item_id}")
    return item


def add_item(db: Database, project_code: str, kind: ItemKind, fields: BaseModel | dict, *, actor: str) -> Item:
    """Add an output, outcome or benefit at the end of its list."""
    common.known_kind(kind, ITEM_KINDS)
    fields = validated(FIELDS[kind], fields)
    try:
        with db.transaction() as session:
            project_id = review_rows.project(session, project_code).id
            require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
            common.check_code_free(session, kind, project_id, fields.code)
            item_id = q.add_item(
                session, kind, {"project_id": project_id, "position": q.next_position(session, kind, project_id), **common.columns(fields)}
            )
            audit.record(session, actor=actor, action="create", entity=kind, key=f"{project_code}/{fields.code}", project_id=project_id, new=fields.title)
            item = _load_item(session, kind, item_id)
    except ConstraintViolation:
        raise common.duplicate_code(kind, fields.code) from None
    assert item is not None
    return item


def update_item(db: Database, kind: ItemKind, item_id: int, fields: BaseModel | dict, *, expected_version: int, actor: str) -> Item:
    """Save an edit made to the version the user saw; a newer version (or a deletion) raises ConflictError."""
    common.known_kind(kind, ITEM_KINDS)
    fields = validated(FIELDS[kind], fields)
    try:
        with db.transaction() as session:
            before = _load_item(session, kind, item_id)
            if before is None:
                raise ConflictError(kind, fields.code, expected_version, None)
            project_id, project_code = common.project_of(session, kind, item_id)
            require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
            if fields.code != before.fields.code:
                common.check_code_free(session, kind, project_id, fields.code, exclude_id=item_id)
            changes = common.changed(before.fields, fields)
            if not changes:
                if before.version != expected_version:
                    raise ConflictError(kind, f"{project_code}/{before.fields.code}", expected_version, before)
                return before
            values = common.columns(fields)
            update_audited(
                session, q.TABLES[kind], item_id, expected_version, changes, {name: values[name] for name in changes},
                actor=actor, entity=kind, key=f"{project_code}/{before.fields.code}", audit_key=f"{project_code}/{fields.code}",
                project_id=project_id, current=lambda: _load_item(session, kind, item_id),
            )
            item = _load_item(session, kind, item_id)
    except ConstraintViolation:
        raise common.duplicate_code(kind, fields.code) from None
    assert item is not None
    return item


def delete_item(db: Database, kind: ItemKind, item_id: int, *, expected_version: int, actor: str) -> None:
    """Delete an item with its measures (and their actuals) and its links; see `deletion_impact`."""
    common.known_kind(kind, ITEM_KINDS)
    with db.transaction() as session:
        row = q.item_by_id(session, kind, item_id)
        if row is None:
            raise ConflictError(kind, f"#{item_id}", expected_version, None)
        require(session, actor, Action.EDIT_PROJECT, project_id=row.project_id)
        project_code = common.project_code(session, row.project_id)
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
    common.known_kind(kind)
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
    common.known_kind(kind, tuple(LINK_TARGET))
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
        project_id, project_code = common.project_of(session, kind, item_id)
        require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
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
    common.known_kind(kind)
    with db.transaction() as session:
        row = q.item_by_id(session, kind, item_id)
        if row is None:
            raise NotFoundError(f"no {kind} with id {item_id}")
        require(session, actor, Action.EDIT_PROJECT, project_id=row.project_id)
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
        project_code = common.project_code(session, row.project_id)
        key = f"{project_code}/{row.code}"
        audit.record(session, actor=actor, action="update", entity=kind, key=key, project_id=row.project_id, field="position", old=index + 1, new=new_index + 1)
    return True
