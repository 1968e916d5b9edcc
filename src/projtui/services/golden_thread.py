"""The golden thread: each Council Plan ambition with the projects serving it, and the projects linked to none."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from projtui.domain.enums import Stage
from projtui.services.portfolio import list_ambitions
from projtui.services.read_models import AmbitionSummary, ThreadProject
from projtui.store import tables as t
from projtui.store.database import Database


@dataclass(frozen=True)
class ThreadGroup:
    """An ambition and (up to a limit) the projects serving it; `ambition` None is "linked to no ambition"."""

    ambition: AmbitionSummary | None
    projects: tuple[ThreadProject, ...]
    total: int  # all the projects in the group, even those past the limit

    @property
    def more(self) -> int:
        return self.total - len(self.projects)


def golden_thread(db: Database, *, limit_per_group: int | None = 2_000) -> list[ThreadGroup]:
    """Each ambition with its projects (primary links marked), then the projects linked to none.

    A group lists at most `limit_per_group` projects, by code; `total` says
    how many there are, so a screen can say "and 8,000 more".
    """
    linked = select(t.ProjectAmbition.project_id).where(t.ProjectAmbition.project_id == t.Project.id).exists()
    ambitions = list_ambitions(db)
    with db.reading() as session:
        totals = dict(
            session.execute(select(t.ProjectAmbition.ambition_id, func.count()).group_by(t.ProjectAmbition.ambition_id)).all()
        )
        groups = []
        for ambition in ambitions:
            statement = (
                select(t.Project.code, t.Project.name, t.Project.stage, t.ProjectAmbition.is_primary)
                .join(t.ProjectAmbition, t.ProjectAmbition.project_id == t.Project.id)
                .where(t.ProjectAmbition.ambition_id == ambition.id)
                .order_by(t.Project.code)
                .limit(limit_per_group)
            )
            projects = tuple(
                ThreadProject(code=code, name=name, stage=Stage(stage), is_primary=bool(primary))
                for code, name, stage, primary in session.execute(statement)
            )
            groups.append(ThreadGroup(ambition, projects, totals.get(ambition.id, 0)))
        unlinked_total = session.scalar(select(func.count()).select_from(t.Project).where(~linked)) or 0
        unlinked = tuple(
            ThreadProject(code=code, name=name, stage=Stage(stage), is_primary=False)
            for code, name, stage in session.execute(
                select(t.Project.code, t.Project.name, t.Project.stage).where(~linked).order_by(t.Project.code).limit(limit_per_group)
            )
        )
        groups.append(ThreadGroup(None, unlinked, unlinked_total))
    return groups
