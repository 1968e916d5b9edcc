"""The quarterly performance report as plain data, built from a snapshot document.

What a Cabinet or scrutiny panel reads for one quarter: a summary (projects
by overall RAG, changes since the previous published rating, KPIs and
project measures by status, apart and together, benefits on track,
golden-thread and data-quality gaps), Appendix A (the corporate KPIs by
ambition, ``appendix_a``), then Appendix B: one section per Council Plan
ambition with its projects and their measures.

Everything here is a pure function of the document, the quarter and the
gaps found by ``projtui check``; the Markdown and HTML renderers only lay it
out. The rules are the domain's, applied once here:

* A project is listed under its *primary* ambition (the first one); the
  others are shown beside it. Projects linked to none get their own section.
* "Previous RAG" is the rating of the latest *published* review before the
  quarter; drafts are skipped, nothing is retyped.
* A measure's status, direction of travel, achievement and its benefit's
  roll-up come from ``domain.measures``. Monitor-only measures show a trend,
  never a status; "not due this quarter" is not "no data".
* An amber or red rating, for a project or a measure, needs commentary: the
  report says so where it is missing.
* An amber or red project lists its open risks and issues (raised by the
  end of the quarter), highest score first, scored by ``domain.risks`` with
  the bands the settings give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from projtui.domain.codes import natural_key
from projtui.domain.enums import (
    Direction,
    Rag,
    ReviewStatus,
    Stage,
)
from projtui.domain.errors import ProjtuiError
from projtui.domain.formatting import format_date
from projtui.domain.measures import (
    MeasureRule,
    MeasureStatus,
    OnTrackCount,
    StatusCounts,
    benefit_on_track,
    count_statuses,
    measure_status,
    reporting_started,
    rollup_counts,
)
from projtui.domain.progress import Progress, counted, no_progress
from projtui.domain.quarter import Quarter
from projtui.domain.rag import RAG_ORDER, RagChange, commentary_missing, rag_change
from projtui.domain.risks import (
    DEFAULT_BANDS,
    RiskBands,
    RiskKind,
    RiskStatus,
    by_score,
    risk_rag,
    risk_score,
    score_caption,
)
from projtui.report.appendix_a import KpiGroup, kpi_groups
from projtui.report.measure_line import MeasureLine, measure_line_fields
from projtui.snapshot.document import Document, Measure, Project, Review, Risk

__all__ = [
    "GAP_LABELS",
    "KEY_BENCHMARK",
    "KEY_FORECASTS",
    "KEY_PROGRESS",
    "KEY_TARGET",
    "REPORT_RAG_ORDER",
    "AmbitionSection",
    "CountGroup",
    "GapCount",
    "GapItem",
    "PreviousRating",
    "ProjectLine",
    "QuarterCounts",
    "Report",
    "ReportMeasure",
    "ReportRisk",
    "Summary",
    "build_report",
    "count_measures",
    "direction_label",
    "previous_published",
]

# -- vocabularies -------------------------------------------------------------

REPORT_RAG_ORDER: tuple[Rag | None, ...] = (*RAG_ORDER, None)
"""How the report lists ratings; None is "not reviewed" (no review for the quarter)."""


# The key's explanations of the target and "of the way", worded once for both formats.
KEY_TARGET = (
    "this quarter's target. Where the plan's target is for a later quarter, the target follows a straight line "
    "from the baseline to it (“on the way to …”); a year-to-date total steps up year by year along that line."
)
KEY_PROGRESS = (
    "progress from the baseline towards the measure's target (for a year-to-date total, towards this quarter's "
    "year-to-date target): (actual − baseline) ÷ (target − baseline)."
)

KEY_FORECASTS = (
    "the year-end forecast is the figure the measure's owner expects at the end of the financial year, rated against "
    "the year-end target. The trend forecast is where a straight line fitted (least squares) to the last four to eight "
    "quarters' actuals reaches by the target period (for a year-to-date total, the quarterly amounts added to the year so far), "
    "and whether that meets the target; with fewer than four quarters there is no trend forecast."
)

KEY_BENCHMARK = (
    "the latest ended year's comparators (a benchmarking club's quartiles, median or average) and the quartile the "
    "council's figure for that year falls in: its year-end figure for a year-to-date total, else its last of the year. "
    "The top quartile is the best, whichever way good is; for an activity measure (good is neither) only where the figure stands."
)

_DIRECTION_LABELS = {
    Direction.HIGHER: "Higher", Direction.LOWER: "Lower", Direction.RANGE: "Within range", Direction.NONE: "Neither (activity)",
}


def direction_label(direction: Direction) -> str:
    """The words after "good is": ``Higher``, ``Lower``, ``Within range``, ``Neither (activity)``."""
    return _DIRECTION_LABELS[direction]


# What each kind of `projtui check` gap is called in the report. A kind the
# report does not know yet is shown by its name rather than dropped.
GAP_LABELS = {
    "no_ambition": "Projects linked to no Council Plan ambition",
    "retired_ambitions_only": "Projects past the pipeline serving only retired Council Plan ambitions",
    "output_no_outcome": "Outputs that lead to no outcome",
    "outcome_no_benefit": "Outcomes that lead to no benefit",
    "benefit_no_measure": "Benefits with no measure",
    "measure_no_baseline": "Measures with no baseline",
    "target_no_trajectory": "Measures whose dated target has no baseline to follow a trajectory from",
    "missing_actual": "Measures missing an actual for the latest quarter",
    "forecast_to_miss": "Measures whose trend is forecast to miss their target",
    "no_owner": "Benefits and measures with no owner",
    "double_counting": "Benefits and measures claimed by more than one project",
    "rag_without_commentary": "Amber or red ratings without commentary",
    "risk_past_review": "Open risks and issues past their review date",
    "kpi_missing_actual": "KPIs missing an actual for the latest quarter",
    "kpi_forecast_to_miss": "KPIs whose trend is forecast to miss their target",
    "kpi_without_commentary": "KPIs within tolerance or off target without commentary",
}
# The area `projtui check` files the golden thread's gaps under: the report counts them apart from data quality.
GOLDEN_THREAD = "golden thread"

# -- the model ------------------------------------------------------------------


@dataclass(frozen=True)
class GapItem:
    """One gap found by ``projtui check``, as the report receives it."""

    kind: str
    area: str  # e.g. "golden thread", "measures"
    project: str | None
    message: str


@dataclass(frozen=True)
class GapCount:
    kind: str
    area: str
    label: str
    count: int

    @property
    def golden_thread(self) -> bool:
        return self.area == GOLDEN_THREAD


@dataclass(frozen=True)
class PreviousRating:
    """The latest published review before the report's quarter."""

    quarter: Quarter
    rag: Rag


@dataclass(frozen=True, kw_only=True)
class ReportMeasure(MeasureLine):
    """One project's measure in the report's quarter: the measure, and what it serves."""

    project: str
    serves_kind: str  # "benefit" or "outcome"
    serves_code: str
    serves_title: str


@dataclass(frozen=True)
class ReportRisk:
    """An open risk or issue of an amber or red project."""

    project: str
    code: str
    title: str
    kind: RiskKind
    score: int
    rag: Rag
    caption: str  # score, shape and band in a word: ``20 ▲ Red``
    owner: str | None
    mitigation: str | None


@dataclass(frozen=True)
class ProjectLine:
    code: str
    name: str
    lead: str | None
    stage: Stage
    ambitions: tuple[str, ...]  # codes, primary first
    review_status: ReviewStatus | None  # None: no review for the quarter
    rag: Rag | None  # None: not reviewed
    time_rag: Rag
    cost_rag: Rag
    scope_rag: Rag
    benefits_rag: Rag
    previous: PreviousRating | None
    commentary: str | None
    next_steps: str | None
    budget_pence: int | None
    forecast_pence: int | None  # forecast outturn, from this quarter's review
    spend_to_date_pence: int | None
    benefits: OnTrackCount
    measures: tuple[ReportMeasure, ...]
    risks: tuple[ReportRisk, ...] = ()  # open ones, highest score first; only for an amber or red project

    @property
    def other_ambitions(self) -> tuple[str, ...]:
        return self.ambitions[1:]

    @property
    def change(self) -> RagChange:
        return rag_change(self.rag, self.previous.rag if self.previous else None)

    @property
    def commentary_missing(self) -> bool:
        """Amber or red this quarter, and no commentary to say why."""
        return commentary_missing(self.rag, self.commentary)

    @property
    def variance_pence(self) -> int | None:
        """Forecast outturn less budget: positive is an overspend."""
        if self.forecast_pence is None or self.budget_pence is None:
            return None
        return self.forecast_pence - self.budget_pence

    @property
    def dimension_rags(self) -> tuple[tuple[str, Rag], ...]:
        return (("Time", self.time_rag), ("Cost", self.cost_rag), ("Scope", self.scope_rag), ("Benefits", self.benefits_rag))


@dataclass(frozen=True)
class AmbitionSection:
    code: str | None  # None: the projects linked to no ambition
    title: str
    description: str | None
    projects: tuple[ProjectLine, ...]

    @property
    def measures(self) -> tuple[ReportMeasure, ...]:
        return tuple(m for p in self.projects for m in p.measures)

    @property
    def risks(self) -> tuple[ReportRisk, ...]:
        return tuple(r for p in self.projects for r in p.risks)

    @property
    def rag_counts(self) -> dict[Rag | None, int]:
        return _rag_counts(self.projects)

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass(frozen=True)
class QuarterCounts:
    """Measures by status in one quarter, beside the report's own."""

    heading: str  # "This quarter", "Last quarter", "Same quarter last year"
    quarter: Quarter
    counts: StatusCounts


@dataclass(frozen=True)
class CountGroup:
    """One list of measures by status, this quarter, last quarter and a year ago: KPIs, project measures, or both."""

    label: str  # "KPIs", "Project measures", "KPIs and project measures"; "Measures" when there are no KPIs
    counts: tuple[QuarterCounts, ...]

    @property
    def heading(self) -> str:
        return f"{self.label} by status"


@dataclass(frozen=True)
class Summary:
    projects: int
    by_rag: dict[Rag | None, int]  # every key of REPORT_RAG_ORDER, in that order
    drafts: int  # of this quarter's reviews, still drafts
    changes: dict[RagChange, int]  # every RagChange, in definition order
    commentary_missing: int  # amber/red project ratings without commentary
    # The report's quarter first, then last quarter and the same quarter last year (`count_measures`).
    measure_counts: tuple[QuarterCounts, ...]
    measure_notes_missing: int
    benefits: OnTrackCount
    gaps: tuple[GapCount, ...]
    kpi_counts: tuple[QuarterCounts, ...] = ()  # the KPIs', as `measure_counts`; empty: the portfolio has none

    @property
    def count_groups(self) -> tuple[CountGroup, ...]:
        """Measures by status: KPIs, project measures and the two together; only project measures when there are no KPIs."""
        if not self.kpi_counts:
            return (CountGroup("Measures", self.measure_counts),)
        both = tuple(
            QuarterCounts(k.heading, k.quarter, k.counts + m.counts) for k, m in zip(self.kpi_counts, self.measure_counts)
        )
        return (
            CountGroup("KPIs", self.kpi_counts),
            CountGroup("Project measures", self.measure_counts),
            CountGroup("KPIs and project measures", both),
        )

    @property
    def measures(self) -> int:
        return self.measure_counts[0].counts.total

    @property
    def by_status(self) -> dict[MeasureStatus, int]:
        """This quarter's measures by status: every MeasureStatus, in definition order."""
        return dict(self.measure_counts[0].counts.by_status)

    @property
    def golden_thread_gaps(self) -> int:
        return sum(g.count for g in self.gaps if g.golden_thread)

    @property
    def data_quality_gaps(self) -> int:
        return sum(g.count for g in self.gaps if not g.golden_thread)


@dataclass(frozen=True)
class Report:
    quarter: Quarter
    portfolio_name: str | None
    council: str | None
    summary: Summary
    sections: tuple[AmbitionSection, ...]  # Appendix B: the projects
    notices: tuple[str, ...] = ()  # e.g. "No reviews recorded for this quarter."
    gaps_as_of: Quarter | None = None  # the latest quarter `check` judged missing actuals against
    gap_items: tuple[GapItem, ...] = field(default=(), repr=False)
    kpi_groups: tuple[KpiGroup, ...] = ()  # Appendix A: the KPIs by primary ambition

    @property
    def title(self) -> str:
        return f"Quarterly performance report — {self.quarter}"

    @property
    def period(self) -> str:
        """``1 July 2026 to 30 September 2026``."""
        return f"{format_date(self.quarter.start_date)} to {format_date(self.quarter.end_date)}"


# -- building it --------------------------------------------------------------------


def build_report(
    document: Document, quarter: Quarter, gaps: Iterable[GapItem] = (), *, gaps_as_of: Quarter | None = None,
    progress: Progress = no_progress, bands: RiskBands = DEFAULT_BANDS,
) -> Report:
    """The report for ``quarter`` from a snapshot document (risks banded by ``bands``).

    The document may hold later quarters too (they are ignored); it must
    hold the earlier ones the comparisons need: the previous published
    review, last quarter's and last year's actuals.
    """
    projects = sorted(document.projects, key=lambda p: natural_key(p.code))
    lines = [_project_line(p, quarter, bands) for p in counted(projects, len(projects), "Building the report", progress)]

    known = {a.code for a in document.ambitions}
    by_primary: dict[str | None, list[ProjectLine]] = {}
    for line in lines:
        primary = line.ambitions[0] if line.ambitions and line.ambitions[0] in known else None
        by_primary.setdefault(primary, []).append(line)
    sections = [
        AmbitionSection(a.code, a.title, a.description, tuple(by_primary.get(a.code, ()))) for a in document.ambitions
    ]
    if None in by_primary:
        sections.append(AmbitionSection(None, "Not linked to any ambition", None, tuple(by_primary[None])))

    gap_items = tuple(gaps)
    measures = [(m, b.realisation_start) for p in document.projects for b in p.benefits for m in b.measures]
    measures += [(m, None) for p in document.projects for o in p.outcomes for m in o.measures]
    summary = _summary(lines, gap_items, count_measures(measures, quarter))
    if document.kpis:
        summary = replace(summary, kpi_counts=count_measures([(k, None) for k in document.kpis], quarter))
    notices = []
    if not any(line.review_status is not None for line in lines):
        notices.append(f"No reviews recorded for this quarter ({quarter}).")
    if not any(m.figures.actual is not None for line in lines for m in line.measures):
        notices.append(f"No measure actuals recorded for this quarter ({quarter}).")
    return Report(
        quarter=quarter,
        portfolio_name=document.portfolio.name,
        council=document.portfolio.council,
        summary=summary,
        sections=tuple(sections),
        notices=tuple(notices),
        gaps_as_of=gaps_as_of,
        gap_items=gap_items,
        kpi_groups=kpi_groups(document.ambitions, document.kpis, quarter),
    )


def _review_for(project: Project, quarter: Quarter) -> Review | None:
    for review in project.reviews:
        if review.quarter == quarter:
            return review
    return None


def previous_published(reviews: Sequence[Review], quarter: Quarter) -> PreviousRating | None:
    """The latest published review before ``quarter``: drafts never count, nothing is retyped."""
    earlier = [r for r in reviews if r.quarter < quarter and r.status is ReviewStatus.PUBLISHED]
    if not earlier:
        return None
    latest = max(earlier, key=lambda r: r.quarter)
    return PreviousRating(latest.quarter, latest.rag)


def _project_line(project: Project, quarter: Quarter, bands: RiskBands) -> ProjectLine:
    review = _review_for(project, quarter)
    measures: list[ReportMeasure] = []
    benefit_statuses: list[list[MeasureStatus]] = []
    for benefit in project.benefits:
        made = [
            _measure_line(project.code, m, quarter, "benefit", benefit.code, benefit.title, benefit.realisation_start)
            for m in benefit.measures
        ]
        measures += made
        benefit_statuses.append([m.figures.status for m in made])
    for outcome in project.outcomes:
        measures += [_measure_line(project.code, m, quarter, "outcome", outcome.code, outcome.title) for m in outcome.measures]
    measures.sort(key=lambda m: natural_key(m.code or ""))
    return ProjectLine(
        code=project.code,
        name=project.name,
        lead=project.lead,
        stage=project.stage,
        ambitions=tuple(project.ambitions),
        review_status=review.status if review else None,
        rag=review.rag if review else None,
        time_rag=review.time_rag if review else Rag.NOT_SET,
        cost_rag=review.cost_rag if review else Rag.NOT_SET,
        scope_rag=review.scope_rag if review else Rag.NOT_SET,
        benefits_rag=review.benefits_rag if review else Rag.NOT_SET,
        previous=previous_published(project.reviews, quarter),
        commentary=review.commentary if review else None,
        next_steps=review.next_steps if review else None,
        budget_pence=project.budget_pence,
        forecast_pence=review.forecast_pence if review else None,
        spend_to_date_pence=review.spend_to_date_pence if review else None,
        benefits=rollup_counts(benefit_on_track(statuses) for statuses in benefit_statuses),
        measures=tuple(measures),
        risks=_open_risks(project, quarter, bands) if review is not None and review.rag in (Rag.AMBER, Rag.RED) else (),
    )


def _open_risks(project: Project, quarter: Quarter, bands: RiskBands) -> tuple[ReportRisk, ...]:
    """The project's open risks and issues raised by the quarter's end, highest score first."""
    end = quarter.end_date
    return tuple(
        _report_risk(project.code, r, bands)
        for r in by_score(project.risks)
        if r.status is RiskStatus.OPEN and (r.raised_on is None or r.raised_on <= end)
    )


def _report_risk(project: str, risk: Risk, bands: RiskBands) -> ReportRisk:
    score = risk_score(risk.likelihood, risk.impact)
    return ReportRisk(
        project=project, code=risk.code, title=risk.title, kind=risk.kind, score=score, rag=risk_rag(score, bands),
        caption=score_caption(risk.likelihood, risk.impact, bands), owner=risk.owner, mitigation=risk.mitigation,
    )


def _measure_line(
    project: str, measure: Measure, quarter: Quarter, kind: str, code: str, title: str, realisation_start: Quarter | None = None
) -> ReportMeasure:
    where = f"measure {project}/{measure.code or measure.name}"
    return ReportMeasure(
        **measure_line_fields(measure, quarter, where, realisation_start=realisation_start),
        project=project, serves_kind=kind, serves_code=code, serves_title=title,
    )


def _rag_counts(projects: Iterable[ProjectLine]) -> dict[Rag | None, int]:
    counts = Counter(p.rag for p in projects)
    return {rag: counts.get(rag, 0) for rag in REPORT_RAG_ORDER}


def _summary(lines: Sequence[ProjectLine], gaps: Sequence[GapItem], measure_counts: tuple[QuarterCounts, ...]) -> Summary:
    changes = Counter(line.change for line in lines)
    measures = [m for line in lines for m in line.measures]
    gap_counts: dict[str, int] = Counter(g.kind for g in gaps)
    areas = {g.kind: g.area for g in gaps}
    order = {kind: i for i, kind in enumerate(GAP_LABELS)}
    kinds = sorted(gap_counts, key=lambda kind: (order.get(kind, len(order)), kind))
    benefits = [line.benefits for line in lines]
    return Summary(
        projects=len(lines),
        by_rag=_rag_counts(lines),
        drafts=sum(1 for line in lines if line.review_status is ReviewStatus.DRAFT),
        changes={change: changes.get(change, 0) for change in RagChange},
        commentary_missing=sum(1 for line in lines if line.commentary_missing),
        measure_counts=measure_counts,
        measure_notes_missing=sum(1 for m in measures if m.note_missing),
        benefits=OnTrackCount(
            on_track=sum(b.on_track for b in benefits),
            assessed=sum(b.assessed for b in benefits),
            not_assessed=sum(b.not_assessed for b in benefits),
        ),
        gaps=tuple(GapCount(kind, areas[kind], GAP_LABELS.get(kind, kind.replace("_", " ")), gap_counts[kind]) for kind in kinds),
    )


def count_measures(measures: Iterable[tuple[Measure, Quarter | None]], quarter: Quarter) -> tuple[QuarterCounts, ...]:
    """Measures by status in ``quarter``, last quarter and the same quarter last year.

    Each measure comes with the start of the realisation window of the
    benefit it serves (None for an outcome's measure, or any measure that
    serves no benefit), so a plan written ahead of time is not counted as
    missing data; the status is the one rule's (``measure_status``, as
    ``quarter_figures`` rates it). Any list of measures may be counted.
    """
    quarters = [("This quarter", quarter)]
    for heading, back in (("Last quarter", 1), ("Same quarter last year", 4)):
        try:
            quarters.append((heading, quarter.shift(-back)))
        except ValueError:  # before the first quarter the calendar holds
            pass
    statuses: list[list[MeasureStatus]] = [[] for _ in quarters]
    for measure, realisation_start in measures:
        rule, first = MeasureRule.from_measure(measure), min(measure.actuals, default=None)
        for rated, (_, q) in zip(statuses, quarters):
            try:
                rated.append(measure_status(rule, q, measure.actuals, measure.targets, started=reporting_started(q, first, realisation_start)))
            except ValueError as exc:  # as _measure_line: data the status rules cannot rate
                raise ProjtuiError(f"measure {measure.code or measure.name}: {exc}") from None
    return tuple(QuarterCounts(heading, q, count_statuses(rated)) for (heading, q), rated in zip(quarters, statuses))
