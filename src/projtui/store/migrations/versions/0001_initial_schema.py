"""Initial schema: the whole portfolio data model.

Revision ID: 0001
Revises: 
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ambition',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('plan_period', sa.String(length=120), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambition')),
    sa.UniqueConstraint('code', name=op.f('uq_ambition_code'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_key', sa.String(length=200), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=64), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_project', ['project_id', 'id'], unique=False)

    op.create_table('project',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('service', sa.String(length=120), nullable=True),
    sa.Column('directorate', sa.String(length=120), nullable=True),
    sa.Column('portfolio_holder', sa.String(length=120), nullable=True),
    sa.Column('senior_responsible_owner', sa.String(length=120), nullable=True),
    sa.Column('lead', sa.String(length=120), nullable=True),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('budget_pence', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('code', name=op.f('uq_project_code'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_lead', ['lead'], unique=False)
        batch_op.create_index('ix_project_name', ['name'], unique=False)
        batch_op.create_index('ix_project_stage', ['stage'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('benefit',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('quantification', sa.String(length=24), nullable=False),
    sa.Column('recipient', sa.String(length=24), nullable=False),
    sa.Column('disbenefit', sa.Boolean(), nullable=False),
    sa.Column('full_year_value_pence', sa.Integer(), nullable=True),
    sa.Column('realisation_start', sa.String(length=12), nullable=True),
    sa.Column('realisation_end', sa.String(length=12), nullable=True),
    sa.Column('dependencies', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_benefit_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_benefit_project_id_code'))
    )
    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_project_id'), ['project_id'], unique=False)

    op.create_table('benefits_review_plan',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('review_schedule', sa.Text(), nullable=True),
    sa.Column('post_project_owner', sa.String(length=120), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_benefits_review_plan_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefits_review_plan')),
    sa.UniqueConstraint('project_id', name=op.f('uq_benefits_review_plan_project_id'))
    )
    op.create_table('outcome',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_outcome_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_outcome_project_id_code'))
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_project_id'), ['project_id'], unique=False)

    op.create_table('output',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_output_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_output')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_output_project_id_code'))
    )
    with op.batch_alter_table('output', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_output_project_id'), ['project_id'], unique=False)

    op.create_table('priority',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ambition_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ambition_id'], ['ambition.id'], name=op.f('fk_priority_ambition_id_ambition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority')),
    sa.UniqueConstraint('ambition_id', 'code', name=op.f('uq_priority_ambition_id_code'))
    )
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_ambition_id'), ['ambition_id'], unique=False)

    op.create_table('project_ambition',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('ambition_id', sa.Integer(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['ambition_id'], ['ambition.id'], name=op.f('fk_project_ambition_ambition_id_ambition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_ambition_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'ambition_id', name=op.f('pk_project_ambition'))
    )
    with op.batch_alter_table('project_ambition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_ambition_ambition_id'), ['ambition_id'], unique=False)

    op.create_table('quarterly_review',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('fy_start_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('published_by', sa.String(length=120), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('rag', sa.String(length=24), nullable=False),
    sa.Column('time_rag', sa.String(length=24), nullable=False),
    sa.Column('cost_rag', sa.String(length=24), nullable=False),
    sa.Column('scope_rag', sa.String(length=24), nullable=False),
    sa.Column('benefits_rag', sa.String(length=24), nullable=False),
    sa.Column('commentary', sa.Text(), nullable=True),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.Column('spend_to_date_pence', sa.Integer(), nullable=True),
    sa.Column('forecast_pence', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_quarterly_review_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarterly_review')),
    sa.UniqueConstraint('project_id', 'fy_start_year', 'quarter', name=op.f('uq_quarterly_review_project_id_fy_start_year_quarter'))
    )
    with op.batch_alter_table('quarterly_review', schema=None) as batch_op:
        batch_op.create_index('ix_review_latest', ['project_id', 'fy_start_year', 'quarter'], unique=False)

    op.create_table('measure',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('benefit_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=120), nullable=False),
    sa.Column('direction', sa.String(length=24), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('baseline_period', sa.String(length=12), nullable=True),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('target_max', sa.Float(), nullable=True),
    sa.Column('target_period', sa.String(length=12), nullable=True),
    sa.Column('frequency', sa.String(length=24), nullable=False),
    sa.Column('aggregation', sa.String(length=24), nullable=False),
    sa.Column('tolerance', sa.Float(), nullable=True),
    sa.Column('data_source', sa.String(length=120), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('(outcome_id IS NULL) <> (benefit_id IS NULL)', name=op.f('ck_measure_measure_has_one_parent')),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefit.id'], name=op.f('fk_measure_benefit_id_benefit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_measure_outcome_id_outcome'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_measure_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_measure_project_id_code'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_benefit_id'), ['benefit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_outcome_id'), ['outcome_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_project_id'), ['project_id'], unique=False)

    op.create_table('outcome_benefit',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefit.id'], name=op.f('fk_outcome_benefit_benefit_id_benefit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_outcome_benefit_outcome_id_outcome'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'benefit_id', name=op.f('pk_outcome_benefit'))
    )
    with op.batch_alter_table('outcome_benefit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_benefit_benefit_id'), ['benefit_id'], unique=False)

    op.create_table('output_outcome',
    sa.Column('output_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_output_outcome_outcome_id_outcome'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['output_id'], ['output.id'], name=op.f('fk_output_outcome_output_id_output'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('output_id', 'outcome_id', name=op.f('pk_output_outcome'))
    )
    with op.batch_alter_table('output_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_output_outcome_outcome_id'), ['outcome_id'], unique=False)

    op.create_table('measure_target',
    sa.Column('fy_start_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_target_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fy_start_year', 'quarter', 'measure_id', name=op.f('pk_measure_target'))
    )
    op.create_table('measure_value',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('fy_start_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('entered_by', sa.String(length=120), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_value_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_value')),
    sa.UniqueConstraint('measure_id', 'fy_start_year', 'quarter', name=op.f('uq_measure_value_measure_id_fy_start_year_quarter'))
    )


def downgrade() -> None:
    op.drop_table('measure_value')
    op.drop_table('measure_target')
    with op.batch_alter_table('output_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_output_outcome_outcome_id'))

    op.drop_table('output_outcome')
    with op.batch_alter_table('outcome_benefit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_benefit_benefit_id'))

    op.drop_table('outcome_benefit')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_project_id'))
        batch_op.drop_index(batch_op.f('ix_measure_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_measure_benefit_id'))

    op.drop_table('measure')
    with op.batch_alter_table('quarterly_review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_latest')

    op.drop_table('quarterly_review')
    with op.batch_alter_table('project_ambition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_ambition_ambition_id'))

    op.drop_table('project_ambition')
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_ambition_id'))

    op.drop_table('priority')
    with op.batch_alter_table('output', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_output_project_id'))

    op.drop_table('output')
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_project_id'))

    op.drop_table('outcome')
    op.drop_table('benefits_review_plan')
    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_project_id'))

    op.drop_table('benefit')
    op.drop_table('setting')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_stage')
        batch_op.drop_index('ix_project_name')
        batch_op.drop_index('ix_project_lead')

    op.drop_table('project')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_project')

    op.drop_table('audit_log')
    op.drop_table('ambition')
