"""Golden-thread and data-quality gaps across the portfolio (`projtui check`).

Each kind of gap is one SQL query (`store.queries.checks`), so checking
stays fast on a large portfolio; what counts as a gap is decided here from
the domain's rules (cadence, stages, which ratings need commentary).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projtui.domain.cadence import due_quarters
from projtui.domain.codes import natural_key
from projtui.domain.enums import PIPELINE_MAY_WAIT, Direction, Frequency, Rag, Stage
from projtui.domain.formatting import format_band, format_list, format_number, plural
from projtui.domain.measures import (
    MIN_POINTS,
    RULE_FIELDS,
    MeasureRule,
    quarter_figures,
    realisation_forecast,
)
from projtui.domain.progress import Progress, counted, no_progress
from projtui.domain.quarter import Quarter
from projtui.domain.rag import commentary_missing
from projtui.domain.risks import RiskStatus
from projtui.report.model import GOLDEN_THREAD
from projtui.services.reviews.quarter import latest_quarter
from projtui.services.reviews.rows import figures_by_measure
from projtui.store.database import Database
from projtui.store.queries import checks as q
from projtui.store.queries import risks as risk_rows
from projtui.store.queries.golden_thread import unlinked_projects

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Kinds in the order a reader meets them: the golden thread first.
KINDS = {
    "no_ambition": GOLDEN_THREAD,
    "pipeline_no_ambition": GOLDEN_THREAD,
    "retired_ambitions_only": GOLDEN_THREAD,
    "output_no_outcome": "benefits map",
    "outcome_no_benefit": "benefits map",
    "benefit_no_measure": "benefits map",
    "measure_no_baseline": "measures",
    "target_no_trajectory": "measures",
    "measure_no_target": "measures",
    "missing_actual": "actuals",
    "forecast_to_miss": "forecasts",
    "no_owner": "ownership",
    "double_counting": "attribution",
    "rag_without_commentary": "reviews",
    "kpi_without_commentary": "KPIs",
    "risk_past_review": "risks",
}
_ORDER = {kind: i for i, kind in enumerate(KINDS)}

# Findings that describe a choice, not a fault: a measure with no target is
# monitored by design (a trend, never a status), and a project in the
# pipeline needs no ambition yet (Stage.needs_ambition), so a council's first
# project does not fail `check`. `check` lists them for information, after
# the gaps, and they never make it fail; the report leaves them out of its
# gap counts.
NOTES = frozenset({"measure_no_target", "pipeline_no_ambition"})


# An activity or context indicator (direction "none") is meant to have no target or baseline: not a gap.
_UNRATED = [d.value for d in Direction if not d.rated]
# Stages whose projects need serve no ambition: the pipeline (not yet), and cancelled (no longer).
_NEED_NO_AMBITION = [s.value for s in Stage if not s.needs_ambition or s is Stage.CANCELLED]
# Cancelled and paused projects are not expected to report, so neither to realise anything on time.
_NOT_REPORTING = [Stage.CANCELLED.value, Stage.ON_HOLD.value]

# How many claimants a double-counting message names; `check --format json` lists them all.
CLAIMANTS_SHOWN = 5


@dataclass(frozen=True)
class Gap:
    kind: str
    project: str | None  # None: a KPI's (`kpi`) or a finding across projects, listed after every project's own
    key: str
    message: str
    projects: tuple[str, ...] = ()  # a finding across projects: every project it names, in code order
    items: tuple[str, ...] = ()  # and each of their items it is about, as project/code
    kpi: str | None = None  # the corporate KPI it is about, by code (issue 13)

    @property
    def place(self) -> str | None:
        """Where the gap is: its project, or its KPI."""
        return self.project or self.kpi

    @property
    def area(self) -> str:
        return KINDS[self.kind]

    @property
    def is_note(self) -> bool:
        return self.kind in NOTES

    @property
    def sort_key(self) -> tuple:
        # Projects' gaps, then KPIs', then findings across projects.
        after = 0 if self.project else 1 if self.kpi else 2
        return (self.is_note, after, natural_key(self.place or ""), _ORDER[self.kind], natural_key(self.key))


def find_gaps(db: Database, progress: Progress = no_progress, *, today: dt.date | None = None) -> tuple[list[Gap], Quarter | None]:
    """Every gap, in reading order, and the latest quarter anything was reported for; `today` (default: today) dates the risk reviews."""
    latest = latest_quarter(db)
    today = today or dt.date.today()
    checks: list[Callable[[Session], list[Gap]]] = [
        _unlinked_projects,
        lambda session: _leading_nowhere(session, "output", "output_no_outcome", "leads to no outcome"),
        lambda session: _leading_nowhere(session, "outcome", "outcome_no_benefit", "leads to no benefit"),
        lambda session: _leading_nowhere(session, "benefit", "benefit_no_measure", "has no measure"),
        lambda session: _measure_gaps(
            q.measures_without_baseline(session, except_directions=_UNRATED), "measure_no_baseline", "has no baseline"
        ),
        _targets_without_trajectory,
        lambda session: _measure_gaps(
            q.measures_without_target(session, except_directions=_UNRATED), "measure_no_target", "has no target (monitor only)"
        ),
        lambda session: _missing_actuals(session, latest) if latest else [],
        lambda session: _forecast_to_miss(session, latest) if latest else [],
        lambda session: _kpi_gaps(session, latest) if latest else [],
        _no_owner,
        _double_counting,
        _unexplained_ratings,
        lambda session: _risks_past_review(session, today),
    ]
    with db.reading() as session:
        gaps = [gap for check in counted(checks, len(checks), "Checking", progress) for gap in check(session)]
    return sorted(gaps, key=lambda gap: gap.sort_key), latest


def _unlinked_projects(session: Session) -> list[Gap]:
    return [
        Gap("no_ambition", code, code, f"{name!r} ({stage}) is linked to no Council Plan ambition") if Stage(stage).needs_ambition
        else Gap("pipeline_no_ambition", code, code,
                 f"{name!r} ({stage}) is linked to no Council Plan ambition yet: {PIPELINE_MAY_WAIT}")
        for code, name, stage in unlinked_projects(session, except_stages=[Stage.CANCELLED.value])
    ] + [
        # The same rule once a Council Plan moves on: past the pipeline, a project must serve an ambition still in use.
        Gap("retired_ambitions_only", code, code, f"{name!r} ({stage}) serves only retired Council Plan ambitions: link it to one of the current plan")
        for code, name, stage in unlinked_projects(session, except_stages=_NEED_NO_AMBITION, only_retired=True)
    ]


def _leading_nowhere(session: Session, noun: str, kind: str, message: str) -> list[Gap]:
    return [
        Gap(kind, project, f"{project}/{code}", f"{noun} {code} {title!r} {message}")
        for project, code, title in q.items_leading_nowhere(session, noun)
    ]


def _measure_gaps(rows, kind: str, message: str) -> list[Gap]:
    return [Gap(kind, project, f"{project}/{code}", f"measure {code} {name!r} {message}") for project, code, name in rows]


def _targets_without_trajectory(session: Session) -> list[Gap]:
    """Dated targets with no dated baseline before them: every quarter is judged against the end target.

    Such a measure shows red from its first quarter although it may be exactly
    where the plan expects (`domain.measures.targets.target_for` follows the
    line from the baseline when it can). A missing baseline is reported here
    rather than as ``measure_no_baseline`` too, so that one fault is one gap.
    """
    gaps = []
    for project, code, name, baseline, baseline_period, target_period in q.dated_targets_without_trajectory(session):
        if baseline is None:
            why = f"has a target for {target_period} but no baseline"
        elif baseline_period is None:
            why = f"has a target for {target_period} but no baseline period"
        else:
            why = f"has its baseline period {baseline_period} on or after its target period {target_period}"
        message = f"measure {code} {name!r} {why}, so its status cannot follow a trajectory"
        gaps.append(Gap("target_no_trajectory", project, f"{project}/{code}", message))
    return gaps


def _due_frequencies(latest: Quarter) -> list[str]:
    return [f.value for f in Frequency if latest.quarter in due_quarters(f)]


def _missing_actuals(session: Session, latest: Quarter) -> list[Gap]:
    """Measures that have been reporting, are due in the latest quarter, and have nothing for it."""
    rows = q.measures_gone_quiet(session, latest, frequencies=_due_frequencies(latest), except_stages=_NOT_REPORTING)
    return _measure_gaps(rows, "missing_actual", f"has no actual for {latest}")


def _missed_trend(row, latest: Quarter, actuals: dict[Quarter, float] | None, profiled: dict[Quarter, float]) -> str | None:
    """Why the measure's trend to ``latest`` misses its target (`domain.measures.realisation_forecast`), or None when it does not."""
    if actuals is None or len(actuals) < MIN_POINTS:  # no trend to miss with
        return None
    try:
        forecast = realisation_forecast(MeasureRule.from_measure(row), latest, actuals, profiled)
    except ValueError:  # a rule that cannot be read: other checks and review mode say so
        return None
    if not forecast.will_miss:
        return None
    return (
        f"is forecast to miss its target: its trend reaches "
        f"{format_number(forecast.value)} by {forecast.horizon}, against {format_band(forecast.target, forecast.target_max)}"
    )


def _forecast_to_miss(session: Session, latest: Quarter) -> list[Gap]:
    """Measures whose trend to the latest quarter misses their target."""
    where = {"except_stages": _NOT_REPORTING, "except_directions": _UNRATED}
    actuals = figures_by_measure(q.targeted_measure_figures(session, q.ACTUALS, latest, **where))
    profiled = figures_by_measure(q.targeted_measure_figures(session, q.PROFILED, latest, **where))
    gaps = []
    for row in q.targeted_measures(session, RULE_FIELDS, **where):
        if why := _missed_trend(row, latest, actuals.get(row.id), profiled.get(row.id, {})):
            gaps.append(Gap("forecast_to_miss", row.project, f"{row.project}/{row.code}", f"measure {row.code} {row.name!r} {why}"))
    return gaps


def _kpi_gaps(session: Session, latest: Quarter) -> list[Gap]:
    """Corporate KPIs (issue 13) in the measure checks that apply to them, each placed at its code.

    Due in the latest quarter with nothing for it; forecast to miss by its
    trend; rated amber or red (`MeasureStatus.rag`) there with no commentary
    for the quarter. A KPI belongs to no project, so it is never a project
    without a review or an ambition.
    """
    gaps = [
        Gap("missing_actual", None, f"{code}@{latest}", f"KPI {code} {name!r} has no actual for {latest}", kpi=code)
        for code, name in q.kpis_gone_quiet(session, latest, frequencies=_due_frequencies(latest))
    ]
    actuals = figures_by_measure(q.targeted_kpi_figures(session, q.ACTUALS, latest, except_directions=_UNRATED))
    profiled = figures_by_measure(q.targeted_kpi_figures(session, q.PROFILED, latest, except_directions=_UNRATED))
    commentary = q.kpi_commentary_on(session, latest)
    for row in q.targeted_kpis(session, RULE_FIELDS, except_directions=_UNRATED):
        if why := _missed_trend(row, latest, actuals.get(row.id), profiled.get(row.id, {})):
            gaps.append(Gap("forecast_to_miss", None, row.kpi, f"KPI {row.kpi} {row.name!r} {why}", kpi=row.kpi))
        try:
            rated = quarter_figures(MeasureRule.from_measure(row), latest, actuals.get(row.id, {}), profiled.get(row.id, {})).status
        except ValueError:
            continue
        # The publishing rule's own test (`kpi_publish_blockers` asks the same), so check and the KPI pass agree.
        if commentary_missing(rated.rag, commentary.get(row.kpi_id)):
            message = f"KPI {row.kpi} {row.name!r} is {rated.label.lower()} in {latest} and has no commentary"
            gaps.append(Gap("kpi_without_commentary", None, f"{row.kpi}@{latest}", message, kpi=row.kpi))
    return gaps


def _no_owner(session: Session) -> list[Gap]:
    return [
        Gap("no_owner", project, f"{project}/{code}", f"{noun} {code} {title!r} has no owner")
        for noun in ("benefit", "measure")
        for project, code, title in q.ownerless(session, noun)
    ]


def _double_counting(session: Session) -> list[Gap]:
    """Each benefit or measure (by name, and unit) that more than one project claims: one gap naming them all.

    Grouped in one pass, so a title shared by n projects is one finding, not
    n lines each listing the others (which grew with the square of n).
    """
    gaps = []
    order = functools.cache(natural_key)  # a code claims several items, and B1 or M1 is in every project: parse each once
    for noun in ("benefit", "measure"):
        shared: dict[tuple[str, str | None], list[tuple[str, str, str]]] = {}
        for folded, unit, project, code, name in q.claimed_by_many(session, noun):
            shared.setdefault((folded, unit), []).append((project, code, name))
        for (folded, unit), claims in shared.items():
            claims.sort(key=lambda claim: (order(claim[0]), order(claim[1])))
            projects = tuple(dict.fromkeys(project for project, _, _ in claims))
            what = f"{noun} {claims[0][2]!r}" + (f" ({unit})" if unit else "")
            message = f"{what} is claimed by {plural(len(projects), 'project')}: {format_list(projects, CLAIMANTS_SHOWN)}"
            items = tuple(f"{project}/{code}" for project, code, _ in claims)
            gaps.append(Gap("double_counting", None, f"{noun}:{folded}:{unit or ''}", message, projects, items))
    return gaps


def _unexplained_ratings(session: Session) -> list[Gap]:
    """Red and amber ratings in each project's latest review must say why."""
    rows = q.latest_reviews_without_commentary(session, rags=[r.value for r in Rag if r.needs_commentary])
    return [
        Gap("rag_without_commentary", project, f"{project}@{quarter}", f"{rag} rating for {quarter} has no commentary")
        for project, quarter, rag in rows
    ]


def _risks_past_review(session: Session, today: dt.date) -> list[Gap]:
    """Open risks and issues whose review-by date has passed: `domain.risks.needs_review`, asked of every row at once in SQL."""
    return [
        Gap("risk_past_review", project, f"{project}/{code}", f"open {kind} {code} {title!r} was due for review by {review_by}")
        for project, code, title, kind, review_by in risk_rows.overdue_for_review(session, today, status=RiskStatus.OPEN.value)
    ]
