"""Record codes (A1, SP-01, B2, M10) and their human sort order."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple:
    """Sort key that orders digit runs by value: SP-2 before SP-10, M9 before M10."""
    # re.split with a group alternates text and digits, so positions always
    # compare like with like; the raw code breaks ties (SP-1 vs SP-01).
    parts = tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(code))
    return parts, code
