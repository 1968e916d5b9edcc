"""`projtui completion`: the scripts load in their shells and Tab offers commands, options and quarters.

Bash is driven for real: the script is sourced and its completion function
called as bash calls it on Tab, so the `projtui` it runs is the installed
command (found on PATH beside this Python). zsh and fish are not on every
machine, so their side is checked where Typer's scripts call in: the
variables those scripts set.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@pytest.fixture
def portfolio(cli, tmp_path) -> Path:
    db = tmp_path / "p.db"
    assert cli("init", "--sample", "--db", db).returncode == 0
    return db


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **extra}


def _bash(script: str, cwd: Path) -> str:
    result = subprocess.run(
        ["bash", "--norc", "-c", f'source <(projtui completion bash) || exit 9\n{script}'],
        capture_output=True, text=True, env=_env(), cwd=cwd, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _tab(words: str, cwd: Path) -> list[str]:
    """What bash offers for Tab at the end of `words` (a trailing space: a new, empty word).

    The words are split as bash's COMP_WORDS holds them: at unescaped spaces, backslashes kept.
    """
    parts = [part.replace("\0", "\\ ") for part in words.replace("\\ ", "\0").split(" ")]
    array = " ".join(shlex.quote(part) for part in parts)
    out = _bash(
        f"COMP_WORDS=({array}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); "
        'COMPREPLY=(); _projtui_completion projtui; printf "%s\\n" "${COMPREPLY[@]}"',
        cwd,
    )
    return [line for line in out.splitlines() if line]


def test_the_bash_script_registers_a_completion_for_projtui(tmp_path):
    assert _bash("complete -p projtui", tmp_path).strip() == "complete -o default -F _projtui_completion projtui"


def test_tab_completes_commands_options_and_choices(tmp_path):
    assert _tab("projtui rep", tmp_path) == ["report"]
    assert _tab("projtui co", tmp_path) == ["completion", "config"]
    assert _tab("projtui config ", tmp_path) == ["path", "show"]
    assert _tab("projtui report --qu", tmp_path) == ["--quarter", "--quiet"]
    assert _tab("projtui check --f", tmp_path) == ["--format"]
    assert _tab("projtui check --format ", tmp_path) == ["text", "json"]
    assert _tab("projtui report --format ", tmp_path) == ["md", "html", "docx", "xlsx"]
    assert _tab("projtui export --format ", tmp_path) == ["toml", "xlsx"]
    assert _tab("projtui completion ", tmp_path) == ["bash", "zsh", "fish"]


def test_tab_after_quarter_offers_the_reported_quarters_quoted_for_bash(portfolio, tmp_path):
    offered = _tab(f"projtui report --db {portfolio} --quarter ", tmp_path)
    assert offered[:3] == ["2026/27\\ Q2", "2026/27\\ Q1", "2025/26\\ Q4"]
    assert len(offered) == 10
    assert _tab(f"projtui report --db {portfolio} -q 2025/26\\ Q", tmp_path) == [
        "2025/26\\ Q4", "2025/26\\ Q3", "2025/26\\ Q2", "2025/26\\ Q1",
    ]
    # --db given before the command counts too, and each offer reads back as one word.
    offered = _tab(f"projtui --db {portfolio} export -q 2026", tmp_path)
    assert offered == ["2026/27\\ Q2", "2026/27\\ Q1"]
    assert shlex.split(offered[0]) == ["2026/27 Q2"]


def test_tab_after_quarter_offers_nothing_without_a_database(tmp_path):
    assert _tab(f"projtui report --db {tmp_path / 'none.db'} --quarter ", tmp_path) == []
    assert not (tmp_path / "none.db").exists()


def _ask(shell: str, words: str, cwd: Path, **extra: str) -> str:
    env = _env(_PROJTUI_COMPLETE=f"complete_{shell}", _TYPER_COMPLETE_ARGS=words, **extra)
    result = subprocess.run(["projtui"], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def test_zsh_and_fish_scripts_ask_projtui_and_get_quarters_back(cli, portfolio, tmp_path):
    zsh = cli("completion", "zsh").stdout
    assert "compdef _projtui_completion projtui" in zsh and "_PROJTUI_COMPLETE=complete_zsh" in zsh
    fish = cli("completion", "fish").stdout
    assert fish.startswith("complete --command projtui") and "_PROJTUI_COMPLETE=complete_fish" in fish

    answer = _ask("zsh", f"projtui report --db {portfolio} --quarter 2026", tmp_path)
    assert answer == "_arguments '*: :((\"2026/27 Q2\"\n\"2026/27 Q1\"))'\n"
    answer = _ask("fish", f"projtui report --db {portfolio} --quarter 2026", tmp_path, _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert answer.splitlines() == ["2026/27 Q2", "2026/27 Q1"]


def test_an_unknown_shell_is_a_usage_error_naming_the_argument(cli):
    result = cli("completion", "tcsh")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: SHELL: 'tcsh' is not one of 'bash', 'zsh', 'fish'."
