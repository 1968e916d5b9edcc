"""The quarterly report as Markdown (GitHub-flavoured tables).

User text is data, never markup: every character that Markdown or the
HTML a Markdown viewer passes through would act on is backslash-escaped,
so a project called ``[red]x | <b>`` prints as typed and cannot break a
table. Line breaks inside a cell become ``<br>``, the one tag GitHub tables
allow for them. The output is a pure function of the report model: no
timestamps, so two runs on the same data are byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from projtui.domain.formatting import format_number
from projtui.domain.measures import MeasureStatus
from projtui.domain.rag import rag_caption
from projtui.report import wording
from projtui.report.appendix_a import ReportKpi
from projtui.report.model import (
    REPORT_RAG_ORDER,
    AmbitionSection,
    ProjectLine,
    Report,
    ReportMeasure,
    direction_label,
)

__all__ = ["escape", "render_markdown"]

NONE = "—"  # an empty cell reads as a rendering fault; a dash says "nothing here"

# Backslash first, so the escapes added for the others are not escaped again.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# "&amp;" typed by a user must print as typed, not as "&"; a lone "&" is fine.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def escape(text: str | None, *, breaks: bool = True) -> str:
    """User text made literal for a table cell (``breaks``) or a heading (line breaks become spaces)."""
    if text is None:
        return ""
    text = _ENTITY.sub(r"\\&", _SPECIAL.sub(r"\\\1", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    return ("<br>" if breaks else " ").join(lines)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, right: Sequence[int] = ()) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    out = [_row(headers), _row(align)]
    out += [_row([cell or NONE for cell in row]) for row in rows]
    return out


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


# -- summary ---------------------------------------------------------------------


def _summary(report: Report) -> list[str]:
    s = report.summary
    out = ["## Summary", "", "### Projects by overall RAG this quarter", ""]
    out += _table(["RAG", "Projects"], [[rag_caption(rag), str(n)] for rag, n in s.by_rag.items()] + [["**Total**", f"**{s.projects}**"]], right=[1])
    notes = wording.summary_notes(s)
    if notes:
        out += ["", " ".join(notes)]

    out += ["", "### By ambition", ""]
    if report.sections:
        headers = ["Ambition", *(rag_caption(rag) for rag in REPORT_RAG_ORDER), "Total"]
        rows = [
            [escape(section.heading, breaks=False), *(str(section.rag_counts[rag]) for rag in REPORT_RAG_ORDER), str(len(section.projects))]
            for section in report.sections
        ]
        out += _table(headers, rows, right=range(1, len(headers)))
    else:
        out.append("No ambitions or projects recorded yet.")

    out += ["", "### Change since the previous published rating", ""]
    rows = [[f"{change.symbol} {change.label}".strip(), str(n)] for change, n in s.changes.items()]
    out += _table(["Change", "Projects"], rows, right=[1])

    for group in s.count_groups:
        out += ["", f"### {group.heading}", ""]
        out += [" ".join(wording.counts_sentence(c) for c in group.counts), ""]
        headers = ["Status", *(wording.count_heading(c) for c in group.counts)]
        rows = [[f"{status.symbol} {status.label}", *(str(c.counts.by_status[status]) for c in group.counts)] for status in MeasureStatus]
        total = ["**Total**", *(f"**{c.counts.total}**" for c in group.counts)]
        out += _table(headers, [*rows, total], right=range(1, len(headers)))
    out += ["", " ".join(x for x in (wording.benefits_sentence(s), wording.measure_notes_sentence(s)) if x)]

    out += ["", "### Golden-thread and data-quality gaps", "", wording.gaps_sentence(report, "`projtui check`")]
    if s.gaps:
        out += [""]
        out += _table(["Area", "Gap", "Count"], [[escape(g.area), escape(g.label), str(g.count)] for g in s.gaps], right=[2])
    return out


# -- sections ---------------------------------------------------------------------


def _project_name(p: ProjectLine) -> str:
    name = escape(p.name)
    if p.other_ambitions:
        name += f"<br>Also serves {escape(', '.join(p.other_ambitions))}"
    return name


def _commentary(p: ProjectLine) -> str:
    if p.commentary_missing:
        return f"**No commentary** ({wording.commentary_required(p)})"
    return escape(p.commentary)


def _projects(section: AmbitionSection) -> list[str]:
    headers = ["Code", "Project", "Lead", "Stage", "RAG", "Previous published", "Review", "Forecast outturn of budget", "Benefits on track", "Commentary"]
    rows = [
        [
            escape(p.code), _project_name(p), escape(p.lead), p.stage.label, wording.rating(p), wording.previous(p),
            wording.review(p), wording.money(p), str(p.benefits), _commentary(p),
        ]
        for p in section.projects
    ]
    return _table(headers, rows)


def _measure_name(m: ReportMeasure) -> str:
    code = f"{escape(m.code)} " if m.code else ""
    return f"{code}{escape(m.name)} ({m.serves_kind} {escape(m.serves_code)})"


def _note(m: ReportMeasure) -> str:
    if m.note_missing:
        return "**No note** (required when not on target)"
    return escape(m.note)


def _measures(section: AmbitionSection) -> list[str]:
    headers = [
        "Project", "Measure (serves)", "Unit", "Good is", "Baseline", "Target", "Actual", "Status",
        "Year-end forecast", "Trend forecast", "Benchmark", "vs previous quarter", "vs same quarter last year", "Note",
    ]
    rows = [
        [
            escape(m.project), _measure_name(m), escape(m.unit), direction_label(m.direction), format_number(m.baseline),
            wording.target(m), wording.actual(m), wording.status(m), wording.year_end_forecast(m), wording.trend_forecast(m),
            escape(wording.benchmark(m)), wording.travel(m.figures.travel_vs_previous),
            wording.travel(m.figures.travel_vs_last_year), _note(m),
        ]
        for m in section.measures
    ]
    return _table(headers, rows, right=[4, 5, 6])


def _section(section: AmbitionSection) -> list[str]:
    out = [f"## {escape(section.heading, breaks=False)}", ""]
    if section.description:
        out += [escape(section.description), ""]
    if not section.projects:
        return [*out, "No projects have this as their primary ambition."]
    out += [wording.section_counts(section), "", "### Projects", ""]
    out += _projects(section)
    out += ["", "### Measures", ""]
    out += _measures(section) if section.measures else ["No measures recorded for these projects."]
    if section.risks:
        out += ["", "### Open risks and issues of amber and red projects", ""]
        out += _risks(section)
    return out


def _risks(section: AmbitionSection) -> list[str]:
    headers = ["Project", "Code", "Risk or issue", "Kind", "Score", "Owner", "Mitigation or action"]
    rows = [
        [escape(r.project), escape(r.code), escape(r.title), wording.risk_kind(r), r.caption, escape(r.owner), escape(r.mitigation)]
        for r in section.risks
    ]
    return _table(headers, rows)


# -- Appendix A: KPIs -----------------------------------------------------------------

KPI_HEADERS = [
    "Code", "KPI", "Unit", "Good is", "Target", "Q1", "Q2", "Q3", "Q4", "Year to date", "Status", "vs previous quarter",
    "Year-end forecast", "Benchmark", "Owner", "Commentary",
]


def _kpi_name(k: ReportKpi) -> str:
    name = escape(k.name)
    return f"{name}<br>{escape(k.service)}" if k.service else name


def _kpi_commentary(k: ReportKpi) -> str:
    said = [f"Q{q.quarter}: {escape(text)}" for q, text in k.commentary]
    if k.note_missing:
        said.append(f"**{wording.kpi_no_commentary(k)}** (required when not on target)")
    return "<br>".join(said)


def _kpi_row(k: ReportKpi) -> list[str]:
    return [
        escape(k.code), _kpi_name(k), escape(k.unit), direction_label(k.direction), wording.target(k),
        *(wording.kpi_actual(q) for q in k.quarters), wording.kpi_year_to_date(k), wording.status(k),
        wording.travel(k.figures.travel_vs_previous), wording.year_end_forecast(k), escape(wording.benchmark(k)),
        escape(k.owner), _kpi_commentary(k),
    ]


def _appendix_a(report: Report) -> list[str]:
    out = [f"## {wording.APPENDIX_A}", "", wording.kpi_lead(report)]
    for group in report.kpi_groups:
        out += ["", f"### {escape(group.heading, breaks=False)}", "", wording.kpi_group_counts(group.kpis), ""]
        out += _table(KPI_HEADERS, [_kpi_row(k) for k in group.kpis], right=range(4, 10))
    return out


def _key() -> list[str]:
    return ["## Key", "", *(f"- {item}" for item in wording.key_items())]


def render_markdown(report: Report) -> str:
    out = [f"# {escape(report.title, breaks=False)}", ""]
    heading = " · ".join(f"**{escape(x, breaks=False)}**" if i == 0 else escape(x, breaks=False)
                         for i, x in enumerate(x for x in (report.portfolio_name, report.council) if x))
    if heading:
        out += [heading, ""]
    out += [f"Quarter: {report.period}.", ""]
    for notice in report.notices:
        out += [f"> {escape(notice)}", ""]
    out += _summary(report)
    if report.kpi_groups:
        out += ["", *_appendix_a(report)]
        out += ["", f"## {wording.APPENDIX_B}", "", wording.APPENDIX_B_LEAD]
    for section in report.sections:
        out += ["", *_section(section)]
    out += ["", *_key()]
    return "\n".join(out) + "\n"
