"""Record codes (A1, SP-01, B2, M10): their human sort order and the next code to offer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_DIGITS = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple:
    """Sort key that orders digit runs by value: SP-2 before SP-10, M9 before M10."""
    # re.split with a group alternates text and digits, so positions always
    # compare like with like; the raw code breaks ties (SP-1 vs SP-01).
    parts = tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(code))
    return parts, code


def next_measure_code(taken: Sequence[str]) -> str:
    """The first `M{n}` not taken (compared without case), as the snapshot reader assigns them."""
    used = {code.casefold() for code in taken}
    n = 1
    while f"m{n}" in used:
        n += 1
    return f"M{n}"


_PREFIXES = {"output": "O", "outcome": "OC", "benefit": "B", "measure": "M"}


def suggest_code(kind: str, taken: Sequence[str]) -> str:
    """A code to offer for a new item: O{n}, OC{n}, B{n}, M{n}, one past the highest in use."""
    if kind not in _PREFIXES:
        raise ValueError(f"kind must be one of {', '.join(_PREFIXES)}, not {kind!r}")
    prefix = _PREFIXES[kind]
    pattern = re.compile(rf"^{prefix}(\d+)$", re.IGNORECASE)
    numbers = [int(m.group(1)) for code in taken if (m := pattern.match(code))]
    used = {code.casefold() for code in taken}
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}".casefold() in used:
        n += 1
    return f"{prefix}{n}"


_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def next_project_code(taken: Iterable[str]) -> str:
    """The code to offer for a new project: one past the highest number of the prefix most codes share.

    SP-01 … SP-17 → SP-18 (padded as the codes are); SP-9, SP-10 → SP-11;
    gaps are not refilled, as a retired code may still be quoted in old
    reports. With no numbered code yet, SP-01. Prefixes are compared
    without case, so sp-01 and SP-02 are one series.
    """
    return next_in_series(taken, first="SP-01")  # the strategic-project style of the sample portfolio


def next_risk_code(taken: Iterable[str]) -> str:
    """The code to offer for a project's new risk or issue, by the same rule as projects': R01 first, then R02 …"""
    return next_in_series(taken, first="R01")


def next_in_series(taken: Iterable[str], *, first: str) -> str:
    """One past the highest number of the prefix most of `taken` share (see `next_project_code`); `first` when none is numbered."""
    numbers: dict[str, list[str]] = {}  # prefix, casefolded → the digit runs after it
    spelling: dict[str, str] = {}  # prefix, casefolded → as the codes first write it
    for code in taken:
        if match := _NUMBERED.match(code):
            key = match.group(1).casefold()
            numbers.setdefault(key, []).append(match.group(2))
            spelling.setdefault(key, match.group(1))
    if not numbers:
        return first
    key = min(numbers, key=lambda p: (-len(numbers[p]), p))  # the most used prefix; ties by name, to be stable
    digits = numbers[key]
    # One past the highest is free whatever the case or padding of the others: no code of this prefix is higher.
    return f"{spelling[key]}{max(int(d) for d in digits) + 1:0{min(len(d) for d in digits)}d}"


def next_ambition_code(taken: Iterable[str]) -> str:
    """The code to offer for a new Council Plan ambition, by the same rule as projects': A1 first, then A2 …"""
    return next_in_series(taken, first="A1")


def next_priority_code(ambition: str, taken: Iterable[str]) -> str:
    """The code to offer for an ambition's new priority: A1.1 first under A1, then one past the highest (A1.3 after A1.2)."""
    return next_in_series(taken, first=f"{ambition}.1")
