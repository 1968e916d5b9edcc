"""Others' changes appear on the open screen within seconds, without a key.

Every `LOOK_EVERY` seconds a thread worker reads the database's change mark
(`services.changes.change_mark`: free on SQLite). When it has moved, the
screen on top reads again through the reload its F5 runs (`action_reload`),
which every main screen has and which keeps the cursor where it was (on the
same project, KPI or tree node). It is not asked while it holds an
edit in progress (its `unsaved_changes()`), nor while a dialog is on top:
the mark then stays unread, and the screen reads the change as soon as it
is on top and clean again, so typed words are never replaced.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from textual import work


class LiveRefresh:
    """Mixed into the app, beside `db`."""

    LOOK_EVERY: ClassVar[float] = 2.0  # seconds: "within a few seconds", and a look costs one PRAGMA on SQLite

    _seen_mark: Hashable | None = None

    def watch_for_others(self) -> None:
        """Start looking (on mount): the first look only notes where the database stands."""
        self.set_interval(self.LOOK_EVERY, self._look)  # type: ignore[attr-defined]
        self._look()

    @work(thread=True, exclusive=True, group="app-changes", exit_on_error=False)
    def _look(self) -> None:
        from projtui.services.changes import change_mark

        try:
            mark = change_mark(self.db)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a look that fails (the file away a moment) is simply taken again next time
            return
        self.call_from_thread(self._compare, mark)  # type: ignore[attr-defined]

    def _compare(self, mark: Hashable) -> None:
        if self._seen_mark is None or mark == self._seen_mark:
            self._seen_mark = mark
            return
        screen = self.screen  # type: ignore[attr-defined]
        read_again = getattr(screen, "action_reload", None)
        unsaved = getattr(screen, "unsaved_changes", None)
        if read_again is None or (unsaved is not None and unsaved() is not None):
            return  # a dialog, or words being typed: look again once they are done
        self._seen_mark = mark
        read_again()
