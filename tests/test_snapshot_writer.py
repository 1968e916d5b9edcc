"""Writing TOML snapshots: canonical, deterministic, streamable, atomic, and read back unchanged."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import documents

from projtui.atomic import write_atomic
from projtui.snapshot.document import Document
from projtui.snapshot.locate import LineIndex
from projtui.snapshot.reader import read_document
from projtui.snapshot.writer import (
    dump_document,
    iter_document_chunks,
    natural_key,
)


def portfolio(**overrides) -> Document:
    """A small document with something in every kind of place, built from plain data."""
    data = {
        "schema_version": 1,
        "exported_at": dt.datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=dt.UTC),
        "portfolio": {"name": "Strategic projects"},
        "ambitions": [
            {"code": "A10", "title": "Ten", "priorities": [{"code": "P2", "title": "b"}, {"code": "P1", "title": "a"}]},
            {"code": "A2", "title": "Two"},
        ],
        "projects": [
            {
                "code": "SP-10",
                "name": "Ten",
                "ambitions": ["A2", "A10"],
                "start_date": dt.date(2024, 4, 1),
                "reviews": [
                    {"quarter": "2024/25 Q3", "rag": "green"},
                    {"quarter": "FY24/25 Q1", "rag": "amber", "commentary": "Line one.\nLine two with \"quotes\"."},
                ],
                "benefits": [
                    {
                        "code": "B2",
                        "title": "Second listed first: the user's order stays",
                        "measures": [
                            {
                                "code": "M1",
                                "name": "Gas",
                                "actuals": {"2024/25 Q3": 3.0, "Q1 2024/25": 1.0, "2024-25 Q2": 2.0},
                                "provisional": ["2024/25 Q3", "2024/25 Q1"],
                                "notes": {"2024/25 Q2": "estimated"},
                                "forecasts": {"2024/25 Q3": 11.5, "Q2 2024/25": 12.0},
                            }
                        ],
                    },
                    {"code": "B1", "title": "First"},
                ],
            },
            {"code": "SP-2", "name": "Two", "summary": "Windows text\r\nkept exactly"},
        ],
    }
    data.update(overrides)
    return Document.model_validate(data)


def shuffled(document: Document, seed: int) -> Document:
    """The same data in a different order wherever order is not the user's."""
    rng = random.Random(seed)

    def mix(items: list) -> list:
        items = list(items)
        rng.shuffle(items)
        return items

    def by_code_text(codes: list[str]) -> list[str]:
        return sorted(codes, key=natural_key)

    def measure(m):
        actuals = dict(mix(list(m.actuals.items())))
        return m.model_copy(update={"actuals": actuals, "provisional": mix(m.provisional)})

    def project(p):
        benefits = [b.model_copy(update={"measures": [measure(m) for m in b.measures]}) for b in p.benefits]
        return p.model_copy(update={"reviews": mix(p.reviews), "benefits": benefits})

    ambitions = [a.model_copy(update={"priorities": mix(a.priorities)}) for a in mix(document.ambitions)]
    return document.model_copy(update={"ambitions": ambitions, "projects": mix([project(p) for p in document.projects])})


def canonical(document: Document) -> Document:
    """The document in the order the writer puts it (dict order never matters to ==)."""

    def by_code(items: list) -> list:
        return sorted(items, key=lambda item: natural_key(item.code))

    def by_code_text(codes: list[str]) -> list[str]:
        return sorted(codes, key=natural_key)

    def measure(m):
        return m.model_copy(update={"provisional": sorted(m.provisional), "benchmarks": sorted(m.benchmarks, key=lambda b: (b.period, b.source))})

    def project(p):
        outputs = [o.model_copy(update={"outcomes": by_code_text(o.outcomes)}) for o in p.outputs]
        outcomes = [
            o.model_copy(update={"measures": [measure(m) for m in o.measures], "benefits": by_code_text(o.benefits)})
            for o in p.outcomes
        ]
        benefits = [b.model_copy(update={"measures": [measure(m) for m in b.measures]}) for b in p.benefits]
        reviews = sorted(p.reviews, key=lambda r: r.quarter)
        ambitions = p.ambitions[:1] + by_code_text(p.ambitions[1:])
        return p.model_copy(update={
            "outputs": outputs, "outcomes": outcomes, "benefits": benefits, "reviews": reviews, "ambitions": ambitions, "risks": by_code(p.risks),
        })

    def kpi(k):
        return measure(k).model_copy(update={"ambitions": k.ambitions[:1] + by_code_text(k.ambitions[1:])})

    ambitions = [a.model_copy(update={"priorities": by_code(a.priorities)}) for a in by_code(document.ambitions)]
    return document.model_copy(update={
        "ambitions": ambitions, "projects": [project(p) for p in by_code(document.projects)], "kpis": [kpi(k) for k in by_code(document.kpis)],
    })


# --- the written text ------------------------------------------------------------


def test_canonical_layout() -> None:
    text = dump_document(portfolio())
    assert text.startswith('schema_version = 1\nexported_at = 2026-11-22T10:00:00Z\n\n[portfolio]\nname = "Strategic projects"\n')
    # Natural order: A2 before A10, P1 before P2, SP-2 before SP-10.
    assert text.index('code = "A2"') < text.index('code = "A10"')
    assert text.index('code = "P1"') < text.index('code = "P2"')
    assert text.index('code = "SP-2"') < text.index('code = "SP-10"')
    # The user's order is kept: B2 was listed before B1, and a project's primary ambition first.
    assert text.index('code = "B2"') < text.index('code = "B1"')
    assert 'ambitions = ["A2", "A10"]' in text
    # Quarters canonical and chronological, reviews by quarter.
    assert 'actuals = { "2024/25 Q1" = 1.0, "2024/25 Q2" = 2.0, "2024/25 Q3" = 3.0 }' in text
    assert 'provisional = ["2024/25 Q1", "2024/25 Q3"]' in text
    assert 'notes = { "2024/25 Q2" = "estimated" }' in text
    assert 'notes = { "2024/25 Q2" = "estimated" }\nforecasts = { "2024/25 Q2" = 12.0, "2024/25 Q3" = 11.5 }\n' in text
    assert text.index('quarter = "2024/25 Q1"') < text.index('quarter = "2024/25 Q3"')
    assert "start_date = 2024-04-01\n" in text
    assert 'stage = "pipeline"' in text  # enums as their values
    assert '[[projects.benefits.measures]]\ncode = "M1"\nname = "Gas"\nunit = ""\ndirection = "higher"\n' in text


def test_none_and_empty_values_are_left_out() -> None:
    text = dump_document(portfolio(exported_at=None, portfolio={}))
    assert text.startswith("schema_version = 1\n\n[[ambitions]]\n")
    assert "exported_at" not in text and "[portfolio]" not in text
    assert "description" not in text  # None
    assert "priorities" not in text.split('code = "A2"')[1].split("[[")[0]  # [] for A2
    assert "targets" not in text  # {}
    assert "outputs" not in text


def test_parses_back_to_typed_toml() -> None:
    data = tomllib.loads(dump_document(portfolio()))
    assert data["exported_at"] == dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    assert data["projects"][1]["start_date"] == dt.date(2024, 4, 1)
    assert data["projects"][0]["summary"] == "Windows text\r\nkept exactly"


def test_multi_line_text_is_written_as_a_block() -> None:
    text = dump_document(portfolio())
    assert 'commentary = """\nLine one.\nLine two with \\"quotes\\"."""\n' in text
    assert 'summary = "Windows text\\r\\nkept exactly"\n' in text  # a block would lose the \r


def test_exported_at_is_written_in_utc() -> None:
    local = dt.datetime(2026, 6, 1, 11, 30, 5, 999, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert "exported_at = 2026-06-01T10:30:05Z\n" in dump_document(portfolio(exported_at=local))


def test_same_data_same_bytes() -> None:
    document = portfolio()
    first = dump_document(document)
    assert dump_document(document) == first
    for seed in range(5):
        assert dump_document(shuffled(document, seed)) == first


def test_chunks_stream_one_project_at_a_time() -> None:
    document = portfolio()
    projects = sorted(document.projects, key=lambda p: natural_key(p.code))
    chunks = list(iter_document_chunks(document, projects))
    assert "".join(chunks) == dump_document(document)
    assert len(chunks) == 1 + len(projects)
    assert "[[projects]]" not in chunks[0]
    assert all(chunk.startswith("\n[[projects]]\n") for chunk in chunks[1:])
    # The header's own projects are not written twice.
    assert "".join(iter_document_chunks(document.model_copy(update={"projects": []}), projects)) == "".join(chunks)


def test_chunks_refuse_projects_out_of_order() -> None:
    document = portfolio()
    projects = sorted(document.projects, key=lambda p: natural_key(p.code), reverse=True)
    with pytest.raises(ValueError, match="code order"):
        list(iter_document_chunks(document, projects))


def test_natural_key() -> None:
    assert sorted(["SP-10", "SP-2", "sp-3", "SP-02", "A1"], key=natural_key) == ["A1", "SP-02", "SP-2", "sp-3", "SP-10"]


def test_locator_finds_every_project_of_a_written_file() -> None:
    document = portfolio()
    text = dump_document(document)
    rows = text.split("\n")
    index = LineIndex(text)
    for i, code in enumerate(["SP-2", "SP-10"]):
        assert rows[index.line_of(("projects", i, "code")) - 1] == f'code = "{code}"'
    measure = ("projects", 1, "benefits", 0, "measures", 0)
    assert rows[index.line_of((*measure, "notes", "2024/25 Q2")) - 1].startswith("notes = {")


# --- round trips ---------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_round_trip(document: Document) -> None:
    text = dump_document(document)
    again = read_document(text, source="generated.toml")
    assert dump_document(again) == text
    assert "".join(iter_document_chunks(again, again.projects)) == text  # read back in canonical order
    # Nothing may change but the order of what has no order of its own, and exported_at's microseconds.
    assert again == canonical(document).model_copy(update={"exported_at": again.exported_at})


# --- atomic writes ---------------------------------------------------------------------


def failing_chunks(fail_after: int) -> Iterator[str]:
    for i in range(fail_after):
        yield f"chunk {i}\n"
    raise RuntimeError("database went away")


def test_write_atomic_writes_the_whole_text(tmp_path: Path) -> None:
    target = tmp_path / "snap.toml"
    write_atomic(target, iter(["a = 1\n", "b = \"é\"\n"]))
    assert target.read_bytes() == 'a = 1\nb = "é"\n'.encode()
    assert os.listdir(tmp_path) == ["snap.toml"]


def test_a_new_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "snap.toml", ["x = 1\n"])
    finally:
        os.umask(old)
    assert (tmp_path / "snap.toml").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644])
def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "snap.toml"
    target.write_text("old = true\n")
    target.chmod(mode)
    write_atomic(target, ["new = true\n"])
    assert target.stat().st_mode & 0o777 == mode


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_write_stopped_by_a_signal_leaves_the_old_file_and_no_temporary(tmp_path: Path, signal_number: int) -> None:
    """As the CLI runs it (`cli.signals`): kill, a closed terminal and Ctrl+C all unwind through the cleanup."""
    target = tmp_path / "snap.toml"
    target.write_text("old = true\n")
    writer = subprocess.Popen(
        [sys.executable, "-c", (
            "import time\n"
            "from projtui.cli.signals import exit_on_termination\n"
            "from projtui.atomic import write_atomic\n"
            "exit_on_termination()\n"
            "def chunks():\n"
            "    yield 'new = true\\n' * 10000\n"
            "    print('writing', flush=True)\n"
            "    time.sleep(60)\n"
            "    yield ''\n"
            f"write_atomic({str(target)!r}, chunks())\n"
        )],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert writer.stdout.readline() == "writing\n"
        assert len(os.listdir(tmp_path)) == 2  # the target and the temporary being written
        writer.send_signal(signal_number)
        # Python ends an unhandled KeyboardInterrupt by SIGINT itself, as shells expect.
        assert writer.wait(timeout=30) == (-signal_number if signal_number == signal.SIGINT else 128 + signal_number)
    finally:
        writer.kill()
    assert os.listdir(tmp_path) == ["snap.toml"]
    assert target.read_text() == "old = true\n"


def test_write_atomic_failure_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="went away"):
        write_atomic(tmp_path / "snap.toml", failing_chunks(3))
    assert os.listdir(tmp_path) == []


def test_write_atomic_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "snap.toml"
    target.write_text("old = true\n")
    with pytest.raises(RuntimeError):
        write_atomic(target, failing_chunks(2))
    assert target.read_text() == "old = true\n"
    assert os.listdir(tmp_path) == ["snap.toml"]
    write_atomic(target, ["new = true\n"])
    assert target.read_text() == "new = true\n"
    assert os.listdir(tmp_path) == ["snap.toml"]


def test_write_atomic_export_end_to_end(tmp_path: Path) -> None:
    document = portfolio()
    target = tmp_path / "out.toml"
    write_atomic(target, iter_document_chunks(document, sorted(document.projects, key=lambda p: natural_key(p.code))))
    assert target.read_text(encoding="utf-8") == dump_document(document)
