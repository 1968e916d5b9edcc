"""The quarterly report as one self-contained HTML page that prints well.

Self-contained: the stylesheet (``report.css``, shipped in this package) is
inlined, and the page has no scripts, fonts, images or links to anything
outside itself, so it can be emailed, archived with committee papers and
opened offline. Every string from the data goes through ``html.escape``;
the page is also well-formed XML, which the tests check.

Ratings carry a symbol and a word as well as a colour, so the report reads
the same printed in black and white and to colour-blind readers. In print
each ambition starts a new page and table headings repeat on every page.
"""

from __future__ import annotations

import html
from importlib import resources

from projtui.domain.enums import Rag
from projtui.domain.formatting import (
    format_band,
    format_number,
    format_percent,
    format_pounds,
    plural,
)
from projtui.domain.measures import MeasureStatus, Travel
from projtui.domain.rag import RagChange, rag_symbol, rag_word
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

__all__ = ["render_html", "stylesheet"]

NONE = '<span class="none">—</span>'
_GOLDEN = ' class="golden-thread"'


def stylesheet() -> str:
    """The report's CSS, from the package (so it ships in the wheel)."""
    return resources.files("projtui.report").joinpath("report.css").read_text(encoding="utf-8")


def _e(text: object | None) -> str:
    """Escaped text; None is empty."""
    return "" if text is None else html.escape(str(text), quote=True)


def _sentence(text: str) -> str:
    """First letter up, the rest as written (``str.capitalize`` would lower "Q4")."""
    return text[:1].upper() + text[1:]


def _slug(text: str) -> str:
    # Codes are letters, digits, ".", "_" and "-" already; anything else is dropped, then escaped anyway.
    return "".join(ch for ch in text if ch.isalnum() or ch in "._-")


def _badge(kind: str, value: str, symbol: str, label: str, extra: str = "") -> str:
    return (
        f'<span class="badge {kind}-{_e(value)}"><span class="symbol" aria-hidden="true">{_e(symbol)}</span> '
        f"{_e(label)}{extra}</span>"
    )


def _rag(rag: Rag | None, extra: str = "") -> str:
    return _badge("rag", rag.value if rag else "not_reviewed", rag_symbol(rag), rag_word(rag), extra)


def _status(status: MeasureStatus) -> str:
    return _badge("status", status.value, status.symbol, status.label)


def _travel(travel: Travel) -> str:
    return f'<span class="travel travel-{_e(travel.value)}"><span aria-hidden="true">{_e(travel.symbol)}</span> {_e(travel.label)}</span>'


def _table(css_class: str, caption: str | None, headers: list[tuple[str, str]], rows: list[str]) -> str:
    head = "".join(f'<th scope="col" class="{cls}">{_e(text)}</th>' if cls else f'<th scope="col">{_e(text)}</th>' for text, cls in headers)
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f'<table class="{css_class}">{cap}<thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"



# -- summary -----------------------------------------------------------------------


def _count_table(caption: str, label: str, rows: list[tuple[str, int]], total: int | None) -> str:
    body = [f'<tr><th scope="row">{cell}</th><td class="num">{n}</td></tr>' for cell, n in rows]
    if total is not None:
        body.append(f'<tr class="total"><th scope="row">Total</th><td class="num">{total}</td></tr>')
    return _table("counts", caption, [(label, ""), ("Count", "num")], body)


def _summary(report: Report) -> str:
    s = report.summary
    parts = ['<section class="summary" aria-labelledby="summary"><h2 id="summary">Summary</h2>', '<div class="summary-grid">']
    parts.append(_count_table("Projects by overall RAG this quarter", "RAG", [(_rag(rag), n) for rag, n in s.by_rag.items()], s.projects))
    changes = [
        (f'<span class="change change-{_e(c.value)}"><span aria-hidden="true">{_e(c.symbol)}</span> {_e(c.label)}</span>', n)
        for c, n in s.changes.items()
    ]
    parts.append(_count_table("Change since the previous published rating", "Change", changes, None))
    parts.append(_count_table("Measures by status this quarter", "Status", [(_status(st), n) for st, n in s.by_status.items()], s.measures))
    parts.append("</div>")

    notes = []
    if s.drafts:
        notes.append(f"{plural(s.drafts, 'rating is a draft', 'ratings are drafts')}, not yet published.")
    if s.commentary_missing:
        notes.append(f"{plural(s.commentary_missing, 'amber or red rating has', 'amber or red ratings have')} no commentary.")
    b = s.benefits
    benefits = f"Benefits on track: {b.on_track} of {b.assessed} assessed" if b.assessed else "Benefits on track: none assessed this quarter"
    if b.not_assessed:
        benefits += f" ({b.not_assessed} not assessed: their measures are monitor only or not due)"
    notes.append(benefits + ".")
    if s.measure_notes_missing:
        notes.append(
            f"{plural(s.measure_notes_missing, 'measure within tolerance or off target has', 'measures within tolerance or off target have')} no note."
        )
    parts.append("".join(f"<p>{_e(n)}</p>" for n in notes))

    headers = [("Ambition", ""), *((rag_word(r), "num") for r in REPORT_RAG_ORDER), ("Total", "num")]
    rows = [
        f'<tr><th scope="row"><a href="#{_e(_section_id(sec))}">{_e(sec.heading)}</a></th>'
        + "".join(f'<td class="num">{sec.rag_counts[r]}</td>' for r in REPORT_RAG_ORDER)
        + f'<td class="num">{len(sec.projects)}</td></tr>'
        for sec in report.sections
    ]
    if rows:
        parts.append(_table("by-ambition", "Projects by ambition and overall RAG", headers, rows))
    else:
        parts.append("<p>No ambitions or projects recorded yet.</p>")

    as_of = f" (missing actuals judged against {report.gaps_as_of})" if report.gaps_as_of else ""
    parts.append('<h3 id="gaps">Golden-thread and data-quality gaps</h3>')
    if s.gaps:
        parts.append(
            f"<p>From <code>projtui check</code> on the portfolio as it stands now{_e(as_of)}: "
            f"{_e(plural(s.golden_thread_gaps, 'golden-thread gap'))}, {_e(plural(s.data_quality_gaps, 'data-quality gap'))}.</p>"
        )
        rows = [
            f"<tr{_GOLDEN if g.golden_thread else ''}><td>{_e(g.area)}</td><td>{_e(g.label)}</td><td class=\"num\">{g.count}</td></tr>"
            for g in s.gaps
        ]
        parts.append(_table("gaps", None, [("Area", ""), ("Gap", ""), ("Count", "num")], rows))
    else:
        parts.append(f"<p>None: every project serves an ambition and every benefit is measured{_e(as_of)}.</p>")
    parts.append("</section>")
    return "\n".join(parts)


# -- sections ------------------------------------------------------------------------


def _section_id(section: AmbitionSection) -> str:
    return f"ambition-{_slug(section.code)}" if section.code else "not-linked"


def _project_row(p: ProjectLine) -> str:
    name = f'<span class="title">{_e(p.name)}</span>'
    if p.other_ambitions:
        name += f' <span class="sub">Also serves {_e(", ".join(p.other_ambitions))}</span>'
    name += f' <span class="sub">Stage: {_e(p.stage.value.replace("_", " "))}</span>'

    change = ""
    if p.change.symbol:
        change = f' <span class="change change-{_e(p.change.value)}" title="{_e(p.change.label)}">{_e(p.change.symbol)}</span>'
    previous = (
        f'{_rag(p.previous.rag)} <span class="sub">{_e(p.previous.quarter)}</span>' if p.previous else '<span class="none">None published</span>'
    )
    review = _e(p.review_status.value.capitalize()) if p.review_status else NONE

    money = []
    if p.forecast_pence is not None:
        money.append(f'<span class="figure">{_e(format_pounds(p.forecast_pence))}</span>')
    else:
        money.append('<span class="none">No forecast</span>')
    if p.budget_pence is not None:
        money.append(f' <span class="sub">Budget {_e(format_pounds(p.budget_pence))}</span>')
    variance = p.variance_pence
    if variance:
        side = "over" if variance > 0 else "under"
        money.append(f' <span class="sub variance-{side}">{_e(format_pounds(abs(variance)))} {side} budget</span>')
    if p.spend_to_date_pence is not None:
        money.append(f' <span class="sub">Spent {_e(format_pounds(p.spend_to_date_pence))} to date</span>')

    if p.commentary_missing:
        commentary = f'<p class="missing">No commentary: required for {_e("an" if p.rag is Rag.AMBER else "a")} {_e(rag_word(p.rag).lower())} rating.</p>'
    elif p.commentary and p.commentary.strip():
        commentary = f'<p class="text">{_e(p.commentary.strip())}</p>'
    else:
        commentary = ""
    if p.next_steps and p.next_steps.strip():
        commentary += f'<p class="next"><strong>Next steps:</strong> <span class="text">{_e(p.next_steps.strip())}</span></p>'
    dims = [(label, rag) for label, rag in p.dimension_rags if rag is not Rag.NOT_SET]
    if dims:
        commentary += '<p class="dims">' + " ".join(f'<span class="dim">{_e(label)} {_rag(rag)}</span>' for label, rag in dims) + "</p>"

    return (
        f'<tr id="project-{_e(_slug(p.code))}">'
        f'<td class="code">{_e(p.code)}</td>'
        f'<td class="name">{name}</td>'
        f"<td>{_e(p.lead) or NONE}</td>"
        f'<td class="rating">{_rag(p.rag, change)}</td>'
        f'<td class="rating">{previous}</td>'
        f"<td>{review}</td>"
        f'<td class="money">{"".join(money)}</td>'
        f'<td class="num">{_e(p.benefits)}</td>'
        f'<td class="commentary">{commentary or NONE}</td>'
        "</tr>"
    )


def _measure_row(m: ReportMeasure) -> str:
    name = f'<span class="title">{_e(m.code + " " if m.code else "")}{_e(m.name)}</span>'
    name += f' <span class="sub">For {_e(m.serves_kind)} {_e(m.serves_code)}: {_e(m.serves_title)}</span>'
    if m.cumulative:
        name += ' <span class="sub">Year-to-date running total</span>'

    baseline = _e(format_number(m.baseline)) or NONE
    if m.baseline is not None and m.baseline_period is not None:
        baseline += f' <span class="sub">{_e(m.baseline_period)}</span>'
    target = _e(format_band(m.figures.target, m.figures.target_max)) or NONE
    if m.target_note and m.figures.target is not None:
        target += f' <span class="sub">{_e(_sentence(m.target_note))}</span>'
    actual = _e(format_number(m.figures.actual)) or NONE
    if m.provisional:
        actual += ' <span class="sub provisional">Provisional</span>'

    status = _status(m.figures.status)
    if m.figures.status is MeasureStatus.NOT_DUE:
        status += f' <span class="sub">{_e(m.due_note.capitalize())}</span>'
    elif m.figures.achievement is not None:
        status += f' <span class="sub">{_e(format_percent(m.figures.achievement))} of the way to target</span>'

    if m.note_missing:
        note = '<p class="missing">No note: required when not on target.</p>'
    elif m.note and m.note.strip():
        note = f'<p class="text">{_e(m.note.strip())}</p>'
    else:
        note = NONE

    return (
        f'<tr class="measure status-row-{_e(m.figures.status.value)}">'
        f'<td class="code">{_e(m.project)}</td>'
        f'<td class="name">{name}</td>'
        f"<td>{_e(m.unit) or NONE}</td>"
        f"<td>{_e(direction_label(m.direction))}</td>"
        f'<td class="num">{baseline}</td>'
        f'<td class="num">{target}</td>'
        f'<td class="num">{actual}</td>'
        f'<td class="rating">{status}</td>'
        f"<td>{_travel(m.figures.travel_vs_previous)}</td>"
        f"<td>{_travel(m.figures.travel_vs_last_year)}</td>"
        f'<td class="commentary">{note}</td>'
        "</tr>"
    )


_PROJECT_HEADERS = [
    ("Code", "code"), ("Project", ""), ("Lead", ""), ("RAG this quarter", ""), ("Previous published RAG", ""), ("Review", ""),
    ("Forecast outturn", "money"), ("Benefits on track", "num"), ("Commentary", ""),
]
_MEASURE_HEADERS = [
    ("Project", "code"), ("Measure", ""), ("Unit", ""), ("Good is", ""), ("Baseline", "num"), ("Target this quarter", "num"),
    ("Actual", "num"), ("Status", ""), ("vs previous quarter", ""), ("vs same quarter last year", ""), ("Note", ""),
]


def _section(section: AmbitionSection) -> str:
    sid = _section_id(section)
    parts = [f'<section class="ambition" id="{_e(sid)}" aria-labelledby="{_e(sid)}-title">', f'<h2 id="{_e(sid)}-title">{_e(section.heading)}</h2>']
    if section.description:
        parts.append(f'<p class="description">{_e(section.description)}</p>')
    if not section.projects:
        parts.append("<p>No projects have this as their primary ambition.</p></section>")
        return "\n".join(parts)
    counts = ", ".join(f"{n} {rag_word(rag).lower()}" for rag, n in section.rag_counts.items() if n)
    parts.append(f'<p class="counts">{_e(plural(len(section.projects), "project"))}: {_e(counts)}.</p>')
    parts.append("<h3>Projects</h3>")
    parts.append(_table("projects", None, _PROJECT_HEADERS, [_project_row(p) for p in section.projects]))
    parts.append("<h3>Measures</h3>")
    measures = section.measures
    if measures:
        parts.append(_table("measures", None, _MEASURE_HEADERS, [_measure_row(m) for m in measures]))
    else:
        parts.append("<p>No measures recorded for these projects.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _key() -> str:
    rags = " ".join(_rag(r) for r in REPORT_RAG_ORDER)
    arrows = " ".join(
        f'<span class="change change-{_e(c.value)}"><span aria-hidden="true">{_e(c.symbol)}</span> {_e(c.label.lower())}</span>'
        for c in (RagChange.IMPROVED, RagChange.WORSENED, RagChange.CHANGED)
    )
    statuses = " ".join(_status(s) for s in MeasureStatus)
    travel = " ".join(_travel(t) for t in Travel)
    return "\n".join(
        [
            '<section class="key" aria-labelledby="key"><h2 id="key">Key</h2><dl>',
            f"<dt>RAG</dt><dd>{rags}</dd>",
            f"<dt>Against the previous published rating</dt><dd>{arrows}</dd>",
            f"<dt>Measure status</dt><dd>{statuses}<br />Monitor-only measures (no target) show a trend, never a status. "
            "“Not due” means the measure is not reported this quarter, which is not the same as “no data”.</dd>",
            f"<dt>Direction of travel</dt><dd>{travel}<br />The arrow shows performance, not the number: "
            "for a measure where lower is better, a fall is an improvement.</dd>",
            f"<dt>Target</dt><dd>{_e(_sentence(KEY_TARGET))}</dd>",
            f"<dt>Of the way</dt><dd>{_e(_sentence(KEY_PROGRESS))}</dd>",
            "</dl></section>",
        ]
    )


def render_html(report: Report) -> str:
    subtitle = " · ".join(x for x in (report.portfolio_name, report.council) if x)
    title = report.title + (f" · {subtitle}" if subtitle else "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{_e(title)}</title>",
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
        '<header class="report-header">',
    ]
    if report.council:
        parts.append(f'<p class="council">{_e(report.council)}</p>')
    parts.append(f"<h1>{_e(report.title)}</h1>")
    if report.portfolio_name:
        parts.append(f'<p class="portfolio">{_e(report.portfolio_name)}</p>')
    parts.append(f'<p class="period">Quarter: {_e(report.period)}</p>')
    parts.append("</header>")
    parts += [f'<p class="notice" role="note">{_e(notice)}</p>' for notice in report.notices]
    parts.append('<main>')
    parts.append(_summary(report))
    parts += [_section(section) for section in report.sections]
    parts.append(_key())
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
