"""Many rows into one table in one statement: what an import and a bulk project load both write with.

Core inserts on the tables, not ORM bulk inserts on the models: the ORM
groups rows by which keys are None and joins each group's RETURNING rows
back to its parameters pairwise, which is quadratic and made 100,000
projects not finish. Core sends one executemany (batched into multi-row
VALUES), so every row must have the same keys.

On SQLite, RETURNING in the rows' order costs one statement a row
(SQLAlchemy knows no sentinel there to sort a batch's ids by), which was a
quarter of a 10,000-project import. SQLite numbers a new INTEGER PRIMARY KEY
one above the table's largest, and every write here holds the database's
write lock (BEGIN IMMEDIATE), so rows inserted in one go take the ids after
the largest in their order: the ids are read as that range, and checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

__all__ = ["insert_rows", "insert_rows_returning_ids"]


def insert_rows_returning_ids(session: Session, model, rows: Sequence[dict]) -> list[int]:
    """Insert `rows` into the model's table and return their new ids, in the order of `rows`."""
    if not rows:
        return []
    table = model.__table__
    if session.get_bind().dialect.name != "sqlite":
        result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        return list(result.scalars())
    largest = select(func.max(table.c.id))
    before = session.execute(largest).scalar() or 0
    session.execute(insert(table), rows)
    after = session.execute(select(func.max(table.c.id), func.count()).where(table.c.id > before)).one()
    if tuple(after) != (before + len(rows), len(rows)):  # only if ids ran out (2**63), when SQLite picks them at random
        raise RuntimeError(f"{table.name}: {len(rows)} rows inserted after id {before} did not take the ids that follow it")
    return list(range(before + 1, before + len(rows) + 1))


def insert_rows(session: Session, model, rows: Sequence[dict]) -> None:
    """Insert `rows` into the model's table in one executemany."""
    if rows:
        session.execute(insert(model.__table__), rows)
