"""A progress bar on stderr for the long commands, when a person is there to read it.

Shown only when stderr is a terminal and `--quiet` was not given: piped or
redirected, a command prints exactly what it printed before. The bar goes
away when the work is done, so the terminal keeps only the command's answer.
Rich (which Textual brings) is imported only when a bar is drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from projtui.domain.progress import Progress, no_progress

# `-q` is --quarter's, so --quiet has no short form.
QuietOption = Annotated[bool, typer.Option("--quiet", help="No progress bar on a terminal.")]


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress]:
    """A `Progress` that draws each phase as a bar with its count and time left, or one that draws nothing."""
    if quiet or not sys.stderr.isatty():
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bars

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Bars(*columns, console=Console(stderr=True), transient=True) as bars:
        tasks = {}

        def show(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bars.add_task(phase, total=total)
            bars.update(tasks[phase], completed=done)

        yield show
