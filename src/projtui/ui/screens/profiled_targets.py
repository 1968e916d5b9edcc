"""A measure's profiled targets: one target per quarter, set, changed or cleared with a reason.

Two dialogs share this: a project measure's (`t` in the plan editor) and a
corporate KPI's (`KpiTargetsScreen`, `t` on the KPI's screen), which lists
every quarter of the KPI and is frozen by its quarters' KPIs being published.

A profiled target replaces the quarter's straight-line share of the measure's
target; review mode and the report rate the quarter against it. The table
lists the targets oldest first; the fields under it set one (Enter on a row
copies it into them), `d` clears the row's quarter. Every change needs a
reason, and quarters whose review is published are frozen: both are refused
beside the field before anything is sent. Saving is guarded by the measure's
version: if someone else changed the measure meanwhile nothing is saved, the
table shows what is saved now and the fields keep what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Static
from textual.worker import Worker, get_current_worker

from projtui.domain.enums import Direction
from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    Problem,
    ProjtuiError,
    RuleError,
)
from projtui.domain.formatting import format_number
from projtui.domain.quarter import Quarter
from projtui.domain.records import QuarterLabel
from projtui.services import kpis, plans, reviews
from projtui.services.kpis import KpiTargets
from projtui.services.plans import ProfiledTargets
from projtui.ui.screens.dialog import Dialog
from projtui.ui.screens.table_and_fields import TableAndFields
from projtui.ui.widgets.form import FieldSpec, ModelForm, editable_number
from projtui.ui.worker_failures import failure_text

_DIRECTIONS = {
    Direction.HIGHER: "higher is better", Direction.LOWER: "lower is better", Direction.RANGE: "within range",
    Direction.NONE: "activity: no target",
}


class TargetEntry(BaseModel):
    """One quarter's target as typed (the form turns an empty box into None)."""

    model_config = ConfigDict(str_strip_whitespace=True)
    quarter: QuarterLabel
    target: float
    reason: str = Field(min_length=1, max_length=10_000)

    @field_validator("quarter", "target", mode="before")
    @classmethod
    def _given(cls, value: object) -> object:
        if value is None:  # "missing", so the form says "required" rather than "not a quarter: None"
            raise PydanticCustomError("missing", "required")
        return value


def _refusing_published(published: Callable[[Quarter], bool], frozen: str) -> type[TargetEntry]:
    """TargetEntry that also refuses a published quarter as it is typed, whatever else is missing (`frozen`: why, "{quarter}" in it)."""

    class OpenQuarterEntry(TargetEntry):
        @field_validator("quarter")
        @classmethod
        def _open(cls, quarter: Quarter) -> Quarter:
            if published(quarter):
                raise ValueError(frozen.format(quarter=quarter))
            return quarter

    return OpenQuarterEntry


# Named as the services name their problems, so a refusal lands on its field.
TARGET_FIELDS = (
    FieldSpec("quarter", "Quarter", "quarter", placeholder="e.g. 2025/26 Q1"),
    FieldSpec("target", "Target", "number"),
    FieldSpec("reason", "Reason", empty="", placeholder="why this profile, e.g. works phased over two winters"),
)


class ProfiledTargetsScreen(TableAndFields, Dialog[None]):
    MESSAGE = "targets-message"
    TYPING = "the profiled target"
    CSS_PATH = ["forms.tcss", "profiled_targets.tcss"]
    HELP_TITLE = "Profiled targets"
    TITLE = "Profiled targets of measure "
    OWNER = "measure"  # what a conflict names: "someone else changed this measure"
    # Why a quarter is read-only: in the field as it is typed, beside its row, and as the note under the title says it.
    FROZEN = "frozen: the {quarter} review is published"
    FROZEN_ROW = "published: frozen"
    FROZEN_NOTE = "Quarters whose review is published are frozen."

    BINDINGS = [
        Binding("ctrl+s", "set_target", "Set target", id="targets.set", priority=True),
        Binding("d,delete", "clear_target", "Clear quarter", id="targets.clear"),
        Binding("escape", "close", "Close", id="targets.close"),
    ]

    def __init__(self, measure_id: int | None) -> None:  # None: a subclass that reads its targets its own way
        super().__init__(id="profiled-targets")
        self.measure_id = measure_id
        self.profile: ProfiledTargets | KpiTargets | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="targets-dialog"):
            yield Static(Text("Profiled targets"), id="targets-title")
            yield Static("", id="targets-note")
            yield DataTable(id="targets-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("No profiled targets yet: every quarter is rated against its straight-line share of the target."),
                         id="targets-empty")
            yield ModelForm(_refusing_published(self._published, self.FROZEN), TARGET_FIELDS, {}, id="form", classes="-inline")
            yield Static("", id="targets-message")
            with Horizontal(id="targets-buttons"):
                yield Button("Set target (ctrl+s)", id="targets-set", variant="primary", compact=True, action="screen.set_target")
                yield Button("Clear quarter (d)", id="targets-clear", compact=True, action="screen.clear_target")
                yield Button("Close (esc)", id="targets-close", compact=True, action="screen.close")
        yield Footer()

    @property
    def form(self) -> ModelForm:
        return self.query_one(ModelForm)

    @property
    def table(self) -> DataTable:
        return self.query_one("#targets-table", DataTable)

    def on_mount(self) -> None:
        self.table.add_columns("Quarter", "Target", "")
        self.form.query_one("#field-quarter").focus()
        self.load()

    # -- reading -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="targets-load", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        try:
            profile = self._read()
        except NotFoundError:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._message, f"Someone else deleted this {self.OWNER}: Esc to close.")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, profile)

    def _read(self) -> ProfiledTargets | KpiTargets:
        """The targets as they are now (in the loading worker's thread)."""
        assert self.measure_id is not None
        return plans.profiled_targets(self.app.db, self.measure_id)  # type: ignore[attr-defined]

    def _write(self, profile: ProfiledTargets | KpiTargets, quarter: Quarter, value: float | None, reason: str) -> None:
        """Set (or, None, clear) the quarter's target as the user saw the measure (in a writing worker's thread)."""
        assert isinstance(profile, ProfiledTargets)
        measure = profile.measure
        db, login, code = self.app.db, self.app.login, measure.fields.code or ""  # type: ignore[attr-defined]
        if value is None:
            reviews.clear_profiled_target(db, profile.project_code, code, quarter, reason=reason, expected_version=measure.version, actor=login)
        else:
            reviews.set_profiled_target(
                db, profile.project_code, code, quarter, value, reason=reason, expected_version=measure.version, actor=login,
            )

    def _show(self, profile: ProfiledTargets | KpiTargets) -> None:
        self.profile = profile
        fields = profile.measure.fields
        title = Text(self.TITLE)
        title.append(fields.code or "", style="bold")
        title.append("  ")
        title.append(fields.name)
        self.query_one("#targets-title", Static).update(title)
        self.query_one("#targets-note", Static).update(self._note(profile))
        table = self.table
        row = table.cursor_row
        table.clear()
        for quarter, value in profile.targets:
            frozen = Text(self.FROZEN_ROW, style="dim") if quarter in profile.published else Text("")
            shown = Text("—", style="dim") if value is None else Text(format_number(value))
            table.add_row(Text(str(quarter)), shown, frozen, key=str(quarter))
        if profile.targets:
            table.move_cursor(row=min(row, len(profile.targets) - 1))
        self.query_one("#targets-dialog").set_class(not profile.targets, "-empty")
        self.form.validate()  # a quarter typed before the load may be a published one

    def _note(self, profile: ProfiledTargets | KpiTargets) -> Text:
        fields = profile.measure.fields
        text = Text(" · ".join(part for part in (fields.unit, _DIRECTIONS[fields.direction]) if part))
        if fields.baseline is not None:
            text.append(f" · baseline {format_number(fields.baseline)}" + (f" in {fields.baseline_period}" if fields.baseline_period else ""))
        if fields.target is None:
            text.append(" · no target: monitor only")
        else:
            upper = f"–{format_number(fields.target_max)}" if fields.target_max is not None else ""
            text.append(f" · target {format_number(fields.target)}{upper}" + (f" by {fields.target_period}" if fields.target_period else ""))
        text.append(
            "\nA quarter's profiled target replaces its straight-line share of the target. " + self.FROZEN_NOTE,
            style="dim",
        )
        return text

    def _published(self, quarter: Quarter) -> bool:
        return self.profile is not None and quarter in self.profile.published

    def worker_failed(self, worker: Worker) -> None:
        super().worker_failed(worker)
        if worker.group == "targets-write":  # the form keeps what was typed: saving again may work
            self.saving = False
            self._message(f"Not saved: {failure_text(worker.error)}")

    # -- setting a quarter's target ----------------------------------------------------------

    @on(DataTable.RowSelected, "#targets-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: its quarter and target into the fields, to change it."""
        event.stop()
        quarter = self._quarter_at_cursor()
        profile = self.profile
        if quarter is None or profile is None:
            return
        value = dict(profile.targets)[quarter]
        self.form.set_raw("quarter", str(quarter))
        self.form.set_raw("target", "" if value is None else editable_number(value))
        self.form.query_one("#field-target").focus()

    @on(ModelForm.Submitted)
    def action_set_target(self) -> None:
        if self.saving or self.profile is None:
            return
        entry = self.form.validate(show_all=True)
        if not isinstance(entry, TargetEntry):
            widget = self.form.first_invalid()
            if widget is not None:
                widget.focus()
            self._message("Not saved: see the marked fields.")
            return
        self.saving = True
        self._message("Saving…", error=False)
        self._set(self.profile, entry)

    @work(thread=True, exclusive=True, group="targets-write", exit_on_error=False)
    def _set(self, profile: ProfiledTargets | KpiTargets, entry: TargetEntry) -> None:
        try:
            self._write(profile, entry.quarter, entry.target, entry.reason)  # type: ignore[arg-type]
        except ProjtuiError as exc:
            self.app.call_from_thread(self._refused, exc)
        else:
            self.app.call_from_thread(self._set_done, entry)

    def _set_done(self, entry: TargetEntry) -> None:
        self.saving = False
        self._message(f"Saved: {entry.quarter} target {format_number(entry.target)}.", error=False)
        # Ready for the next quarter of the profile: the reason usually covers them all.
        self.form.set_raw("quarter", "")
        self.form.set_raw("target", "")
        self.form.rebase({"quarter": None, "target": None, "reason": entry.reason})
        self.form.query_one("#field-quarter").focus()
        self.load()

    def _refused(self, exc: ProjtuiError) -> None:
        self.saving = False
        if isinstance(exc, InvalidInput):
            leftover = self.form.show_problems(exc.problems)
            self._message(" ".join(leftover) or "Not saved: see the marked fields.")
        elif isinstance(exc, RuleError):  # the quarter's review was published meanwhile
            self.form.show_problems([Problem("", "quarter", None, str(exc))])
            self._message("Not saved: that quarter is frozen.")
            self.load()
        elif isinstance(exc, ConflictError):
            gone = exc.current is None
            self._message(
                f"Not saved: someone else deleted this {self.OWNER}." if gone
                else f"Not saved: someone else changed this {self.OWNER} meanwhile. The table shows what is saved now; save again to apply yours."
            )
            self.load()
        else:
            self._message(f"Not saved: {exc}")

    # -- clearing a quarter's target ---------------------------------------------------------

    def _quarter_at_cursor(self) -> Quarter | None:
        table = self.table
        if not table.row_count or self.profile is None:
            return None
        return self.profile.targets[table.cursor_row][0]

    def action_clear_target(self) -> None:
        from projtui.ui.screens.item_form import ReasonScreen

        profile = self.profile
        quarter = self._quarter_at_cursor()
        if profile is None or quarter is None:
            self._message("No profiled target to clear: the table is empty.")
            return
        if quarter in profile.published:
            why = self.FROZEN.format(quarter=quarter)
            self._message(why[:1].upper() + why[1:] + ".")
            return
        value = dict(profile.targets)[quarter]
        if value is None:
            self._message(f"{quarter} has no profiled target to clear.")
            return
        why = Text(f"Clear the {quarter} target ({format_number(value)})? "
                   "The quarter is then rated against its straight-line share of the target.")

        def given(reason: str | None) -> None:
            if reason is not None:
                self._clear(profile, quarter, reason)

        self.app.push_screen(ReasonScreen(why, title="Why clear this target?"), given)

    @work(thread=True, exclusive=True, group="targets-write", exit_on_error=False)
    def _clear(self, profile: ProfiledTargets | KpiTargets, quarter: Quarter, reason: str) -> None:
        try:
            self._write(profile, quarter, None, reason)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._refused, exc)
        else:
            self.app.call_from_thread(self._cleared, quarter)

    def _cleared(self, quarter: Quarter) -> None:
        self._message(f"Cleared the {quarter} target.", error=False)
        self.load()


class KpiTargetsScreen(ProfiledTargetsScreen):
    """A corporate KPI's profiled targets: every quarter its screen lists, frozen once the quarter's KPIs are published.

    Opened on the KPI screen's highlighted quarter, which is in the fields
    ready for its target (unless it is frozen).
    """

    HELP_TITLE = "KPI targets"
    TITLE = "Profiled targets of KPI "
    OWNER = "KPI"
    FROZEN = "frozen: the {quarter} KPIs are published; re-open them in review mode's KPI pass (K)"
    FROZEN_ROW = "KPIs published: frozen; re-open them in the KPI pass (K)"
    FROZEN_NOTE = "A quarter whose KPIs are published is frozen until it is re-opened in review mode's KPI pass (K)."

    def __init__(self, code: str, quarter: Quarter | None = None) -> None:
        super().__init__(None)
        self.code = code
        self.start = quarter  # put in the fields once the targets are read

    def _read(self) -> KpiTargets:
        return kpis.kpi_targets(self.app.db, self.code)  # type: ignore[attr-defined]

    def _write(self, profile: ProfiledTargets | KpiTargets, quarter: Quarter, value: float | None, reason: str) -> None:
        kpis.set_kpi_target(
            self.app.db, self.code, quarter, value, reason=reason,  # type: ignore[attr-defined]
            expected_version=profile.measure.version, actor=self.app.login,  # type: ignore[attr-defined]
        )

    def _show(self, profile: ProfiledTargets | KpiTargets) -> None:
        super()._show(profile)
        start, self.start = self.start, None
        quarters = [quarter for quarter, _ in profile.targets]
        if start in quarters:
            self.table.move_cursor(row=quarters.index(start), animate=False)
            if start not in profile.published and not self.form.dirty:
                self.form.set_raw("quarter", str(start))
                value = dict(profile.targets)[start]
                self.form.set_raw("target", "" if value is None else editable_number(value))
                self.form.rebase({"quarter": start, "target": value, "reason": None})
                self.form.query_one("#field-target").focus()
