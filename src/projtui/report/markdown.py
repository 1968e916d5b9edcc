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

from projtui.domain.enums import Rag
from projtui.domain.formatting import (
    format_band,
    format_number,
    format_percent,
    format_pounds,
    plural,
)
from projtui.domain.measures import MeasureStatus, Travel
from projtui.domain.rag import RagChange, rag_caption, rag_word
from projtui.report.model import (
    KEY_PROGRESS,
    KEY_TARGET,
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
    notes = []
    if s.drafts:
        notes.append(f"{plural(s.drafts, 'rating is a draft', 'ratings are drafts')}, not yet published.")
    if s.commentary_missing:
        notes.append(f"{plural(s.commentary_missing, 'amber or red rating has', 'amber or red ratings have')} no commentary.")
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

    out += ["", "### Measures by status this quarter", ""]
    rows = [[f"{status.symbol} {status.label}", str(n)] for status, n in s.by_status.items()]
    out += _table(["Status", "Measures"], rows + [["**Total**", f"**{s.measures}**"]], right=[1])
    out += ["", _benefits_sentence(report)]
    if s.measure_notes_missing:
        out[-1] += f" {plural(s.measure_notes_missing, 'measure within tolerance or off target has', 'measures within tolerance or off target have')} no note."

    out += ["", "### Golden-thread and data-quality gaps", ""]
    as_of = f" (missing actuals judged against {report.gaps_as_of})" if report.gaps_as_of else ""
    if s.gaps:
        out += [
            f"From `projtui check` on the portfolio as it stands now{as_of}: "
            f"{plural(s.golden_thread_gaps, 'golden-thread gap')}, {plural(s.data_quality_gaps, 'data-quality gap')}.",
            "",
        ]
        out += _table(["Area", "Gap", "Count"], [[escape(g.area), escape(g.label), str(g.count)] for g in s.gaps], right=[2])
    else:
        out.append(f"None: every project serves an ambition and every benefit is measured{as_of}.")
    return out


def _benefits_sentence(report: Report) -> str:
    b = report.summary.benefits
    if not b.assessed:
        text = "Benefits on track: none assessed this quarter"
    else:
        text = f"Benefits on track: {b.on_track} of {b.assessed} assessed"
    if b.not_assessed:
        text += f" ({b.not_assessed} not assessed: their measures are monitor only or not due)"
    return text + "."



# -- sections ---------------------------------------------------------------------


def _project_name(p: ProjectLine) -> str:
    name = escape(p.name)
    if p.other_ambitions:
        name += f"<br>Also serves {escape(', '.join(p.other_ambitions))}"
    return name


def _rating(p: ProjectLine) -> str:
    text = rag_caption(p.rag)
    if p.change.symbol:
        text += f" {p.change.symbol}"
    return text


def _previous(p: ProjectLine) -> str:
    if p.previous is None:
        return "None published"
    return f"{rag_caption(p.previous.rag)} ({p.previous.quarter})"


def _review(p: ProjectLine) -> str:
    return p.review_status.value.capitalize() if p.review_status else ""


def _money(p: ProjectLine) -> str:
    budget = format_pounds(p.budget_pence)
    if p.forecast_pence is None:
        return f"No forecast; budget {budget}" if budget else ""
    text = format_pounds(p.forecast_pence) + (f" of {budget}" if budget else " (no budget set)")
    if p.variance_pence:
        text += f" ({format_pounds(p.variance_pence, signed=True)})"
    return text


def _commentary(p: ProjectLine) -> str:
    if p.commentary_missing:
        article = "an" if p.rag is Rag.AMBER else "a"
        return f"**No commentary** (required for {article} {rag_word(p.rag).lower()} rating)"
    return escape(p.commentary)


def _projects(section: AmbitionSection) -> list[str]:
    headers = ["Code", "Project", "Lead", "Stage", "RAG", "Previous published", "Review", "Forecast outturn of budget", "Benefits on track", "Commentary"]
    rows = [
        [
            escape(p.code), _project_name(p), escape(p.lead), p.stage.value.replace("_", " "), _rating(p), _previous(p),
            _review(p), _money(p), str(p.benefits), _commentary(p),
        ]
        for p in section.projects
    ]
    return _table(headers, rows)


def _travel(t: Travel) -> str:
    return f"{t.symbol} {t.label}"


def _measure_name(m: ReportMeasure) -> str:
    code = f"{escape(m.code)} " if m.code else ""
    return f"{code}{escape(m.name)} ({m.serves_kind} {escape(m.serves_code)})"


def _target(m: ReportMeasure) -> str:
    text = format_band(m.figures.target, m.figures.target_max)
    note = m.target_note
    return f"{text} ({note})" if text and note else text


def _actual(m: ReportMeasure) -> str:
    if m.figures.actual is None:
        return ""
    text = format_number(m.figures.actual)
    if m.provisional:
        text += " (provisional)"
    return text


def _status(m: ReportMeasure) -> str:
    text = f"{m.figures.status.symbol} {m.figures.status.label}"
    if m.figures.status is MeasureStatus.NOT_DUE:
        text += f" ({m.due_note})"
    elif m.figures.achievement is not None:
        text += f" ({format_percent(m.figures.achievement)} of the way)"
    return text


def _note(m: ReportMeasure) -> str:
    if m.note_missing:
        return "**No note** (required when not on target)"
    return escape(m.note)


def _measures(section: AmbitionSection) -> list[str]:
    headers = [
        "Project", "Measure (serves)", "Unit", "Good is", "Baseline", "Target", "Actual", "Status",
        "vs previous quarter", "vs same quarter last year", "Note",
    ]
    rows = [
        [
            escape(m.project), _measure_name(m), escape(m.unit), direction_label(m.direction), format_number(m.baseline),
            _target(m), _actual(m), _status(m), _travel(m.figures.travel_vs_previous), _travel(m.figures.travel_vs_last_year), _note(m),
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
    counts = ", ".join(f"{n} {rag_word(rag).lower()}" for rag, n in section.rag_counts.items() if n)
    out += [f"{plural(len(section.projects), 'project')}: {counts}.", "", "### Projects", ""]
    out += _projects(section)
    out += ["", "### Measures", ""]
    out += _measures(section) if section.measures else ["No measures recorded for these projects."]
    return out


def _key() -> list[str]:
    rags = ", ".join(rag_caption(rag) for rag in REPORT_RAG_ORDER)
    arrows = ", ".join(f"{c.symbol} {c.label.lower()}" for c in (RagChange.IMPROVED, RagChange.WORSENED, RagChange.CHANGED))
    statuses = ", ".join(f"{s.symbol} {s.label.lower()}" for s in MeasureStatus)
    travel = ", ".join(f"{t.symbol} {t.label.lower()}" for t in Travel)
    return [
        "## Key",
        "",
        f"- RAG: {rags}.",
        f"- Beside this quarter's RAG, against the previous published rating: {arrows}.",
        f"- Measure status: {statuses}. Monitor-only measures (no target) show a trend, never a status; "
        "“not due” means the measure is not reported this quarter, which is not the same as “no data”.",
        f"- Direction of travel shows performance, not the number: {travel}.",
        f"- Target: {KEY_TARGET}",
        f"- “of the way”: {KEY_PROGRESS}",
    ]


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
    for section in report.sections:
        out += ["", *_section(section)]
    out += ["", *_key()]
    return "\n".join(out) + "\n"
