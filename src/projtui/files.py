"""Reading a file the user names: one wording for a missing file, a directory or text that is not UTF-8.

`projtui import`, `projtui diff` and the first-run welcome's import all read
through here, so a mistyped path reads the same wherever it was typed.
"""

from __future__ import annotations

from pathlib import Path

from projtui.domain.errors import NamedNoFile, ProjtuiError


def require_file(path: Path, *, what: str) -> None:
    """Refuse a path that is not a file to read; `what` is what the user meant it to be ("snapshot file")."""
    if not path.is_file():
        raise NamedNoFile(f"{path}: {f'is a directory, not a {what}' if path.is_dir() else 'no such file'}")


def read_text(path: Path, *, what: str) -> str:
    """The whole of a UTF-8 text file, or one line saying why not."""
    require_file(path, what=what)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProjtuiError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ProjtuiError(f"{path}: cannot read: {exc.strerror}") from None
