"""The quarterly report as a Word document for a committee agenda.

The same content as the Markdown and HTML reports, laid out for a
democratic services officer to drop into an agenda pack: the title as
Heading 1 and each part as Heading 2, so the agenda's table of contents
picks them up; the summary on A4 portrait, each ambition on its own A4
landscape pages (its tables are wide), header rows repeated on every page
and page numbers in the footer. Every rating is a shape and a word, and
the cell's colour is only a third cue, so it reads printed in black and
white and to colour-blind readers.

python-docx is imported by this module only, so ``projtui report`` in the
other formats (and every other command) never loads it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from projtui.domain.enums import Rag
from projtui.domain.formatting import format_number
from projtui.domain.measures import MeasureStatus
from projtui.domain.rag import rag_caption
from projtui.report import wording
from projtui.report.appendix_a import ReportKpi
from projtui.report.docx_layout import (
    Cell,
    Line,
    Strong,
    add_page_numbers,
    add_table,
    heading,
    new_document,
    paragraph,
    start_section,
)
from projtui.report.model import (
    REPORT_RAG_ORDER,
    AmbitionSection,
    ProjectLine,
    Report,
    ReportMeasure,
    ReportRisk,
    direction_label,
)

__all__ = ["render_docx"]

# Pale, so black text keeps its contrast; the shape and the word carry the meaning.
_RAG_FILLS = {Rag.RED: "F4C7C3", Rag.AMBER: "FCE8B2", Rag.GREEN: "B7E1CD", Rag.COMPLETE: "C9DAF8"}


def _rag_cell(rag: Rag | None, text: str) -> Cell:
    return Cell((text,), fill=_RAG_FILLS.get(rag))


# -- summary (portrait) -----------------------------------------------------------------


def _summary(doc, report: Report) -> None:
    s = report.summary
    heading(doc, "Summary", 2)

    heading(doc, "Projects by overall RAG this quarter", 3)
    rows = [[_rag_cell(rag, rag_caption(rag)), str(n)] for rag, n in s.by_rag.items()]
    add_table(doc, ["RAG", "Projects"], [*rows, [Strong("Total"), Strong(str(s.projects))]], [3, 1], numeric=[1])
    for note in wording.summary_notes(s):
        paragraph(doc, note)

    heading(doc, "By ambition", 3)
    if report.sections:
        headers = ["Ambition", *(rag_caption(rag) for rag in REPORT_RAG_ORDER), "Total"]
        rows = [
            [section.heading, *(str(section.rag_counts[rag]) for rag in REPORT_RAG_ORDER), str(len(section.projects))]
            for section in report.sections
        ]
        add_table(doc, headers, rows, [3.4, *(1.9 for _ in REPORT_RAG_ORDER), 1.3], numeric=range(1, len(headers)))
    else:
        paragraph(doc, "No ambitions or projects recorded yet.")

    heading(doc, "Change since the previous published rating", 3)
    rows = [[f"{change.symbol} {change.label}".strip(), str(n)] for change, n in s.changes.items()]
    add_table(doc, ["Change", "Projects"], rows, [3, 1], numeric=[1])

    for group in s.count_groups:
        heading(doc, group.heading, 3)
        for counts in group.counts:
            paragraph(doc, wording.counts_sentence(counts))
        rows = [
            [_rag_cell(status.rag, f"{status.symbol} {status.label}"), *(str(c.counts.by_status[status]) for c in group.counts)]
            for status in MeasureStatus
        ]
        total = [Strong("Total"), *(Strong(str(c.counts.total)) for c in group.counts)]
        headers = ["Status", *(wording.count_heading(c) for c in group.counts)]
        add_table(doc, headers, [*rows, total], [3, *(1.6 for _ in group.counts)], numeric=range(1, len(headers)))
    paragraph(doc, " ".join(x for x in (wording.benefits_sentence(s), wording.measure_notes_sentence(s)) if x))

    heading(doc, "Golden-thread and data-quality gaps", 3)
    paragraph(doc, wording.gaps_sentence(report, "projtui check"))
    if s.gaps:
        add_table(doc, ["Area", "Gap", "Count"], [[g.area, g.label, str(g.count)] for g in s.gaps], [1.2, 4, 0.8], numeric=[2])


# -- an ambition (landscape) ------------------------------------------------------------


_PROJECT_HEADERS = [
    "Code", "Project", "Lead", "Stage", "RAG", "Previous published", "Review", "Forecast outturn of budget", "Benefits on track", "Commentary",
]
_PROJECT_WIDTHS = [1.6, 3.4, 2.4, 1.8, 2.2, 2.4, 1.9, 2.8, 1.7, 5.5]  # cm, to the 25.7 cm between landscape margins


def _project_row(p: ProjectLine) -> list[str | Cell]:
    name: list[str] = [p.name]
    if p.other_ambitions:
        name.append(f"Also serves {', '.join(p.other_ambitions)}")
    return [
        p.code, Cell(tuple(name)), p.lead or "", p.stage.label, _rag_cell(p.rag, wording.rating(p)),
        wording.previous(p), wording.review(p), wording.money(p), str(p.benefits), _commentary(p),
    ]


def _commentary(p: ProjectLine) -> Cell:
    """The commentary, then (as in the HTML report) next steps and the time, cost, scope and benefits ratings."""
    lines: list[Line] = []
    if p.commentary_missing:
        lines.append((Strong("No commentary"), f" ({wording.commentary_required(p)})"))
    elif p.commentary and p.commentary.strip():
        lines.append(p.commentary.strip())
    if p.next_steps and p.next_steps.strip():
        lines.append((Strong("Next steps: "), p.next_steps.strip()))
    dims = [f"{label} {rag_caption(rag)}" for label, rag in p.dimension_rags if rag is not Rag.NOT_SET]
    if dims:
        lines.append(" · ".join(dims))
    return Cell(tuple(lines))


_MEASURE_HEADERS = [
    "Project", "Measure (serves)", "Unit", "Good is", "Baseline", "Target", "Actual", "Status",
    "Year-end forecast", "Trend forecast", "Benchmark", "vs previous quarter", "vs same quarter last year", "Note",
]
_MEASURE_WIDTHS = [1.4, 2.6, 1.1, 1.3, 1.5, 2.2, 1.7, 2.2, 1.9, 2.3, 2.6, 1.6, 1.6, 1.8]  # cm; figures must not wrap


def _measure_row(m: ReportMeasure) -> list[str | Cell]:
    code = f"{m.code} " if m.code else ""
    if m.note_missing:
        note: str | Cell = Cell(((Strong("No note"), " (required when not on target)"),))
    else:
        note = m.note or ""
    return [
        m.project, f"{code}{m.name} ({m.serves_kind} {m.serves_code})", m.unit, direction_label(m.direction), format_number(m.baseline),
        wording.target(m), wording.actual(m), _rag_cell(m.figures.status.rag, wording.status(m)),
        _rag_cell(m.figures.year_end_status.rag, wording.year_end_forecast(m)),
        _rag_cell(m.figures.realisation.outlook.rag, wording.trend_forecast(m)), Cell(m.benchmarks),
        wording.travel(m.figures.travel_vs_previous), wording.travel(m.figures.travel_vs_last_year), note,
    ]


_RISK_HEADERS = ["Project", "Code", "Risk or issue", "Kind", "Score", "Owner", "Mitigation or action"]
_RISK_WIDTHS = [1.7, 1.4, 5.6, 1.6, 2.4, 3.0, 10.0]  # cm


def _risk_row(r: ReportRisk) -> list[str | Cell]:
    return [r.project, r.code, r.title, wording.risk_kind(r), _rag_cell(r.rag, r.caption), r.owner or "", (r.mitigation or "").strip()]


def _section(doc, section: AmbitionSection) -> None:
    start_section(doc, landscape=bool(section.projects))
    heading(doc, section.heading, 2)
    if section.description:
        paragraph(doc, section.description)
    if not section.projects:
        paragraph(doc, "No projects have this as their primary ambition.")
        return
    paragraph(doc, wording.section_counts(section))
    heading(doc, "Projects", 3)
    add_table(doc, _PROJECT_HEADERS, [_project_row(p) for p in section.projects], _PROJECT_WIDTHS, numeric=[8])
    heading(doc, "Measures", 3)
    if section.measures:
        add_table(doc, _MEASURE_HEADERS, [_measure_row(m) for m in section.measures], _MEASURE_WIDTHS, numeric=[4, 5, 6])
    else:
        paragraph(doc, "No measures recorded for these projects.")
    if section.risks:
        heading(doc, "Open risks and issues of amber and red projects", 3)
        add_table(doc, _RISK_HEADERS, [_risk_row(r) for r in section.risks], _RISK_WIDTHS, numeric=[4])


# -- Appendix A: KPIs (landscape) ---------------------------------------------------------

_KPI_HEADERS = [
    "Code", "KPI", "Unit", "Good is", "Target", "Q1", "Q2", "Q3", "Q4", "Year to date", "Status", "vs previous quarter",
    "Year-end forecast", "Benchmark", "Owner", "Commentary",
]
_KPI_WIDTHS = [1.2, 2.8, 1.1, 1.2, 1.4, 1.1, 1.1, 1.1, 1.1, 1.3, 1.8, 1.5, 1.7, 2.2, 1.7, 3.4]  # cm, to 25.7


def _kpi_row(k: ReportKpi) -> list[str | Cell]:
    name = (k.name, k.service) if k.service else (k.name,)
    said: list[Line] = [f"Q{q.quarter}: {text.strip()}" for q, text in k.commentary]
    if k.note_missing:
        said.append((Strong(wording.kpi_no_commentary(k)), " (required when not on target)"))
    return [
        k.code or "", Cell(name), k.unit, direction_label(k.direction), wording.target(k),
        *(wording.kpi_actual(q) for q in k.quarters), wording.kpi_year_to_date(k), _rag_cell(k.figures.status.rag, wording.status(k)),
        wording.travel(k.figures.travel_vs_previous), _rag_cell(k.figures.year_end_status.rag, wording.year_end_forecast(k)),
        Cell(k.benchmarks), k.owner or "", Cell(tuple(said)),
    ]


def _appendix_a(doc, report: Report) -> None:
    start_section(doc, landscape=True)
    heading(doc, wording.APPENDIX_A, 2)
    paragraph(doc, wording.kpi_lead(report))
    for group in report.kpi_groups:
        heading(doc, group.heading, 3)
        paragraph(doc, wording.kpi_group_counts(group.kpis))
        add_table(doc, _KPI_HEADERS, [_kpi_row(k) for k in group.kpis], _KPI_WIDTHS, numeric=range(4, 10))


# -- the paper ----------------------------------------------------------------------------


def render_docx(report: Report) -> bytes:
    """The report as a .docx file's bytes."""
    doc = new_document(title=report.title, subject=report.portfolio_name, author=report.council)
    doc.core_properties.created = doc.core_properties.modified = datetime.now(UTC)
    heading(doc, report.title, 1)
    names = [" ".join(x.split()) for x in (report.portfolio_name, report.council) if x]
    if names:  # as in the Markdown: the first in bold, "Strategic Projects 2024-2027 · Lancaster City Council"
        paragraph(doc, [Strong(names[0]), *(f" · {x}" for x in names[1:])])
    paragraph(doc, f"Quarter: {report.period}.")
    for notice in report.notices:
        paragraph(doc, notice, "Intense Quote")
    _summary(doc, report)
    if report.kpi_groups:
        _appendix_a(doc, report)
        start_section(doc, landscape=False)  # the divider page before the projects' sections
        heading(doc, wording.APPENDIX_B, 2)
        paragraph(doc, wording.APPENDIX_B_LEAD)
    for section in report.sections:
        _section(doc, section)
    start_section(doc, landscape=False)
    heading(doc, "Key", 2)
    for item in wording.key_items():
        paragraph(doc, item, "List Bullet")
    add_page_numbers(doc, report.title)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
