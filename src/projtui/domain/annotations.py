"""What a field's type annotation names, for the code that treats a record's fields by their kind."""

from __future__ import annotations

import typing
from collections.abc import Iterator


def types_in(annotation: object) -> Iterator[type]:
    """The classes a field's annotation names, however nested (`QuarterLabel | None`: Quarter and NoneType)."""
    if isinstance(annotation, type):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from types_in(arg)
