"""`column IN (values)` for any number of values, cut into statements every database takes.

SQLAlchemy sends each value of `column.in_(values)` as a bind parameter of
its own, and PostgreSQL refuses a statement with more than 65,535 of them
(psycopg: "the query has N placeholders but ... the maximum is 65535"); a
stock SQLite build stops at 32,766. An import of 100,000 projects asked for
all their codes in one statement and PostgreSQL refused it. Every query
whose list grows with the portfolio goes through `rows_in`, which runs one
statement per `CHUNK` values and joins the rows.

Rows come back chunk by chunk, so an ORDER BY holds within a chunk only:
callers that need an order within a group (a project's plan items) chunk by
that group's key, which keeps every group in one chunk.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session

from projtui.store.queries.plain import chunks

__all__ = ["CHUNK", "rows_in", "scalars_in"]

# Well under both limits, and large enough that a chunk's statement costs far more than its round trip.
CHUNK = 10_000


def rows_in(session: Session, statement: Select, column, values: Iterable) -> list[Row]:
    """The rows of `statement` where `column` is one of `values`: one statement per chunk of them (none when empty)."""
    rows: list[Row] = []
    for chunk in chunks(values, CHUNK):
        rows += session.execute(statement.where(column.in_(chunk))).all()  # .all(): one fetchall, not a fetchone a row
    return rows


def scalars_in(session: Session, statement: Select, column, values: Iterable) -> list:
    """`rows_in` for a statement of one column or ORM entity: the first value of each row."""
    return [row[0] for row in rows_in(session, statement, column, values)]
