"""Index the portfolio's sorts by name, stage, lead and service.

Sorting 100,000 projects by one of these read and sorted every row for each
page (80 ms for the first page, a second deep in the list); an index on the
very expressions the portfolio orders by (store/queries/portfolio.py
`_SORT_KEYS`, then code) hands a page its rows in order. The expressions are
written out here (in brackets, as PostgreSQL wants index expressions), not imported, so this step builds the same indexes
whatever the code becomes; tests/test_store.py checks they still match.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAGE_RANK = (
    "(CASE stage WHEN 'pipeline' THEN 0 WHEN 'initiation' THEN 1 WHEN 'delivery' THEN 2 WHEN 'closing' THEN 3"
    " WHEN 'closed' THEN 4 WHEN 'on_hold' THEN 5 WHEN 'cancelled' THEN 6 ELSE 7 END)"
)
INDEXES = {
    'ix_project_sort_name': ('(lower(name))', 'code'),
    'ix_project_sort_stage': (f'({_STAGE_RANK})', 'code'),
    'ix_project_sort_lead': ('(lead IS NULL)', '(lower(lead))', 'code'),
    'ix_project_sort_service': ('(service IS NULL)', '(lower(service))', 'code'),
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'project', [text(column) for column in columns], unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='project')
