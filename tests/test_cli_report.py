"""`projtui report` as a user runs it: a subprocess, its exit code, its output file or stdout, the `error:` line."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from conftest import run_cli

QUARTER = "2026/27 Q2"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """The sample portfolio, made once for this module (the report only reads it).

    Module-scoped, so outside the per-test isolation of conftest: the same
    isolation is set up here by hand.
    """
    base = tmp_path_factory.mktemp("report-cli")
    db = base / "portfolio.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROJTUI_DB", str(db))
        mp.setenv("PROJTUI_CONFIG_DIR", str(base / "config"))
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            mp.setenv(name, str(base / "xdg" / name.lower()))
        mp.delenv("PROJTUI_DATABASE_URL", raising=False)
        result = run_cli("init", "--sample", "--db", db, cwd=base)
    assert result.returncode == 0, result.stderr
    return db


def _single_error(result, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.title = ""
        self._in_title = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "title":
            self._in_title = True
        elif tag == "table":
            self.tables.append((attrs.get("class", ""), []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._cell is not None:
            self._cell.append(data)


def test_html_report_to_a_file(cli, sample_db, tmp_path):
    out = tmp_path / "out.html"
    result = cli("report", "--quarter", QUARTER, "--db", sample_db, "--format", "html", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>\n")
    ET.fromstring(text.removeprefix("<!DOCTYPE html>\n"))  # well-formed

    page = _Tables()
    page.feed(text)
    page.close()
    assert page.title.startswith(f"Quarterly performance report — {QUARTER}")
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "link" not in tags and tags.count("style") == 1
    assert all("src" not in attrs and attrs.get("href", "#").startswith("#") for _, attrs in page.tags)

    projects = [rows for cls, rows in page.tables if cls == "projects"]
    assert len(projects) == 5  # four ambitions and the projects linked to none
    rows = {row[0]: row for table in projects for row in table[1:]}
    assert len(rows) >= 15
    assert rows["SP-01"][3] == "● Green ↑"  # improved since the previous published rating
    assert rows["SP-01"][4] == "◆ Amber 2026/27 Q1"
    assert rows["SP-17"][5] == "Draft"
    measures = [row for cls, table in page.tables if cls == "measures" for row in table[1:]]
    statuses = {row[7].split(" ", 1)[1].split(" ")[0] for row in measures}
    assert {"On", "Within", "Off", "Not", "Monitor"} <= statuses
    assert any(row[7].startswith("○ Not due") for row in measures)
    assert any(row[7] == "~ Monitor only" for row in measures)


def test_markdown_report_to_stdout_is_deterministic(cli, sample_db):
    first = cli("report", "--quarter", QUARTER, "--db", sample_db)
    assert first.returncode == 0, first.stderr
    text = first.stdout
    assert text.startswith(f"# Quarterly performance report — {QUARTER}\n")
    assert "**Strategic Projects 2024-2027** · Lancaster City Council" in text
    for heading in ("## Summary", "## A1 A Sustainable District", "## Not linked to any ambition", "## Key"):
        assert f"\n{heading}\n" in text
    assert "| Code | Project | Lead | Stage | RAG | Previous published |" in text
    assert any(line.startswith("| SP-01 | Waste collection") for line in text.splitlines())
    again = cli("report", "--format", "md", "-q", "FY26/27 Q2", "--db", sample_db)
    assert again.stdout == text  # same data, same bytes; the quarter in any accepted form


def test_format_follows_the_output_file_name(cli, sample_db, tmp_path):
    result = cli("report", "-q", QUARTER, "--db", sample_db, "-o", tmp_path / "r.html")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = cli("report", "-q", QUARTER, "--db", sample_db, "-o", tmp_path / "r.md")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Quarterly performance report")


def test_docx_report_follows_the_file_name_and_writes_a_word_document(cli, sample_db, tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    out = papers / "paper.docx"
    result = cli("report", "-q", QUARTER, "--db", sample_db, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert list(papers.iterdir()) == [out]  # written atomically: no temporary file left beside it
    paper = docx.Document(out)
    assert paper.paragraphs[0].text == f"Quarterly performance report — {QUARTER}"
    assert paper.paragraphs[0].style.name == "Heading 1"


def test_docx_to_a_pipe_is_the_documents_bytes(sample_db, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "projtui", "report", "-q", QUARTER, "--db", str(sample_db), "--format", "docx"],
        capture_output=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert docx.Document(io.BytesIO(result.stdout)).paragraphs[0].style.name == "Heading 1"


def test_docx_to_a_terminal_is_refused(sample_db, tmp_path):
    terminal, other_end = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "projtui", "report", "-q", QUARTER, "--db", str(sample_db), "--format", "docx"],
            stdout=other_end, stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=120, check=False,
        )
    finally:
        os.close(other_end)
        os.close(terminal)
    line = _single_error(result, 2)
    assert line.startswith("error: --format docx needs -o FILE")


def test_unwritable_docx_is_one_line_and_writes_nothing(cli, sample_db, tmp_path):
    target = tmp_path / "missing-folder" / "paper.docx"
    line = _single_error(cli("report", "-q", QUARTER, "--db", sample_db, "-o", target), 1)
    assert str(target) in line
    assert not target.parent.exists()


@pytest.mark.parametrize("quarter", ["2024/26 Q1", "2026/27 Q5", "next quarter"])
def test_malformed_quarter_is_one_line_naming_it(cli, sample_db, tmp_path, quarter):
    out = tmp_path / "out.html"
    line = _single_error(cli("report", "--quarter", quarter, "--db", sample_db, "--format", "html", "-o", out), 2)
    assert repr(quarter) in line
    if quarter == "2024/26 Q1":
        assert line == "error: --quarter: not a financial quarter: '2024/26 Q1' (expected e.g. '2024/25 Q1')"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # not even a temporary file


def test_quarter_is_required(cli, sample_db):
    line = _single_error(cli("report", "--db", sample_db), 2)
    assert "--quarter" in line


def test_unknown_format_is_a_usage_error(cli, sample_db):
    line = _single_error(cli("report", "-q", QUARTER, "--db", sample_db, "--format", "pdf"), 2)
    assert "pdf" in line


def test_a_quarter_with_no_data_still_reports_and_says_so(cli, sample_db):
    result = cli("report", "-q", "2031/32 Q1", "--db", sample_db)
    assert result.returncode == 0, result.stderr
    assert "No reviews recorded for this quarter (2031/32 Q1)." in result.stdout


def test_unwritable_output_is_one_line_and_writes_nothing(cli, sample_db, tmp_path):
    target = tmp_path / "missing-folder" / "out.md"
    line = _single_error(cli("report", "-q", QUARTER, "--db", sample_db, "-o", target), 1)
    assert str(target) in line


def test_missing_database_is_named(cli, tmp_path):
    db = tmp_path / "nowhere.db"
    line = _single_error(cli("report", "-q", QUARTER, "--db", db), 1)
    assert str(db) in line and "projtui init" in line
    assert not db.exists()
