"""What start-up costs before the first frame: importing the modules and opening the database.

    .venv/bin/python benchmarks/imports.py [--db FILE] [--repeat 7]

Each run is a fresh interpreter that imports what `projtui --db FILE`
imports before its first frame (the entry point, opening, the app and the
portfolio screen) and opens the database (the schema check included),
against one that imports what the bare app imports (Textual and its
DataTable). Printed: the fastest run's import time, open time and RSS,
then the modules that cost most to import in that process, by top-level
package (`python -X importtime`, self time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROJTUI = """
import projtui.entry
from projtui.services.opening import open_portfolio
import projtui.ui.launch, projtui.ui.app, projtui.ui.screens.portfolio
"""
BARE = """
import textual.app
from textual.widgets import DataTable
"""
PROBE = """
import json, sys, time
started = time.perf_counter()
exec(sys.argv[1])
imported = time.perf_counter()
if sys.argv[2]:
    open_portfolio("sqlite:///" + sys.argv[2]).dispose()
opened = time.perf_counter()
with open("/proc/self/status") as status:
    rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
print(json.dumps({"imports": imported - started, "open": opened - imported, "rss_mb": rss / 1024}))
"""


def run(code: str, db: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, code, db], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def import_costs(code: str, top: int) -> list[tuple[str, float]]:
    """Self import time per top-level package (projtui per module), in ms."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    costs: Counter[str] = Counter()
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        package = name if name.startswith("projtui.") else name.split(".")[0]
        costs[package] += int(self_us) / 1000
    return costs.most_common(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a projtui database to open (e.g. one in benchmarks/out/cache/)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    db = str(Path(args.db).resolve()) if args.db else ""
    for name, code, path in (("projtui", PROJTUI, db), ("bare", BARE, "")):
        best = min((run(code, path) for _ in range(args.repeat)), key=lambda r: r["imports"] + r["open"])
        print(f"{name:8} imports {best['imports']:.3f} s  open {best['open']:.3f} s  RSS {best['rss_mb']:.0f} MB  (fastest of {args.repeat})")
        for package, ms in import_costs(code, args.top):
            print(f"{'':8} {ms:7.1f} ms  {package}")


if __name__ == "__main__":
    main()
