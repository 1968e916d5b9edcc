"""What the quarterly review services hand back: plain frozen records, safe to pass between threads.

The review-mode screen builds on these and never needs SQL:

* ``QueueEntry`` / ``ReviewProgress`` - the projects to step through for a
  quarter and "n of m reviewed";
* ``ReviewSheet`` - everything for one project in one quarter: its review
  (or none yet), the previous *published* review, each measure with its
  actual, target, status, direction of travel, achievement and trend, and
  the benefits roll-up;
* ``ReviewRecord``, ``ActualEntry`` - what the write functions return, with
  the ``version`` to pass back as ``expected_version`` next time;
* ``TrendPoint`` / ``MeasureTrend`` for charts, ``ReviewRow`` for a project's reviews.

Nothing here imports the store: the UI may import this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from projtui.domain.enums import BenefitStatus, Rag, ReviewStatus, Stage
from projtui.domain.measures import MeasureStatus, OnTrackCount, QuarterFigures
from projtui.domain.publishing import MeasureNote, publish_blockers
from projtui.domain.quarter import Quarter
from projtui.domain.rag import RagChange, commentary_missing, rag_change
from projtui.domain.records import ReviewFields
from projtui.services.read_models import NO_AMBITION, MeasureItem

__all__ = [
    "ActualEntry",
    "BenefitLine",
    "MeasureTrend",
    "QueueEntry",
    "ReviewRow",
    "ReviewFilter",
    "ReviewFilterOptions",
    "ReviewProgress",
    "ReviewRecord",
    "ReviewSheet",
    "ReviewState",
    "SheetMeasure",
    "TrendPoint",
    "next_in_queue",
]

# -- reviews -------------------------------------------------------------------------------


class ReviewState(StrEnum):
    """Where a project's review for the quarter stands."""

    NONE = "none"  # nothing saved yet
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"none": "Not started", "draft": "Draft", "published": "Published"}[self.value]


@dataclass(frozen=True)
class ReviewRecord:
    """One saved quarterly review; ``version`` is what the next save or publish must quote."""

    id: int
    version: int
    fields: ReviewFields

    @property
    def quarter(self) -> Quarter:
        return self.fields.quarter

    @property
    def status(self) -> ReviewStatus:
        return self.fields.status

    @property
    def is_published(self) -> bool:
        return self.fields.status is ReviewStatus.PUBLISHED

    @property
    def rag(self) -> Rag:
        return self.fields.rag


@dataclass(frozen=True)
class ReviewFilterOptions:
    """What review mode can filter by: ambitions (code, title) in plan order, leads and services A-Z."""

    ambitions: tuple[tuple[str, str], ...]
    leads: tuple[str, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class ReviewFilter:
    """Which projects review mode lists; None is "any".

    ``ambition`` is an ambition code (any link, primary or not) or
    ``read_models.NO_AMBITION``; ``lead`` and ``service`` match exactly,
    ignoring case; ``stage`` keeps only that stage's projects (see
    ``reviews.review_queue``).
    """

    ambition: str | None = None
    lead: str | None = None
    service: str | None = None
    stage: Stage | None = None

    @property
    def active(self) -> bool:
        return any((self.ambition, self.lead, self.service, self.stage))

    def describe(self) -> str:
        """e.g. ``ambition A1 · lead Sam Kelly``; empty when nothing is filtered."""
        parts = []
        if self.ambition:
            parts.append("no ambition" if self.ambition == NO_AMBITION else f"ambition {self.ambition}")
        if self.lead:
            parts.append(f"lead {self.lead}")
        if self.service:
            parts.append(f"service {self.service}")
        if self.stage:
            parts.append(f"stage {self.stage.label}")
        return " · ".join(parts)


@dataclass(frozen=True)
class QueueEntry:
    """One project in review mode's list for a quarter."""

    project_id: int
    code: str
    name: str
    stage: Stage
    lead: str | None
    service: str | None
    primary_ambition: str | None
    quarter: Quarter
    state: ReviewState
    review_version: int | None  # None when nothing is saved yet: pass it to save_review as is
    rag: Rag  # this quarter's overall RAG (NOT_SET when no review yet)
    previous_rag: Rag | None  # from the previous *published* review, never retyped
    previous_quarter: Quarter | None  # the quarter of that review
    measures_due: int  # measures expected this quarter (cadence, and reporting has started)
    measures_entered: int  # of those, how many have an actual

    @property
    def post_project(self) -> bool:
        """Closed, and listed for its benefits still to be realised: the post-project benefits review."""
        return self.stage.post_project

    @property
    def reviewed(self) -> bool:
        """A review is saved for the quarter with an overall RAG (draft or published)."""
        return self.state is not ReviewState.NONE and self.rag is not Rag.NOT_SET

    @property
    def published(self) -> bool:
        return self.state is ReviewState.PUBLISHED

    @property
    def rag_change(self) -> RagChange:
        """This quarter's RAG against the previous published one (``domain.rag.rag_change``)."""
        return rag_change(self.rag if self.rag is not Rag.NOT_SET else None, self.previous_rag)

    @property
    def rag_changed(self) -> bool:
        """This quarter's RAG is better or worse than the previous published one (both set)."""
        return self.rag_change.moved

    @property
    def measures_missing(self) -> int:
        return self.measures_due - self.measures_entered


@dataclass(frozen=True)
class ReviewProgress:
    """How far the quarter's review has got, e.g. ``str(progress) == "5 of 16 reviewed"``."""

    total: int
    reviewed: int  # a review with an overall RAG is saved (draft or published)
    published: int
    rag_changed: int

    @property
    def unreviewed(self) -> int:
        return self.total - self.reviewed

    @property
    def complete(self) -> bool:
        return self.reviewed == self.total

    def __iter__(self):
        # ``reviewed, total = review_progress(...)`` reads naturally.
        return iter((self.reviewed, self.total))

    def __str__(self) -> str:
        return f"{self.reviewed} of {self.total} reviewed"

    @classmethod
    def of(cls, entries: list[QueueEntry] | tuple[QueueEntry, ...]) -> ReviewProgress:
        return cls(
            total=len(entries),
            reviewed=sum(e.reviewed for e in entries),
            published=sum(e.published for e in entries),
            rag_changed=sum(e.rag_changed for e in entries),
        )


def next_in_queue(
    entries: list[QueueEntry] | tuple[QueueEntry, ...],
    after: str | None,
    *,
    unreviewed: bool = False,
    rag_changed: bool = False,
    backwards: bool = False,
    wrap: bool = True,
) -> QueueEntry | None:
    """The next project to step to from the one coded ``after`` (None: from the start).

    ``unreviewed`` / ``rag_changed`` skip to the next project that is not yet
    reviewed / whose RAG moved since the previous published review (both: either).
    ``backwards`` steps to the previous one; ``wrap`` carries on round the end.
    None when no other project matches.
    """
    items = list(reversed(entries)) if backwards else list(entries)
    start = next((i + 1 for i, e in enumerate(items) if e.code == after), 0)
    order = items[start:] + (items[:start] if wrap else [])

    def wanted(entry: QueueEntry) -> bool:
        if not (unreviewed or rag_changed):
            return True
        return (unreviewed and not entry.reviewed) or (rag_changed and entry.rag_changed)

    return next((e for e in order if e.code != after and wanted(e)), None)


# -- measures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActualEntry:
    """The actual for one measure in one quarter, with who entered it and when."""

    quarter: Quarter
    value: float
    provisional: bool
    note: str | None
    entered_by: str | None
    entered_at: dt.datetime | None
    version: int  # quote as expected_version to change or clear it


@dataclass(frozen=True)
class TrendPoint:
    """One quarter of a measure's trend: the actual (None when none) against that quarter's target line."""

    quarter: Quarter
    actual: float | None
    provisional: bool
    target: float | None  # None: monitor only
    target_max: float | None  # top of the band, range measures only
    status: MeasureStatus


@dataclass(frozen=True)
class MeasureTrend:
    measure: MeasureItem
    points: tuple[TrendPoint, ...]  # oldest first, one per quarter with no gaps


@dataclass(frozen=True)
class SheetMeasure:
    """One measure on the review sheet: what it is, its actual as entered, and its figures for the quarter."""

    measure: MeasureItem  # identity, version (for target changes) and fields
    entry: ActualEntry | None  # the quarter's actual as entered (who, when, provisional, note, version)
    figures: QuarterFigures  # target, status, travel, achievement: `domain.measures.quarter_figures`, as the report's
    profiled_target: float | None  # the profiled target for this quarter, when there is one
    trend: tuple[TrendPoint, ...]  # up to and including this quarter, oldest first
    editable: bool  # the actual may be changed now (see ``actuals.set_actual`` on published quarters)
    problem: str | None = None  # why no status could be worked out (a measure whose rule cannot be read)
    forecast_editable: bool = True  # the year-end forecast may be changed now (not once the quarter is published)

    @property
    def code(self) -> str:
        return self.measure.fields.code or ""

    @property
    def name(self) -> str:
        return self.measure.fields.name

    @property
    def unit(self) -> str:
        return self.measure.fields.unit

    @property
    def quarter(self) -> Quarter:
        return self.figures.quarter

    @property
    def needs_note(self) -> bool:
        """An amber or red measure needs commentary on its actual before the review is published."""
        return commentary_missing(self.figures.status.rag, None if self.entry is None else self.entry.note)


@dataclass(frozen=True)
class BenefitLine:
    """A benefit and whether its measures say it is on track this quarter."""

    id: int
    code: str
    title: str
    owner: str | None
    disbenefit: bool
    status: BenefitStatus
    measure_codes: tuple[str, ...]
    on_track: bool | None  # None: nothing to assess this quarter (no measures, all monitor only or not due)


# -- the sheet ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSheet:
    """One project in one quarter: what review mode shows and edits."""

    project_id: int
    project_code: str
    project_name: str
    stage: Stage
    lead: str | None
    service: str | None
    primary_ambition: str | None
    budget_pence: int | None
    quarter: Quarter
    review: ReviewRecord | None  # this quarter's review, or None when nothing is saved yet
    previous_published: ReviewRecord | None  # the latest published review before this quarter
    measures: tuple[SheetMeasure, ...]  # in the plan's order
    benefits: tuple[BenefitLine, ...]
    benefits_on_track: OnTrackCount

    @property
    def state(self) -> ReviewState:
        return ReviewState.NONE if self.review is None else ReviewState(self.review.status.value)

    @property
    def review_version(self) -> int | None:
        """Pass as ``expected_version`` to save_review (None creates the review)."""
        return None if self.review is None else self.review.version

    @property
    def editable(self) -> bool:
        """The review may be edited: not published (a published review must be re-opened first)."""
        return self.review is None or not self.review.is_published

    @property
    def previous_rag(self) -> Rag | None:
        return None if self.previous_published is None else self.previous_published.rag

    @property
    def rag_change(self) -> RagChange:
        rag = None if self.review is None or self.review.rag is Rag.NOT_SET else self.review.rag
        return rag_change(rag, self.previous_rag)

    @property
    def rag_changed(self) -> bool:
        return self.rag_change.moved

    @property
    def measures_due(self) -> int:
        return sum(line.figures.expected for line in self.measures)

    @property
    def measures_entered(self) -> int:
        return sum(line.figures.expected and line.entry is not None for line in self.measures)

    def measure(self, code: str) -> SheetMeasure:
        """The line for a measure code (KeyError if the project has no such measure)."""
        for line in self.measures:
            if line.code == code:
                return line
        raise KeyError(code)

    def draft_fields(self) -> ReviewFields:
        """The fields to start editing from: the saved review's, or a blank draft for the quarter."""
        return self.review.fields if self.review is not None else ReviewFields(quarter=self.quarter)

    @property
    def publish_blockers(self) -> tuple[str, ...]:
        """Why the review cannot be published yet (empty when it can); ``publishing.publish_review`` checks the same."""
        return publish_blockers(
            self.review.fields if self.review else None,
            (MeasureNote(line.code, line.figures.status, None if line.entry is None else line.entry.note) for line in self.measures),
        )


# -- history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """One of a project's reviews: a row of its "Quarterly reviews" tab and a point on review mode's ratings chart."""

    quarter: Quarter
    status: ReviewStatus
    rag: Rag
    time_rag: Rag
    cost_rag: Rag
    scope_rag: Rag
    benefits_rag: Rag
    commentary: str | None
    next_steps: str | None
    published_by: str | None
    published_on: dt.date | None
    spend_to_date_pence: int | None
    forecast_pence: int | None
