"""An ambition's `retired = true` in the snapshot (issue 15): written only when true, read back, diffed and imported;
a file without it (version 1, or any file written before) imports unchanged."""

from __future__ import annotations

from pathlib import Path

from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.portfolio import list_ambitions
from projtui.services.transfer import export_snapshot
from projtui.snapshot.diff import Change, diff_documents
from projtui.snapshot.diff_render import render_text
from projtui.snapshot.reader import read_document

V2 = '''schema_version = 2

[[ambitions]]
code = "A1"
title = "A Sustainable District"
plan_period = "2019-2023"
retired = true

[[ambitions]]
code = "A2"
title = "Prosperity"
plan_period = "2024-2027"

[[projects]]
code = "SP-01"
name = "Depot"
stage = "delivery"
ambitions = ["A1"]
'''


def _export(db) -> str:
    return "".join(export_snapshot(db))


def test_retired_is_written_only_when_true_and_survives_the_database(tmp_path: Path):
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    try:
        import_snapshot(db, V2, source="plan.toml", actor="test")
        assert [(a.code, a.retired) for a in list_ambitions(db)] == [("A1", True), ("A2", False)]
        exported = _export(db)
    finally:
        db.dispose()
    assert exported.count("retired = true") == 1
    assert "retired = false" not in exported
    assert exported.split("\n[[projects]]")[0].endswith(V2.split("\n[[projects]]")[0].split("schema_version = 2\n")[1])


def test_a_file_without_the_key_reads_as_in_use():
    version_1 = V2.replace("schema_version = 2", "schema_version = 1").replace("retired = true\n", "")
    document = read_document(version_1, source="v1.toml")
    assert [a.retired for a in document.ambitions] == [False, False]


def test_retiring_and_restoring_are_changes_an_import_shows_and_applies(tmp_path: Path):
    old = read_document(V2, source="old.toml")
    new = read_document(V2.replace("retired = true\n", ""), source="new.toml")
    changes = diff_documents(old, new)
    assert changes == [Change("changed", "ambition", "A1", "retired", old=True, new=False)]
    assert "A1 retired: yes → no" in render_text(changes, old, new)
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    try:
        import_snapshot(db, V2, source="plan.toml", actor="test")
        import_snapshot(db, V2.replace("retired = true\n", ""), source="restored.toml", actor="test")
        assert [(a.code, a.retired) for a in list_ambitions(db)] == [("A1", False), ("A2", False)]
    finally:
        db.dispose()
