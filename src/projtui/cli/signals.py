"""Termination signals end a command the way Ctrl+C does: through its cleanup.

Python's default for SIGTERM (`kill`, a closing service manager) and SIGHUP
(a closed terminal) is to stop at once, which would leave an export's
temporary file beside its target and skip every `finally`. As an exit
instead, the exception unwinds: a transaction rolls back, a half-written file
is removed, and the status is the shell's 128 + signal number.
"""

from __future__ import annotations

import signal


def exit_on_termination() -> None:
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _exit)


def _exit(number: int, _frame) -> None:
    raise SystemExit(128 + number)
