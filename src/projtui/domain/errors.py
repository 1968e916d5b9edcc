"""Errors the layers raise and the CLI/UI turn into one-line messages.

Every message names what and where, so `error: {message}` is enough.
"""

from __future__ import annotations

from dataclasses import dataclass


class ProjtuiError(Exception):
    """Base for errors a user can act on; never shown with a traceback."""

    exit_code = 1


class NamedNoFile(ProjtuiError):
    """A path given to read that is no file: the command line is wrong (exit 2), not the data."""

    exit_code = 2


class SchemaError(ProjtuiError):
    """The database's schema is not one this code can use."""


class BusyError(ProjtuiError):
    """Another writer held the database longer than we would wait; nothing was written."""


class NotFoundError(ProjtuiError):
    """A code that names nothing in the portfolio."""


class RuleError(ProjtuiError):
    """A change the domain rules refuse (e.g. the last ambition of a project in delivery)."""


class PermissionDenied(ProjtuiError):
    """The user's role does not allow the write; the message names the role it needs."""


class RefusedByDatabase(PermissionDenied):
    """PostgreSQL itself refused the connected role (team mode's grants and policies), in its words."""


NO_VALUE = object()  # Problem.value when the trouble is that a value is missing


@dataclass(frozen=True)
class Problem:
    """One thing wrong with input: where it is and what is wrong."""

    location: str  # "file:line" or a form/field name
    field: str  # dotted path, e.g. "projects[2].benefits[0].category"
    value: object
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        field = f"{self.field}: " if self.field else ""
        shown = "" if self.value is NO_VALUE else f" (got {_short(repr(self.value))})"
        return f"{where}{field}{self.message}{shown}"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"




class InvalidInput(ProjtuiError):
    """Input that failed validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid input")


class ConflictError(ProjtuiError):
    """Someone else changed the record since it was read (optimistic locking)."""

    def __init__(self, entity: str, key: str, expected_version: int, current: object | None):
        self.entity = entity
        self.key = key
        self.expected_version = expected_version
        self.current = current  # the record as it is now, or None when deleted
        if current is None:
            state, since = "deleted", f" at version {expected_version}"
        elif hasattr(current, "version"):
            state, since = f"changed (now version {current.version})", f" at version {expected_version}"
        else:  # a record guarded by its value, not a version (a year-end forecast): say what it is now
            state, since = f"changed (now {current})", ""
        super().__init__(
            f"{entity} {key} was {state} by someone else since you opened it{since}; reload and apply your change again"
        )
