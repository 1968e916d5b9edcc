"""Whether anyone has changed the portfolio since an open screen last read it.

The app asks every couple of seconds (`ui.app`), so what others save shows
without a key. On SQLite the mark is the file's `PRAGMA data_version`,
which moves on any commit (another process, a SQL client) and reads no
table; on PostgreSQL it is the audit log's mark (its count and newest id,
`store.queries.audit.log_mark`, as an import uses to see that someone saved
meanwhile), which moves with every change projtui makes: every write is
audited. On PostgreSQL the app does not ask on a timer but waits to be told
(`listen`: LISTEN on a connection of its own, NOTIFY from migration 0014's
trigger on the audit log), and asks for the mark only then.
Your own saves move it too: a screen then reads what it has just shown,
which costs a read and nothing else.
"""

from __future__ import annotations

from collections.abc import Hashable

from projtui.store.database import Database
from projtui.store.listening import Listener, listen  # the UI reaches the store through services only

__all__ = ["Listener", "change_mark", "listen"]


def change_mark(db: Database) -> Hashable:
    """A value that differs from the last one read whenever a change was committed in between."""
    if db.sqlite_path is not None:
        return db.data_version()
    from projtui.store.queries.audit import log_mark

    with db.reading() as session:
        return log_mark(session)
