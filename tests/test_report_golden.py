"""The HTML report, byte for byte, against golden files under tests/golden/.

The files were written by the renderer the templates replaced, so the move
to Jinja2 changed no byte. A deliberate change to the report's HTML
regenerates them: run this module with PROJTUI_UPDATE_GOLDEN=1 and review
the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_cases import CASES, build_reports

from projtui.report.html import render_html
from projtui.report.model import Report

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PROJTUI_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Report]:
    return build_reports(tmp_path_factory.mktemp("golden"))


def test_every_golden_file_has_a_case():
    assert sorted(p.name for p in GOLDEN.glob("report_*.html")) == sorted(f"report_{name}.html" for name in CASES)


@pytest.mark.parametrize("name", CASES)
def test_html_matches_the_golden_file(reports, name):
    rendered = render_html(reports[name]).encode("utf-8")
    golden = GOLDEN / f"report_{name}.html"
    if UPDATE:
        golden.write_bytes(rendered)
    assert rendered == golden.read_bytes()
