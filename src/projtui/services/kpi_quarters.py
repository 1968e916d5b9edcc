"""A quarter's corporate KPIs as a whole (issue 13): review mode's KPI pass, publishing them and re-opening them.

A quarter's KPIs are published together, "with the quarter": `kpi_quarter`
keeps who and when. Before, every KPI rated amber or red needs commentary
for the quarter (`domain.publishing.kpi_publish_blockers`, listed by the pass
and refused with the same list); after, `services.kpis` refuses changes to
the quarter's actuals (but a provisional one), forecasts and commentary.
Re-opening needs a reason, which the audit log keeps (entity ``kpi_quarter``,
key the quarter, no project). Publishing and re-opening are a performance
officer's, as a project review's are (`Action.PUBLISH_REVIEW`,
`Action.REOPEN_REVIEW`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projtui.domain.enums import ReviewStatus
from projtui.domain.errors import ConflictError, RuleError
from projtui.domain.measures import MeasureStatus
from projtui.domain.publishing import MeasureNote, kpi_publish_blockers
from projtui.domain.quarter import Quarter
from projtui.domain.rag import commentary_missing
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.kpis import KpiComment, KpiLine, as_sheet, register_lines
from projtui.services.locking import update_versioned
from projtui.services.permissions import require
from projtui.services.reviews import rows
from projtui.services.reviews.models import SheetMeasure
from projtui.services.reviews.quarter import default_review_quarter
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.queries import kpis as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["KpiPass", "KpiPassLine", "kpi_pass", "publish_kpi_quarter", "reopen_kpi_quarter"]


@dataclass(frozen=True)
class KpiPassLine:
    """One KPI due in the quarter: what the actual dialog edits, its service and its commentary."""

    sheet: SheetMeasure  # `editable` / `forecast_editable`: what publishing leaves open
    service: str | None
    comment: KpiComment | None

    @property
    def code(self) -> str:
        return self.sheet.code

    @property
    def needs_commentary(self) -> bool:
        """Amber or red this quarter with nothing said: what stops the quarter being published."""
        return commentary_missing(self.sheet.figures.status.rag, None if self.comment is None else self.comment.text)


@dataclass(frozen=True)
class KpiPass:
    """The quarter's KPIs as review mode's KPI pass shows them, and whether they are published."""

    quarter: Quarter
    status: ReviewStatus
    published_by: str | None
    published_on: dt.date | None
    version: int | None  # the quarter's row, quoted as expected_version to publish or re-open (None: never published)
    lines: tuple[KpiPassLine, ...]  # the KPIs due this quarter, in code order
    blockers: tuple[str, ...]  # why it may not be published yet (empty: it may)

    @property
    def published(self) -> bool:
        return self.status is ReviewStatus.PUBLISHED

    @property
    def entered(self) -> int:
        return sum(line.sheet.entry is not None for line in self.lines)

    def progress(self) -> str:
        """ "7 of 9 entered" """
        return f"{self.entered} of {len(self.lines)} entered"


def kpi_pass(db: Database, quarter: Quarter | None = None) -> KpiPass:
    """The KPIs due in `quarter` (default: the quarter under review) with their figures, and the quarter's publishing."""
    quarter = quarter or default_review_quarter(db)
    with db.reading() as session:
        return _read(session, quarter)


def _read(session: Session, quarter: Quarter) -> KpiPass:
    row = q.kpi_quarter_row(session, quarter)
    published = row is not None and row.status == ReviewStatus.PUBLISHED.value
    lines = tuple(
        _line(line, published)
        for line in register_lines(session, quarter)
        if line.figures is not None and line.figures.status is not MeasureStatus.NOT_DUE
    )
    notes = [MeasureNote(line.code, line.sheet.figures.status, None if line.comment is None else line.comment.text) for line in lines]
    return KpiPass(
        quarter=quarter,
        status=ReviewStatus.PUBLISHED if published else ReviewStatus.DRAFT,
        published_by=None if row is None else row.published_by,
        published_on=None if row is None else row.published_on,
        version=None if row is None else row.version,
        lines=lines,
        blockers=kpi_publish_blockers(quarter, published, notes),
    )


def _line(line: KpiLine, published: bool) -> KpiPassLine:
    assert line.figures is not None and line.measure is not None
    return KpiPassLine(as_sheet(line.measure, line.entry, line.figures, published), line.service, line.comment)


def publish_kpi_quarter(
    db: Database, quarter: Quarter | str, *, expected_version: int | None, actor: str, on: dt.date | None = None
) -> KpiPass:
    """Publish the quarter's KPIs as a whole: who (``actor``) and when (``on``, default today); their figures are then frozen.

    RuleError listing every blocker (the pass shows the same list first).
    ``expected_version``: the quarter's version as seen (None: never published before).
    """
    quarter = rows.as_quarter(quarter)
    key = str(quarter)
    with db.transaction() as session:
        require(session, actor, Action.PUBLISH_REVIEW)
        row = q.kpi_quarter_row(session, quarter)
        if (None if row is None else row.version) != expected_version:
            raise ConflictError("kpi_quarter", key, expected_version or 0, None if row is None else row.status)
        blockers = _read(session, quarter).blockers
        if blockers:
            raise RuleError(f"cannot publish the {quarter} KPIs: " + "; ".join(blockers))
        when = on or dt.date.today()
        values = {"status": ReviewStatus.PUBLISHED.value, "published_by": actor, "published_on": when}
        if row is None:
            q.add_kpi_quarter(session, quarter, values)
        else:
            update_versioned(session, t.KpiQuarter, row.id, row.version, values, entity="kpi_quarter", key=key,
                             current=lambda: q.kpi_quarter_row(session, quarter))
        audit.record(session, actor=actor, action="publish", entity="kpi_quarter", key=key,
                     field="status", old=ReviewStatus.DRAFT.value, new=ReviewStatus.PUBLISHED.value)
        audit.record(session, actor=actor, action="update", entity="kpi_quarter", key=key, field="published_by", new=actor)
        audit.record(session, actor=actor, action="update", entity="kpi_quarter", key=key, field="published_on", new=when.isoformat())
        return _read(session, quarter)


def reopen_kpi_quarter(db: Database, quarter: Quarter | str, *, expected_version: int, reason: str, actor: str) -> KpiPass:
    """Turn the quarter's published KPIs back into a draft so they can be corrected; the audit log keeps who, when and why."""
    quarter = rows.as_quarter(quarter)
    reason = audit.reason_text(reason)
    key = str(quarter)
    with db.transaction() as session:
        require(session, actor, Action.REOPEN_REVIEW)
        row = q.kpi_quarter_row(session, quarter)
        if row is None or row.status != ReviewStatus.PUBLISHED.value:
            raise RuleError(f"the {quarter} KPIs are not published: there is nothing to re-open")
        by, on = row.published_by, row.published_on
        update_versioned(
            session, t.KpiQuarter, row.id, expected_version,
            {"status": ReviewStatus.DRAFT.value, "published_by": None, "published_on": None},
            entity="kpi_quarter", key=key, current=lambda: q.kpi_quarter_row(session, quarter),
        )
        audit.record(session, actor=actor, action="reopen", entity="kpi_quarter", key=key, field="reason", new=reason)
        audit.record(session, actor=actor, action="update", entity="kpi_quarter", key=key,
                     field="status", old=ReviewStatus.PUBLISHED.value, new=ReviewStatus.DRAFT.value)
        audit.record(session, actor=actor, action="update", entity="kpi_quarter", key=key, field="published_by", old=by)
        audit.record(session, actor=actor, action="update", entity="kpi_quarter", key=key,
                     field="published_on", old=None if on is None else on.isoformat())
        return _read(session, quarter)
