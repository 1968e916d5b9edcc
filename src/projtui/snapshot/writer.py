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

from projtui.domain.annotations import types_in
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
    previous: tuple | None = None
    for project in projects:
        key = natural_key(project.code)
        if previous is not None and key < previous:
            raise ValueError(f"projects must come in code order: {project.code} came after {previous[1]}")
        previous = key
        out.clear()
        _section(project, "projects", out)
        yield "".join(out)


# The text is built by appending to one list per chunk, each model class's
# keys are worked out once, and each value is formatted by a function looked
# up by its exact type: an export writes over a million values, so
# per-value overhead is most of its cost.


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    assign: str  # the key and " = ", as written
    order: Callable[[list], list] | None  # canonical order of a list, if it has one
    when_true: bool = False  # a flag written only when it is true
    table: bool = False  # a sub-model or a list of them: a [section] or [[sections]], not a value


# Keys written before the model's field order: a KPI says what it is and whose it is before its measure keys.
_FIRST_KEYS: dict[type[BaseModel], tuple[str, ...]] = {doc.Kpi: ("code", "name", "description", "service", "owner", "ambitions")}


@functools.cache
def _layout(kind: type[BaseModel]) -> tuple[_Field, ...]:
    first = _FIRST_KEYS.get(kind, ())
    names = [*first, *(name for name in kind.model_fields if name not in first)]
    return tuple(
        _Field(
            name, f"{_key(name)} = ", _CANONICAL_ORDER.get((kind, name)), (kind, name) in _WRITTEN_WHEN_TRUE,
            _holds_tables(kind.model_fields[name].annotation),
        )
        for name in names
    )


def _holds_tables(annotation: object) -> bool:
    """Whether a field of this type is written as sub-tables: a model, or a list of models (None allowed)."""
    return any(issubclass(kind, BaseModel) for kind in types_in(annotation))


def _section(model: BaseModel, name: str, out: list[str]) -> None:
    """A `[[name]]` section and its sub-sections, each after a blank line."""
    out.append(f"\n[[{name}]]\n")
    _table_body(model, name, out)


def _table_body(model: BaseModel, name: str, out: list[str], skip: str | None = None) -> None:
    """Key/value lines in field order, canonically ordered, then sub-tables (TOML needs them after the keys).

    None, empty lists and maps, and flags written only when true are left
    out, as is a sub-table with nothing in it (no portfolio name or council:
    it reads back as the default).
    """
    subsections: list[tuple[str, list[BaseModel], bool]] = []
    append = out.append
    values = model.__dict__  # pydantic keeps field values here; getattr is slower
    for field in _layout(type(model)):
        value = values[field.name]
        if value is None or field.name == skip:
            continue
        kind = type(value)
        if kind is str:  # most values: no further questions
            append(field.assign)
            append(_string(value, multiline=True))
            append("\n")
            continue
        if kind is list or kind is dict:
            if not value:
                continue
            if field.order is not None and len(value) > 1:
                value = field.order(value)
        elif value is False and field.when_true:
            continue
        if field.table:
            path = f"{name}.{field.name}" if name else field.name
            subsections.append((path, value, True) if kind is list else (path, [value], False))
        else:
            append(field.assign)
            append((_FORMATS.get(kind) or _formatter(kind))(value, False))
            append("\n")
    for path, tables, array in subsections:
        for table in tables:
            if array:
                _section(table, path, out)
            else:
                body: list[str] = []
                _table_body(table, path, body)
                if body:
                    append(f"\n[{path}]\n")
                    out.extend(body)


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key, multiline=False)


def _literal(value: object, *, inline: bool = False) -> str:
    """One TOML value. `inline` values sit inside an inline table, which must stay on one line."""
    return (_FORMATS.get(type(value)) or _formatter(type(value)))(value, inline)


def _text(value: str, inline: bool) -> str:
    return _string(value, multiline=not inline)


def _number(value: float, inline: bool) -> str:
    return str(value)  # as tomli_w does; nan and inf are valid TOML too


def _array(value: list, inline: bool) -> str:
    return "[" + ", ".join([_literal(item, inline=True) for item in value]) + "]"


def _inline_table(value: dict, inline: bool) -> str:
    # Quarter-keyed maps: sorted by key, which for quarters is chronological.
    return "{ " + ", ".join([f"{_map_key(k)} = {_literal(v, inline=True)}" for k, v in sorted(value.items())]) + " }"


@functools.lru_cache(maxsize=4096)
def _map_key(key: object) -> str:
    # A map's keys are a few dozen quarters, over and over.
    return _key(str(key))


@functools.lru_cache(maxsize=4096)
def _as_text(value: object) -> str:
    # Quarters and years (and any other value type), each written many times over: their canonical text, formatted once.
    return _string(str(value), multiline=False)


# Formatters by exact type, for (value, inline); `_formatter` adds each other type the first time it is seen.
_FORMATS: dict[type, Callable[[object, bool], str]] = {
    str: _text,
    bool: lambda value, inline: "true" if value else "false",
    int: _number,
    float: _number,
    dt.datetime: lambda value, inline: _datetime(value),
    dt.date: lambda value, inline: value.isoformat(),
    list: _array,
    dict: _inline_table,
}


def _formatter(kind: type) -> Callable[[object, bool], str]:
    """The formatter for a type that is not in `_FORMATS` by itself: a subclass, an enum, a quarter or any other value."""
    if issubclass(kind, Enum):
        formatter = _enum_formatter(kind)
    else:
        # The first base in the dispatch table (bool before int, datetime before date), else the value's canonical text.
        formatter = next((_FORMATS[base] for base in kind.__mro__ if base in _FORMATS), lambda value, inline: _as_text(value))
    _FORMATS[kind] = formatter
    return formatter


def _enum_formatter(kind: type[Enum]) -> Callable[[object, bool], str]:
    # A member writes as its value would, formatted once: a few members, written hundreds of thousands of times.
    @functools.cache
    def formatter(value: Enum, inline: bool) -> str:
        return _literal(value.value, inline=inline)

    return formatter


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
