"""Projects: the portfolio list, one project's details, edits and its ambition links."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from projtui.domain.enums import Rag, Stage
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, Problem, RuleError
from projtui.domain.quarter import Quarter
from projtui.domain.records import ProjectFields
from projtui.services import audit
from projtui.services.locking import delete_versioned, update_audited, update_versioned
from projtui.services.read_models import (
    NO_AMBITION,
    AmbitionLink,
    ProjectDetail,
    ProjectQuery,
    ProjectRow,
    SortKey,
)
from projtui.store import tables as t
from projtui.store.database import Database

# Worst first, so sorting by RAG puts the projects needing attention on top.
_RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.COMPLETE: 3, Rag.NOT_SET: 4}

# The lifecycle, in the order DESIGN lists the stages and `Stage` declares them: sorting and
# grouping by stage follow a project's life (pipeline → … → closed, then on hold and cancelled),
# not the alphabet.
_STAGE_ORDER = {stage.value: rank for rank, stage in enumerate(Stage)}


def _latest_review():
    later = select(t.QuarterlyReview.id).where(t.QuarterlyReview.project_id == t.Project.id).correlate(t.Project)
    return (
        later.order_by(t.QuarterlyReview.fy_start_year.desc(), t.QuarterlyReview.quarter.desc()).limit(1).scalar_subquery()
    )


def _primary_ambition():
    return (
        select(t.Ambition.code)
        .join(t.ProjectAmbition, t.ProjectAmbition.ambition_id == t.Ambition.id)
        .where(t.ProjectAmbition.project_id == t.Project.id, t.ProjectAmbition.is_primary)
        .limit(1)
        .scalar_subquery()
    )


def stage_rank():
    """A project's stage as its place in the lifecycle (a CASE in SQL, so the database sorts by it)."""
    return case(_STAGE_ORDER, value=t.Project.stage, else_=len(_STAGE_ORDER))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_matches(db: Database, text: str):
    """Code, name, lead or service contains `text`, ignoring case.

    On SQLite plain LIKE already ignores (ASCII) case, and SQLite's lower()
    folds ASCII only, so ILIKE would find nothing more: it would only add a
    lower() call on both sides of every comparison, and stop SQLite reading
    the columns straight from an index. PostgreSQL's LIKE is case-sensitive:
    there ILIKE stays.
    """
    pattern = f"%{_escape_like(text)}%"
    columns = (t.Project.code, t.Project.name, t.Project.lead, t.Project.service)
    if db.is_sqlite:
        return or_(*(column.like(pattern, escape="\\") for column in columns))
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _filtered(db: Database, query: ProjectQuery, columns):
    statement = select(*columns).select_from(t.Project)
    text = query.text.strip()
    if text:
        statement = statement.where(_text_matches(db, text))
    if query.stage is not None:
        statement = statement.where(t.Project.stage == query.stage.value)
    if query.ambition == NO_AMBITION:
        statement = statement.where(~select(t.ProjectAmbition.project_id).where(t.ProjectAmbition.project_id == t.Project.id).exists())
    elif query.ambition:
        statement = statement.where(
            select(t.ProjectAmbition.project_id)
            .join(t.Ambition, t.Ambition.id == t.ProjectAmbition.ambition_id)
            .where(t.ProjectAmbition.project_id == t.Project.id, t.Ambition.code == query.ambition)
            .exists()
        )
    return statement


def count_projects(db: Database, query: ProjectQuery = ProjectQuery()) -> int:
    with db.reading() as session:
        return session.scalar(_filtered(db, query, [func.count()])) or 0


def total_projects(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(t.Project)) or 0


def _sort_keys(sort: SortKey) -> list:
    ambition = _primary_ambition()
    return {
        SortKey.CODE: [],
        SortKey.NAME: [func.lower(t.Project.name)],
        SortKey.STAGE: [stage_rank()],
        SortKey.AMBITION: [ambition.is_(None), ambition],
        SortKey.LEAD: [t.Project.lead.is_(None), func.lower(t.Project.lead)],
        SortKey.SERVICE: [t.Project.service.is_(None), func.lower(t.Project.service)],
        SortKey.RAG: [_rag_rank()],
    }[sort]


def list_projects(db: Database, query: ProjectQuery = ProjectQuery(), *, offset: int = 0, limit: int = 100) -> list[ProjectRow]:
    """One page of the portfolio, filtered and sorted in the database.

    Two steps: the page's ids, sorted by the sort keys alone; then what the
    table shows for those ids only. In one statement SQLite would work out
    each project's primary ambition and latest review for every row it
    sorts or skips, not just for the page (three times slower deep in
    100,000 projects).
    """
    keys = [*_sort_keys(query.sort), t.Project.code]
    page = _filtered(db, query, [t.Project.id]).order_by(*(key.desc() if query.descending else key for key in keys))
    columns = [
        t.Project.id, t.Project.code, t.Project.name, t.Project.stage, t.Project.lead, t.Project.service,
        _primary_ambition().label("ambition"), _latest_review().label("review_id"),
    ]
    with db.reading() as session:
        ids = session.scalars(page.offset(offset).limit(limit)).all()
        found = {row.id: row for row in session.execute(select(*columns).where(t.Project.id.in_(ids)))} if ids else {}
        rows = [found[id_] for id_ in ids if id_ in found]
        reviews = {
            r.id: r
            for r in session.execute(
                select(t.QuarterlyReview.id, t.QuarterlyReview.rag, t.QuarterlyReview.fy_start_year, t.QuarterlyReview.quarter)
                .where(t.QuarterlyReview.id.in_([row.review_id for row in rows if row.review_id]))
            )
        }
    result = []
    for row in rows:
        review = reviews.get(row.review_id)
        result.append(
            ProjectRow(
                id=row.id, code=row.code, name=row.name, stage=Stage(row.stage), primary_ambition=row.ambition,
                latest_rag=Rag(review.rag) if review else Rag.NOT_SET,
                latest_quarter=Quarter(review.fy_start_year, review.quarter) if review else None,
                lead=row.lead, service=row.service,
            )
        )
    return result


def _rag_rank():
    rag = select(t.QuarterlyReview.rag).where(t.QuarterlyReview.id == _latest_review()).scalar_subquery()
    return case(*((rag == value.value, rank) for value, rank in _RAG_ORDER.items()), else_=len(_RAG_ORDER))


def _load_detail(session: Session, code: str) -> ProjectDetail | None:
    row = session.scalars(select(t.Project).where(t.Project.code == code)).first()
    if row is None:
        return None
    links = session.execute(
        select(t.Ambition.code, t.Ambition.title, t.ProjectAmbition.is_primary)
        .join(t.ProjectAmbition, t.ProjectAmbition.ambition_id == t.Ambition.id)
        .where(t.ProjectAmbition.project_id == row.id)
        .order_by(t.ProjectAmbition.is_primary.desc(), t.Ambition.sort_order, t.Ambition.code)
    ).all()
    fields = ProjectFields.model_validate({name: getattr(row, name) for name in ProjectFields.model_fields})
    return ProjectDetail(
        id=row.id, version=row.version, fields=fields,
        ambitions=tuple(AmbitionLink(code=c, title=title, is_primary=bool(p)) for c, title, p in links),
        created_at=row.created_at, updated_at=row.updated_at,
    )


def get_project(db: Database, code: str) -> ProjectDetail:
    with db.reading() as session:
        detail = _load_detail(session, code)
    if detail is None:
        raise NotFoundError(f"no project with code {code!r}")
    return detail


def _duplicate(code: str) -> InvalidInput:
    return InvalidInput([Problem("", "code", code, "another project already has this code")])


def create_project(db: Database, fields: ProjectFields, *, actor: str, ambitions: list[str] = ()) -> ProjectDetail:
    """Add a project; `ambitions` lists codes, the first is primary."""
    _require_ambition(fields.stage, ambitions, fields.code)
    try:
        with db.transaction() as session:
            row = t.Project(**fields.model_dump())
            session.add(row)
            session.flush()
            session.add(t.BenefitsReviewPlan(project_id=row.id))
            _write_links(session, row.id, list(ambitions))
            audit.record(session, actor=actor, action="create", entity="project", key=fields.code, project_id=row.id, new=fields.name)
            detail = _load_detail(session, fields.code)
    except IntegrityError:
        raise _duplicate(fields.code) from None
    assert detail is not None
    return detail


def update_project(db: Database, code: str, fields: ProjectFields, *, expected_version: int, actor: str) -> ProjectDetail:
    """Save an edit made to the version the user saw; a newer version raises ConflictError."""
    try:
        with db.transaction() as session:
            before = _load_detail(session, code)
            if before is None:
                raise ConflictError("project", code, expected_version, None)
            if fields.stage.needs_ambition and not before.ambitions:
                raise RuleError(f"project {code} must be linked to a Council Plan ambition before it can move to {fields.stage}")
            changes = _changed(before.fields, fields)
            if not changes:
                return before
            update_audited(
                session, t.Project, before.id, expected_version, changes,
                {**{name: getattr(fields, name) for name in changes}, "updated_at": t.utcnow()},
                actor=actor, entity="project", key=code, audit_key=fields.code, project_id=before.id,
                current=lambda: _load_detail(session, code),
            )
            detail = _load_detail(session, fields.code)
    except IntegrityError:
        raise _duplicate(fields.code) from None
    assert detail is not None
    return detail


def _changed(before: ProjectFields, after: ProjectFields) -> dict[str, tuple]:
    """Changed fields with old and new values as the audit log shows them."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return {name: (old[name], new[name]) for name in new if old[name] != new[name]}


def delete_project(db: Database, code: str, *, expected_version: int, actor: str) -> None:
    with db.transaction() as session:
        row_id = session.scalar(select(t.Project.id).where(t.Project.code == code))
        if row_id is None:
            raise ConflictError("project", code, expected_version, None)
        delete_versioned(session, t.Project, row_id, expected_version, entity="project", key=code, current=lambda: _load_detail(session, code))
        audit.record(session, actor=actor, action="delete", entity="project", key=code, project_id=row_id)


def _require_ambition(stage: Stage, ambitions, code: str) -> None:
    if stage.needs_ambition and not ambitions:
        raise RuleError(f"project {code} is at stage {stage}: it must stay linked to at least one Council Plan ambition")


def _write_links(session: Session, project_id: int, codes: list[str]) -> None:
    ids = dict(session.execute(select(t.Ambition.code, t.Ambition.id).where(t.Ambition.code.in_(codes))).all())
    unknown = [code for code in codes if code not in ids]
    if unknown:
        raise InvalidInput([Problem("", "ambitions", code, "no ambition has this code") for code in unknown])
    session.add_all(t.ProjectAmbition(project_id=project_id, ambition_id=ids[code], is_primary=i == 0) for i, code in enumerate(codes))


def set_ambitions(db: Database, code: str, ambitions: list[str], *, expected_version: int, actor: str) -> ProjectDetail:
    """Replace the project's ambition links (first is primary); the project's version guards the change."""
    if len(set(ambitions)) != len(ambitions):
        raise InvalidInput([Problem("", "ambitions", ambitions, "an ambition is listed twice")])
    with db.transaction() as session:
        before = _load_detail(session, code)
        if before is None:
            raise ConflictError("project", code, expected_version, None)
        _require_ambition(before.fields.stage, ambitions, code)
        old = [link.code for link in before.ambitions]
        if old == ambitions:
            return before
        update_versioned(
            session, t.Project, before.id, expected_version, {"updated_at": t.utcnow()},
            entity="project", key=code, current=lambda: _load_detail(session, code),
        )
        session.execute(t.ProjectAmbition.__table__.delete().where(t.ProjectAmbition.project_id == before.id))
        _write_links(session, before.id, ambitions)
        for gone in [c for c in old if c not in ambitions]:
            audit.record(session, actor=actor, action="unlink", entity="ambition_link", key=f"{code}/{gone}", project_id=before.id)
        for added in [c for c in ambitions if c not in old]:
            audit.record(session, actor=actor, action="link", entity="ambition_link", key=f"{code}/{added}", project_id=before.id)
        if old[:1] != ambitions[:1]:
            audit.record(
                session, actor=actor, action="update", entity="project", key=code, project_id=before.id,
                field="primary_ambition", old=old[0] if old else None, new=ambitions[0] if ambitions else None,
            )
        detail = _load_detail(session, code)
    assert detail is not None
    return detail
