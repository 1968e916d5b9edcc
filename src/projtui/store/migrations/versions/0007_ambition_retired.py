"""A Council Plan ambition can be retired: kept for its links' history, offered no more for new ones (issue 15).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: rebuilding the table on SQLite would drop it, and with foreign keys on
    # that deletes every project's links to it. server_default fills the ambitions already there (none is retired).
    op.add_column('ambition', sa.Column('retired', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.execute('ALTER TABLE ambition DROP COLUMN retired')
