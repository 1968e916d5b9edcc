"""What the portfolio and golden-thread screens show beyond one page of projects.

* ``group_counts`` gives the size of each group when the portfolio is
  grouped by ambition or stage, in the same order ``list_projects`` sorts
  (and so the count beside each stage in the stage picker);
* ``ambition_counts`` the count beside each ambition in the ambition picker;
* ``golden_thread`` lists each Council Plan ambition with its projects, and
  the projects linked to none;
* ``list_ambitions`` and ``portfolio_title`` for pickers and titles;
* ``bulk_create_projects`` adds many projects in one transaction (the
  benchmarks and the large-portfolio tests build 100,000 with it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from projtui.domain.enums import Stage
from projtui.domain.errors import InvalidInput, Problem, RuleError
from projtui.domain.records import ProjectFields
from projtui.services.projects import _filtered, _primary_ambition, stage_rank
from projtui.services.read_models import NO_AMBITION, AmbitionSummary, ProjectQuery, SortKey, ThreadProject
from projtui.store import tables as t
from projtui.store.database import Database

_CHUNK = 500  # ids per IN (...) list: well inside SQLite's and PostgreSQL's parameter limits


# -- read models --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCount:
    """One group of the portfolio: its key (an ambition code or a stage; None = no ambition) and size."""

    key: str | None
    count: int


@dataclass(frozen=True)
class ThreadGroup:
    """An ambition and (up to a limit) the projects serving it; `ambition` None is "linked to no ambition"."""

    ambition: AmbitionSummary | None
    projects: tuple[ThreadProject, ...]
    total: int  # all the projects in the group, even those past the limit

    @property
    def more(self) -> int:
        return self.total - len(self.projects)


# -- titles and ambitions -----------------------------------------------------------------------


def portfolio_title(db: Database) -> str | None:
    """The portfolio's name (and council), as the snapshot's [portfolio] table gave them."""
    with db.reading() as session:
        settings = dict(session.execute(select(t.Setting.key, t.Setting.value).where(t.Setting.key.in_(["portfolio.name", "portfolio.council"]))).all())
    parts = [settings.get("portfolio.name"), settings.get("portfolio.council")]
    shown = [part for part in parts if part]
    return " · ".join(shown) if shown else None


def _summary(row: t.Ambition) -> AmbitionSummary:
    return AmbitionSummary(
        id=row.id, version=row.version, code=row.code, title=row.title, description=row.description, plan_period=row.plan_period
    )


def list_ambitions(db: Database) -> list[AmbitionSummary]:
    """Every Council Plan ambition, in the plan's order."""
    with db.reading() as session:
        rows = session.scalars(select(t.Ambition).order_by(t.Ambition.sort_order, t.Ambition.code)).all()
        return [_summary(row) for row in rows]


# -- golden thread ------------------------------------------------------------------------------


def golden_thread(db: Database, *, limit_per_group: int | None = 2_000) -> list[ThreadGroup]:
    """Each ambition with its projects (primary links marked), then the projects linked to none.

    A group lists at most `limit_per_group` projects, by code; `total` says
    how many there are, so a screen can say "and 8,000 more".
    """
    linked = select(t.ProjectAmbition.project_id).where(t.ProjectAmbition.project_id == t.Project.id).exists()
    with db.reading() as session:
        ambitions = session.scalars(select(t.Ambition).order_by(t.Ambition.sort_order, t.Ambition.code)).all()
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
            groups.append(ThreadGroup(_summary(ambition), projects, totals.get(ambition.id, 0)))
        unlinked_total = session.scalar(select(func.count()).select_from(t.Project).where(~linked)) or 0
        unlinked = tuple(
            ThreadProject(code=code, name=name, stage=Stage(stage), is_primary=False)
            for code, name, stage in session.execute(
                select(t.Project.code, t.Project.name, t.Project.stage).where(~linked).order_by(t.Project.code).limit(limit_per_group)
            )
        )
        groups.append(ThreadGroup(None, unlinked, unlinked_total))
    return groups


# -- grouping the portfolio ---------------------------------------------------------------------


def group_counts(db: Database, query: ProjectQuery, by: SortKey) -> list[GroupCount]:
    """How many of the filtered projects fall in each group, in the order `list_projects` shows them.

    `by` is SortKey.AMBITION (the primary ambition; None for unlinked
    projects) or SortKey.STAGE; `query.descending` reverses the order just as
    it does for the rows.
    """
    if by is SortKey.AMBITION:
        key = _primary_ambition().label("group_key")
        order = [key.is_(None), key]  # as list_projects: unlinked projects last
    elif by is SortKey.STAGE:
        key = t.Project.stage.label("group_key")
        order = [stage_rank()]  # the lifecycle, as list_projects sorts by stage
    else:
        raise ValueError(f"cannot group the portfolio by {by}")
    statement = _filtered(db, query, [key, func.count()]).group_by(key)
    statement = statement.order_by(*(k.desc() if query.descending else k for k in order))
    with db.reading() as session:
        return [GroupCount(key=value, count=count) for value, count in session.execute(statement)]


def ambition_counts(db: Database, query: ProjectQuery) -> dict[str, int]:
    """How many of the projects matching `query` serve each ambition, for the ambition picker.

    Counted as the ambition filter matches: any link, primary or not, so a
    project linked to two ambitions counts under both. `query.ambition` is
    ignored; NO_AMBITION counts the projects linked to none, and "" all of
    them. Ambitions no matching project serves are left out.
    """
    everything = replace(query, ambition=None)
    linked = (
        _filtered(db, everything, [t.Ambition.code, func.count()])
        .join(t.ProjectAmbition, t.ProjectAmbition.project_id == t.Project.id)
        .join(t.Ambition, t.Ambition.id == t.ProjectAmbition.ambition_id)
        .group_by(t.Ambition.code)
    )
    with db.reading() as session:
        counts = dict(session.execute(linked).all())
        counts[NO_AMBITION] = session.scalar(_filtered(db, replace(query, ambition=NO_AMBITION), [func.count()])) or 0
        counts[""] = session.scalar(_filtered(db, everything, [func.count()])) or 0
    return counts


# -- many projects at once ----------------------------------------------------------------------


def bulk_create_projects(
    db: Database,
    projects: Iterable[ProjectFields | tuple[ProjectFields, Sequence[str]]],
    *,
    actor: str,
    batch: int = 5_000,
) -> int:
    """Add many projects in one transaction; each may carry its ambition codes (first is primary).

    The same rules as ``projects.create_project`` (a project past the
    pipeline needs an ambition; codes are unique), written in batches of
    executemany inserts with one audit row per project. Returns how many
    were added.
    """
    added = 0
    try:
        with db.transaction() as session:
            ambition_ids = dict(session.execute(select(t.Ambition.code, t.Ambition.id)).all())
            pending: list[tuple[ProjectFields, Sequence[str]]] = []

            def flush() -> None:
                # Core inserts on the tables: the ORM's bulk path costs several times more per row.
                nonlocal added
                if not pending:
                    return
                now = t.utcnow()
                session.execute(
                    insert(t.Project.__table__),
                    [{**fields.model_dump(), "version": 1, "created_at": now, "updated_at": now} for fields, _ in pending],
                )
                codes = [fields.code for fields, _ in pending]
                ids = dict(session.execute(select(t.Project.code, t.Project.id).where(t.Project.code.in_(codes))).all())
                session.execute(
                    insert(t.BenefitsReviewPlan.__table__), [{"project_id": ids[code], "status": "draft", "version": 1} for code in codes]
                )
                links = [
                    {"project_id": ids[fields.code], "ambition_id": ambition_ids[code], "is_primary": i == 0}
                    for fields, ambitions in pending
                    for i, code in enumerate(ambitions)
                ]
                if links:
                    session.execute(insert(t.ProjectAmbition.__table__), links)
                session.execute(
                    insert(t.AuditLog.__table__),
                    [
                        {
                            "at": now, "actor": actor, "action": "create", "entity": "project", "entity_key": fields.code,
                            "project_id": ids[fields.code], "field": None, "old_value": None, "new_value": fields.name,
                        }
                        for fields, _ in pending
                    ],
                )
                added += len(pending)
                pending.clear()

            for item in projects:
                fields, ambitions = (item, ()) if isinstance(item, ProjectFields) else item
                if fields.stage.needs_ambition and not ambitions:
                    raise RuleError(f"project {fields.code} is at stage {fields.stage}: it must stay linked to at least one Council Plan ambition")
                unknown = [code for code in ambitions if code not in ambition_ids]
                if unknown:
                    raise InvalidInput([Problem("", "ambitions", code, "no ambition has this code") for code in unknown])
                pending.append((fields, tuple(ambitions)))
                if len(pending) >= batch:
                    flush()
            flush()
    except IntegrityError:
        raise InvalidInput([Problem("", "code", None, "another project already has one of these codes")]) from None
    return added
