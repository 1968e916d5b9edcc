"""Keep each project's primary ambition and latest RAG on the project row, by triggers, and index the sorts by them.

Sorting 100,000 projects by ambition or by RAG worked out, for every row, a
subquery through the links or the reviews (half a second a page). Stored
on the project, an index hands a page its rows in order, as for name and
lead (0011). Triggers keep the two columns, so every writer keeps them
right without knowing: the services, an import's bulk inserts, a cascade
when a project or ambition goes, a stray SQL client. The values are the
subqueries the portfolio used before (the primary link's ambition code;
the RAG of the review of the latest quarter, draft or published).

A later revision must not copy `project`, `project_ambition`,
`quarterly_review` or `ambition` afresh (Alembic's batch mode on SQLite
does, for most changes other than adding a column): the copy would lose
these triggers and the expression indexes, which SQLite cannot reflect.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PRIMARY = (
    "(SELECT a.code FROM project_ambition pa JOIN ambition a ON a.id = pa.ambition_id"
    " WHERE pa.project_id = {id} AND pa.is_primary LIMIT 1)"
)
_LATEST_RAG = (
    "(SELECT r.rag FROM quarterly_review r WHERE r.project_id = {id}"
    " ORDER BY r.fy_start_year DESC, r.quarter DESC LIMIT 1)"
)
_RAG_RANK = (
    "(CASE latest_rag WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 WHEN 'complete' THEN 3"
    " WHEN 'not_set' THEN 4 ELSE 5 END)"
)
INDEXES = {
    'ix_project_sort_ambition': ('(primary_ambition IS NULL)', 'primary_ambition', 'code'),
    'ix_project_sort_rag': (_RAG_RANK, 'code'),
}


def _set(column: str, value: str, project: str) -> str:
    return f"UPDATE project SET {column} = {value.format(id=project)} WHERE id = {project};"


def _sqlite_triggers() -> list[str]:
    primary, rag = (lambda p: _set("primary_ambition", _PRIMARY, p)), (lambda p: _set("latest_rag", _LATEST_RAG, p))
    return [
        # Only a primary link moves the primary ambition, so a bulk insert of the others costs nothing.
        f"CREATE TRIGGER project_primary_on_link AFTER INSERT ON project_ambition WHEN NEW.is_primary BEGIN {primary('NEW.project_id')} END",
        f"CREATE TRIGGER project_primary_on_unlink AFTER DELETE ON project_ambition WHEN OLD.is_primary BEGIN {primary('OLD.project_id')} END",
        f"CREATE TRIGGER project_primary_on_relink AFTER UPDATE ON project_ambition BEGIN {primary('OLD.project_id')} {primary('NEW.project_id')} END",
        "CREATE TRIGGER project_primary_on_recode AFTER UPDATE OF code ON ambition"
        " BEGIN UPDATE project SET primary_ambition = NEW.code WHERE primary_ambition = OLD.code; END",
        f"CREATE TRIGGER project_rag_on_review AFTER INSERT ON quarterly_review BEGIN {rag('NEW.project_id')} END",
        f"CREATE TRIGGER project_rag_on_unreview AFTER DELETE ON quarterly_review BEGIN {rag('OLD.project_id')} END",
        "CREATE TRIGGER project_rag_on_rereview AFTER UPDATE OF rag, fy_start_year, quarter, project_id ON quarterly_review"
        f" BEGIN {rag('OLD.project_id')} {rag('NEW.project_id')} END",
    ]


_SQLITE_TRIGGER_NAMES = (
    'project_primary_on_link', 'project_primary_on_unlink', 'project_primary_on_relink', 'project_primary_on_recode',
    'project_rag_on_review', 'project_rag_on_unreview', 'project_rag_on_rereview',
)


def _postgresql_functions() -> list[str]:
    def function(name: str, body: str) -> str:
        return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"

    def both(column: str, value: str) -> str:
        return (
            f"IF TG_OP <> 'INSERT' THEN {_set(column, value, 'OLD.project_id')} END IF;"
            f" IF TG_OP <> 'DELETE' THEN {_set(column, value, 'NEW.project_id')} END IF;"
        )

    return [
        function("projtui_primary_ambition", both("primary_ambition", _PRIMARY)),
        function("projtui_latest_rag", both("latest_rag", _LATEST_RAG)),
        function("projtui_ambition_recode", "UPDATE project SET primary_ambition = NEW.code WHERE primary_ambition = OLD.code;"),
        "CREATE TRIGGER project_primary_ambition AFTER INSERT OR UPDATE OR DELETE ON project_ambition"
        " FOR EACH ROW EXECUTE FUNCTION projtui_primary_ambition()",
        "CREATE TRIGGER project_latest_rag AFTER INSERT OR UPDATE OR DELETE ON quarterly_review"
        " FOR EACH ROW EXECUTE FUNCTION projtui_latest_rag()",
        "CREATE TRIGGER project_primary_on_recode AFTER UPDATE OF code ON ambition"
        " FOR EACH ROW EXECUTE FUNCTION projtui_ambition_recode()",
    ]


def upgrade() -> None:
    op.add_column('project', sa.Column('primary_ambition', sa.String(length=32), nullable=True))
    op.add_column('project', sa.Column('latest_rag', sa.String(length=24), nullable=True))
    op.execute(
        f"UPDATE project SET primary_ambition = {_PRIMARY.format(id='project.id')},"
        f" latest_rag = {_LATEST_RAG.format(id='project.id')}"
    )
    for name, columns in INDEXES.items():
        op.create_index(name, 'project', [text(column) for column in columns], unique=False)
    statements = _sqlite_triggers() if op.get_bind().dialect.name == 'sqlite' else _postgresql_functions()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in _SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER project_primary_ambition ON project_ambition")
        op.execute("DROP TRIGGER project_latest_rag ON quarterly_review")
        op.execute("DROP TRIGGER project_primary_on_recode ON ambition")
        for function in ("projtui_primary_ambition", "projtui_latest_rag", "projtui_ambition_recode"):
            op.execute(f"DROP FUNCTION {function}()")
    for name in INDEXES:
        op.drop_index(name, table_name='project')
    # Not batch mode: on SQLite it would copy the table afresh, losing 0011's expression indexes,
    # which SQLite cannot reflect (and DROP COLUMN is native there since 3.35).
    op.execute("ALTER TABLE project DROP COLUMN latest_rag")
    op.execute("ALTER TABLE project DROP COLUMN primary_ambition")
