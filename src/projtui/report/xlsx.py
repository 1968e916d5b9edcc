"""The quarterly report's tables as a workbook (`projtui report --format xlsx`).

The same model the Markdown, HTML and Word reports lay out (``report.model``),
written as sheets to filter rather than pages to read: Summary (the summary
tables one under another, a row per count), By ambition, Projects and
Measures (every project and measure of every ambition's section, with the
section beside them). Nothing is judged here: ratings, statuses, travel and
achievement and forecasts are the model's, so the workbook and the paper cannot disagree.
Figures are numbers, money is pounds and ratings are words.
"""

from __future__ import annotations

from collections.abc import Iterator

from projtui.domain.measures import Outlook, QuarterFigures, RealisationForecast, in_pounds
from projtui.domain.quarter import Quarter
from projtui.domain.rag import rag_word
from projtui.domain.sheets import CellKind, Column
from projtui.report import wording
from projtui.report.model import REPORT_RAG_ORDER, Report, direction_label
from projtui.report.workbook import Workbook, workbook_chunks

__all__ = ["KPIS", "MEASURES", "PROJECTS", "report_chunks"]

SUMMARY = (Column("table", "Table"), Column("item", "Item"), Column("count", "Count", kind=CellKind.NUMBER))
BY_AMBITION = (
    Column("ambition", "Ambition"),
    *(Column(str(rag), rag_word(rag), kind=CellKind.NUMBER) for rag in REPORT_RAG_ORDER),
    Column("total", "Total", kind=CellKind.NUMBER),
)
PROJECTS = (
    Column("ambition", "Ambition"),
    Column("code", "Code"),
    Column("name", "Project"),
    Column("other_ambitions", "Also serves"),
    Column("lead", "Lead"),
    Column("stage", "Stage"),
    Column("rag", "RAG"),
    Column("change", "Change"),
    Column("previous_rag", "Previous published RAG"),
    Column("previous_quarter", "Previous published quarter", kind=CellKind.QUARTER),
    Column("review", "Review"),
    Column("budget", "Budget", kind=CellKind.MONEY),
    Column("forecast", "Forecast outturn", kind=CellKind.MONEY),
    Column("variance", "Variance", kind=CellKind.MONEY),
    Column("spend", "Spend to date", kind=CellKind.MONEY),
    Column("benefits", "Benefits on track"),
    Column("time_rag", "Time"),
    Column("cost_rag", "Cost"),
    Column("scope_rag", "Scope"),
    Column("benefits_rag", "Benefits"),
    Column("commentary", "Commentary"),
    Column("commentary_missing", "Commentary missing", kind=CellKind.FLAG),
    Column("next_steps", "Next steps"),
)
MEASURES = (
    Column("ambition", "Ambition"),
    Column("project", "Project"),
    Column("code", "Measure code"),
    Column("name", "Measure"),
    Column("serves", "Serves"),
    Column("serves_code", "Serves code"),
    Column("unit", "Unit"),
    Column("direction", "Good is"),
    Column("baseline", "Baseline", kind=CellKind.NUMBER, in_unit=True),
    Column("target", "Target", kind=CellKind.NUMBER, in_unit=True),
    Column("target_max", "Target max", kind=CellKind.NUMBER, in_unit=True),
    Column("target_note", "Target basis"),
    Column("actual", "Actual", kind=CellKind.NUMBER, in_unit=True),
    Column("provisional", "Provisional", kind=CellKind.FLAG),
    Column("status", "Status"),
    Column("achievement", "Of the way", kind=CellKind.PERCENT),
    Column("year_end_forecast", "Year-end forecast", kind=CellKind.NUMBER, in_unit=True),
    Column("year_end_status", "Year-end forecast status"),
    # The trend's figure, the quarter it is read at and the verdict on it (or why there is none: too few quarters).
    Column("trend_forecast", "Trend forecast", kind=CellKind.NUMBER, in_unit=True),
    Column("trend_horizon", "Trend forecast by", kind=CellKind.QUARTER),
    Column("trend_outlook", "Trend forecast outlook"),
    Column("travel", "vs previous quarter"),
    Column("travel_last_year", "vs same quarter last year"),
    Column("benchmark", "Benchmark"),
    Column("note", "Note"),
    Column("note_missing", "Note missing", kind=CellKind.FLAG),
)


KPIS = (
    Column("ambition", "Ambition"),
    Column("code", "KPI code"),
    Column("name", "KPI"),
    Column("service", "Service"),
    Column("unit", "Unit"),
    Column("direction", "Good is"),
    Column("target", "Target", kind=CellKind.NUMBER, in_unit=True),
    Column("target_max", "Target max", kind=CellKind.NUMBER, in_unit=True),
    *(Column(f"q{n}", f"Q{n}", kind=CellKind.NUMBER, in_unit=True) for n in range(1, 5)),
    Column("year_to_date", "Year to date", kind=CellKind.NUMBER, in_unit=True),
    Column("status", "Status"),
    Column("travel", "vs previous quarter"),
    Column("year_end_forecast", "Year-end forecast", kind=CellKind.NUMBER, in_unit=True),
    Column("year_end_status", "Year-end forecast status"),
    Column("benchmark", "Benchmark"),
    Column("owner", "Owner"),
    Column("commentary", "Commentary"),
    Column("commentary_missing", "Commentary missing", kind=CellKind.FLAG),
)


def report_chunks(report: Report) -> Iterator[bytes]:
    """The workbook's bytes, a megabyte at a time."""
    return workbook_chunks(lambda book: _write(book, report))


def _write(book: Workbook, report: Report) -> None:
    s = report.summary
    summary = book.sheet("Summary", SUMMARY)
    for rag, n in s.by_rag.items():
        summary.write(("Projects by overall RAG", rag_word(rag), n))
    for change, n in s.changes.items():
        summary.write(("Change since the previous published rating", change.label, n))
    for group in s.count_groups:
        for status, n in group.counts[0].counts.by_status.items():
            summary.write((group.heading, status.label, n))
        for counts in group.counts[1:]:  # beside this quarter's: last quarter, the same quarter last year
            for status, n in counts.counts.by_status.items():
                summary.write((f"{group.heading} {counts.heading.lower()} ({counts.quarter})", status.label, n))
    summary.write(("Benefits", "On track", s.benefits.on_track))
    summary.write(("Benefits", "Assessed", s.benefits.assessed))
    summary.write(("Benefits", "Not assessed", s.benefits.not_assessed))
    for gap in s.gaps:
        summary.write((f"Gaps: {gap.area}", gap.label, gap.count))

    if report.kpi_groups:
        _appendix_a(book, report)

    by_ambition = book.sheet("By ambition", BY_AMBITION)
    for section in report.sections:
        by_ambition.write((section.heading, *(section.rag_counts[rag] for rag in REPORT_RAG_ORDER), len(section.projects)))

    projects, measures = book.sheet("Projects", PROJECTS), book.sheet("Measures", MEASURES)
    for section in report.sections:
        for p in section.projects:
            projects.write(
                (
                    section.heading, p.code, p.name, ", ".join(p.other_ambitions) or None, p.lead, p.stage.label,
                    rag_word(p.rag), p.change.label or None, rag_word(p.previous.rag) if p.previous else None,
                    p.previous.quarter if p.previous else None, wording.review(p) or None,
                    p.budget_pence, p.forecast_pence, p.variance_pence, p.spend_to_date_pence, str(p.benefits),
                    *(rag_word(rag) for _, rag in p.dimension_rags), p.commentary, p.commentary_missing, p.next_steps,
                )
            )
        for m in section.measures:
            f = m.figures
            measures.write(
                (
                    section.heading, m.project, m.code, m.name, m.serves_kind, m.serves_code, m.unit or None, direction_label(m.direction),
                    m.baseline, f.target, f.target_max, m.target_note or None, f.actual, m.provisional if f.actual is not None else None,
                    f.status.label, f.achievement, *_year_end(f), *_trend(f.realisation), f.travel_vs_previous.label,
                    f.travel_vs_last_year.label,
                    wording.benchmark(m) or None, m.note, m.note_missing,
                ),
                in_pounds(m.unit),
            )


def _appendix_a(book: Workbook, report: Report) -> None:
    """Appendix A: a row per KPI, its quarters as numbers, its commentary quarter by quarter in one cell."""
    kpis = book.sheet("Appendix A KPIs", KPIS)
    for group in report.kpi_groups:
        for k in group.kpis:
            f = k.figures
            kpis.write(
                (
                    group.heading, k.code, k.name, k.service, k.unit or None, direction_label(k.direction), f.target, f.target_max,
                    *(q.actual for q in k.quarters), k.year_to_date, f.status.label, f.travel_vs_previous.label,
                    *_year_end(f), wording.benchmark(k) or None, k.owner, "\n".join(f"Q{q.quarter}: {text}" for q, text in k.commentary) or None,
                    k.note_missing,
                ),
                in_pounds(k.unit),
            )


def _year_end(f: QuarterFigures) -> tuple[float | None, str | None]:
    """The owner's year-end forecast and its status, a project measure's and a KPI's alike; no forecast, no status."""
    return f.year_end_forecast, f.year_end_status.label if f.year_end_forecast is not None else None


def _trend(r: RealisationForecast) -> tuple[float | None, Quarter | None, str | None]:
    """The trend forecast as the report prints it: its figure by its quarter and the verdict, else only why there is none.

    Monitor-only measures get a figure and no verdict, as in ``RealisationForecast.describe``.
    """
    if r.value is None:
        return None, None, r.outlook.label
    return r.value, r.horizon, None if r.outlook is Outlook.NO_TARGET else r.outlook.label
