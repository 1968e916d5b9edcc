"""The UI baseline: a bare Textual app showing a 100-row DataTable, filtered as you type after `/`.

It has what projtui's portfolio screen has in the way of widgets that
matter (a filter Input with id "filter" and a table with the same eight
columns and similar text) and nothing else: no database, no workers, no
debounce; each keystroke filters the 100 rows in Python and refills the
DataTable synchronously.

    .venv/bin/python benchmarks/bare_app.py      # to look at it; ctrl+q quits
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate as g  # noqa: E402  (vocabulary only; imports nothing heavy)

COLUMNS = ("Code", "Name", "Stage", "Ambition", "RAG", "Benefits", "Lead", "Service")
ROWS = 100


def bare_rows(n: int = ROWS, seed: int = g.SEED) -> list[tuple[str, ...]]:
    r = random.Random(seed)
    stages = [s for s, w in g.STAGES for _ in range(w)]
    rags = [s for s, w in g.RAGS for _ in range(w)]
    rows = []
    for i in range(1, n + 1):
        rows.append((
            f"BR-{i:06d}",
            f"{r.choice(g.PLACES)} {r.choice(g.SUBJECTS)}{r.choice(g.PHASES)}",
            r.choice(stages).replace("_", " "),
            f"A{1 + r.randrange(4)}",
            r.choice(rags),
            f"{r.randrange(3)}/2",
            f"{r.choice(g.FIRST)} {r.choice(g.LAST)}",
            r.choice(g.SERVICES),
        ))
    return rows


class BareApp(App[None]):
    BINDINGS = [Binding("slash", "focus_filter", "Filter"), Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.rows = bare_rows()
        self.applied_filter = ""  # the filter the table shows (set after the rows are in)

    def compose(self) -> ComposeResult:
        yield Input(placeholder="code, name, lead or service", id="filter", compact=True)
        yield DataTable(id="rows", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(self.rows)
        table.focus()

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        text = event.value.strip().casefold()
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(row for row in self.rows if not text or any(text in row[k].casefold() for k in (0, 1, 6, 7)))
        self.applied_filter = event.value


if __name__ == "__main__":
    BareApp().run()
