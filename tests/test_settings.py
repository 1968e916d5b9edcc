"""config.toml and PROJTUI_* as a user meets them: `projtui config`, the database they choose, one line per mistake."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_cli import _init, _single_error

from projtui import config
from projtui.settings import cache


@pytest.fixture
def settings_file(tmp_path) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    return path


def test_config_path_prints_where_the_file_is_even_before_it_exists(cli, settings_file):
    result = cli("config", "path")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{settings_file}\n", "")


def test_config_show_says_where_each_setting_came_from(cli, settings_file, tmp_path):
    settings_file.write_text('# mine\nuser = "Ann"\ndatabase_url = "postgresql://ann:secret@host/db"\n[keymap]\n"portfolio.filter" = "ctrl+f"\n')
    shown = _shown(cli, "--db", tmp_path / "x.db", env={"PROJTUI_THEME": "nord", "PROJTUI_KEYMAP": '{"app.help": "f2"}'})
    assert shown == [
        'user = "Ann"  # file',
        'theme = "nord"  # environment (PROJTUI_THEME)',
        f'db = "{tmp_path / "x.db"}"  # option',
        'database_url = "postgresql://ann:***@host/db"  # file',
        'keymap."portfolio.filter" = "ctrl+f"  # file',
        'keymap."app.help" = "f2"  # environment (PROJTUI_KEYMAP)',
        "risk_bands.amber = 5  # default",
        "risk_bands.red = 15  # default",
        f"# opens sqlite:///{tmp_path / 'x.db'}",
    ]


def test_config_show_with_no_file_shows_the_defaults(cli, db_path):
    default = config.default_db_path()
    shown = _shown(cli, env={"PROJTUI_DB": "", "PROJTUI_USER": "Bo"})
    assert shown[:2] == ['user = "Bo"  # environment (PROJTUI_USER)', 'theme = "textual-dark"  # default']
    assert shown[2:] == [
        f'db = "{default}"  # default', "database_url = (not set)  # default",
        "risk_bands.amber = 5  # default", "risk_bands.red = 15  # default", f"# opens sqlite:///{default}",
    ]


def _shown(cli, *before: str | Path, env: dict[str, str]) -> list[str]:
    """`projtui [before] config show`'s lines."""
    result = cli(*before, "config", "show", env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_database_in_the_file_is_used_by_every_command(cli, settings_file, tmp_path):
    db = tmp_path / "from-file.db"
    _init(cli, db)
    settings_file.write_text(f'database_url = "sqlite:///{db}"\n')
    no_variable = {"PROJTUI_DB": ""}  # the tests' own PROJTUI_DB would win over the file
    by_option = cli("check", "--db", db)
    assert by_option.returncode == 1 and "gap" in by_option.stdout
    assert cli("check", env=no_variable).stdout == by_option.stdout
    exported = cli("export", "--no-timestamp", env=no_variable)
    assert exported.returncode == 0 and 'code = "SP-01"' in exported.stdout
    settings_file.write_text(f'db = "{db}"\n')
    assert cli("check", env=no_variable).stdout == by_option.stdout


BAD = [
    ('user = "Ann"\nbogus = 1\n', "{file}:2: bogus: unknown key (got 1)"),
    ('theme = "nrod"\n', "{file}:1: theme: not a theme Textual knows; did you mean 'nord'? (got 'nrod')"),
    ("theme = 3\n", "{file}:1: theme: must be a valid string (got 3)"),
    ('user = "  "\n', "{file}:1: user: must not be empty"),
    ('database_url = "portfolio.db"\n', "{file}:1: database_url: not a database URL, e.g. sqlite:///path/to/portfolio.db"),
    ('\n[keymap]\n"portfolio.filtr" = "ctrl+f"\n', "{file}:3: keymap[\"portfolio.filtr\"]: not a key binding id (see README, Settings); did you mean 'portfolio.filter'?"),
    ('[keymap]\n"app.help" = ""\n', "{file}:2: keymap[\"app.help\"]: keys, separated by commas"),
    ('user = "Ann\n', "{file}:1: invalid TOML: "),
    ("[keymap\n", "{file}:1: invalid TOML: "),
]


@pytest.mark.parametrize(("text", "expected"), BAD)
@pytest.mark.parametrize("command", [(), ("check",)], ids=["opening the app", "a command"])
def test_a_bad_settings_file_is_one_line_naming_file_line_key_and_value(cli, settings_file, text, expected, command):
    settings_file.write_text(text)
    line = _single_error(cli(*command), 1)
    assert line.startswith("error: " + expected.format(file=settings_file)), line


def test_a_bad_variable_is_named(cli):
    line = _single_error(cli("config", "show", env={"PROJTUI_THEME": "no-such-theme"}), 1)
    assert line.startswith("error: PROJTUI_THEME: theme: not a theme Textual knows; one of: textual-dark, "), line
    assert line.endswith("(got 'no-such-theme')")
    line = _single_error(cli(env={"PROJTUI_KEYMAP": "{"}), 1)
    assert line.startswith("error: PROJTUI_KEYMAP: not JSON"), line


def test_each_mistake_is_its_own_line(cli, settings_file):
    settings_file.write_text('bogus = 1\ntheme = "nrod"\n')
    result = cli("config", "show")
    assert result.returncode == 1
    assert [line.split(": ")[2] for line in result.stderr.splitlines()] == ["bogus", "theme"]


def test_config_path_works_when_the_file_is_broken(cli, settings_file):
    settings_file.write_text("[[[")
    assert cli("config", "path").stdout == f"{settings_file}\n"


def test_the_first_start_after_an_edit_validates_again(cli, settings_file):
    """The cache is keyed on the file's text: an edit that keeps its size and time is still seen."""
    settings_file.write_text('theme = "nord"\n')
    stamp = settings_file.stat()
    assert cli("config", "show").returncode == 0
    assert cache.cache_file().exists()
    settings_file.write_text('theme = "nrod"\n')  # same size
    os.utime(settings_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert "theme: not a theme" in _single_error(cli("config", "show"), 1)
    assert "theme: not a theme" in _single_error(cli(), 1)  # bad settings are never cached
    settings_file.write_text('theme = "nord"\n')
    assert 'theme = "nord"  # file' in cli("config", "show").stdout


def test_a_changed_variable_validates_again(cli, settings_file):
    settings_file.write_text('theme = "nord"\n')
    assert cli("config", "show").returncode == 0
    assert "PROJTUI_THEME" in _single_error(cli("config", "show", env={"PROJTUI_THEME": "nrod"}), 1)


def test_the_cache_gives_what_the_model_gave(settings_file, monkeypatch):
    settings_file.write_text('user = "Ann"\n[keymap]\n"portfolio.filter" = "ctrl+f"\n')
    monkeypatch.setenv("PROJTUI_THEME", "nord")
    validated = config.load_settings()
    assert cache.read(cache.key(settings_file)) is not None
    assert config.load_settings() == validated
    assert validated.sources == {"user": "file", "db": "environment", "theme": "environment", "keymap.portfolio.filter": "file"}


def test_an_unwritable_cache_only_costs_time(settings_file, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(settings_file))  # a file: no directory can be made in it
    settings_file.write_text('user = "Ann"\n')
    assert config.load_settings().user == "Ann"


def test_risk_bands_that_are_no_matrix_are_one_line_naming_the_file_and_line(cli, settings_file):
    settings_file.write_text('user = "Ann"\n[risk_bands]\namber = 16\nred = 15\n')
    line = _single_error(cli("check"), 1)
    assert line.startswith(f"error: {settings_file}:2: risk_bands: "), line
    assert "risk_bands" in line and "need 2 <= amber <= red <= 25" in line, line


def test_risk_bands_reach_the_settings_in_effect(cli, settings_file):
    settings_file.write_text("[risk_bands]\namber = 4\nred = 10\n")
    bands = config.load_settings().bands
    assert (bands.amber, bands.red) == (4, 10)
    shown = _shown(cli, env={"PROJTUI_USER": "Bo"})
    assert ["risk_bands.amber = 4  # file", "risk_bands.red = 10  # file"] == [line for line in shown if line.startswith("risk_bands")]
