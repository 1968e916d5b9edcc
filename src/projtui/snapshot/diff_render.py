"""The snapshot diff as people and scripts read it: `render_text` and `render_json`.

`snapshot.diff` computes the list of `Change`s; this only words it. Values
are shown exactly as the documents hold them, never rounded as the report
shows figures, since a diff must never show two different values as the
same text; but as the app writes figures, with thousands separators and no
trailing ``.0`` (``80,123.5``, ``13``, ``£1,250.00``). The JSON is the
values themselves.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict

from projtui.domain.annotations import types_in
from projtui.domain.formatting import format_number, format_pounds
from projtui.domain.quarter import Quarter
from projtui.snapshot import document as doc
from projtui.snapshot.diff import (
    ITEMS,
    KINDS,
    KPI_ENTITIES,
    Change,
    placed_measures,
    summarise,
    totals,
)

__all__ = ["changes_phrase", "count_line", "render_json", "render_text"]


def render_json(changes: list[Change]) -> str:
    """{"changes": [...], "summary": {entity: counts}, "totals": counts}, keys sorted, indented."""
    payload = {
        "changes": [asdict(change) for change in changes],
        "summary": summarise(changes),
        "totals": totals(changes),
    }
    return json.dumps(payload, sort_keys=True, indent=2)


def render_text(changes: list[Change], old: doc.Document, new: doc.Document) -> str:
    """The changes for a person: one line each, grouped by ambition and project; "" for none."""
    if not changes:
        return ""
    names = _Names(old, new)
    lines: list[str] = []

    def section(title: str, selected: list[Change], line: Callable[[Change], str]) -> None:
        if selected:
            lines.append(title)
            lines.extend(f"  {_SIGNS[c.kind]} {line(c)}" for c in selected)

    def whole_project(change: Change) -> str:
        return f"{change.key} {_clean(_whole(change))}"

    section("Portfolio", [c for c in changes if c.entity == "portfolio"], _portfolio_line)
    section("Ambitions", [c for c in changes if c.entity in ("ambition", "priority")], _ambition_line)
    section("KPIs", [c for c in changes if c.entity in KPI_ENTITIES], lambda c: _kpi_line(c, names))
    section("KPI quarters", [c for c in changes if c.entity == "kpi_quarter"], _kpi_quarter_line)
    whole = [c for c in changes if c.entity == "project" and c.kind != "changed"]
    section("Projects added", [c for c in whole if c.kind == "added"], whole_project)
    section("Projects removed", [c for c in whole if c.kind == "removed"], whole_project)
    whole_codes = {c.project for c in whole}
    by_project: dict[str, list[Change]] = {}
    for change in changes:
        if change.project is not None and change.project not in whole_codes:
            by_project.setdefault(change.project, []).append(change)
    for code, selected in by_project.items():
        section(f"{code} {_clean(names.project(code))}", selected, lambda c: _project_line(c, names))
    lines.append(count_line(totals(changes)))
    return "\n".join(lines) + "\n"


def count_line(counted: dict[str, int]) -> str:
    """Counts per kind in words: "1 added, 12 changed, 4 removed"."""
    return ", ".join(f"{counted.get(kind, 0)} {kind}" for kind in KINDS)


def changes_phrase(changes: Iterable[Change]) -> str:
    """What an import did or would do, as every front end says it: "2 added, 1 changed, 0 removed", or "no changes"."""
    counted = totals(changes)
    return count_line(counted) if any(counted.values()) else "no changes"


_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
_ARROW = "→"
_TEXT_LIMIT = 60

# Field names as a person says them; the rest just lose their underscores.
_FIELD_LABELS = {
    "rag": "RAG",
    "time_rag": "time RAG",
    "cost_rag": "cost RAG",
    "scope_rag": "scope RAG",
    "benefits_rag": "benefits RAG",
    "budget_pence": "budget",
    "spend_to_date_pence": "spend to date",
    "forecast_pence": "forecast outturn",
    "full_year_value_pence": "full-year value",
    "target_max": "target (upper bound)",
    "tolerance": "tolerance %",
    "primary_ambition": "primary ambition",
    "parent": "moved",
}


def _is_plain(annotation: object) -> bool:
    """Enums, quarters, dates: values shown bare, not quoted like free text."""
    return any(issubclass(kind, enum.Enum | Quarter | dt.date) for kind in types_in(annotation))


_PLAIN_FIELDS = frozenset(
    name
    for model in (doc.ProjectFields, doc.PlanFields, doc.OutputFields, doc.OutcomeFields, doc.BenefitFields,
                  doc.MeasureFields, doc.ReviewFields, doc.AmbitionFields, doc.PriorityFields, doc.PortfolioFields,
                  doc.RiskFields, doc.KpiQuarter)
    for name, info in model.model_fields.items()
    if _is_plain(info.annotation)
) | {"code", "primary_ambition", "parent"}


def _clean(text: object) -> str:
    """User text on one terminal line: control and other invisible characters escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))


def _quote(text: str) -> str:
    if len(text) > _TEXT_LIMIT:
        text = text[: _TEXT_LIMIT - 1] + "…"
    return '"' + _clean(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _show(field: str | None, value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and field is not None and field.endswith("_pence"):
        return format_pounds(value, exact=True)
    if isinstance(value, int | float):
        return format_number(value, exact=True)
    if isinstance(value, str):
        return _clean(value) if field in _PLAIN_FIELDS else _quote(value)
    return _clean(json.dumps(value, ensure_ascii=False))


def _field_change(field: str, change: Change) -> str:
    label = _FIELD_LABELS.get(field, field.replace("_", " "))
    return f"{label}: {_show(field, change.old)} {_ARROW} {_show(field, change.new)}"


def _portfolio_line(change: Change) -> str:
    field = change.field or ""
    if change.kind == "changed":
        return _field_change(field, change)
    label = _FIELD_LABELS.get(field, field.replace("_", " "))
    return f"{label}: {_show(field, change.new if change.kind == 'added' else change.old)}"


def _ambition_line(change: Change) -> str:
    what = change.key if change.entity == "ambition" else f"priority {change.key}"
    if change.kind == "changed":
        return f"{what} {_field_change(change.field or '', change)}"
    return f"{what} {_quote(str(_whole(change)))}"


def _kpi_line(change: Change, names: _Names) -> str:
    """A KPI as a whole, a field of it, a link to an ambition, or one quarter's figure or commentary."""
    if change.entity == "kpi_ambition_link":
        code, _, ambition = change.key.partition("/")
        return f"KPI {code} " + ("linked to" if change.kind == "added" else "unlinked from") + f" ambition {ambition}"
    if change.entity == "kpi_benchmark":
        code, _, rest = change.key.partition("@")
        year, _, source = rest.partition(" ")
        what = f"KPI {code} {_quote(names.kpi(code))} benchmark {year} {_quote(source)}"
        return what if change.kind != "changed" else f"{what} {_field_change(change.field or '', change)}"
    if change.entity != "kpi":
        code, _, quarter = change.key.rpartition("@")
        what = f"KPI {code} {_quote(names.kpi(code))} {change.entity.removeprefix('kpi_')} {quarter}"
        if change.kind == "changed" and change.field != "value":
            return f"{what} {_field_change(change.field or '', change)}"
        return f"{what}: {_values(change)}"
    if change.kind != "changed":
        return f"KPI {change.key} {_quote(str(_whole(change)))}"
    if change.field == "name":
        return f"KPI {change.key} {_field_change('name', change)}"
    return f"KPI {change.key} {_quote(names.kpi(change.key))} {_field_change(change.field or '', change)}"


def _kpi_quarter_line(change: Change) -> str:
    """Whether a quarter's KPIs are published: "2025/26 Q1 published", or one field of it."""
    if change.kind == "changed":
        return f"{change.key} KPIs {_field_change(change.field or '', change)}"
    return f"{change.key} KPIs {_show('status', _whole(change))}"


def _project_line(change: Change, names: _Names) -> str:
    local = change.key[len(change.project or "") + 1:]  # the key after "SP-01/" or "SP-01@"
    return _PROJECT_LINES.get(change.entity, _item_line)(change, local, names)


def _project_field_line(change: Change, local: str, names: _Names) -> str:
    if change.field == "name":
        return f"renamed: {_show('name', change.old)} {_ARROW} {_show('name', change.new)}"
    return _field_change(change.field or "", change)


def _ambition_link_line(change: Change, local: str, names: _Names) -> str:
    return f"linked to ambition {local}" if change.kind == "added" else f"unlinked from ambition {local}"


def _plan_line(change: Change, local: str, names: _Names) -> str:
    return f"benefits review plan {_field_change(change.field or '', change)}"


def _item_link_line(change: Change, local: str, names: _Names) -> str:
    source, _, target = local.partition(">")
    source_kind, target_kind = ("output", "outcome") if change.entity == "output_link" else ("outcome", "benefit")
    verb = "now leads to" if change.kind == "added" else "no longer leads to"
    return f"{source_kind} {source} {verb} {target_kind} {target}"


def _quarterly_line(change: Change, local: str, names: _Names) -> str:
    measure, _, quarter = local.rpartition("@")
    name = names.item(change.project or "", "measure", measure)
    what = f"measure {measure} {_quote(name)} {change.entity} {quarter}"
    if change.kind == "changed" and change.field != "value":
        return f"{what} {_field_change(change.field or '', change)}"
    return f"{what}: {_values(change)}"


def _benchmark_line(change: Change, local: str, names: _Names) -> str:
    # Codes never hold "@" (records.Code), so the first one ends the measure; the year and source follow it.
    measure, _, rest = local.partition("@")
    year, _, source = rest.partition(" ")
    name = names.item(change.project or "", "measure", measure)
    what = f"measure {measure} {_quote(name)} benchmark {year} {_quote(source)}"
    return what if change.kind != "changed" else f"{what} {_field_change(change.field or '', change)}"


def _review_line(change: Change, local: str, names: _Names) -> str:
    if change.kind == "changed":
        return f"review {local} {_field_change(change.field or '', change)}"
    return f"review {local} (RAG {_show('rag', _whole(change))})"


def _item_line(change: Change, local: str, names: _Names) -> str:
    """Outputs, outcomes, benefits, measures and risks: code, title, then what happened."""
    what = f"{change.entity} {local}"
    if change.kind != "changed":
        return f"{what} {_quote(str(_whole(change)))}"
    if change.field in ("title", "name"):
        return f"{what} {_field_change(change.field, change)}"
    title = names.item(change.project or "", change.entity, local)
    return f"{what} {_quote(title)} {_field_change(change.field or '', change)}"


_PROJECT_LINES: dict[str, Callable[[Change, str, _Names], str]] = {
    "project": _project_field_line,
    "ambition_link": _ambition_link_line,
    "plan": _plan_line,
    "output_link": _item_link_line,
    "outcome_link": _item_link_line,
    "target": _quarterly_line,
    "actual": _quarterly_line,
    "forecast": _quarterly_line,
    "benchmark": _benchmark_line,
    "review": _review_line,
}


def _values(change: Change) -> str:
    if change.kind == "changed":
        return f"{_show('value', change.old)} {_ARROW} {_show('value', change.new)}"
    return _show("value", _whole(change))


def _whole(change: Change) -> object:
    """What an added or removed record showed of itself: its title, value or RAG."""
    return change.new if change.kind == "added" else change.old


class _Names:
    """Titles to show beside codes, from the new document where a record is in both."""

    def __init__(self, old: doc.Document, new: doc.Document):
        self._projects: dict[str, str] = {}
        self._items: dict[tuple[str, str, str], str] = {}
        self._kpis: dict[str, str] = {}
        for document in (old, new):
            self._kpis.update((kpi.code, kpi.name) for kpi in document.kpis)
            for project in document.projects:
                self._projects[project.code] = project.name
                for entity, attribute, _ in ITEMS:
                    for item in getattr(project, attribute):
                        self._items[project.code, entity, item.code] = item.title
                for _, measure in placed_measures(project):
                    self._items[project.code, "measure", measure.code or measure.name] = measure.name
                for risk in project.risks:
                    self._items[project.code, "risk", risk.code] = risk.title

    def project(self, code: str) -> str:
        return self._projects.get(code, "")

    def kpi(self, code: str) -> str:
        return self._kpis.get(code, "")

    def item(self, project: str, entity: str, code: str) -> str:
        return self._items.get((project, entity, code), "")
