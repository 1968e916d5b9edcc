"""The model's last answer, so that `projtui` opens the app without importing pydantic (~130 ms).

Like a .pyc file: the validated settings are stored with what they were made
from, and used only while that is unchanged. The key is the settings file's
path and whole text (a few hundred bytes: comparing it is cheaper than
hashing it, and unlike a modification time it cannot miss an edit), every
PROJTUI_* variable, the login name (`user`'s default) and the modification
times of the rules themselves (model and names). Anything else, or no cache,
means the model validates again and, if the settings are good, the cache is
rewritten; bad settings are never cached, so every start reports them.

The entry is written with marshal, as Python writes .pyc files: built in,
so reading it imports nothing. It sits in the user's cache directory,
readable by the user alone, since a database URL may hold a password.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

import platformdirs

from projtui.atomic import write_atomic
from projtui.settings.location import APP_NAME, ENV_PREFIX, login_name

_RULES = [Path(__file__).with_name(name) for name in ("model.py", "names.py")]


def cache_file() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "settings.marshal"


def key(config_file: Path) -> tuple:
    """Everything the validated settings depend on."""
    try:
        text = config_file.read_bytes()
    except OSError:
        text = None  # missing, or unreadable: the model says which
    env = sorted((name, value) for name, value in os.environ.items() if name.upper().startswith(ENV_PREFIX))
    return (str(config_file), text, tuple(env), login_name(), tuple(map(_stamp, _RULES)))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:  # installed without sources: the version's own files, which do not change
        return None
    return stat.st_mtime_ns, stat.st_size


def read(wanted: tuple) -> Any | None:
    """What was stored under `wanted`, or None: missing, stale, or unreadable (then the model runs again)."""
    try:
        stored_key, found = marshal.loads(cache_file().read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return found if stored_key == wanted else None


def write(stored_key: tuple, found: Any) -> None:
    """Store `found` under `stored_key`, atomically and readable by the user alone; a cache that cannot be written only costs the next start time."""
    path = cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, [marshal.dumps((stored_key, found))], binary=True)
    except OSError:
        pass
