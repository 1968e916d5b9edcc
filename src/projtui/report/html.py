"""The quarterly report as one self-contained HTML page that prints well.

The page is Jinja2 templates shipped in this package (``templates/``,
``report.html.j2`` and the parts it imports), rendered with autoescape on,
so every string from the data is escaped without a template having to ask.
The formatting rules are not in the templates: they call the domain's and
the model's own functions, registered here as filters and globals.

Self-contained: the stylesheet (``report.css``, shipped in this package) is
inlined, and the page has no scripts, fonts, images or links to anything
outside itself, so it can be emailed, archived with committee papers and
opened offline. The page is also well-formed XML, which the tests check,
and valid HTML to the W3C Nu checker.

Ratings carry a symbol and a word as well as a colour, so the report reads
the same printed in black and white and to colour-blind readers. In print
each ambition starts a new page and table headings repeat on every page.

Jinja2 is imported here and nowhere else, and ``projtui report`` imports
this module only for HTML: start-up and Markdown never load it.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from projtui.domain.enums import Rag
from projtui.domain.formatting import (
    first_up,
    format_band,
    format_number,
    format_percent,
    format_pounds,
    plural,
)
from projtui.domain.measures import MeasureStatus, Outlook, Travel
from projtui.domain.rag import RagChange, rag_symbol, rag_word
from projtui.report import wording
from projtui.report.model import (
    KEY_BENCHMARK,
    KEY_FORECASTS,
    KEY_PROGRESS,
    KEY_TARGET,
    REPORT_RAG_ORDER,
    Report,
    direction_label,
)

__all__ = ["render_html", "stylesheet"]


def stylesheet() -> str:
    """The report's CSS, from the package (so it ships in the wheel)."""
    return resources.files("projtui.report").joinpath("report.css").read_text(encoding="utf-8")


def _escape(value: object) -> object:
    """Every ``{{ … }}`` output, escaped before autoescape sees it.

    Autoescape alone would write quotes as ``&#34;`` and ``&#39;``; this keeps
    ``html.escape``'s ``&quot;`` and ``&#x27;``, so the page is the same bytes
    as before the templates. Markup (a macro's output, the stylesheet) passes
    as it is; everything else is escaped here or, failing that, by autoescape.
    """
    return value if hasattr(value, "__html__") else Markup(html.escape(str(value), quote=True))


def _slug(text: str) -> str:
    # Codes are letters, digits, ".", "_" and "-" already; anything else is dropped, then escaped anyway.
    return "".join(ch for ch in text if ch.isalnum() or ch in "._-")


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("projtui.report", "templates"),
        # Every template here is HTML, so escaping is on everywhere, not chosen by file name.
        autoescape=True,
        finalize=_escape,
        # A misspelt name fails the render instead of leaving a silent gap in the report.
        undefined=StrictUndefined,
        # Block tags on lines of their own leave no blank lines; the page ends in a newline.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        {f.__name__: f for f in (format_band, format_number, format_percent, format_pounds, plural, rag_symbol, rag_word, direction_label)}
    )
    # The report's sentences have one home, shared with Markdown and Word.
    environment.filters.update(
        {f.__name__: f for f in (
            wording.summary_notes, wording.benefits_sentence, wording.measure_notes_sentence, wording.section_counts, wording.risk_kind,
            wording.count_heading, wording.counts_sentence, wording.kpi_lead, wording.kpi_group_counts, wording.kpi_no_commentary,
        )}
    )
    environment.filters.update(sentence=first_up, slug=_slug)
    environment.globals.update(
        Rag=Rag, RagChange=RagChange, MeasureStatus=MeasureStatus, Travel=Travel, Outlook=Outlook,
        REPORT_RAG_ORDER=REPORT_RAG_ORDER, KEY_TARGET=KEY_TARGET, KEY_PROGRESS=KEY_PROGRESS, KEY_FORECASTS=KEY_FORECASTS,
        KEY_BENCHMARK=KEY_BENCHMARK, APPENDIX_A=wording.APPENDIX_A, APPENDIX_B=wording.APPENDIX_B, APPENDIX_B_LEAD=wording.APPENDIX_B_LEAD,
    )
    return environment


def render_html(report: Report) -> str:
    # The stylesheet is this package's own file, not user data: markup, not text.
    return _environment().get_template("report.html.j2").render(report=report, stylesheet=Markup(stylesheet()))
