"""Every command's class: help that reads like the rest of the terminal (plain placeholders, nothing cut), and Ctrl+C said.

Typer writes a required argument as `{FILE}` in the usage line and adds its
own type labels (`FILE <path>`); the commands list cuts each description to
fit with "…". `PlainCommand` writes `FILE` (or `[FILE]` when optional), as
man pages and Click's own help do, and `short_help` gives the list the whole
first paragraph, which wraps instead of being cut.

Typer turns a KeyboardInterrupt inside a command into a bare exit status 130
when it runs without its standalone mode (as `cli.root` runs it), so Ctrl+C
ended a command with nothing said. `PlainCommand` raises `Interrupted`
instead, which `cli.errors.reporting_errors` reports like any other error:
one `error: interrupted` line and status 130, once every `finally` and
rolled-back transaction on the way out has run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

import typer
from typer.core import TyperCommand

from projtui.cli.errors import Interrupted


class PlainCommand(TyperCommand):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = placeholder(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx, formatter) -> None:
        arguments = [
            (placeholder(param), _argument_help(param))
            for param in self.get_params(ctx)
            if param.param_type_name == "argument"
        ]
        options = [
            record
            for param in self.get_params(ctx)
            if param.param_type_name == "option" and (record := param.get_help_record(ctx)) is not None
        ]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def placeholder(param) -> str:
    """How the help and the error messages name a parameter: its longest option, or its argument's metavar."""
    if param.param_type_name == "argument":
        return param.metavar or param.name.upper()
    return max(param.opts, key=len)


def _argument_help(param) -> str:
    return f"{param.help or ''}  [required]".strip() if param.required else param.help or ""


def summary(command: Callable) -> str:
    """A command's first paragraph, as the commands list shows it (whole, so it wraps rather than being cut)."""
    return " ".join(inspect.cleandoc(command.__doc__ or "").split("\n\n")[0].split())


def add_commands(app, commands: Iterable[tuple[str, Callable]]) -> None:
    """Register commands with plain help, each listed by its whole first paragraph."""
    for name, command in commands:
        app.command(name, cls=PlainCommand, short_help=summary(command))(command)


def command_group(help: str, commands: Iterable[tuple[str, Callable]]) -> typer.Typer:
    """A group of commands (`projtui user …`) with plain help; the group's name alone shows its help."""
    group = typer.Typer(help=help, rich_markup_mode=None, no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
    add_commands(group, commands)
    return group


def add_group(app, group, name: str) -> None:
    """Register a group of commands (`projtui config …`), listed by its whole help text."""
    app.add_typer(group, name=name, short_help=" ".join((group.info.help or "").split()))
