"""Helpers for plain SQL text read with `Database.fetch`: IN (...) lists a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

CHUNK = 500  # values per IN (...) list: well inside SQLite's and PostgreSQL's parameter limits


def in_list(name: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """`(:name0, :name1, ...)` for `values`, which are added to `params` (one chunk of at most CHUNK)."""
    params.update({f"{name}{i}": value for i, value in enumerate(values)})
    return "(" + ", ".join(f":{name}{i}" for i in range(len(values))) + ")"


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
