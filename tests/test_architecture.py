"""The layering written down in pyproject.toml holds, and start-up stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
         "--config", str(ROOT / "pyproject.toml")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_start_up_does_not_import_heavy_modules():
    """`projtui --version` and friends must not pay for Textual, Alembic, the database drivers, the HTML report's Jinja2 or XlsxWriter."""
    probe = "import sys, projtui.cli.root; print(sorted(m for m in ('textual', 'alembic', 'psycopg', 'projtui.store', 'jinja2', 'xlsxwriter') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_only_the_html_report_loads_jinja2():
    """The report command and the Markdown report leave Jinja2 unloaded; the HTML renderer brings it."""
    probe = (
        "import sys, projtui.cli.report, projtui.report.markdown; print('jinja2' in sys.modules); "
        "import projtui.report.html; print('jinja2' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]


FIRST_SCREEN = """
import sys
from projtui import entry
from projtui.services import portfolio, portfolio_benefits
from projtui.services.opening import open_portfolio
import projtui.ui.launch, projtui.ui.app, projtui.ui.screens.portfolio

db = open_portfolio("sqlite:///" + sys.argv[1])
rows = portfolio.list_projects(db, limit=40)
benefits = portfolio_benefits.benefits_on_track(db, [row.id for row in rows])
print(len(rows), portfolio.total_projects(db), portfolio.portfolio_title(db) is not None, len(benefits))
print(sorted(m for m in ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "typer") if m in sys.modules))
"""


def test_the_first_portfolio_screen_needs_no_sqlalchemy(tmp_path):
    """`projtui` draws the portfolio before SQLAlchemy, pydantic or Typer are imported: they cost most of start-up."""
    db = tmp_path / "p.db"
    subprocess.run([sys.executable, "-m", "projtui", "init", "--sample", "--db", str(db)], capture_output=True, check=True)
    result = subprocess.run([sys.executable, "-c", FIRST_SCREEN, str(db)], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["17 17 True 17", "[]"]
