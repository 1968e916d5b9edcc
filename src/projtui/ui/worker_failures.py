"""What a screen or widget does when one of its thread workers fails in a way its code did not expect.

Every worker catches the errors it expects (`ProjtuiError`: a conflict, a refused value, a row
someone deleted) and says what happened in its own words. Anything else (the database file went
away, a lock held too long, a bug) would, with Textual's default `exit_on_error=True`, end the
app with a traceback and lose what the user typed. So every worker is `exit_on_error=False`, and
the node that ran it mixes in `WorkerFailures`: the user is told, what is on screen stays, and
`worker_failed` lets the node put itself right (stop a spinner, let the user save again).
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from projtui.domain.formatting import clip

__all__ = ["WorkerFailures", "failure_text"]


def failure_text(error: BaseException | None) -> str:
    """One line for a notification: a driver's error can run to many lines of SQL."""
    text = str(error).strip() if error is not None else ""
    first = text.splitlines()[0] if text else type(error).__name__
    return clip(first, 200)


class WorkerFailures:
    """Mixed into every screen, widget and the app that run thread workers (Worker.StateChanged does not bubble)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """Tell the user; a node whose worker leaves it waiting (a spinner, a `saving` flag) also undoes that."""
        self.app.notify(  # type: ignore[attr-defined]
            failure_text(worker.error), title="Something went wrong; nothing was lost on screen", severity="error", markup=False,
        )
