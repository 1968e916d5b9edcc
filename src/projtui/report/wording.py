"""The report's cells and sentences as plain text, worded once for the renderers that lay out text.

Markdown escapes what it prints and Word stores every run as literal text,
so both take these strings as they are: nothing here holds user text (names,
commentary, notes) or markup, only figures, ratings and fixed words, so
there is nothing to escape. Where a cell mixes the two (a project's name, a
missing-commentary warning in bold) the renderer builds it around these.
"""

from __future__ import annotations

from collections import Counter

from projtui.domain.enums import Rag
from projtui.domain.formatting import (
    format_band,
    format_number,
    format_percent,
    format_pounds,
    plural,
)
from projtui.domain.measures import MeasureStatus, Travel, describe_year_end
from projtui.domain.rag import RagChange, rag_caption, rag_word
from projtui.report.appendix_a import KpiQuarter, ReportKpi
from projtui.report.measure_line import MeasureLine
from projtui.report.model import (
    KEY_BENCHMARK,
    KEY_FORECASTS,
    KEY_PROGRESS,
    KEY_TARGET,
    REPORT_RAG_ORDER,
    AmbitionSection,
    ProjectLine,
    QuarterCounts,
    Report,
    ReportRisk,
    Summary,
)

__all__ = [
    "APPENDIX_A",
    "APPENDIX_B",
    "APPENDIX_B_LEAD",
    "actual",
    "benefits_sentence",
    "benchmark",
    "count_heading",
    "counts_sentence",
    "commentary_required",
    "gaps_sentence",
    "key_items",
    "kpi_actual",
    "kpi_group_counts",
    "kpi_lead",
    "kpi_no_commentary",
    "kpi_year_to_date",
    "measure_notes_sentence",
    "money",
    "previous",
    "rating",
    "review",
    "risk_kind",
    "section_counts",
    "status",
    "summary_notes",
    "target",
    "travel",
    "trend_forecast",
    "year_end_forecast",
]

# -- summary ---------------------------------------------------------------------


def summary_notes(s: Summary) -> list[str]:
    """What the count of projects by RAG leaves out: drafts, and ratings nobody explained."""
    notes = []
    if s.drafts:
        notes.append(f"{plural(s.drafts, 'rating is a draft', 'ratings are drafts')}, not yet published.")
    if s.commentary_missing:
        notes.append(f"{plural(s.commentary_missing, 'amber or red rating has', 'amber or red ratings have')} no commentary.")
    return notes


def count_heading(c: QuarterCounts) -> str:
    """A column of the measures-by-status table: ``Last quarter (2026/27 Q1)``."""
    return f"{c.heading} ({c.quarter})"


def counts_sentence(c: QuarterCounts) -> str:
    """``This quarter (2026/27 Q2): 44 of 64 with targets on or within target (68.8%); 23 without target; 7 no data; 3 not due.``"""
    counts = c.counts
    share = counts.share_on_or_within
    parts = [f"{counts.on_or_within} of {counts.rated} with targets on or within target" + ("" if share is None else f" ({share:.1%})")]
    for status, words in ((MeasureStatus.MONITOR_ONLY, "without target"), (MeasureStatus.NO_DATA, "no data"), (MeasureStatus.NOT_DUE, "not due")):
        if counts.by_status[status]:
            parts.append(f"{counts.by_status[status]} {words}")
    return f"{count_heading(c)}: {'; '.join(parts)}."


def benefits_sentence(s: Summary) -> str:
    b = s.benefits
    if not b.assessed:
        text = "Benefits on track: none assessed this quarter"
    else:
        text = f"Benefits on track: {b.on_track} of {b.assessed} assessed"
    if b.not_assessed:
        text += f" ({b.not_assessed} not assessed: their measures are monitor only or not due)"
    return text + "."


def measure_notes_sentence(s: Summary) -> str | None:
    if not s.measure_notes_missing:
        return None
    return f"{plural(s.measure_notes_missing, 'measure within tolerance or off target has', 'measures within tolerance or off target have')} no note."


def gaps_sentence(report: Report, check: str) -> str:
    """The gaps table's lead-in, or the whole answer when there are none; ``check`` is the command as the format shows code."""
    s = report.summary
    as_of = f" (missing actuals judged against {report.gaps_as_of})" if report.gaps_as_of else ""
    if not s.gaps:
        return f"None: every project serves an ambition and every benefit is measured{as_of}."
    return (
        f"From {check} on the portfolio as it stands now{as_of}: "
        f"{plural(s.golden_thread_gaps, 'golden-thread gap')}, {plural(s.data_quality_gaps, 'data-quality gap')}."
    )


def section_counts(section: AmbitionSection) -> str:
    """``3 projects: 1 red, 2 green.``"""
    counts = ", ".join(f"{n} {rag_word(rag).lower()}" for rag, n in section.rag_counts.items() if n)
    return f"{plural(len(section.projects), 'project')}: {counts}."


# -- a project's cells -------------------------------------------------------------


def rating(p: ProjectLine) -> str:
    """This quarter's RAG as shape and word, with an arrow if it moved: ``● Green ↑``."""
    text = rag_caption(p.rag)
    if p.change.symbol:
        text += f" {p.change.symbol}"
    return text


def previous(p: ProjectLine) -> str:
    if p.previous is None:
        return "None published"
    return f"{rag_caption(p.previous.rag)} ({p.previous.quarter})"


def review(p: ProjectLine) -> str:
    return p.review_status.value.capitalize() if p.review_status else ""


def money(p: ProjectLine) -> str:
    budget = format_pounds(p.budget_pence)
    if p.forecast_pence is None:
        return f"No forecast; budget {budget}" if budget else ""
    text = format_pounds(p.forecast_pence) + (f" of {budget}" if budget else " (no budget set)")
    if p.variance_pence:
        text += f" ({format_pounds(p.variance_pence, signed=True)})"
    return text


def commentary_required(p: ProjectLine) -> str:
    """Why a missing commentary matters, after the words "No commentary": ``required for an amber rating``."""
    article = "an" if p.rag is Rag.AMBER else "a"
    return f"required for {article} {rag_word(p.rag).lower()} rating"


# -- a measure's cells ---------------------------------------------------------------


def travel(t: Travel) -> str:
    return f"{t.symbol} {t.label}"


def target(m: MeasureLine) -> str:
    text = format_band(m.figures.target, m.figures.target_max)
    note = m.target_note
    return f"{text} ({note})" if text and note else text


def actual(m: MeasureLine) -> str:
    if m.figures.actual is None:
        return ""
    text = format_number(m.figures.actual)
    if m.provisional:
        text += " (provisional)"
    return text


def year_end_forecast(m: MeasureLine) -> str:
    return describe_year_end(m.figures.year_end_forecast, m.figures.year_end_status)


def trend_forecast(m: MeasureLine) -> str:
    return m.figures.realisation.describe()


def benchmark(m: MeasureLine) -> str:
    """The measure's benchmarks, one a line (``2nd quartile (APSE family group 2023/24, median 62)``); empty: none."""
    return "\n".join(m.benchmarks)


def status(m: MeasureLine) -> str:
    text = f"{m.figures.status.symbol} {m.figures.status.label}"
    if m.figures.status is MeasureStatus.NOT_DUE:
        text += f" ({m.due_note})"
    elif m.figures.achievement is not None:
        text += f" ({format_percent(m.figures.achievement)} of the way)"
    return text


# -- the appendices -----------------------------------------------------------------

APPENDIX_A = "Appendix A – KPIs"
APPENDIX_B = "Appendix B – Projects"
APPENDIX_B_LEAD = "Projects by their primary ambition, each ambition in a section of its own."


def kpi_lead(report: Report) -> str:
    """What Appendix A holds, before its tables."""
    year = report.quarter.financial_year
    return (
        f"Corporate KPIs by their primary ambition: the quarters of {year} so far (to Q{report.quarter.quarter}), the year to date "
        "(a running total's latest, else the latest reading), this quarter's status, travel since the previous report, "
        "the owner's year-end forecast, the latest benchmark and the year's commentary."
    )


def kpi_group_counts(kpis: tuple[ReportKpi, ...]) -> str:
    """``4 KPIs: 2 on target, 1 off target, 1 monitor only.``"""
    counts = Counter(k.figures.status for k in kpis)
    words = ", ".join(f"{counts[s]} {s.label.lower()}" for s in MeasureStatus if counts[s])
    return f"{plural(len(kpis), 'KPI')}: {words}."


def kpi_actual(q: KpiQuarter) -> str:
    """A quarter's actual in the year's row (empty: none by the report's quarter)."""
    if q.actual is None:
        return ""
    return format_number(q.actual) + (" (provisional)" if q.provisional else "")


def kpi_no_commentary(k: ReportKpi) -> str:
    """What an amber or red KPI lacks, in bold where the format has it: ``No commentary for Q2``."""
    return f"No commentary for Q{k.figures.quarter.quarter}"


def kpi_year_to_date(k: ReportKpi) -> str:
    return format_number(k.year_to_date)


# -- the key ----------------------------------------------------------------------------


def risk_kind(r: ReportRisk) -> str:
    """``Risk`` or ``Issue``."""
    return r.kind.value.capitalize()


def key_items() -> list[str]:
    """The key, one item a line, for a bulleted list."""
    rags = ", ".join(rag_caption(rag) for rag in REPORT_RAG_ORDER)
    arrows = ", ".join(f"{c.symbol} {c.label.lower()}" for c in (RagChange.IMPROVED, RagChange.WORSENED, RagChange.CHANGED))
    statuses = ", ".join(f"{s.symbol} {s.label.lower()}" for s in MeasureStatus)
    travels = ", ".join(f"{t.symbol} {t.label.lower()}" for t in Travel if t.judges)
    neutral = ", ".join(f"{t.symbol} {t.label.lower()}" for t in Travel if not t.judges)
    return [
        f"RAG: {rags}.",
        f"Beside this quarter's RAG, against the previous published rating: {arrows}.",
        (
            f"Measure status: {statuses}. Monitor-only measures (no target) show a trend, never a status; "
            "“not due” means the measure is not reported this quarter, which is not the same as “no data”."
        ),
        f"Direction of travel shows performance, not the number: {travels}; "
        f"for an activity measure (good is neither), the number's own way: {neutral}.",
        f"Forecasts: {KEY_FORECASTS}",
        f"Benchmark: {KEY_BENCHMARK}",
        f"Target: {KEY_TARGET}",
        f"“of the way”: {KEY_PROGRESS}",
    ]
