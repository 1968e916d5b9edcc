"""Index reports by quarter; drop a review index the unique constraint already provides.

"The latest quarter with data" (check, review mode) scanned every actual;
ix_review_latest duplicated uq_quarterly_review_project_id and only slowed writes.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.create_index('ix_measure_value_quarter', ['fy_start_year', 'quarter'], unique=False)

    with op.batch_alter_table('quarterly_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_latest'))
        batch_op.create_index('ix_review_quarter', ['fy_start_year', 'quarter'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quarterly_review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_quarter')
        batch_op.create_index(batch_op.f('ix_review_latest'), ['project_id', 'fy_start_year', 'quarter'], unique=False)

    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_value_quarter')

