"""The benchmarks on PostgreSQL: throwaway databases on a server, loaded by projtui's own import.

    postgres.py import SNAPSHOT.toml SERVER_URL      (timed: projtui's import into a fresh database, dropped after)
    postgres.py export DATABASE_URL                  (timed: projtui's export of a loaded database)
    postgres.py report DATABASE_URL                  (timed: the Markdown report of a loaded database)
    postgres.py load SNAPSHOT.toml DATABASE_URL      (not timed: migrations, the bench user, the import)

The server is `run.py --postgres URL`, or PROJTUI_TEST_POSTGRES_URL, as a
SQLAlchemy URL (postgresql+psycopg://user@host:port/db) whose user may
create databases. Every database made here is named `projtui_bench_*` and
dropped with FORCE when its run ends, whether or not the run finished.

Each timed run does what worker.py's projtui variant does on a SQLite file,
so run.py can set one against the other in the same run: the ratio is
what PostgreSQL costs projtui, not what projtui costs. As in worker.py,
only the operation is timed (the migrations and the bench user come before
the clock starts).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ENV = "PROJTUI_TEST_POSTGRES_URL"
PREFIX = "projtui_bench_"


def server_url(given: str | None) -> str | None:
    """The server to use: `--postgres`, else PROJTUI_TEST_POSTGRES_URL; None when neither is set."""
    return given or os.environ.get(ENV) or None


def _admin(server: str):
    """An autocommit psycopg connection to the server's own database: CREATE and DROP DATABASE cannot run in a transaction."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    return psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database,
                           autocommit=True, connect_timeout=10)


def create(server: str, tag: str) -> str:
    """A new, empty database on the server (`projtui_bench_<tag>_<random>`); its URL."""
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"{PREFIX}{tag}_{uuid.uuid4().hex[:8]}"
    with _admin(server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop(server: str, url: str) -> None:
    """Drop the database `url` names (a projtui_bench_* one only), ending any connection a run left open to it."""
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if not name.startswith(PREFIX):
        raise ValueError(f"{name}: not a benchmark database; not dropped")
    with _admin(server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def throwaway(server: str, tag: str) -> Iterator[str]:
    """A fresh database's URL for the `with` block, dropped after it however the block ends."""
    url = create(server, tag)
    try:
        yield url
    finally:
        drop(server, url)


def prepared(url: str):
    """The database at `url` migrated, with the bench user as its admin (as worker.fresh_db does for a SQLite file)."""
    from projtui.services import users
    from projtui.services.opening import open_portfolio

    db = open_portfolio(url, create=True)
    users.claim_first_admin(db, "bench")
    return db


def load(snapshot: Path, url: str) -> dict:
    """The snapshot into the (empty) database at `url` by projtui's import: the database the other measures read."""
    from projtui.services.importing import import_snapshot

    db = prepared(url)
    result = import_snapshot(db, snapshot.read_text(encoding="utf-8"), source=snapshot.name, actor="bench")
    db.dispose()
    return {"changes": len(result.changes)}


def timed_import(snapshot: Path, server: str) -> dict:
    """projtui's import of the snapshot into a fresh database on the server (worker.py import projtui, on PostgreSQL)."""
    from worker import peak_rss_mb

    from projtui.services.importing import import_snapshot

    text = snapshot.read_text(encoding="utf-8")
    with throwaway(server, "import") as url:
        db = prepared(url)
        started = time.perf_counter()
        result = import_snapshot(db, text, source=snapshot.name, actor="bench")
        seconds = time.perf_counter() - started
        db.dispose()
    assert result.applied
    return {"seconds": seconds, "changes": len(result.changes), "peak_rss_mb": peak_rss_mb()}


def timed_export(url: str) -> dict:
    """projtui's export of the database at `url` (worker.py export projtui, on PostgreSQL)."""
    import hashlib

    from worker import peak_rss_mb

    from projtui.services.opening import open_portfolio
    from projtui.services.transfer import export_snapshot

    db = open_portfolio(url)
    started = time.perf_counter()
    text = "".join(export_snapshot(db))
    seconds = time.perf_counter() - started
    db.dispose()
    encoded = text.encode("utf-8")
    return {"seconds": seconds, "bytes": len(encoded), "sha256": hashlib.sha256(encoded).hexdigest(), "peak_rss_mb": peak_rss_mb()}


def timed_report(url: str) -> dict:
    """The Markdown report for the generated portfolio's latest quarter (worker.py report projtui, on PostgreSQL)."""
    import generate
    from worker import peak_rss_mb

    from projtui.domain.quarter import Quarter
    from projtui.report.markdown import render_markdown
    from projtui.services.opening import open_portfolio
    from projtui.services.reporting import build_report

    db = open_portfolio(url)
    quarter = Quarter.parse(generate.SMALL_QUARTERS[-1])
    started = time.perf_counter()
    text = render_markdown(build_report(db, quarter))
    seconds = time.perf_counter() - started
    db.dispose()
    return {"seconds": seconds, "bytes": len(text.encode("utf-8")), "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    measure, *rest = sys.argv[1:]
    if measure == "load":
        result = load(Path(rest[0]), rest[1])
    elif measure == "import":
        result = timed_import(Path(rest[0]), rest[1])
    elif measure == "export":
        result = timed_export(rest[0])
    elif measure == "report":
        result = timed_report(rest[0])
    else:
        raise SystemExit(f"error: unknown measure {measure!r}: load, import, export or report")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
