"""Text a person typed, in a form box or a spreadsheet cell, read as money, a figure or a date.

One reading for every way in, so "£1,250,000" is the same pence whether it
was typed into the project form or arrived in a council's register; each
ValueError says, in a few words, what to type instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

_MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_pence(text: str) -> int:
    """Pounds as typed ("£1,250,000", "99.5", "1 000") to integer pence; ValueError says what is wrong."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "").replace("_", "")
    if cleaned.startswith("-"):
        raise ValueError("must not be negative")
    if not _MONEY.match(cleaned):
        if re.match(r"^\d+\.\d{3,}$", cleaned):
            raise ValueError("at most two decimal places (pence)")
        raise ValueError("enter pounds, e.g. 1,250,000 or 99.95")
    try:
        pence = Decimal(cleaned) * 100
    except InvalidOperation:
        raise ValueError("enter pounds, e.g. 1,250,000 or 99.95") from None
    return int(pence)


def parse_number(text: str) -> float:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        raise ValueError("enter a number, e.g. 42 or 12.5") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError("enter a finite number")
    return value + 0.0


def marked_provisional(text: str) -> bool:
    """A figure typed with a trailing p ("87000p") is marked provisional."""
    return text.rstrip()[-1:] in ("p", "P")


def parse_actual(text: str) -> tuple[float, bool]:
    """A quarter's figure as typed in review mode, and whether it is marked provisional: "87000p" is 87000, provisional."""
    stripped = text.strip()
    provisional = marked_provisional(stripped)
    return parse_number(stripped[:-1] if provisional else stripped), provisional


def parse_date(text: str) -> dt.date:
    stripped = text.strip()
    if not _DATE.match(stripped):
        raise ValueError("enter a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(stripped)
    except ValueError:
        raise ValueError("no such date") from None
