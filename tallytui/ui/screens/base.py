"""What every area shares: the status line, and failed workers shown as notifications."""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..messages import DataChanged
from ..widgets.status_line import StatusLine


class AreaScreen(Screen):
    """A top-level area. Worker state messages do not bubble, so each screen reports its
    own workers' failures; the app never dies of one.

    An area loads when first shown, after every write, and when shown again after a write
    made elsewhere; closing a dialog that changed nothing does not reload it.
    """

    loaded_at = -1  # the app's count of writes when this area last loaded

    def load(self) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        self.loaded_at = self.app.writes
        self.load()

    def on_screen_resume(self) -> None:
        if self.loaded_at != self.app.writes:
            self.reload()

    def on_data_changed(self, _: DataChanged) -> None:
        self.reload()

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(str(event.worker.error), title="Not done", severity="error", timeout=8)

    def on_mount(self) -> None:
        status = self.query_one(StatusLine)
        status.user, status.database = self.app.session.actor, self.app.session.database
        status.capturing = self.app.capture_running
