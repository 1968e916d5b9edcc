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
    """`projtui --version` and friends must not pay for Textual, Alembic or the database drivers."""
    probe = "import sys, projtui.cli; print(sorted(m for m in ('textual', 'alembic', 'psycopg', 'projtui.store') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
