"""Applying a snapshot document to the database: validate everything, then one transaction.

Ambitions, KPIs and projects are upserted by code and never deleted by an import
(a file holding one project must not wipe the others). Within a project (or a KPI) the
document is the truth: items, links, actuals and reviews it does not list
are removed, and `--dry-run` shows exactly that before anything happens.

A TOML snapshot states whole documents; a spreadsheet (`services/sheet_import.py`)
states rows, which it applies onto the database's own document first. Both
are an `Incoming` to the one path here: compare, refuse frozen changes, apply.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from projtui.domain.annotations import types_in
from projtui.domain.errors import InvalidInput, Problem
from projtui.domain.progress import Progress, counted, no_progress
from projtui.domain.quarter import Quarter
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.collector import cyclic_gc_paused
from projtui.services.export import (
    BATCH_SIZE,
    iter_projects,
    project_ids_in_order,
    read_header,
)
from projtui.services.import_freeze import FrozenChange, frozen_changes
from projtui.services.import_freeze import problems as frozen_problems
from projtui.services.permissions import require
from projtui.snapshot import document as doc
from projtui.snapshot.diff import KPI_ENTITIES, Change, diff_documents, summarise
from projtui.snapshot.reader import read_document
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.queries import bulk, snapshot_rows
from projtui.store.queries.audit import log_mark, projects_written_since
from projtui.store.queries.benchmarks import benchmark_values
from projtui.store.queries.projects import ambition_ids


@dataclass(frozen=True)
class ImportResult:
    changes: list[Change]
    applied: bool
    before: doc.Document  # the affected part of the database, as it was
    after: doc.Document  # the document as imported

    @property
    def summary(self) -> dict[str, dict[str, int]]:
        return summarise(self.changes)


class Incoming(Protocol):
    """A file an import reads: what it makes of the database's document, and where in it a refused change sits."""

    source: str

    def documents(self, session, progress: Progress) -> tuple[doc.Document, doc.Document]:
        """(the document as imported, the database's side of what it touches); InvalidInput if the file is not valid."""
        ...

    def refusals(self, found: list[FrozenChange]) -> list[Problem]:
        """The changes to published quarters as problems located in the file."""
        ...


def import_snapshot(
    db: Database,
    text: str,
    *,
    source: str,
    actor: str,
    dry_run: bool = False,
    reopen: str | None = None,
    progress: Progress = no_progress,
) -> ImportResult:
    """Validate `text` as a whole, then apply it in one transaction (or only report, when `dry_run`).

    A change to a published quarter is refused (`import_freeze`) unless
    `reopen` gives the reason to re-open it, which the audit log keeps.
    `progress` hears of three phases, each counting projects: reading the
    file (parsed and validated a project at a time), comparing it with the
    database's projects, and writing the projects that changed.
    """
    return import_incoming(db, _Snapshot(text, source), actor=actor, dry_run=dry_run, reopen=reopen, progress=progress)


def import_incoming(
    db: Database, incoming: Incoming, *, actor: str, dry_run: bool = False, reopen: str | None = None, progress: Progress = no_progress
) -> ImportResult:
    """The one import path, whatever the file: validate it whole, refuse frozen changes, then apply in one transaction."""
    if reopen is not None:
        reopen = audit.reason_text(reopen)
    with cyclic_gc_paused():
        return _import(db, incoming, actor=actor, dry_run=dry_run, reopen=reopen, progress=progress)


def _import(db: Database, incoming: Incoming, *, actor: str, dry_run: bool, reopen: str | None, progress: Progress) -> ImportResult:
    # Parse, validate and compare without the write lock: that is most of an
    # import's time, and other people's saves must not queue behind it. A dry
    # run never takes the lock at all.
    if not dry_run:  # a dry run only reads, as anyone may; the rest are refused before a long parse
        with db.transaction() as session:
            require(session, actor, Action.IMPORT)
    with db.reading() as session:
        mark = log_mark(session)
        new, current, changes = _compared(session, incoming, reopen, progress)
    if dry_run or not changes:
        return ImportResult(changes, applied=False, before=current, after=new)
    with db.transaction() as session:
        require(session, actor, Action.IMPORT)  # again: their role may have changed meanwhile
        if log_mark(session) != mark and _others_wrote_to(session, mark, new):
            # Someone saved to what the import compares in the meantime (every change is audited):
            # read it all again under the lock, so nothing they did is overwritten unseen. Saves to
            # other projects (a colleague's actuals) leave the comparison good, and the lock short.
            new, current, changes = _compared(session, incoming, reopen, progress)
        if changes:
            _apply(session, current, new, changes, actor, reopen, progress)
    return ImportResult(changes, applied=bool(changes), before=current, after=new)


def _others_wrote_to(session, mark: tuple[int, int | None], new: doc.Document) -> bool:
    """Did anyone write, since `mark`, to a project the file names, or to anything not a project's (ambitions, KPIs)? Unsure is yes."""
    written = projects_written_since(session, mark)
    if written is None or None in written:
        return True
    codes = {project_id: code for project_id, code, _version in snapshot_rows.project_versions(session)}
    named = {project.code for project in new.projects}
    return any(codes.get(project_id) in named or project_id not in codes for project_id in written)


@dataclass(frozen=True)
class _Snapshot:
    """A TOML snapshot: the whole document, as the file states it."""

    text: str
    source: str

    def documents(self, session, progress: Progress) -> tuple[doc.Document, doc.Document]:
        new = read_document(self.text, source=self.source, known_ambitions=frozenset(ambition_ids(session)), progress=progress)
        current = database_side(
            session, [p.code for p in new.projects], {a.code for a in new.ambitions}, progress, kpi_codes={k.code for k in new.kpis}
        )
        if new.portfolio == doc.PortfolioFields():
            new = new.model_copy(update={"portfolio": current.portfolio})
        return new, current

    def refusals(self, found: list[FrozenChange]) -> list[Problem]:
        return frozen_problems(found, source=self.source, text=self.text)


def database_side(
    session, project_codes: list[str], ambition_codes: set[str], progress: Progress, *, kpi_codes: set[str] = frozenset()
) -> doc.Document:
    """The database's document as far as an import names it: the portfolio fields, those ambitions, KPIs and projects.

    Every KPI quarter is there (a handful), for the import freeze; the comparison keeps to those the file lists.
    """
    header = read_header(session)
    ids = project_ids_in_order(session, project_codes)
    field_sets: dict[frozenset[str], set[str]] = {}
    projects = (doc.share_field_sets(project, field_sets) for project in iter_projects(session, ids))
    return doc.Document(
        portfolio=header.portfolio,
        ambitions=[a for a in header.ambitions if a.code in ambition_codes],
        kpis=[k for k in header.kpis if k.code in kpi_codes],
        kpi_quarters=header.kpi_quarters,
        projects=list(counted(projects, len(ids), "Comparing with the database", progress)),
    )


def _compared(session, incoming: Incoming, reopen: str | None, progress: Progress) -> tuple[doc.Document, doc.Document, list[Change]]:
    """The file's document, the database's side of what it touches, and the changes.

    Refused if the file is invalid, or its changes reach a published quarter and `reopen` gives no reason.
    """
    new, current = incoming.documents(session, progress)
    if reopen is None and (frozen := frozen_changes(current, new)):
        raise InvalidInput(incoming.refusals(frozen))
    return new, current, diff_documents(current, new)


def _apply(
    session, current: doc.Document, new: doc.Document, changes: list[Change], actor: str, reopen: str | None, progress: Progress
) -> None:
    # Re-opening is its own permission: an import may change published figures only for someone who may re-open them.
    frozen = frozen_changes(current, new) if reopen is not None else []
    if frozen:
        require(session, actor, Action.REOPEN_REVIEW)
    if new.portfolio != current.portfolio:
        for name, value in new.portfolio.model_dump().items():
            snapshot_rows.replace_setting(session, f"portfolio.{name}", value)
    _upsert_ambitions(session, current, new, changes)
    _write_kpis(session, new, changes, actor)
    _write_kpi_quarters(session, new, changes)
    touched = {change.project for change in changes if change.project}
    existing = {p.code: p for p in current.projects}
    rows = {code: (pid, version) for pid, code, version in snapshot_rows.project_versions(session) if code in touched}
    preserved: dict[tuple[str, str, int, int], tuple] = {}
    to_write: list[tuple[int | None, doc.Project]] = []
    for project in new.projects:
        if project.code not in touched:
            continue
        if project.code in existing:
            project_id, version = rows[project.code]
            preserved.update(_entered_metadata(session, project_id, project.code))
            snapshot_rows.update_project(
                session, project_id, {**_scalars(project, doc.ProjectFields), "version": version + 1, "updated_at": t.utcnow()}
            )
            snapshot_rows.delete_project_contents(session, project_id)
            to_write.append((project_id, project))
        else:
            to_write.append((None, project))
    writer = TreeWriter(session, ambition_ids(session), actor, preserved)
    project_ids: dict[str, int] = {}
    # A batch at a time, so the bar moves; the rows and their ids are the same as in one go.
    progress("Writing projects", 0, len(to_write))
    for start in range(0, len(to_write), BATCH_SIZE):
        project_ids.update(writer.write(to_write[start : start + BATCH_SIZE]))
        progress("Writing projects", min(start + BATCH_SIZE, len(to_write)), len(to_write))
    # An added project is one audit row, not one per item inside it.
    audit.record_changes(session, changes, actor=actor, project_ids=project_ids)
    if reopen is not None:
        for code, quarter in sorted({(change.project, change.quarter) for change in frozen if change.project is not None}):
            audit.record(session, actor=actor, action="reopen", entity="review", key=f"{code}@{quarter}",
                         project_id=rows[code][0], field="reason", new=reopen)
        for quarter in sorted({change.quarter for change in frozen if change.project is None}):
            audit.record(session, actor=actor, action="reopen", entity="kpi_quarter", key=str(quarter), field="reason", new=reopen)


def _scalars(record: doc.Strict, fields: type[doc.Strict]) -> dict:
    """Column values for the model's own fields, quarters as their stored labels.

    Read straight from the validated instance rather than through
    `model_dump`, which costs more than the insert for a big import; these
    fields are all scalars (text, numbers, dates, enums, quarters). Which
    of them hold a quarter is known from the model, so the other values
    are taken as they are, without a look at each.
    """
    names, quarters = _columns(fields)
    row = dict(zip(names, map(record.__dict__.__getitem__, names)))
    for name in quarters:
        if (value := row[name]) is not None:
            row[name] = str(value)
    return row


@functools.cache
def _columns(fields: type[doc.Strict]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The model's field names, and those of them that hold a Quarter (required or optional)."""
    quarters = tuple(name for name, info in fields.model_fields.items() if Quarter in types_in(info.annotation))
    return tuple(fields.model_fields), quarters


def _upsert_ambitions(session, current: doc.Document, new: doc.Document, changes: list[Change]) -> None:
    changed = {change.key.split("/")[0] for change in changes if change.entity in ("ambition", "priority")}
    rows = {row.code: row for row in snapshot_rows.ambitions(session)}
    next_order = max((row.sort_order for row in rows.values()), default=0)
    for ambition in new.ambitions:
        if ambition.code not in changed:
            continue
        values = _scalars(ambition, doc.AmbitionFields)
        row = rows.get(ambition.code)
        if row is None:
            next_order += 1
            row = snapshot_rows.add_ambition(session, {**values, "sort_order": next_order})
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.version += 1
            snapshot_rows.delete_priorities(session, row.id)
        snapshot_rows.add_priorities(
            session, row.id, ({"sort_order": i, **_scalars(priority, doc.PriorityFields)} for i, priority in enumerate(ambition.priorities))
        )
    session.flush()


def _write_kpis(session, new: doc.Document, changes: list[Change], actor: str) -> None:
    """Each KPI the changes touch, written whole: its row kept (by code), its measure, links and commentary anew.

    An actual whose value, flag and note are unchanged keeps who entered it
    and when, and unchanged commentary its author, as for a project's actuals.
    """
    touched = {change.key.partition("@")[0].partition("/")[0] for change in changes if change.entity in KPI_ENTITIES}
    if not touched:
        return
    ids, ambitions, now = snapshot_rows.kpi_ids(session), ambition_ids(session), t.utcnow()
    kept_commentary = {(row.kpi_id, row.fy_start_year, row.quarter): row for row in snapshot_rows.kpi_commentary(session)}
    for kpi in new.kpis:
        if kpi.code not in touched:
            continue
        old_id = ids.get(kpi.code)
        kept = {(v.fy_start_year, v.quarter): (v.value, v.provisional, v.note, v.entered_by, v.entered_at)
                for v in (snapshot_rows.kpi_actuals_kept(session, old_id) if old_id is not None else ())}
        kpi_id = snapshot_rows.replace_kpi(session, old_id, {"code": kpi.code, "service": kpi.service})
        commentary = []
        for q, text in kpi.commentary.items():
            before = kept_commentary.get((old_id, q.fy_start_year, q.quarter))
            unchanged = before is not None and before.text == text
            commentary.append({"text": text, "author": before.author if unchanged else actor,
                               "updated_at": before.updated_at if unchanged else now, **_quarter(q)})
        links = [{"ambition_id": ambitions[code], "is_primary": i == 0} for i, code in enumerate(kpi.ambitions)]
        measure_id = snapshot_rows.add_kpi_figures(session, kpi_id, _scalars(kpi, doc.MeasureFields), links, commentary)
        _write_figures(session, [(measure_id, kpi, lambda q: kept.get((q.fy_start_year, q.quarter)))], actor, now)


def _write_kpi_quarters(session, new: doc.Document, changes: list[Change]) -> None:
    """Whether each quarter the changes name has its KPIs published, as the file says; a quarter it leaves out stays as it is."""
    touched = {change.key for change in changes if change.entity == "kpi_quarter"}
    for quarter in new.kpi_quarters:
        if str(quarter.quarter) in touched:
            values = _scalars(quarter, doc.KpiQuarter)
            del values["quarter"]  # the row's key, as its year and number
            snapshot_rows.replace_kpi_quarter(session, quarter.quarter, values)


def _write_figures(session, measures: list[tuple[int, doc.Measure, Callable]], actor: str, now) -> None:
    """The measures' profiled targets, year-end forecasts, benchmarks and actuals, a bulk insert each.

    `kept(quarter)` is what the database held for that actual before the
    import (value, provisional, note, entered_by, entered_at), or None: an
    actual unchanged keeps who entered it and when.
    """
    values, targets, forecasts, benchmarks = [], [], [], []
    for measure_id, m, kept_for in measures:
        targets += [{"measure_id": measure_id, "value": v, **_quarter(q)} for q, v in m.targets.items()]
        forecasts += [{"measure_id": measure_id, "value": v, **_quarter(q)} for q, v in m.forecasts.items()]
        benchmarks += [benchmark_values(measure_id, b) for b in m.benchmarks]
        for q, v in m.actuals.items():
            provisional, note = q in m.provisional, m.notes.get(q)
            kept = kept_for(q)
            by, at = (kept[3], kept[4]) if kept and kept[:3] == (v, provisional, note) else (actor, now)
            values.append(
                {"measure_id": measure_id, "value": v, "provisional": provisional, "note": note,
                 "entered_by": by, "entered_at": at, "version": 1, **_quarter(q)}
            )
    bulk.insert_rows(session, t.MeasureTarget, targets)
    bulk.insert_rows(session, t.MeasureForecast, forecasts)
    bulk.insert_rows(session, t.MeasureBenchmark, benchmarks)
    bulk.insert_rows(session, t.MeasureValue, values)


def _entered_metadata(session, project_id: int, code: str) -> dict:
    """Who entered each actual, so re-importing an unchanged value keeps its author."""
    return {
        (code, measure_code, v.fy_start_year, v.quarter): (v.value, v.provisional, v.note, v.entered_by, v.entered_at)
        for measure_code, v in snapshot_rows.actuals_with_measure_codes(session, project_id)
    }


class TreeWriter:
    """Inserts whole project trees with a handful of bulk statements per batch, not one per row."""

    def __init__(self, session, ambition_ids: dict[str, int], actor: str, preserved: dict):
        self.session = session
        self.ambition_ids = ambition_ids
        self.actor = actor
        self.preserved = preserved

    def write(self, items: Sequence[tuple[int | None, doc.Project]]) -> dict[str, int]:
        now = t.utcnow()
        new_rows = [
            {**_scalars(p, doc.ProjectFields), "version": 1, "created_at": now, "updated_at": now}
            for pid, p in items if pid is None
        ]
        new_ids = iter(bulk.insert_rows_returning_ids(self.session, t.Project, new_rows))
        trees = [(pid if pid is not None else next(new_ids), p) for pid, p in items]

        links, plans, reviews, outputs, outcomes, benefits, risks = [], [], [], [], [], [], []
        for pid, p in trees:
            links += [
                {"project_id": pid, "ambition_id": self.ambition_ids[code], "is_primary": i == 0}
                for i, code in enumerate(p.ambitions)
            ]
            plans.append({"project_id": pid, **_scalars(p.benefits_review_plan, doc.Plan)})
            reviews += [{"project_id": pid, **_scalars(r, doc.ReviewFields), **_quarter(r.quarter)} for r in p.reviews]
            outputs += [{"project_id": pid, "position": i, **_scalars(o, doc.OutputFields)} for i, o in enumerate(p.outputs)]
            outcomes += [{"project_id": pid, "position": i, **_scalars(o, doc.OutcomeFields)} for i, o in enumerate(p.outcomes)]
            benefits += [{"project_id": pid, "position": i, **_scalars(b, doc.BenefitFields)} for i, b in enumerate(p.benefits)]
            risks += [{"project_id": pid, "version": 1, **_scalars(r, doc.RiskFields)} for r in p.risks]
        bulk.insert_rows(self.session, t.ProjectAmbition, links)
        bulk.insert_rows(self.session, t.BenefitsReviewPlan, plans)
        bulk.insert_rows(self.session, t.QuarterlyReview, reviews)
        bulk.insert_rows(self.session, t.Risk, risks)
        output_ids = iter(bulk.insert_rows_returning_ids(self.session, t.Output, outputs))
        outcome_ids = iter(bulk.insert_rows_returning_ids(self.session, t.Outcome, outcomes))
        benefit_ids = iter(bulk.insert_rows_returning_ids(self.session, t.Benefit, benefits))

        measures, measure_values, output_links, outcome_links = [], [], [], []
        for pid, p in trees:
            if not (p.outputs or p.outcomes or p.benefits):
                continue  # nothing to link and no measures: a register's new projects, most of a big first import
            out_ids = {o.code: next(output_ids) for o in p.outputs}
            oc_ids = {o.code: next(outcome_ids) for o in p.outcomes}
            ben_ids = {b.code: next(benefit_ids) for b in p.benefits}
            output_links += [{"output_id": out_ids[o.code], "outcome_id": oc_ids[c]} for o in p.outputs for c in o.outcomes]
            outcome_links += [{"outcome_id": oc_ids[o.code], "benefit_id": ben_ids[c]} for o in p.outcomes for c in o.benefits]
            # Every row names both parent columns: executemany needs the same keys throughout.
            parents = [({"outcome_id": oc_ids[o.code], "benefit_id": None}, o.measures) for o in p.outcomes]
            parents += [({"outcome_id": None, "benefit_id": ben_ids[b.code]}, b.measures) for b in p.benefits]
            position = 0
            for parent, parent_measures in parents:
                for m in parent_measures:
                    measures.append({"project_id": pid, **parent, "position": position, **_scalars(m, doc.MeasureFields)})
                    measure_values.append((p.code, m))
                    position += 1
        bulk.insert_rows(self.session, t.OutputOutcome, output_links)
        bulk.insert_rows(self.session, t.OutcomeBenefit, outcome_links)
        measure_ids = bulk.insert_rows_returning_ids(self.session, t.Measure, measures)

        preserved = self.preserved
        _write_figures(
            self.session,
            [
                (measure_id, m, lambda q, project_code=project_code, m=m: preserved.get((project_code, m.code, q.fy_start_year, q.quarter)))
                for measure_id, (project_code, m) in zip(measure_ids, measure_values, strict=True)
            ],
            self.actor, now,
        )
        return {p.code: pid for pid, p in trees}


def _quarter(q: Quarter) -> dict[str, int]:
    """A quarter as its stored key columns (overriding a review's `quarter` label)."""
    return {"fy_start_year": q.fy_start_year, "quarter": q.quarter}
