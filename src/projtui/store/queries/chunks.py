"""`column IN (values)` for any number of values, in statements every database takes.

SQLAlchemy sends each value of `column.in_(values)` as a bind parameter of
its own, and PostgreSQL refuses a statement with more than 65,535 of them
(psycopg: "the query has N placeholders but ... the maximum is 65535"); a
stock SQLite build stops at 32,766. An import of 100,000 projects asked for
all their codes in one statement and PostgreSQL refused it. Every query
whose list grows with the portfolio goes through `rows_in`.

On PostgreSQL `rows_in` sends the values as one array parameter
(`column = ANY(%(values)s)`), in one statement: its text is the same
whatever the values, so SQLAlchemy compiles it once and psycopg splits it
once and prepares it on the server. With a parameter per value an export
of 100,000 projects spent 64 s of its 134 s rendering, splitting and
sending 1.9 million of them (benchmarks/README.md). SQLite has no arrays:
there it runs one `IN (...)` statement per `CHUNK` values and joins the
rows.

Rows come back chunk by chunk on SQLite, so an ORDER BY holds within a
chunk only: callers that need an order within a group (a project's plan
items) chunk by that group's key, which keeps every group in one chunk.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ARRAY, Row, Select, String, any_, bindparam
from sqlalchemy.orm import Session

from projtui.store.queries.plain import chunks
from projtui.store.team import is_postgresql

__all__ = ["CHUNK", "rows_in", "scalars_in"]

# Well under both limits, and large enough that a chunk's statement costs far more than its round trip.
CHUNK = 10_000


def rows_in(session: Session, statement: Select, column, values: Iterable) -> list[Row]:
    """The rows of `statement` where `column` is one of `values`: one statement on PostgreSQL, one per chunk on SQLite (none when empty)."""
    rows: list[Row] = []
    postgresql = is_postgresql(session)
    for chunk in chunks(values, None if postgresql else CHUNK):
        where = column == any_(bindparam("values", chunk, type_=_array_of(column.type))) if postgresql else column.in_(chunk)
        rows += session.execute(statement.where(where)).all()  # .all(): one fetchall, not a fetchone a row
    return rows


def _array_of(element):
    """The array type the values are sent as: the column's, but a string's without its length, which would cut a longer
    value short before comparing (and might then match); IN compares each value whole."""
    return ARRAY(String() if isinstance(element, String) else element)


def scalars_in(session: Session, statement: Select, column, values: Iterable) -> list:
    """`rows_in` for a statement of one column or ORM entity: the first value of each row."""
    return [row[0] for row in rows_in(session, statement, column, values)]
