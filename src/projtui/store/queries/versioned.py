"""Compare-and-set statements for optimistic locking: change a row only at the version the caller saw.

`services.locking` decides what a miss means (a `ConflictError` showing the
row as it is now) and audits the change; these only say whether it applied.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

__all__ = ["delete_at_version", "update_at_version"]


def update_at_version(session: Session, table, row_id: int, expected_version: int, values: dict) -> bool:
    """Set `values` and bump the version, in one statement, if the row is still at `expected_version`; whether it was."""
    result = session.execute(
        update(table)
        .where(table.id == row_id, table.version == expected_version)
        .values(**values, version=table.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def delete_at_version(session: Session, table, row_id: int, expected_version: int) -> bool:
    """Delete the row if it is still at `expected_version`; whether it was."""
    result = session.execute(
        delete(table).where(table.id == row_id, table.version == expected_version).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
