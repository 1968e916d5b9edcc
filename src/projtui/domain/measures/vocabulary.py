"""The words a measure's quarter is described in: its status, its direction of travel, where its target came from.

Each status and travel carries its symbol (a shape as well as a colour, for
monochrome terminals and colour-blind readers) and the label a report
prints, so every screen and export names them the same way.
"""

from __future__ import annotations

from enum import StrEnum

from projtui.domain.enums import Rag

__all__ = ["MeasureStatus", "Outlook", "TargetBasis", "Travel"]


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
    """Direction of travel: did performance get better or worse?

    A measure with direction "none" has no better or worse: its figure goes
    up or down (or stays the same), in words that judge nothing.
    """

    IMPROVING = "improving"
    SAME = "same"
    WORSENING = "worsening"
    NO_COMPARISON = "no_comparison"
    UP = "up"
    DOWN = "down"

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

    @property
    def judges(self) -> bool:
        """Whether it says better or worse (all but a direction-"none" measure's up and down)."""
        return self not in (Travel.UP, Travel.DOWN)


_TRAVEL_SYMBOLS = {
    Travel.IMPROVING: "↑",
    Travel.SAME: "→",
    Travel.WORSENING: "↓",
    Travel.NO_COMPARISON: "–",
    # Slanted, not upright: the raw figure's way, which judges nothing, must
    # not read as the upright arrows' "improving" and "worsening".
    Travel.UP: "↗",
    Travel.DOWN: "↘",
}
_TRAVEL_LABELS = {
    Travel.IMPROVING: "Improving",
    Travel.SAME: "No change",
    Travel.WORSENING: "Worsening",
    Travel.NO_COMPARISON: "No comparison",
    Travel.UP: "Up",
    Travel.DOWN: "Down",
}
_TRAVEL_REVERSED = {
    Travel.IMPROVING: Travel.WORSENING,
    Travel.SAME: Travel.SAME,
    Travel.WORSENING: Travel.IMPROVING,
    Travel.NO_COMPARISON: Travel.NO_COMPARISON,
    Travel.UP: Travel.DOWN,
    Travel.DOWN: Travel.UP,
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


class Outlook(StrEnum):
    """Where a measure's trend says it will end up against its target: the realisation forecast's verdict."""

    MEET = "meet"
    WITHIN_TOLERANCE = "within_tolerance"
    MISS = "miss"
    NO_TARGET = "no_target"  # monitor only, or direction "none": a trend, never a verdict
    TOO_FEW = "too_few"  # fewer quarterly figures than a trend needs

    @classmethod
    def from_status(cls, status: MeasureStatus) -> Outlook:
        """The verdict the rating rule gives the forecast figure."""
        return _OUTLOOK_OF_STATUS.get(status, cls.NO_TARGET)

    @property
    def symbol(self) -> str:
        return _OUTLOOK_SYMBOLS[self]

    @property
    def label(self) -> str:
        return _OUTLOOK_LABELS[self]

    @property
    def rag(self) -> Rag:
        return _OUTLOOK_RAG[self]


_OUTLOOK_OF_STATUS = {
    MeasureStatus.ON_TARGET: Outlook.MEET,
    MeasureStatus.WITHIN_TOLERANCE: Outlook.WITHIN_TOLERANCE,
    MeasureStatus.OFF_TARGET: Outlook.MISS,
}
_OUTLOOK_SYMBOLS = {
    Outlook.MEET: _STATUS_SYMBOLS[MeasureStatus.ON_TARGET],
    Outlook.WITHIN_TOLERANCE: _STATUS_SYMBOLS[MeasureStatus.WITHIN_TOLERANCE],
    Outlook.MISS: _STATUS_SYMBOLS[MeasureStatus.OFF_TARGET],
    Outlook.NO_TARGET: _STATUS_SYMBOLS[MeasureStatus.MONITOR_ONLY],
    Outlook.TOO_FEW: "–",
}
_OUTLOOK_LABELS = {
    Outlook.MEET: "Will meet target",
    Outlook.WITHIN_TOLERANCE: "Will be within tolerance",
    Outlook.MISS: "Will miss target",
    Outlook.NO_TARGET: "No target",
    Outlook.TOO_FEW: "Too few quarters to forecast",
}
_OUTLOOK_RAG = {
    Outlook.MEET: Rag.GREEN,
    Outlook.WITHIN_TOLERANCE: Rag.AMBER,
    Outlook.MISS: Rag.RED,
    Outlook.NO_TARGET: Rag.NOT_SET,
    Outlook.TOO_FEW: Rag.NOT_SET,
}
