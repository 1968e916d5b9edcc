"""Writing a file so that readers see the old one or the whole new one, never a part.

Used by exports, reports and the settings when the app saves a theme. Its own
small module so that the app can save a theme without loading pydantic.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, chunks: Iterable[str] | Iterable[bytes], *, binary: bool = False) -> None:
    """Write `chunks` to `path` so that readers see the old file or the whole new one, never a part.

    The text goes to a hidden temporary file beside the target (same
    filesystem, so the rename is atomic), is flushed to disk, then renamed
    over the target. If anything fails or interrupts it, including the chunks
    iterator raising mid-export, Ctrl+C, or a termination signal the CLI turns
    into an exit (`cli.signals`), the temporary file is removed and any
    existing target is left as it was. The new file keeps the mode of the one
    it replaces (config.toml may hold a database password); a new one is
    private (0600), like the database it came from. With `binary` the chunks
    are bytes (a Word document), written as they are.
    """
    path = Path(path)
    temp, fd = _create_temp(path, _mode_to_keep(path))
    try:
        # Text with newline="", so "\n" on every platform; bytes as they are.
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _mode_to_keep(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o600


def _create_temp(path: Path, mode: int) -> tuple[Path, int]:
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        os.fchmod(fd, mode)  # exactly this mode, whatever the umask
        return temp, fd


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
