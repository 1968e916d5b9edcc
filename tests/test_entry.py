"""`projtui` reads the command lines that only open the app without Typer, exactly as Typer would."""

from __future__ import annotations

import subprocess
import sys

import pytest

from projtui import entry
from projtui.cli import root
from projtui.ui import launch

OPENING = [
    ([], {}),
    (["--db", "x.db"], {}),
    (["--db=x.db"], {}),
    (["--db", "~/x.db"], {}),
    (["--database-url", "postgresql+psycopg://u@h/d"], {}),
    (["--database-url=sqlite:///y.db", "--db", "x.db"], {}),
    ([], {"PROJTUI_DB": "e.db"}),
    ([], {"PROJTUI_DB": ""}),
    ([], {"PROJTUI_DATABASE_URL": "sqlite:///u.db"}),
    (["--db", "x.db"], {"PROJTUI_DATABASE_URL": "sqlite:///u.db"}),
    (["--database-url", "sqlite:///y.db"], {"PROJTUI_DB": "e.db"}),
]


@pytest.fixture
def environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for variable in entry.APP_OPTIONS.values():
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


@pytest.mark.parametrize(("args", "env"), OPENING)
def test_the_app_opens_on_the_database_typer_would_open(args, env, environment):
    for variable, value in env.items():
        environment.setenv(variable, value)
    opened: list[str] = []
    environment.setattr(launch, "open_app", opened.append)
    fast = entry.app_only_url(args, dict(env))
    assert fast is not None
    assert root.main(list(args)) == 0
    assert opened == [fast]


@pytest.mark.parametrize(
    "args",
    [["--db"], ["--db", "a.db", "--db", "b.db"], ["--db", "--debug"], ["--debug"], ["--version"], ["-h"], ["check"], ["--db", "a.db", "check"], ["--db="]],
)
def test_anything_else_is_left_to_typer(args, environment):
    assert entry.app_only_url(args, {}) is None


def test_a_directory_is_left_to_typer_to_refuse(tmp_path, environment, capsys):
    assert entry.app_only_url(["--db", str(tmp_path)], {}) is None
    assert entry.main(["--db", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_opening_the_app_does_not_load_typer(tmp_path):
    probe = (
        "import sys; from projtui import entry; from projtui.ui import launch; launch.open_app = print; "
        f"entry.main(['--db', {str(tmp_path / 'p.db')!r}]); print('typer' in sys.modules, 'pydantic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [f"sqlite:///{tmp_path / 'p.db'}", "False False"]


def test_an_error_opening_the_app_is_one_line(tmp_path, capsys):
    (tmp_path / "p.db").write_text("not a database")
    assert entry.main(["--db", str(tmp_path / "p.db")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "cannot open as a portfolio database" in err
