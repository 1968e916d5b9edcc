"""Writing the TOML snapshot: deterministic text, streamed, written atomically.

Determinism is a contract (the same data exports byte-identical TOML), so
everything that could vary is fixed here: records with codes are sorted by
code in natural order, reviews and quarter-keyed values by quarter, keys
follow model field order, and None or empty values are left out.

The layout is written by hand rather than by `tomli_w.dumps` on a dict,
because tomli_w picks its own layout (a list of short tables becomes an
inline array, a dict becomes a `[table]`) and writes datetimes with a space
and `+00:00`. tomli_w still formats every string, which is where the
escaping rules are.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

import tomli_w
from pydantic import BaseModel

from projtui.domain.codes import natural_key
from projtui.snapshot import document as doc

__all__ = ["dump_document", "iter_document_chunks", "natural_key"]


def _by_code(items: list) -> list:
    return sorted(items, key=lambda item: natural_key(item.code))


def _primary_then_by_code(codes: list[str]) -> list[str]:
    return codes[:1] + sorted(codes[1:], key=natural_key)


# Lists whose order is not the user's: sorted so that export is deterministic.
# Outputs, outcomes, benefits and measures keep the order they were given in
# (risks have none: the register orders them by score, which changes);
# links have no order, except that a project's first ambition is its primary.
_CANONICAL_ORDER: dict[tuple[type[BaseModel], str], Callable[[list], list]] = {
    (doc.Document, "ambitions"): _by_code,
    (doc.Document, "projects"): _by_code,
    (doc.Ambition, "priorities"): _by_code,
    (doc.Project, "ambitions"): _primary_then_by_code,
    (doc.Output, "outcomes"): lambda codes: sorted(codes, key=natural_key),
    (doc.Outcome, "benefits"): lambda codes: sorted(codes, key=natural_key),
    (doc.Project, "reviews"): lambda reviews: sorted(reviews, key=lambda review: review.quarter),
    (doc.Measure, "provisional"): sorted,
    (doc.Project, "risks"): _by_code,
    (doc.Measure, "benchmarks"): lambda benchmarks: sorted(benchmarks, key=lambda b: (b.period, b.source)),
    (doc.Document, "kpis"): _by_code,
    (doc.Kpi, "ambitions"): _primary_then_by_code,
    (doc.Kpi, "provisional"): sorted,
    (doc.Kpi, "benchmarks"): lambda benchmarks: sorted(benchmarks, key=lambda b: (b.period, b.source)),
    (doc.Document, "kpi_quarters"): lambda quarters: sorted(quarters, key=lambda q: q.quarter),
}

# Flags added to version 2 after files were written: left out while false, so those files export unchanged.
_WRITTEN_WHEN_TRUE = frozenset({(doc.Ambition, "retired")})

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_PLAIN_STRING = re.compile(r'[^"\\\x00-\x08\x0a-\x1f\x7f]*')  # nothing to escape


def dump_document(document: doc.Document) -> str:
    """The whole document as canonical TOML text."""
    projects = _by_code(document.projects)
    return "".join(iter_document_chunks(document, projects))


def iter_document_chunks(header: doc.Document, projects: Iterable[doc.Project]) -> Iterator[str]:
    """The document as text chunks: the header (everything but projects, KPIs included), then one chunk per project.

    `header.projects` is ignored; `projects` must already be in natural code
    order, as the database streams them, since sorting would mean holding
    them all. Out-of-order projects raise ValueError rather than quietly
    producing a file that differs from `dump_document`.
    """
    out: list[str] = []
    _table_body(header, "", out, skip="projects")
    yield "".join(out)
    previous: doc.Project | None = None
    for project in projects:
        if previous is not None and natural_key(project.code) < natural_key(previous.code):
            raise ValueError(f"projects must come in code order: {project.code} came after {previous.code}")
        previous = project
        out.clear()
        _section(project, "projects", out, array=True)
        yield "".join(out)


# The text is built by appending to one list per chunk, and each model
# class's keys are worked out once: an export writes over a million values,
# so per-value overhead is most of its cost.


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    assign: str  # the key and " = ", as written
    order: Callable[[list], list] | None  # canonical order of a list, if it has one
    when_true: bool = False  # a flag written only when it is true


# Keys written before the model's field order: a KPI says what it is and whose it is before its measure keys.
_FIRST_KEYS: dict[type[BaseModel], tuple[str, ...]] = {doc.Kpi: ("code", "name", "description", "service", "owner", "ambitions")}


@functools.cache
def _layout(kind: type[BaseModel]) -> tuple[_Field, ...]:
    first = _FIRST_KEYS.get(kind, ())
    names = [*first, *(name for name in kind.model_fields if name not in first)]
    return tuple(
        _Field(name, f"{_key(name)} = ", _CANONICAL_ORDER.get((kind, name)), (kind, name) in _WRITTEN_WHEN_TRUE) for name in names
    )


def _section(model: BaseModel, name: str, out: list[str], *, array: bool) -> None:
    """A `[name]` or `[[name]]` section and its sub-sections, each after a blank line."""
    out.append(f"\n[[{name}]]\n" if array else f"\n[{name}]\n")
    _table_body(model, name, out)


def _table_body(model: BaseModel, name: str, out: list[str], skip: str | None = None) -> None:
    """Key/value lines in field order, then sub-tables (TOML needs them after the keys)."""
    subsections: list[tuple[str, list[BaseModel], bool]] = []
    for field, value in _fields(model, skip):
        if isinstance(value, BaseModel):
            if _has_content(value):
                subsections.append((f"{name}.{field.name}" if name else field.name, [value], False))
        elif isinstance(value, list) and isinstance(value[0], BaseModel):
            subsections.append((f"{name}.{field.name}" if name else field.name, value, True))
        else:
            out.append(field.assign)
            out.append(_literal(value))
            out.append("\n")
    for path, tables, array in subsections:
        for table in tables:
            _section(table, path, out, array=array)


def _fields(model: BaseModel, skip: str | None = None) -> Iterator[tuple[_Field, object]]:
    """(field, value) in model field order, canonically ordered, without None or empty values."""
    values = model.__dict__  # pydantic keeps field values here; getattr is slower
    for field in _layout(type(model)):
        value = values[field.name]
        if value is None or field.name == skip or (isinstance(value, (list, dict)) and not value) or (value is False and field.when_true):
            continue
        yield field, (value if field.order is None else field.order(value))


def _has_content(model: BaseModel) -> bool:
    # An all-empty sub-table (no portfolio name or council) is left out; it reads back as the default.
    return any(True for _ in _fields(model))


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key, multiline=False)


def _literal(value: object, *, inline: bool = False) -> str:
    """One TOML value. `inline` values sit inside an inline table, which must stay on one line."""
    if type(value) is str:  # most values: checked first
        return _string(value, multiline=not inline)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # as tomli_w does; nan and inf are valid TOML too
    if isinstance(value, str):
        return _string(value, multiline=not inline)
    if isinstance(value, dt.datetime):
        return _datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item, inline=True) for item in value) + "]"
    if isinstance(value, dict):
        # Quarter-keyed maps: sorted by key, which for quarters is chronological.
        items = sorted(value.items())
        return "{ " + ", ".join(f"{_key(str(k))} = {_literal(v, inline=True)}" for k, v in items) + " }"
    # Quarters (and any other value type) write as their canonical text.
    return _string(str(value), multiline=False)


def _string(text: str, *, multiline: bool) -> str:
    if _PLAIN_STRING.fullmatch(text):
        return f'"{text}"'
    # Multi-line commentary reads far better as a """ block, but tomli_w
    # turns \r\n into \n there; text holding \r stays on one line, escaped,
    # so that it reads back exactly as it was.
    use_multiline = multiline and "\n" in text and "\r" not in text
    return tomli_w.dumps({"v": text}, multiline_strings=use_multiline)[len("v = ") : -1]


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:  # a local date-time stays local
        return value.replace(microsecond=0).isoformat()
    utc = value.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
    return utc.isoformat() + "Z"
