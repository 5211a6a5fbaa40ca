"""The line under the header: who acts, on which database, capture and lock state."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static


class StatusLine(Static):
    """``anna · locked until 2026-11-15 · capture off · ~/.local/share/tallytui/tally.db``

    The database comes last: a long path is what gets cut at the edge, not the state.
    It is plain text: a path or a note can hold brackets that are not markup."""

    user: reactive[str] = reactive("")
    database: reactive[str] = reactive("")
    capturing: reactive[bool] = reactive(False)
    locked_until: reactive[date | None] = reactive(None)
    note: reactive[str] = reactive("")

    def render(self) -> Content:
        lock = f"locked until {self.locked_until}" if self.locked_until else "never locked"
        capture = "capture on" if self.capturing else "capture off"
        home = str(Path.home())
        database = (
            "~" + self.database[len(home) :] if self.database.startswith(home) else self.database
        )
        parts = (self.user, lock, capture, self.note, database)
        return Content(" · ".join(part for part in parts if part))
