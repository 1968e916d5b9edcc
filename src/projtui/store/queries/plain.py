"""Helpers for plain SQL text read with `Database.fetch`: IN (...) lists a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 500  # values per IN (...) list: well inside SQLite's and PostgreSQL's parameter limits


def in_list(name: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """`(:name0, :name1, ...)` for `values`, which are added to `params` (one chunk of at most CHUNK)."""
    params.update({f"{name}{i}": value for i, value in enumerate(values)})
    return "(" + ", ".join(f":{name}{i}" for i in range(len(values))) + ")"


def chunks(values: Iterable[T], size: int | None = CHUNK) -> Iterator[list[T]]:
    """The values in lists of at most `size` (in one list when None), in their order; no list when there are none.

    The one cutting loop: `store.queries.chunks.rows_in` uses it too, and it lives here because
    this module imports no SQLAlchemy, which the first portfolio screen must not load.
    """
    values = values if isinstance(values, list) else list(values)
    size = size or max(len(values), 1)  # None: every value in one list (and none when there are none)
    for start in range(0, len(values), size):
        yield values[start : start + size]
