"""Alembic environment: runs on the connection that `store.migrate` hands in."""

from alembic import context
from sqlmodel import SQLModel

from projtui.store import tables  # noqa: F401  (registers every table on the metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
