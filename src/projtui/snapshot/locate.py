"""Line numbers for paths into TOML text.

tomllib returns plain dicts with no positions, but an error that says
"line 212" is worth far more than one that says "projects[41]". This is a
small line scanner, not a TOML parser: it follows table headers (counting
`[[array]]` entries the way TOML does), notes the line of every key, and
skips what can hide header-like text: comments, strings (multi-line ones
included) and values that span lines (arrays, inline tables).

It only needs to be right for files in ordinary layouts (hand-written or
exported). The file has already parsed, so it is valid TOML; on anything
surprising the scan stops and lookups fall back to what it found so far.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def locate(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of `path` in `text`, or None when it cannot tell."""
    return LineIndex(text).line_of(path)


class LineIndex:
    """Scan once, then look up many paths (a bad file can have hundreds of problems)."""

    def __init__(self, text: str):
        self._lines: dict[Path, int] = {}
        try:
            _Scanner(text, self._lines).run()
        except Exception:  # never let a locator bug hide the real problem
            pass

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of `path`, else of its nearest recorded ancestor (key, or enclosing table header).

        A path into an inline table or array (`actuals = { ... }`) lands on
        the key's line; a missing key lands on its table's header. The
        document root has no line.
        """
        path = tuple(path)
        while path:
            line = self._lines.get(path)
            if line is not None:
                return line
            path = path[:-1]
        return None


class _Scanner:
    def __init__(self, text: str, lines: dict[Path, int]):
        # tomllib counts "\n" only, so split the same way (not splitlines()).
        self.rows = text.split("\n")
        self.lines = lines
        self.table: Path = ()
        self.array_counts: dict[Path, int] = {}  # concrete path of an array of tables -> entries so far

    def run(self) -> None:
        number = 0
        while number < len(self.rows):
            number = self._statement(number)

    def _record(self, path: Path, number: int) -> None:
        # The first mention wins: for a table, its header; for a key, its line.
        self.lines.setdefault(path, number + 1)

    def _statement(self, number: int) -> int:
        """Handle the statement starting on row `number`; return the next row to read."""
        row = self.rows[number]
        i = _skip_space(row, 0)
        if i >= len(row) or row[i] == "#" or row[i] == "\r":
            return number + 1
        if row.startswith("[[", i):
            self._array_header(_parse_key(row, i + 2)[0], number)
            return number + 1
        if row[i] == "[":
            self._table_header(_parse_key(row, i + 1)[0], number)
            return number + 1
        parts, i = _parse_key(row, i)
        full = self.table + tuple(parts)
        for end in range(len(self.table) + 1, len(full) + 1):
            self._record(full[:end], number)
        i = _skip_space(row, i)
        if i >= len(row) or row[i] != "=":
            raise ValueError("not a key/value line")
        return _skip_value(self.rows, number, i + 1)

    def _resolve(self, parts: list[str]) -> Path:
        """Concrete path of a header's key: array names get their current (last) index."""
        path: Path = ()
        for part in parts:
            path += (part,)
            if path in self.array_counts:
                path += (self.array_counts[path] - 1,)
        return path

    def _array_header(self, parts: list[str], number: int) -> None:
        # A new [[projects]] entry gets fresh child arrays for free: the
        # counters are keyed by concrete path, which includes its index.
        array = self._resolve(parts[:-1]) + (parts[-1],)
        index = self.array_counts.get(array, 0)
        self.array_counts[array] = index + 1
        self.table = array + (index,)
        self._record(array, number)
        self._record(self.table, number)

    def _table_header(self, parts: list[str], number: int) -> None:
        self.table = self._resolve(parts)
        self._record(self.table, number)


def _skip_space(row: str, i: int) -> int:
    while i < len(row) and row[i] in " \t":
        i += 1
    return i


def _parse_key(row: str, i: int) -> tuple[list[str], int]:
    """A dotted key at row[i:] (bare or quoted parts) -> (parts, index after it)."""
    parts: list[str] = []
    while True:
        i = _skip_space(row, i)
        if row.startswith('"', i):
            end = _string_end(row, i + 1, '"')
            # Let tomllib decode the escapes rather than re-implementing them.
            parts.append(tomllib.loads("k = " + row[i:end])["k"])
            i = end
        elif row.startswith("'", i):
            end = row.index("'", i + 1)
            parts.append(row[i + 1 : end])
            i = end + 1
        else:
            match = _BARE_KEY.match(row, i)
            if not match:
                raise ValueError("no key")
            parts.append(match.group())
            i = match.end()
        i = _skip_space(row, i)
        if not row.startswith(".", i):
            return parts, i
        i += 1


def _string_end(row: str, i: int, quote: str) -> int:
    """Index just past the closing quote of a one-line string whose body starts at i."""
    while i < len(row):
        if quote == '"' and row[i] == "\\":
            i += 2
            continue
        if row[i] == quote:
            return i + 1
        i += 1
    raise ValueError("unterminated string")


def _skip_value(rows: list[str], number: int, i: int) -> int:
    """Skip a value starting at rows[number][i]; return the row after the one it ends on.

    Tracks brackets and strings so that a multi-line array, inline table or
    string is passed over whole, whatever its contents look like.
    """
    depth = 0
    row = rows[number]
    while True:
        if i >= len(row):
            if depth == 0:
                return number + 1
            number, i = number + 1, 0
            row = rows[number]
            continue
        char = row[i]
        if char == "#":
            i = len(row)  # comment to end of row
        elif row.startswith('"""', i) or row.startswith("'''", i):
            number, i = _skip_multiline(rows, number, i + 3, row[i : i + 3])
            row = rows[number]
        elif char in "\"'":
            i = _string_end(row, i + 1, char)
        elif char in "[{":
            depth += 1
            i += 1
        elif char in "]}":
            depth -= 1
            i += 1
        else:
            i += 1


def _skip_multiline(rows: list[str], number: int, i: int, delimiter: str) -> tuple[int, int]:
    """Position just past the closing delimiter of a multi-line string whose body starts at (number, i)."""
    row = rows[number]
    while True:
        if i >= len(row):
            number, i = number + 1, 0
            row = rows[number]
            continue
        if delimiter == '"""' and row[i] == "\\":
            i += 2  # an escaped quote never closes; a line-ending backslash just moves on
            continue
        if row.startswith(delimiter, i):
            # Up to two more quotes still belong to the body (`"a"""""` ends in two quotes).
            end = i + 3
            while end < len(row) and end < i + 5 and row[end] == delimiter[0]:
                end += 1
            return number, end
        i += 1
