"""Writing a file so that readers see the old one or the whole new one, never a part.

Used by the snapshot export and by the settings when the app saves a theme.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write `chunks` to `path` so that readers see the old file or the whole new one, never a part.

    The text goes to a temporary file beside the target (same filesystem,
    so the rename is atomic), is flushed to disk, then renamed over the
    target. If anything fails, including the chunks iterator itself
    raising mid-export, the temporary file is removed and any existing
    target is left as it was.
    """
    path = Path(path)
    temp, fd = _create_temp(path)
    _keep_mode(path, fd)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:  # newline="": "\n" on every platform
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _create_temp(path: Path) -> tuple[Path, int]:
    # Not tempfile.mkstemp: it creates files 0600, and an export should get
    # the same permissions as any file the user creates (0666 less umask).
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _keep_mode(path: Path, fd: int) -> None:
    # A file written again keeps its permissions: config.toml may hold a database password.
    try:
        os.fchmod(fd, path.stat().st_mode & 0o7777)
    except OSError:
        pass  # a new file: 0666 less the umask, as above


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; not possible (or needed) everywhere.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
