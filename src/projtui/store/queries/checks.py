"""`projtui check`'s statements: one query a kind of gap, each returning plain rows.

What counts as a gap (which stages, which frequencies are due, which ratings
need commentary) is decided above, in `services.checks`, and passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Select, and_, exists, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from projtui.domain.quarter import Quarter
from projtui.store import tables as t

# The plan items a link leads on from: item kind → (table, the column that links it onward).
_LEADS_ON = {
    "output": (t.Output, t.OutputOutcome.output_id),
    "outcome": (t.Outcome, t.OutcomeBenefit.outcome_id),
    "benefit": (t.Benefit, t.Measure.benefit_id),
}
# Items with an owner and a name: kind → (table, the name column, what else must match for a double claim).
_NAMED = {
    "benefit": (t.Benefit, t.Benefit.title, ()),
    "measure": (t.Measure, t.Measure.name, (t.Measure.unit,)),
}
# The per-quarter figures `targeted_measure_figures` reads.
ACTUALS, PROFILED = t.MeasureValue, t.MeasureTarget

# A target with a date: its status follows the line from the baseline when it can.
_DATED_TARGET = and_(t.Measure.target.is_not(None), t.Measure.target_period.is_not(None))


def items_leading_nowhere(session: Session, kind: str) -> list[tuple[str, str, str]]:
    """(project, code, title) of the outputs, outcomes or benefits that link on to nothing."""
    table, onward = _LEADS_ON[kind]
    statement = (
        select(t.Project.code, table.code, table.title)
        .join(t.Project, t.Project.id == table.project_id)
        .where(~exists().where(onward == table.id))
    )
    return [tuple(row) for row in session.execute(statement)]


def _measures(*where) -> Select:
    """(project, code, name) of the measures meeting ``where``."""
    return (
        select(t.Project.code, t.Measure.code, t.Measure.name)
        .join(t.Project, t.Project.id == t.Measure.project_id)
        .where(*where)
    )


def measures_without_baseline(session: Session, *, except_directions: Collection[str]) -> list[tuple[str, str, str]]:
    """(project, code, name) of measures with no baseline, bar those a dated target reports on and those of these directions."""
    statement = _measures(t.Measure.baseline.is_(None), ~_DATED_TARGET, t.Measure.direction.not_in(except_directions))
    return [tuple(row) for row in session.execute(statement)]


def measures_without_target(session: Session, *, except_directions: Collection[str]) -> list[tuple[str, str, str]]:
    """(project, code, name) of measures with no target, bar those of these directions."""
    return [tuple(row) for row in session.execute(_measures(t.Measure.target.is_(None), t.Measure.direction.not_in(except_directions)))]


def _targeted(except_stages: Collection[str], except_directions: Collection[str]) -> tuple:
    """Measures with a target, of the other directions, in projects not at these stages."""
    return (
        t.Measure.target.is_not(None), t.Measure.direction.not_in(except_directions), t.Project.stage.not_in(except_stages),
    )


def targeted_measures(
    session: Session, columns: Sequence[str], *, except_stages: Collection[str], except_directions: Collection[str]
) -> list:
    """Rows (id, project, code, name and ``columns``: the fields the status rule reads) of the measures with a target."""
    m = t.Measure
    statement = (
        select(m.id, t.Project.code.label("project"), m.code, m.name, *(getattr(m, column) for column in columns))
        .join(t.Project, t.Project.id == m.project_id)
        .where(*_targeted(except_stages, except_directions))
    )
    return list(session.execute(statement))


def targeted_measure_figures(
    session: Session, table, quarter: Quarter, *, except_stages: Collection[str], except_directions: Collection[str]
) -> list[tuple[int, int, int, float]]:
    """(measure id, fy_start_year, quarter, value) from ``table`` (actuals or profiled targets) up to ``quarter``, of those measures."""
    statement = (
        select(table.measure_id, table.fy_start_year, table.quarter, table.value)
        .join(t.Measure, t.Measure.id == table.measure_id)
        .join(t.Project, t.Project.id == t.Measure.project_id)
        .where(
            *_targeted(except_stages, except_directions),
            tuple_(table.fy_start_year, table.quarter) <= tuple_(literal(quarter.fy_start_year), literal(quarter.quarter)),
        )
    )
    return [tuple(row) for row in session.execute(statement)]


def dated_targets_without_trajectory(session: Session) -> list[tuple]:
    """(project, code, name, baseline, baseline period, target period) of dated targets with no dated baseline before them.

    Canonical quarter labels sort in time order, so the periods compare as text.
    """
    statement = (
        select(t.Project.code, t.Measure.code, t.Measure.name, t.Measure.baseline, t.Measure.baseline_period, t.Measure.target_period)
        .join(t.Project, t.Project.id == t.Measure.project_id)
        .where(
            _DATED_TARGET,
            or_(t.Measure.baseline.is_(None), t.Measure.baseline_period.is_(None), t.Measure.baseline_period >= t.Measure.target_period),
        )
    )
    return [tuple(row) for row in session.execute(statement)]


def _gone_quiet(quarter: Quarter) -> tuple:
    """Conditions on a measure: it reported before ``quarter`` and has nothing for it."""
    value = aliased(t.MeasureValue)
    reported_before = exists().where(
        value.measure_id == t.Measure.id,
        tuple_(value.fy_start_year, value.quarter) < tuple_(literal(quarter.fy_start_year), literal(quarter.quarter)),
    )
    reported_now = exists().where(
        t.MeasureValue.measure_id == t.Measure.id,
        t.MeasureValue.fy_start_year == quarter.fy_start_year,
        t.MeasureValue.quarter == quarter.quarter,
    )
    return reported_before, ~reported_now


def measures_gone_quiet(
    session: Session, quarter: Quarter, *, frequencies: Collection[str], except_stages: Collection[str]
) -> list[tuple[str, str, str]]:
    """(project, code, name) of measures of these frequencies that reported before ``quarter`` and have nothing for it."""
    statement = _measures(t.Measure.frequency.in_(frequencies), *_gone_quiet(quarter), t.Project.stage.not_in(except_stages))
    return [tuple(row) for row in session.execute(statement)]


def kpis_gone_quiet(session: Session, quarter: Quarter, *, frequencies: Collection[str]) -> list[tuple[str, str]]:
    """(code, name) of the KPIs of these frequencies that reported before ``quarter`` and have nothing for it."""
    statement = (
        select(t.Kpi.code, t.Measure.name)
        .join(t.Kpi, t.Kpi.id == t.Measure.kpi_id)
        .where(t.Measure.frequency.in_(frequencies), *_gone_quiet(quarter))
    )
    return [tuple(row) for row in session.execute(statement)]


def targeted_kpis(session: Session, columns: Sequence[str], *, except_directions: Collection[str]) -> list:
    """Rows (id, kpi: its code, name and ``columns``) of the KPIs' measures with a target, of the other directions."""
    m = t.Measure
    statement = (
        select(m.id, t.Kpi.id.label("kpi_id"), t.Kpi.code.label("kpi"), m.name, *(getattr(m, column) for column in columns))
        .join(t.Kpi, t.Kpi.id == m.kpi_id)
        .where(m.target.is_not(None), m.direction.not_in(except_directions))
    )
    return list(session.execute(statement))


def targeted_kpi_figures(session: Session, table, quarter: Quarter, *, except_directions: Collection[str]) -> list[tuple[int, int, int, float]]:
    """(measure id, fy_start_year, quarter, value) from ``table`` (actuals or profiled targets) up to ``quarter``, of those KPIs."""
    statement = (
        select(table.measure_id, table.fy_start_year, table.quarter, table.value)
        .join(t.Measure, t.Measure.id == table.measure_id)
        .where(
            t.Measure.kpi_id.is_not(None), t.Measure.target.is_not(None), t.Measure.direction.not_in(except_directions),
            tuple_(table.fy_start_year, table.quarter) <= tuple_(literal(quarter.fy_start_year), literal(quarter.quarter)),
        )
    )
    return [tuple(row) for row in session.execute(statement)]


def kpi_commentary_on(session: Session, quarter: Quarter) -> dict[int, str]:
    """Each KPI's commentary on ``quarter``, by KPI id (whether it says anything is `domain.rag.commentary_missing`'s to judge)."""
    c = t.KpiCommentary
    statement = select(c.kpi_id, c.text).where(c.fy_start_year == quarter.fy_start_year, c.quarter == quarter.quarter)
    return {kpi_id: text for kpi_id, text in session.execute(statement)}


def ownerless(session: Session, kind: str) -> list[tuple[str, str, str]]:
    """(project, code, name) of the benefits or measures with a blank owner."""
    table, label, _ = _NAMED[kind]
    blank = or_(table.owner.is_(None), func.trim(table.owner) == "")
    statement = select(t.Project.code, table.code, label).join(t.Project, t.Project.id == table.project_id).where(blank)
    return [tuple(row) for row in session.execute(statement)]


def claimed_by_many(session: Session, kind: str) -> list[tuple[str, str | None, str, str, str]]:
    """(folded name, unit, project, code, name) of the benefits or measures whose name (and unit) more than one project claims.

    The folded name (trimmed, lower case, as this database folds it) and the
    unit (None for a benefit, which has none) are what the claims share: the
    key to group them by, so a caller gathers each shared item in one pass.
    """
    table, label, extra = _NAMED[kind]
    key = (func.lower(func.trim(label)), *extra)
    claimed = select(*key).group_by(*key).having(func.count(func.distinct(table.project_id)) > 1).subquery()
    statement = (
        select(*claimed.c, t.Project.code, table.code, label)
        .join(t.Project, t.Project.id == table.project_id)
        .join(claimed, and_(*(a == b for a, b in zip(key, claimed.c, strict=True))))
    )
    return [(row[0], row[1] if extra else None, *row[len(key):]) for row in session.execute(statement)]


def latest_reviews_without_commentary(session: Session, *, rags: Collection[str]) -> list[tuple[str, Quarter, str]]:
    """(project, quarter, rag) of each project's latest review when it is rated one of ``rags`` and says nothing."""
    review = t.QuarterlyReview
    later = aliased(review)
    is_latest = ~exists().where(
        later.project_id == review.project_id,
        tuple_(later.fy_start_year, later.quarter) > tuple_(review.fy_start_year, review.quarter),
    )
    statement = (
        select(t.Project.code, review.fy_start_year, review.quarter, review.rag)
        .join(t.Project, t.Project.id == review.project_id)
        .where(is_latest, review.rag.in_(rags), or_(review.commentary.is_(None), func.trim(review.commentary) == ""))
    )
    return [(project, Quarter(year, quarter), rag) for project, year, quarter, rag in session.execute(statement)]
