"""Benchmarks per measure per financial year and source (issue 13).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('measure_benchmark',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('fy_start_year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('lower_quartile', sa.Float(), nullable=True),
    sa.Column('median', sa.Float(), nullable=True),
    sa.Column('upper_quartile', sa.Float(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('of', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_benchmark_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'fy_start_year', 'source', name=op.f('pk_measure_benchmark'))
    )


def downgrade() -> None:
    op.drop_table('measure_benchmark')
