"""The golden thread's statements: how many projects serve each ambition, and which ones."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from projtui.store import tables as t

_LINKED = select(t.ProjectAmbition.project_id).where(t.ProjectAmbition.project_id == t.Project.id).exists()
# Linked to an ambition still in use: a link to a retired one is history, not service of the current plan.
_SERVING = (
    select(t.ProjectAmbition.project_id)
    .join(t.Ambition, t.Ambition.id == t.ProjectAmbition.ambition_id)
    .where(t.ProjectAmbition.project_id == t.Project.id, ~t.Ambition.retired)
    .exists()
)


def projects_per_ambition(session: Session) -> dict[int, int]:
    """Ambition id → how many projects link to it."""
    return dict(session.execute(select(t.ProjectAmbition.ambition_id, func.count()).group_by(t.ProjectAmbition.ambition_id)).all())


def ambition_projects(session: Session, ambition_id: int, limit: int | None) -> list[tuple[str, str, str, bool]]:
    """(code, name, stage, is_primary) of the projects serving an ambition, by code, at most `limit`."""
    statement = (
        select(t.Project.code, t.Project.name, t.Project.stage, t.ProjectAmbition.is_primary)
        .join(t.ProjectAmbition, t.ProjectAmbition.project_id == t.Project.id)
        .where(t.ProjectAmbition.ambition_id == ambition_id)
        .order_by(t.Project.code)
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(statement)]


def count_unlinked(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(t.Project).where(~_LINKED)) or 0


def unlinked_projects(
    session: Session, limit: int | None = None, *, except_stages: Collection[str] = (), only_retired: bool = False
) -> list[tuple[str, str, str]]:
    """(code, name, stage) of the projects linked to no ambition, by code, at most `limit`: the golden thread's
    "no ambition" group and `check`'s gap alike; `only_retired`: those linked to ambitions, every one retired."""
    unlinked = (_LINKED, ~_SERVING) if only_retired else (~_LINKED,)
    statement = (
        select(t.Project.code, t.Project.name, t.Project.stage)
        .where(*unlinked, t.Project.stage.not_in(except_stages))
        .order_by(t.Project.code)
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(statement)]
