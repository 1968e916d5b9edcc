"""Financial quarters of a UK local-government year (April to March).

Contract (DESIGN.md, "Quarters"): a quarter is stored as two integers,
``fy_start_year`` and ``quarter`` (1-4), and always written in the canonical
form ``2024/25 Q1`` (Q1 = April-June 2024, Q4 = January-March 2025). Input
may also be ``FY24/25 Q1``, ``FY2024/25 Q1``, ``2024-25 Q1``, ``Q1 2024/25``
or ``Q1 2024-25``, in any letter case and with loose spacing; nothing else is
accepted, and the second year must follow the first.

``to_quarter`` is what pydantic models validate a quarter with (their
``QuarterLabel`` type lives with them, in ``domain.records``, so reading a
quarter needs no pydantic).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MIN_YEAR = 1900
MAX_YEAR = 2199

# The financial year starts in April; month numbers are offsets from it.
_FIRST_MONTH = 4

# "2024/25", "2024-25", "FY2024/25", "FY24/25". A bare "24/25" is refused:
# without the FY prefix two digits read as a day/month or a ratio, not a year.
_YEARS = r"""
    (?: FY \s* (?P<short>\d{2}) | (?:FY\s*)? (?P<long>\d{4}) )
    \s* [/-] \s*
    (?P<end>\d{2})
"""
_QUARTER = r"Q \s* (?P<quarter>[1-4])"
_FLAGS = re.IGNORECASE | re.VERBOSE | re.ASCII  # ASCII: no other scripts' digits
_YEAR_FIRST = re.compile(rf"{_YEARS} \s* {_QUARTER}", _FLAGS)
_QUARTER_FIRST = re.compile(rf"{_QUARTER} \s* {_YEARS}", _FLAGS)
_YEAR = re.compile(_YEARS, _FLAGS)


def _not_a_quarter(text: object) -> ValueError:
    # The CLI and the snapshot reader print this as is, so keep it one line.
    return ValueError(f"not a financial quarter: {text!r} (expected e.g. '2024/25 Q1')")


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """One quarter of the financial year that starts in April of ``fy_start_year``.

    Field order makes the generated ordering chronological.
    """

    fy_start_year: int
    quarter: int

    def __post_init__(self) -> None:
        # bool is an int subclass; Quarter(True, 1) is always a mistake.
        if not isinstance(self.fy_start_year, int) or isinstance(self.fy_start_year, bool):
            raise ValueError(f"financial year must be an integer, not {self.fy_start_year!r}")
        if not isinstance(self.quarter, int) or isinstance(self.quarter, bool):
            raise ValueError(f"quarter must be an integer, not {self.quarter!r}")
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1 to 4, not {self.quarter}")
        if not MIN_YEAR <= self.fy_start_year <= MAX_YEAR:
            raise ValueError(f"financial year must start in {MIN_YEAR} to {MAX_YEAR}, not {self.fy_start_year}")

    # -- text ---------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read any accepted form (see the module docstring); ValueError otherwise."""
        if not isinstance(text, str):
            raise _not_a_quarter(text)
        return _parse_label(text)

    @classmethod
    def from_label(cls, text: str | None) -> Quarter | None:
        """A stored label read back: None when there is none or it cannot be read (`projtui check` reports those)."""
        if not text:
            return None
        try:
            return cls.parse(text)
        except ValueError:
            return None

    def __str__(self) -> str:
        return f"{self.financial_year} Q{self.quarter}"

    @property
    def label(self) -> str:
        """The canonical label, e.g. ``2024/25 Q1``."""
        return str(self)

    @property
    def financial_year(self) -> str:
        """The financial year, e.g. ``2024/25``."""
        return year_label(self.fy_start_year)

    # -- calendar -----------------------------------------------------------

    @property
    def start_date(self) -> dt.date:
        """First day of the quarter (1 April for Q1)."""
        return _month_start(self.fy_start_year, 3 * (self.quarter - 1))

    @property
    def end_date(self) -> dt.date:
        """Last day of the quarter (31 March for Q4)."""
        # Computed from the month offset rather than next(), which does not
        # exist for the last representable quarter.
        return _month_start(self.fy_start_year, 3 * self.quarter) - dt.timedelta(days=1)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter that ``day`` falls in."""
        offset = (day.month - _FIRST_MONTH) % 12
        start_year = day.year if day.month >= _FIRST_MONTH else day.year - 1
        return cls(start_year, offset // 3 + 1)

    @classmethod
    def current(cls, today: dt.date | None = None) -> Quarter:
        """The quarter containing ``today`` (the system date if not given)."""
        return cls.containing(dt.date.today() if today is None else today)

    # -- arithmetic ---------------------------------------------------------

    @property
    def ordinal(self) -> int:
        """Consecutive quarters have consecutive ordinals."""
        return self.fy_start_year * 4 + self.quarter - 1

    @classmethod
    def from_ordinal(cls, n: int) -> Quarter:
        """Inverse of ``ordinal``."""
        return _from_ordinal(n)

    def shift(self, n: int) -> Quarter:
        """The quarter ``n`` quarters later (earlier if ``n`` is negative)."""
        return Quarter.from_ordinal(self.ordinal + n)

    def next(self) -> Quarter:
        return self.shift(1)

    def previous(self) -> Quarter:
        return self.shift(-1)

    def same_quarter_last_year(self) -> Quarter:
        """For year-on-year comparison of a quarterly actual."""
        return self.shift(-4)

    @classmethod
    def range(cls, first: Quarter, last: Quarter) -> list[Quarter]:
        """Quarters from ``first`` to ``last``, both included; empty if ``first`` is later."""
        return list(quarters_between(first, last))


# A snapshot holds a few dozen distinct labels hundreds of thousands of times
# over; Quarter is immutable, so one parse per label is enough. Refused text
# raises and is not cached.
@functools.lru_cache(maxsize=4096)
def _parse_label(text: str) -> Quarter:
    stripped = text.strip()
    match = _YEAR_FIRST.fullmatch(stripped) or _QUARTER_FIRST.fullmatch(stripped)
    if match is None:
        raise _not_a_quarter(text)
    start = _start_year(match)
    if start is None:
        raise _not_a_quarter(text)
    try:
        return Quarter(start, int(match["quarter"]))
    except ValueError:
        raise _not_a_quarter(text) from None


def _start_year(match: re.Match[str]) -> int | None:
    """The first calendar year of a matched financial year; None when the second year does not follow it."""
    # Two-digit years are this century's: the tool records current
    # programmes, not 1990s ones.
    start = int(match["long"]) if match["long"] else 2000 + int(match["short"])
    return start if int(match["end"]) == (start + 1) % 100 else None


def year_label(fy_start_year: int) -> str:
    """The financial year that starts in April of ``fy_start_year``, e.g. ``2024/25``."""
    return f"{fy_start_year}/{(fy_start_year + 1) % 100:02d}"


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """A whole financial year (April to March), for figures published once a year such as a benchmark's."""

    start_year: int

    def __post_init__(self) -> None:
        if not isinstance(self.start_year, int) or isinstance(self.start_year, bool) or not MIN_YEAR <= self.start_year <= MAX_YEAR:
            raise ValueError(f"financial year must start in {MIN_YEAR} to {MAX_YEAR}, not {self.start_year!r}")

    def __str__(self) -> str:
        return year_label(self.start_year)


def to_financial_year(value: Any) -> FinancialYear:
    """A FinancialYear from itself or a label written as a quarter's year is (``2023/24``, ``FY23/24``, ``2023-24``).

    ValueError for anything else, in one line.
    """
    if isinstance(value, FinancialYear):
        return value
    match = _YEAR.fullmatch(value.strip()) if isinstance(value, str) else None
    start = None if match is None else _start_year(match)
    if start is None or not MIN_YEAR <= start <= MAX_YEAR:
        raise ValueError(f"not a financial year: {value!r} (expected e.g. '2023/24')")
    return FinancialYear(start)


# As with labels: the status rules step between a few dozen quarters
# hundreds of thousands of times over (previous, last year, the trajectory).
@functools.lru_cache(maxsize=4096)
def _from_ordinal(n: int) -> Quarter:
    year, index = divmod(n, 4)
    return Quarter(year, index + 1)


def quarters_between(first: Quarter, last: Quarter) -> Iterator[Quarter]:
    """Yield quarters from ``first`` to ``last``, both included; none if ``first`` is later."""
    for n in range(first.ordinal, last.ordinal + 1):
        yield Quarter.from_ordinal(n)


def _month_start(fy_start_year: int, months_after_april: int) -> dt.date:
    year, month_index = divmod(_FIRST_MONTH - 1 + months_after_april, 12)
    return dt.date(fy_start_year + year, month_index + 1, 1)


def to_quarter(value: Any) -> Quarter:
    """A Quarter from a Quarter or any accepted label; anything else is refused."""
    if isinstance(value, Quarter):
        return value
    if isinstance(value, str):
        return Quarter.parse(value)
    # Other shapes (a {fy_start_year, quarter} table, a number) would reach
    # pydantic's dataclass validation and be accepted silently; the contract
    # is the label, so refuse them with the same message.
    raise _not_a_quarter(value)

