"""A spreadsheet cell's value as the field it fills: text, a date, pence, a figure, yes/no, a quarter.

A workbook cell arrives typed (a number, a date, text, a formula's cached
result); a CSV cell is always text. Typed values are taken as they are,
never re-read from how the cell displays; text is read as a person typed it,
by the same rules as the forms (`domain.parsing`). Each function raises
ValueError in words a person can act on; a blank cell is None.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum

from projtui.domain.parsing import parse_date, parse_number, parse_pence
from projtui.domain.quarter import Quarter

_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SEPARATORS = re.compile(r"[\s-]+")
# The spaces the record models strip (Unicode White_Space, as pydantic does). Python's own strip()
# takes \x1c-\x1f too, which a record keeps: a title read back must be the title written.
_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_EXACT = 2**53  # below it every whole number is a float, and repr writes it digit for digit


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_SPACE))


def text(value: object) -> str | None:
    """The cell as text: a whole number without ".0" (a code such as 101), a date as 2026-04-01."""
    if type(value) is str:  # most cells, so first: one strip, not two
        return value.strip(_SPACE) or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return _day(value).isoformat()
    return str(value).strip()


def written(value: object) -> str | None:
    """Free text exactly as written, spaces and line breaks kept (a record's Text); an empty cell is None."""
    if type(value) is str:
        return value or None
    return text(value)


def day(value: object) -> dt.date | None:
    """A date cell, or text as 2026-04-01 or 01/04/2026 (day first, as in the UK)."""
    if blank(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return _day(value)
    if isinstance(value, str):
        if match := _UK_DATE.match(value.strip()):
            dd, mm, yyyy = (int(part) for part in match.groups())
            try:
                return dt.date(yyyy, mm, dd)
            except ValueError:
                raise ValueError("no such date") from None
        try:
            return parse_date(value)
        except ValueError:
            raise ValueError("not a date: use a date cell, or write 2026-04-01 or 01/04/2026") from None
    raise ValueError("not a date: use a date cell, or write 2026-04-01 or 01/04/2026")


def pence(value: object) -> int | None:
    """Pounds as a number cell (1250000.5) or as text ("£1,250,000") → integer pence."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("enter pounds, e.g. 1,250,000 or 99.95")
    if type(value) is int and 0 <= value < _EXACT:
        return value * 100
    if type(value) is float and value.is_integer() and 0 <= value < _EXACT:
        return int(value) * 100  # whole pounds, most budgets: the same as below, without the Decimal
    if isinstance(value, (int, float)):
        # repr is the shortest text that is this float, so 0.1 stays 0.1 and not 0.1000000000000000055…
        pounds = Decimal(repr(float(value)))
        if pounds < 0:
            raise ValueError("must not be negative")
        amount = pounds * 100
        if amount != amount.to_integral_value():
            raise ValueError("at most two decimal places (pence)")
        return int(amount)
    return parse_pence(str(value))


def figure(value: object) -> float | None:
    """A number cell, or text such as "1,234.5"."""
    if blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        raise ValueError("enter a number, e.g. 42 or 12.5")
    if isinstance(value, (int, float)):
        return float(value) + 0.0
    return parse_number(str(value))


def flag(value: object) -> bool:
    """yes/no, y/n, true/false, 1/0 (a tick box's TRUE/FALSE too); blank is no."""
    if blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = str(value).strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError("must be yes or no (or y/n, true/false, 1/0, or blank for no)")


def quarter(value: object) -> Quarter:
    """Any accepted quarter label; the error names the value (see `domain.quarter`)."""
    return Quarter.parse(value if isinstance(value, str) else text(value) or "")


def period(value: object) -> Quarter | None:
    """A quarter, or None for a blank cell."""
    return None if blank(value) else quarter(value)


def whole(value: object) -> int | None:
    """A whole number cell (3, or 3.0 as Excel keeps it), or text such as "3"."""
    if blank(value):
        return None
    number = figure(value)
    if number is None or not number.is_integer():
        raise ValueError("enter a whole number, e.g. 3")
    return int(number)


def choice(value: object, choices: type[StrEnum]) -> str | None:
    """One of an enum's values, matched as headers are ("Cash releasing", "cash-releasing", "CASH_RELEASING")."""
    written_as = text(value)
    if written_as is None:
        return None
    wanted = _loose_word(written_as)
    for member in choices:
        if wanted in (_loose_word(member.value), _loose_word(member.name)):
            return member.value
    raise ValueError(f"must be one of: {', '.join(member.value for member in choices)}")


def codes(value: object) -> list[str]:
    """Codes listed in one cell, ";" between (how a workbook writes a link list); blank is none."""
    return [part.strip() for part in (text(value) or "").split(";") if part.strip()]


def _loose_word(word: str) -> str:
    return _SEPARATORS.sub("", word.replace("_", " ")).casefold()


def word(value: object) -> str | None:
    """A choice as written in a cell ("On hold", "on-hold") as its stored value ("on_hold")."""
    written = text(value)
    return None if written is None else _SEPARATORS.sub("_", written.casefold())


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
