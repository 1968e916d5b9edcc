"""PostgreSQL tells listening apps at once that something was written (issue 12): a NOTIFY on every audit log insert.

Every change projtui makes is audited, so an insert into `audit_log` is the
one place to say "changed". Per statement, with an empty payload:
PostgreSQL delivers identical notifications of one transaction once, so an
import of thousands of rows wakes each listener once, at its commit (a
rolled-back write notifies nobody). `store/listening.py` listens; SQLite has
no NOTIFY and keeps polling `PRAGMA data_version`, so there this is a no-op.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = 'projtui_changes'  # store/listening.py LISTENs on it


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION projtui_audit_notify() RETURNS trigger LANGUAGE plpgsql"
        f" AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER projtui_audit_notify AFTER INSERT ON audit_log"
        " FOR EACH STATEMENT EXECUTE FUNCTION projtui_audit_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP TRIGGER IF EXISTS projtui_audit_notify ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS projtui_audit_notify()")
