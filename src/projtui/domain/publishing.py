"""What a quarterly review must say before it is published, and what publishing freezes.

Review mode lists the blockers before it offers to publish, and the
publishing service refuses with the same list, so the screen and the rule
agree. Once a quarter's review is published its figures are frozen: the
review itself and the quarter's profiled targets change only after an
audited re-open, and of its actuals only a provisional one may still be
confirmed or corrected (that is what provisional means); its year-end
forecasts do not change at all. The review services and the import both
ask `actual_may_change`, `forecast_may_change` and `target_may_change`.

A quarter's corporate KPIs are published together, as a whole (issue 13):
`kpi_publish_blockers` is their rule, and once published the same two
questions freeze their actuals and forecasts, and `target_may_change` their
profiled targets, and their commentary with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projtui.domain.enums import Rag, ReviewStatus
from projtui.domain.quarter import Quarter
from projtui.domain.rag import commentary_missing
from projtui.domain.records import ReviewFields

if TYPE_CHECKING:
    # Only MeasureNote's annotation names it: an import, which asks only what may change, loads none of the measure rules.
    from projtui.domain.measures import MeasureStatus

__all__ = ["MeasureNote", "actual_may_change", "forecast_may_change", "kpi_publish_blockers", "publish_blockers", "target_may_change"]


@dataclass(frozen=True)
class MeasureNote:
    """A measure's status this quarter and the note on its actual: what publishing checks of it."""

    code: str
    status: MeasureStatus
    note: str | None


def publish_blockers(fields: ReviewFields | None, measures: Iterable[MeasureNote]) -> tuple[str, ...]:
    """The rules a review must meet to be published, as sentences a person can act on (empty: it may be published).

    It needs an overall RAG, commentary when any rating (overall, time,
    cost, scope, benefits) is amber or red, and a note on the actual of every
    measure that is amber or red (within tolerance, off target) this quarter.
    """
    if fields is None:
        return ("save the review first",)
    problems = []
    if fields.status is ReviewStatus.PUBLISHED:
        problems.append(f"the {fields.quarter} review is already published")
    if fields.rag is Rag.NOT_SET:
        problems.append("set the overall RAG")
    rated = [
        name
        for name, rag in (
            ("overall", fields.rag),
            ("time", fields.time_rag),
            ("cost", fields.cost_rag),
            ("scope", fields.scope_rag),
            ("benefits", fields.benefits_rag),
        )
        if rag.needs_commentary
    ]
    if rated and not (fields.commentary or "").strip():
        problems.append(f"an amber or red rating ({', '.join(rated)}) needs commentary")
    for measure in measures:
        if commentary_missing(measure.status.rag, measure.note):
            problems.append(f"measure {measure.code} is {measure.status.label.lower()}: add a note to its actual")
    return tuple(problems)


def kpi_publish_blockers(quarter: Quarter, published: bool, kpis: Iterable[MeasureNote]) -> tuple[str, ...]:
    """What stops a quarter's KPIs being published, as sentences a person can act on (empty: they may be).

    Each KPI rated amber or red in the quarter (its `MeasureStatus.rag`)
    needs commentary for it: a KPI's `MeasureNote.note` is that commentary.
    Activity indicators (direction none) are monitor only, never rated, so
    never need it.
    """
    problems = [f"the {quarter} KPIs are already published"] if published else []
    for kpi in kpis:
        if commentary_missing(kpi.status.rag, kpi.note):
            problems.append(f"KPI {kpi.code} is {kpi.status.label.lower()}: add commentary for {quarter}")
    return tuple(problems)


def actual_may_change(published: bool, old_provisional: bool | None, *, removing: bool = False) -> bool:
    """May a quarter's actual be added, changed or removed? `old_provisional` None: there is none yet.

    Before the review is published, always. After, only an existing
    provisional actual may change (be confirmed or corrected); none may be
    added or removed.
    """
    return not published or (old_provisional is True and not removing)


def forecast_may_change(published: bool) -> bool:
    """May a quarter's year-end forecast be added, changed or removed?

    Only before the review is published: a forecast is what the owner
    expected at the time, and has no provisional state to correct.
    """
    return not published


def target_may_change(published: bool) -> bool:
    """May a quarter's profiled target be added, changed or removed?

    Only before the quarter is published: its statuses were judged against
    that target, so changing it would silently change what was published.
    """
    return not published
