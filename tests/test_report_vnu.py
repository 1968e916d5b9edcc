"""The HTML report is valid HTML and CSS to the W3C Nu HTML checker (vnu).

The checker tests skip only when PROJTUI_TEST_VNU is unset (a developer
machine without the checker). When it is set, as ``.ci/run`` sets it to the
vnu.jar of the npm package ``vnu-jar``, a checker that can't be run fails
them: there it is a CI fault, not a reason to skip. The jar runs on the
``java`` on PATH (17 or later) and reads local files only: no network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from report_cases import build_reports

from projtui.report.html import render_html

VNU_ENV = "PROJTUI_TEST_VNU"


@pytest.fixture(scope="module")
def vnu_jar() -> Path:
    path = os.environ.get(VNU_ENV)
    if not path:
        pytest.skip(f"no HTML checker: set {VNU_ENV} to the Nu HTML checker's vnu.jar (.ci/run does)")
    if not Path(path).is_file() or shutil.which("java") is None:
        pytest.fail(f"{VNU_ENV}={path} is set, but that checker can't be run: it needs the jar and java on PATH", pytrace=False)
    return Path(path)


@pytest.mark.vnu
def test_every_report_is_valid_html(vnu_jar, tmp_path):
    pages = []
    for name, report in build_reports(tmp_path).items():
        page = tmp_path / f"{name}.html"
        page.write_text(render_html(report), encoding="utf-8")
        pages.append(page)
    # One run over every page: the JVM's start is most of the time.
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--format", "json", "--stdout", "--also-check-css", *map(str, pages)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the checker gave no report (exit {result.returncode}): {result.stderr.strip()[:500]}", pytrace=False)
    # Info is advice, not a fault: e.g. the "/>" on void elements, there because the page is also well-formed XML.
    faults = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] != "info" or m.get("subType") == "warning"
    ]
    assert faults == []
    assert {Path(m["url"]).name for m in messages} <= {page.name for page in pages}  # it read our pages, nothing else
