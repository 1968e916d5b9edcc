"""Golden-thread and data-quality gaps across the portfolio (`projtui check`).

Each kind of gap is one SQL query, so checking stays fast on a large
portfolio; the rules of what counts live in the domain (cadence, stages).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from projtui.domain.cadence import due_quarters
from projtui.domain.codes import natural_key
from projtui.domain.enums import Frequency, Rag, Stage
from projtui.domain.quarter import Quarter
from projtui.services.reviews.quarter import latest_quarter
from projtui.store import tables as t
from projtui.store.database import Database

# Kinds in the order a reader meets them: the golden thread first.
KINDS = {
    "no_ambition": "golden thread",
    "output_no_outcome": "benefits map",
    "outcome_no_benefit": "benefits map",
    "benefit_no_measure": "benefits map",
    "measure_no_baseline": "measures",
    "target_no_trajectory": "measures",
    "measure_no_target": "measures",
    "missing_actual": "actuals",
    "no_owner": "ownership",
    "double_counting": "attribution",
    "rag_without_commentary": "reviews",
}
_ORDER = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Gap:
    kind: str
    project: str | None
    key: str
    message: str

    @property
    def sort_key(self) -> tuple:
        return (natural_key(self.project or ""), _ORDER[self.kind], natural_key(self.key))


def find_gaps(db: Database) -> tuple[list[Gap], Quarter | None]:
    latest = latest_quarter(db)
    with db.reading() as session:
        gaps = [
            *_unlinked_projects(session),
            *_items_without(session, t.Output, t.OutputOutcome.output_id, "output_no_outcome", "leads to no outcome"),
            *_items_without(session, t.Outcome, t.OutcomeBenefit.outcome_id, "outcome_no_benefit", "leads to no benefit"),
            *_items_without(session, t.Benefit, t.Measure.benefit_id, "benefit_no_measure", "has no measure"),
            *_measures_missing(session, t.Measure.baseline, "measure_no_baseline", "has no baseline", ~_dated_target),
            *_targets_without_trajectory(session),
            *_measures_missing(session, t.Measure.target, "measure_no_target", "has no target (monitor only)"),
            *(_missing_actuals(session, latest) if latest else []),
            *_no_owner(session),
            *_double_counting(session),
            *_unexplained_ratings(session),
        ]
    return sorted(gaps, key=lambda gap: gap.sort_key), latest


def _unlinked_projects(session: Session) -> list[Gap]:
    linked = exists().where(t.ProjectAmbition.project_id == t.Project.id)
    rows = session.execute(
        select(t.Project.code, t.Project.name, t.Project.stage).where(~linked, t.Project.stage != Stage.CANCELLED)
    )
    return [
        Gap("no_ambition", code, code, f"{name!r} ({stage}) is linked to no Council Plan ambition")
        for code, name, stage in rows
    ]


def _items_without(session: Session, table, link_column, kind: str, message: str) -> list[Gap]:
    has_link = exists().where(link_column == table.id)
    rows = session.execute(
        select(t.Project.code, table.code, table.title).join(t.Project, t.Project.id == table.project_id).where(~has_link)
    )
    noun = table.__tablename__
    return [Gap(kind, project, f"{project}/{code}", f"{noun} {code} {title!r} {message}") for project, code, title in rows]


def _measures_missing(session: Session, column, kind: str, message: str, *also) -> list[Gap]:
    rows = session.execute(
        select(t.Project.code, t.Measure.code, t.Measure.name)
        .join(t.Project, t.Project.id == t.Measure.project_id)
        .where(column.is_(None), *also)
    )
    return [Gap(kind, project, f"{project}/{code}", f"measure {code} {name!r} {message}") for project, code, name in rows]


# A target with a date: its status follows the line from the baseline (`domain.measures.targets.target_for`) when it can.
_dated_target = and_(t.Measure.target.is_not(None), t.Measure.target_period.is_not(None))


def _targets_without_trajectory(session: Session) -> list[Gap]:
    """Dated targets with no dated baseline before them: every quarter is judged against the end target.

    Such a measure shows red from its first quarter although it may be exactly
    where the plan expects. A missing baseline is reported here rather than as
    ``measure_no_baseline`` too, so that one fault is one gap. Canonical quarter
    labels sort in time order, so the periods compare as text.
    """
    rows = session.execute(
        select(t.Project.code, t.Measure.code, t.Measure.name, t.Measure.baseline, t.Measure.baseline_period, t.Measure.target_period)
        .join(t.Project, t.Project.id == t.Measure.project_id)
        .where(
            _dated_target,
            or_(t.Measure.baseline.is_(None), t.Measure.baseline_period.is_(None), t.Measure.baseline_period >= t.Measure.target_period),
        )
    )
    gaps = []
    for project, code, name, baseline, baseline_period, target_period in rows:
        if baseline is None:
            why = f"has a target for {target_period} but no baseline"
        elif baseline_period is None:
            why = f"has a target for {target_period} but no baseline period"
        else:
            why = f"has its baseline period {baseline_period} on or after its target period {target_period}"
        message = f"measure {code} {name!r} {why}, so its status cannot follow a trajectory"
        gaps.append(Gap("target_no_trajectory", project, f"{project}/{code}", message))
    return gaps


def _missing_actuals(session: Session, latest: Quarter) -> list[Gap]:
    """Measures that have been reporting, are due in the latest quarter, and have nothing for it."""
    value = aliased(t.MeasureValue)
    reported_before = exists().where(
        value.measure_id == t.Measure.id,
        tuple_(value.fy_start_year, value.quarter) < tuple_(literal(latest.fy_start_year), literal(latest.quarter)),
    )
    reported_now = exists().where(
        t.MeasureValue.measure_id == t.Measure.id,
        t.MeasureValue.fy_start_year == latest.fy_start_year,
        t.MeasureValue.quarter == latest.quarter,
    )
    due = [f.value for f in Frequency if latest.quarter in due_quarters(f)]
    rows = session.execute(
        select(t.Project.code, t.Measure.code, t.Measure.name)
        .join(t.Project, t.Project.id == t.Measure.project_id)
        .where(t.Measure.frequency.in_(due), reported_before, ~reported_now, t.Project.stage.not_in([Stage.CANCELLED, Stage.ON_HOLD]))
    )
    return [
        Gap("missing_actual", project, f"{project}/{code}", f"measure {code} {name!r} has no actual for {latest}")
        for project, code, name in rows
    ]


def _no_owner(session: Session) -> list[Gap]:
    gaps = []
    for table, noun, label in ((t.Benefit, "benefit", t.Benefit.title), (t.Measure, "measure", t.Measure.name)):
        blank = or_(table.owner.is_(None), func.trim(table.owner) == "")
        rows = session.execute(
            select(t.Project.code, table.code, label).join(t.Project, t.Project.id == table.project_id).where(blank)
        )
        gaps += [Gap("no_owner", project, f"{project}/{code}", f"{noun} {code} {title!r} has no owner") for project, code, title in rows]
    return gaps


def _double_counting(session: Session) -> list[Gap]:
    """The same benefit or measure claimed by more than one project."""
    gaps = []
    for table, noun, label, extra in (
        (t.Benefit, "benefit", t.Benefit.title, ()),
        (t.Measure, "measure", t.Measure.name, (t.Measure.unit,)),
    ):
        normalised = func.lower(func.trim(label))
        key = (normalised, *extra)
        claimed = (
            select(*key).group_by(*key).having(func.count(func.distinct(table.project_id)) > 1).subquery()
        )
        rows = session.execute(
            select(t.Project.code, table.code, label)
            .join(t.Project, t.Project.id == table.project_id)
            .join(claimed, and_(*(a == b for a, b in zip(key, claimed.c, strict=True))))
        ).all()
        claimants: dict[str, list[str]] = {}
        for project, code, title in rows:
            claimants.setdefault(title.strip().lower(), []).append(project)
        for project, code, title in rows:
            others = sorted({p for p in claimants[title.strip().lower()] if p != project}, key=natural_key)
            gaps.append(
                Gap("double_counting", project, f"{project}/{code}", f"{noun} {code} {title!r} is also claimed by {', '.join(others)}")
            )
    return gaps


def _unexplained_ratings(session: Session) -> list[Gap]:
    """Red and amber ratings in each project's latest review must say why."""
    later = aliased(t.QuarterlyReview)
    is_latest = ~exists().where(
        later.project_id == t.QuarterlyReview.project_id,
        tuple_(later.fy_start_year, later.quarter) > tuple_(t.QuarterlyReview.fy_start_year, t.QuarterlyReview.quarter),
    )
    rows = session.execute(
        select(t.Project.code, t.QuarterlyReview)
        .join(t.Project, t.Project.id == t.QuarterlyReview.project_id)
        .where(
            is_latest,
            t.QuarterlyReview.rag.in_([r.value for r in Rag if r.needs_commentary]),
            or_(t.QuarterlyReview.commentary.is_(None), func.trim(t.QuarterlyReview.commentary) == ""),
        )
    )
    return [
        Gap(
            "rag_without_commentary", project,
            f"{project}@{Quarter(r.fy_start_year, r.quarter)}",
            f"{r.rag} rating for {Quarter(r.fy_start_year, r.quarter)} has no commentary",
        )
        for project, r in rows
    ]
