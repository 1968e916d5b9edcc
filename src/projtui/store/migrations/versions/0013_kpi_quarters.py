"""A quarter's corporate KPIs are published as a whole (issue 13): `kpi_quarter`, one row a quarter.

A new table only, so no batch copy of any existing one (0012's triggers and
expression indexes stay where they are).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kpi_quarter',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fy_start_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('published_by', sa.String(length=120), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_quarter')),
    sa.UniqueConstraint('fy_start_year', 'quarter', name=op.f('uq_kpi_quarter_fy_start_year_quarter'))
    )


def downgrade() -> None:
    op.drop_table('kpi_quarter')
