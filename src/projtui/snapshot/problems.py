"""Problems in a TOML file that pydantic validates, each with its file, line, key and value.

Shared by the snapshot reader and the settings (config.toml): both want every
problem at once, as `file:line: key: what is wrong (got value)`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence

from projtui.domain.errors import NO_VALUE, Problem
from projtui.snapshot.locate import LineIndex

Loc = tuple[str | int, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_QUOTED = re.compile(r"'([^']*)'")


class Report:
    """Collects problems, turning paths into `file:line` and `projects[3].code`."""

    def __init__(self, source: str, text: str):
        self.source = source
        self.text = text
        self.found: list[tuple[int | None, Problem]] = []
        self._lines: LineIndex | None = None

    def line(self, loc: Loc) -> int | None:
        if self._lines is None:  # scanned only when there is something to report
            self._lines = LineIndex(self.text)
        return self._lines.line_of(loc)

    def add(self, loc: Loc, value: object, message: str) -> None:
        line = self.line(loc)
        location = self.source if line is None else f"{self.source}:{line}"
        self.found.append((line, Problem(location, field_name(loc), value, message)))

    def pydantic_error(self, error: dict) -> None:
        # "[key]" marks an error in a dict key rather than its value; the key is already in the path.
        loc = tuple(part for part in error["loc"] if part != "[key]")
        value = error.get("input", NO_VALUE)
        if error["type"] == "missing" or isinstance(value, (dict, list)):
            value = NO_VALUE  # a whole table in an error line helps nobody; the path says which
        self.add(loc, value, message_of(error))

    def sorted(self) -> list[Problem]:
        # By line (problems with no line last), then field; stable otherwise.
        found = sorted(self.found, key=lambda item: (item[0] is None, item[0] or 0, item[1].field))
        return [problem for _, problem in found]


def field_name(loc: Sequence[str | int]) -> str:
    """`("projects", 3, "actuals", "2024/25 Q1")` -> `projects[3].actuals["2024/25 Q1"]`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def syntax_problem(exc: tomllib.TOMLDecodeError, text: str, source: str) -> Problem:
    message = str(exc)
    match = _TOML_POSITION.search(message)
    reason = message[: match.start()] if match else message
    if match is None:  # no position given: say what tomllib said, about the whole file
        location, detail = source, ""
    elif match.group(1):
        location, detail = f"{source}:{match.group(1)}", f" (column {match.group(2)})"
    else:  # "at end of document": point at the last line with anything on it
        location, detail = f"{source}:{len(text.rstrip().split(chr(10)))}", " (at end of file)"
    reason = reason[:1].lower() + reason[1:]
    return Problem(location, "", NO_VALUE, f"invalid TOML: {reason}{detail}")



def message_of(error: dict) -> str:
    """Pydantic's message, shortened to what a person editing the file needs."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return "must be one of: " + ", ".join(_QUOTED.findall(ctx["expected"]))
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a table"  # not "a valid dictionary or instance of Plan"
    if kind == "list_type":
        return "must be an array"
    if kind == "string_pattern_mismatch":
        return "not a valid code: letters, digits and . _ / - only, starting with a letter or digit"
    message = error["msg"]
    for prefix, replacement in (("Value error, ", ""), ("Assertion failed, ", ""), ("Input should be ", "must be ")):
        if message.startswith(prefix):
            message = replacement + message[len(prefix) :]
    return message
