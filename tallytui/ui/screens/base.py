"""What every area shares: the status line, and failed workers shown as notifications."""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..widgets.status_line import StatusLine


class AreaScreen(Screen):
    """A top-level area. Worker state messages do not bubble, so each screen reports its
    own workers' failures; the app never dies of one."""

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(str(event.worker.error), title="Not done", severity="error", timeout=8)

    def on_mount(self) -> None:
        status = self.query_one(StatusLine)
        status.user, status.database = self.app.session.actor, self.app.session.database
        status.capturing = self.app.capture_running
