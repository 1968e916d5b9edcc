"""Corporate KPIs: a measure owned by a service, not a project (issue 13).

A KPI's figures are an ordinary `measure` row pointing at it (`kpi_id`),
so actuals, profiled targets and year-end forecasts need no tables of their
own; `project_id` becomes nullable and the parent check becomes "exactly
one of outcome, benefit or KPI". SQLite cannot alter a column or a check in
place, hence the batch (copy-and-move) mode.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text as store/tables.py MEASURE_ONE_PARENT, written out so this script never changes with the code.
ONE_PARENT = (
    "(CASE WHEN outcome_id IS NULL THEN 0 ELSE 1 END + CASE WHEN benefit_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN kpi_id IS NULL THEN 0 ELSE 1 END) = 1 AND (project_id IS NULL) = (kpi_id IS NOT NULL)"
)
# The tables whose rows hang on a measure by a cascading foreign key.
_MEASURE_CHILDREN = ("measure_value", "measure_target", "measure_forecast")


def _rebuilding_measure(alter) -> None:
    """Run `alter` on the measure table, keeping its children's rows.

    On SQLite batch mode drops and recreates the table, and with foreign keys
    on (which cannot be turned off inside the migration's transaction) the
    drop deletes every actual, target and forecast by cascade; so they are
    set aside first and put back after. PostgreSQL alters in place.
    """
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for table in _MEASURE_CHILDREN:
            op.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")
    alter()
    if sqlite:
        for table in _MEASURE_CHILDREN:
            op.execute(f"INSERT INTO {table} SELECT * FROM kept_{table} WHERE NOT EXISTS (SELECT 1 FROM {table})")
            op.execute(f"DROP TABLE kept_{table}")


def upgrade() -> None:
    op.create_table('kpi',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('service', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi')),
    sa.UniqueConstraint('code', name=op.f('uq_kpi_code'))
    )
    op.create_table('kpi_ambition',
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('ambition_id', sa.Integer(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['ambition_id'], ['ambition.id'], name=op.f('fk_kpi_ambition_ambition_id_ambition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi.id'], name=op.f('fk_kpi_ambition_kpi_id_kpi'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kpi_id', 'ambition_id', name=op.f('pk_kpi_ambition'))
    )
    with op.batch_alter_table('kpi_ambition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_ambition_ambition_id'), ['ambition_id'], unique=False)
    op.create_table('kpi_commentary',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('fy_start_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi.id'], name=op.f('fk_kpi_commentary_kpi_id_kpi'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_commentary')),
    sa.UniqueConstraint('kpi_id', 'fy_start_year', 'quarter', name=op.f('uq_kpi_commentary_kpi_id_fy_start_year_quarter'))
    )
    _rebuilding_measure(_add_kpi_parent)


def _add_kpi_parent() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kpi_id', sa.Integer(), nullable=True))
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_measure_measure_has_one_parent'), type_='check')
        batch_op.create_check_constraint('measure_one_parent', ONE_PARENT)
        batch_op.create_unique_constraint(batch_op.f('uq_measure_kpi_id'), ['kpi_id'])
        batch_op.create_foreign_key(batch_op.f('fk_measure_kpi_id_kpi'), 'kpi', ['kpi_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    op.execute("DELETE FROM measure WHERE kpi_id IS NOT NULL")
    _rebuilding_measure(_drop_kpi_parent)
    op.drop_table('kpi_commentary')
    with op.batch_alter_table('kpi_ambition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_ambition_ambition_id'))
    op.drop_table('kpi_ambition')
    op.drop_table('kpi')


def _drop_kpi_parent() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_measure_kpi_id_kpi'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_measure_kpi_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_measure_measure_one_parent'), type_='check')
        batch_op.create_check_constraint('measure_has_one_parent', '(outcome_id IS NULL) <> (benefit_id IS NULL)')
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('kpi_id')
