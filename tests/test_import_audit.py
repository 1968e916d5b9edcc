"""What an import writes to the audit log, row for row: the trail people read must not change when the write path is made faster.

Every field of every row an import adds is pinned, in order, on SQLite and
on PostgreSQL: the kind of change, what it is about (and the project's id,
for an added project too), the old and new values as text, and one time for
the whole import, stored as every other entry's time is.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from people import admins

from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.transfer import export_snapshot, load_sample
from projtui.store import tables as t


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def portfolio(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = admins(open_portfolio(url, create=True), ("setup", "j.smith"))
    load_sample(db, actor="setup")
    yield db
    db.dispose()


def _once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _edited(text: str) -> str:
    """The sample with one change of each kind an import audits: a setting, an ambition, project fields, a link, an item, an actual, a new project."""
    for old, new in (
        ('name = "Strategic Projects 2024-2027"', 'name = "Strategic Projects 2025-2028"'),
        ('title = "A Sustainable District"', 'title = "A Greener District"'),
        ('stage = "delivery"', 'stage = "closing"'),
        ("start_date = 2024-04-01", "start_date = 2024-05-01"),
        ("budget_pence = 48500000", "budget_pence = 48600000"),
        ('ambitions = ["A1", "A4"]', 'ambitions = ["A4"]'),
        ('[[projects.outputs]]\ncode = "O3"\ntitle = "Fibre bin trial running with 4,000 households"\nowner = "Recycling Officer"\n'
         'outcomes = ["OC3"]\n\n', ""),
        ('"2026/27 Q2" = 86900.0 }', '"2026/27 Q2" = 87000.0 }'),  # SP-01's M2, provisional, so it may change
    ):
        text = _once(text, old, new)
    return text + '\n[[projects]]\ncode = "SP-99"\nname = "A new project"\nambitions = ["A2"]\n'


def test_an_import_writes_the_same_audit_rows_in_the_same_order(portfolio):
    text = _edited("".join(export_snapshot(portfolio, exported_at=None)))
    with portfolio.reading() as session:
        before = session.scalar(sa.select(sa.func.max(t.AuditLog.id)))
    started = t.utcnow()
    assert import_snapshot(portfolio, text, source="edited.toml", actor="j.smith").applied
    finished = t.utcnow()
    with portfolio.reading() as session:
        entries = session.scalars(sa.select(t.AuditLog).where(t.AuditLog.id > before).order_by(t.AuditLog.id)).all()
        stored = session.scalars(sa.select(sa.cast(t.AuditLog.at, sa.String)).where(t.AuditLog.id > before)).all()
        new_id = session.scalar(sa.select(t.Project.id).where(t.Project.code == "SP-99"))
        sp01 = session.scalar(sa.select(t.Project.id).where(t.Project.code == "SP-01"))
    assert [(e.actor, e.action, e.entity, e.entity_key, e.project_id, e.field, e.old_value, e.new_value) for e in entries] == [
        ("j.smith", "update", "portfolio", "portfolio", None, "name", "Strategic Projects 2024-2027", "Strategic Projects 2025-2028"),
        ("j.smith", "update", "ambition", "A1", None, "title", "A Sustainable District", "A Greener District"),
        ("j.smith", "update", "project", "SP-01", sp01, "stage", "delivery", "closing"),
        ("j.smith", "update", "project", "SP-01", sp01, "start_date", "2024-04-01", "2024-05-01"),
        ("j.smith", "update", "project", "SP-01", sp01, "budget_pence", "48500000", "48600000"),
        ("j.smith", "update", "project", "SP-01", sp01, "primary_ambition", "A1", "A4"),
        ("j.smith", "delete", "ambition_link", "SP-01/A1", sp01, None, "A1", None),
        ("j.smith", "delete", "output", "SP-01/O3", sp01, None, "Fibre bin trial running with 4,000 households", None),
        ("j.smith", "update", "actual", "SP-01/M2@2026/27 Q2", sp01, "value", "86900.0", "87000.0"),
        ("j.smith", "create", "project", "SP-99", new_id, None, None, "A new project"),
    ]
    # One time for the whole import, taken during it, and stored as the ORM stores every other entry's.
    assert len({e.at for e in entries}) == 1
    at = entries[0].at
    at = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without its zone
    assert started <= at <= finished
    if portfolio.engine.dialect.name == "sqlite":
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", text) for text in stored), stored
