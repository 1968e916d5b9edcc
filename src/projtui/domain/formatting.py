"""Figures and words as a person reads them: numbers, money, percentages, dates, counts, clipped text.

The screens, the report and the CLI all print through these, so the review
sheet shows ``98,000`` where the report does, and a count reads "1 project"
everywhere. (What a form puts in a box for editing is the exact figure, not
this: see ``ui.widgets.form``.) Quarters print as ``str(quarter)``, the
canonical ``2024/25 Q1``. Output does not depend on the locale, so reports
are deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from rich.cells import cell_len

__all__ = [
    "ELLIPSIS",
    "clip",
    "format_band",
    "format_date",
    "first_up",
    "format_list",
    "format_number",
    "format_percent",
    "format_pounds",
    "plural",
]

ELLIPSIS = "…"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def format_number(value: float | None, *, places: int = 6, exact: bool = False) -> str:
    """Thousands separators, no trailing ``.0``, binary noise rounded away: ``98,000``, ``35.9``.

    None is an empty string; each caller chooses its own "no value" mark.
    ``exact`` keeps every digit of the shortest text that reads back as the
    same float (``0.30000000000000004``), for a diff that must never show two
    different values alike, as ``format_pounds``' ``exact`` does for money.
    """
    if value is None:
        return ""
    if exact:
        text = f"{Decimal(repr(value)):,f}"  # `f`: never an exponent, 1e+20 in full
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return "0" if text == "-0" else text
    text = f"{round(value, places) + 0.0:,.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_band(low: float | None, high: float | None) -> str:
    """A target, or a range measure's band as ``70–85``; empty when there is no target."""
    if low is None:
        return ""
    return format_number(low) + ("" if high is None else f"–{format_number(high)}")


def format_pounds(pence: int | None, *, signed: bool = False, exact: bool = False) -> str:
    """Money from integer pence: ``£485,000``, ``£1,234.56``; ``signed`` adds + or − (a minus sign).

    ``exact`` always shows the pence (``£485,000.00``), for a diff that must show the value exactly as held.
    """
    if pence is None:
        return ""
    sign = "−" if pence < 0 else ("+" if signed and pence > 0 else "")
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}" + (f".{rest:02d}" if rest or exact else "")


def format_percent(fraction: float | None) -> str:
    """``72%`` from 0.72; whole per cent, which is as precise as achievement is meaningful."""
    if fraction is None:
        return ""
    return f"{round(fraction * 100) + 0:,}%"


def format_date(day: dt.date) -> str:
    """``1 July 2026``: the same in every locale, so output is deterministic."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count in words: ``1 project``, ``1,204 projects``; ``many`` defaults to ``one`` + "s"."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def first_up(text: str) -> str:
    """First letter up, the rest as written (``str.capitalize`` would lower "Q4" and "SRO")."""
    return text[:1].upper() + text[1:]


def format_list(items: Sequence[str], most: int) -> str:
    """``SP-01, SP-04 and SP-07``; past ``most`` items, the first ``most`` and how many more: ``SP-01, SP-04 and 35 more``."""
    shown = list(items[:most])
    if len(items) > most:
        shown.append(f"{len(items) - most:,} more")
    return f"{', '.join(shown[:-1])} and {shown[-1]}" if len(shown) > 1 else "".join(shown)


def clip(text: str, cells: int) -> str:
    """``text`` on one line, cut to fit ``cells`` terminal cells with an ellipsis.

    Counted in cells, not characters: a wide character (CJK, most emoji)
    takes two, so a clipped name never pushes the next column along.
    """
    flat = " ".join(text.split())
    if cell_len(flat) <= cells:
        return flat
    kept, used = [], 0
    for char in flat:
        used += cell_len(char)
        if used > cells - 1:  # one cell is the ellipsis's
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS if cells > 0 else ""


# user:password@ in a database URL, anywhere in a text (a URL may sit inside quotes or a sentence).
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*):[^@/\s]*@")


def without_password(text: str) -> str:
    """`postgresql://ann:secret@host/db` -> `postgresql://ann:***@host/db`: safe to show, log or paste into a ticket."""
    return _URL_PASSWORD.sub(r"\g<head>:***@", text)
