"""Benefit on track: a benefit's measures' statuses rolled up, a project's "benefits on track" count, and measures counted by status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from projtui.domain.measures.vocabulary import MeasureStatus

__all__ = ["OnTrackCount", "StatusCounts", "benefit_on_track", "count_statuses", "rollup_counts"]


def benefit_on_track(statuses: Iterable[MeasureStatus | str]) -> bool | None:
    """Is a benefit on track this quarter, judged by its measures?

    * Not on track if any measure is off target, or is due and has no
      figure: missing data is not good news.
    * On track otherwise, provided at least one measure was assessed; a
      measure within tolerance is on track (that is what the tolerance was
      agreed for), though the report still shows it amber.
    * None (not assessed this quarter) when no measure gives a status: all
      are monitor only or not due, or the benefit has no measures yet.
    """
    assessed = False
    for s in statuses:
        s = MeasureStatus(s)
        if s in (MeasureStatus.OFF_TARGET, MeasureStatus.NO_DATA):
            return False
        assessed = assessed or s.assessed
    return True if assessed else None


@dataclass(frozen=True, slots=True)
class OnTrackCount:
    """A project's "benefits on track" figure, e.g. 3/4.

    Benefits with nothing to assess this quarter are left out of the "of"
    figure (counting them as failures would punish an annual measure for
    not being due), and counted separately in ``not_assessed``.
    """

    on_track: int = 0
    assessed: int = 0
    not_assessed: int = 0

    @property
    def total(self) -> int:
        return self.assessed + self.not_assessed

    @property
    def off_track(self) -> int:
        return self.assessed - self.on_track

    @property
    def all_on_track(self) -> bool | None:
        """True when every assessed benefit is on track; None when none was assessed."""
        return None if self.assessed == 0 else self.on_track == self.assessed

    def __str__(self) -> str:
        # "–" rather than "0/0", which reads like a failure.
        return f"{self.on_track}/{self.assessed}" if self.assessed else "–"


def rollup_counts(benefits: Iterable[bool | None]) -> OnTrackCount:
    """Count benefits on track, from each benefit's ``benefit_on_track`` result.

    ``rollup_counts(benefit_on_track(m) for m in measure_statuses_per_benefit)``.
    """
    on_track = assessed = not_assessed = 0
    for result in benefits:
        if result is None:
            not_assessed += 1
        else:
            assessed += 1
            on_track += bool(result)
    return OnTrackCount(on_track=on_track, assessed=assessed, not_assessed=not_assessed)


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """Measures counted by their status in one quarter: "44 of 64 with targets on or within target".

    "With targets" are the rated ones (on target, within tolerance, off
    target); a measure due with no figure is *no data*, not a miss, and one
    without a target (monitor only, direction "none") is counted apart.
    """

    by_status: Mapping[MeasureStatus, int]  # every MeasureStatus, in definition order

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def rated(self) -> int:
        return sum(n for status, n in self.by_status.items() if status.rank is not None)

    @property
    def on_or_within(self) -> int:
        return self.by_status[MeasureStatus.ON_TARGET] + self.by_status[MeasureStatus.WITHIN_TOLERANCE]

    def __add__(self, other: StatusCounts) -> StatusCounts:
        """Two lists of measures counted together (KPIs and project measures)."""
        return StatusCounts({status: n + other.by_status[status] for status, n in self.by_status.items()})

    @property
    def share_on_or_within(self) -> float | None:
        """The rated measures on or within target, as a fraction; None when none was rated."""
        return self.on_or_within / self.rated if self.rated else None


def count_statuses(statuses: Iterable[MeasureStatus | str]) -> StatusCounts:
    """Count measures by status (each measure's ``quarter_figures(...).status``, or ``measure_status``)."""
    counted = Counter(MeasureStatus(s) for s in statuses)
    return StatusCounts({status: counted.get(status, 0) for status in MeasureStatus})
