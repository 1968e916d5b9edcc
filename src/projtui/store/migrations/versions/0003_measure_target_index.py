"""Index profiled targets by measure.

measure_target's primary key leads with the quarter (fy_start_year,
quarter, measure_id), so reading a measure's targets, and the cascade when
a measure is deleted (every re-import of a project), scanned the whole
table once per measure.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('measure_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_target_measure_id'), ['measure_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('measure_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_target_measure_id'))
