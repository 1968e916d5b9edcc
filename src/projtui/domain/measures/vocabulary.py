"""The words a measure's quarter is described in: its status, its direction of travel, where its target came from.

Each status and travel carries its symbol (a shape as well as a colour, for
monochrome terminals and colour-blind readers) and the label a report
prints, so every screen and export names them the same way.
"""

from __future__ import annotations

from enum import StrEnum

from projtui.domain.enums import Rag

__all__ = ["MeasureStatus", "TargetBasis", "Travel"]


class MeasureStatus(StrEnum):
    """A measure's standing in one quarter."""

    ON_TARGET = "on_target"
    WITHIN_TOLERANCE = "within_tolerance"
    OFF_TARGET = "off_target"
    NO_DATA = "no_data"  # due this quarter, but no actual entered
    NOT_DUE = "not_due"  # the measure's cadence says it is not reported this quarter
    MONITOR_ONLY = "monitor_only"  # no target: a trend, never a status

    @property
    def symbol(self) -> str:
        # A shape as well as a colour (monochrome terminals, colour-blind
        # readers). The rated statuses reuse their RAG's shape so a report's
        # legend stays short.
        return _STATUS_SYMBOLS[self]

    @property
    def label(self) -> str:
        """The words a report prints, e.g. ``Within tolerance``."""
        return _STATUS_LABELS[self]

    @property
    def rag(self) -> Rag:
        """Green on target, amber within tolerance, red off target; otherwise not set."""
        return _STATUS_RAG[self]

    @property
    def assessed(self) -> bool:
        """Whether this quarter's status counts for the benefit the measure serves.

        Missing data counts (it should have been there, and counts against
        the benefit); "not due" and "monitor only" say nothing either way.
        """
        return self in _ASSESSED

    @property
    def rank(self) -> int | None:
        """Worse to better, for sorting and comparing rated statuses.

        off target 0, within tolerance 1, on target 2; None for the rest,
        which are not points on that scale.
        """
        return _STATUS_RANK.get(self)


_STATUS_SYMBOLS = {
    MeasureStatus.ON_TARGET: "●",
    MeasureStatus.WITHIN_TOLERANCE: "◆",
    MeasureStatus.OFF_TARGET: "▲",
    MeasureStatus.NO_DATA: "?",
    MeasureStatus.NOT_DUE: "○",  # nothing expected (the same empty shape as RAG "not set")
    MeasureStatus.MONITOR_ONLY: "~",  # a trend line
}
_STATUS_LABELS = {
    MeasureStatus.ON_TARGET: "On target",
    MeasureStatus.WITHIN_TOLERANCE: "Within tolerance",
    MeasureStatus.OFF_TARGET: "Off target",
    MeasureStatus.NO_DATA: "No data",
    MeasureStatus.NOT_DUE: "Not due",
    MeasureStatus.MONITOR_ONLY: "Monitor only",
}
_STATUS_RAG = {
    MeasureStatus.ON_TARGET: Rag.GREEN,
    MeasureStatus.WITHIN_TOLERANCE: Rag.AMBER,
    MeasureStatus.OFF_TARGET: Rag.RED,
    MeasureStatus.NO_DATA: Rag.NOT_SET,
    MeasureStatus.NOT_DUE: Rag.NOT_SET,
    MeasureStatus.MONITOR_ONLY: Rag.NOT_SET,
}
_STATUS_RANK = {
    MeasureStatus.OFF_TARGET: 0,
    MeasureStatus.WITHIN_TOLERANCE: 1,
    MeasureStatus.ON_TARGET: 2,
}
_ASSESSED = frozenset(
    {MeasureStatus.ON_TARGET, MeasureStatus.WITHIN_TOLERANCE, MeasureStatus.OFF_TARGET, MeasureStatus.NO_DATA}
)


class Travel(StrEnum):
    """Direction of travel: did performance get better or worse?"""

    IMPROVING = "improving"
    SAME = "same"
    WORSENING = "worsening"
    NO_COMPARISON = "no_comparison"

    @property
    def symbol(self) -> str:
        # The arrow shows performance, not the raw number: a fall in a
        # "lower is better" measure is ↑ (improving).
        return _TRAVEL_SYMBOLS[self]

    @property
    def label(self) -> str:
        return _TRAVEL_LABELS[self]

    def reversed(self) -> Travel:
        """The travel seen the other way round (improving <-> worsening)."""
        return _TRAVEL_REVERSED[self]


_TRAVEL_SYMBOLS = {
    Travel.IMPROVING: "↑",
    Travel.SAME: "→",
    Travel.WORSENING: "↓",
    Travel.NO_COMPARISON: "–",
}
_TRAVEL_LABELS = {
    Travel.IMPROVING: "Improving",
    Travel.SAME: "No change",
    Travel.WORSENING: "Worsening",
    Travel.NO_COMPARISON: "No comparison",
}
_TRAVEL_REVERSED = {
    Travel.IMPROVING: Travel.WORSENING,
    Travel.SAME: Travel.SAME,
    Travel.WORSENING: Travel.IMPROVING,
    Travel.NO_COMPARISON: Travel.NO_COMPARISON,
}


class TargetBasis(StrEnum):
    """Where the quarter's target came from, so a reader knows what the actual is judged against."""

    ANNUAL = "annual"  # the measure's own target (a snapshot measure at or after its target period)
    TRAJECTORY = "trajectory"  # a step on the line from the baseline to a later target (`targets.target_for`)
    PROFILED = "profiled"  # a target the Benefits Review Plan set for this quarter
    YEAR_TO_DATE = "year_to_date"  # a straight-line share of a cumulative measure's annual target
    NONE = "none"  # no target: monitor only

    @property
    def note(self) -> str:
        return _BASIS_NOTES[self]


_BASIS_NOTES = {
    TargetBasis.ANNUAL: "",
    TargetBasis.TRAJECTORY: "on the way to the end target",
    TargetBasis.PROFILED: "profiled",
    TargetBasis.YEAR_TO_DATE: "year to date",
    TargetBasis.NONE: "no target",
}
