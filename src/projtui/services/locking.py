"""Optimistic locking: an update applies only to the version the user saw."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from projtui.domain.errors import ConflictError
from projtui.services import audit
from projtui.store.queries.versioned import delete_at_version, update_at_version

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def update_versioned(
    session: Session,
    table,
    row_id: int,
    expected_version: int,
    values: dict,
    *,
    entity: str,
    key: str,
    current: Callable[[], object | None],
) -> int:
    """Compare-and-set in one statement, so two writers can never both win; returns the new version."""
    if not update_at_version(session, table, row_id, expected_version, values):
        raise ConflictError(entity, key, expected_version, current())
    return expected_version + 1


def update_audited(
    session: Session,
    table,
    row_id: int,
    expected_version: int,
    changes: Mapping[str, tuple[object, object]],
    values: Mapping[str, object],
    *,
    actor: str,
    entity: str,
    key: str,
    project_id: int | None,
    current: Callable[[], object | None],
    audit_key: str | None = None,
) -> int:
    """Compare-and-set `values`, then one audit row per changed field (`changes`: name → (old, new) as the log shows them).

    `audit_key` is the record's key after the edit when the edit renames it (the conflict names the key the user saw).
    """
    version = update_versioned(session, table, row_id, expected_version, dict(values), entity=entity, key=key, current=current)
    for name, (old, new) in changes.items():
        audit.record(
            session, actor=actor, action="update", entity=entity, key=audit_key or key, project_id=project_id, field=name, old=old, new=new,
        )
    return version


def delete_versioned(
    session: Session, table, row_id: int, expected_version: int, *, entity: str, key: str, current: Callable[[], object | None]
) -> None:
    if not delete_at_version(session, table, row_id, expected_version):
        raise ConflictError(entity, key, expected_version, current())
