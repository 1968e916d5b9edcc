"""`projtui` reads the command lines that only open the app without Typer, exactly as Typer would."""

from __future__ import annotations

import subprocess
import sys

import pytest

from projtui import config, entry
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
# config.toml's database keys under each way of naming a database above: the command line wins, then the environment.
# With nothing else naming one, each opens the database on its right; a URL wins over a file at the same level.
IN_FILE = {'db = "f.db"': "sqlite:///f.db", 'database_url = "sqlite:///f.db"': "sqlite:///f.db", 'db = "f.db"\ndatabase_url = "sqlite:///g.db"': "sqlite:///g.db"}


@pytest.fixture
def environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for variable in entry.APP_OPTIONS.values():
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


@pytest.mark.parametrize("in_file", [None, *IN_FILE])
@pytest.mark.parametrize(("args", "env"), OPENING)
def test_the_app_opens_on_the_database_typer_would_open(args, env, in_file, environment, tmp_path):
    for variable, value in env.items():
        environment.setenv(variable, value)
    if in_file:
        config.config_dir().mkdir(parents=True)
        config.config_file().write_text(in_file + "\n")
    opened: list[str] = []
    environment.setattr(launch, "open_app", opened.append)
    options = entry.app_only_options(args, dict(env))
    assert options is not None
    assert entry.main(list(args)) == 0 and root.main(list(args)) == 0
    assert opened == [config.load_settings().database(options)] * 2
    if in_file and not args and not any(env.values()):
        assert opened[0] == IN_FILE[in_file]


def test_the_command_line_wins_over_the_environment_and_the_file(environment):
    config.config_dir().mkdir(parents=True)
    config.config_file().write_text('database_url = "sqlite:///f.db"\n')
    environment.setenv("PROJTUI_DATABASE_URL", "sqlite:///e.db")
    options = entry.app_only_options(["--db", "x.db"], {})
    assert config.load_settings().database(options) == "sqlite:///x.db"
    assert config.load_settings().database((None, None)) == "sqlite:///e.db"


@pytest.mark.parametrize(
    "args",
    [["--db"], ["--db", "a.db", "--db", "b.db"], ["--db", "--debug"], ["--debug"], ["--version"], ["-h"], ["check"], ["--db", "a.db", "check"], ["--db="]],
)
def test_anything_else_is_left_to_typer(args, environment):
    assert entry.app_only_options(args, {}) is None


def test_a_directory_is_left_to_typer_to_refuse(tmp_path, environment, capsys):
    assert entry.app_only_options(["--db", str(tmp_path)], {}) is None
    assert entry.main(["--db", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_opening_the_app_does_not_load_typer_or_pydantic(tmp_path):
    """Nor pydantic, once the settings model has validated these settings (the first start after a change)."""
    config.config_dir().mkdir(parents=True)
    config.config_file().write_text('user = "Ann"\n[keymap]\n"portfolio.filter" = "ctrl+f"\n')
    probe = (
        "import sys; from projtui import entry; from projtui.ui import launch; launch.open_app = print; "
        f"entry.main(['--db', {str(tmp_path / 'p.db')!r}]); print('typer' in sys.modules, 'pydantic' in sys.modules)"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout for _ in range(2)]
    assert runs == [f"sqlite:///{tmp_path / 'p.db'}\nFalse True\n", f"sqlite:///{tmp_path / 'p.db'}\nFalse False\n"]


def test_an_error_opening_the_app_is_one_line(tmp_path, capsys):
    (tmp_path / "p.db").write_text("not a database")
    assert entry.main(["--db", str(tmp_path / "p.db")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "cannot open as a portfolio database" in err
