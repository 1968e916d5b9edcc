"""Review mode's measures table: one row a measure, with this quarter's target, actual, status and direction of travel.

Highlighting a row and choosing one (Enter) reach the screen as DataTable's own messages; the screen does the reads and writes.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from projtui.domain.formatting import clip, format_band, format_number
from projtui.domain.measures import MeasureStatus, describe_year_end
from projtui.services.reviews.models import ReviewSheet, SheetMeasure

# Short enough for the measures table; the help and the report use the full labels.
STATUS_WORDS = {
    MeasureStatus.ON_TARGET: "On target",
    MeasureStatus.WITHIN_TOLERANCE: "Tolerance",
    MeasureStatus.OFF_TARGET: "Off target",
    MeasureStatus.NO_DATA: "No data",
    MeasureStatus.NOT_DUE: "Not due",
    MeasureStatus.MONITOR_ONLY: "Monitor",
}


def _target_text(line: SheetMeasure) -> Text:
    figures = line.figures
    return Text("—", style="dim") if figures.target is None else Text(format_band(figures.target, figures.target_max))


def forecast_line(line: SheetMeasure, styles: dict[Any, str]) -> Text:
    """Under the table, for the highlighted measure: the owner's year-end forecast and where the trend is heading."""
    figures = line.figures
    text = Text.assemble((f"{line.code} ", "bold"), "Year-end forecast ")
    year_end = describe_year_end(figures.year_end_forecast, figures.year_end_status)
    if year_end:
        text.append(year_end, style=styles.get(figures.year_end_status.rag, ""))
    else:
        text.append("none (Enter to add)" if line.forecast_editable else "none", style="dim")
    if line.problem is None:
        trend = figures.realisation
        text.append("  ·  Trend ")
        text.append(trend.describe(), style=styles.get(trend.outlook.rag, "") if trend.value is not None else "dim")
    return text


class MeasuresTable(DataTable):
    """The sheet's measures; the cursor stays on the same measure when the sheet is read again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.compact = False
        self._shown: tuple[ReviewSheet, dict[Any, str]] | None = None

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        # Compact (a narrow screen): no unit, shorter names, the status as its symbol and travel
        # headed Q and Y, so that target, actual, status and travel stay in view at 80 columns;
        # the trend chart's caption names the measure in full.
        if self.compact:
            self.add_columns("Code", "Measure", "Target", "Actual", "St", "Q", "Y")
        else:
            self.add_columns("Code", "Measure", "Unit", "Target", "Actual", "Status", "vsQ", "vsY")

    def action_select_cursor(self) -> None:
        # Enter opens the actual dialog: a figure typed straight after it is for the dialog (ui/held_keys.py).
        self.app.hold_keys()  # type: ignore[attr-defined]
        super().action_select_cursor()

    def fit(self, narrow: bool) -> None:
        if narrow == self.compact:
            return
        self.compact = narrow
        self.clear(columns=True)
        self._add_columns()
        if self._shown is not None:
            self.show(*self._shown)

    def highlighted_code(self) -> str | None:
        """The code of the measure under the cursor, or None when the table is empty."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value

    def show(self, sheet: ReviewSheet, styles: dict[Any, str]) -> str | None:
        """Fill the table from `sheet`; answers the measure code the cursor lands on (None: no measures)."""
        self._shown = (sheet, styles)
        before = self.highlighted_code()
        self.clear()
        for line in sheet.measures:
            actual = Text("—", style="dim")
            if line.entry is not None:
                actual = Text(format_number(line.entry.value))
                if line.entry.provisional:
                    actual.append(" p", style="dim")
            rated = line.figures.status
            word = "" if self.compact else f" {STATUS_WORDS.get(rated, rated.label)}"
            status = Text(f"{rated.symbol}{word}", style=styles.get(rated.rag, ""))
            named = [Text(line.code), Text(clip(line.name, 11 if self.compact else 20))]
            if not self.compact:
                named.append(Text(clip(line.unit, 7)))
            self.add_row(
                *named, _target_text(line), actual, status,
                Text(line.figures.travel_vs_previous.symbol), Text(line.figures.travel_vs_last_year.symbol), key=line.code,
            )
        if not sheet.measures:
            return None
        codes = [line.code for line in sheet.measures]
        row = codes.index(before) if before in codes else 0
        self.move_cursor(row=row, animate=False)
        return codes[row]
