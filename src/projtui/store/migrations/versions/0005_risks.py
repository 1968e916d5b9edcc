"""A register of risks and issues per project.

Scores are not stored: likelihood and impact are, and the score and its
band are worked out (`domain.risks`), so changing the bands in the settings
never needs a migration. A risk that happens becomes an issue in the same
row (`became_issue_on`), so its audit trail stays with it.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('risk',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('likelihood', sa.Integer(), nullable=False),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('mitigation', sa.Text(), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=True),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('became_issue_on', sa.Date(), nullable=True),
    sa.CheckConstraint('likelihood BETWEEN 1 AND 5', name=op.f('ck_risk_risk_likelihood')),
    sa.CheckConstraint('impact BETWEEN 1 AND 5', name=op.f('ck_risk_risk_impact')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_risk_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_risk_project_id_code'))
    )
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_project_id'))
    op.drop_table('risk')
