"""The project screen's Risks tab: the register, highest score first, and the keys that change it.

n adds, e or Enter edits (a form dialog that checks beside each field), c
closes or re-opens, i turns a risk that has happened into an issue. Each
write runs in a thread worker through `services.risks`, then posts
`Changed` so the screen reads the project again. Score and band show as a
number, a shape and a word, never colour alone (`domain.risks`, `rag.py`).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable, Static
from textual.worker import Worker

from projtui.domain.errors import ConflictError, ProjtuiError
from projtui.domain.formatting import first_up
from projtui.domain.records import RiskFields
from projtui.domain.risks import (
    DEFAULT_BANDS,
    IMPACT_WORDS,
    LIKELIHOOD_WORDS,
    RiskBands,
    RiskKind,
    RiskStatus,
    needs_review,
)
from projtui.services import risks
from projtui.services.risks import RiskRecord, RiskRegister
from projtui.ui.acting import Acting
from projtui.ui.widgets.form import FieldSpec, choices_of, humanise
from projtui.ui.widgets.rag import on_theme_change, rag_styles, rag_text
from projtui.ui.worker_failures import WorkerFailures

RISK_FIELDS = (
    FieldSpec("code", "Code", empty="", placeholder="e.g. R01"),
    FieldSpec("title", "Title", empty=""),
    FieldSpec("kind", "Kind", "choice", choices_of(RiskKind, {RiskKind.RISK: "Risk (may happen)", RiskKind.ISSUE: "Issue (has happened)"})),
    FieldSpec("likelihood", "Likelihood", "choice", tuple((f"{n} {word}", n) for n, word in LIKELIHOOD_WORDS.items())),
    FieldSpec("impact", "Impact", "choice", tuple((f"{n} {word}", n) for n, word in IMPACT_WORDS.items())),
    FieldSpec("owner", "Owner"),
    FieldSpec("mitigation", "Mitigation or action", "long"),
    FieldSpec("raised_on", "Raised on", "date", placeholder="YYYY-MM-DD"),
    FieldSpec("review_by", "Review by", "date", placeholder="YYYY-MM-DD", hint="`projtui check` lists open risks past this date."),
    FieldSpec("description", "Description", "long"),
)


def score_text(record: RiskRecord, bands: RiskBands, styles) -> Text:
    """``20 ▲ Red`` in the band's colour: the number, a shape and a word."""
    text = Text(f"{record.score:>2} ", no_wrap=True, end="")
    text.append_text(rag_text(record.rag(bands), styles=styles))
    return text


class RiskRegisterView(Acting, WorkerFailures, Vertical):
    """The register's table and the detail of the risk under the cursor."""

    BINDINGS = [
        Binding("n", "new", "New risk", id="risks.new"),
        Binding("e,enter", "edit", "Edit", id="risks.edit"),
        Binding("c", "close_or_reopen", "Close/reopen", id="risks.close"),
        Binding("i", "into_issue", "Became issue", id="risks.issue"),
    ]

    class Changed(Message):
        """The register changed in the database: read the project again."""

    register: var[RiskRegister | None] = var(None)

    def __init__(self, project_code: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.project_code = project_code

    def compose(self) -> ComposeResult:
        yield DataTable(id="risks-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="risk-detail")

    def on_mount(self) -> None:
        self.table.add_columns("Score", "L×I", "Code", "Kind", "Status", "Title", "Owner", "Review by")
        on_theme_change(self, lambda: self.watch_register(self.register))

    @property
    def table(self) -> DataTable:
        return self.query_one("#risks-table", DataTable)

    @property
    def bands(self) -> RiskBands:
        settings = getattr(self.app, "settings", None)
        return settings.bands if settings is not None else DEFAULT_BANDS

    # -- showing ----------------------------------------------------------------------------

    def watch_register(self, register: RiskRegister | None) -> None:
        if register is None or not self.is_mounted:
            return
        self.project_code = register.project
        table = self.table
        cursor = table.cursor_row
        table.clear()
        styles, bands = rag_styles(self.app.theme_variables), self.bands
        for record in register.risks:
            fields = record.fields
            closed = fields.status is RiskStatus.CLOSED
            dim = "dim" if closed else ""
            table.add_row(
                score_text(record, bands, styles),
                Text(f"{fields.likelihood}×{fields.impact}", style=dim),
                Text(fields.code, style="bold " + dim),
                Text(humanise(fields.kind), style=dim),
                Text("✔ Closed" if closed else "○ Open", style=dim),
                Text(fields.title, style=dim),
                Text(fields.owner or "—", style=dim),
                self._review_by(record, dim),
                key=str(record.id),
            )
        if register.risks:
            table.move_cursor(row=min(cursor, len(register.risks) - 1))
        self._show_detail()

    @staticmethod
    def _review_by(record: RiskRecord, style: str) -> Text:
        """The review-by date, marked ⚠ once an open risk is past it (as `projtui check` reports it)."""
        review_by = record.fields.review_by
        if review_by is None:
            return Text("—", style=style)
        if needs_review(record.status, review_by, dt.date.today()):
            return Text(f"⚠ {review_by.isoformat()} overdue", style="bold")
        return Text(review_by.isoformat(), style=style)

    def current(self) -> RiskRecord | None:
        register = self.register
        row = self.table.cursor_row
        if register is None or not 0 <= row < len(register.risks):
            return None
        return register.risks[row]

    def _show_detail(self) -> None:
        detail = self.query_one("#risk-detail", Static)
        record = self.current()
        if record is None:
            detail.update(Text("No risks or issues yet. n adds one.", style="dim"))
            return
        fields = record.fields
        text = Text(f"{fields.code}  ", style="bold")
        text.append(fields.title, style="bold")
        text.append(f"\nLikelihood {fields.likelihood} ({LIKELIHOOD_WORDS[fields.likelihood]}) × impact {fields.impact} "
                    f"({IMPACT_WORDS[fields.impact]}) = ")
        text.append_text(score_text(record, self.bands, rag_styles(self.app.theme_variables)))
        dates = [("raised", fields.raised_on), ("review by", fields.review_by), ("became an issue", fields.became_issue_on)]
        shown = [f"{label} {day.isoformat()}" for label, day in dates if day is not None]
        if shown:
            text.append("\n" + first_up("; ".join(shown)), style="dim")
        text.append("\nMitigation: " if fields.kind is RiskKind.RISK else "\nAction: ", style="bold")
        text.append(fields.mitigation or "—")
        if fields.description:
            text.append("\n")
            text.append(fields.description)
        detail.update(text)

    @on(DataTable.RowHighlighted, "#risks-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#risks-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        # Enter on the table: the table takes Enter itself, so it is edited from here.
        event.stop()
        self.action_edit()

    # -- adding and editing ------------------------------------------------------------------

    def action_new(self) -> None:
        register = self.register
        if register is None:
            return
        values = {"code": register.next_code, "title": "", "kind": RiskKind.RISK, "likelihood": 3, "impact": 3, "raised_on": dt.date.today()}
        db, actor, project = self._db, self._actor, register.project
        self._open_form(
            Text(f"New risk or issue for {project}"), values, None,
            lambda fields, _version: risks.create_risk(db, project, fields, actor=actor),
        )

    def action_edit(self) -> None:
        record = self.current()
        if record is None:
            return
        db, actor = self._db, self._actor
        title = Text("Edit ")
        title.append(record.code, style="bold")
        title.append("  ")
        title.append(record.fields.title)
        self._open_form(
            title, record.fields.model_dump(), record.version,
            lambda fields, version: risks.update_risk(db, record.id, fields, expected_version=version, actor=actor),
        )

    def _open_form(self, title: Text, values: dict, version: int | None, save) -> None:
        from projtui.ui.screens.item_form import FormScreen

        def closed(result: RiskRecord | None) -> None:
            if result is not None:
                self.app.notify(f"Saved {result.code}.", markup=False)
                self.post_message(self.Changed())

        self.app.push_screen(
            FormScreen(title=title, model=RiskFields, fields=RISK_FIELDS, values=values, version=version, save=save, id="risk-form"),
            closed,
        )

    # -- closing, re-opening and becoming an issue ----------------------------------------------

    def action_close_or_reopen(self) -> None:
        record = self.current()
        if record is not None:
            self._write(record, "close" if record.fields.status is RiskStatus.OPEN else "reopen")

    def action_into_issue(self) -> None:
        from projtui.ui.screens.confirm import ConfirmScreen

        record = self.current()
        if record is None:
            return
        if record.fields.kind is RiskKind.ISSUE:
            self.app.notify(f"{record.code} is already an issue.", severity="warning", markup=False)
            return
        today = dt.date.today()

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(record, "issue", today)

        self.app.push_screen(
            ConfirmScreen(
                f"Has {record.code} happened? It becomes an issue from {today.isoformat()}.",
                "The same record carries on, with its history; its mitigation becomes the action.",
                yes="Became issue", no="Not yet",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="risk-write", exit_on_error=False)
    def _write(self, record: RiskRecord, what: str, on: dt.date | None = None) -> None:
        db, actor, version = self._db, self._actor, record.version
        try:
            if what == "close":
                saved = risks.close_risk(db, record.id, expected_version=version, actor=actor)
            elif what == "reopen":
                saved = risks.reopen_risk(db, record.id, expected_version=version, actor=actor)
            else:
                assert on is not None
                saved = risks.turn_into_issue(db, record.id, on=on, expected_version=version, actor=actor)
        except ConflictError:
            self.app.call_from_thread(
                self._failed, f"Not saved: someone else changed or deleted {record.code} since you opened it. Look again, then retry."
            )
        except ProjtuiError as exc:
            self.app.call_from_thread(self._failed, f"Not saved: {exc}")
        else:
            self.app.call_from_thread(self._written, saved, what)

    def _written(self, saved: RiskRecord, what: str) -> None:
        said = {"close": "Closed", "reopen": "Re-opened", "issue": "Now an issue:"}[what]
        self.app.notify(f"{said} {saved.code}.", markup=False)
        self.post_message(self.Changed())

    def _failed(self, message: str) -> None:
        self.app.notify(message, severity="error", markup=False)
        self.post_message(self.Changed())

    def worker_failed(self, worker: Worker) -> None:
        super().worker_failed(worker)
        self.post_message(self.Changed())  # read again: the table shows what is saved

