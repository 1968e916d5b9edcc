"""A project's register of risks and issues: read it, add, edit, close, re-open, and turn a risk into an issue.

Editing a project's risks is editing the project (`Action.EDIT_PROJECT`), so
a project lead may keep the register of their own projects. Every write
checks the version the user saw (`services.locking`) and is audited field
by field, under the key ``PROJECT/CODE``; a risk that happens stays the
same record, so its history reads on into the issue's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projtui.domain.codes import next_risk_code
from projtui.domain.enums import Rag
from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    Problem,
    RuleError,
)
from projtui.domain.records import RiskFields, validated
from projtui.domain.risks import (
    DEFAULT_BANDS,
    RiskBands,
    RiskKind,
    RiskStatus,
    by_score,
    risk_rag,
    risk_score,
)
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import update_audited
from projtui.services.permissions import require
from projtui.services.plans.common import changed, columns, fields_of, project_code
from projtui.services.reviews import rows as review_rows
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import risks as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ENTITY = "risk"


@dataclass(frozen=True)
class RiskRecord:
    """One risk or issue as saved, with the version an edit must name."""

    id: int
    version: int
    fields: RiskFields

    # What `domain.risks.by_score` orders by.
    @property
    def code(self) -> str:
        return self.fields.code

    @property
    def likelihood(self) -> int:
        return self.fields.likelihood

    @property
    def impact(self) -> int:
        return self.fields.impact

    @property
    def status(self) -> RiskStatus:
        return self.fields.status

    @property
    def score(self) -> int:
        return risk_score(self.fields.likelihood, self.fields.impact)

    def rag(self, bands: RiskBands = DEFAULT_BANDS) -> Rag:
        return risk_rag(self.score, bands)


@dataclass(frozen=True)
class RiskRegister:
    """A project's risks and issues, highest score first, and the code to offer for the next."""

    project: str
    risks: tuple[RiskRecord, ...]
    next_code: str


def _record(row: t.Risk) -> RiskRecord:
    return RiskRecord(id=row.id, version=row.version, fields=fields_of(row, RiskFields))  # type: ignore[arg-type]


def _load(session: Session, risk_id: int) -> RiskRecord | None:
    row = q.risk_by_id(session, risk_id)
    return None if row is None else _record(row)


def risk_register(db: Database, project: str) -> RiskRegister:
    """The project's register (NotFoundError when there is no such project)."""
    with db.reading() as session:
        project_id = review_rows.project(session, project).id
        records = [_record(row) for row in q.risks_of(session, project_id)]
    return RiskRegister(project, tuple(by_score(records)), next_risk_code(r.code for r in records))


def get_risk(db: Database, risk_id: int) -> RiskRecord:
    with db.reading() as session:
        record = _load(session, risk_id)
    if record is None:
        raise NotFoundError(f"no risk with id {risk_id}")
    return record


def _duplicate(code: str) -> InvalidInput:
    return InvalidInput([Problem("", "code", code, "another risk or issue in this project already has this code")])


def create_risk(db: Database, project: str, fields: RiskFields | dict, *, actor: str) -> RiskRecord:
    """Add a risk or issue to the project's register."""
    fields = validated(RiskFields, fields)
    try:
        with db.transaction() as session:
            project_id = review_rows.project(session, project).id
            require(session, actor, Action.EDIT_PROJECT, project_id=project_id)
            if q.code_taken(session, project_id, fields.code):
                raise _duplicate(fields.code)
            risk_id = q.add_risk(session, {"project_id": project_id, **columns(fields)})
            audit.record(session, actor=actor, action="create", entity=ENTITY, key=f"{project}/{fields.code}", project_id=project_id, new=fields.title)
            record = _load(session, risk_id)
    except ConstraintViolation:
        raise _duplicate(fields.code) from None
    assert record is not None
    return record


def update_risk(db: Database, risk_id: int, fields: RiskFields | dict, *, expected_version: int, actor: str) -> RiskRecord:
    """Save an edit made to the version the user saw; a newer version (or a deletion) raises ConflictError."""
    fields = validated(RiskFields, fields)
    try:
        with db.transaction() as session:
            return _save(session, risk_id, lambda _before: fields, expected_version=expected_version, actor=actor)
    except ConstraintViolation:
        raise _duplicate(fields.code) from None


def close_risk(db: Database, risk_id: int, *, expected_version: int, actor: str) -> RiskRecord:
    return _set_status(db, risk_id, RiskStatus.CLOSED, expected_version=expected_version, actor=actor)


def reopen_risk(db: Database, risk_id: int, *, expected_version: int, actor: str) -> RiskRecord:
    return _set_status(db, risk_id, RiskStatus.OPEN, expected_version=expected_version, actor=actor)


def _set_status(db: Database, risk_id: int, status: RiskStatus, *, expected_version: int, actor: str) -> RiskRecord:
    with db.transaction() as session:
        return _save(
            session, risk_id, lambda before: before.model_copy(update={"status": status}), expected_version=expected_version, actor=actor
        )


def turn_into_issue(db: Database, risk_id: int, *, on: dt.date, expected_version: int, actor: str) -> RiskRecord:
    """The risk has happened: the same record becomes an issue from `on`, its history kept with it."""

    def happened(before: RiskFields) -> RiskFields:
        if before.kind is RiskKind.ISSUE:
            raise RuleError(f"{before.code} is already an issue")
        return validated(RiskFields, {**before.model_dump(), "kind": RiskKind.ISSUE, "became_issue_on": on})

    with db.transaction() as session:
        return _save(session, risk_id, happened, expected_version=expected_version, actor=actor)


def _save(session: Session, risk_id: int, change, *, expected_version: int, actor: str) -> RiskRecord:
    """The one write path: find the row, check the role, apply `change` (before → after fields), compare-and-set, audit each field."""
    row = q.risk_by_id(session, risk_id)
    if row is None:
        raise ConflictError(ENTITY, f"#{risk_id}", expected_version, None)
    require(session, actor, Action.EDIT_PROJECT, project_id=row.project_id)
    project_id, project = row.project_id, project_code(session, row.project_id)
    before = _record(row)
    key = f"{project}/{before.code}"
    if before.version != expected_version:
        raise ConflictError(ENTITY, key, expected_version, before)
    after: RiskFields = change(before.fields)
    if after.code != before.code and q.code_taken(session, project_id, after.code, exclude_id=risk_id):
        raise _duplicate(after.code)
    changes = changed(before.fields, after)
    if not changes:
        return before
    values = columns(after)
    update_audited(
        session, t.Risk, risk_id, expected_version, changes, {name: values[name] for name in changes},
        actor=actor, entity=ENTITY, key=key, audit_key=f"{project}/{after.code}", project_id=project_id,
        current=lambda: _load(session, risk_id),
    )
    record = _load(session, risk_id)
    assert record is not None
    return record
