"""The line under the header: who acts, on which database, capture and lock state."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ...domain.timesheet import lock_state
from ...locations import redacted


class StatusLine(Static):
    """``anna · locked until 2026-11-15 · capture off · ~/.local/share/tallytui/tally.db``

    The database comes last: a long path is what gets cut at the edge, not the state.
    It is plain text: a path or a note can hold brackets that are not markup.

    All but the area's note is the app's (its session, ``locked_until`` and
    ``capture_running``): every area's line follows it, wherever it changed."""

    note: reactive[str] = reactive("")

    def on_mount(self) -> None:
        for state in ("locked_until", "capture_running"):
            self.watch(self.app, state, lambda: self.refresh(), init=False)

    def render(self) -> Content:
        lock = lock_state(self.app.locked_until)
        capture = "capture on" if self.app.capture_running else "capture off"
        session, home = self.app.session, str(Path.home())
        database = redacted(session.database)  # a team URL's password never shows
        if database.startswith(home):
            database = "~" + database[len(home) :]
        parts = (session.actor, lock, capture, self.note, database)
        return Content(" · ".join(part for part in parts if part))
