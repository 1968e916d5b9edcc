"""A snapshot read a project at a time (rtoml, tomllib's fallback) reads exactly as tomllib reads it whole."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import documents

from projtui.domain.errors import InvalidInput
from projtui.services.transfer import sample_text
from projtui.snapshot import project_chunks
from projtui.snapshot.document import Document
from projtui.snapshot.problems import syntax_problem
from projtui.snapshot.reader import read_document
from projtui.snapshot.writer import dump_document


def chunked(text: str) -> dict:
    """The text as `split` reads it, put back together as one dict (falling back as the reader does)."""
    try:
        chunks = project_chunks.split(text)
        projects = list(chunks.projects)
    except project_chunks.SplitMismatch:
        chunks = project_chunks.whole(text)
        projects = list(chunks.projects)
    return {**chunks.top, "projects": projects} if projects or "projects" in tomllib.loads(text) else chunks.top


def same(ours: object, theirs: object) -> bool:
    """Equal, and of the same types all the way down (a datetime's offset compared, not its tzinfo class)."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(same(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs))
    if isinstance(ours, dt.datetime):
        return ours == theirs and ours.utcoffset() == theirs.utcoffset()
    return ours == theirs or ours != ours and theirs != theirs  # NaN reads as NaN


@pytest.fixture(params=["rtoml", "tomllib"])
def parser(request, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "tomllib":
        monkeypatch.setattr(project_chunks, "rtoml", None)
    return request.param


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(documents())
def test_every_valid_snapshot_reads_as_tomllib_reads_it(parser: str, document: Document) -> None:
    text = dump_document(document)
    assert same(chunked(text), tomllib.loads(text))


def test_the_sample_reads_as_tomllib_reads_it(parser: str) -> None:
    text = sample_text()
    assert same(chunked(text), tomllib.loads(text))
    assert len(tomllib.loads(text)["projects"]) > 1


HEADER_IN_A_STRING = '''\
schema_version = 2

[[projects]]
code = "SP-01"
name = """
[portfolio]
name = "not the portfolio"
"""

[portfolio]
name = "Strategic projects"

[[projects]]
code = "SP-02"
'''


@pytest.mark.parametrize(
    "text",
    [
        HEADER_IN_A_STRING,
        # The top-level part parses, but a project's block ends inside its string: read again, whole.
        'schema_version = 2\n[[projects]]\ncode = "A"\nname = """\n[[projects]]\n"""\n[[projects]]\ncode = "B"\n',
        # A `projects` array outside the `[[projects]]` blocks, and a quoted header: not split, read whole.
        'schema_version = 2\nprojects = [{ code = "SP-01" }]\n',
        'schema_version = 2\n\n[["projects"]]\ncode = "SP-01"\n\n[[projects]]\ncode = "SP-02"\n',
        # Project tables after a top-level table, and top-level tables between projects.
        'schema_version = 2\n[[projects]]\ncode = "A"\n[projects.benefits_review_plan]\nowner = "x"\n'
        '[[ambitions]]\ncode = "A1"\n[[projects]]\ncode = "B"\n[[projects.outputs]]\ncode = "O1"\n',
    ],
)
def test_layouts_the_split_cannot_trust_read_as_tomllib_reads_them(parser: str, text: str) -> None:
    assert same(chunked(text), tomllib.loads(text))


def test_a_broken_project_gives_the_whole_files_error(parser: str) -> None:
    text = sample_text()
    lines = text.split("\n")
    second = [n for n, line in enumerate(lines) if line == "[[projects]]"][1]
    lines.insert(second + 2, "risk = = 3")
    broken = "\n".join(lines)
    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(broken)
    with pytest.raises(InvalidInput) as raised:
        read_document(broken, source="s.toml")
    assert raised.value.problems == [syntax_problem(expected.value, broken, "s.toml")]
    assert raised.value.problems[0].location == f"s.toml:{second + 3}"
    assert "(column " in raised.value.problems[0].message
