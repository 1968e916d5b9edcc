"""A small form framework: field widgets bound to a pydantic model.

A form is a list of `FieldSpec`s over one of the `domain.records` models.
Each field turns its widget's text into a value (money typed as pounds
becomes integer pence, an ISO date a `date`, "2024/25 Q1" a quarter); the
whole set is then validated by the model itself, so the form refuses exactly
what the services refuse. Errors show under the field they belong to, as
the user types; a field's error appears once it has been changed (or a save
was tried), so a fresh form is not a wall of red.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from projtui.domain.errors import Problem
from projtui.domain.formatting import first_up, format_number, format_pounds
from projtui.domain.parsing import parse_date, parse_number, parse_pence
from projtui.domain.quarter import Quarter
from projtui.ui.widgets.tick_box import TickBox

FieldKind = Literal["text", "long", "choice", "money", "date", "number", "percent", "quarter", "flag", "whole", "codes"]


# --- values as text and back ---------------------------------------------------------


def editable_pence(pence: int | None) -> str:
    """Integer pence as pounds to edit in a box: 123456789 → "1,234,567.89"; whole pounds lose ".00".

    What ``parse_pence`` reads back; to show money, use ``domain.formatting.format_pounds``.
    """
    return format_pounds(pence).replace("£", "")


def editable_number(value: float | None) -> str:
    """A figure to edit in a box, exactly as stored (``repr``, no separators, no rounding): what ``parse_number`` reads back.

    To show a figure, use ``domain.formatting.format_number``.
    """
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def parse_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError:
        raise ValueError("enter a financial quarter, e.g. 2024/25 Q1") from None


def humanise(value: object) -> str:
    """An enum member or code word as words: "on_hold" → "On hold", "cash-releasing" → "Cash-releasing"."""
    text = value.value if isinstance(value, Enum) else str(value)
    return first_up(text.replace("_", " "))


# --- field specifications ------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: the model field it edits, its label and how its text converts."""

    name: str
    label: str
    kind: FieldKind = "text"
    choices: tuple[tuple[str, Any], ...] = ()  # (label, value) for kind "choice"
    placeholder: str = ""
    hint: str = ""  # a line of help under the field
    empty: Any = None  # the value an empty box means (None, or "" for a required text)

    @property
    def widget_id(self) -> str:
        return f"field-{self.name}"

    def to_text(self, value: Any) -> str:
        """The model value as the user edits it."""
        if value is None:
            return ""
        if self.kind == "money":
            return editable_pence(value)
        if self.kind in ("number", "percent"):
            return editable_number(value)
        if self.kind == "date":
            return value.isoformat()
        if isinstance(value, Enum):
            return value.value
        if self.kind == "codes":
            return ", ".join(value)
        return str(value)

    def display(self, value: Any) -> str:
        """The model value as a person reads it (conflict dialogs, summaries)."""
        if value is None or value == "":
            return "—"
        if self.kind == "money":
            return format_pounds(value)
        if self.kind == "number":
            return format_number(value)
        if self.kind == "choice":
            for label, choice in self.choices:
                if choice == value:
                    return label
        if self.kind == "flag":
            return "Yes" if value else "No"
        if self.kind == "percent":
            return f"{format_number(value)} %"
        return self.to_text(value)

    def parse(self, raw: Any) -> Any:
        """The widget's value as a model value; ValueError with a message for the user."""
        if self.kind in ("choice", "flag"):
            return raw
        text = raw if isinstance(raw, str) else str(raw)
        if not text.strip():
            return [] if self.kind == "codes" else self.empty
        if self.kind == "money":
            return parse_pence(text)
        if self.kind == "number":
            return parse_number(text)
        if self.kind == "percent":
            value = parse_number(text.replace("%", ""))
            if not 0 <= value <= 100:
                raise ValueError("enter a percentage from 0 to 100")
            return value
        if self.kind == "date":
            return parse_date(text)
        if self.kind == "whole":  # a count or a rank: 12, not 12.5
            value = parse_number(text)
            if not value.is_integer():
                raise ValueError("enter a whole number")
            return int(value)
        if self.kind == "quarter":
            return parse_quarter(text)
        if self.kind == "codes":  # "A1, A3": a list of codes, in the order typed
            return [code.strip() for code in text.split(",") if code.strip()]
        return text


def choices_of(enum: type[Enum], labels: Mapping[Any, str] | None = None) -> tuple[tuple[str, Any], ...]:
    return tuple(((labels or {}).get(member, humanise(member)), member) for member in enum)


# --- messages ---------------------------------------------------------------------------


def friendly(error: Mapping[str, Any]) -> str:
    """A pydantic error as a short message for the field it sits under."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "required"
    if kind == "string_too_long":
        return f"at most {context.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return "letters, digits and . _ / - only, starting with a letter or digit"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = context.get("ge", context.get("le"))
        return f"must be {'at least' if kind == 'greater_than_equal' else 'at most'} {bound}"
    message = str(error.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


class _Slot(Vertical):
    """A field's label, widget, hint and error line."""


class ModelForm(VerticalScroll):
    """Fields for one pydantic model, validated as the user types.

    `values` holds the model's values the form started from (fields the form
    does not show pass through unchanged). `checks` adds rules the model
    does not hold (e.g. an approved plan names its approver); it returns
    `Problem`s whose `field` names a form field.
    """

    class Submitted(Message):
        """Enter in a one-line field: the user wants to save."""

    class Validated(Message):
        def __init__(self, valid: bool, dirty: bool) -> None:
            super().__init__()
            self.valid = valid
            self.dirty = dirty

    def __init__(
        self,
        model: type[BaseModel],
        fields: Sequence[FieldSpec],
        values: Mapping[str, Any] | None = None,
        *,
        checks: Callable[[BaseModel], Iterable[Problem]] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.model = model
        self.specs = {spec.name: spec for spec in fields}
        self.base = dict(values or {})
        self.checks = checks
        self.initial = {spec.name: self._initial_raw(spec) for spec in fields}
        self.show_all = False
        self.errors: dict[str, str] = {}
        self.general: list[str] = []
        self._server_errors: dict[str, str] = {}
        self._server_raw: dict[str, Any] = {}
        self._linked: set[str] = set()

    # -- composition ------------------------------------------------------------

    def _initial_raw(self, spec: FieldSpec) -> Any:
        return self.raw_of(spec, self.base.get(spec.name))

    def raw_of(self, spec: FieldSpec, value: Any) -> Any:
        """A model value as the field's widget holds it."""
        if spec.kind == "choice":
            return value if value is not None else self._default_choice(spec)
        if spec.kind == "flag":
            return bool(value)
        return spec.to_text(value)

    def _default_choice(self, spec: FieldSpec) -> Any:
        """A new record's choice: the model's own default (a measure is quarterly), else the first offered."""
        field = self.model.model_fields.get(spec.name)
        default = field.get_default(call_default_factory=True) if field is not None else None
        return default if default is not None else (spec.choices[0][1] if spec.choices else None)

    def compose(self) -> ComposeResult:
        for spec in self.specs.values():
            with _Slot(classes=f"form-field -{spec.kind}", id=f"slot-{spec.name}"):
                if spec.kind != "flag":
                    yield Label(spec.label, classes="field-label")
                yield self._widget(spec)
                if spec.hint:
                    yield Static(Text(spec.hint), classes="field-hint")
                yield Static("", classes="field-error", id=f"error-{spec.name}")

    def _widget(self, spec: FieldSpec) -> Widget:
        raw = self.initial[spec.name]
        if spec.kind == "choice":
            return Select(
                [(Text(label), value) for label, value in spec.choices], value=raw, allow_blank=False, id=spec.widget_id
            )
        if spec.kind == "flag":
            return TickBox(spec.label, value=raw, id=spec.widget_id)
        if spec.kind == "long":
            area = TextArea(raw, id=spec.widget_id, soft_wrap=True, tab_behavior="focus", classes="field-long")
            return area
        # validate_on=[]: the form, which knows the rules across fields, owns the -invalid class.
        return Input(raw, placeholder=spec.placeholder, id=spec.widget_id, select_on_focus=False, validate_on=[])

    # -- reading the widgets ------------------------------------------------------

    def raw(self, name: str) -> Any:
        spec = self.specs[name]
        widget = self.query_one(f"#{spec.widget_id}")
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value

    def raw_values(self) -> dict[str, Any]:
        return {name: self.raw(name) for name in self.specs}

    @property
    def dirty(self) -> bool:
        return any(self.raw(name) != self.initial[name] for name in self.specs)

    def changed_labels(self) -> list[str]:
        return [spec.label for name, spec in self.specs.items() if self.raw(name) != self.initial[name]]

    def _touched(self, name: str) -> bool:
        return self.show_all or self.raw(name) != self.initial[name]

    # -- validation -------------------------------------------------------------

    def validate(self, *, show_all: bool = False) -> BaseModel | None:
        """Validate everything, show the errors, and return the model when valid."""
        if show_all:
            self.show_all = True
        values = dict(self.base)
        errors: dict[str, str] = {}
        self._linked = set()  # errors that come from several fields together: shown even on untouched fields
        for name, spec in self.specs.items():
            try:
                values[name] = spec.parse(self.raw(name))
            except ValueError as exc:
                errors[name] = str(exc)
        values = {name: value for name, value in values.items() if name in self.model.model_fields}
        general: list[str] = []
        model: BaseModel | None = None
        try:
            model = self.model.model_validate(values)
        except ValidationError as exc:
            found = exc.errors()
            if not any(not error["loc"] for error in found):
                # Rules across fields run only once every field is valid: try again with the
                # broken fields as they started, so "ends before it starts" shows at once too.
                broken = set(errors) | {str(error["loc"][0]) for error in found if error["loc"]}
                retry = {name: (self.base.get(name) if name in broken else value) for name, value in values.items()}
                try:
                    self.model.model_validate(retry)
                except ValidationError as again:
                    found += [error for error in again.errors() if not error["loc"]]
            for error in found:
                name = str(error["loc"][0]) if error["loc"] else self._field_named_in(str(error.get("msg", "")))
                message = self._with_labels(friendly(error))
                if name in self.specs:
                    if not error["loc"] and name not in errors:
                        self._linked.add(name)
                    errors.setdefault(name, message)
                else:
                    general.append(message)
        if model is not None and self.checks is not None:
            for problem in self.checks(model):
                if problem.field in self.specs:
                    if problem.field not in errors:
                        self._linked.add(problem.field)
                    errors.setdefault(problem.field, problem.message)
                else:
                    general.append(problem.message)
        for name, message in self._server_errors.items():
            if self.raw(name) == self._server_raw.get(name):
                errors.setdefault(name, message)
        self.errors, self.general = errors, general
        self._show_errors()
        self.post_message(self.Validated(not errors and not general, self.dirty))
        return None if errors or general else model

    def _field_named_in(self, message: str) -> str:
        """The form field a model-level message is about: the first field name it mentions."""
        best: tuple[int, int, str] | None = None
        for name in self.specs:
            match = re.search(rf"\b{re.escape(name)}\b", message)
            if match and (best is None or (match.start(), -len(name)) < best[:2]):
                best = (match.start(), -len(name), name)
        return best[2] if best else ""

    def _with_labels(self, message: str) -> str:
        names = sorted(self.specs, key=len, reverse=True)
        if not names:
            return message
        pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in names) + r")\b")
        return pattern.sub(lambda match: self.specs[match.group(1)].label.lower(), message)

    def show_problems(self, problems: Iterable[Problem]) -> list[str]:
        """Show errors the service found (e.g. a code already taken); returns those that fit no field."""
        self._server_errors = {}
        self._server_raw = {}
        leftover = []
        for problem in problems:
            name = problem.field.split(".")[0]
            if name in self.specs:
                self._server_errors.setdefault(name, problem.message)
                self._server_raw[name] = self.raw(name)
            else:
                leftover.append(problem.message)
        self.show_all = True
        self.validate()
        return leftover

    def _show_errors(self) -> None:
        for name, spec in self.specs.items():
            message = self.errors.get(name)
            shown = message if message and (self._touched(name) or name in self._server_errors or name in self._linked) else None
            error = self.query_one(f"#error-{name}", Static)
            error.update(Text(f"✗ {shown}") if shown else "")
            error.set_class(bool(shown), "-shown")
            self.query_one(f"#{spec.widget_id}").set_class(bool(shown), "-invalid")
            self.query_one(f"#slot-{name}").set_class(bool(shown), "-invalid")

    def first_invalid(self) -> Widget | None:
        for name, spec in self.specs.items():
            if name in self.errors:
                return self.query_one(f"#{spec.widget_id}")
        return None

    # -- events -------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        if self.is_mounted:
            self.validate()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    def on_mount(self) -> None:
        self.validate()

    def set_raw(self, name: str, value: Any) -> None:
        """Set a field's widget value (tests and "keep theirs" use it)."""
        widget = self.query_one(f"#{self.specs[name].widget_id}")
        if isinstance(widget, TextArea):
            widget.load_text(value)
        else:
            widget.value = value

    def rebase(self, values: Mapping[str, Any]) -> None:
        """Make `values` the form's starting point (after the user saw them in a conflict) without touching the widgets."""
        self.base = dict(values)
        self.initial = {spec.name: self._initial_raw(spec) for spec in self.specs.values()}
