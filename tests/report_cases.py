"""Reports to render in the golden and HTML-checker tests: the sample portfolio and a hostile one.

The sample goes the way ``projtui report`` goes (a database loaded through
the services, today's gaps from ``projtui check``), for quarters with data,
an early one with no previous ratings and one with nothing recorded. The
hostile portfolio puts markup-like text in every free-text field the report
shows, so a template that forgets to escape changes the golden bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from projtui.domain.quarter import Quarter
from projtui.report.model import GapItem, Report, build_report
from projtui.services.opening import open_portfolio
from projtui.services.reporting import build_report as build_from_db
from projtui.services.transfer import load_sample
from projtui.snapshot.document import Document

SAMPLE_QUARTERS = ("2026/27 Q2", "2025/26 Q3", "2024/25 Q1", "2031/32 Q1")
HOSTILE_QUARTER = Quarter.parse("2026/27 Q2")


def _sample_case(quarter: str) -> str:
    return "sample_" + quarter.replace("/", "-").replace(" ", "_")


CASES = (*map(_sample_case, SAMPLE_QUARTERS), "hostile", "empty")
"""Each report's name, a part of its golden file's name."""

# Markup, entities, quotes, Rich markup, Jinja syntax, a CDATA end, a comment opener,
# a style closer and line breaks: any of them unescaped would show in the bytes.
HOSTILE = "<script>alert(\"x\")</script> & &amp; 'q' [bold]b[/bold] {{ 7*7 }} {% raw %} ]]> <!-- </style>"


def _hostile(label: str) -> str:
    return f"{label} {HOSTILE}"


def hostile_document() -> Document:
    """A portfolio whose every free text is hostile, reaching every part of the report."""
    measures = [
        {
            "code": "M1", "name": _hostile("Measure"), "unit": "<%>", "direction": "higher", "baseline": 10.0,
            "baseline_period": "2023/24 Q4", "target": 40.0, "target_period": "2027/28 Q4", "tolerance": 5.0,
            "actuals": {"2025/26 Q2": 12.0, "2026/27 Q1": 15.0, "2026/27 Q2": 14.0}, "provisional": ["2026/27 Q2"],
            "notes": {"2026/27 Q2": _hostile("Note\r\nsecond line")},
        },
        {"code": "M2", "name": "Monitor <only>", "actuals": {"2026/27 Q2": 3.0}},
        {"code": "M3", "name": "Annual & late", "frequency": "annually", "target": 5.0, "actuals": {"2025/26 Q4": 8.0}},
        {"code": "M4", "name": "Band \"range\"", "direction": "range", "target": 1.0, "target_max": 2.0, "actuals": {"2026/27 Q2": 9.0}},
    ]
    return Document.model_validate(
        {
            "portfolio": {"name": _hostile("Portfolio"), "council": _hostile("Council")},
            "ambitions": [
                {"code": "A1", "title": _hostile("Ambition"), "description": _hostile("Description")},
                {"code": "A2", "title": "Second & last"},
            ],
            "projects": [
                {
                    "code": "SP-1", "name": _hostile("Project"), "lead": _hostile("Lead"), "stage": "delivery",
                    "ambitions": ["A1", "A2"], "budget_pence": 10_000_000,
                    "benefits": [{"code": "B1", "title": _hostile("Benefit"), "measures": measures}],
                    "reviews": [
                        {"quarter": "2025/26 Q4", "status": "published", "rag": "green"},
                        {
                            "quarter": "2026/27 Q2", "status": "published", "rag": "amber", "commentary": _hostile("Commentary"),
                            "next_steps": _hostile("Next"), "forecast_pence": 9_000_000, "spend_to_date_pence": 1_234_567,
                            "time_rag": "red", "cost_rag": "green",
                        },
                    ],
                },
                {
                    "code": "SP-2", "name": "Red & silent", "stage": "delivery", "ambitions": ["A2"],
                    "reviews": [{"quarter": "2026/27 Q2", "status": "draft", "rag": "red"}],
                },
                {"code": "SP-3", "name": "<i>Nowhere</i>", "stage": "pipeline"},
            ],
        }
    )


def hostile_report() -> Report:
    gaps = [
        GapItem("no_ambition", "golden thread", "SP-3", "x"),
        GapItem("measure_no_baseline", "measures", "SP-1", "x"),
        GapItem("<b>new</b>_kind&", _hostile("Area"), None, HOSTILE),
    ]
    return build_report(hostile_document(), HOSTILE_QUARTER, gaps, gaps_as_of=HOSTILE_QUARTER)


# "Today" for the sample's gaps: open risks past their review-by date depend on it (only SP-09 R01 is, then).
SAMPLE_TODAY = dt.date(2026, 12, 7)


def build_reports(work_dir: Path) -> dict[str, Report]:
    """Every case's report by name; the sample database is made in ``work_dir``."""
    database = open_portfolio(f"sqlite:///{work_dir / 'sample.db'}", create=True)
    try:
        load_sample(database, actor="tester")
        reports = {
            _sample_case(quarter): build_from_db(database, Quarter.parse(quarter), today=SAMPLE_TODAY)
            for quarter in SAMPLE_QUARTERS
        }
    finally:
        database.dispose()
    reports["hostile"] = hostile_report()
    reports["empty"] = build_report(Document(), HOSTILE_QUARTER)
    return reports
