"""The spreadsheets projtui reads and writes: which sheets, which columns, and how a header is recognised.

One vocabulary for both directions, so a workbook `projtui export --format xlsx`
writes is one `projtui import` reads back, and a council's own register is
read by the same names. A sheet is recognised from its headers, not its name
(councils name tabs as they like); headers are matched forgivingly: case,
spaces, underscores, hyphens and full stops are ignored, and each column
lists the synonyms councils commonly use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

_IGNORED = re.compile(r"[\s_\-.:()/]+")


def header_key(text: str) -> str:
    """What a header is compared by: 'Project lead', 'project_lead' and 'PROJECT-LEAD' are one key."""
    return _IGNORED.sub("", str(text)).casefold()


class CellKind(StrEnum):
    """What a column's cells hold in a workbook, so writer and reader agree on the Excel type."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"  # pounds in the cell (currency format); the record holds pence
    DATE = "date"
    QUARTER = "quarter"  # the quarter's label as text ("2025/26 Q1"), never a date
    FLAG = "flag"  # "yes" or "no"
    PERCENT = "percent"  # a fraction, shown as a percentage


@dataclass(frozen=True)
class Column:
    field: str  # the record field it fills (or names, for columns only written)
    header: str  # what projtui writes
    synonyms: tuple[str, ...] = ()
    required: bool = False
    kind: CellKind = CellKind.TEXT
    # A measure's or KPI's figure, held in the measure's unit: written in the currency format on a row whose unit is pounds.
    in_unit: bool = False

    def keys(self) -> frozenset[str]:
        return frozenset(header_key(name) for name in (self.header, *self.synonyms))


@dataclass(frozen=True)
class Sheet:
    name: str  # the tab projtui writes
    columns: tuple[Column, ...]
    _by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, Column] = {}
        for column in self.columns:
            for key in column.keys():
                if key in by_key:
                    raise ValueError(f"{self.name}: header {key!r} names both {by_key[key].field} and {column.field}")
                by_key[key] = column
        object.__setattr__(self, "_by_key", by_key)

    def column_for(self, header: str) -> Column | None:
        """The column a header names, or None for a column this sheet does not read."""
        return self._by_key.get(header_key(header))

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)

    def fields_in(self, headers: list[str]) -> set[str]:
        return {column.field for header in headers if (column := self.column_for(header))}

    def recognises(self, headers: list[str]) -> bool:
        """True when every required column is among the headers."""
        found = self.fields_in(headers)
        return all(column.field in found for column in self.required)


AMBITIONS = Sheet(
    "Ambitions",
    (
        Column("code", "Code", ("Ambition code", "Ref", "Reference"), required=True),
        Column("title", "Title", ("Ambition", "Ambition title", "Name"), required=True),
        Column("plan_period", "Plan period", ("Period", "Council Plan period", "Plan")),
        Column("description", "Description"),
        # yes: kept for its links' history, offered no more for new ones; without the column an ambition stays as it is.
        Column("retired", "Retired", ("Retired?",), kind=CellKind.FLAG),
    ),
)

PROJECTS = Sheet(
    "Projects",
    (
        Column("code", "Code", ("Project code", "Project ref", "Project reference", "Ref", "ID"), required=True),
        Column("name", "Name", ("Project", "Project name", "Title", "Project title"), required=True),
        Column("stage", "Stage", ("Project stage", "Phase")),
        Column("service", "Service", ("Service area", "Department")),
        Column("directorate", "Directorate"),
        Column("lead", "Lead", ("Project lead", "Lead officer", "Project manager", "PM")),
        Column("senior_responsible_owner", "SRO", ("Senior responsible owner", "Sponsor", "Project sponsor")),
        Column("portfolio_holder", "Portfolio holder", ("Cabinet member", "Portfolio", "Lead member")),
        Column("start_date", "Start", ("Start date", "Started"), kind=CellKind.DATE),
        Column("end_date", "End", ("End date", "Finish", "Finish date", "Completion date"), kind=CellKind.DATE),
        Column("budget_pence", "Budget", ("Budget (£)", "Budget £", "Total budget", "Approved budget"), kind=CellKind.MONEY),
        Column("ambitions", "Ambitions", ("Ambition", "Ambition codes", "Council Plan ambitions", "Council Plan ambition", "Golden thread")),
        Column("summary", "Summary", ("Description", "Project description")),
        # The Benefits Review Plan's own fields (its items have their own sheets).
        Column("plan_status", "Plan status", ("Benefits Review Plan status", "BRP status")),
        Column("plan_approved_by", "Plan approved by"),
        Column("plan_approved_on", "Plan approved on", kind=CellKind.DATE),
        Column("plan_review_schedule", "Review schedule"),
        Column("plan_post_project_owner", "Post-project owner"),
        Column("plan_notes", "Plan notes"),
        # Written for reading, never read back: the importer derives them.
        Column("primary_ambition", "Primary ambition"),
        Column("rag", "Latest RAG", ("RAG", "Overall RAG")),
        Column("benefits_on_track", "Benefits on track"),
        Column("latest_review", "Latest review", kind=CellKind.QUARTER),  # the quarter of the latest RAG
    ),
)

ACTUALS = Sheet(
    "Measures",
    (
        Column("project", "Project", ("Project code", "Project ref"), required=True),
        # A row names its measure by code, by name, or both (then they must agree).
        Column("measure_code", "Measure code", ("Measure ref", "Measure reference", "Indicator code", "KPI code")),
        Column("measure_name", "Measure", ("Measure name", "Indicator", "KPI", "Measure title")),
        Column("quarter", "Quarter", ("Period", "Reporting period", "Quarter label"), required=True, kind=CellKind.QUARTER),
        Column("value", "Actual", ("Value", "Figure", "Result", "Outturn"), required=True, kind=CellKind.NUMBER, in_unit=True),
        Column("provisional", "Provisional", ("Provisional?", "Estimate", "Estimated"), kind=CellKind.FLAG),
        Column("note", "Note", ("Notes", "Comment", "Comments", "Commentary")),
        # Written for reading, never read back: the one rule derives them from the measure.
        Column("target", "Target", ("Quarter target",), kind=CellKind.NUMBER, in_unit=True),
        Column("status", "Status", ()),
        Column("travel", "Travel", ("Direction of travel", "DoT")),  # against the previous due quarter
        Column("target_max", "Target max", kind=CellKind.NUMBER, in_unit=True),  # the top of a range measure's band
        Column("travel_vs_last_year", "Travel vs last year"),
        Column("serves", "Serves"),  # "benefit" or "outcome"
        Column("serves_code", "Serves code"),
        Column("unit", "Unit"),
        Column("direction", "Good is"),
        # The owner's year-end forecast made at that quarter, and its status against the year-end target.
        Column("year_end_forecast", "Year-end forecast", kind=CellKind.NUMBER, in_unit=True),
        Column("year_end_status", "Year-end forecast status"),
    ),
)

# The sheets below carry the rest of a portfolio, so that a workbook projtui
# writes is the whole portfolio read back (issue 15): a sheet present replaces
# what it holds for the projects in scope (spreadsheet/rows.py). Their columns
# are the record fields of domain/records.py.
BENEFITS = Sheet(
    "Benefits",
    (
        Column("project", "Project", required=True),
        Column("code", "Code", ("Benefit code",), required=True),
        Column("title", "Title", ("Benefit",), required=True),
        Column("description", "Description"),
        Column("owner", "Owner", ("Benefit owner",)),
        Column("category", "Category"),
        Column("quantification", "Quantification"),
        Column("recipient", "Recipient"),
        Column("disbenefit", "Disbenefit", kind=CellKind.FLAG),
        Column("full_year_value_pence", "Full year value", kind=CellKind.MONEY),
        Column("realisation_start", "Realisation start", kind=CellKind.QUARTER),
        Column("realisation_end", "Realisation end", kind=CellKind.QUARTER),
        Column("dependencies", "Dependencies"),
        Column("status", "Status"),
        # The one rule's roll-up of the benefit's measures, at the export's quarter; never read back.
        Column("on_track", "On track", kind=CellKind.FLAG),  # blank: not assessed this quarter
    ),
)

REVIEWS = Sheet(
    "Reviews",
    (
        Column("project", "Project", required=True),
        Column("quarter", "Quarter", required=True, kind=CellKind.QUARTER),
        Column("status", "Status", required=True),
        Column("published_by", "Published by"),
        Column("published_on", "Published on", kind=CellKind.DATE),
        Column("rag", "RAG", ("Overall RAG",), required=True),
        Column("time_rag", "Time RAG"),
        Column("cost_rag", "Cost RAG"),
        Column("scope_rag", "Scope RAG"),
        Column("benefits_rag", "Benefits RAG"),
        Column("commentary", "Commentary"),
        Column("next_steps", "Next steps"),
        Column("spend_to_date_pence", "Spend to date", kind=CellKind.MONEY),
        Column("forecast_pence", "Forecast outturn", kind=CellKind.MONEY),
    ),
)

PORTFOLIO = Sheet(
    "Portfolio",
    (
        Column("name", "Portfolio name", required=True),
        Column("council", "Council", required=True),
    ),
)

PRIORITIES = Sheet(
    "Priorities",
    (
        Column("ambition", "Ambition", required=True),
        Column("code", "Priority code", required=True),
        Column("title", "Priority", ("Priority title",), required=True),
        Column("description", "Description"),
    ),
)

OUTPUTS = Sheet(
    "Outputs",
    (
        Column("project", "Project", required=True),
        Column("code", "Output code", required=True),
        Column("title", "Output", ("Output title",), required=True),
        Column("description", "Description"),
        Column("owner", "Owner"),
        Column("outcomes", "Leads to outcomes"),  # outcome codes, "; " between
    ),
)

OUTCOMES = Sheet(
    "Outcomes",
    (
        Column("project", "Project", required=True),
        Column("code", "Outcome code", required=True),
        Column("title", "Outcome", ("Outcome title",), required=True),
        Column("description", "Description"),
        Column("owner", "Owner"),
        Column("benefits", "Leads to benefits"),  # benefit codes, "; " between
    ),
)

# A measure's own fields (domain.records.MeasureFields) as columns: a project's measure's and a KPI's alike.
_MEASURE = {
    column.field: column
    for column in (
        Column("description", "Description"),
        Column("unit", "Unit"),
        Column("direction", "Good is", ("Direction",)),
        Column("baseline", "Baseline", kind=CellKind.NUMBER, in_unit=True),
        Column("baseline_period", "Baseline period", kind=CellKind.QUARTER),
        Column("target", "Target", kind=CellKind.NUMBER, in_unit=True),
        Column("target_max", "Target max", kind=CellKind.NUMBER, in_unit=True),
        Column("target_period", "Target period", kind=CellKind.QUARTER),
        Column("frequency", "Frequency"),
        Column("aggregation", "Aggregation"),
        Column("tolerance", "Tolerance %", ("Tolerance",), kind=CellKind.NUMBER),
        Column("data_source", "Data source"),
        Column("owner", "Owner"),
    )
}

# Every field of a measure but its figures, one row a measure in its plan's order.
MEASURE_DEFINITIONS = Sheet(
    "Measure definitions",
    (
        Column("project", "Project", required=True),
        Column("serves", "Serves", required=True),  # "benefit" or "outcome"
        Column("serves_code", "Serves code", required=True),
        Column("code", "Measure code", required=True),
        Column("name", "Measure", ("Measure name",), required=True),
        *(_MEASURE[field] for field in ("description", "unit", "direction", "baseline", "baseline_period", "target", "target_max",
                                        "target_period")),
        replace(_MEASURE["frequency"], required=True),
        *(_MEASURE[field] for field in ("aggregation", "tolerance", "data_source", "owner")),
    ),
)

TARGETS = Sheet(
    "Targets",
    (
        Column("project", "Project", required=True),
        Column("measure_code", "Measure code", required=True),
        Column("quarter", "Quarter", required=True, kind=CellKind.QUARTER),
        Column("target", "Profiled target", required=True, kind=CellKind.NUMBER, in_unit=True),
    ),
)

FORECASTS = Sheet(
    "Forecasts",
    (
        Column("project", "Project", required=True),
        Column("measure_code", "Measure code", required=True),
        Column("quarter", "Forecast in", required=True, kind=CellKind.QUARTER),  # the quarter it was made in
        Column("forecast", "Year-end forecast", required=True, kind=CellKind.NUMBER, in_unit=True),
    ),
)

RISKS = Sheet(
    "Risks",
    (
        Column("project", "Project", required=True),
        Column("code", "Risk code", required=True),
        Column("title", "Risk", ("Risk title",), required=True),
        Column("kind", "Kind"),
        Column("status", "Status"),
        Column("likelihood", "Likelihood", kind=CellKind.NUMBER),
        Column("impact", "Impact", kind=CellKind.NUMBER),
        Column("owner", "Owner"),
        Column("description", "Description"),
        Column("mitigation", "Mitigation", ("Action",)),
        Column("raised_on", "Raised on", kind=CellKind.DATE),
        Column("review_by", "Review by", kind=CellKind.DATE),
        Column("became_issue_on", "Became issue on", kind=CellKind.DATE),
    ),
)

# Corporate KPIs (issue 13): a KPI is a measure a service owns, found by its code across the portfolio.
KPIS = Sheet(
    "KPIs",
    (
        Column("code", "KPI code", ("KPI ref", "PI code", "Indicator code"), required=True),
        Column("name", "KPI", ("KPI name", "Performance indicator"), required=True),
        Column("service", "Service", ("Service area",)),
        _MEASURE["owner"],
        Column("ambitions", "Ambitions", ("Ambition", "Council Plan ambitions")),  # codes, primary first, "; " between
        *(_MEASURE[field] for field in ("unit", "direction", "baseline", "target")),
        # Written for reading, never read back: the one rule's figures at the export's quarter.
        Column("latest_quarter", "As at", kind=CellKind.QUARTER),
        Column("latest_actual", "Actual", kind=CellKind.NUMBER, in_unit=True),
        Column("latest_target", "Quarter target", kind=CellKind.NUMBER, in_unit=True),
        Column("latest_status", "Status"),
        Column("latest_travel", "Travel"),
        *(_MEASURE[field] for field in ("description", "baseline_period", "target_max", "target_period", "frequency", "aggregation",
                                        "tolerance", "data_source")),
    ),
)

# One row per KPI per quarter: what the owner entered, and what the one rule makes of it.
KPI_FIGURES = Sheet(
    "KPI figures",
    (
        Column("kpi_code", "KPI code", ("KPI ref", "PI code", "Indicator code"), required=True),
        Column("kpi_name", "KPI", ("KPI name", "Performance indicator")),  # written for reading
        Column("service", "Service"),  # written for reading
        Column("quarter", "Quarter", ("Quarter label",), required=True, kind=CellKind.QUARTER),
        Column("value", "Actual", ("Value", "Figure", "Outturn"), kind=CellKind.NUMBER, in_unit=True),
        Column("provisional", "Provisional", ("Provisional?", "Estimate", "Estimated"), kind=CellKind.FLAG),
        Column("note", "Note", ("Notes",)),  # on the actual
        # Written for reading, never read back: the one rule derives them (blank after the export's quarter).
        Column("target", "Target", ("Quarter target",), kind=CellKind.NUMBER, in_unit=True),
        Column("status", "Status"),
        Column("travel", "Travel", ("Direction of travel", "DoT")),
        Column("travel_vs_last_year", "Travel vs last year"),
        Column("forecast", "Year-end forecast", kind=CellKind.NUMBER, in_unit=True),  # the one the owner made in this quarter
        Column("year_end_status", "Year-end forecast status"),
        Column("commentary", "Commentary", ("Comment", "Comments")),  # the owner's on the quarter
        Column("profiled", "Profiled target", kind=CellKind.NUMBER, in_unit=True),
    ),
)

# A comparator set for one financial year, of a project's measure (Project and Measure code) or a KPI (KPI code).
BENCHMARKS = Sheet(
    "Benchmarks",
    (
        Column("project", "Project"),
        Column("measure_code", "Measure code"),
        Column("kpi_code", "KPI code"),
        Column("measure_name", "Measure", ("KPI",)),  # the measure's or KPI's name: checked against the code
        Column("period", "Year", ("Financial year", "Period"), required=True),
        Column("source", "Source", ("Comparator", "Comparator group", "Benchmark"), required=True),
        Column("value", "Value", ("Comparator value", "Average"), kind=CellKind.NUMBER, in_unit=True),
        Column("lower_quartile", "Lower quartile", kind=CellKind.NUMBER, in_unit=True),
        Column("median", "Median", kind=CellKind.NUMBER, in_unit=True),
        Column("upper_quartile", "Upper quartile", kind=CellKind.NUMBER, in_unit=True),
        Column("rank", "Rank", kind=CellKind.NUMBER),
        Column("of", "Of", ("Out of",), kind=CellKind.NUMBER),
        # Written for reading, never read back: the year's own figure and where it stands (domain.measures.benchmark).
        Column("year_figure", "Our figure", kind=CellKind.NUMBER, in_unit=True),
        Column("standing", "Standing"),
    ),
)

HAND_MADE = (AMBITIONS, PROJECTS, ACTUALS)  # the sheets a council keeps itself, named when none is recognised
SHEETS = (AMBITIONS, PROJECTS, ACTUALS, BENEFITS, REVIEWS, PORTFOLIO, PRIORITIES, OUTPUTS, OUTCOMES, MEASURE_DEFINITIONS,
          TARGETS, FORECASTS, RISKS, KPIS, KPI_FIGURES, BENCHMARKS)  # the sheets an import reads


def kind_of(headers: list[str]) -> Sheet | None:
    """Which of SHEETS a header row belongs to: of those it satisfies, the one that reads most of its columns.

    None when it satisfies none, or two equally (a sheet of just "Code" and
    "Name" could be ambitions or projects): the caller says which headers it
    expected rather than guessing.
    """
    scored = sorted(((len(sheet.fields_in(headers)), sheet) for sheet in SHEETS if sheet.recognises(headers)), key=lambda pair: -pair[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]
