"""Corporate KPIs (issue 13): the register (`k` from the portfolio) and one KPI's screen.

The register lists every KPI with its figures for the latest quarter anything
was reported for: filter (`/`), group by ambition or service (`g`), sort
(`o`). Enter opens the KPI: its definition, its quarters (target, actual,
status, travel, year-end forecast, commentary) and its trend against the
target line. From there the quarter's actual and forecast are entered in
review mode's actual dialog, the commentary in a one-field form, the
quarters' profiled targets in the targets dialog (`t`), and the definition
in the house form. Every read and write is a thread worker over
`services.kpis`; statuses and travel are the measure's one rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from projtui.domain.codes import natural_key
from projtui.domain.enums import Aggregation, Direction, Frequency
from projtui.domain.errors import ConflictError, ProjtuiError
from projtui.domain.formatting import clip, format_band, format_number, plural
from projtui.domain.measures import MeasureStatus, QuarterFigures, year_medians
from projtui.domain.quarter import FinancialYear, Quarter
from projtui.domain.records import CommentaryFields
from projtui.services import kpis
from projtui.services.plans.benchmarks import benchmarks_of
from projtui.services.reviews.models import ActualEntry
from projtui.snapshot.document import Kpi as KpiRecord
from projtui.ui.acting import Acting
from projtui.ui.screens.actual_dialog import ActualEntered, ActualScreen
from projtui.ui.screens.item_form import MEASURE_FIELDS, FormScreen
from projtui.ui.screens.profiled_targets import KpiTargetsScreen
from projtui.ui.widgets.acting_header import ActingHeader
from projtui.ui.widgets.form import FieldSpec
from projtui.ui.widgets.measures_table import STATUS_WORDS
from projtui.ui.widgets.rag import rag_styles
from projtui.ui.widgets.trend_chart import TrendChart
from projtui.ui.worker_failures import WorkerFailures

# The house measure form's fields, with a KPI's own: a code it must have, its service and ambitions.
KPI_FIELDS = (
    FieldSpec("code", "Code", empty="", placeholder="e.g. BEN01"),
    *(spec for spec in MEASURE_FIELDS if spec.name not in ("code", "owner", "description")),
    FieldSpec("service", "Service", placeholder="e.g. Revenues and Benefits"),
    FieldSpec("owner", "Owner"),
    FieldSpec("ambitions", "Ambitions", "codes", placeholder="e.g. A1, A3", hint="Council Plan ambition codes; the first is primary."),
    FieldSpec("description", "Description", "long"),
)
COMMENTARY_FIELDS = (FieldSpec("text", "Commentary", "long", hint="Why the figure is where it is, and what is being done. Blank removes it."),)

GROUPINGS = ("none", "ambition", "service")
SORTS = ("code", "name", "service", "status")
_NO_GROUP = "(none)"


def status_text(figures: QuarterFigures | None, styles: dict[Any, Any]) -> Text:
    """The quarter's status as symbol and word in its RAG colour (as review mode's measures table shows it)."""
    if figures is None:
        return Text("? unreadable rule", style="dim")
    rated = figures.status
    return Text(f"{rated.symbol} {STATUS_WORDS.get(rated, rated.label)}", style=styles.get(rated.rag, ""))


def actual_text(figures: QuarterFigures | None) -> Text:
    return Text("—", style="dim") if figures is None or figures.actual is None else Text(format_number(figures.actual))


def target_text(figures: QuarterFigures | None) -> Text:
    return Text("—", style="dim") if figures is None or figures.target is None else Text(format_band(figures.target, figures.target_max))


def travel_text(figures: QuarterFigures | None) -> Text:
    return Text("") if figures is None else Text(f"{figures.travel_vs_previous.symbol} {figures.travel_vs_previous.label}")


class KpiRegisterScreen(Acting, WorkerFailures, Screen[None]):
    """Every corporate KPI with its latest status; Enter opens one."""

    CSS_PATH = "kpis.tcss"
    HELP_TITLE = "KPI register"
    HELP_NOTES = (
        "Each KPI's figures are for the latest quarter anything was reported for; the status and travel follow the measure rules.",
        "Activity indicators (direction none) show a trend, never a status.",
    )
    BINDINGS: ClassVar = [
        Binding("escape", "back", "Back", tooltip="Back to the portfolio", id="kpis.back"),
        Binding("slash", "focus_filter", "Filter", tooltip="Filter by code, name, service or owner", id="kpis.filter", priority=True),
        Binding("g", "cycle_group", "Group", tooltip="Group by ambition, by service, or not at all", id="kpis.group"),
        Binding("o", "cycle_sort", "Sort", tooltip="Sort by code, name, service or status", id="kpis.sort"),
        Binding("n", "new_kpi", "New", tooltip="Add a KPI", id="kpis.new"),
        Binding("f5,ctrl+r", "reload", "Reload", id="kpis.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="kpi-register")
        self.title = "Corporate KPIs"
        self.quarter: Quarter | None = None
        self.lines: list[kpis.KpiLine] = []
        self.grouping = "none"
        self.sort = "code"

    def compose(self) -> ComposeResult:
        yield ActingHeader()
        yield Input(placeholder="/ filter: code, name, service or owner", id="kpi-filter")
        yield Static("Reading the KPIs…", id="kpi-summary")
        yield DataTable(id="kpi-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.app.sub_title
        self.table.add_columns("Code", "KPI", "Service", "Owner", "Actual", "Target", "Status", "Travel")
        self.table.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @property
    def table(self) -> DataTable:
        return self.query_one("#kpi-table", DataTable)

    # -- loading ---------------------------------------------------------------------------------

    def load(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, group="kpi-register", exit_on_error=False)
    def _read(self) -> None:
        try:
            quarter, lines = kpis.kpi_register(self._db)
        except ProjtuiError as exc:
            self.app.notify(str(exc), title="Could not read the KPIs", severity="error", markup=False)
            return
        self.app.call_from_thread(self._loaded, quarter, lines)

    def _loaded(self, quarter: Quarter, lines: list[kpis.KpiLine]) -> None:
        self.quarter, self.lines = quarter, lines
        self.show()

    # -- showing -----------------------------------------------------------------------------------

    def _shown_lines(self) -> list[kpis.KpiLine]:
        wanted = self.query_one("#kpi-filter", Input).value.strip().casefold()
        lines = [
            line for line in self.lines
            if not wanted or any(wanted in (text or "").casefold() for text in (line.code, line.name, line.service, line.owner))
        ]
        rank = {status: i for i, status in enumerate((MeasureStatus.OFF_TARGET, MeasureStatus.WITHIN_TOLERANCE, MeasureStatus.NO_DATA))}
        keys: dict[str, Callable[[kpis.KpiLine], Any]] = {
            "code": lambda line: 0,  # the service's order is by code already
            "name": lambda line: line.name.casefold(),
            "service": lambda line: (line.service or "").casefold(),
            "status": lambda line: rank.get(line.figures.status, len(rank)) if line.figures else len(rank) + 1,
        }
        return sorted(lines, key=keys[self.sort])

    def _group_of(self, line: kpis.KpiLine) -> tuple[str, str]:
        """(code, title) of the line's group: its primary ambition, or its service (no code)."""
        if self.grouping == "ambition":
            return line.ambitions[0] if line.ambitions else ("", _NO_GROUP)
        return ("", line.service or _NO_GROUP)

    def show(self) -> None:
        table = self.table
        before = self.highlighted_code()
        table.clear()
        styles = rag_styles(self.app.theme_variables)
        lines = self._shown_lines()
        groups: dict[tuple[str, str], list[kpis.KpiLine]] = {}
        for line in lines:
            groups.setdefault(self._group_of(line) if self.grouping != "none" else ("", ""), []).append(line)
        order = sorted(groups, key=lambda group: (group[1] == _NO_GROUP, natural_key(group[0]), group[1].casefold()))
        for code, title in order:
            if self.grouping != "none":
                table.add_row(
                    Text(code, style="bold"), Text(clip(title, 34), style="bold"), Text(plural(len(groups[code, title]), "KPI"), style="dim"),
                    key=f"group:{code or title}",
                )
            for line in groups[code, title]:
                table.add_row(
                    Text(line.code), Text(clip(line.name, 34)), Text(clip(line.service or "", 20)), Text(clip(line.owner or "", 18)),
                    actual_text(line.figures), target_text(line.figures), status_text(line.figures, styles), travel_text(line.figures),
                    key=line.code,
                )
        summary = Text(" ")
        summary.append(f"{len(lines)} of {plural(len(self.lines), 'KPI')}", style="bold")
        summary.append(f"  ·  {self.quarter}  ·  grouped by {self.grouping}  ·  sorted by {self.sort}")
        self.query_one("#kpi-summary", Static).update(summary)
        codes = [str(row.value) for row in table.rows]
        kpi_rows = [i for i, key in enumerate(codes) if not key.startswith("group:")]
        if before in codes or kpi_rows:
            table.move_cursor(row=codes.index(before) if before in codes else kpi_rows[0], animate=False)

    def highlighted_code(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return None if key is None or key.startswith("group:") else key

    # -- keys ----------------------------------------------------------------------------------------

    @on(Input.Changed, "#kpi-filter")
    def _filter_changed(self) -> None:
        self.show()

    @on(Input.Submitted, "#kpi-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the filter, / is text ("and/or"), as on the portfolio: the priority binding must let it through.
        return action != "focus_filter" or self.focused is not self.query_one("#kpi-filter", Input)

    def action_focus_filter(self) -> None:
        # Focus now, not after the queued events, as the portfolio's /: the keys typed straight after / are the filter's.
        self.set_focus(self.query_one("#kpi-filter", Input))

    def action_cycle_group(self) -> None:
        self.grouping = GROUPINGS[(GROUPINGS.index(self.grouping) + 1) % len(GROUPINGS)]
        self.show()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.show()

    def action_back(self) -> None:
        if self.query_one("#kpi-filter", Input).has_focus:
            self.table.focus()
            return
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    @on(DataTable.RowSelected, "#kpi-table")
    def _open(self) -> None:
        code = self.highlighted_code()
        if code is not None:
            self.app.push_screen(KpiScreen(code))

    def action_new_kpi(self) -> None:
        self.app.hold_keys()  # type: ignore[attr-defined]  # what is typed next is for the form
        self.app.push_screen(kpi_form(self._db, self._actor, None), self._created)

    def _created(self, code: str | None) -> None:
        if code:
            self.app.push_screen(KpiScreen(code))


def kpi_form(db: Any, actor: str, detail: kpis.KpiDetail | None) -> FormScreen:
    """The house form over a KPI's definition: new when `detail` is None; dismissed with the KPI's code."""
    if detail is None:
        values: dict[str, Any] = {"direction": Direction.HIGHER, "frequency": Frequency.QUARTERLY, "aggregation": Aggregation.SNAPSHOT}
        return FormScreen(
            title="New KPI", model=KpiRecord, fields=KPI_FIELDS, values=values, version=None, id="kpi-form",
            save=lambda fields, _version: kpis.create_kpi(db, fields.model_dump(), actor=actor),
        )
    values = {**detail.fields.model_dump(), "code": detail.code, "service": detail.service, "ambitions": [code for code, _ in detail.ambitions]}
    return FormScreen(
        title=f"Edit KPI {detail.code}", model=KpiRecord, fields=KPI_FIELDS, values=values, version=detail.version, id="kpi-form",
        save=lambda fields, version: kpis.edit_kpi(db, detail.code, fields.model_dump(), expected_version=version, actor=actor),
    )


def write_entry(
    db: Any, actor: str, code: str, quarter: Quarter, entry: ActualEntry | None, seen: float | None, entered: ActualEntered
) -> None:
    """Save what the actual dialog gave back for a KPI's quarter: the actual when it changed, then the forecast (unchanged, not written)."""
    fields = entered.fields
    if entry is None or (entry.value, entry.provisional, entry.note) != (fields.value, fields.provisional, fields.note):
        kpis.set_kpi_actual(
            db, code, quarter, fields.value, provisional=fields.provisional, note=fields.note,
            expected_version=None if entry is None else entry.version, actor=actor,
        )
    kpis.set_kpi_forecast(db, code, quarter, entered.forecast, seen=seen, actor=actor)


def commentary_form(db: Any, actor: str, code: str, quarter: Quarter, comment: kpis.KpiComment | None) -> FormScreen:
    """The one-field form over a KPI's commentary on a quarter; dismissed with True once saved."""
    return FormScreen(
        title=f"Commentary on {code} for {quarter}", model=CommentaryFields, fields=COMMENTARY_FIELDS,
        values={"text": comment.text if comment else None}, version=comment.version if comment else None, id="kpi-commentary-form",
        save=lambda fields, version: kpis.set_kpi_commentary(db, code, quarter, fields.text, expected_version=version, actor=actor) or True,
    )


class KpiScreen(Acting, WorkerFailures, Screen[None]):
    """One KPI: its definition, its quarters newest first, and its trend against the target line."""

    CSS_PATH = "kpis.tcss"
    HELP_TITLE = "KPI"
    HELP_NOTES = (
        "Enter (or a) enters the highlighted quarter's actual and year-end forecast; c its commentary; t its profiled target.",
        "Amber and red quarters need commentary: `projtui check` lists those without.",
        "■ marks a quarter whose KPIs are published (review mode's KPI pass, K): its figures, target and commentary are frozen.",
    )
    BINDINGS: ClassVar = [
        Binding("escape", "back", "Back", tooltip="Back to the KPI register", id="kpi.back"),
        Binding("a", "enter_actual", "Actual", tooltip="Enter the quarter's actual and year-end forecast", id="kpi.actual"),
        Binding("c", "commentary", "Commentary", tooltip="Write the quarter's commentary", id="kpi.commentary"),
        Binding("t", "targets", "Targets", tooltip="Profile the KPI's target quarter by quarter", id="kpi.targets"),
        Binding("e", "edit", "Edit", tooltip="Edit the KPI's definition", id="kpi.edit"),
        Binding("n", "new_kpi", "New", tooltip="Add a KPI", id="kpi.new"),
        Binding("f5,ctrl+r", "reload", "Reload", id="kpi.reload", show=False),
    ]

    def __init__(self, code: str) -> None:
        super().__init__(id="kpi-screen")
        self.code = code
        self.title = f"KPI {code}"
        self.detail: kpis.KpiDetail | None = None

    def compose(self) -> ComposeResult:
        yield ActingHeader()
        with Vertical(id="kpi-body"):
            yield Static("Reading the KPI…", id="kpi-definition")
            yield DataTable(id="kpi-quarters", cursor_type="row", zebra_stripes=True)
            yield TrendChart(id="kpi-trend")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.app.sub_title
        self.quarters.add_columns("Quarter", "Target", "Actual", "Status", "Travel", "Year-end forecast", "Commentary")
        self.quarters.focus()
        self.load()

    @property
    def quarters(self) -> DataTable:
        return self.query_one("#kpi-quarters", DataTable)

    # -- loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        self._read(self.code)

    @work(thread=True, exclusive=True, group="kpi-read", exit_on_error=False)
    def _read(self, code: str) -> None:
        try:
            detail = kpis.kpi_detail(self._db, code)
            medians = year_medians(benchmarks_of(self._db, detail.measure.id))
        except ProjtuiError as exc:
            self.app.notify(str(exc), title=f"Could not read KPI {code}", severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, detail, medians)

    def _show(self, detail: kpis.KpiDetail, medians: Mapping[FinancialYear, float]) -> None:
        self.detail, self.code = detail, detail.code
        self.title = f"KPI {detail.code}"
        fields = detail.fields
        text = Text.assemble((f"{detail.code} ", "bold"), (fields.name, "bold"))
        if fields.unit:
            text.append(f" ({fields.unit})", style="dim")
        text.append(f"\nService: {detail.service or '—'}  ·  Owner: {fields.owner or '—'}  ·  ")
        text.append(f"good is {fields.direction.value}" if fields.direction is not Direction.NONE else "activity indicator: no target, no status")
        if fields.target is not None:
            text.append(f"  ·  target {format_band(fields.target, fields.target_max)}")
            if fields.target_period:
                text.append(f" by {fields.target_period}")
        text.append(f"  ·  {fields.frequency.value}, {fields.aggregation.value}")
        ambitions = ", ".join(f"{code} {title}" for code, title in detail.ambitions) or "none"
        text.append(f"\nAmbitions: {ambitions}")
        if fields.description:
            text.append(f"\n{fields.description}", style="dim")
        if detail.problem:
            text.append(f"\nNo status can be worked out: {detail.problem}", style="bold")
        self.query_one("#kpi-definition", Static).update(text)
        table = self.quarters
        before = table.cursor_row if table.row_count else 0
        table.clear()
        styles = rag_styles(self.app.theme_variables)
        for line in detail.quarters:
            figures = line.figures
            actual = actual_text(figures)
            if line.entry is not None and line.entry.provisional:
                actual.append(" p", style="dim")
            forecast = Text("—", style="dim") if figures.year_end_forecast is None else Text(format_number(figures.year_end_forecast))
            comment = Text(clip(" ".join(line.comment.text.split()), 60)) if line.comment else Text("")
            quarter = Text(str(line.quarter))
            if line.published:
                quarter.append(" ■", style="dim")  # review mode's mark for published
            table.add_row(
                quarter, target_text(figures), actual, status_text(figures, styles), travel_text(figures), forecast, comment,
                key=str(line.quarter),
            )
        if table.row_count:
            table.move_cursor(row=min(before, table.row_count - 1), animate=False)
        self.query_one(TrendChart).show(detail.trend, medians)

    def _line(self) -> kpis.KpiQuarter | None:
        if self.detail is None or not self.detail.quarters:
            return None
        return self.detail.quarters[min(self.quarters.cursor_row, len(self.detail.quarters) - 1)]

    # -- keys -------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    @on(DataTable.RowSelected, "#kpi-quarters")
    def _selected(self) -> None:
        self.action_enter_actual()

    def action_enter_actual(self) -> None:
        line, detail = self._line(), self.detail
        if line is None or detail is None:
            self.notify("No quarter to enter.", markup=False)
            return
        sheet_line = kpis.as_sheet(detail.measure, line.entry, line.figures, line.published)
        if not sheet_line.editable:
            self.notify(f"The {line.quarter} KPIs are published: its actual is frozen. Re-open them in review mode's KPI pass (K).",
                        title="Read-only", markup=False)
            return
        self.app.hold_keys()  # type: ignore[attr-defined]  # a figure typed straight away is for the dialog
        self.app.push_screen(ActualScreen(sheet_line), lambda entered: self._entered(line, entered))

    def _entered(self, line: kpis.KpiQuarter, entered: ActualEntered | None) -> None:
        if entered is not None:
            self._save_actual(self.code, line, entered)

    @work(thread=True, exclusive=True, group="kpi-write", exit_on_error=False)
    def _save_actual(self, code: str, line: kpis.KpiQuarter, entered: ActualEntered) -> None:
        self._write(
            lambda: write_entry(self._db, self._actor, code, line.quarter, line.entry, line.figures.year_end_forecast, entered),
            f"The {line.quarter} actual of {code} is saved.",
        )

    def action_commentary(self) -> None:
        line = self._line()
        if line is None:
            self.notify("No quarter to comment on.", markup=False)
            return
        if line.published:
            self.notify(f"The {line.quarter} KPIs are published: its commentary is frozen. Re-open them in review mode's KPI pass (K).",
                        title="Read-only", markup=False)
            return
        self.app.hold_keys()  # type: ignore[attr-defined]
        self.app.push_screen(
            commentary_form(self._db, self._actor, self.code, line.quarter, line.comment), lambda saved: self.load() if saved else None,
        )

    def action_targets(self) -> None:
        line = self._line()
        self.app.hold_keys()  # type: ignore[attr-defined]  # a target typed straight away is for the dialog
        self.app.push_screen(KpiTargetsScreen(self.code, None if line is None else line.quarter), lambda _: self.load())

    def action_edit(self) -> None:
        if self.detail is None:
            return
        self.app.hold_keys()  # type: ignore[attr-defined]
        self.app.push_screen(kpi_form(self._db, self._actor, self.detail), self._edited)

    def _edited(self, code: str | None) -> None:
        if code:
            self.code = code
            self.load()

    def action_new_kpi(self) -> None:
        self.app.hold_keys()  # type: ignore[attr-defined]
        self.app.push_screen(kpi_form(self._db, self._actor, None), self._edited)

    def _write(self, write: Callable[[], object], done: str) -> None:
        """One write in the calling worker's thread, then the KPI read again; a refusal or a newer version is said."""
        try:
            write()
        except ConflictError as exc:
            self.app.notify(str(exc), title="Changed by someone else", severity="warning", markup=False)
        except ProjtuiError as exc:
            self.app.notify(str(exc), title=f"{self.code} not saved", severity="error", markup=False)
        else:
            self.app.notify(done, title="Saved", markup=False)
        self.app.call_from_thread(self.load)
