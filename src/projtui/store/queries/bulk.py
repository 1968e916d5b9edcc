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

On SQLite the rows then go straight to the driver's executemany, each value
through its column's bind processor (as SQLAlchemy would send it: dates as
text, enums by name) and Python-side defaults filled in for columns a row
leaves out: building the statement's parameters row by row was a third of
an import's time, more than SQLite's own inserting.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

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
    _execute_many(session, table, rows)
    after = session.execute(select(func.max(table.c.id), func.count()).where(table.c.id > before)).one()
    if tuple(after) != (before + len(rows), len(rows)):  # only if ids ran out (2**63), when SQLite picks them at random
        raise RuntimeError(f"{table.name}: {len(rows)} rows inserted after id {before} did not take the ids that follow it")
    return list(range(before + 1, before + len(rows) + 1))


def insert_rows(session: Session, model, rows: Sequence[dict]) -> None:
    """Insert `rows` into the model's table in one executemany."""
    if not rows:
        return
    if session.get_bind().dialect.name != "sqlite":
        session.execute(insert(model.__table__), rows)
    else:
        _execute_many(session, model.__table__, rows)


def _execute_many(session: Session, table, rows: Sequence[dict]) -> None:
    """One executemany on the driver: the columns the first row names, plus those with a Python-side default."""
    connection = session.connection()
    dialect = connection.dialect
    given = list(rows[0])
    defaulted = [c for c in table.columns if c.key not in rows[0] and c.default is not None and not c.default.is_sequence]
    columns = [table.c[key] for key in given] + defaulted
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    # Column by column, not row by row: a column's bind processor is looked up once, and most columns
    # (text, whole numbers) have none, so their values go as they are, untouched. The rows are turned
    # into columns by itemgetter and zip, in C: a Python loop over every cell cost more than the rest.
    values = list(zip(*map(itemgetter(*given), rows))) if len(given) > 1 else [[row[given[0]] for row in rows]]
    for column in defaulted:
        default = column.default
        # A callable default gets no execution context here; none of the tables' defaults uses one.
        values.append([default.arg(None) for _ in rows] if default.is_callable else [default.arg if default.is_scalar else None] * len(rows))
    bound = [_bound(column_values, column.type.dialect_impl(dialect).bind_processor(dialect))
             for column_values, column in zip(values, columns, strict=True)]
    connection.exec_driver_sql(sql, list(zip(*bound)))


def _bound(values: Sequence, process) -> Sequence:
    """A column's values as the driver takes them: through its bind processor (None stays None), or as they are."""
    if process is None:
        return values
    first = values[0]
    if all(value is first for value in values):
        # One object in every row, as an import's timestamps are (created_at, the audit's `at`): converted once.
        return [None if first is None else process(first)] * len(values)
    return [None if value is None else process(value) for value in values]
