"""projtui benchmarks: every figure is a ratio against a baseline measured in the same run.

    .venv/bin/python benchmarks/run.py [--sizes 100,1000,10000,100000]
        [--only import,import_memory,import_xlsx,export,export_xlsx,check,report,report_kpis,diff,reimport,startup,filter,sort,open,memory,pg_import,...]
        [--postgres URL] [--json out.json] [--markdown out.md]

Absolute times on a shared machine are noise; what is reported is projtui
against the same work done by a baseline, measured alternately in the same
run (min of k runs; k falls with size). Measures:

    import   projtui `import_snapshot` of a generated snapshot into a fresh
             database, vs tomllib + raw sqlite3 executemany of the same rows
             (baseline.py).                          target <= 1x at 10,000 (issue 14)
    import_memory
             peak RSS of that import's process (the import runs' own, when
             import is measured too) vs a process that only tomllib.loads
             the same file.          target <= 1x at 10,000 and 100,000
    import_xlsx
             projtui `import_spreadsheet` of the generated portfolio's
             ambitions and projects as a register workbook into a fresh
             database, vs python-calamine reading the same cells bare + the
             same raw sqlite3 executemany.           target <= 1.5x at 10,000
    export   projtui `export_snapshot` of that database, vs tomli_w.dumps of
             the parsed snapshot; peak RSS.          target <= 1x at 10,000 (issue 14)
    export_xlsx
             projtui `export_workbook` (export --format xlsx) of that database,
             vs XlsxWriter writing the same rows bare.
                                                     target <= 1.5x at 10,000
    check    projtui `find_gaps` on that database, vs raw sqlite3 reading every
             row of the tables check judges.
    report   projtui's Markdown report for the generated portfolio's latest
             quarter, vs projtui's export of the same database (the report
             is built from the same snapshot document).
    report_kpis
             the same with one corporate KPI per 10 projects (Appendix A and
             the KPI counts), on a database built by projtui's import.
             All of these also as a curve over the sizes (us per project and the
             growth exponent between sizes: 1.0 is linear).
    diff     projtui diff of the generated snapshot and a copy with 1 project
             in 100 changed, vs tomllib.loads of both + a dict comparison.
    reimport projtui import of that changed snapshot over a database holding
             the original, vs import's baseline into a fresh database.
    startup  process start -> first frame with rows, projtui (`projtui --db`,
             in a real terminal: a tmux pane) vs the bare app (bare_app.py).
                                   target <= 1.5x at 10,000, <= 2x at 100,000
    memory   RSS after the first screen (and 1 s later), same runs.
                                                     target <= 2x at 100,000
    filter   one keystroke in the filter -> table repainted with the filtered
             rows (headless), vs the bare app filtering its 100 rows; with
             projtui's debounce and without it; and the worst keystroke echo
             during a typing burst.                  target <= 2x at 100,000
    sort     each column's sort key (and again: reversed) -> table repainted
             in that order, vs projtui's own filter keystroke measured in the
             same process.                           target <= 2x at 100,000
    open     project screen with a large plan (50 outputs/outcomes/benefits,
             100 measures, 40 quarters) vs a small one, until the plan tab is
             drawn.                                  target <= 1.5x
    pg_import, pg_export, pg_report, pg_startup, pg_filter, pg_open
             projtui on a PostgreSQL database (--postgres URL or
             PROJTUI_TEST_POSTGRES_URL; postgres.py makes and drops
             projtui_bench_* databases) vs projtui on the SQLite file holding
             the same portfolio, at 10,000 and 100,000.
                                                     target <= 2x SQLite

Generated snapshots and databases are cached in benchmarks/out/cache/ (keyed
by the generator's source), results go to stdout and to --json/--markdown.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CACHE = OUT / "cache"
PYTHON = sys.executable
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

MEASURES = ("import", "import_memory", "import_xlsx", "export", "export_xlsx", "check", "report", "report_kpis", "diff", "reimport", "startup", "memory", "filter", "sort", "open",
            "pg_import", "pg_export", "pg_report", "pg_startup", "pg_filter", "pg_open")
SCALED = ("import", "import_xlsx", "export", "export_xlsx", "check", "report", "report_kpis", "diff", "reimport")  # run at every size, with their growth between sizes
UI_MEASURES = ("startup", "memory", "filter", "sort", "open")
DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
UI_SIZES = (10_000, 100_000)  # sizes the UI measures run at (those of --sizes that are here)
PG_SIZES = (10_000, 100_000)  # sizes the PostgreSQL measures run at (those of --sizes that are here)
TMUX_SOCKET = "projtui-bench"
TERMINAL = (120, 40)


def repeats(size: int, override: int | None) -> int:
    if override:
        return override
    return 5 if size <= 100 else 3 if size <= 1_000 else 2 if size <= 10_000 else 1


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- results --------------------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    size: int
    projtui: float | None  # seconds, or MB for memory; None: did not finish
    baseline: float | None
    unit: str  # "s", "ms" or "MB" (display only; values are stored in s or MB)
    target: float | None = None  # the ratio must not exceed this
    note: str = ""
    runs: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.projtui is None or not self.baseline:
            return None
        return self.projtui / self.baseline

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        if self.projtui is None:
            return "FAIL (did not finish)"
        return "pass" if self.ratio <= self.target else "FAIL"


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value * 1000:,.0f} ms"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.2f} s" if value < 100 else f"{value:,.0f} s"


def table(rows: list[Row], markdown: bool = False) -> str:
    head = ("measure", "size", "projtui", "baseline", "ratio", "target", "result", "note")
    lines = []
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        target = "—" if r.target is None else f"≤ {r.target:g}×"
        lines.append((r.measure, f"{r.size:,}", shown(r.projtui, r.unit), shown(r.baseline, r.unit), ratio, target, r.verdict, r.note))
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:{'<' if i in (0, 7) else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [fmt.format(*line) for line in lines])


def curve(rows: list[Row], markdown: bool = False) -> str:
    """Import, export, check and report cost per project at each size, and how it grows (exponent 1.0 = linear)."""
    head = ("measure", "size", "projtui µs/project", "baseline µs/project", "growth exponent projtui", "growth exponent baseline")
    lines = []
    for measure in SCALED:
        points = sorted((r for r in rows if r.measure == measure), key=lambda r: r.size)
        previous = None
        for r in points:
            per = lambda v: "—" if v is None else f"{v / r.size * 1e6:,.0f}"  # noqa: E731

            def exponent(attr: str) -> str:
                if previous is None or getattr(previous, attr) is None or getattr(r, attr) is None:
                    return "—"
                return f"{math.log(getattr(r, attr) / getattr(previous, attr)) / math.log(r.size / previous.size):.2f}"

            lines.append((measure, f"{r.size:,}", per(r.projtui), per(r.baseline), exponent("projtui"), exponent("baseline")))
            previous = r
    if not lines:
        return ""
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        return "\n".join(out + ["| " + " | ".join(line) + " |" for line in lines])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [fmt.format(*line) for line in lines])


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    import textual

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": textual.__version__,
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty_src": bool(git("status", "--porcelain", "src")),
    }


# -- data -----------------------------------------------------------------------------------------------


def generator_key() -> str:
    source = (HERE / "generate.py").read_bytes() + (HERE / "baseline.py").read_bytes()
    return hashlib.sha256(source).hexdigest()[:8]


def snapshot_file(size: int, *, large: int = 0, kpis: int = 0) -> Path:
    path = CACHE / f"portfolio-{size}{'-large' if large else ''}{f'-kpis{kpis}' if kpis else ''}-{generator_key()}.toml"
    if not path.exists():
        log(f"generating {path.name}")
        tmp = path.with_suffix(".tmp")
        generate.write(tmp, size, large=large, kpis=kpis)
        tmp.replace(path)
    return path


def database(size: int, *, large: int = 0, kpis: int = 0) -> Path:
    """The snapshot loaded into a fresh projtui database (migrations, then the baseline's bulk insert: same rows as an import).

    With KPIs it goes through projtui's own import instead: the baseline's bulk insert writes no KPIs.
    """
    path = CACHE / f"portfolio-{size}{'-large' if large else ''}{f'-kpis{kpis}' if kpis else ''}-{generator_key()}.db"
    if path.exists():
        return path
    text_path = snapshot_file(size, large=large, kpis=kpis)
    log(f"building {path.name}")
    tmp = path.with_name(path.stem + ".building.db")
    builder = "build_imported" if kpis else "build"
    subprocess.run([PYTHON, str(HERE / "worker.py"), builder, str(text_path), str(tmp)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    tmp.replace(path)
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- running things -----------------------------------------------------------------------------------


def run_json(args: list[str], timeout: float) -> dict | None:
    """Run a worker in its own process group; its stdout's last line is JSON. None on timeout."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=ROOT)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def alternate(k: int, first, second) -> tuple[list, list]:
    """k runs of each, in ABBA order so that drift in the machine's load hits both alike."""
    a, b = [], []
    for i in range(k):
        for fn, results in ((first, a), (second, b)) if i % 2 == 0 else ((second, b), (first, a)):
            results.append(fn())
    return a, b


def seconds(result: dict | None) -> str:
    return "timeout" if result is None else f"{result['seconds']:.2f}s"


def best(values: list[float | None]) -> float | None:
    done = [v for v in values if v is not None]
    return min(done) if done and len(done) == len(values) else None


def worker_run(measure: str, size: int, variant: str, *args: Path, timeout: float):
    """One timed run of worker.py in a fresh process (None on timeout), to hand to `alternate`."""

    def go():
        result = run_json([PYTHON, str(HERE / "worker.py"), measure, variant, *map(str, args)], timeout)
        log(f"{measure} {size:,} {variant}: {seconds(result)}")
        return result

    return go


# -- import and export ------------------------------------------------------------------------------------


def measure_import(size: int, k: int, timeout: float, work: Path) -> Row:
    snapshot = snapshot_file(size)
    ours, theirs = alternate(k, *(worker_run("import", size, variant, snapshot, work, timeout=timeout) for variant in ("projtui", "baseline")))
    note = ""
    done = [r for r in ours + theirs if r is not None]
    if len({json.dumps(r["counts"], sort_keys=True) for r in done}) > 1:
        note = "ROW COUNTS DIFFER"
    if any(r is None for r in ours):
        note = f"projtui did not finish in {timeout:.0f} s"
    return Row("import", size, best([r and r["seconds"] for r in ours]), best([r and r["seconds"] for r in theirs]), "s",
               target=1.0 if size == 10_000 else None, note=note,
               runs={"projtui": ours, "baseline": theirs})


def measure_import_memory(size: int, k: int, timeout: float, work: Path, imports: list[dict] | None) -> Row:
    """Peak RSS of projtui's import (`imports`: the import measure's runs, when it ran) vs tomllib parsing the file alone."""
    snapshot = snapshot_file(size)
    if imports is None:
        imports = [worker_run("import", size, "projtui", snapshot, work, timeout=timeout)() for _ in range(k)]
    parses = [run_json([PYTHON, str(HERE / "worker.py"), "parse", "tomllib", str(snapshot)], timeout) for _ in range(k)]
    peak = lambda runs: best([r and r["peak_rss_mb"] for r in runs])  # noqa: E731
    return Row("import peak RSS", size, peak(imports), peak(parses), "MB", target=1.0 if size in (10_000, 100_000) else None,
               note="whole import process vs a process only parsing the file with tomllib", runs={"projtui": imports, "tomllib": parses})


def register_workbook(size: int) -> Path:
    path = CACHE / f"register-{size}-{generator_key()}.xlsx"
    if not path.exists():
        log(f"writing {path.name}")
        tmp = path.with_name(path.stem + ".building.xlsx")
        subprocess.run([PYTHON, str(HERE / "worker.py"), "build_register", str(snapshot_file(size)), str(tmp)], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        tmp.replace(path)
    return path


def measure_import_xlsx(size: int, k: int, timeout: float, work: Path) -> Row:
    workbook = register_workbook(size)
    ours, theirs = alternate(k, *(worker_run("import_xlsx", size, variant, workbook, work, timeout=timeout) for variant in ("projtui", "baseline")))
    done = [r for r in ours + theirs if r is not None]
    note = "register workbook: ambitions and projects"
    if len({json.dumps(r["counts"], sort_keys=True) for r in done}) > 1:
        note = "ROW COUNTS DIFFER"
    if any(r is None for r in ours):
        note = f"projtui did not finish in {timeout:.0f} s"
    elif all(r is not None for r in theirs):
        cpu = min(r["cpu_seconds"] for r in ours) / min(r["cpu_seconds"] for r in theirs)
        note += f"; CPU time {cpu:.2f}×"  # one busy thread each: moves less with the machine's load than the seconds
    return Row("import_xlsx", size, best([r and r["seconds"] for r in ours]), best([r and r["seconds"] for r in theirs]), "s",
               target=1.5 if size == 10_000 else None, note=note, runs={"projtui": ours, "baseline": theirs})


def measure_export(size: int, k: int, timeout: float) -> Row:
    db, snapshot = database(size), snapshot_file(size)
    expected = file_sha256(snapshot)
    ours, theirs = alternate(k, worker_run("export", size, "projtui", db, timeout=timeout), worker_run("export", size, "baseline", snapshot, timeout=timeout))
    note = ""
    if any(r is not None and r["sha256"] != expected for r in ours):
        note = "projtui export differs from the generated snapshot"
    elif any(r is None for r in ours):
        note = f"projtui did not finish in {timeout:.0f} s"
    else:
        rss = max(r["peak_rss_mb"] for r in ours)
        note = f"byte-identical to the generated snapshot; projtui peak RSS {rss:,.0f} MB (streamed)"
        if theirs[0] is not None:
            note += f", tomli_w's {max(r['peak_rss_mb'] for r in theirs if r):,.0f} MB (parsed document and text)"
            cpu = min(r["cpu_seconds"] for r in ours) / min(r["cpu_seconds"] for r in theirs if r)
            note += f"; CPU time {cpu:.2f}×"  # one busy thread each: moves less with the machine's load than the seconds
    # Issue 14: faster than the obvious stdlib script at 10,000 projects.
    return Row("export", size, best([r and r["seconds"] for r in ours]), best([r and r["seconds"] for r in theirs]), "s",
               target=1.0 if size == 10_000 else None, note=note, runs={"projtui": ours, "baseline": theirs})


def measure_export_xlsx(size: int, k: int, timeout: float) -> Row:
    db = database(size)
    ours, theirs = alternate(k, *(worker_run("export_xlsx", size, variant, db, timeout=timeout) for variant in ("projtui", "baseline")))
    note = "vs XlsxWriter writing the same rows bare"
    if any(r is None for r in ours):
        note = f"projtui did not finish in {timeout:.0f} s"
    elif ours and theirs[0] is not None:
        rss = max(r["peak_rss_mb"] for r in ours)
        cpu = min(r["cpu_seconds"] for r in ours) / min(r["cpu_seconds"] for r in theirs)
        note += (f" ({theirs[0]['rows']:,} rows; {ours[0]['bytes'] / 2**20:,.1f} MB file; projtui peak RSS {rss:,.0f} MB;"
                 f" CPU time {cpu:.2f}×)")
    return Row("export_xlsx", size, best([r and r["seconds"] for r in ours]), best([r and r["seconds"] for r in theirs]), "s",
               target=1.5 if size == 10_000 else None, note=note, runs={"projtui": ours, "baseline": theirs})


# What check and report are measured against (worker.py says why), for the note beside each row.
READING_BASELINES = {
    "check": "find_gaps vs raw sqlite3 reading every row of the tables check judges",
    "report": f"Markdown report for {generate.SMALL_QUARTERS[-1]} vs projtui export of the same database",
    "report_kpis": f"Markdown report for {generate.SMALL_QUARTERS[-1]} with one KPI per 10 projects vs projtui export of the same database",
}


def measure_reading(measure: str, size: int, k: int, timeout: float) -> Row:
    """`check` or `report` (`report_kpis`: with KPIs) on the generated database, alternating with its baseline on the same file."""
    db = database(size, kpis=max(1, size // 10)) if measure == "report_kpis" else database(size)  # one KPI per 10 projects
    worker = "report" if measure == "report_kpis" else measure
    ours, theirs = alternate(k, *(worker_run(worker, size, variant, db, timeout=timeout) for variant in ("projtui", "baseline")))
    note = READING_BASELINES[measure]
    if any(r is None for r in ours):
        note = f"projtui did not finish in {timeout:.0f} s"
    return Row(measure, size, best([r and r["seconds"] for r in ours]), best([r and r["seconds"] for r in theirs]), "s",
               note=note, runs={"projtui": ours, "baseline": theirs})


# -- diff and re-import ---------------------------------------------------------------------------------

CHANGED_EVERY = 100  # one project in a hundred differs in the changed snapshot


def changed_snapshot(size: int) -> Path:
    """The generated portfolio with every CHANGED_EVERY-th project renamed and its budget changed: what diff and reimport read."""
    path = CACHE / f"portfolio-{size}-changed{CHANGED_EVERY}-{generator_key()}.toml"
    if not path.exists():
        log(f"generating {path.name}")
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            for i, chunk in enumerate(generate.iter_chunks(size)):  # chunk 0 is the header, then one a project
                if i and i % CHANGED_EVERY == 0:
                    chunk = chunk.replace('\nname = "', '\nname = "Renamed ', 1).replace("\nbudget_pence = ", "\nbudget_pence = 1", 1)
                out.write(chunk)
        tmp.replace(path)
    return path


def measure_diff(size: int, k: int, timeout: float) -> Row:
    old, new = snapshot_file(size), changed_snapshot(size)
    ours, theirs = alternate(k, *(worker_run("diff", size, variant, old, new, timeout=timeout) for variant in ("projtui", "baseline")))
    note = f"two snapshots, 1 project in {CHANGED_EVERY} changed: read, compare, render vs tomllib.loads of both + dict comparison"
    if any(r is None for r in ours):
        note = f"projtui did not finish in {timeout:.0f} s"
    elif ours[0] and theirs[0]:
        note += f" ({ours[0]['found']:,} changes found; baseline: {theirs[0]['found']:,} projects differ)"
    return Row("diff", size, best([r and r["seconds"] for r in ours]), best([r and r["seconds"] for r in theirs]), "s",
               note=note, runs={"projtui": ours, "baseline": theirs})


def measure_reimport(size: int, k: int, timeout: float, work: Path) -> Row:
    changed, db = changed_snapshot(size), database(size)
    ours, theirs = alternate(k, worker_run("reimport", size, "projtui", changed, db, work, timeout=timeout),
                             worker_run("import", size, "baseline", changed, work, timeout=timeout))
    note = f"the changed snapshot (1 project in {CHANGED_EVERY}) over the database holding the original vs import's baseline into a fresh one"
    if any(r is None for r in ours):
        note = f"projtui did not finish in {timeout:.0f} s"
    elif ours[0]:
        note += f" ({ours[0]['changes']:,} changes applied)"
    return Row("reimport", size, best([r and r["seconds"] for r in ours]), best([r and r["seconds"] for r in theirs]), "s",
               note=note, runs={"projtui": ours, "baseline": theirs})


# -- PostgreSQL ----------------------------------------------------------------------------------------------

PG_MEASURES = ("pg_import", "pg_export", "pg_report", "pg_startup", "pg_filter", "pg_open")
PG_TARGET = 2.0  # over 2x SQLite is profiled and fixed or explained (issue 14)
PG_LOAD_TIMEOUT = 6 * 3600  # loading 100,000 projects by projtui's import on a busy machine


def postgres_run(size: int, *args, timeout: float | None):
    """One run of postgres.py in a fresh process (None on timeout), to hand to `alternate`."""

    def go():
        result = run_json([PYTHON, str(HERE / "postgres.py"), *map(str, args)], timeout)
        log(f"postgres {args[0]} {size:,}: {seconds(result)}")
        return result

    return go


def pg_row(measure: str, size: int, ours: list, theirs: list, note: str, key: str = "seconds", unit: str = "s") -> Row:
    """A PostgreSQL row: projtui on PostgreSQL (`ours`) against projtui on SQLite (`theirs`), same size, same run."""
    def value(result: dict | None) -> float | None:  # a probe's list of times counts by its best
        if result is None:
            return None
        return min(result[key]) if isinstance(result[key], list) else result[key]

    return Row(f"{measure} (PostgreSQL vs SQLite)", size, best([value(r) for r in ours]), best([value(r) for r in theirs]), unit,
               target=PG_TARGET, note=note, runs={"postgresql": ours, "sqlite": theirs})


def measure_postgres(size: int, k: int, timeout: float, work: Path, server: str, want: set[str], args) -> list[Row]:
    """The PostgreSQL rows at one size, each against projtui on a SQLite file in the same run."""
    import postgres

    rows = []
    if "pg_import" in want:
        snapshot = snapshot_file(size)
        ours, theirs = alternate(k, postgres_run(size, "import", snapshot, server, timeout=timeout),
                                 worker_run("import", size, "projtui", snapshot, work, timeout=timeout))
        rows.append(pg_row("import", size, ours, theirs, "projtui's import into a fresh database"))
    if not want & {"pg_export", "pg_report", "pg_startup", "pg_filter", "pg_open"}:
        return rows
    # One loaded database for the rest: the UI's portfolio (first project with the large plan), as database(size, large=1) holds it.
    snapshot, sqlite_db = snapshot_file(size, large=1), database(size, large=1)
    with postgres.throwaway(server, str(size)) as url:
        log(f"postgres: loading {snapshot.name} by projtui's import")
        started = time.monotonic()
        run_json([PYTHON, str(HERE / "postgres.py"), "load", str(snapshot), url], PG_LOAD_TIMEOUT)
        log(f"postgres: loaded in {time.monotonic() - started:.0f} s")
        if "pg_export" in want:
            ours, theirs = alternate(k, postgres_run(size, "export", url, timeout=timeout),
                                     worker_run("export", size, "projtui", sqlite_db, timeout=timeout))
            same = len({r and r["sha256"] for r in ours + theirs}) == 1
            rows.append(pg_row("export", size, ours, theirs, "byte-identical to SQLite's export" if same else "EXPORTS DIFFER"))
        if "pg_report" in want:
            ours, theirs = alternate(k, postgres_run(size, "report", url, timeout=timeout),
                                     worker_run("report", size, "projtui", sqlite_db, timeout=timeout))
            rows.append(pg_row("report", size, ours, theirs, f"Markdown report for {generate.SMALL_QUARTERS[-1]}"))
        if "pg_startup" in want:
            tmux = None if args.headless or not shutil.which("tmux") else Tmux()
            try:
                if tmux:
                    tmux.start()
                startup_run("projtui", url, work, tmux)  # warm-up: imports and the server's cache
                n = args.repeat or (5 if size <= 10_000 else 3)
                ours, theirs = alternate(n, lambda: startup_run("projtui", url, work, tmux), lambda: startup_run("projtui", sqlite_db, work, tmux))
            finally:
                if tmux:
                    tmux.stop()
            log(f"postgres startup {size:,}: {[round(r['startup'], 2) for r in ours]} sqlite {[round(r['startup'], 2) for r in theirs]}")
            rows.append(pg_row("startup", size, ours, theirs, f"{'tmux pane' if tmux else 'headless'}: process start → rows drawn", key="startup"))
        if "pg_filter" in want:
            ours, theirs = (filter_probe(db, args.repeat or 5, work, args.filter_key) for db in (url, sqlite_db))
            rows.append(pg_row("filter", size, [ours], [theirs], f"key '{args.filter_key}' → table repainted, as shipped", key="keystroke", unit="ms"))
            rows.append(pg_row("filter (no debounce)", size, [ours], [theirs], "debounce set to 1 ms: the query and the repaint",
                               key="keystroke_no_debounce", unit="ms"))
        if "pg_open" in want:
            ours, theirs = (open_probe(db, args.repeat or 5, work) for db in (url, sqlite_db))
            rows.append(pg_row("open project", size, [ours], [theirs], f"{ours['large_code']} (large plan) until the plan tab is drawn",
                               key="large", unit="ms"))
    return rows


def filter_probe(db: str | Path, n: int, work: Path, key: str) -> dict:
    """ui_probe.py filter on projtui with this database (a SQLite file or a URL)."""
    out = work / "filter-db.json"
    command = [PYTHON, str(HERE / "ui_probe.py"), "filter", "--app", "projtui", "--out", str(out), "--repeat", str(n), "--key", key, "--db", str(db)]
    subprocess.run(command, env=ui_env(work), check=True, cwd=ROOT, timeout=900)
    return json.loads(out.read_text())


def open_probe(db: str | Path, n: int, work: Path) -> dict:
    """ui_probe.py open with this database (a SQLite file or a URL)."""
    out = work / "open-db.json"
    command = [PYTHON, str(HERE / "ui_probe.py"), "open", "--db", str(db), "--out", str(out), "--repeat", str(n)]
    subprocess.run(command, env=ui_env(work), check=True, cwd=ROOT, timeout=900)
    return json.loads(out.read_text())


# -- the UI --------------------------------------------------------------------------------------------------


def ui_env(work: Path) -> dict:
    env = dict(os.environ)
    env.update(PROJTUI_CONFIG_DIR=str(work / "config"), PROJTUI_USER="bench", COLUMNS=str(TERMINAL[0]), LINES=str(TERMINAL[1]))
    env.pop("TEXTUAL", None)
    return env


class Tmux:
    """A private tmux server (its own socket) with one 120x40 pane that each run respawns."""

    def __init__(self) -> None:
        self.tmux = shutil.which("tmux")
        self.started = False

    def __call__(self, *args: str, check: bool = True) -> str:
        return subprocess.run([self.tmux, "-L", TMUX_SOCKET, *args], capture_output=True, text=True, check=check).stdout

    def start(self) -> None:
        self("kill-server", check=False)
        self("-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", str(TERMINAL[0]), "-y", str(TERMINAL[1]))
        self("set-option", "-t", "bench", "remain-on-exit", "on")
        self.started = True

    def stop(self) -> None:
        if self.started:
            self("kill-server", check=False)
            self.started = False


def startup_run(app: str, db: Path | None, work: Path, tmux: Tmux | None, timeout: float = 180) -> dict:
    """One fresh process: start -> first frame with rows (and RSS), in a tmux pane or headless."""
    out = work / f"startup-{app}.json"
    for stale in (out, Path(f"{out}.ready")):
        stale.unlink(missing_ok=True)
    command = [PYTHON, str(HERE / "ui_probe.py"), "startup", "--app", app, "--out", str(out)] + (["--db", str(db)] if db else [])
    env = ui_env(work)
    if tmux is None:
        command.append("--headless")
        t0 = time.monotonic()
        subprocess.run(command, env=env, check=True, timeout=timeout, cwd=ROOT, capture_output=True)
        visible = None
    else:
        shell = " ".join(f"{k}={v!r}" for k, v in (("PROJTUI_CONFIG_DIR", env["PROJTUI_CONFIG_DIR"]), ("PROJTUI_USER", "bench"))) + " " + " ".join(map(repr, command))
        t0 = time.monotonic()
        tmux("respawn-pane", "-k", "-t", "bench", f"cd {str(ROOT)!r} && exec env {shell}")
        deadline = time.monotonic() + timeout
        while not Path(f"{out}.ready").exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{app} did not show rows within {timeout}s; the pane shows:\n{tmux('capture-pane', '-p', '-t', 'bench')}")
            time.sleep(0.01)
        screen = tmux("capture-pane", "-p", "-t", "bench")
        visible = ("SP-000001" if app == "projtui" else "BR-000001") in screen
        while not out.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{app} did not finish; the pane shows:\n{tmux('capture-pane', '-p', '-t', 'bench')}")
            time.sleep(0.02)
    result = json.loads(out.read_text())
    result.update(startup=result["t_ready"] - t0, first_frame=result["t_first_frame"] - t0, interpreter=result["t_probe"] - t0,
                  row_visible_in_terminal=visible)
    return result


def measure_startup(sizes: list[int], k: int | None, work: Path, tmux: Tmux | None, want: set[str]) -> list[Row]:
    rows = []
    how = "tmux pane" if tmux else "headless"
    startup_run("bare", None, work, tmux)  # warm-up: page cache
    for size in sizes:
        db = database(size, large=1)
        startup_run("projtui", db, work, tmux)
        n = k or (5 if size <= 10_000 else 3)
        ours, theirs = alternate(n, lambda: startup_run("projtui", db, work, tmux), lambda: startup_run("bare", None, work, tmux))
        log(f"startup {size:,}: projtui {[round(r['startup'], 2) for r in ours]} bare {[round(r['startup'], 2) for r in theirs]}")
        if any(r["row_visible_in_terminal"] is False for r in ours + theirs):
            log("warning: the first row was not in the captured pane when the probe said rows were shown")
        runs = {"projtui": ours, "bare": theirs}
        if "startup" in want:
            first, drawn = (statistics.median(r[key] for r in ours) for key in ("first_frame", "startup"))
            rows.append(Row("startup", size, min(r["startup"] for r in ours), min(r["startup"] for r in theirs), "s",
                            target={10_000: 1.5, 100_000: 2.0}.get(size),
                            note=f"{how} {TERMINAL[0]}x{TERMINAL[1]}, process start → rows drawn (projtui medians: first frame {first:.2f} s, rows {drawn:.2f} s)",
                            runs=runs))
        if "memory" in want:
            rss = lambda rs, key: statistics.median(r[key]["VmRSS"] for r in rs) / 1024  # noqa: E731
            rows.append(Row("memory", size, rss(ours, "rss_settled"), rss(theirs, "rss_settled"), "MB",
                            target=2.0 if size == 100_000 else None,
                            note=f"RSS 1 s after first screen (at first frame: {rss(ours, 'rss_ready'):.0f} vs {rss(theirs, 'rss_ready'):.0f} MB)", runs=runs))
    return rows


def measure_filter(size: int, k: int | None, work: Path, key: str) -> list[Row]:
    db = database(size, large=1)
    n = k or 5

    def probe(app: str) -> dict:
        out = work / f"filter-{app}.json"
        command = [PYTHON, str(HERE / "ui_probe.py"), "filter", "--app", app, "--out", str(out), "--repeat", str(n), "--key", key]
        subprocess.run(command + (["--db", str(db)] if app == "projtui" else []), env=ui_env(work), check=True, cwd=ROOT, timeout=900)
        return json.loads(out.read_text())

    ours, theirs = probe("projtui"), probe("bare")
    log(f"filter {size:,}: projtui {ours['keystroke']} / no debounce {ours['keystroke_no_debounce']}; bare {theirs['keystroke']}")
    target = 2.0 if size == 100_000 else None
    debounce = ours.get("debounce", 0)
    runs = {"projtui": ours, "bare": theirs}
    return [
        Row("filter", size, min(ours["keystroke"]), min(theirs["keystroke"]), "ms", target=target,
            note=f"key '{key}' → table repainted, as shipped: a first key is read at once, keys close behind it wait {debounce * 1000:.0f} ms", runs=runs),
        Row("filter (no debounce)", size, min(ours["keystroke_no_debounce"]), min(theirs["keystroke_no_debounce"]), "ms", target=target,
            note="same, debounce set to 1 ms: the query and the repaint", runs=runs),
        Row("filter: key echo while typing", size, max(ours["burst"]["echo"]), max(theirs["burst"]["echo"]), "ms", target=target,
            note=(f"worst of {len(ours['burst']['echo'])} keys typing '{ours['burst']['word']}' one per "
                  f"{ours['burst']['interval'] * 1000:.0f} ms, each starting a query (median "
                  f"{statistics.median(ours['burst']['echo']) * 1000:.0f} vs {statistics.median(theirs['burst']['echo']) * 1000:.0f} ms)"),
            runs=runs),
        Row("filter: last key → table", size, min(ours["burst"]["last_key_to_table"]), min(theirs["burst"]["last_key_to_table"]), "ms",
            note="same bursts: last keystroke → table shows the whole word's matches", runs=runs),
    ]


def measure_sort(size: int, k: int | None, work: Path, key: str) -> list[Row]:
    """Each column's sort (and its reverse) against one filter keystroke, both measured in the same process."""
    db = database(size, large=1)
    out = work / "sort.json"
    command = [PYTHON, str(HERE / "ui_probe.py"), "sort", "--db", str(db), "--out", str(out), "--repeat", str(k or 5), "--key", key]
    subprocess.run(command, env=ui_env(work), check=True, cwd=ROOT, timeout=900)
    result = json.loads(out.read_text())
    log(f"sort {size:,}: {result['sort']} reversed {result['reverse']}; filter {result['filter']}")
    target = 2.0 if size == 100_000 else None
    return [
        Row(f"sort by {column}{' (reversed)' if which == 'reverse' else ''}", size, min(times), min(result["filter"]), "ms",
            target=target, note=f"its key → table in that order, against the filter key '{key}' → table filtered", runs=result)
        for column in result["sort"]
        for which, times in (("sort", result["sort"][column]), ("reverse", result["reverse"][column]))
    ]


def measure_open(size: int, k: int | None, work: Path) -> Row:
    db = database(size, large=1)
    out = work / "open.json"
    command = [PYTHON, str(HERE / "ui_probe.py"), "open", "--db", str(db), "--out", str(out), "--repeat", str(k or 5)]
    subprocess.run(command, env=ui_env(work), check=True, cwd=ROOT, timeout=900)
    result = json.loads(out.read_text())
    log(f"open: large {result['large']} small {result['small']}")
    return Row("open project", size, min(result["large"]), min(result["small"]), "ms", target=1.5,
               note=(f"{result['large_code']} (large plan) vs {result['small_code']} (small), until the plan tab is drawn "
                     f"(medians {statistics.median(result['large']) * 1000:.0f} vs {statistics.median(result['small']) * 1000:.0f} ms)"),
               runs=result)


# -- main ------------------------------------------------------------------------------------------------


def wait_for_ui() -> bool:
    return (ROOT / "src/projtui/ui/app.py").exists() and (ROOT / "src/projtui/ui/screens/portfolio.py").exists()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="numbers of projects (default: %(default)s)")
    parser.add_argument("--only", default=",".join(MEASURES), help="measures to run (default: all): " + ",".join(MEASURES))
    parser.add_argument("--json", type=Path, help="write the results, runs and machine to this file")
    parser.add_argument("--markdown", type=Path, help="write the tables as Markdown to this file")
    parser.add_argument("--repeat", type=int, help="runs per measurement (default: fewer for bigger sizes)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before one import, export, check or report run is abandoned (default: %(default)s)")
    parser.add_argument("--headless", action="store_true", help="measure start-up headless rather than in a tmux pane")
    parser.add_argument("--filter-key", default="w", help="the keystroke the filter measure types (default: %(default)s)")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server for the pg_* measures, a user who may create databases "
                        "(default: $PROJTUI_TEST_POSTGRES_URL); they make and drop projtui_bench_* databases")
    args = parser.parse_args(argv)

    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    want = {m.strip() for m in args.only.split(",")}
    unknown = want - set(MEASURES)
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))}")
    CACHE.mkdir(parents=True, exist_ok=True)
    # Bytecode for projtui as an installed package has it (pip compiles what it installs; a
    # development tree may have none, e.g. under PYTHONDONTWRITEBYTECODE), before any measure:
    # the baselines' libraries are compiled, and a worker that imports projtui inside its clock
    # (import_xlsx's) must not pay for compiling its source, nor pay it only when no start-up
    # measure happened to run first in the same tree.
    compileall.compile_dir(ROOT / "src" / "projtui", quiet=1)
    info = machine()
    log(f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, SQLite {info['sqlite']}, load {info['load_average']}")

    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="projtui-bench-"))
    (work / "config").mkdir()
    started = time.time()
    try:
        for size in sizes:
            if "import" in want:
                rows.append(measure_import(size, repeats(size, args.repeat), args.timeout, work))
            if "import_memory" in want:
                imports = rows[-1].runs["projtui"] if "import" in want else None
                rows.append(measure_import_memory(size, repeats(size, args.repeat), args.timeout, work, imports))
            if "import_xlsx" in want:
                rows.append(measure_import_xlsx(size, repeats(size, args.repeat), args.timeout, work))
            if "export" in want:
                rows.append(measure_export(size, repeats(size, args.repeat), args.timeout))
            if "export_xlsx" in want:
                rows.append(measure_export_xlsx(size, repeats(size, args.repeat), args.timeout))
            for measure in ("check", "report", "report_kpis"):
                if measure in want:
                    rows.append(measure_reading(measure, size, repeats(size, args.repeat), args.timeout))
            if "diff" in want:
                rows.append(measure_diff(size, repeats(size, args.repeat), args.timeout))
            if "reimport" in want:
                rows.append(measure_reimport(size, repeats(size, args.repeat), args.timeout, work))
        ui_sizes = [s for s in sizes if s in UI_SIZES] or ([max(sizes)] if sizes else [])
        if want & set(UI_MEASURES):
            if not wait_for_ui():
                log("the UI is not there yet (src/projtui/ui/app.py, screens/portfolio.py): UI measures skipped")
            else:
                if want & {"startup", "memory"}:
                    tmux = None if args.headless or not shutil.which("tmux") else Tmux()
                    try:
                        if tmux:
                            tmux.start()
                        rows += measure_startup(ui_sizes, args.repeat, work, tmux, want)
                    finally:
                        if tmux:
                            tmux.stop()
                if "filter" in want:
                    for size in ui_sizes:
                        rows += measure_filter(size, args.repeat, work, args.filter_key)
                if "sort" in want:
                    for size in ui_sizes:
                        rows += measure_sort(size, args.repeat, work, args.filter_key)
                if "open" in want:
                    rows.append(measure_open(min(ui_sizes), args.repeat, work))
        if want & set(PG_MEASURES):
            import postgres

            server = postgres.server_url(args.postgres)
            if server is None:
                log(f"no PostgreSQL server (--postgres URL, or {postgres.ENV}): PostgreSQL measures skipped")
            else:
                for size in [s for s in sizes if s in PG_SIZES] or [max(sizes)]:
                    rows += measure_postgres(size, repeats(size, args.repeat), args.timeout, work, server, want, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    info["load_average_end"] = os.getloadavg()
    info["minutes"] = round((time.time() - started) / 60, 1)
    command = "benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"\nprojtui benchmarks — {info['cpu']}, {info['cores']} cores, Python {info['python']}, SQLite {info['sqlite']}, "
          f"Textual {info['textual']}; commit {info['git_commit']}{' + uncommitted src' if info['git_dirty_src'] else ''}; "
          f"load {info['load_average'][0]:.1f} → {info['load_average_end'][0]:.1f}; {info['minutes']} min\n")
    print(table(rows))
    scaling = curve(rows)
    if scaling:
        print("\n" + scaling)
    if args.json:
        args.json.write_text(json.dumps({"command": command, "machine": info, "results": [asdict(r) | {"ratio": r.ratio, "verdict": r.verdict} for r in rows]}, indent=1, default=str))
    if args.markdown:
        text = f"`{command}` — {info['cpu']}, {info['cores']} cores, Python {info['python']}, SQLite {info['sqlite']}, Textual {info['textual']}, load {info['load_average'][0]:.1f}\n\n" + table(rows, markdown=True)
        if scaling:
            text += "\n\n" + curve(rows, markdown=True)
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
