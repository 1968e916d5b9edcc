"""Reading a TOML snapshot into a validated Document, or every reason it is not one.

Import must validate the whole file before anything is written, and a user
fixing a file by hand wants all its problems at once, each with the line,
field and value. So the checks run in layers, each only when the one
before passed and its answers mean something: TOML syntax, the schema
version, the pydantic models, then references between records (codes that
must be unique or must name something).
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from projtui.domain.errors import NO_VALUE, InvalidInput, Problem
from projtui.domain.progress import Progress, counted, no_progress
from projtui.domain.records import QuarterLabel
from projtui.snapshot import project_chunks
from projtui.snapshot.document import SCHEMA_VERSION, Document, Measure, Project, share_field_sets
from projtui.snapshot.problems import Loc, Report, field_name, syntax_problem

__all__ = ["field_name", "read_document", "read_document_file"]

_QUARTER = TypeAdapter(QuarterLabel)


def read_document_file(path: Path, *, source: str | None = None, known_ambitions: frozenset[str] = frozenset()) -> Document:
    """Read and validate the snapshot at `path` (named `source` in problems, the path by default)."""
    source = str(path) if source is None else source
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput([Problem(source, "", NO_VALUE, f"not UTF-8 text (byte {exc.start})")]) from None
    return read_document(text, source=source, known_ambitions=known_ambitions)


def read_document(
    text: str, *, source: str, known_ambitions: frozenset[str] = frozenset(), progress: Progress = no_progress
) -> Document:
    """Parse and validate a snapshot; raise InvalidInput with every problem found.

    `known_ambitions` are codes already in the database, which a file
    holding only some projects may refer to without repeating them.
    Measures without a code get the next free `M{n}` of their project.
    `progress` hears of each project read ("Reading FILE", n of the projects).

    The projects are parsed and validated one at a time (`project_chunks`):
    only their validated models are kept, never the whole file as dicts.
    """
    # A byte-order mark (Windows editors add one) is not TOML, and says nothing.
    text = text.removeprefix("\ufeff")
    try:
        try:
            return _read(project_chunks.split(text), text, source, known_ambitions, progress)
        except project_chunks.SplitMismatch:
            return _read(project_chunks.whole(text), text, source, known_ambitions, progress)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput([syntax_problem(exc, text, source)]) from None


def _read(chunks: project_chunks.Chunks, text: str, source: str, known_ambitions: frozenset[str], progress: Progress) -> Document:
    data = chunks.top
    report = Report(source, text)
    if not _schema_version_ok(data, report):
        raise InvalidInput(report.sorted())
    header: Document | None = None
    try:
        header = Document.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            if error["loc"] != ("schema_version",):  # already reported, in plainer words
                report.pydantic_error(error)
    # References are judged project by project while each one's dict is at hand, and reported only if the
    # whole file validates: until then they may be noise from a record that is not what it meant to be.
    references = Report(source, text)
    raw_ambitions = data.get("ambitions")
    ambitions = known_ambitions | {a.get("code") for a in raw_ambitions if isinstance(a, dict)} if isinstance(raw_ambitions, list) else known_ambitions
    projects: list[Project] = []
    codes: list[tuple[Loc, str]] = []
    field_sets: dict[frozenset[str], set[str]] = {}
    for i, raw in enumerate(counted(chunks.projects, chunks.count, f"Reading {source}", progress)):
        at: Loc = ("projects", i)
        try:
            project = Project.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                report.pydantic_error({**error, "loc": (*at, *error["loc"])})
            continue
        codes.append((at, project.code))
        if not report.found:  # once anything is wrong, only validation goes on: no models are kept
            _check_project(references, project, raw, at, ambitions)
            projects.append(share_field_sets(_with_measure_codes(project), field_sets))
    if report.found or header is None:
        raise InvalidInput(report.sorted())
    _unique(references, "project", codes)
    _check_top(header, data, ambitions, references)
    if references.found:
        raise InvalidInput(references.sorted())
    return header.model_copy(update={"projects": projects})


def _schema_version_ok(data: dict, report: Report) -> bool:
    """Report a missing or wrong schema_version; False when the file must not be read further."""
    if "schema_version" not in data:
        report.add(("schema_version",), NO_VALUE, "required")
        return True
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        report.add(("schema_version",), version, "must be a whole number")
    elif version > SCHEMA_VERSION:
        # A newer format may mean anything; checking it against ours would
        # only produce noise, so this is the one problem reported.
        report.add(("schema_version",), version, f"schema_version {version} is newer than this projtui supports ({SCHEMA_VERSION})")
        return False
    elif version < 1:
        report.add(("schema_version",), version, "must be 1 or more")
    return True


# Cross-references ---------------------------------------------------------


def _check_top(document: Document, data: dict, ambitions: set[str] | frozenset[str], report: Report) -> None:
    """The references among the top-level records: ambitions, KPIs and the KPI quarters."""
    _unique(report, "ambition", ((("ambitions", i), a.code) for i, a in enumerate(document.ambitions)))
    _unique(report, "KPI", ((("kpis", i), k.code) for i, k in enumerate(document.kpis)))
    for i, kpi in enumerate(document.kpis):
        at = ("kpis", i)
        _links(report, (*at, "ambitions"), kpi.ambitions, ambitions, "ambition")
        _quarters_distinct(report, kpi, data["kpis"][i], at)
        _one_benchmark_per_year_and_source(report, kpi, at)
    _one_per_quarter(report, document.kpi_quarters, data, ("kpi_quarters",), "KPI quarter")


def _check_project(report: Report, project: Project, raw: dict, at: Loc, ambitions: set[str] | frozenset[str]) -> None:
    """The references within one project, and to the ambitions."""
    for kind, items in (("output", project.outputs), ("outcome", project.outcomes), ("benefit", project.benefits)):
        _unique(report, kind, (((*at, f"{kind}s", j), item.code) for j, item in enumerate(items)))
    _unique(report, "measure", ((loc, m.code) for loc, m in _measures(project, at) if m.code is not None))
    _unique(report, "risk", (((*at, "risks", j), risk.code) for j, risk in enumerate(project.risks)))
    _links(report, (*at, "ambitions"), project.ambitions, ambitions, "ambition")
    outcome_codes = {outcome.code for outcome in project.outcomes}
    benefit_codes = {benefit.code for benefit in project.benefits}
    for j, output in enumerate(project.outputs):
        _links(report, (*at, "outputs", j, "outcomes"), output.outcomes, outcome_codes, "outcome")
    for j, outcome in enumerate(project.outcomes):
        _links(report, (*at, "outcomes", j, "benefits"), outcome.benefits, benefit_codes, "benefit")
    _one_per_quarter(report, project.reviews, raw, (*at, "reviews"), "review")
    for loc, measure in _measures(project, at):
        _quarters_distinct(report, measure, _raw(raw, loc[len(at) :]), loc)
        _one_benchmark_per_year_and_source(report, measure, loc)


def _unique(report: Report, kind: str, items: Iterable[tuple[Loc, str]]) -> None:
    first: dict[str, Loc] = {}
    for loc, code in items:
        if code not in first:
            first[code] = loc
            continue
        line = report.line((*first[code], "code"))
        where = f" (first on line {line})" if line is not None else ""
        report.add((*loc, "code"), code, f"duplicate {kind} code{where}")


def _links(report: Report, at: Loc, codes: list[str], known: set[str] | frozenset[str], kind: str) -> None:
    seen: set[str] = set()
    for k, code in enumerate(codes):
        if code not in known:
            report.add((*at, k), code, f"unknown {kind} code")
        elif code in seen:
            report.add((*at, k), code, f"{kind} listed twice")
        seen.add(code)


def _one_per_quarter(report: Report, records: list, raw: dict, at: Loc, what: str) -> None:
    """A project's reviews, or the KPI quarters: one a quarter (`at` ends with the list's key in `raw`)."""
    seen = set()
    for j, record in enumerate(records):
        if record.quarter in seen:
            written = raw[at[-1]][j]["quarter"]  # as the user wrote it, perhaps "FY24/25 Q1"
            report.add((*at, j, "quarter"), written, f"duplicate {what} for {record.quarter}")
        seen.add(record.quarter)


def _one_benchmark_per_year_and_source(report: Report, measure: Measure, at: Loc) -> None:
    # They are stored by measure, year and source: a second would replace the first.
    seen: set[tuple[object, str]] = set()
    for j, benchmark in enumerate(measure.benchmarks):
        key = (benchmark.period, benchmark.source)
        if key in seen:
            report.add((*at, "benchmarks", j, "source"), benchmark.source, f"duplicate benchmark for {benchmark.period} from this source")
        seen.add(key)


def _quarters_distinct(report: Report, measure: Measure, raw: dict, at: Loc) -> None:
    # "2024/25 Q1" and "FY24/25 Q1" are one quarter: as dict keys both
    # validate, and one value would silently replace the other.
    for name in ("targets", "actuals", "notes", "forecasts", "commentary"):  # commentary: a KPI's only
        keys = raw.get(name)
        if not isinstance(keys, dict) or len(keys) == len(getattr(measure, name, keys)):
            continue
        seen = set()
        for key in keys:
            quarter = _QUARTER.validate_python(key)
            if quarter in seen:
                report.add((*at, name, key), key, f"duplicate quarter {quarter}")
            seen.add(quarter)


def _measures(project: Project, at: Loc) -> Iterator[tuple[Loc, Measure]]:
    """Every measure of a project with its path, outcomes' first, as the model orders them."""
    for kind, items in (("outcomes", project.outcomes), ("benefits", project.benefits)):
        for j, item in enumerate(items):
            for k, measure in enumerate(item.measures):
                yield (*at, kind, j, "measures", k), measure


def _raw(data: object, loc: Loc) -> dict:
    for part in loc:
        data = data[part]  # type: ignore[index]
    return data  # type: ignore[return-value]


# Measure codes ------------------------------------------------------------


def _with_measure_codes(project: Project) -> Project:
    measures = [measure for _, measure in _measures(project, ())]
    if all(measure.code is not None for measure in measures):
        return project
    # Compared casefolded so that a new M1 never sits beside someone's m1.
    taken = {measure.code.casefold() for measure in measures if measure.code is not None}
    numbers = itertools.count(1)

    def named(measure: Measure) -> Measure:
        if measure.code is not None:
            return measure
        code = next(f"M{n}" for n in numbers if f"m{n}" not in taken)
        return measure.model_copy(update={"code": code})

    # Order matters: outcomes' measures are numbered before benefits', as _measures yields them.
    outcomes = [o.model_copy(update={"measures": [named(m) for m in o.measures]}) for o in project.outcomes]
    benefits = [b.model_copy(update={"measures": [named(m) for m in b.measures]}) for b in project.benefits]
    return project.model_copy(update={"outcomes": outcomes, "benefits": benefits})
