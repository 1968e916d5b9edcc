"""Form dialogs: the project's overview fields, the plan's fields, outputs, outcomes, benefits and measures.

`FormScreen` hosts a `ModelForm` and owns the save round trip: Enter or
ctrl+s validates and saves in a thread worker; the service's refusals come
back onto the fields; a stale edit (someone else saved first) opens the
conflict dialog; Esc asks before throwing away unsaved changes. It is
dismissed with whatever the save function returned, or None if cancelled.

A form given `reason_for` asks for a reason (`ReasonScreen`) before saving a
change that needs one, and passes it to the save function as a third
argument (None when the change needs none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static
from textual.worker import Worker

from projtui.domain.enums import (
    Aggregation,
    BenefitCategory,
    BenefitQuantification,
    BenefitRecipient,
    BenefitStatus,
    Direction,
    Frequency,
    PlanStatus,
    Stage,
)
from projtui.domain.errors import ConflictError, InvalidInput, Problem, ProjtuiError
from projtui.domain.formatting import plural
from projtui.domain.records import (
    AmbitionFields,
    BenefitFields,
    CouncilPlanFields,
    MeasureFields,
    OutcomeFields,
    OutputFields,
    PlanFields,
    PriorityFields,
    ProjectFields,
)
from projtui.domain.waiting import WAITING, told_when_waiting
from projtui.services.plans import rated_against_changes
from projtui.ui.screens.dialog import Dialog
from projtui.ui.widgets.form import FieldSpec, ModelForm, choices_of
from projtui.ui.worker_failures import failure_text

SaveFunction = Callable[..., Any]  # (fields, version), or (fields, version, reason) on a form with `reason_for`
ReasonRule = Callable[[BaseModel, Mapping[str, Any]], Text | None]  # (fields, values the form started from) → why a reason is needed


SAVE_GROUP = "form-save"


class FormScreen(Dialog[Any]):
    """A modal form over one record; dismissed with the saved result, or None."""

    CSS_PATH = "forms.tcss"
    HELP_TITLE = "Form"
    HELP_NOTES = (
        "Tab and shift+Tab move between fields; errors show under the field as you type.",
        "Money is typed in pounds (1,250,000 or 99.95), dates as YYYY-MM-DD, quarters as 2024/25 Q1.",
        "Enter in a one-line field or ctrl+s saves; in a multi-line field Enter starts a new line.",
    )

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self,
        *,
        title: str | Text,
        model: type[BaseModel],
        fields: Sequence[FieldSpec],
        values: Mapping[str, Any] | BaseModel | None,
        version: int | None,
        save: SaveFunction,
        checks: Callable[[BaseModel], Iterable[Problem]] | None = None,
        note: str | Text | None = None,
        record: str | Text | None = None,
        reason_for: ReasonRule | None = None,
        id: str | None = None,
    ) -> None:
        """`record` names the record for the conflict dialog (default: the title)."""
        super().__init__(id=id)
        self.form_title = title if isinstance(title, Text) else Text(title)
        self.record = self.form_title if record is None else (record if isinstance(record, Text) else Text(record))
        self.model = model
        self.fields = list(fields)
        self.values = values.model_dump() if isinstance(values, BaseModel) else dict(values or {})
        self.version = version
        self.save_function = save
        self.checks = checks
        self.note = note if isinstance(note, Text) or note is None else Text(note)
        self.reason_for = reason_for
        self.reason: str | None = None  # given once, it covers every later save attempt of this form
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog"):
            yield Static(self.form_title, id="form-title")
            if self.note is not None:
                yield Static(self.note, id="form-note")
            yield ModelForm(self.model, self.fields, self.values, checks=self.checks, id="form")
            yield Static("", id="form-message")
            with Horizontal(id="form-buttons"):
                yield Button("Save", id="form-save", variant="primary", compact=True, action="screen.save")
                yield Button("Cancel", id="form-cancel", compact=True, action="screen.cancel")
        yield Footer()

    @property
    def form(self) -> ModelForm:
        return self.query_one(ModelForm)

    def on_mount(self) -> None:
        first = self.form.query(f"#{self.fields[0].widget_id}").first()
        first.focus()

    def on_resize(self, event) -> None:
        # On a short terminal the fields lose their borders, so a form shows twice as many at once.
        short = event.size.height < 32
        self.set_class(short, "-short")
        for widget in self.form.query("Input, Select, TextArea"):
            widget.compact = short

    # -- messages to the user --------------------------------------------------------

    def _message(self, text: str | Text | None, *, error: bool = True) -> None:
        message = self.query_one("#form-message", Static)
        message.update(Text(text) if isinstance(text, str) else (text or ""))
        message.set_class(bool(text) and error, "-error")
        message.set_class(bool(text) and not error, "-info")

    @on(ModelForm.Validated)
    def _validated(self, event: ModelForm.Validated) -> None:
        if event.valid and self.query_one("#form-message", Static).has_class("-error"):
            self._message(None)

    # -- saving ------------------------------------------------------------------------------

    @on(ModelForm.Submitted)
    def _submit(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        model = self.form.validate(show_all=True)
        if model is None:
            count = len(self.form.errors)
            self._message(
                f"Fix the {plural(count, 'marked field')} first." if count else " ".join(self.form.general)
            )
            widget = self.form.first_invalid()
            if widget is not None:
                widget.focus()
            return
        why = self.reason_for(model, self.values) if self.reason_for is not None else None
        if why is not None and self.reason is None:
            self._ask_reason(model, why)
            return
        self.saving = True
        self._message("Saving…", error=False)
        self._save(self._arguments(model, self.version))

    def _ask_reason(self, model: BaseModel, why: Text) -> None:
        def given(reason: str | None) -> None:
            if reason is None:
                self._message("Not saved: this change needs a reason.")
                return
            self.reason = reason
            self.action_save()

        self.app.push_screen(ReasonScreen(why), given)

    def _arguments(self, model: BaseModel, version: int | None) -> tuple:
        """What the save function is called with; worked out here, on the event loop, not in the worker."""
        if self.reason_for is None:
            return (model, version)
        return (model, version, self.reason if self.reason_for(model, self.values) is not None else None)

    @work(thread=True, exclusive=True, group=SAVE_GROUP, exit_on_error=False)
    def _save(self, arguments: tuple) -> None:
        model = arguments[0]
        try:
            # Another change (a long import) holding the database: the form says so, and the save goes on when it can.
            with told_when_waiting(lambda: self.app.call_from_thread(self._message, f"Saving: {WAITING}", error=False)):
                result = self.save_function(*arguments)
        except InvalidInput as exc:
            self.app.call_from_thread(self._refused, exc.problems)
        except ConflictError as exc:
            self.app.call_from_thread(self._conflict, exc, model)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._failed, str(exc))
        else:
            self.app.call_from_thread(self._saved, result)

    def worker_failed(self, worker: Worker) -> None:
        """An error the save function did not expect (e.g. the database went away) leaves the form open and says so."""
        if worker.group != SAVE_GROUP:
            super().worker_failed(worker)
            return
        self._failed(failure_text(worker.error))
        self.notify(failure_text(worker.error), title="Not saved", severity="error", markup=False)

    def _saved(self, result: Any) -> None:
        self.saving = False
        self.dismiss(result)

    def _refused(self, problems: list[Problem]) -> None:
        self.saving = False
        leftover = self.form.show_problems(problems)
        self._message(" ".join(leftover) if leftover else "Not saved: see the marked fields.")
        widget = self.form.first_invalid()
        if widget is not None:
            widget.focus()

    def _failed(self, message: str) -> None:
        self.saving = False
        self._message(f"Not saved: {message}")

    def _conflict(self, error: ConflictError, yours: BaseModel) -> None:
        from projtui.ui.screens.conflict import ConflictChoice, ConflictScreen

        self._message("Not saved: someone else changed this record since you opened it.")
        current = error.current
        theirs = getattr(current, "fields", None)
        their_version = getattr(current, "version", None)

        def chosen(choice: ConflictChoice | None) -> None:
            self.saving = False
            if choice is ConflictChoice.THEIRS:
                self.dismiss(None)
            elif choice is ConflictChoice.OVERWRITE and their_version is not None:
                self.version = their_version
                self.saving = True
                self._message("Saving over their version…", error=False)
                self._save(self._arguments(yours, their_version))
            elif theirs is not None and their_version is not None:
                self._merge(yours.model_dump(), theirs.model_dump(), their_version)
            else:
                self._message("Someone else deleted this record. Cancel to close the form; nothing was saved.")

        self.app.push_screen(
            ConflictScreen(
                title=self.record,
                fields=self.fields,
                original=self.values,
                yours=yours.model_dump(),
                theirs=theirs.model_dump() if theirs is not None else None,
            ),
            chosen,
        )

    def _merge(self, yours: dict[str, Any], theirs: dict[str, Any], their_version: int) -> None:
        """Back to editing: take their value wherever the user left a field alone; keep every field the user changed."""
        taken = []
        for spec in self.fields:
            was = self.values.get(spec.name)
            if yours.get(spec.name) == was and theirs.get(spec.name) != was:
                self.form.set_raw(spec.name, self.form.raw_of(spec, theirs.get(spec.name)))
                taken.append(spec.label)
        # The user has now seen their version: the next save applies over it.
        self.values = theirs
        self.version = their_version
        self.form.rebase(theirs)
        self.form.validate()
        kept = "Your edits are kept"
        self._message(
            (f"Their change to {', '.join(taken)} is now in the form. " if taken else "") + f"{kept}; saving applies them over their version.",
            error=False,
        )

    # -- leaving -----------------------------------------------------------------------------

    def action_cancel(self) -> None:
        from projtui.ui.screens.confirm import dismiss_asking_first

        changed = self.form.changed_labels() if self.form.dirty else []
        details = "Changed: " + ", ".join(changed) if changed else ""
        dismiss_asking_first(self, question="Discard unsaved changes?", details=details)

    def unsaved_changes(self) -> str | None:
        """The record and its changed fields, e.g. "project SP-01 (Name, Stage)"; ctrl+q and Esc ask with it."""
        if not self.form.dirty:
            return None
        return f"{self.record.plain} ({', '.join(self.form.changed_labels())})"

    def save_changes(self) -> bool:
        """ctrl+q's "Save and quit": save as ctrl+s does; False when the form refuses (it marks the fields)."""
        self.action_save()
        return self.saving


# --- the forms -----------------------------------------------------------------------------------

_DIRECTION_LABELS = {
    Direction.HIGHER: "Higher is better", Direction.LOWER: "Lower is better", Direction.RANGE: "Within range",
    Direction.NONE: "Neither (activity or context: a trend, no target)",
}

PROJECT_FIELDS = (
    FieldSpec("code", "Code", empty=""),
    FieldSpec("name", "Name", empty=""),
    FieldSpec("stage", "Stage", "choice", choices_of(Stage)),
    FieldSpec("start_date", "Start date", "date", placeholder="YYYY-MM-DD"),
    FieldSpec("end_date", "End date", "date", placeholder="YYYY-MM-DD"),
    FieldSpec("budget_pence", "Approved budget (£)", "money", placeholder="e.g. 1,250,000"),
    FieldSpec("senior_responsible_owner", "Senior responsible owner"),
    FieldSpec("lead", "Project lead"),
    FieldSpec("portfolio_holder", "Portfolio holder"),
    FieldSpec("service", "Service"),
    FieldSpec("directorate", "Directorate"),
    FieldSpec("summary", "Summary", "long"),
)

# The same fields in the order a new project is introduced: what it is and its stage, who runs it, then when and how much.
NEW_PROJECT_FIELDS = tuple(
    {spec.name: spec for spec in PROJECT_FIELDS}[name]
    for name in (
        "code", "name", "stage", "service", "directorate", "lead", "senior_responsible_owner", "portfolio_holder",
        "start_date", "end_date", "budget_pence", "summary",
    )
)

PLAN_FIELDS = (
    FieldSpec("status", "Status", "choice", choices_of(PlanStatus)),
    FieldSpec("approved_by", "Approved by", hint="Needed once the plan is approved."),
    FieldSpec("approved_on", "Approved on", "date", placeholder="YYYY-MM-DD"),
    FieldSpec("post_project_owner", "Benefits owner after closure"),
    FieldSpec("review_schedule", "Review schedule", "long"),
    FieldSpec("notes", "Notes", "long"),
)


def _item_fields(placeholder: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("code", "Code", empty="", placeholder=placeholder),
        FieldSpec("title", "Title", empty=""),
        FieldSpec("owner", "Owner"),
        FieldSpec("description", "Description", "long"),
    )


OUTPUT_FIELDS = _item_fields("e.g. O1")
OUTCOME_FIELDS = _item_fields("e.g. OC1")

BENEFIT_FIELDS = (
    FieldSpec("code", "Code", empty="", placeholder="e.g. B1"),
    FieldSpec("title", "Title", empty=""),
    FieldSpec("owner", "Benefit owner", hint="A business owner, not the project lead."),
    FieldSpec("status", "Status", "choice", choices_of(BenefitStatus)),
    FieldSpec("category", "Category", "choice", choices_of(BenefitCategory)),
    FieldSpec("quantification", "Quantification", "choice", choices_of(BenefitQuantification)),
    FieldSpec("recipient", "Recipient", "choice", choices_of(BenefitRecipient)),
    FieldSpec("disbenefit", "Dis-benefit (a negative effect)", "flag"),
    FieldSpec("full_year_value_pence", "Full-year value (£)", "money", placeholder="e.g. 85,000"),
    FieldSpec("realisation_start", "Realisation starts", "quarter", placeholder="e.g. 2025/26 Q1"),
    FieldSpec("realisation_end", "Realisation ends", "quarter", placeholder="e.g. 2027/28 Q4"),
    FieldSpec("dependencies", "Dependencies", "long"),
    FieldSpec("description", "Description", "long"),
)

MEASURE_FIELDS = (
    FieldSpec("code", "Code", placeholder="left empty: the next free M number"),
    FieldSpec("name", "Name", empty=""),
    FieldSpec("unit", "Unit", empty="", placeholder="e.g. %, tonnes, £, calls"),
    FieldSpec("direction", "Direction", "choice", choices_of(Direction, _DIRECTION_LABELS)),
    FieldSpec("baseline", "Baseline value", "number"),
    FieldSpec("baseline_period", "Baseline period", "quarter", placeholder="e.g. 2024/25 Q1"),
    FieldSpec("target", "Target value", "number", hint="The lower bound when the direction is 'within range'; empty = monitor only."),
    FieldSpec("target_max", "Target upper bound", "number", hint="Only for 'within range'."),
    FieldSpec("target_period", "Target period", "quarter", placeholder="e.g. 2026/27 Q4"),
    FieldSpec("frequency", "Frequency", "choice", choices_of(Frequency)),
    FieldSpec("aggregation", "Aggregation", "choice", choices_of(Aggregation, {Aggregation.SNAPSHOT: "Snapshot (point in time)", Aggregation.CUMULATIVE: "Cumulative (year to date)"})),
    FieldSpec("tolerance", "Amber tolerance (%)", "percent", placeholder="e.g. 5", hint="How far short of target is amber, not red."),
    FieldSpec("data_source", "Data source"),
    FieldSpec("owner", "Owner"),
    FieldSpec("description", "Description", "long"),
)

AMBITION_FIELDS = (
    FieldSpec("code", "Code", empty="", placeholder="e.g. A4"),
    FieldSpec("title", "Title", empty=""),
    FieldSpec("plan_period", "Plan period", placeholder="e.g. 2024-2027", hint="The Council Plan it belongs to."),
    FieldSpec("description", "Description", "long"),
)

PRIORITY_FIELDS = (
    FieldSpec("code", "Code", empty="", placeholder="e.g. A1.3"),
    FieldSpec("title", "Title", empty=""),
    FieldSpec("description", "Description", "long"),
)

COUNCIL_PLAN_FIELDS = (
    FieldSpec("plan_period", "New plan period", empty="", placeholder="e.g. 2027-2031"),
    FieldSpec("retire_old", "Retire every ambition of the plan before", "flag",
              hint="Their links stay readable, marked retired; no new project can be linked to them."),
)


def baseline_or_target_change(fields: BaseModel, start: Mapping[str, Any]) -> Text | None:
    """What changed in a measure's baseline or target, old → new, or None: the question a reason answers."""
    before = MeasureFields.model_validate(start)
    changed = rated_against_changes(before, fields)  # type: ignore[arg-type]
    if not changed:
        return None
    specs = {spec.name: spec for spec in MEASURE_FIELDS}
    text = Text("You changed ")
    for index, name in enumerate(changed):
        if index:
            text.append(" and " if index == len(changed) - 1 else ", ")
        spec = specs[name]
        text.append(spec.label.lower(), style="bold")
        text.append(f" ({spec.display(getattr(before, name))} → {spec.display(getattr(fields, name))})")
    text.append(". Every quarter's status, past ones too, is rated against the baseline and target, so say why: "
                "the audit log keeps your reason with the old values.")
    return text


class ChangeReason(BaseModel):
    """Why a change is made: a baseline or target changes, a published review re-opens (the services refuse a blank one too)."""

    model_config = ConfigDict(str_strip_whitespace=True)
    reason: str = Field(min_length=1, max_length=10_000)


class ReasonScreen(FormScreen):
    """The one reason dialog (plan editor, profiled targets, review mode's re-open): a one-field form dismissed
    with the reason typed (blank is refused beside the field), or None."""

    HELP_TITLE = "Give a reason"

    def __init__(
        self,
        why: str | Text | None,
        *,
        title: str | Text = "Why does this change?",
        placeholder: str = "e.g. baseline re-measured after the meter was replaced",
    ) -> None:
        super().__init__(
            title=title, model=ChangeReason, fields=(FieldSpec("reason", "Reason", empty="", placeholder=placeholder),),
            values={"reason": ""}, version=None, save=lambda fields, _version: fields.reason, note=why, id="reason-form",
        )


FORMS: dict[str, tuple[type[BaseModel], tuple[FieldSpec, ...]]] = {
    "project": (ProjectFields, PROJECT_FIELDS),
    "new-project": (ProjectFields, NEW_PROJECT_FIELDS),
    "plan": (PlanFields, PLAN_FIELDS),
    "output": (OutputFields, OUTPUT_FIELDS),
    "outcome": (OutcomeFields, OUTCOME_FIELDS),
    "benefit": (BenefitFields, BENEFIT_FIELDS),
    "measure": (MeasureFields, MEASURE_FIELDS),
    "ambition": (AmbitionFields, AMBITION_FIELDS),
    "priority": (PriorityFields, PRIORITY_FIELDS),
    "council-plan": (CouncilPlanFields, COUNCIL_PLAN_FIELDS),
}


def form_for(
    kind: str,
    *,
    title: str | Text,
    values: Mapping[str, Any] | BaseModel | None,
    version: int | None,
    save: SaveFunction,
    checks: Callable[[BaseModel], Iterable[Problem]] | None = None,
    note: str | Text | None = None,
    record: str | Text | None = None,
    reason_for: ReasonRule | None = None,
) -> FormScreen:
    model, fields = FORMS[kind]
    return FormScreen(
        title=title, model=model, fields=fields, values=values, version=version, save=save, checks=checks, note=note,
        record=record, reason_for=reason_for, id=f"{kind}-form",
    )
