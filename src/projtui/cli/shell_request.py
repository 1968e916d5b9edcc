"""How a shell's Tab asks `projtui` for completions: an environment variable its script sets.

Its own module, free of Typer, because `entry` checks it on every start.
"""

from __future__ import annotations

import os

# Typer's name for it, `_{PROG}_COMPLETE`, which the scripts `projtui completion` prints set.
COMPLETE_VAR = "_PROJTUI_COMPLETE"


def completion_requested() -> bool:
    """Is this run the shell asking for completions, not a person running a command?"""
    return bool(os.environ.get(COMPLETE_VAR))
