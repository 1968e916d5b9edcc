"""Optimistic locking: an update applies only to the version the user saw."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from projtui.domain.errors import ConflictError


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
    result = session.execute(
        update(table)
        .where(table.id == row_id, table.version == expected_version)
        .values(**values, version=table.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConflictError(entity, key, expected_version, current())
    return expected_version + 1


def delete_versioned(
    session: Session, table, row_id: int, expected_version: int, *, entity: str, key: str, current: Callable[[], object | None]
) -> None:
    result = session.execute(
        delete(table).where(table.id == row_id, table.version == expected_version).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConflictError(entity, key, expected_version, current())
