"""What the status rules need to know about a measure, checked once: ``MeasureRule``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

from projtui.domain.enums import Aggregation, Direction, Frequency
from projtui.domain.quarter import Quarter

__all__ = ["NO_PROFILE", "POUND_UNITS", "REL_EPSILON", "RULE_FIELDS", "MeasureRule", "finite", "in_pounds"]

# Figures are typed in to a few decimal places, but arithmetic on them is
# binary: 0.9 - 0.9 * 10 / 100 is not exactly the 0.81 an officer typed. A
# value that agrees with a boundary to about nine significant figures counts
# as meeting it, so "exactly on target" and "exactly at the edge of
# tolerance" rate the way the officer expects. The slack depends only on
# the boundary, never on the actual, so status stays monotone in the actual.
REL_EPSILON = 1e-9

# Units that mean pounds (not £k or £m): figures in them are money, so a
# target on the straight line stops at pence (see targets._on_the_line).
POUND_UNITS = frozenset({"£", "gbp", "pounds", "£s"})


def in_pounds(unit: str | None) -> bool:
    """Whether figures in ``unit`` are money (pounds), for a measure that has no rule too (its definition cannot be rated)."""
    return (unit or "").strip().casefold() in POUND_UNITS


# No profiled targets: the default wherever profiled targets may be passed.
NO_PROFILE: Mapping[Quarter, float] = MappingProxyType({})


def finite(name: str, value: float | None) -> float | None:
    """``value`` as a float, None kept; TypeError or ValueError naming ``name`` for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {value!r}")
    value = float(value)
    # NaN would compare false both ways and silently rate as off target.
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


def _period(name: str, value: Quarter | str | None) -> Quarter | None:
    if value is None or isinstance(value, Quarter):
        return value
    if isinstance(value, str):
        return Quarter.parse(value)  # ValueError names the bad label
    raise TypeError(f"{name} must be a quarter, not {value!r}")


@dataclass(frozen=True, slots=True)
class MeasureRule:
    """What the status rules need to know about a measure.

    ``target`` is the end target, to be met by ``target_period``; for a range
    measure it is the bottom of the band and ``target_max`` the top.
    ``baseline`` is the starting figure, measured in ``baseline_period``;
    the two periods place the trajectory ``target_for`` follows (quarters,
    or labels such as ``"2024/25 Q4"``). ``tolerance`` is the amber band as
    a percentage of the target (5 means "amber when missed by no more than
    5 %"); None or 0 means no amber band. No target means the measure is
    monitor only.
    """

    direction: Direction = Direction.HIGHER
    target: float | None = None
    target_max: float | None = None
    tolerance: float | None = None
    aggregation: Aggregation = Aggregation.SNAPSHOT
    frequency: Frequency = Frequency.QUARTERLY
    baseline: float | None = None
    baseline_period: Quarter | None = None
    target_period: Quarter | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        # The store keeps enums as plain strings; accept them here once
        # rather than at every call site.
        set_ = object.__setattr__
        set_(self, "direction", Direction(self.direction))
        set_(self, "aggregation", Aggregation(self.aggregation))
        set_(self, "frequency", Frequency(self.frequency))
        for name in ("target", "target_max", "tolerance", "baseline"):
            set_(self, name, finite(name, getattr(self, name)))
        for name in ("baseline_period", "target_period"):
            set_(self, name, _period(name, getattr(self, name)))
        if self.tolerance is not None and not 0 <= self.tolerance <= 100:
            raise ValueError(f"tolerance is a percentage from 0 to 100, not {self.tolerance}")
        if self.direction is Direction.RANGE:
            if (self.target is None) != (self.target_max is None):
                raise ValueError("a range measure needs both target and target_max")
            if self.target is not None and self.target_max is not None and self.target > self.target_max:
                raise ValueError(f"target (bottom of the range) {self.target} is above target_max {self.target_max}")
        elif self.target_max is not None:
            raise ValueError('target_max applies only when direction = "range"')

    @classmethod
    def from_measure(cls, measure: Any) -> MeasureRule:
        """Build the rule from anything with the measure's attributes.

        A ``MeasureFields`` model, a store row or a read model all do. Every
        attribute must be there: a missing ``tolerance`` quietly read as "no
        amber band" would turn ambers red.
        """
        return cls(
            direction=measure.direction,
            target=measure.target,
            target_max=measure.target_max,
            tolerance=measure.tolerance,
            aggregation=measure.aggregation,
            frequency=measure.frequency,
            baseline=measure.baseline,
            baseline_period=measure.baseline_period,
            target_period=measure.target_period,
            unit=measure.unit,
        )

    @property
    def monitor_only(self) -> bool:
        """No annual target, or no better way to go: the measure shows a trend only (unless a quarter is profiled)."""
        return self.target is None or not self.direction.rated

    @property
    def in_pounds(self) -> bool:
        return in_pounds(self.unit)

    @property
    def cumulative(self) -> bool:
        return self.aggregation is Aggregation.CUMULATIVE



# The measure's attributes a rule is made of, named as the store's measure
# columns: a query that reads measures to rate them selects these, so a field
# added to the rule (the unit, for money) reaches every such query at once.
RULE_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(MeasureRule))
