"""Year-end forecasts per measure per quarter (issue 13).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('measure_forecast',
    sa.Column('fy_start_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_forecast_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fy_start_year', 'quarter', 'measure_id', name=op.f('pk_measure_forecast'))
    )
    with op.batch_alter_table('measure_forecast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_forecast_measure_id'), ['measure_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('measure_forecast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_forecast_measure_id'))
    op.drop_table('measure_forecast')
