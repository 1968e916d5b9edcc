"""A snapshot's TOML read a project at a time: its top-level part, then one `[[projects]]` block after another.

Most of a big import's time was tomllib, and its peak memory the whole
file as nested dicts. Split at the `[[projects]]` headers, each block is
small, parses on its own, and can be validated and dropped before the next
is read. rtoml (Rust) parses a block several times faster than tomllib;
tomllib stays the reference:

- without rtoml, or for a block rtoml refuses, tomllib parses that block;
- when a block does not parse at all, or the split may not be TOML's own
  reading of the file (a `projects` key outside the blocks, a block that
  is not one project), tomllib parses the whole text instead, so a broken
  file gives exactly the error, line and column it always did.

Splitting at a line that only looks like a header (inside a multi-line
string or array) leaves the block before it unterminated, which never
parses, so a wrong split always ends in the whole-text fallback.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass

try:
    import rtoml
except ImportError:  # an optional speed-up: tomllib reads every file the same
    rtoml = None

__all__ = ["Chunks", "SplitMismatch", "split", "whole"]

# A table header alone on its line: `[name]`, `[[name]]`, `[a.b]`, bare keys only (a comment may follow).
# A quoted key is not matched: its lines stay with the section before, which the checks below then refuse.
_HEADER = re.compile(
    r"^[ \t]*\[(\[?)[ \t]*([A-Za-z0-9_-]+)[ \t]*(\.?)(?:[ \t]*[A-Za-z0-9_-]+[ \t]*\.?)*\]\]?[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE
)


class SplitMismatch(Exception):
    """A block did not parse on its own, yet the whole text does: a header-like line inside a string or array split it.

    Raised by the projects' iterator; the caller reads `whole(text)` instead, from the start.
    """


@dataclass(frozen=True)
class Chunks:
    """The top-level tables and keys (everything but the projects), and each project's raw table in file order."""

    top: dict
    projects: list[dict] | Iterator[dict]
    count: int  # how many projects


def split(text: str) -> Chunks:
    """The snapshot's TOML as its top-level part and its projects; tomllib.TOMLDecodeError as tomllib raises it.

    The projects are parsed lazily, one as it is asked for, so a caller
    that validates each and lets it go never holds them all as dicts. A
    block that does not parse is only found when it is reached; the caller
    sees the whole-text error then (TOMLDecodeError from the iterator).
    """
    top, blocks = _blocks(text)
    if not blocks:
        return whole(text)
    head = _loads(top)
    if head is None or "projects" in head:  # a `projects` key or table outside the blocks: not a layout we can split
        return whole(text)
    return Chunks(head, _projects(text, blocks), len(blocks))


def _blocks(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The top-level part's text, and each `[[projects]]` block as (start, end) offsets into `text`."""
    top: list[str] = []
    blocks: list[tuple[int, int]] = []
    section_start, in_project = 0, False
    for match in _HEADER.finditer(text):
        array, name, dotted = match.group(1), match.group(2), match.group(3)
        if name == "projects" and dotted:  # a project's own table or array: stays in its block
            continue
        starts_project = name == "projects" and array
        if in_project:
            blocks.append((section_start, match.start()))
        else:
            top.append(text[section_start : match.start()])
        section_start, in_project = match.start(), bool(starts_project)
    if in_project:
        blocks.append((section_start, len(text)))
    else:
        top.append(text[section_start:])
    # Every top-level section after the first starts with its own header, so joined without the blocks between
    # them they read as in the file. Its line numbers differ, but a parse error there is reported from the whole text.
    return "".join(top), blocks


def _projects(text: str, blocks: list[tuple[int, int]]) -> Iterator[dict]:
    for start, end in blocks:
        parsed = _loads(text[start:end])
        projects = None if parsed is None else parsed.get("projects")
        if parsed is None or len(parsed) != 1 or not isinstance(projects, list) or len(projects) != 1:
            tomllib.loads(text)  # the whole text's own error, where it is
            raise SplitMismatch
        yield projects[0]


def _loads(text: str) -> dict | None:
    """The text parsed by rtoml, else by tomllib; None if neither reads it."""
    if rtoml is not None:
        try:
            return rtoml.loads(text)
        except rtoml.TomlParsingError:
            pass
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def whole(text: str) -> Chunks:
    """The text parsed whole by tomllib, split as `split` splits it."""
    data = tomllib.loads(text)
    projects = data.pop("projects", [])
    if not isinstance(projects, list):  # not an array of tables: let validation say so, as of the whole file
        data["projects"] = projects
        projects = []
    return Chunks(data, projects, len(projects))
