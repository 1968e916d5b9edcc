"""Saving the theme chosen in the app into config.toml, leaving the rest of the file as the user wrote it.

tomlkit, not tomli_w: tomli_w writes a dict out afresh, losing the user's
comments, order and layout; tomlkit edits the document it parsed and keeps
them. Only this runs it, in a worker, after the app has started.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit

from projtui.atomic import write_atomic


def save_theme(path: Path, theme: str) -> None:
    """Set `theme` in the file at `path` (creating it), atomically; OSError or tomlkit's error when it cannot."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = tomlkit.document()
    if document.get("theme") == theme:
        return
    document["theme"] = theme
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, [tomlkit.dumps(document)])
