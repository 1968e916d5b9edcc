"""Users and their roles, and the people named to edit a project.

No user is made here: a database from before this revision has nobody to
make admin, so the first person to write to it becomes its admin
(`services.permissions`), as the person who creates a new one does. The
only person using an existing file is never locked out of it.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=120), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('login', name=op.f('uq_app_user_login'))
    )
    op.create_table('project_editor',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_editor_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_project_editor_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'user_id', name=op.f('pk_project_editor'))
    )
    with op.batch_alter_table('project_editor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_editor_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('project_editor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_editor_user_id'))
    op.drop_table('project_editor')
    op.drop_table('app_user')
