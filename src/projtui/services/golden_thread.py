"""The golden thread: each Council Plan ambition with the projects serving it, and the projects linked to none."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from projtui.domain.enums import Stage
from projtui.services.ambitions import priority_item
from projtui.services.portfolio import list_ambitions
from projtui.services.read_models import AmbitionSummary, PriorityItem, ThreadProject
from projtui.store.database import Database
from projtui.store.queries import golden_thread as q
from projtui.store.queries import snapshot_rows


@dataclass(frozen=True)
class ThreadGroup:
    """An ambition and (up to a limit) the projects serving it; `ambition` None is "linked to no ambition"."""

    ambition: AmbitionSummary | None
    projects: tuple[ThreadProject, ...]
    total: int  # all the projects in the group, even those past the limit
    priorities: tuple[PriorityItem, ...] = ()  # the ambition's, in its order

    @property
    def more(self) -> int:
        return self.total - len(self.projects)


def golden_thread(db: Database, *, limit_per_group: int | None = 2_000) -> list[ThreadGroup]:
    """Each ambition (retired ones too) with its priorities and projects (primary links marked), then the projects linked to none.

    A group lists at most `limit_per_group` projects, by code; `total` says
    how many there are, so a screen can say "and 8,000 more".
    """
    ambitions = list_ambitions(db)
    with db.reading() as session:
        totals = q.projects_per_ambition(session)
        codes = {ambition.id: ambition.code for ambition in ambitions}
        priorities: dict[int, list[PriorityItem]] = defaultdict(list)
        for row in snapshot_rows.priorities(session):
            if row.ambition_id in codes:  # an ambition added since `ambitions` was read waits for the next read
                priorities[row.ambition_id].append(priority_item(row, codes[row.ambition_id]))
        groups = []
        for ambition in ambitions:
            projects = tuple(
                ThreadProject(code=code, name=name, stage=Stage(stage), is_primary=bool(primary))
                for code, name, stage, primary in q.ambition_projects(session, ambition.id, limit_per_group)
            )
            groups.append(ThreadGroup(ambition, projects, totals.get(ambition.id, 0), tuple(priorities[ambition.id])))
        unlinked = tuple(
            ThreadProject(code=code, name=name, stage=Stage(stage), is_primary=False)
            for code, name, stage in q.unlinked_projects(session, limit_per_group)
        )
        groups.append(ThreadGroup(None, unlinked, q.count_unlinked(session)))
    return groups
