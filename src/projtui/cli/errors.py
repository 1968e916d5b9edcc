"""How a command fails: one line on stderr starting `error:`, exit 2 for usage, 1 for bad data.

`--debug` shows the traceback of anything unexpected instead. Shared by
`entry` (which opens the app without Typer) and `cli.root`; it imports
neither, so the two never import each other.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from projtui.domain.errors import InvalidInput, ProjtuiError


class UsageProblem(ProjtuiError):
    """The command line itself is wrong (exit 2), e.g. it names a file that is not there."""

    exit_code = 2


def reporting_errors(run: Callable[[], int | None], args: Sequence[str]) -> int:
    """Run a command, turning what a user can cause into one `error:` line and its exit code."""
    try:
        result = run()
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
    return result if isinstance(result, int) else 0


def error(message: str) -> None:
    first_line = " ".join(message.split())
    print(f"error: {first_line}", file=sys.stderr)


def fail(message: str, code: int) -> int:
    error(message)
    return code
