"""When a measure is due: "not due this quarter" is not "missing"."""

from __future__ import annotations

from projtui.domain.enums import Frequency

# Annual measures report at the year end, half-yearly ones at Q2 and Q4.
_DUE_QUARTERS = {
    Frequency.MONTHLY: {1, 2, 3, 4},
    Frequency.QUARTERLY: {1, 2, 3, 4},
    Frequency.HALF_YEARLY: {2, 4},
    Frequency.ANNUALLY: {4},
}


def due_quarters(frequency: Frequency | str) -> frozenset[int]:
    return frozenset(_DUE_QUARTERS[Frequency(frequency)])


def is_due(frequency: Frequency | str, quarter: int) -> bool:
    return quarter in _DUE_QUARTERS[Frequency(frequency)]
