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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from projtui.domain import sheets
from projtui.domain.errors import NO_VALUE, InvalidInput, Problem
from projtui.domain.quarter import Quarter
from projtui.domain.records import ActualFields
from projtui.snapshot import document as doc
from projtui.snapshot.diff import placed_measures
from projtui.snapshot.problems import message_of
from projtui.spreadsheet import cells
from projtui.spreadsheet.tables import Table

_PROJECT_TEXT = ("service", "directorate", "lead", "senior_responsible_owner", "portfolio_holder", "summary")

ActualKey = tuple[str, str, Quarter]  # (project code, measure code, quarter)


@dataclass(frozen=True)
class Applied:
    document: doc.Document  # the ambitions and projects the file names, with its rows applied
    actual_cells: dict[ActualKey, tuple[Table, int]]  # where each figure came from, to name it if refused


def project_codes(tables: Sequence[Table]) -> list[str]:
    """The projects the file names (in its registers and its actuals), in the order it names them."""
    codes: dict[str, None] = {}
    for table in tables:
        field = {sheets.PROJECTS: "code", sheets.ACTUALS: "project"}.get(table.kind)
        if field is not None:
            for _, row in table.rows:
                if (code := cells.text(table.cell(row, field))) is not None:
                    codes[code] = None
    return list(codes)


def apply_rows(tables: Sequence[Table], *, portfolio: doc.PortfolioFields, ambitions: Sequence[doc.Ambition],
               projects: Sequence[doc.Project]) -> Applied:
    """Every row applied onto `ambitions` (all the database's) and `projects` (those the file names); InvalidInput with every problem."""
    builder = _Builder(ambitions, projects)
    for kind, apply in ((sheets.AMBITIONS, builder.ambition), (sheets.PROJECTS, builder.project), (sheets.ACTUALS, builder.actual)):
        for table in tables:
            if table.kind is kind:
                for number, row in table.rows:
                    apply(table, number, row)
    if builder.problems:
        raise InvalidInput(builder.problems)
    document = doc.Document(
        portfolio=portfolio,
        ambitions=list(builder.changed_ambitions.values()),
        projects=[_with_measures(builder.projects[code], builder.measures) if code in builder.measured else builder.projects[code]
                  for code in builder.named],
    )
    return Applied(document, builder.actual_cells)


class _Builder:
    def __init__(self, ambitions: Sequence[doc.Ambition], projects: Sequence[doc.Project]):
        self.problems: list[Problem] = []
        self.ambitions = {a.code: a for a in ambitions}
        self.changed_ambitions: dict[str, doc.Ambition] = {}
        self.projects = {p.code: p for p in projects}
        self.named: dict[str, None] = {}  # the projects the rows touch, in order
        self.measures: dict[tuple[str, str], doc.Measure] = {}  # (project, measure code) → with its new figures
        self.measured: set[str] = set()  # the projects some of whose measures have new figures
        self.actual_cells: dict[ActualKey, tuple[Table, int]] = {}
        self._first: dict[tuple, tuple[Table, int]] = {}  # a row's key → where it first appeared

    # Rows ---------------------------------------------------------------------

    def ambition(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (data := self._record(table, number, row, "ambition", self.ambitions, "title")) is None:
            return
        code = data["code"]
        for field in ("plan_period", "description"):
            self._read(data, table, number, row, field, cells.text)
        self._read(data, table, number, row, "retired", cells.flag)
        if (ambition := self._validated(doc.Ambition, data, table, number, row, "code")) is not None:
            self.ambitions[code] = self.changed_ambitions[code] = ambition

    def project(self, table: Table, number: int, row: Sequence[object]) -> None:
        if (data := self._record(table, number, row, "project", self.projects, "name")) is None:
            return
        code = data["code"]
        for field in _PROJECT_TEXT:
            self._read(data, table, number, row, field, cells.text)
        if (stage := cells.word(table.cell(row, "stage"))) is not None:
            data["stage"] = stage  # blank keeps the stage (a new project's is pipeline)
        for field in ("start_date", "end_date"):
            self._read(data, table, number, row, field, cells.day)
        self._read(data, table, number, row, "budget_pence", cells.pence)
        self._read(data, table, number, row, "ambitions", self._ambition_codes)
        if (project := self._validated(doc.Project, data, table, number, row, "code")) is not None:
            self.projects[code] = project
            self.named[code] = None

    def actual(self, table: Table, number: int, row: Sequence[object]) -> None:
        written = table.cell(row, "value")
        if cells.blank(written):
            # An export writes a row for every quarter with a target; only a figure is imported.
            if cells.text(table.cell(row, "note")) is not None or self._flag(table, row):
                self.problems.append(table.problem(number, "value", NO_VALUE, "required: this row has a note or a provisional flag but no actual"))
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
        data: dict[str, object] = {}
        self._read(data, table, number, row, "value", cells.figure)
        self._read(data, table, number, row, "provisional", cells.flag)
        self._read(data, table, number, row, "note", lambda value: cells.text(value) or "")
        figure = self._validated(ActualFields, data, table, number, row, "value") if "value" in data else None
        if project is None or measure is None or quarter is None or figure is None:
            return
        key = (project.code, measure.code or measure.name)
        if not self._first_time((*key, quarter), table, number, "quarter", NO_VALUE, f"figure for {key[0]} {key[1]} {quarter}"):
            return
        self._set(project.code, measure, quarter, figure, table)
        self.actual_cells[(*key, quarter)] = (table, number)
        self.named[project.code] = None

    # Helpers ------------------------------------------------------------------

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
        column = table.columns.get(field)
        if column is None:
            return
        value = row[column[0]] if column[0] < len(row) else ""
        try:
            result = read(value)
        except ValueError as exc:
            self.problems.append(table.problem(number, field, _shown(value), str(exc)))
            return
        data[field] = result

    def _validated(self, model: type[BaseModel], data: dict, table: Table, number: int, row: Sequence[object], fallback: str):
        """`data` as a `model`, or None with each refusal reported at the cell whose field it names."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else _named_in(error["msg"], table)
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
        written = cells.text(value)
        codes: list[str] = []
        for part in (part.strip() for part in (written or "").split(";")):
            if part:
                codes.append(self._ambition_named(part))
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
        update: dict[str, object] = {"actuals": {**measure.actuals, quarter: figure.value}}
        if table.has("provisional"):
            others = [q for q in measure.provisional if q != quarter]
            update["provisional"] = sorted([*others, quarter]) if figure.provisional else others
        if table.has("note"):
            notes = {q: n for q, n in measure.notes.items() if q != quarter}
            update["notes"] = {**notes, quarter: figure.note} if figure.note is not None else notes
        self.measures[key] = measure.model_copy(update=update)
        self.measured.add(project)


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
