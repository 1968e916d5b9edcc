"""`projtui completion bash|zsh|fish`: the shell's Tab completes commands, options, files and quarters.

The scripts are Typer's: Tab runs `projtui` again with `_PROJTUI_COMPLETE`
set, and Typer answers from the command table instead of running anything.
`entry` hands such a run straight to Typer, so an ordinary `projtui` pays
one environment lookup for this and nothing else. `--quarter` completes to
the quarters the portfolio has figures for (`cli.options.reported_quarters`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

import typer

from projtui.cli.shell_request import COMPLETE_VAR


class Shell(StrEnum):
    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


def completion(
    shell: Annotated[Shell, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
) -> None:
    """Print the shell script that makes Tab complete projtui's commands, options and quarters.

    Add it to your shell's start-up file: `eval "$(projtui completion bash)"` in
    ~/.bashrc, `eval "$(projtui completion zsh)"` in ~/.zshrc (after compinit), or
    `projtui completion fish | source` in ~/.config/fish/config.fish.
    """
    from typer.completion import get_completion_script

    typer.echo(get_completion_script(prog_name="projtui", complete_var=COMPLETE_VAR, shell=shell.value))


def enable() -> None:
    """Let Typer answer the shell: its completion classes, with bash's made to quote what it offers."""
    from typer._click.shell_completion import add_completion_class
    from typer._completion_classes import (  # typer is pinned below 0.30
        BashComplete,
        completion_init,
    )

    class QuotingBashComplete(BashComplete):
        # Bash inserts a completion as typed text, so "2024/25 Q1" would become two words;
        # zsh's and fish's scripts quote what they insert themselves.
        def format_completion(self, item) -> str:
            return re.sub(r"([^\w/.,:=@%+-])", r"\\\1", item.value)

    completion_init()
    add_completion_class(QuotingBashComplete, Shell.BASH.value)
