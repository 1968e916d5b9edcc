"""Many rows into one table in one statement: what an import and a bulk project load both write with.

Core inserts on the tables, not ORM bulk inserts on the models: the ORM
groups rows by which keys are None and joins each group's RETURNING rows
back to its parameters pairwise, which is quadratic and made 100,000
projects not finish. Core sends one executemany (batched into multi-row
VALUES), so every row must have the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

__all__ = ["insert_rows", "insert_rows_returning_ids"]


def insert_rows_returning_ids(session: Session, model, rows: Sequence[dict]) -> list[int]:
    """Insert `rows` into the model's table and return their new ids, in the order of `rows`."""
    if not rows:
        return []
    table = model.__table__
    result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def insert_rows(session: Session, model, rows: Sequence[dict]) -> None:
    """Insert `rows` into the model's table in one executemany."""
    if rows:
        session.execute(insert(model.__table__), rows)
