"""The line under the header: who acts, on which database, capture, lock and timer state."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ...domain.timer import elapsed
from ...domain.timesheet import lock_state
from ...locations import redacted

MINUTE = 60.0  # the running timer's elapsed time shows minutes: redrawn once a minute


class StatusLine(Static):
    """``anna · locked until 2026-11-15 · capture off · timer Web 1:05 · ~/…/tally.db``

    The database comes last: a long path is what gets cut at the edge, not the state.
    It is plain text: a path or a note can hold brackets that are not markup.

    All but the area's note is the app's (its session, ``locked_until``,
    ``capture_running`` and ``running_timer``): every area's line follows it, wherever it
    changed."""

    note: reactive[str] = reactive("")

    def on_mount(self) -> None:
        for state in ("locked_until", "capture_running", "running_timer"):
            self.watch(self.app, state, lambda: self.refresh(), init=False)
        self.minutely = self.set_interval(MINUTE, self.tick)

    def tick(self) -> None:
        """A new minute: redraw if a timer runs (its elapsed time moved), else nothing."""
        if self.app.running_timer is not None:
            self.refresh()

    def timer_text(self) -> str:
        running = self.app.running_timer
        if running is None:
            return ""
        from ...services.clock import now_utc  # the database layer is loaded once one runs

        return f"timer {running.project} {elapsed(running.seconds(now_utc()))}"

    def render(self) -> Content:
        lock = lock_state(self.app.locked_until)
        capture = "capture on" if self.app.capture_running else "capture off"
        session, home = self.app.session, str(Path.home())
        database = redacted(session.database)  # a team URL's password never shows
        if database.startswith(home):
            database = "~" + database[len(home) :]
        parts = (session.actor, lock, capture, self.timer_text(), self.note, database)
        return Content(" · ".join(part for part in parts if part))
