"""Counts in words, as the screens show them: "1 project", "1,204 projects"."""

from __future__ import annotations


def plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"
