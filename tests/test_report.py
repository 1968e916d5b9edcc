"""The quarterly report: the model built from a document, and its Markdown and HTML renderings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import tomli_w

from projtui.domain.enums import Rag, ReviewStatus, Stage
from projtui.domain.formatting import (
    format_band,
    format_number,
    format_percent,
    format_pounds,
)
from projtui.domain.measures import (
    MeasureStatus,
    OnTrackCount,
    Outlook,
    TargetBasis,
    Travel,
)
from projtui.domain.quarter import Quarter
from projtui.domain.rag import RagChange
from projtui.domain.records import ProjectFields
from projtui.report import html as report_html
from projtui.report import markdown as report_md
from projtui.report.model import GapItem, build_report
from projtui.services import portfolio, projects
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.reporting import build_report as build_from_db
from projtui.services.transfer import load_sample
from projtui.snapshot.document import Document

Q = Quarter.parse("2026/27 Q2")
NASTY = "<script>alert(1)</script> & [red]x"


def _document(**changes) -> Document:
    data = {
        "portfolio": {"name": "Test portfolio", "council": "Testshire District Council"},
        "ambitions": [
            {"code": "A1", "title": "A Greener District", "description": "Net zero."},
            {"code": "A2", "title": "A Fairer Economy"},
            {"code": "A3", "title": "Nobody's primary"},
        ],
        "projects": [
            {
                "code": "SP-1",
                "name": "Depot rebuild",
                "lead": "Ann Lead",
                "stage": "delivery",
                "ambitions": ["A2", "A1"],
                "budget_pence": 10_000_000,
                "benefits": [
                    {
                        "code": "B1",
                        "title": "Cheaper running",
                        "measures": [
                            {
                                "code": "M1", "name": "Quarterly, higher is better", "unit": "%", "direction": "higher",
                                "baseline": 50.0, "target": 80.0, "tolerance": 10.0,
                                "actuals": {"2025/26 Q2": 60.0, "2026/27 Q1": 70.0, "2026/27 Q2": 75.0},
                                "provisional": ["2026/27 Q2"],
                                "notes": {"2026/27 Q2": "Nearly there | honest"},
                            },
                            {
                                "code": "M2", "name": "Annual", "direction": "lower", "baseline": 10.0, "target": 5.0,
                                "frequency": "annually", "actuals": {"2025/26 Q4": 8.0},
                            },
                            {"code": "M3", "name": "Monitor only", "actuals": {"2026/27 Q1": 3.0, "2026/27 Q2": 4.0}},
                            {"code": "M10", "name": "Due but missing", "target": 10.0, "actuals": {"2026/27 Q1": 9.0}},
                        ],
                    },
                    {
                        "code": "B2",
                        "title": "Only watched",
                        "measures": [{"code": "M4", "name": "Trend", "actuals": {"2026/27 Q2": 1.0}}],
                    },
                ],
                "outcomes": [
                    {
                        "code": "OC1",
                        "title": "Better depot",
                        "measures": [
                            {
                                "code": "M5", "name": "Homes insulated (year to date)", "target": 100.0,
                                "aggregation": "cumulative", "baseline": 40.0, "actuals": {"2026/27 Q2": 50.0},
                            },
                            {
                                "code": "M6", "name": "Savings (year to date)", "target": 1000.0, "aggregation": "cumulative",
                                "targets": {"2026/27 Q2": 300.0}, "actuals": {"2026/27 Q2": 200.0},
                            },
                            {
                                "code": "M7", "name": "Pool temperature", "unit": "deg C", "direction": "range",
                                "target": 28.0, "target_max": 30.0, "actuals": {"2026/27 Q2": 29.0},
                            },
                        ],
                    }
                ],
                "reviews": [
                    {"quarter": "2025/26 Q4", "status": "published", "rag": "green"},
                    {"quarter": "2026/27 Q1", "status": "draft", "rag": "red", "commentary": "Drafted, never published."},
                    {
                        "quarter": "2026/27 Q2", "status": "published", "rag": "amber", "commentary": "Slipping.\nSecond line.",
                        "next_steps": "Recover.", "forecast_pence": 11_000_000, "spend_to_date_pence": 2_500_050,
                        "time_rag": "amber",
                    },
                ],
            },
            {
                "code": "SP-2",
                "name": "Bins",
                "stage": "delivery",
                "ambitions": ["A1"],
                "reviews": [{"quarter": "2026/27 Q2", "status": "draft", "rag": "red"}],
            },
            {"code": "SP-10", "name": "Pipeline idea", "stage": "pipeline"},
        ],
    }
    data.update(changes)
    return Document.model_validate(data)


@pytest.fixture(scope="module")
def report():
    return build_report(_document(), Q)


def _project(report, code):
    return next(p for s in report.sections for p in s.projects if p.code == code)


def _measure(report, project, code):
    return next(m for m in _project(report, project).measures if m.code == code)


# -- the model -------------------------------------------------------------------


def test_projects_are_grouped_under_their_primary_ambition_in_ambition_order(report):
    assert [(s.code, [p.code for p in s.projects]) for s in report.sections] == [
        ("A1", ["SP-2"]),
        ("A2", ["SP-1"]),
        ("A3", []),
        (None, ["SP-10"]),
    ]
    assert report.sections[-1].title == "Not linked to any ambition"
    assert _project(report, "SP-1").other_ambitions == ("A1",)
    assert report.title == "Quarterly performance report — 2026/27 Q2"
    assert report.period == "1 July 2026 to 30 September 2026"
    assert (report.portfolio_name, report.council) == ("Test portfolio", "Testshire District Council")


def test_previous_rag_is_the_latest_published_review_skipping_drafts(report):
    sp1 = _project(report, "SP-1")
    assert sp1.rag is Rag.AMBER and sp1.review_status is ReviewStatus.PUBLISHED
    assert sp1.previous is not None
    assert (sp1.previous.quarter, sp1.previous.rag) == (Quarter.parse("2025/26 Q4"), Rag.GREEN)  # the Q1 red draft is skipped
    assert sp1.change is RagChange.WORSENED
    sp2 = _project(report, "SP-2")
    assert sp2.previous is None and sp2.change is RagChange.NO_COMPARISON


def test_a_later_published_review_is_never_the_previous_one():
    document = _document()
    earlier = build_report(document, Quarter.parse("2026/27 Q1"))
    sp1 = _project(earlier, "SP-1")
    assert sp1.rag is Rag.RED and sp1.review_status is ReviewStatus.DRAFT
    assert sp1.previous.quarter == Quarter.parse("2025/26 Q4")


def test_project_figures_come_from_this_quarters_review(report):
    sp1 = _project(report, "SP-1")
    assert (sp1.budget_pence, sp1.forecast_pence, sp1.variance_pence) == (10_000_000, 11_000_000, 1_000_000)
    assert sp1.commentary == "Slipping.\nSecond line." and sp1.next_steps == "Recover."
    assert dict(sp1.dimension_rags)["Time"] is Rag.AMBER
    sp10 = _project(report, "SP-10")
    assert sp10.rag is None and sp10.review_status is None and sp10.forecast_pence is None


def test_amber_or_red_without_commentary_is_flagged(report):
    assert _project(report, "SP-2").commentary_missing  # a red draft with nothing said
    assert not _project(report, "SP-1").commentary_missing
    assert not _project(report, "SP-10").commentary_missing  # not reviewed is not "red"
    assert report.summary.commentary_missing == 1


def test_measure_status_travel_and_achievement(report):
    m1 = _measure(report, "SP-1", "M1")
    assert m1.figures.status is MeasureStatus.WITHIN_TOLERANCE  # 75 against 80, 10 % tolerance
    assert (m1.figures.target, m1.figures.target_basis, m1.figures.actual, m1.provisional) == (80.0, TargetBasis.ANNUAL, 75.0, True)
    assert (m1.figures.travel_vs_previous, m1.figures.travel_vs_last_year) == (Travel.IMPROVING, Travel.IMPROVING)
    assert m1.figures.achievement == pytest.approx(25 / 30)
    assert m1.note == "Nearly there | honest" and not m1.note_missing
    assert (m1.serves_kind, m1.serves_code, m1.serves_title) == ("benefit", "B1", "Cheaper running")


def test_not_due_is_not_missing(report):
    annual = _measure(report, "SP-1", "M2")
    assert annual.figures.status is MeasureStatus.NOT_DUE
    assert annual.due_note == "reported annually, in Q4"
    assert annual.figures.travel_vs_previous is Travel.NO_COMPARISON
    missing = _measure(report, "SP-1", "M10")
    assert missing.figures.status is MeasureStatus.NO_DATA
    by_status = report.summary.by_status
    assert by_status[MeasureStatus.NOT_DUE] == 1 and by_status[MeasureStatus.NO_DATA] == 1


def test_monitor_only_measures_show_a_trend_never_a_status(report):
    monitor = _measure(report, "SP-1", "M3")
    assert monitor.figures.status is MeasureStatus.MONITOR_ONLY and monitor.figures.monitor_only
    assert monitor.figures.target is None and monitor.figures.target_basis is TargetBasis.NONE
    assert monitor.figures.travel_vs_previous is Travel.IMPROVING  # 3 -> 4, higher is better
    assert monitor.figures.achievement is None and not monitor.note_missing


def test_cumulative_and_profiled_targets(report):
    ytd = _measure(report, "SP-1", "M5")
    assert (ytd.figures.target, ytd.figures.target_basis, ytd.figures.status) == (50.0, TargetBasis.YEAR_TO_DATE, MeasureStatus.ON_TARGET)
    assert ytd.figures.achievement == pytest.approx((50 - 20) / (50 - 20))  # baseline spread to half a year too
    profiled = _measure(report, "SP-1", "M6")
    assert (profiled.figures.target, profiled.figures.target_basis, profiled.figures.status) == (300.0, TargetBasis.PROFILED, MeasureStatus.OFF_TARGET)
    assert profiled.note_missing
    band = _measure(report, "SP-1", "M7")
    assert format_band(band.figures.target, band.figures.target_max) == "28–30" and band.figures.status is MeasureStatus.ON_TARGET


def _trajectory_report():
    """One project whose measures are on their way to targets set for later years."""
    measures = [
        {
            "code": "M1", "name": "Online share", "unit": "%", "baseline": 25.0, "baseline_period": "2023/24 Q4",
            "target": 37.0, "target_period": "2026/27 Q4", "tolerance": 5.0, "actuals": {"2026/27 Q2": 35.0},
        },
        {
            "code": "M2", "name": "Savings (year to date)", "aggregation": "cumulative", "baseline": 100.0,
            "baseline_period": "2023/24 Q4", "target": 400.0, "target_period": "2026/27 Q4", "actuals": {"2025/26 Q2": 150.0},
        },
        {
            "code": "M3", "name": "Already due", "baseline": 10.0, "baseline_period": "2023/24 Q4",
            "target": 20.0, "target_period": "2025/26 Q4", "actuals": {"2026/27 Q2": 19.0},
        },
    ]
    project = {"code": "SP-1", "name": "Long haul", "stage": "delivery", "ambitions": ["A1"],
               "benefits": [{"code": "B1", "title": "Later", "measures": measures}]}
    return _document(projects=[project])


def test_a_target_for_a_later_year_is_judged_on_the_way_there():
    # 2026/27 Q2 is 10 of the 12 quarters from 25 % to 37 %: 35 is expected, not 37.
    line = _measure(build_report(_trajectory_report(), Q), "SP-1", "M1")
    assert (line.figures.target, line.figures.target_basis, line.figures.status) == (35.0, TargetBasis.TRAJECTORY, MeasureStatus.ON_TARGET)
    assert line.target_note == "on the way to 37 by 2026/27 Q4"
    assert line.figures.achievement == pytest.approx(10 / 12)  # of the whole way from 25 to 37
    text = report_md.render_markdown(build_report(_trajectory_report(), Q))
    assert "| 35 (on the way to 37 by 2026/27 Q4) | 35 | ● On target (83% of the way) |" in text
    html = report_html.render_html(build_report(_trajectory_report(), Q))
    assert "On the way to 37 by 2026/27 Q4" in html
    # From the target period on, the end target itself.
    done = _measure(build_report(_trajectory_report(), Q), "SP-1", "M3")
    assert (done.figures.target, done.figures.target_basis, done.target_note, done.figures.status) == (20.0, TargetBasis.ANNUAL, "", MeasureStatus.OFF_TARGET)


def test_a_cumulative_trajectory_steps_by_year_and_is_year_to_date():
    # 2025/26's total is two-thirds of the way from 100 to 400 (300); at Q2, half of it.
    line = _measure(build_report(_trajectory_report(), Quarter(2025, 2)), "SP-1", "M2")
    assert (line.figures.target, line.figures.target_basis, line.figures.status) == (150.0, TargetBasis.TRAJECTORY, MeasureStatus.ON_TARGET)
    assert line.target_note == "year to date, on the way to 400 a year by 2026/27 Q4"


def _forecast_report() -> Document:
    """Issue 13: a measure rising 2 a quarter towards 30 with the owner's year-end forecasts, and an activity indicator."""
    actuals = {"2025/26 Q3": 10.0, "2025/26 Q4": 12.0, "2026/27 Q1": 14.0, "2026/27 Q2": 16.0}
    measures = [
        {"code": "M1", "name": "Homes insulated", "target": 30.0, "target_period": "2027/28 Q2", "tolerance": 10.0,
         "actuals": actuals, "forecasts": {"2026/27 Q1": 31.0, "2026/27 Q2": 28.0}},
        {"code": "M2", "name": "Calls received", "direction": "none", "actuals": {"2026/27 Q1": 900.0, "2026/27 Q2": 800.0}},
    ]
    project = {"code": "SP-1", "name": "Warm homes", "stage": "delivery", "ambitions": ["A1"],
               "benefits": [{"code": "B1", "title": "Warmer", "measures": measures}]}
    return _document(projects=[project])


def test_forecasts_and_activity_measures_in_every_format():
    report = build_report(_forecast_report(), Q)
    rising, calls = _measure(report, "SP-1", "M1"), _measure(report, "SP-1", "M2")
    # The year-end forecast made this quarter, against the year-end target (30, flat: no baseline to follow).
    assert (rising.figures.year_end_forecast, rising.figures.year_end_status) == (28.0, MeasureStatus.WITHIN_TOLERANCE)
    # 10, 12, 14, 16 to 2026/27 Q2; four quarters on, at the target period 2027/28 Q2: 24, short of 27 (30 less 10 %).
    assert (rising.figures.realisation.value, rising.figures.realisation.outlook) == (24.0, Outlook.MISS)
    assert calls.figures.status is MeasureStatus.MONITOR_ONLY and calls.figures.travel_vs_previous is Travel.DOWN

    [table] = [t for t in _tables(report_md.render_markdown(report)) if "Trend forecast" in t[0]]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = {cells[1].split()[0]: dict(zip(header, cells)) for cells in
            ([cell.strip() for cell in line.strip("|").split("|")] for line in table[2:])}
    assert rows["M1"]["Year-end forecast"] == "28 (◆ Within tolerance)"
    assert rows["M1"]["Trend forecast"] == "24 by 2027/28 Q2: ▲ Will miss target"
    assert (rows["M2"]["Good is"], rows["M2"]["Status"], rows["M2"]["vs previous quarter"]) == ("Neither (activity)", "~ Monitor only", "↘ Down")
    assert rows["M2"]["Trend forecast"] == "Too few quarters to forecast" and rows["M2"]["Year-end forecast"] == "—"

    page = _parse(report_html.render_html(report))
    [measures] = [t for t in page.tables if t["class"] == "measures"]
    header = measures["rows"][0]
    html_rows = {row[1].split()[0]: dict(zip(header, row)) for row in measures["rows"][1:]}
    assert html_rows["M1"]["Year-end forecast"] == "28 ◆ Within tolerance"
    assert html_rows["M1"]["Trend forecast"] == "24 by 2027/28 Q2 ▲ Will miss target"
    assert html_rows["M2"]["vs previous quarter"] == "↘ Down" and html_rows["M2"]["Trend forecast"] == "Too few quarters to forecast"


def test_measures_are_in_code_order(report):
    assert [m.code for m in _project(report, "SP-1").measures] == ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M10"]


def test_benefits_roll_up_from_their_measures(report):
    # B1 has a measure with no data: not on track. B2 is monitor only: not assessed.
    assert _project(report, "SP-1").benefits == OnTrackCount(on_track=0, assessed=1, not_assessed=1)
    assert report.summary.benefits == OnTrackCount(on_track=0, assessed=1, not_assessed=1)


def test_summary_counts(report):
    s = report.summary
    assert s.projects == 3
    assert s.by_rag == {Rag.RED: 1, Rag.AMBER: 1, Rag.GREEN: 0, Rag.COMPLETE: 0, Rag.NOT_SET: 0, None: 1}
    assert s.drafts == 1
    assert s.changes[RagChange.WORSENED] == 1 and s.changes[RagChange.NO_COMPARISON] == 2
    assert s.measures == 8 and sum(s.by_status.values()) == 8
    assert report.sections[0].rag_counts[Rag.RED] == 1
    assert report.notices == ()


def test_gap_counts_by_kind_golden_thread_first():
    gaps = [
        GapItem("measure_no_baseline", "measures", "SP-1", "m"),
        GapItem("no_ambition", "golden thread", "SP-10", "x"),
        GapItem("measure_no_baseline", "measures", "SP-2", "m"),
        GapItem("something_new", "other", None, "?"),
        GapItem("retired_ambitions_only", "golden thread", "SP-11", "r"),
    ]
    report = build_report(_document(), Q, gaps, gaps_as_of=Q)
    assert [(g.kind, g.count) for g in report.summary.gaps] == [
        ("no_ambition", 1), ("retired_ambitions_only", 1), ("measure_no_baseline", 2), ("something_new", 1)]
    # Counted by the area `check` files them under, so a new golden-thread kind is counted there too.
    assert report.summary.golden_thread_gaps == 2 and report.summary.data_quality_gaps == 3
    assert report.summary.gaps[-1].label == "something new"


def test_a_quarter_with_nothing_recorded_still_reports_and_says_so():
    empty = build_report(_document(), Quarter.parse("2030/31 Q1"))
    assert empty.notices == (
        "No reviews recorded for this quarter (2030/31 Q1).",
        "No measure actuals recorded for this quarter (2030/31 Q1).",
    )
    assert empty.summary.by_rag[None] == 3
    assert "No reviews recorded for this quarter" in report_md.render_markdown(empty)
    assert "No reviews recorded for this quarter" in report_html.render_html(empty)


def test_an_empty_portfolio_renders():
    empty = build_report(Document(), Q)
    assert empty.sections == () and empty.summary.projects == 0
    _well_formed(report_html.render_html(empty))
    text = report_md.render_markdown(empty)
    assert text.startswith("# Quarterly performance report — 2026/27 Q2\n")
    assert "No ambitions or projects recorded yet." in text


# -- formatting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(98000.0, "98,000"), (35.9, "35.9"), (0.1 + 0.2, "0.3"), (-0.0, "0"), (1234567.5, "1,234,567.5"), (-2.5, "-2.5"), (None, "")],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_money_and_percent():
    assert format_pounds(48_500_000) == "£485,000"
    assert format_pounds(123_456) == "£1,234.56"
    assert format_pounds(-500, signed=True) == "−£5"
    assert format_pounds(2_100_000, signed=True) == "+£21,000"
    assert format_pounds(48_500_000, exact=True) == "£485,000.00"
    assert format_pounds(-150, exact=True) == "−£1.50"
    assert format_pounds(None) == ""
    assert format_percent(0.8333) == "83%" and format_percent(None) == ""


# -- Markdown --------------------------------------------------------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _tables(text: str) -> list[list[str]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_markdown_tables_are_well_formed_and_user_pipes_escaped():
    document = _document()
    sp2 = document.projects[1].model_copy(update={"name": "Bins | wheelie [red]x <b>bold</b> *star*", "lead": "Pat_Lead"})
    text = report_md.render_markdown(build_report(document.model_copy(update={"projects": [document.projects[0], sp2, document.projects[2]]}), Q))
    for table in _tables(text):
        widths = {len(_UNESCAPED_PIPE.findall(row)) for row in table}
        assert len(widths) == 1, table  # every row has as many cells as the header
        assert re.fullmatch(r"\| (---:?|:?---)( \| (---:?))* \|", table[1]), table[1]
    assert r"Bins \| wheelie \[red\]x \<b\>bold\</b\> \*star\*" in text
    assert r"Pat\_Lead" in text
    assert "<b>" not in text
    assert r"Nearly there \| honest" in text
    assert "Slipping.<br>Second line." in text  # line breaks inside a cell


def test_markdown_content():
    text = report_md.render_markdown(build_report(_document(), Q, [GapItem("no_ambition", "golden thread", "SP-10", "x")], gaps_as_of=Q))
    assert text.startswith("# Quarterly performance report — 2026/27 Q2\n\n**Test portfolio** · Testshire District Council\n")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Summary", "## A1 A Greener District", "## A2 A Fairer Economy", "## A3 Nobody's primary",
        "## Not linked to any ambition", "## Key",
    ]
    assert "| ▲ Red | 1 |" in text and "| ○ Not reviewed | 1 |" in text
    assert "| golden thread | Projects linked to no Council Plan ambition | 1 |" in text
    sp1 = next(line for line in text.splitlines() if line.startswith("| SP-1 | Depot rebuild"))
    assert "◆ Amber ↓" in sp1 and "● Green (2025/26 Q4)" in sp1 and "| Published |" in sp1
    assert "£110,000 of £100,000 (+£10,000)" in sp1
    assert "**No commentary** (required for a red rating)" in text
    m2 = next(line for line in text.splitlines() if line.startswith("| SP-1 | M2 Annual"))
    assert "○ Not due (reported annually, in Q4)" in m2
    m3 = next(line for line in text.splitlines() if line.startswith("| SP-1 | M3 Monitor only"))
    assert "~ Monitor only" in m3 and "↑ Improving" in m3
    m1 = next(line for line in text.splitlines() if line.startswith("| SP-1 | M1 "))
    assert "| 75 (provisional) |" in m1 and "◆ Within tolerance" in m1
    assert "No projects have this as their primary ambition." in text


def test_markdown_is_deterministic():
    assert report_md.render_markdown(build_report(_document(), Q)) == report_md.render_markdown(build_report(_document(), Q))


# -- HTML --------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects what the tests look at: tags, attributes, table rows and their cells' text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.tables: list[dict] = []
        self.style = ""
        self._stack: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        self._stack.append(tag)
        if tag == "table":
            self.tables.append({"class": attributes.get("class", ""), "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "style":
            self.style += data
        if self._cell is not None:
            self._cell.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def _well_formed(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(text.removeprefix("<!DOCTYPE html>\n"))


def _assert_self_contained(page: _Page) -> None:
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names and "img" not in names
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert all(not name.startswith("on") for name in attrs), (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith("#"), attrs
    assert "@import" not in page.style and "url(" not in page.style
    assert "@media print" in page.style and "break-before: page" in page.style


def test_html_from_the_model_is_self_contained_and_well_formed():
    text = report_html.render_html(build_report(_document(), Q))
    _well_formed(text)
    page = _parse(text)
    _assert_self_contained(page)
    projects_tables = [t for t in page.tables if t["class"] == "projects"]
    assert len(projects_tables) == 3  # A1, A2 and "not linked"; A3 has no projects
    sp1 = next(row for t in projects_tables for row in t["rows"] if row[0] == "SP-1")
    assert sp1[3] == "◆ Amber ↓" and sp1[4] == "● Green 2025/26 Q4" and sp1[5] == "Published"
    assert "Slipping." in sp1[8] and "Next steps: Recover." in sp1[8]
    assert "£10,000 over budget" in sp1[6]
    measures = [row for t in page.tables if t["class"] == "measures" for row in t["rows"][1:]]
    assert len(measures) == 8
    m3 = next(row for row in measures if row[1].startswith("M3 "))
    assert m3[7] == "~ Monitor only" and m3[8] == "—" and m3[10] == "—" and m3[11] == "↑ Improving"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The sample portfolio plus a project whose every string is hostile, made through the services."""
    database = open_portfolio(f"sqlite:///{tmp_path_factory.mktemp('report') / 'p.db'}", create=True)
    load_sample(database, actor="tester")
    projects.create_project(
        database, ProjectFields(code="SP-99", name=NASTY, lead="<b>Lead</b> & co", stage=Stage.PIPELINE), actor="tester"
    )
    snapshot = {
        "schema_version": 1,
        "projects": [
            {
                "code": "SP-99",
                "name": NASTY,
                "lead": "<b>Lead</b> & co",
                "stage": "pipeline",
                "benefits": [
                    {
                        "code": "B1",
                        "title": "</td></tr></table><h1>pwned</h1>",
                        "measures": [
                            {
                                "code": "M1", "name": "Measure \"quoted\" 'single'", "unit": "<%>", "target": 10.0,
                                "actuals": {"2026/27 Q2": 5.0}, "notes": {"2026/27 Q2": "<img src=x onerror=alert(1)>"},
                            }
                        ],
                    }
                ],
                "reviews": [{"quarter": "2026/27 Q2", "status": "draft", "rag": "amber", "commentary": "<i>why</i> | & [/]"}],
            }
        ],
    }
    import_snapshot(database, tomli_w.dumps(snapshot), source="nasty.toml", actor="tester")
    yield database
    database.dispose()


def test_report_service_reads_the_database(db):
    report = build_from_db(db, Q)
    assert report.portfolio_name == "Strategic Projects 2024-2027"
    codes = [p.code for s in report.sections for p in s.projects]
    assert len(codes) == len(set(codes)) == portfolio.total_projects(db)
    assert "SP-99" in [p.code for p in report.sections[-1].projects]  # pipeline, linked to nothing
    assert report.gaps_as_of == Q
    # SP-17 from the sample and SP-99 are in the pipeline, where a project may wait for its ambitions: no gap.
    assert report.summary.golden_thread_gaps == 0
    # Cut at the quarter: a report for an earlier quarter never sees later reviews.
    earlier = build_from_db(db, Quarter.parse("2024/25 Q1"))
    assert all(p.previous is None for s in earlier.sections for p in s.projects)


def test_kpis_gaps_are_counted_apart_and_agree_with_appendix_a(db):
    """`check`'s KPI findings reach the report's gaps table under their own labels (issue 13), one for each KPI Appendix A flags."""
    report = build_from_db(db, Q)
    gaps = {g.kind: g for g in report.summary.gaps}
    unexplained = [k.code for g in report.kpi_groups for k in g.kpis if k.note_missing]
    assert unexplained and gaps["kpi_without_commentary"].count == len(unexplained)
    assert gaps["kpi_without_commentary"].label == "KPIs within tolerance or off target without commentary"
    assert all(g.kind.startswith("kpi_") for g in report.gap_items if g.project is None and g.message.startswith("KPI "))


def test_html_escapes_every_user_string(db):
    text = report_html.render_html(build_from_db(db, Q))
    _well_formed(text)  # a stray tag or ampersand would break this
    page = _parse(text)
    _assert_self_contained(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [red]x" in text
    assert "<h1>pwned</h1>" not in text and "<i>why</i>" not in text and "<b>Lead</b>" not in text
    assert [tag for tag, _ in page.tags].count("h1") == 1
    row = next(row for t in page.tables if t["class"] == "projects" for row in t["rows"] if row[0] == "SP-99")
    assert row[1].startswith(NASTY)
    assert row[2] == "<b>Lead</b> & co"
    assert row[8] == "<i>why</i> | & [/]"
    measure = next(row for t in page.tables if t["class"] == "measures" for row in t["rows"] if row[0] == "SP-99")
    assert measure[1].startswith("M1 Measure \"quoted\" 'single'") and "</td></tr></table><h1>pwned</h1>" in measure[1]
    assert measure[2] == "<%>" and measure[13] == "<img src=x onerror=alert(1)>"


def test_html_tables_cover_every_project(db):
    report = build_from_db(db, Q)
    page = _parse(report_html.render_html(report))
    rows = [row for t in page.tables if t["class"] == "projects" for row in t["rows"][1:]]
    assert len(rows) == sum(len(s.projects) for s in report.sections)
    header = next(t for t in page.tables if t["class"] == "projects")["rows"][0]
    assert header[:5] == ["Code", "Project", "Lead", "RAG this quarter", "Previous published RAG"]
    counts = next(t for t in page.tables if t["class"] == "counts")
    assert counts["rows"][-1] == ["Total", str(len(rows))]


def test_markdown_from_the_database_escapes_user_text(db):
    text = report_md.render_markdown(build_from_db(db, Q))
    assert r"\<script\>alert(1)\</script\> & \[red\]x" in text
    assert r"\<i\>why\</i\> \| & \[/\]" in text
    for table in _tables(text):
        assert len({len(_UNESCAPED_PIPE.findall(row)) for row in table}) == 1, table


def test_report_on_postgresql(postgres_url):
    database = open_portfolio(postgres_url, create=True)
    try:
        load_sample(database, actor="tester")
        report = build_from_db(database, Q)
    finally:
        database.dispose()
    assert report.summary.projects >= 15 and report.gaps_as_of == Q
    _well_formed(report_html.render_html(report))
