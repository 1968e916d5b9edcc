"""One timed import, export, check or report in a fresh process (run.py starts one per run), printed as JSON.

    worker.py import projtui|baseline SNAPSHOT.toml WORKDIR
    worker.py import_xlsx projtui|baseline REGISTER.xlsx WORKDIR
    worker.py parse tomllib SNAPSHOT.toml     (import_memory's baseline: only tomllib.loads of the file, for its peak RSS)
    worker.py export projtui DB.sqlite
    worker.py export baseline SNAPSHOT.toml
    worker.py export_xlsx projtui|baseline DB.sqlite
    worker.py check projtui|baseline DB.sqlite
    worker.py report projtui|baseline DB.sqlite
    worker.py diff projtui|baseline OLD.toml NEW.toml
    worker.py reimport projtui CHANGED.toml DB.sqlite WORKDIR
    worker.py build SNAPSHOT.toml DB.sqlite     (not timed: a database for the other measures)
    worker.py build_imported SNAPSHOT.toml DB.sqlite     (not timed: the same through projtui's import, for a portfolio with KPIs)
    worker.py build_register SNAPSHOT.toml REGISTER.xlsx     (not timed: the workbook import_xlsx reads)

Only the operation itself is timed: reading the file, creating the
database (projtui's migrations, for both variants) and, for the export
baseline, parsing the snapshot with tomllib happen before the clock starts.
projtui's export streams its chunks, each hashed and dropped outside the
clock (so its peak RSS is the export's own); the baseline's `tomli_w.dumps`
makes the whole text, as it only can. Both imports commit before the clock
stops. A spreadsheet
import's clock includes reading the workbook, for both: reading its cells
is the work compared.

The xlsx export's baseline is XlsxWriter writing the very rows projtui
writes (gathered from projtui before the clock starts, with the cell values
already in pounds and words), with the same options, column formats, frozen
header and filters, and no projtui logic: the ratio is what reading the
database, judging every measure's quarters and laying out the rows add to
the library's own cost. Both read the finished file's bytes back.

Check's baseline reads every row of the tables `projtui check` judges with
raw sqlite3: the floor for looking at each record once. Report's baseline
is projtui's export of the same database: the report is built from the
same snapshot document the export writes, so the ratio is what building
and rendering the report adds to reading the portfolio.
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_db(workdir: Path, name: str) -> Path:
    from projtui.services import users
    from projtui.services.opening import open_portfolio

    path = workdir / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_portfolio(f"sqlite:///{path}", create=True)
    # The importer is its admin before the clock starts, in both variants: a database with no users makes its
    # first writer admin (a user row and its audit row) inside projtui's import, which the baseline does not do.
    users.claim_first_admin(db, "bench")
    db.dispose()
    return path


def do_import(variant: str, snapshot: Path, workdir: Path) -> dict:
    import baseline

    text = snapshot.read_text(encoding="utf-8")

    def ours(db):
        from projtui.services.importing import import_snapshot

        return import_snapshot(db, text, source=snapshot.name, actor="bench")

    return _timed_import(workdir / f"import-{variant}", variant, ours, lambda path: baseline.raw_import(path, text))


def do_parse(snapshot: Path) -> dict:
    """What tomllib alone needs to parse the snapshot: the peak RSS an import's is held against (issue 14)."""
    import tomllib

    text = snapshot.read_text(encoding="utf-8")
    started = time.perf_counter()
    data = tomllib.loads(text)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "projects": len(data.get("projects", ())), "peak_rss_mb": peak_rss_mb()}


def do_import_xlsx(variant: str, workbook: Path, workdir: Path) -> dict:
    """`projtui import register.xlsx` into a fresh database, or the baseline's bare read and insert of the same rows."""
    import baseline

    def ours(db):
        from projtui.services.sheet_import import import_spreadsheet

        return import_spreadsheet(db, workbook, source=workbook.name, actor="bench")

    return _timed_import(workdir / f"import-xlsx-{variant}", variant, ours, lambda path: baseline.raw_import_register(path, str(workbook)))


def _timed_import(where: Path, variant: str, ours, theirs) -> dict:
    """One timed import into a fresh database: `ours(db)` for projtui, `theirs(path)` for the baseline; then its row counts."""
    import baseline

    path = fresh_db(where.parent, where.name)
    if variant == "projtui":
        from projtui.services.opening import open_portfolio

        db = open_portfolio(f"sqlite:///{path}")
        started, cpu = time.perf_counter(), time.process_time()
        result = ours(db)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        db.dispose()
        assert result.applied
    else:
        started, cpu = time.perf_counter(), time.process_time()
        theirs(str(path))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    counts = baseline.table_counts(str(path))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return {"seconds": seconds, "cpu_seconds": cpu, "counts": counts, "peak_rss_mb": peak_rss_mb()}


def build_register(snapshot: Path, path: Path) -> dict:
    """The generated portfolio's ambitions and projects as a register workbook (openpyxl, write-only): what `import_xlsx` reads."""
    import tomllib

    import baseline
    import openpyxl

    data = tomllib.loads(snapshot.read_text(encoding="utf-8"))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Ambitions")
    sheet.append(baseline.REGISTER_AMBITIONS)
    for a in data.get("ambitions", []):
        sheet.append([a["code"], a["title"], a.get("plan_period"), a.get("description")])
    sheet = book.create_sheet("Projects")
    sheet.append(baseline.REGISTER_PROJECTS)
    for p in data["projects"]:
        budget = p.get("budget_pence")
        sheet.append([
            p["code"], p["name"], p.get("stage"), p.get("service"), p.get("directorate"), p.get("lead"), p.get("senior_responsible_owner"),
            p.get("portfolio_holder"), p.get("start_date"), p.get("end_date"), None if budget is None else budget / 100,
            "; ".join(p.get("ambitions", [])) or None, p.get("summary"),
        ])
    book.save(path)
    return {"projects": len(data["projects"])}


def do_export(variant: str, source: Path) -> dict:
    if variant == "projtui":
        from projtui.services.opening import open_portfolio
        from projtui.services.transfer import export_snapshot

        db = open_portfolio(f"sqlite:///{source}")
        # Streamed as `projtui export -o` writes it: each chunk is hashed and dropped, outside the clock, so the
        # peak RSS is the export's own (holding the text would add the file's size to it).
        digest, size, seconds, cpu = hashlib.sha256(), 0, 0.0, 0.0
        chunks = export_snapshot(db)
        while True:
            started, cpu_started = time.perf_counter(), time.process_time()
            chunk = next(chunks, None)
            seconds, cpu = seconds + time.perf_counter() - started, cpu + time.process_time() - cpu_started
            if chunk is None:
                break
            encoded = chunk.encode("utf-8")
            digest.update(encoded)
            size += len(encoded)
        return {"seconds": seconds, "cpu_seconds": cpu, "bytes": size, "sha256": digest.hexdigest(), "peak_rss_mb": peak_rss_mb()}
    import tomllib

    import baseline

    data = tomllib.loads(source.read_text(encoding="utf-8"))
    started, cpu = time.perf_counter(), time.process_time()
    text = baseline.raw_export(data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    encoded = text.encode("utf-8")
    return {"seconds": seconds, "cpu_seconds": cpu, "bytes": len(encoded), "sha256": hashlib.sha256(encoded).hexdigest(),
            "peak_rss_mb": peak_rss_mb()}


class _RecordedSheet:
    """Stands in for an XlsxWriter worksheet, keeping the rows projtui writes to it (the header here, the rest through RecordingWriter)."""

    def __init__(self, rows: list) -> None:
        self.rows = rows

    def write_row(self, row, col, values, cell_format=None) -> None:
        self.rows.append((tuple(values), None))

    def set_column(self, *args) -> None:
        pass

    freeze_panes = autofilter = set_column


class _RecordedBook:
    """Stands in for `report.workbook.Workbook`: each sheet's name, columns and rows, as projtui's SheetWriter would write them."""

    def __init__(self) -> None:
        self.sheets: list[tuple] = []

    def sheet(self, name, columns):
        from projtui.report.workbook import _NUMBER_FORMATS, SheetWriter

        class RecordingWriter(SheetWriter):
            def _write_cells(self, row, values, formats) -> None:
                # A money row's cell formats (as kinds, which bare_xlsx makes its own formats of); None for a plain row.
                self._sheet.rows.append((tuple(values), None if formats is self._plain_formats else formats))

        def worksheet(title: str) -> _RecordedSheet:  # each of a sheet's pages past Excel's last row, as projtui makes them
            rows: list = []
            self.sheets.append((title, columns, rows))
            return _RecordedSheet(rows)

        return RecordingWriter(worksheet, name, columns, None, {kind: kind for kind in _NUMBER_FORMATS})


def bare_xlsx(sheets: list[tuple], path: Path) -> int:
    """XlsxWriter alone writing `sheets` (name, columns, rows with the header first), as projtui's writer configures it."""
    import xlsxwriter

    from projtui.report.workbook import _NUMBER_FORMATS

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent), "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    formats = {kind: book.add_format({"num_format": pattern}) for kind, pattern in _NUMBER_FORMATS.items()}
    written = 0
    for name, columns, rows in sheets:
        sheet = book.add_worksheet(name)
        for i, column in enumerate(columns):
            sheet.set_column(i, i, 12, formats.get(column.kind))
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, rows[0][0], header)
        for number, (row, kinds) in enumerate(rows[1:], 1):
            if kinds is None:
                sheet.write_row(number, 0, row)
            else:  # a money measure's row: each number in its own format, as projtui writes it
                for col, value in enumerate(row):
                    sheet.write(number, col, value, formats.get(kinds[col]) if isinstance(value, int | float) else None)
        sheet.autofilter(0, 0, len(rows) - 1, len(columns) - 1)
        written += len(rows) - 1
    book.close()
    return written


def do_export_xlsx(variant: str, source: Path) -> dict:
    """projtui's `export --format xlsx` of the database, or XlsxWriter writing the same rows bare."""
    import tempfile

    from projtui.services.opening import open_portfolio

    db = open_portfolio(f"sqlite:///{source}")
    if variant == "projtui":
        from projtui.services.transfer import ExportTally, export_workbook

        tally = ExportTally()
        started, cpu = time.perf_counter(), time.process_time()
        data = b"".join(export_workbook(db, tally=tally))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = None
    else:
        from projtui.report.portfolio_xlsx import write_portfolio
        from projtui.services.export import (
            iter_projects,
            project_ids_in_order,
            read_header,
        )
        from projtui.services.reviews.quarter import default_review_quarter

        recorded = _RecordedBook()
        with db.reading() as session:
            header = read_header(session)
            projects = iter_projects(session, project_ids_in_order(session))
            write_portfolio(recorded, header.ambitions, projects, default_review_quarter(db), header.portfolio, header.kpis)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "bare.xlsx"
            started, cpu = time.perf_counter(), time.process_time()
            rows = bare_xlsx(recorded.sheets, path)
            data = path.read_bytes()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.dispose()
    # CPU seconds too: both sides are one busy thread, so on a shared machine their ratio is the steadier figure.
    return {"seconds": seconds, "cpu_seconds": cpu, "bytes": len(data), "rows": rows, "peak_rss_mb": peak_rss_mb()}


# The tables `projtui check` reads (services.checks, store.queries.checks).
CHECKED_TABLES = (
    "project", "project_ambition", "output", "outcome", "benefit", "measure",
    "output_outcome", "outcome_benefit", "measure_value", "quarterly_review",
)


def do_check(variant: str, source: Path) -> dict:
    from projtui.services.opening import open_portfolio

    db = open_portfolio(f"sqlite:///{source}")
    if variant == "projtui":
        from projtui.services.checks import find_gaps

        started = time.perf_counter()
        gaps, _ = find_gaps(db)
        seconds = time.perf_counter() - started
        found = len(gaps)
    else:
        import sqlite3

        started = time.perf_counter()
        connection = sqlite3.connect(source)
        found = sum(len(connection.execute(f"SELECT * FROM {table}").fetchall()) for table in CHECKED_TABLES)
        connection.close()
        seconds = time.perf_counter() - started
    db.dispose()
    return {"seconds": seconds, "found": found, "peak_rss_mb": peak_rss_mb()}


def do_report(variant: str, source: Path) -> dict:
    """The Markdown report for the generated portfolio's latest quarter, or the export it is measured against."""
    import generate

    from projtui.domain.quarter import Quarter
    from projtui.services.opening import open_portfolio

    db = open_portfolio(f"sqlite:///{source}")
    if variant == "projtui":
        from projtui.report.markdown import render_markdown
        from projtui.services.reporting import build_report

        quarter = Quarter.parse(generate.SMALL_QUARTERS[-1])
        started = time.perf_counter()
        text = render_markdown(build_report(db, quarter))
        seconds = time.perf_counter() - started
    else:
        from projtui.services.transfer import export_snapshot

        started = time.perf_counter()
        text = "".join(export_snapshot(db))
        seconds = time.perf_counter() - started
    db.dispose()
    return {"seconds": seconds, "bytes": len(text.encode("utf-8")), "peak_rss_mb": peak_rss_mb()}


def do_diff(variant: str, old: Path, new: Path) -> dict:
    """`projtui diff OLD NEW` (read both, compare, render the text), or tomllib parsing both and comparing the dicts."""
    texts = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    if variant == "projtui":
        from projtui.snapshot.diff import diff_documents
        from projtui.snapshot.diff_render import render_text
        from projtui.snapshot.reader import read_document

        started = time.perf_counter()
        before, after = (read_document(text, source=path.name) for text, path in zip(texts, (old, new)))
        changes = diff_documents(before, after)
        shown = render_text(changes, before, after)
        seconds = time.perf_counter() - started
        found = len(changes)
    else:
        import tomllib

        started = time.perf_counter()
        before, after = (tomllib.loads(text) for text in texts)
        found = sum(before[key] != after.get(key) for key in before if key != "projects")
        projects = [{p["code"]: p for p in document.get("projects", [])} for document in (before, after)]
        found += sum(projects[0].get(code) != projects[1].get(code) for code in projects[0].keys() | projects[1].keys())
        seconds = time.perf_counter() - started
        shown = ""
    return {"seconds": seconds, "found": found, "bytes": len(shown.encode("utf-8")), "peak_rss_mb": peak_rss_mb()}


def do_reimport(snapshot: Path, source: Path, workdir: Path) -> dict:
    """projtui's import of a changed snapshot over a copy of a database holding the portfolio it changes (copied before the clock)."""
    import shutil

    import baseline

    from projtui.services.importing import import_snapshot
    from projtui.services.opening import open_portfolio

    text = snapshot.read_text(encoding="utf-8")
    path = workdir / "reimport.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, path)
    db = open_portfolio(f"sqlite:///{path}")
    started = time.perf_counter()
    result = import_snapshot(db, text, source=snapshot.name, actor="bench")
    seconds = time.perf_counter() - started
    db.dispose()
    assert result.applied
    counts = baseline.table_counts(str(path))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return {"seconds": seconds, "changes": len(result.changes), "counts": counts, "peak_rss_mb": peak_rss_mb()}


def build(snapshot: Path, path: Path) -> dict:
    """A database for the export, check, report and UI measures: projtui's migrations, then the baseline's bulk insert (the same rows an import writes)."""
    import sqlite3

    import baseline

    fresh_db(path.parent, path.stem)
    counts = baseline.raw_import(str(path), snapshot.read_text(encoding="utf-8"))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return counts


def build_imported(snapshot: Path, path: Path) -> dict:
    """A database through projtui's own import: for a snapshot with KPIs, which the baseline's bulk insert does not write."""
    import sqlite3

    from projtui.services.importing import import_snapshot
    from projtui.services.opening import open_portfolio

    fresh_db(path.parent, path.stem)
    db = open_portfolio(f"sqlite:///{path}")
    result = import_snapshot(db, snapshot.read_text(encoding="utf-8"), source=snapshot.name, actor="bench")
    db.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"changes": len(result.changes)}


def main() -> None:
    measure, *rest = sys.argv[1:]
    if measure == "build":
        print(json.dumps(build(Path(rest[0]), Path(rest[1]))))
        return
    if measure == "build_imported":
        print(json.dumps(build_imported(Path(rest[0]), Path(rest[1]))))
        return
    if measure == "build_register":
        print(json.dumps(build_register(Path(rest[0]), Path(rest[1]))))
        return
    variant, path, *rest = rest
    if measure == "import":
        result = do_import(variant, Path(path), Path(rest[0]))
    elif measure == "parse":
        result = do_parse(Path(path))
    elif measure == "import_xlsx":
        result = do_import_xlsx(variant, Path(path), Path(rest[0]))
    elif measure == "check":
        result = do_check(variant, Path(path))
    elif measure == "report":
        result = do_report(variant, Path(path))
    elif measure == "export_xlsx":
        result = do_export_xlsx(variant, Path(path))
    elif measure == "diff":
        result = do_diff(variant, Path(path), Path(rest[0]))
    elif measure == "reimport":  # projtui only: its baseline is import's (`worker.py import baseline CHANGED.toml`)
        result = do_reimport(Path(path), Path(rest[0]), Path(rest[1]))
    else:
        result = do_export(variant, Path(path))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
