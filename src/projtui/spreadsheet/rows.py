"""A spreadsheet's rows applied onto the database's own snapshot document.

A sheet states rows, not whole documents: an ambitions row adds or updates
one ambition, a register row one project, an actuals row one figure of one
measure. So the import starts from the database's document for what the
file names and changes only what the rows say; the ordinary import path
then compares, checks the freeze and applies it. A column the sheet does not
have leaves that field as it is; a column it has is the truth, a blank cell
clearing the field (a blank stage keeps the stage; a blank actual is no
figure, as an export's target-only rows have). The record rules are the
models' own, and each of their refusals is reported at the cell it came from.

The sheets that hold a part of a project rather than a row of it (Benefits,
Outcomes, Outputs, Measure definitions, Targets, Forecasts, Reviews, Risks;
Priorities for an ambition) replace that part, when the workbook has the
sheet, for every project in its register (Projects sheet) and any other
project the sheet names: a project with no row there has none left. With a
Measure definitions sheet the measures are exactly those it lists, and their
actuals exactly the Measures sheet's (when it has one). A sheet the workbook
lacks changes nothing. So a hand-made register and actuals still only update
what they name, and a whole workbook `projtui export` wrote is the portfolio.

Corporate KPIs are found by their code across the portfolio and, as in a
TOML import, never deleted. A KPIs row adds or updates one KPI; the figures
of a KPI it lists are exactly the KPI figures sheet's and its benchmarks the
Benchmarks sheet's, when the workbook has them (else kept). Without a KPIs
sheet, a KPI figures row sets what it holds of one quarter of the KPI it
names, as an actuals row does, and the Benchmarks sheet replaces the
benchmarks of the KPIs it names. The Benchmarks sheet is, for projects, one
more part: it replaces their measures' benchmarks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from pydantic import BaseModel, ValidationError

from projtui.domain import sheets
from projtui.domain.enums import (
    Aggregation,
    BenefitCategory,
    BenefitQuantification,
    BenefitRecipient,
    BenefitStatus,
    Direction,
    Frequency,
    PlanStatus,
    Rag,
    ReviewStatus,
)
from projtui.domain.errors import NO_VALUE, InvalidInput, Problem
from projtui.domain.quarter import Quarter
from projtui.domain.records import NO_TARGET_FOR_NONE, ActualFields, PortfolioFields
from projtui.domain.risks import RiskKind, RiskStatus
from projtui.domain.sheets import CellKind
from projtui.snapshot import document as doc
from projtui.snapshot.diff import placed_measures
from projtui.snapshot.problems import message_of
from projtui.spreadsheet import cells
from projtui.spreadsheet.tables import Table

_PROJECT_TEXT = ("service", "directorate", "lead", "senior_responsible_owner", "portfolio_holder")
# A register row's own fields and how each is read (its code, name, stage, ambitions and plan are read apart).
_REGISTER = (*((field, cells.text) for field in _PROJECT_TEXT), ("summary", cells.written), ("start_date", cells.day),
             ("end_date", cells.day), ("budget_pence", cells.pence))
_PLAN = "plan_"  # the Projects sheet's columns for the Benefits Review Plan's own fields: plan_status is its status

# How a column is read when its kind (domain/sheets.py) does not say it all: free text as written, choices, whole numbers.
_READERS: dict[str, Callable[[object], object]] = {
    **dict.fromkeys(("description", "summary", "commentary", "next_steps", "mitigation", "dependencies",
                     "plan_review_schedule", "plan_notes"), cells.written),
    "plan_status": partial(cells.choice, choices=PlanStatus),
    "category": partial(cells.choice, choices=BenefitCategory),
    "quantification": partial(cells.choice, choices=BenefitQuantification),
    "recipient": partial(cells.choice, choices=BenefitRecipient),
    "direction": partial(cells.choice, choices=Direction),
    "frequency": partial(cells.choice, choices=Frequency),
    "aggregation": partial(cells.choice, choices=Aggregation),
    "kind": partial(cells.choice, choices=RiskKind),
    **dict.fromkeys(("rag", "time_rag", "cost_rag", "scope_rag", "benefits_rag"), partial(cells.choice, choices=Rag)),
    **dict.fromkeys(("likelihood", "impact", "rank", "of"), cells.whole),
    **dict.fromkeys(("outcomes", "benefits"), cells.codes),
}
_BY_KIND: dict[CellKind, Callable[[object], object]] = {
    CellKind.DATE: cells.day, CellKind.MONEY: cells.pence, CellKind.NUMBER: cells.figure,
    CellKind.QUARTER: cells.period, CellKind.FLAG: cells.flag,
}
# "status" means a different choice on each sheet.
_STATUS = {sheets.BENEFITS: BenefitStatus, sheets.REVIEWS: ReviewStatus, sheets.RISKS: RiskStatus}
# Columns a part's sheet has that are not its record's fields.
_NOT_FIELDS = frozenset({"project", "ambition", "serves", "serves_code", "on_track"})

# The KPIs sheet's columns that are a KPI's own fields (the rest are its code and name, its ambitions, and figures for reading).
_KPI_DEFINITION = frozenset(doc.MeasureFields.model_fields) - {"code", "name"} | {"service"}
_KPI_FIGURES = {"actuals": {}, "provisional": [], "notes": {}, "targets": {}, "forecasts": {}, "commentary": {}}
_BENCHMARK = tuple(doc.Benchmark.model_fields)

ActualKey = tuple[str, str, Quarter]  # (project code, measure code, quarter)
_Readers = list[tuple[str, int, Callable[[object], object]]]  # (field, column index, how its cell is read)


@dataclass(frozen=True)
class Applied:
    document: doc.Document  # the ambitions and projects the file names, with its rows applied
    actual_cells: dict[ActualKey, tuple[Table, int]]  # where each figure came from, to name it if refused


def project_codes(tables: Sequence[Table]) -> list[str]:
    """The projects the file names (in its registers and its actuals), in the order it names them."""
    codes: dict[str, None] = {}
    for table in tables:
        field = "code" if table.kind is sheets.PROJECTS else "project"
        if field in table.columns:
            for _, row in table.rows:
                if (code := cells.text(table.cell(row, field))) is not None:
                    codes[code] = None
    return list(codes)


def apply_rows(tables: Sequence[Table], *, portfolio: doc.PortfolioFields, ambitions: Sequence[doc.Ambition],
               projects: Sequence[doc.Project], kpis: Sequence[doc.Kpi] = ()) -> Applied:
    """Every row applied onto `ambitions` and `kpis` (all the database's) and `projects` (those the file names); InvalidInput with every problem."""
    builder = _Builder(portfolio, ambitions, projects, {table.kind for table in tables}, tables[0].source if tables else "", kpis)
    # In the order the parts depend on each other: a link or a measure names what an earlier sheet made.
    order = (
        (sheets.PORTFOLIO, builder.portfolio_row), (sheets.AMBITIONS, builder.ambition), (sheets.PRIORITIES, builder.priority),
        (sheets.KPIS, builder.kpi), (sheets.KPI_FIGURES, builder.kpi_figure),
        (sheets.PROJECTS, builder.project), (sheets.BENEFITS, builder.benefit), (sheets.OUTCOMES, builder.outcome),
        (sheets.OUTPUTS, builder.output), (sheets.MEASURE_DEFINITIONS, builder.definition), (sheets.TARGETS, builder.target),
        (sheets.FORECASTS, builder.forecast), (sheets.ACTUALS, builder.actual), (sheets.BENCHMARKS, builder.benchmark),
        (sheets.REVIEWS, builder.review), (sheets.RISKS, builder.risk),
    )
    for kind, apply in order:
        builder.start(kind)
        for table in tables:
            if table.kind is kind:
                for number, row in table.rows:
                    apply(table, number, row)
    builder.check_links()
    if builder.problems:
        raise InvalidInput(builder.problems)
    document = doc.Document(
        portfolio=builder.portfolio,
        ambitions=list(builder.changed_ambitions.values()),
        kpis=list(builder.changed_kpis.values()),
        projects=[_with_measures(builder.projects[code], builder.measures) if code in builder.measured else builder.projects[code]
                  for code in builder.named],
    )
    return Applied(document, builder.actual_cells)


class _Builder:
    def __init__(self, portfolio: doc.PortfolioFields, ambitions: Sequence[doc.Ambition], projects: Sequence[doc.Project],
                 present: set[sheets.Sheet], source: str, kpis: Sequence[doc.Kpi] = ()):
        self.problems: list[Problem] = []
        self._source = source
        self.portfolio = portfolio
        self.present = present
        self.ambitions = {a.code: a for a in ambitions}
        self.changed_ambitions: dict[str, doc.Ambition] = {}
        self.kpis = {k.code: k for k in kpis}
        self.changed_kpis: dict[str, doc.Kpi] = {}
        self.projects = {p.code: p for p in projects}
        self.original = dict(self.projects)  # as the database has them: a replaced part keeps what it does not hold
        self.named: dict[str, None] = {}  # the projects the rows touch, in order
        self.registered: dict[str, None] = {}  # the projects the register names
        self.measures: dict[tuple[str, str], doc.Measure] = {}  # (project, measure code) → with its new figures
        self.measured: set[str] = set()  # the projects some of whose measures have new figures
        self.actual_cells: dict[ActualKey, tuple[Table, int]] = {}
        self._first: dict[tuple, tuple[Table, int]] = {}  # a row's key → where it first appeared
        self._kind: sheets.Sheet | None = None
        # The projects (and ("kpi", code) for KPIs) whose part the current sheet kind has replaced.
        self._replaced: set[str | tuple[str, str]] = set()
        # Each sheet's columns matched to their fields and readers once, not every row: by (id(table), what for).
        self._readers: dict[tuple[int, object], _Readers] = {}
        self._register: dict[int, tuple[_Readers, _Readers]] = {}  # by id(table): a register row's readers (own fields, plan's)

    def start(self, kind: sheets.Sheet) -> None:
        """Before a kind's rows: a part's sheet replaces that part of every project in the register."""
        self._kind, self._replaced = kind, set()
        if kind in self.present and kind in _CLEARED:
            for code in self.registered:
                self._replace(code)

    # Rows ---------------------------------------------------------------------

    def portfolio_row(self, table: Table, number: int, row: Sequence[object]) -> None:
        if not self._first_time(("portfolio",), table, number, "name", NO_VALUE, "portfolio row"):
            return
        data = _fields(self.portfolio)
        for field in ("name", "council"):
            self._read(data, table, number, row, field, cells.text)
        if (portfolio := self._validated(PortfolioFields, data, table, number, row, "name")) is not None:
            self.portfolio = portfolio

    def ambition(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (data := self._record(table, number, row, "ambition", self.ambitions, "title")) is None:
            return
        code = data["code"]
        self._read(data, table, number, row, "plan_period", cells.text)
        self._read(data, table, number, row, "description", cells.written)
        self._read(data, table, number, row, "retired", cells.flag)
        if sheets.PRIORITIES in self.present:
            data["priorities"] = []  # the Priorities sheet lists them all
        if (ambition := self._validated(doc.Ambition, data, table, number, row, "code")) is not None:
            self.ambitions[code] = self.changed_ambitions[code] = ambition

    def priority(self, table: Table, number: int, row: Sequence[object]) -> None:
        code = cells.text(table.cell(row, "ambition"))
        if code not in self.ambitions:
            self.problems.append(table.problem(number, "ambition", code or NO_VALUE, "unknown ambition code" if code else "required"))
            return
        ambition = self.ambitions[code]
        if code not in self.changed_ambitions:  # an ambition the Ambitions sheet does not list: its priorities are replaced too
            ambition = ambition.model_copy(update={"priorities": []})
        priority = self._part_record(doc.Priority, table, number, row, ("priority", code))
        if priority is not None:
            self.ambitions[code] = self.changed_ambitions[code] = ambition.model_copy(update={"priorities": [*ambition.priorities, priority]})

    def kpi(self, table: Table, number: int, row: Sequence[object]) -> None:
        """A KPI's definition; a blank cell is the field's default (no unit, higher is better, quarterly)."""
        if (data := self._record(table, number, row, "kpi", self.kpis, "name")) is None:
            return
        fields = doc.Kpi.model_fields
        read = self._cells(table, number, row, [field for field in table.columns if field in _KPI_DEFINITION])
        data.update({field: fields[field].default if value is None else value for field, value in read.items()})
        self._read(data, table, number, row, "ambitions", self._ambition_codes)
        if sheets.KPI_FIGURES in self.present:
            data.update(_KPI_FIGURES)  # the KPI figures sheet lists them all
        if sheets.BENCHMARKS in self.present:
            data["benchmarks"] = []
        if (kpi := self._validated(doc.Kpi, data, table, number, row, "code")) is not None:
            self.kpis[kpi.code] = self.changed_kpis[kpi.code] = kpi

    def kpi_figure(self, table: Table, number: int, row: Sequence[object]) -> None:
        """One quarter of a KPI: its actual (flag and note), profiled target, year-end forecast and commentary, as written."""
        before = len(self.problems)
        kpi = self._kpi(table, number, row, "kpi_code")
        try:
            quarter = cells.quarter(table.cell(row, "quarter"))
        except ValueError as exc:
            self.problems.append(table.problem(number, "quarter", _shown(table.cell(row, "quarter")), str(exc)))
            quarter = None
        actual = self._actual(table, number, row)
        entered: dict[str, object] = {}
        for field, read in (("profiled", cells.figure), ("forecast", cells.figure), ("commentary", cells.written)):
            self._read(entered, table, number, row, field, read)
        for field in ("profiled", "forecast"):
            if entered.get(field) is not None:
                self._number(table, number, row, field, entered[field])
        if kpi is not None and kpi.direction is Direction.NONE and entered.get("profiled") is not None:
            self.problems.append(table.problem(number, "profiled", _shown(table.cell(row, "profiled")), NO_TARGET_FOR_NONE))
        if len(self.problems) > before or kpi is None or quarter is None:
            return
        if not self._first_time(("kpi figures", kpi.code, quarter), table, number, "quarter", str(quarter), f"figures for KPI {kpi.code} {quarter}"):
            return
        update = _actual_update(kpi, quarter, actual, table) if actual is not None else {}
        for field, figures in (("profiled", "targets"), ("forecast", "forecasts"), ("commentary", "commentary")):
            if entered.get(field) is not None:
                update[figures] = {**getattr(kpi, figures), quarter: entered[field]}
        self.kpis[kpi.code] = self.changed_kpis[kpi.code] = kpi.model_copy(update=update)

    def benchmark(self, table: Table, number: int, row: Sequence[object]) -> None:
        """A comparator set of a project's measure (Project, Measure code) or of a KPI (KPI code)."""
        before = len(self.problems)
        kpi = project = measure = None
        if cells.text(table.cell(row, "kpi_code")) is not None:
            if cells.text(table.cell(row, "project")) is not None:
                self.problems.append(table.problem(number, "kpi_code", _shown(table.cell(row, "kpi_code")),
                                                   "a benchmark is a project measure's (Project) or a KPI's (KPI code), not both"))
                return
            if (kpi := self._kpi(table, number, row, "kpi_code")) is not None:
                name = cells.text(table.cell(row, "measure_name"))
                if name is not None and _loose(name) != _loose(kpi.name):
                    self.problems.append(table.problem(number, "measure_name", name, f"KPI {kpi.code} is {kpi.name!r}: the code and the name disagree"))
        elif (project := self._project(table, number, row)) is not None:
            measure = self._measure(table, number, row, project)
        data = self._cells(table, number, row, [f for f in _BENCHMARK if table.has(f)])
        for field in ("period", "source"):
            if data.get(field) is None and field in data:
                self.problems.append(table.problem(number, field, NO_VALUE, "required"))
        benchmark = self._validated(doc.Benchmark, data, table, number, row, "source") if len(self.problems) == before else None
        if len(self.problems) > before or benchmark is None or (kpi is None and (project is None or measure is None)):
            return
        owner = f"KPI {kpi.code}" if kpi is not None else f"{project.code} {measure.code or measure.name}"
        if not self._first_time(("benchmark", owner, benchmark.period, benchmark.source), table, number, "source", benchmark.source,
                                f"benchmark for {owner} {benchmark.period} {benchmark.source}"):
            return
        if kpi is not None:
            if ("kpi", kpi.code) not in self._replaced:  # the sheet holds all of a KPI's benchmarks it names
                self._replaced.add(("kpi", kpi.code))
                kpi = kpi.model_copy(update={"benchmarks": []})
            self.kpis[kpi.code] = self.changed_kpis[kpi.code] = kpi.model_copy(update={"benchmarks": [*kpi.benchmarks, benchmark]})
            return
        key = (project.code, measure.code or measure.name)
        current = self.measures.get(key, measure)
        self.measures[key] = current.model_copy(update={"benchmarks": [*current.benchmarks, benchmark]})
        self.measured.add(project.code)
        self.named[project.code] = None

    def project(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (data := self._record(table, number, row, "project", self.projects, "name")) is None:
            return
        code = data["code"]
        own, plan_readers = self._register_readers(table)
        read: dict[str, object] = {}
        self._read_all(read, table, number, row, own)
        if read.get("stage", "") is None:
            del read["stage"]  # blank keeps the stage (a new project's is pipeline)
        data.update(read)
        if plan_readers:
            read = {}
            self._read_all(read, table, number, row, plan_readers)
            if plan := _unset_dropped(doc.Plan, {field.removeprefix(_PLAN): value for field, value in read.items()}):
                data["benefits_review_plan"] = {**_fields(data.get("benefits_review_plan") or doc.Plan()), **plan}
        if (project := self._validated(doc.Project, data, table, number, row, "code")) is not None:
            self.projects[code] = project
            self.named[code] = None
            self.registered[code] = None

    def benefit(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (project := self._project(table, number, row)) is None:
            return
        benefit = self._part_record(doc.Benefit, table, number, row, ("benefit", project.code), _carried(self.original, project, "benefits"))
        if benefit is not None:
            self._update(project, benefits=[*project.benefits, benefit])

    def outcome(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (project := self._project(table, number, row)) is None:
            return
        outcome = self._part_record(doc.Outcome, table, number, row, ("outcome", project.code), _carried(self.original, project, "outcomes"))
        if outcome is not None and self._linked(table, number, row, "benefits", outcome.benefits, project.benefits, "benefit", project):
            self._update(project, outcomes=[*project.outcomes, outcome])

    def output(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (project := self._project(table, number, row)) is None:
            return
        output = self._part_record(doc.Output, table, number, row, ("output", project.code))
        if output is not None and self._linked(table, number, row, "outcomes", output.outcomes, project.outcomes, "outcome", project):
            self._update(project, outputs=[*project.outputs, output])

    def definition(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (project := self._project(table, number, row)) is None:
            return
        serves = cells.word(table.cell(row, "serves"))
        if serves not in ("benefit", "outcome"):
            self.problems.append(table.problem(number, "serves", _shown(table.cell(row, "serves")), "must be benefit or outcome"))
            return
        items = project.benefits if serves == "benefit" else project.outcomes
        serves_code = cells.text(table.cell(row, "serves_code"))
        at = next((i for i, item in enumerate(items) if item.code == serves_code), None)
        if at is None:
            self.problems.append(table.problem(number, "serves_code", serves_code or NO_VALUE,
                                               f"project {project.code} has no {serves} with this code" if serves_code else "required"))
            return
        if cells.text(table.cell(row, "code")) is None:
            self.problems.append(table.problem(number, "code", NO_VALUE, "required"))
            return
        carried = {measure.code: _figures_kept(measure, self.present) for _, measure in placed_measures(self.original.get(project.code, project))}
        measure = self._part_record(doc.Measure, table, number, row, ("measure", project.code), carried)
        if measure is None:
            return
        item = items[at]
        items = [*items[:at], item.model_copy(update={"measures": [*item.measures, measure]}), *items[at + 1 :]]
        self._update(project, **{f"{serves}s": items})

    def target(self, table: Table, number: int, row: Sequence[object]) -> None:
        self._figure(table, number, row, "targets", "target")

    def forecast(self, table: Table, number: int, row: Sequence[object]) -> None:
        self._figure(table, number, row, "forecasts", "forecast")

    def review(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (project := self._project(table, number, row)) is None:
            return
        data = self._cells(table, number, row)
        quarter = data.get("quarter")
        if quarter is not None and not self._first_time(("review", project.code, quarter), table, number, "quarter", str(quarter),
                                                        f"review for {project.code} {quarter}"):
            return
        if (review := self._validated(doc.Review, _unset_dropped(doc.Review, data), table, number, row, "quarter")) is not None:
            self._update(project, reviews=[*project.reviews, review])

    def risk(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (project := self._project(table, number, row)) is None:
            return
        if (risk := self._part_record(doc.Risk, table, number, row, ("risk", project.code))) is not None:
            self._update(project, risks=[*project.risks, risk])

    def actual(self, table: Table, number: int, row: Sequence[object]) -> None:
        if cells.blank(table.cell(row, "value")):
            self._actual(table, number, row)  # an export writes a row for every quarter with a target; only a figure is imported
            return
        code = cells.text(table.cell(row, "project"))
        project = self.projects.get(code) if code is not None else None
        if code is None:
            self.problems.append(table.problem(number, "project", NO_VALUE, "required"))
        elif project is None:
            self.problems.append(table.problem(number, "project", code, "unknown project code"))
        measure = self._measure(table, number, row, project) if project is not None else None
        try:
            quarter = cells.quarter(table.cell(row, "quarter"))
        except ValueError as exc:
            self.problems.append(table.problem(number, "quarter", NO_VALUE, str(exc)))
            quarter = None
        figure = self._actual(table, number, row)
        if project is None or measure is None or quarter is None or figure is None:
            return
        key = (project.code, measure.code or measure.name)
        if not self._first_time((*key, quarter), table, number, "quarter", NO_VALUE, f"figure for {key[0]} {key[1]} {quarter}"):
            return
        self._set(project.code, measure, quarter, figure, table)
        self.actual_cells[(*key, quarter)] = (table, number)
        self.named[project.code] = None

    # Parts --------------------------------------------------------------------

    def check_links(self) -> None:
        """A link left pointing at an item its sheet no longer has (a Benefits sheet without a benefit an outcome leads to)."""
        for code in self.named:
            project = self.projects[code]
            if not (project.outputs or project.outcomes):
                continue  # no links to check: a register's new projects
            outcomes, benefits = {o.code for o in project.outcomes}, {b.code for b in project.benefits}
            for kind, items, links, known in (("output", project.outputs, "outcomes", outcomes), ("outcome", project.outcomes, "benefits", benefits)):
                for item in items:
                    for missing in (link for link in getattr(item, links) if link not in known):
                        self.problems.append(Problem(self._source, "", missing, f"{code} {kind} {item.code} leads to {links[:-1]} "
                                                     f"{missing}, which the workbook does not have: add it or remove the link"))

    def _replace(self, code: str) -> None:
        """Empty the current sheet kind's part of a project, once, before its rows fill it."""
        if code in self._replaced or (project := self.projects.get(code)) is None:
            return
        self._replaced.add(code)
        kind = self._kind
        if kind is sheets.MEASURE_DEFINITIONS:
            self._update(project, outcomes=[o.model_copy(update={"measures": []}) for o in project.outcomes],
                         benefits=[b.model_copy(update={"measures": []}) for b in project.benefits])
        elif kind in _MEASURE_PARTS:
            figures = _MEASURE_PARTS[kind]
            for _, measure in placed_measures(project):
                key = (code, measure.code or measure.name)
                self.measures[key] = self.measures.get(key, measure).model_copy(update={figures: type(getattr(measure, figures))()})
            self.measured.add(code)
            self.named[code] = None
        else:
            self._update(project, **{_CLEARED[kind]: []})

    def _project(self, table: Table, number: int, row: Sequence[object]) -> doc.Project | None:
        """The project a part's row names, its part replaced the first time it is named."""
        code = cells.text(table.cell(row, "project"))
        if code is None or code not in self.projects:
            self.problems.append(table.problem(number, "project", code or NO_VALUE, "unknown project code" if code else "required"))
            return None
        self._replace(code)
        return self.projects[code]

    def _update(self, project: doc.Project, **parts: list) -> None:
        self.projects[project.code] = project.model_copy(update=parts)
        self.named[project.code] = None

    def _register_readers(self, table: Table) -> tuple[_Readers, _Readers]:
        """A register row's readers: of its own fields, stage and ambitions; and of the plan's (`plan_…`), worked out once for `table`."""
        if (found := self._register.get(id(table))) is None:
            own = self._column_readers(table, "register", (*_REGISTER, ("stage", cells.word), ("ambitions", self._ambition_codes)))
            found = self._register[id(table)] = (own, self._part_readers(table, "plan", [field for field in table.columns if field.startswith(_PLAN)]))
        return found

    def _cells(self, table: Table, number: int, row: Sequence[object], fields: Sequence[str] | None = None) -> dict[str, object]:
        """The row's cells read as the fields they fill (every column of a part's sheet, or `fields`)."""
        data: dict[str, object] = {}
        self._read_all(data, table, number, row, self._part_readers(table, None if fields is None else tuple(fields), fields))
        return data

    def _part_readers(self, table: Table, key: object, fields: Iterable[str] | None) -> _Readers:
        """`_column_readers` for `fields` (every column, when None; only gone through the first time) read by their kind, or as `_READERS` says."""
        if (found := self._readers.get((id(table), key))) is not None:
            return found
        read_as = []
        for field in table.columns if fields is None else fields:
            if field in _NOT_FIELDS:
                continue
            if field == "status" and table.kind in _STATUS:
                read = partial(cells.choice, choices=_STATUS[table.kind])
            else:
                read = _READERS.get(field) or _BY_KIND.get(table.kind.column_for(table.columns[field][1]).kind, cells.text)
            read_as.append((field, read))
        return self._column_readers(table, key, read_as)

    def _column_readers(self, table: Table, key: object, read_as: Sequence[tuple[str, Callable[[object], object]]]) -> _Readers:
        """(field, column index, reader) for each of `read_as` the sheet has a column for, worked out once for `table` and `key`."""
        if (found := self._readers.get((id(table), key))) is None:
            found = self._readers[(id(table), key)] = [(field, table.columns[field][0], read) for field, read in read_as if field in table.columns]
        return found

    def _read_all(self, data: dict, table: Table, number: int, row: Sequence[object], readers: _Readers) -> None:
        """`_read` of each of `readers`' columns, in their order."""
        width = len(row)
        for field, index, read in readers:
            value = row[index] if index < width else ""
            try:
                data[field] = read(value)
            except ValueError as exc:
                self.problems.append(table.problem(number, field, _shown(value), str(exc)))

    def _part_record(self, model: type[BaseModel], table: Table, number: int, row: Sequence[object], key: tuple,
                     carried: dict[str, dict] | None = None):
        """The row as a `model` (the fields of a same-coded record in `carried` where the sheet has no column), or None."""
        data = self._cells(table, number, row)
        code = data.get("code")
        if code is not None and not self._first_time((*key, code), table, number, "code", code, f"{key[0]} code"):
            return None
        if carried and code in carried:
            data = {**carried[code], **data}
        return self._validated(model, _unset_dropped(model, data), table, number, row, "code")

    def _linked(self, table: Table, number: int, row: Sequence[object], field: str, codes: list[str], items: list, kind: str,
                project: doc.Project) -> bool:
        known = {item.code for item in items}
        unknown = [code for code in codes if code not in known]
        for code in unknown:
            self.problems.append(table.problem(number, field, code, f"project {project.code} has no {kind} with this code"))
        if len(set(codes)) != len(codes):
            self.problems.append(table.problem(number, field, _shown(table.cell(row, field)), f"a {kind} is listed twice"))
            return False
        return not unknown

    def _figure(self, table: Table, number: int, row: Sequence[object], figures: str, field: str) -> None:
        """A profiled target or a year-end forecast: one quarter's figure of one measure."""
        if (project := self._project(table, number, row)) is None:
            return
        measure = self._measure(table, number, row, project)
        try:
            quarter = cells.quarter(table.cell(row, "quarter"))
        except ValueError as exc:
            self.problems.append(table.problem(number, "quarter", _shown(table.cell(row, "quarter")), str(exc)))
            quarter = None
        data: dict[str, object] = {}
        self._read(data, table, number, row, field, cells.figure)
        if data.get(field) is None:
            if field in data:
                self.problems.append(table.problem(number, field, NO_VALUE, "required"))
            return
        # A figure is a figure by the one rule (domain.records.Number), whatever it is for.
        figure = self._validated(ActualFields, {"value": data[field]}, table, number, row, field)
        if measure is None or quarter is None or figure is None:
            return
        if figures == "targets" and measure.direction is Direction.NONE:
            self.problems.append(table.problem(number, field, _shown(table.cell(row, field)), NO_TARGET_FOR_NONE))
            return
        key = (project.code, measure.code or measure.name)
        if not self._first_time((figures, *key, quarter), table, number, "quarter", str(quarter), f"{field} for {key[0]} {key[1]} {quarter}"):
            return
        current = self.measures.get(key, measure)
        self.measures[key] = current.model_copy(update={figures: {**getattr(current, figures), quarter: figure.value}})
        self.measured.add(project.code)
        self.named[project.code] = None

    # Helpers ------------------------------------------------------------------

    def _actual(self, table: Table, number: int, row: Sequence[object]) -> ActualFields | None:
        """The row's actual, flag and note; None for a blank actual, which must then have neither flag nor note."""
        if cells.blank(table.cell(row, "value")):
            if cells.text(table.cell(row, "note")) is not None or self._flag(table, row):
                self.problems.append(table.problem(number, "value", NO_VALUE, "required: this row has a note or a provisional flag but no actual"))
            return None
        data: dict[str, object] = {}
        self._read(data, table, number, row, "value", cells.figure)
        self._read(data, table, number, row, "provisional", cells.flag)
        self._read(data, table, number, row, "note", lambda value: cells.written(value) or "")
        return self._validated(ActualFields, data, table, number, row, "value") if "value" in data else None

    def _number(self, table: Table, number: int, row: Sequence[object], field: str, value: object) -> None:
        """A figure checked by the one rule (domain.records.Number), whatever it is for, refused at its own cell."""
        try:
            ActualFields.model_validate({"value": value})
        except ValidationError as exc:
            for error in exc.errors():
                self.problems.append(table.problem(number, field, _shown(table.cell(row, field)), message_of(error)))

    def _kpi(self, table: Table, number: int, row: Sequence[object], field: str) -> doc.Kpi | None:
        code = cells.text(table.cell(row, field))
        if code is None or code not in self.kpis:
            self.problems.append(table.problem(number, field, code or NO_VALUE, "unknown KPI code" if code else "required"))
            return None
        return self.kpis[code]

    def _record(self, table: Table, number: int, row: Sequence[object], kind: str, known: dict, title: str) -> dict | None:
        """The fields of the record the row's code names (as they are, or a new one's), its code and title from the row.

        None for a code an earlier row already gave. A blank code or title is "" so that the model says it must not be empty.
        """
        code = cells.text(table.cell(row, "code")) or ""
        if code and not self._first_time((kind, code), table, number, "code", code, f"{kind} code"):
            return None
        data = _fields(known[code]) if code in known else {}
        return {**data, "code": code, title: cells.text(table.cell(row, title)) or ""}

    def _first_time(self, key: tuple, table: Table, number: int, field: str, value: object, what: str) -> bool:
        if key in self._first:
            first_table, first_number = self._first[key]
            where = f"row {first_number}" if first_table is table else _place(first_table, first_number)
            self.problems.append(table.problem(number, field, value, f"duplicate {what} (first on {where})"))
            return False
        self._first[key] = (table, number)
        return True

    def _read(self, data: dict, table: Table, number: int, row: Sequence[object], field: str, read: Callable[[object], object]) -> None:
        """Put the cell's value in `data` when the sheet has the column; report a cell that cannot be read."""
        if (column := table.columns.get(field)) is not None:
            self._read_all(data, table, number, row, ((field, column[0], read),))

    def _validated(self, model: type[BaseModel], data: dict, table: Table, number: int, row: Sequence[object], fallback: str):
        """`data` as a `model`, or None with each refusal reported at the cell whose field it names."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                field = (_PLAN + str(loc[1]) if loc[0] == "benefits_review_plan" and len(loc) > 1 else str(loc[0])) if loc else _named_in(error["msg"], table)
                if not table.has(field):
                    field = fallback
                self.problems.append(table.problem(number, field, _shown(table.cell(row, field)), message_of(error)))
            return None

    def _flag(self, table: Table, row: Sequence[object]) -> bool:
        try:
            return cells.flag(table.cell(row, "provisional"))
        except ValueError:
            return True  # something is written there: it is meant for a figure

    def _ambition_codes(self, value: object) -> list[str]:
        codes = [self._ambition_named(part) for part in cells.codes(value)]
        if len(set(codes)) != len(codes):
            raise ValueError("an ambition is listed twice")
        return codes

    def _ambition_named(self, written: str) -> str:
        """The code of the ambition `written` names: by code, else by title (case and spacing aside)."""
        if written in self.ambitions:
            return written
        wanted = _loose(written)
        found = [code for code, a in self.ambitions.items() if _loose(a.title) == wanted or _loose(code) == wanted]
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(f"{written!r} names {len(found)} ambitions ({', '.join(found)}): use the code")
        raise ValueError(f"no ambition has the code or title {written!r}")

    def _measure(self, table: Table, number: int, row: Sequence[object], project: doc.Project) -> doc.Measure | None:
        code = cells.text(table.cell(row, "measure_code"))
        name = cells.text(table.cell(row, "measure_name"))
        measures = [measure for _, measure in placed_measures(project)]
        if code is None and name is None:
            field = "measure_code" if table.has("measure_code") else "measure_name"
            self.problems.append(table.problem(number, field, NO_VALUE, "required: the measure's code or name"))
            return None
        found = None
        if code is not None:
            matches = [m for m in measures if m.code == code] or [m for m in measures if _loose(m.code or "") == _loose(code)]
            if not matches:
                self.problems.append(table.problem(number, "measure_code", code, f"project {project.code} has no measure with this code"))
                return None
            found = matches[0]
        if name is not None:
            if found is not None:
                if _loose(found.name) != _loose(name):
                    self.problems.append(table.problem(
                        number, "measure_name", name, f"measure {found.code} of {project.code} is {found.name!r}: the code and the name disagree"))
                    return None
                return found
            named = [m for m in measures if _loose(m.name) == _loose(name)]
            if not named:
                self.problems.append(table.problem(number, "measure_name", name, f"project {project.code} has no measure with this name"))
                return None
            if len(named) > 1:
                codes = ", ".join(m.code or "?" for m in named)
                self.problems.append(table.problem(number, "measure_name", name, f"names {len(named)} measures of {project.code} ({codes}): give the Measure code"))
                return None
            found = named[0]
        return found

    def _set(self, project: str, measure: doc.Measure, quarter: Quarter, figure: ActualFields, table: Table) -> None:
        key = (project, measure.code or measure.name)
        measure = self.measures.get(key, measure)
        self.measures[key] = measure.model_copy(update=_actual_update(measure, quarter, figure, table))
        self.measured.add(project)


def _actual_update(measure: doc.Measure, quarter: Quarter, figure: ActualFields, table: Table) -> dict[str, object]:
    """The measure's (or KPI's) actuals, and its flags and notes where the sheet has their columns, with the quarter's figure set."""
    update: dict[str, object] = {"actuals": {**measure.actuals, quarter: figure.value}}
    if table.has("provisional"):
        others = [q for q in measure.provisional if q != quarter]
        update["provisional"] = sorted([*others, quarter]) if figure.provisional else others
    if table.has("note"):
        notes = {q: n for q, n in measure.notes.items() if q != quarter}
        update["notes"] = {**notes, quarter: figure.note} if figure.note is not None else notes
    return update


# The part each sheet replaces, as the project field it empties (the measures' sheets are handled in _replace).
_CLEARED = {sheets.BENEFITS: "benefits", sheets.OUTCOMES: "outcomes", sheets.OUTPUTS: "outputs", sheets.REVIEWS: "reviews",
            sheets.RISKS: "risks", sheets.MEASURE_DEFINITIONS: "", sheets.TARGETS: "", sheets.FORECASTS: "", sheets.BENCHMARKS: ""}


# The measures' own parts a sheet replaces, as the measure field it empties.
_MEASURE_PARTS = {sheets.TARGETS: "targets", sheets.FORECASTS: "forecasts", sheets.BENCHMARKS: "benchmarks"}


def _carried(original: dict[str, doc.Project], project: doc.Project, items: str) -> dict[str, dict]:
    """The database's items of a kind by code, to keep what a sheet has no column for (an outcome's measures)."""
    known = original.get(project.code)
    return {item.code: _fields(item) for item in getattr(known, items)} if known is not None else {}


def _figures_kept(measure: doc.Measure, present: set[sheets.Sheet]) -> dict:
    """A redefined measure's figures that the workbook has no sheet for, kept as they are."""
    kept = {}
    if sheets.ACTUALS not in present:
        kept.update(actuals=measure.actuals, provisional=measure.provisional, notes=measure.notes)
    if sheets.TARGETS not in present:
        kept["targets"] = measure.targets
    if sheets.FORECASTS not in present:
        kept["forecasts"] = measure.forecasts
    if sheets.BENCHMARKS not in present:
        kept["benchmarks"] = measure.benchmarks
    return kept


def _unset_dropped(model: type[BaseModel], data: dict) -> dict:
    """Blank cells left out where the record has a default other than none (a blank Frequency is quarterly), so the default applies."""
    fields = model.model_fields
    return {name: value for name, value in data.items() if value is not None or fields[name].default is None}


def _fields(record: BaseModel) -> dict:
    """A record's fields as they are (nested records too), to change some and validate the whole again."""
    return {name: getattr(record, name) for name in type(record).model_fields}


def _with_measures(project: doc.Project, measures: dict[tuple[str, str], doc.Measure]) -> doc.Project:
    def replaced(items: list) -> list:
        return [
            item.model_copy(update={"measures": [measures.get((project.code, m.code or m.name), m) for m in item.measures]})
            for item in items
        ]

    return project.model_copy(update={"outcomes": replaced(project.outcomes), "benefits": replaced(project.benefits)})


def _loose(text: str) -> str:
    """How names and titles are matched: case and runs of spaces aside."""
    return " ".join(text.split()).casefold()


def _named_in(message: str, table: Table) -> str:
    """The column whose field a whole-record rule's message names first ("end_date … is before start_date …")."""
    found = [(match.start(), field) for field in table.columns if (match := re.search(rf"\b{re.escape(field)}\b", message))]
    return min(found)[1] if found else ""


def _place(table: Table, number: int) -> str:
    return f"line {number}" if table.sheet is None else f"{table.sheet} row {number}"


def _shown(value: object) -> object:
    """A cell's value as a problem shows it: text as written, a whole number without ".0"."""
    return NO_VALUE if cells.blank(value) else cells.text(value)
