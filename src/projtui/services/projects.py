"""Projects: one project's details, edits and its ambition links, and many projects at once.

The portfolio list is `services.portfolio`. ``bulk_create_projects`` adds
many projects in one transaction (the benchmarks and the large-portfolio
tests build 100,000 with it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from projtui.domain.enums import Stage
from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    Problem,
    RuleError,
)
from projtui.domain.formatting import format_list, plural
from projtui.domain.records import ProjectFields
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited, update_versioned
from projtui.services.permissions import require
from projtui.services.read_models import AmbitionLink, ProjectDetail
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import ambitions as ambition_rows
from projtui.store.queries import audit as audit_rows
from projtui.store.queries import projects as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _load_detail(session: Session, code: str) -> ProjectDetail | None:
    row = q.project_by_code(session, code)
    if row is None:
        return None
    links = q.ambition_links(session, row.id)
    fields = ProjectFields.model_validate({name: getattr(row, name) for name in ProjectFields.model_fields})
    return ProjectDetail(
        id=row.id, version=row.version, fields=fields,
        ambitions=tuple(AmbitionLink(code=c, title=title, is_primary=p) for c, title, p in links),
        created_at=row.created_at, updated_at=row.updated_at,
    )


def get_project(db: Database, code: str) -> ProjectDetail:
    with db.reading() as session:
        detail = _load_detail(session, code)
    if detail is None:
        raise NotFoundError(f"no project with code {code!r}")
    return detail


def _duplicate(code: str) -> InvalidInput:
    return InvalidInput([Problem("", "code", code, "another project already has this code")])


def new_project_problems(fields: ProjectFields, ambitions: Sequence[str] = ()) -> list[Problem]:
    """What ``create_project``'s golden-thread rule would refuse, by field, for a form to show as the user types."""
    if fields.stage.needs_ambition and not ambitions:
        return [Problem("", "stage", fields.stage, "a new project starts at pipeline: save it, link it to an ambition, then move it on")]
    return []


def create_project(db: Database, fields: ProjectFields, *, actor: str, ambitions: list[str] = ()) -> ProjectDetail:
    """Add a project; `ambitions` lists codes, the first is primary."""
    _require_ambition(fields.stage, ambitions, fields.code)
    try:
        with db.transaction() as session:
            require(session, actor, Action.CREATE_PROJECT)
            _refuse_retired(session, list(ambitions))
            project_id = q.add_project(session, fields.model_dump())
            _write_links(session, project_id, list(ambitions))
            audit.record(session, actor=actor, action="create", entity="project", key=fields.code, project_id=project_id, new=fields.name)
            detail = _load_detail(session, fields.code)
    except ConstraintViolation:
        raise _duplicate(fields.code) from None
    assert detail is not None
    return detail


def update_project(db: Database, code: str, fields: ProjectFields, *, expected_version: int, actor: str) -> ProjectDetail:
    """Save an edit made to the version the user saw; a newer version raises ConflictError."""
    try:
        with db.transaction() as session:
            before = _load_detail(session, code)
            if before is None:
                raise ConflictError("project", code, expected_version, None)
            require(session, actor, Action.EDIT_PROJECT, project_id=before.id)
            if fields.stage.needs_ambition and not before.ambitions:
                raise RuleError(f"project {code} must be linked to a Council Plan ambition before it can move to {fields.stage}")
            changes = _changed(before.fields, fields)
            if not changes:
                return before
            update_audited(
                session, t.Project, before.id, expected_version, changes,
                {**{name: getattr(fields, name) for name in changes}, "updated_at": t.utcnow()},
                actor=actor, entity="project", key=code, audit_key=fields.code, project_id=before.id,
                current=lambda: _load_detail(session, code),
            )
            detail = _load_detail(session, fields.code)
    except ConstraintViolation:
        raise _duplicate(fields.code) from None
    assert detail is not None
    return detail


def _changed(before: ProjectFields, after: ProjectFields) -> dict[str, tuple]:
    """Changed fields with old and new values as the audit log shows them."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return {name: (old[name], new[name]) for name in new if old[name] != new[name]}


def deletion_impact(db: Database, code: str) -> list[str]:
    """What goes with the project when it is deleted, in words: ["3 outputs", "6 measures", "40 actuals", …]; none left out."""
    with db.reading() as session:
        row_id = q.project_id(session, code)
        if row_id is None:
            raise NotFoundError(f"no project with code {code!r}")
        return _in_words(q.contents(session, row_id))


def _in_words(counts: dict[str, int]) -> list[str]:
    return [plural(n, noun) for noun, n in counts.items() if n]


def delete_project(db: Database, code: str, *, expected_version: int, actor: str) -> None:
    """Delete the project and everything it holds, in one audited transaction; its audit trail stays."""
    with db.transaction() as session:
        require(session, actor, Action.DELETE_PROJECT)
        row_id = q.project_id(session, code)
        if row_id is None:
            raise ConflictError("project", code, expected_version, None)
        detail = _load_detail(session, code)
        gone = _in_words(q.contents(session, row_id))
        delete_versioned(session, t.Project, row_id, expected_version, entity="project", key=code, current=lambda: detail)
        # The trail outlives the project (no foreign key): it says what the project was and what went with it.
        audit.record(
            session, actor=actor, action="delete", entity="project", key=code, project_id=row_id,
            old=detail.fields.name if detail else None, new=f"with {format_list(gone, len(gone))}" if gone else None,
        )


def _require_ambition(stage: Stage, ambitions, code: str) -> None:
    if stage.needs_ambition and not ambitions:
        raise RuleError(f"project {code} is at stage {stage}: it must stay linked to at least one Council Plan ambition")


def _require_known(codes, ids: dict[str, int]) -> None:
    unknown = [code for code in codes if code not in ids]
    if unknown:
        raise InvalidInput([Problem("", "ambitions", code, "no ambition has this code") for code in unknown])


def _refuse_retired(session: Session, codes: Sequence[str]) -> None:
    """A retired ambition keeps the links it has but takes no new one (`services.ambitions`)."""
    retired = ambition_rows.retired_among(session, codes)
    if retired:
        raise InvalidInput([Problem("", "ambitions", code, "this ambition is retired: no project may be newly linked to it") for code in retired])


def _write_links(session: Session, project_id: int, codes: list[str]) -> None:
    ids = q.ambition_ids(session, codes)
    _require_known(codes, ids)
    q.add_links(session, project_id, [ids[code] for code in codes])


def set_ambitions(db: Database, code: str, ambitions: list[str], *, expected_version: int, actor: str) -> ProjectDetail:
    """Replace the project's ambition links (first is primary); the project's version guards the change."""
    if len(set(ambitions)) != len(ambitions):
        raise InvalidInput([Problem("", "ambitions", ambitions, "an ambition is listed twice")])
    with db.transaction() as session:
        before = _load_detail(session, code)
        if before is None:
            raise ConflictError("project", code, expected_version, None)
        require(session, actor, Action.EDIT_PROJECT, project_id=before.id)
        _require_ambition(before.fields.stage, ambitions, code)
        old = [link.code for link in before.ambitions]
        if old == ambitions:
            return before
        update_versioned(
            session, t.Project, before.id, expected_version, {"updated_at": t.utcnow()},
            entity="project", key=code, current=lambda: _load_detail(session, code),
        )
        _refuse_retired(session, [c for c in ambitions if c not in old])
        q.remove_links(session, before.id)
        _write_links(session, before.id, ambitions)
        for gone in [c for c in old if c not in ambitions]:
            audit.record(session, actor=actor, action="unlink", entity="ambition_link", key=f"{code}/{gone}", project_id=before.id)
        for added in [c for c in ambitions if c not in old]:
            audit.record(session, actor=actor, action="link", entity="ambition_link", key=f"{code}/{added}", project_id=before.id)
        if old[:1] != ambitions[:1]:
            audit.record(
                session, actor=actor, action="update", entity="project", key=code, project_id=before.id,
                field="primary_ambition", old=old[0] if old else None, new=ambitions[0] if ambitions else None,
            )
        detail = _load_detail(session, code)
    assert detail is not None
    return detail


def bulk_create_projects(
    db: Database,
    projects: Iterable[ProjectFields | tuple[ProjectFields, Sequence[str]]],
    *,
    actor: str,
    batch: int = 5_000,
) -> int:
    """Add many projects in one transaction; each may carry its ambition codes (first is primary).

    The same rules as ``projects.create_project`` (a project past the
    pipeline needs an ambition; codes are unique), written in batches of
    executemany inserts with one audit row per project. Returns how many
    were added.
    """
    added = 0
    try:
        with db.transaction() as session:
            require(session, actor, Action.CREATE_PROJECT)
            ambition_ids = q.ambition_ids(session)
            pending: list[tuple[ProjectFields, Sequence[str]]] = []

            def flush() -> None:
                nonlocal added
                if not pending:
                    return
                now = t.utcnow()
                ids = q.insert_projects(
                    session,
                    [{**fields.model_dump(), "version": 1, "created_at": now, "updated_at": now} for fields, _ in pending],
                    [(fields.code, ambition_ids[code], i == 0) for fields, ambitions in pending for i, code in enumerate(ambitions)],
                )
                audit_rows.insert_rows(
                    session,
                    [
                        {
                            "at": now, "actor": actor, "action": "create", "entity": "project", "entity_key": fields.code,
                            "project_id": ids[fields.code], "field": None, "old_value": None, "new_value": fields.name,
                        }
                        for fields, _ in pending
                    ],
                )
                added += len(pending)
                pending.clear()

            for item in projects:
                fields, ambitions = (item, ()) if isinstance(item, ProjectFields) else item
                _require_ambition(fields.stage, ambitions, fields.code)
                _require_known(ambitions, ambition_ids)
                pending.append((fields, tuple(ambitions)))
                if len(pending) >= batch:
                    flush()
            flush()
    except ConstraintViolation:
        raise InvalidInput([Problem("", "code", None, "another project already has one of these codes")]) from None
    return added
