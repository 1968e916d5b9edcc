"""How a command fails: one line on stderr starting `error:`, exit 2 for usage, 1 for bad data.

`--debug` shows the traceback of anything unexpected instead. Shared by
`entry` (which opens the app without Typer) and `cli.root`; it imports
neither, so the two never import each other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from projtui.domain.errors import InvalidInput, ProjtuiError


class Interrupted(ProjtuiError):
    """Ctrl+C (exit 130, as shells expect): whatever the command was doing is undone."""

    exit_code = 130


class UsageProblem(ProjtuiError):
    """The command line itself is wrong (exit 2), e.g. it names a file that is not there."""

    exit_code = 2


def reporting_errors(run: Callable[[], int | None], args: Sequence[str]) -> int:
    """Run a command, turning what a user can cause into one `error:` line and its exit code."""
    try:
        result = run()
    except BrokenPipeError:
        return reader_gone()
    except InvalidInput as exc:
        for problem in exc.problems:
            error(str(problem))
        return exc.exit_code
    except ProjtuiError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as exc:
        if "--debug" in args:
            raise
        return fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", 1)
    code = result if isinstance(result, int) else 0
    try:
        sys.stdout.flush()  # here, not at exit, so a reader that left early is not reported as an error
    except BrokenPipeError:
        reader_gone()  # the command's own answer (diff's 1: they differ) still stands
    return code


def reader_gone() -> int:
    """`projtui export | head -1`: the reader had what it wanted, so end quietly with 0, as `head`'s users expect.

    Standard output goes to /dev/null from here on: Python would otherwise report the same
    broken pipe again when it flushes at exit.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def error(message: str) -> None:
    first_line = " ".join(message.split())
    print(f"error: {first_line}", file=sys.stderr)


def fail(message: str, code: int) -> int:
    error(message)
    return code
