"""A measure's benchmarks (issue 13): each year's comparator sets, where the measure stands against them, set or removed.

The table lists the benchmarks by year then source, with the quartile the
measure's figure for that year falls in (``domain.measures``, through the
service). The fields under it set one for a year and source (Enter on a row
copies it into them, to change it); `d` removes the row's, after asking.
The fields are checked as they are typed by the record's own rules
(``records.BenchmarkFields``: quartiles in order, rank within "of"), so
what the service would refuse is refused beside the field. The benchmark
shown in the table guards the save: if someone else changed it meanwhile,
nothing is saved and the table shows theirs.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Static
from textual.worker import Worker, get_current_worker

from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    ProjtuiError,
)
from projtui.domain.formatting import format_number
from projtui.domain.records import BenchmarkFields
from projtui.services import plans
from projtui.services.plans import MeasureBenchmarks
from projtui.ui.acting import Acting
from projtui.ui.screens.dialog import Dialog
from projtui.ui.screens.table_and_fields import TableAndFields
from projtui.ui.widgets.form import FieldSpec, ModelForm
from projtui.ui.worker_failures import failure_text

# Named as the record names them, so a refusal lands on its field.
BENCHMARK_FIELDS = (
    FieldSpec("period", "Year", placeholder="e.g. 2024/25"),
    FieldSpec("source", "Source", empty="", placeholder="e.g. APSE family group"),
    FieldSpec("lower_quartile", "Lower quartile", "number"),
    FieldSpec("median", "Median", "number"),
    FieldSpec("upper_quartile", "Upper quartile", "number"),
    FieldSpec("value", "Average", "number", placeholder="no quartiles"),
    FieldSpec("rank", "Rank", "whole"),
    FieldSpec("of", "Of", "whole"),
)


class BenchmarksScreen(TableAndFields, Acting, Dialog[None]):
    MESSAGE = "benchmarks-message"
    TYPING = "the benchmark"
    CSS_PATH = ["forms.tcss", "benchmarks.tcss"]
    HELP_TITLE = "Benchmarks"

    BINDINGS = [
        Binding("ctrl+s", "set_benchmark", "Save benchmark", id="benchmarks.set", priority=True),
        Binding("d,delete", "remove_benchmark", "Remove", id="benchmarks.remove"),
        Binding("escape", "close", "Close", id="benchmarks.close"),
    ]

    def __init__(self, measure_id: int) -> None:
        super().__init__(id="benchmarks")
        self.measure_id = measure_id
        self.listed: MeasureBenchmarks | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="benchmarks-dialog"):
            yield Static(Text("Benchmarks"), id="benchmarks-title")
            yield Static(Text("Where the measure's figure for each year stands among its comparators.", style="dim"),
                         id="benchmarks-note")
            yield DataTable(id="benchmarks-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("No benchmarks yet."), id="benchmarks-empty")
            yield ModelForm(BenchmarkFields, BENCHMARK_FIELDS, {}, id="form", classes="-inline")
            yield Static("", id="benchmarks-message")
            with Horizontal(id="benchmarks-buttons"):
                yield Button("Save (ctrl+s)", id="benchmarks-set", variant="primary", compact=True, action="screen.set_benchmark")
                yield Button("Remove (d)", id="benchmarks-remove", compact=True, action="screen.remove_benchmark")
                yield Button("Close (esc)", id="benchmarks-close", compact=True, action="screen.close")
        yield Footer()

    @property
    def form(self) -> ModelForm:
        return self.query_one(ModelForm)

    @property
    def table(self) -> DataTable:
        return self.query_one("#benchmarks-table", DataTable)

    def on_mount(self) -> None:
        self.table.add_columns("Year", "Source", "Where the measure stands", "Quartiles", "Average", "Rank")
        self.form.query_one("#field-period").focus()
        self.load()

    # -- reading -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="benchmarks-load", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        try:
            listed = plans.measure_benchmarks(self._db, self.measure_id)
        except NotFoundError:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._message, "Someone else deleted this measure: Esc to close.")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, listed)

    def _show(self, listed: MeasureBenchmarks) -> None:
        self.listed = listed
        fields = listed.measure.fields
        title = Text("Benchmarks of measure ")
        title.append(fields.code or "", style="bold")
        title.append("  ")
        title.append(fields.name)
        self.query_one("#benchmarks-title", Static).update(title)
        table = self.table
        row = table.cursor_row
        table.clear()
        for benchmark, standing in zip(listed.benchmarks, listed.standings):
            quartiles = " / ".join(format_number(q) if q is not None else "–"
                                   for q in (benchmark.lower_quartile, benchmark.median, benchmark.upper_quartile))
            rank = "" if benchmark.rank is None else f"{benchmark.rank}" + ("" if benchmark.of is None else f" of {benchmark.of}")
            table.add_row(
                Text(str(benchmark.period)), Text(benchmark.source), Text(standing), Text(quartiles), Text(format_number(benchmark.value)),
                Text(rank), key=f"{benchmark.period} {benchmark.source}",
            )
        if listed.benchmarks:
            table.move_cursor(row=min(row, len(listed.benchmarks) - 1))
        self.query_one("#benchmarks-dialog").set_class(not listed.benchmarks, "-empty")

    def worker_failed(self, worker: Worker) -> None:
        super().worker_failed(worker)
        if worker.group == "benchmarks-write":  # the form keeps what was typed: saving again may work
            self.saving = False
            self._message(f"Not saved: {failure_text(worker.error)}")

    def _at_cursor(self) -> BenchmarkFields | None:
        if self.listed is None or not self.table.row_count:
            return None
        return self.listed.benchmarks[self.table.cursor_row]

    # -- setting one ---------------------------------------------------------------------

    @on(DataTable.RowSelected, "#benchmarks-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: its figures into the fields, to change them."""
        event.stop()
        benchmark = self._at_cursor()
        if benchmark is None:
            return
        for spec in BENCHMARK_FIELDS:
            self.form.set_raw(spec.name, spec.to_text(getattr(benchmark, spec.name)))
        self.form.query_one("#field-median").focus()

    @on(ModelForm.Submitted)
    def action_set_benchmark(self) -> None:
        if self.saving or self.listed is None:
            return
        benchmark = self.form.validate(show_all=True)
        if not isinstance(benchmark, BenchmarkFields):
            widget = self.form.first_invalid()
            if widget is not None:
                widget.focus()
            self._message("Not saved: see the marked fields.")
            return
        self.saving = True
        self._message("Saving…", error=False)
        self._set(benchmark, self.listed.find(benchmark))

    @work(thread=True, exclusive=True, group="benchmarks-write", exit_on_error=False)
    def _set(self, benchmark: BenchmarkFields, seen: BenchmarkFields | None) -> None:
        try:
            plans.set_benchmark(self._db, self.measure_id, benchmark, seen=seen, actor=self._actor)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._refused, exc)
        else:
            self.app.call_from_thread(self._done, f"Saved: {benchmark.source} {benchmark.period}.")

    def _done(self, message: str) -> None:
        self.saving = False
        self._message(message, error=False)
        for spec in BENCHMARK_FIELDS:
            self.form.set_raw(spec.name, "")
        self.form.show_all = False  # an emptied form is ready for the next one, not a wall of "required"
        self.form.rebase({})
        self.form.query_one("#field-period").focus()
        self.load()

    def _refused(self, exc: ProjtuiError) -> None:
        self.saving = False
        if isinstance(exc, InvalidInput):
            leftover = self.form.show_problems(exc.problems)
            self._message(" ".join(leftover) or "Not saved: see the marked fields.")
        elif isinstance(exc, ConflictError):
            self._message(
                "Not saved: someone else changed this benchmark meanwhile. The table shows what is saved now; save again to apply yours."
            )
            self.load()
        else:
            self._message(f"Not saved: {exc}")

    # -- removing one ----------------------------------------------------------------------

    def action_remove_benchmark(self) -> None:
        from projtui.ui.screens.confirm import ConfirmScreen

        benchmark = self._at_cursor()
        if benchmark is None:
            self._message("No benchmark to remove: the table is empty.")
            return
        figures = ", ".join(
            f"{spec.label.lower()} {format_number(value)}"
            for spec in BENCHMARK_FIELDS[2:] if (value := getattr(benchmark, spec.name)) is not None
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(benchmark)

        self.app.push_screen(ConfirmScreen(f"Remove the {benchmark.period} benchmark from {benchmark.source}?", figures), answered)

    @work(thread=True, exclusive=True, group="benchmarks-write", exit_on_error=False)
    def _remove(self, benchmark: BenchmarkFields) -> None:
        try:
            plans.remove_benchmark(self._db, self.measure_id, benchmark, actor=self._actor)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._refused, exc)
        else:
            self.app.call_from_thread(self._removed, benchmark)

    def _removed(self, benchmark: BenchmarkFields) -> None:
        self._message(f"Removed the {benchmark.period} benchmark from {benchmark.source}.", error=False)
        self.load()
