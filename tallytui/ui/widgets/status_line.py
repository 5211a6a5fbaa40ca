"""The line under the header: who acts, on which database, capture and lock state."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ...domain.timesheet import lock_state


class StatusLine(Static):
    """``anna · locked until 2026-11-15 · capture off · ~/.local/share/tallytui/tally.db``

    The database comes last: a long path is what gets cut at the edge, not the state.
    It is plain text: a path or a note can hold brackets that are not markup.

    The lock and capture are the app's (``locked_until``, ``capture_running``): every
    area's line follows them, wherever they changed."""

    user: reactive[str] = reactive("")
    database: reactive[str] = reactive("")
    note: reactive[str] = reactive("")

    def on_mount(self) -> None:
        for state in ("locked_until", "capture_running"):
            self.watch(self.app, state, lambda: self.refresh(), init=False)

    def render(self) -> Content:
        lock = lock_state(self.app.locked_until)
        capture = "capture on" if self.app.capture_running else "capture off"
        home = str(Path.home())
        database = (
            "~" + self.database[len(home) :] if self.database.startswith(home) else self.database
        )
        parts = (self.user, lock, capture, self.note, database)
        return Content(" · ".join(part for part in parts if part))
