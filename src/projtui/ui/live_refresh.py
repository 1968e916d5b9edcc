"""Others' changes appear on the open screen within seconds, without a key.

On SQLite, every `LOOK_EVERY` seconds a thread worker reads the database's
change mark (`services.changes.change_mark`: `PRAGMA data_version`, free).
On PostgreSQL the `app-listen` worker instead waits on a connection of its
own for the NOTIFY every audited change sends (`services.changes.listen`)
and looks at once when told; while it cannot listen (the server away, a
driver without LISTEN) the timer's looks go on, and it tries again every
`LISTEN_AGAIN_AFTER` seconds. When the mark has moved, the
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
from textual.worker import get_current_worker


class LiveRefresh:
    """Mixed into the app, beside `db`."""

    LOOK_EVERY: ClassVar[float] = 2.0  # seconds: "within a few seconds", and a look costs one PRAGMA on SQLite
    LISTEN_AGAIN_AFTER: ClassVar[float] = 5.0  # seconds between attempts to listen again after the connection failed
    WAKE_EVERY: ClassVar[float] = 0.5  # seconds a listener waits before seeing whether the app is closing

    _seen_mark: Hashable | None = None
    _listening: bool = False  # the timer's looks are needed only while not

    def watch_for_others(self) -> None:
        """Start looking (on mount): the first look only notes where the database stands."""
        self.set_interval(self.LOOK_EVERY, self._look_unless_told)  # type: ignore[attr-defined]
        self._look()
        if not self.db.is_sqlite:  # type: ignore[attr-defined]
            self._listen()

    def _look_unless_told(self) -> None:
        if not self._listening:
            self._look()

    @work(thread=True, exclusive=True, group="app-changes", exit_on_error=False)
    def _look(self) -> None:
        from projtui.services.changes import change_mark

        try:
            mark = change_mark(self.db)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a look that fails (the file away a moment) is simply taken again next time
            return
        self.call_from_thread(self._compare, mark)  # type: ignore[attr-defined]

    @work(thread=True, group="app-listen", exit_on_error=False)
    def _listen(self) -> None:
        """Wait for PostgreSQL's notifications for as long as the app runs, listening again after any failure."""
        from projtui.services.changes import listen

        stop = get_current_worker().cancelled_event
        while not stop.is_set():
            try:
                listener = listen(self.db)  # type: ignore[attr-defined]
                if listener is None:
                    return  # nothing to listen with: the timer's looks carry on
                with listener:
                    self._listening = True
                    self.call_from_thread(self._look)  # type: ignore[attr-defined]  # what changed before listening began
                    while not stop.is_set():
                        if listener.wait(self.WAKE_EVERY):
                            self.call_from_thread(self._look)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a lost connection, or the app closing under a call: poll, and try again
                pass
            finally:
                self._listening = False
            stop.wait(self.LISTEN_AGAIN_AFTER)

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
