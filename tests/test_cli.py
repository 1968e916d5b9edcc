"""The command line as a user runs it: a subprocess, its exit code, stdout and the `error:` line."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import run_cli

from projtui.services.transfer import sample_text


def _init(cli, db: Path, *extra: str):
    result = cli("init", "--sample", "--db", db, *extra)
    assert result.returncode == 0, result.stderr
    return result


def _single_error(result, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("projtui ")


def test_short_version_flag(cli):
    result = cli("-V")
    assert result.returncode == 0 and result.stdout.startswith("projtui ")


def test_diff_exits_1_when_the_snapshots_differ_as_diff_does(cli, tmp_path):
    before = tmp_path / "a.toml"
    before.write_text(sample_text(), encoding="utf-8")
    after = tmp_path / "b.toml"
    after.write_text(sample_text().replace('name = "Strategic Projects 2024-2027"', 'name = "Changed"', 1), encoding="utf-8")
    assert after.read_text(encoding="utf-8") != before.read_text(encoding="utf-8")

    same = cli("diff", before, before)
    assert (same.returncode, same.stdout, same.stderr) == (0, "", "")
    differ = cli("diff", before, after)
    assert differ.returncode == 1 and "Changed" in differ.stdout and differ.stderr == ""
    as_json = cli("diff", "--format", "json", before, after)
    assert as_json.returncode == 1 and "Changed" in as_json.stdout
    assert "no such file" in _single_error(cli("diff", before, tmp_path / "missing.toml"), 2)
    assert "Exits 1 when they differ" in cli("diff", "--help").stdout


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`projtui export | head -1`: exit 0 and nothing on stderr, as head's users expect."""
    db = tmp_path / "p.db"
    assert run_cli("init", "--sample", "--db", db).returncode == 0
    child = subprocess.Popen(
        [sys.executable, "-m", "projtui", "export", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert child.stdout.readline() == b"schema_version = 2\n"
    child.stdout.close()  # as head does once it has its line
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 0, stderr
    assert stderr == b""


def test_init_creates_a_private_migrated_database(cli, tmp_path):
    db = tmp_path / "new" / "p.db"
    result = cli("init", "--db", db)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from alembic_version").fetchone() == (1,)
        assert connection.execute("pragma journal_mode").fetchone() == ("wal",)
    # Running it again is harmless.
    assert cli("init", "--db", db).returncode == 0


def test_default_database_comes_from_the_environment(cli, db_path):
    assert cli("init", "--sample").returncode == 0  # PROJTUI_DB points at db_path
    assert db_path.exists()


def test_a_typed_db_option_wins_over_the_environment_wherever_it_is_typed(cli, tmp_path):
    typed = tmp_path / "typed.db"
    _init(cli, typed)
    elsewhere = {"PROJTUI_DB": str(tmp_path / "environment.db")}
    for args in (("--db", typed, "export"), ("export", "--db", typed)):
        result = cli(*args, env=elsewhere)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.startswith("schema_version = 2")
    assert not (tmp_path / "environment.db").exists()


def test_export_is_deterministic_and_round_trips_through_an_empty_database(cli, tmp_path):
    first = tmp_path / "first.db"
    _init(cli, first)
    a = cli("export", "--db", first, "--no-timestamp")
    b = cli("export", "--db", first, "--no-timestamp")
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    assert a.stdout.count("[[projects]]") >= 15
    snapshot = tmp_path / "a.toml"
    snapshot.write_text(a.stdout, encoding="utf-8")
    second = tmp_path / "second.db"
    imported = cli("import", snapshot, "--db", second)
    assert imported.returncode == 0, imported.stderr
    again = cli("export", "--db", second, "--no-timestamp", "-o", tmp_path / "b.toml")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "b.toml").read_text(encoding="utf-8") == a.stdout


def test_export_has_a_timestamp_unless_told_not_to(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    assert "exported_at = " in cli("export", "--db", db).stdout
    assert "exported_at" not in cli("export", "--db", db, "--no-timestamp").stdout


def _reported_quarters(text: str) -> set[str]:
    data = tomllib.loads(text)
    found = set()
    for project in data["projects"]:
        found |= {review["quarter"] for review in project.get("reviews", [])}
        for item in project.get("benefits", []) + project.get("outcomes", []):
            for measure in item.get("measures", []):
                found |= set(measure.get("actuals", {})) | set(measure.get("targets", {}))
    return found


def test_export_up_to_a_quarter_leaves_out_later_actuals_and_reviews(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    full = _reported_quarters(cli("export", "--db", db, "--no-timestamp").stdout)
    cut = _reported_quarters(cli("export", "--db", db, "--no-timestamp", "--quarter", "FY25/26 Q1").stdout)
    assert "2026/27 Q2" in full
    assert "2025/26 Q1" in cut
    assert cut == {q for q in full if q <= "2025/26 Q1"}  # canonical labels sort chronologically


def test_failed_export_leaves_no_file(cli, tmp_path):
    target = tmp_path / "out.toml"
    result = cli("export", "--db", tmp_path / "missing.db", "-o", target)
    line = _single_error(result, 1)
    assert "missing.db" in line and "projtui init" in line
    assert not target.exists()
    assert list(tmp_path.glob("*.tmp")) == [] and list(tmp_path.glob(".*")) == []


def test_export_files_are_private_and_a_rewrite_keeps_the_mode_the_user_chose(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    new, shared = tmp_path / "new.toml", tmp_path / "shared.toml"
    shared.write_text("old\n")
    shared.chmod(0o640)
    for target in (new, shared):
        assert cli("export", "--db", db, "-o", target).returncode == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_dry_run_reports_and_changes_nothing(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    before = cli("export", "--db", db, "--no-timestamp").stdout
    edited = before.replace('stage = "delivery"', 'stage = "closing"', 1)
    path = tmp_path / "edited.toml"
    path.write_text(edited, encoding="utf-8")
    result = cli("import", path, "--dry-run", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "stage" in result.stdout and "closing" in result.stdout
    assert "Dry run" in result.stdout
    assert cli("export", "--db", db, "--no-timestamp").stdout == before


def test_import_applies_changes_and_records_them_in_the_audit_log(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    text = cli("export", "--db", db, "--no-timestamp").stdout
    path = tmp_path / "edited.toml"
    path.write_text(text.replace('stage = "delivery"', 'stage = "closing"', 1), encoding="utf-8")
    result = cli("import", path, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "1 changed" in result.stdout
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "select action, entity, field, old_value, new_value from audit_log where field = 'stage'"
        ).fetchall()
    assert rows == [("update", "project", "stage", "delivery", "closing")]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda t: t.replace("schema_version = 2", "schema_version = 2\nthis is = not toml ="), "invalid TOML"),
        (lambda t: t.replace('category = "cash-releasing"', 'category = "cash"', 1), "category"),
        (lambda t: t.replace('ambitions = ["A1"', 'ambitions = ["A9"', 1), "unknown ambition"),
    ],
    ids=["malformed-toml", "unknown-enum", "unknown-ambition"],
)
def test_bad_import_names_file_line_field_and_value_and_changes_nothing(cli, tmp_path, mutate, expected):
    db = tmp_path / "p.db"
    _init(cli, db)
    before = cli("export", "--db", db, "--no-timestamp").stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(mutate(before), encoding="utf-8")
    result = cli("import", bad, "--db", db)
    line = _single_error(result, 1)
    assert re.match(rf"error: {re.escape(str(bad))}:\d+: ", line), line  # file and line
    assert expected in line
    assert cli("export", "--db", db, "--no-timestamp").stdout == before


def test_unknown_enum_error_shows_the_bad_value(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(sample_text().replace('category = "cash-releasing"', 'category = "cash"', 1), encoding="utf-8")
    line = _single_error(cli("import", bad, "--db", tmp_path / "p.db"), 1)
    assert "'cash'" in line and ".category" in line
    assert line.split(":")[2].strip().isdigit()  # error: FILE:LINE: ...


def test_duplicate_project_code_is_refused(cli, tmp_path):
    text = sample_text()
    start = text.index("[[projects]]")
    end = text.index("[[projects]]", start + 1)
    bad = tmp_path / "dup.toml"
    bad.write_text(text + "\n" + text[start:end], encoding="utf-8")
    db = tmp_path / "p.db"
    result = cli("import", bad, "--db", db)
    assert result.returncode == 1
    assert all(line.startswith("error: ") for line in result.stderr.strip().splitlines())
    assert "duplicate" in result.stderr and "SP-01" in result.stderr
    # Nothing was applied: the database has no projects.
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from project").fetchone() == (0,)


def test_missing_import_file_is_a_usage_error(cli, tmp_path):
    line = _single_error(cli("import", tmp_path / "nope.toml", "--db", tmp_path / "p.db"), 2)
    assert "nope.toml" in line


def test_unknown_option_is_a_usage_error(cli):
    line = _single_error(cli("export", "--frobnicate"), 2)
    assert "--frobnicate" in line


def test_malformed_quarter_is_named(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    line = _single_error(cli("export", "--db", db, "--quarter", "2024/26 Q1"), 2)
    assert "2024/26 Q1" in line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("export", "--quarter", "2026 Q3"), "error: --quarter: not a financial quarter: '2026 Q3' (expected e.g. '2024/25 Q1')"),
        (("export", "-q", "next"), "error: --quarter: not a financial quarter: 'next' (expected e.g. '2024/25 Q1')"),
        (("report",), "error: --quarter: missing (Financial quarter to report, e.g. '2026/27 Q2')"),
        (("report", "-q", "2026/27 Q2", "--format", "pdf"), "error: --format: 'pdf' is not one of 'md', 'html', 'docx', 'xlsx'."),
        (("diff", "--format", "xml", "a", "b"), "error: --format: 'xml' is not one of 'text', 'json'."),
        (("diff",), "error: OLD: missing (The earlier snapshot)"),
        (("import",), "error: FILE: missing (Snapshot (.toml) or spreadsheet (.xlsx, .xls, .ods, .csv) to import, or - for a snapshot on standard input)"),
        (("serve", "--port", "0"), "error: --port: Input should be greater than or equal to 1"),
        (("check", "--db", "."), "error: --db: file '.' is a directory."),
    ],
)
def test_an_error_about_an_option_or_argument_names_it_first(cli, args, expected):
    assert _single_error(cli(*args), 2) == expected


def _help_pages(cli) -> dict[str, str]:
    from projtui.cli.root import app

    commands = [command.name for command in app.registered_commands]
    for group in app.registered_groups:
        commands += [group.name] + [f"{group.name} {command.name}" for command in group.typer_instance.registered_commands]
    return {name: cli(*name.split(), "--help").stdout for name in ["", *commands]}


def test_help_shows_plain_placeholders_and_cuts_nothing(cli):
    pages = _help_pages(cli)
    assert {"", "import", "completion", "config", "config show", "user add", "editor remove"} <= pages.keys()
    for name, page in pages.items():
        assert page.startswith("Usage: projtui"), name
        # Typer's own placeholders ({FILE}, <path>, <int range>) and the commands list's cut ("…").
        assert not re.search(r"\{[\w.]+\}|<[a-z |]+>|…|\w\.\.\.\n", page), (name, page)
    assert "Usage: projtui import [OPTIONS] FILE\n" in pages["import"]
    assert "Usage: projtui diff [OPTIONS] OLD NEW\n" in pages["diff"]
    assert "--db FILE" in pages["check"] and "--database-url URL" in pages["check"]
    assert "-q, --quarter QUARTER" in pages["report"] and "--format md|html" in pages["report"]
    listing = " ".join(pages[""].split())  # the commands list wraps long descriptions
    assert "a failed export leaves no partial file)." in listing
    assert "exit 1 when there are any (monitor-only measures are listed for information, never a gap)." in listing


def test_newer_schema_is_refused_and_left_untouched(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    with sqlite3.connect(db) as connection:
        connection.execute("update alembic_version set version_num = 'ffff_from_the_future'")
    before = _dump(db)
    for command in (["init"], ["export"], ["check"]):
        line = _single_error(cli(*command, "--db", db), 1)
        assert "newer" in line and "ffff_from_the_future" in line
    assert _dump(db) == before


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


def test_not_a_database_is_a_clear_error(cli, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all " * 100)
    line = _single_error(cli("check", "--db", junk), 1)
    assert "junk.db" in line


@pytest.mark.parametrize("command", [("export",), ("check",), ("init",), ("init", "--sample"), ("import", "-")])
def test_another_applications_database_is_refused_in_one_line_and_left_unchanged(cli, tmp_path, command):
    theirs = tmp_path / "their.db"
    with sqlite3.connect(theirs) as connection:
        connection.execute("create table invoices (id integer primary key, total real)")
    connection.close()
    before = theirs.read_bytes()
    result = run_cli(*command, "--db", theirs, input=sample_text(), cwd=tmp_path)
    line = _single_error(result, 1)
    assert line == f"error: sqlite:///{theirs}: not a projtui database (it holds other tables: invoices); it was not changed"
    assert theirs.read_bytes() == before


def test_check_lists_the_sample_gaps_and_exits_1(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    result = cli("check", "--db", db)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    for phrase in ("linked to no Council Plan ambition", "has no measure", "has no target", "has no actual for", "has no owner"):
        assert phrase in out, phrase
    # The sample's header lists these; a missing baseline under a dated target is one gap, not two.
    for code in ("SP-12", "SP-16"):
        (line,) = [line for line in out.splitlines() if line.startswith(code) and "baseline" in line]
        assert "has a target for" in line and "but no baseline, so its status cannot follow a trajectory" in line
    gaps, notes = out.split("\nFor information, not gaps:\n")
    # A measure two projects claim is one finding, after every project's own gaps.
    assert gaps.splitlines()[-2] == (
        "-          attribution    measure 'Percentage of customer transactions completed online' (%) "
        "is claimed by 2 projects: SP-02 and SP-12"
    )
    # Open risks past their review date: SP-09 R01's passed in 2026; the others' dates are still to come, then pass as time does.
    overdue = [line for line in gaps.splitlines() if line.split()[1:2] == ["risks"]]
    assert ("SP-09      risks          open risk R01 'Planning consent delayed by heritage objections' "
            "was due for review by 2026-06-30") in overdue
    # Measures whose trend misses their target (issue 13), e.g. SP-11's savings, a cumulative measure.
    forecasts = [line for line in gaps.splitlines() if "is forecast to miss its target" in line]
    assert len(forecasts) == 16 and all(line.split()[1] == "forecasts" for line in forecasts)  # 15 project measures and KPI WST02
    assert any(line.startswith("SP-11") and "'Recurring savings delivered against budget (year to date)'" in line for line in forecasts)
    assert "SP-01 " not in "".join(forecasts) and "M7" not in out  # the activity indicator has no target, and that is no gap
    # Corporate KPIs (issue 13) at their codes, after the projects: one forecast to miss, four amber without commentary.
    kpi_lines = [line for line in gaps.splitlines() if line.startswith(("BEN", "ECO", "HOU", "WST"))]
    assert kpi_lines[0] == ("BEN02      KPIs           KPI BEN02 'Average days to process Housing Benefit change events' "
                            "is within tolerance in 2026/27 Q2 and has no commentary")
    assert len(kpi_lines) == 5
    assert gaps.splitlines()[-1] == f"{24 + 5 + len(overdue)} gaps found (latest quarter: 2026/27 Q2)."
    # Monitor-only measures and a project waiting in the pipeline for its ambitions are choices: listed for information, not counted.
    assert notes.splitlines() == [
        "SP-02      measures       measure M4 'Email and SMS bulletin subscribers' has no target (monitor only)",
        "SP-05      measures       measure M6 'Damp and mould cases reported' has no target (monitor only)",
        "SP-17      golden thread  'Affordable council homes new-build programme' (pipeline) is linked to no Council Plan ambition yet:"
        " allowed in the pipeline, needed before it moves on",
    ]


def test_check_as_json_gives_every_gap_in_full_for_scripts(cli, tmp_path):
    db = tmp_path / "p.db"
    _init(cli, db)
    result = cli("check", "--format", "json", "--db", db)
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    overdue = [gap for gap in found["gaps"] if gap["kind"] == "risk_past_review"]
    assert found["latest_quarter"] == "2026/27 Q2" and len(found["gaps"]) == 27 + 5 + len(overdue)  # 5: the sample KPIs' gaps
    # SP-17 waits in the pipeline for its ambitions: noted, as monitor-only measures are, not a gap.
    assert [gap["kind"] for gap in found["gaps"] if gap["severity"] == "note"] == ["measure_no_target"] * 2 + ["pipeline_no_ambition"]
    (planning,) = [gap for gap in overdue if gap["key"] == "SP-09/R01"]
    assert (planning["project"], planning["area"]) == ("SP-09", "risks")
    misses = [gap for gap in found["gaps"] if gap["kind"] == "forecast_to_miss"]
    assert len(misses) == 16 and {gap["area"] for gap in misses} == {"forecasts"}
    # A KPI's gap names the KPI, not a project (issue 13).
    (bins,) = [gap for gap in misses if gap["kpi"] is not None]
    assert (bins["kpi"], bins["project"], bins["key"]) == ("WST02", None, "WST02")
    (shared,) = [gap for gap in found["gaps"] if gap["kind"] == "double_counting"]
    assert shared["area"] == "attribution" and shared["project"] is None
    assert (shared["projects"], shared["items"]) == (["SP-02", "SP-12"], ["SP-02/M1", "SP-12/M1"])
    assert _single_error(cli("check", "--format", "xml", "--db", db), 2) == "error: --format: 'xml' is not one of 'text', 'json'."


def _check_passes(cli, tmp_path, snapshot: str) -> list[str]:
    """The lines `projtui check` prints for a portfolio imported from `snapshot`, once it has passed (exit 0)."""
    path = tmp_path / "clean.toml"
    path.write_text(snapshot, encoding="utf-8")
    db = tmp_path / "p.db"
    assert cli("import", path, "--db", db).returncode == 0
    result = cli("check", "--db", db)
    assert result.returncode == 0, result.stdout
    return result.stdout.splitlines()


def test_check_passes_on_a_clean_portfolio_with_a_monitor_only_measure(cli, tmp_path):
    lines = _check_passes(
        cli,
        tmp_path,
        """schema_version = 1
[[ambitions]]
code = "A1"
title = "A Sustainable District"
[[projects]]
code = "SP-01"
name = "Heat pumps"
stage = "delivery"
ambitions = ["A1"]
[[projects.outcomes]]
code = "OC1"
title = "Lower emissions"
benefits = ["B1"]
[[projects.outputs]]
code = "O1"
title = "Pumps installed"
outcomes = ["OC1"]
[[projects.benefits]]
code = "B1"
title = "Less gas"
owner = "Facilities manager"
[[projects.benefits.measures]]
name = "Gas used"
unit = "kWh"
direction = "lower"
baseline = 100.0
target = 60.0
owner = "Energy officer"
actuals = { "2024/25 Q1" = 90.0 }
[[projects.benefits.measures]]
name = "Heat pump enquiries"
owner = "Energy officer"
baseline = 40.0
actuals = { "2024/25 Q1" = 55.0 }
""",
    )
    assert lines == [
        "No gaps: every project past the pipeline serves an ambition and every benefit is measured.",
        "",
        "For information, not gaps:",
        "SP-01      measures       measure M2 'Heat pump enquiries' has no target (monitor only)",
    ]


def test_check_passes_a_new_portfolio_whose_only_project_is_in_the_pipeline(cli, tmp_path):
    # A council's first project starts in the pipeline with no ambition (issue 15): allowed there, so only a note.
    snapshot = 'schema_version = 2\n[[projects]]\ncode = "SP-01"\nname = "Market hall"\nstage = "pipeline"\n'
    assert _check_passes(cli, tmp_path, snapshot) == [
        "No gaps: every project past the pipeline serves an ambition and every benefit is measured.",
        "",
        "For information, not gaps:",
        "SP-01      golden thread  'Market hall' (pipeline) is linked to no Council Plan ambition yet: allowed in the pipeline,"
        " needed before it moves on",
    ]


def test_debug_flag_is_accepted(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("--debug", "init", "--db", db).returncode == 0
