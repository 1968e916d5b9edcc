"""The Council Plan's statements: its ambitions (retired ones too) and their priorities, in the plan's order."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from projtui.store import tables as t

__all__ = [
    "add_ambition", "add_priority", "ambition_by_code", "ambition_codes", "ambitions_in_order",
    "link_count", "priorities_in_order", "priority_by_code", "retired_among", "set_sort_orders",
]


def ambitions_in_order(session: Session) -> list[t.Ambition]:
    """Every ambition, retired ones too, in the plan's order."""
    return list(session.scalars(select(t.Ambition).order_by(t.Ambition.sort_order, t.Ambition.code)))


def ambition_by_code(session: Session, code: str) -> t.Ambition | None:
    return session.scalars(select(t.Ambition).where(t.Ambition.code == code)).first()


def ambition_codes(session: Session) -> list[str]:
    return list(session.scalars(select(t.Ambition.code)))


def add_ambition(session: Session, values: dict) -> t.Ambition:
    """Insert an ambition after every other one in the plan's order; the new row, with its id."""
    last = session.scalar(select(func.max(t.Ambition.sort_order))) or 0
    row = t.Ambition(**values, sort_order=last + 1)
    session.add(row)
    session.flush()
    return row


def link_count(session: Session, ambition_id: int) -> int:
    """How many projects link to the ambition."""
    return session.scalar(select(func.count()).where(t.ProjectAmbition.ambition_id == ambition_id)) or 0


def set_sort_orders(session: Session, table, orders: Sequence[tuple[int, int]]) -> None:
    """(row id, sort order) for each row of `table` (Ambition or Priority) whose place in the order changes."""
    for row_id, order in orders:
        session.execute(update(table).where(table.id == row_id).values(sort_order=order).execution_options(synchronize_session=False))


def priorities_in_order(session: Session, ambition_id: int) -> list[t.Priority]:
    return list(session.scalars(select(t.Priority).where(t.Priority.ambition_id == ambition_id).order_by(t.Priority.sort_order, t.Priority.id)))


def priority_by_code(session: Session, ambition_id: int, code: str) -> t.Priority | None:
    return session.scalars(select(t.Priority).where(t.Priority.ambition_id == ambition_id, t.Priority.code == code)).first()


def add_priority(session: Session, ambition_id: int, values: dict) -> t.Priority:
    """Insert a priority after the ambition's others; the new row, with its id."""
    last = session.scalar(select(func.max(t.Priority.sort_order)).where(t.Priority.ambition_id == ambition_id))
    row = t.Priority(ambition_id=ambition_id, **values, sort_order=(last if last is not None else -1) + 1)
    session.add(row)
    session.flush()
    return row


def retired_among(session: Session, codes: Collection[str]) -> list[str]:
    """Those of `codes` that name a retired ambition."""
    if not codes:
        return []
    return list(session.scalars(select(t.Ambition.code).where(t.Ambition.code.in_(codes), t.Ambition.retired)))
