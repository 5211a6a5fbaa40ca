"""The line under the header: who acts, on which database, capture and lock state."""

from __future__ import annotations

from datetime import date

from textual.reactive import reactive
from textual.widgets import Static


class StatusLine(Static):
    """``anna · ~/.local/share/tallytui/tally.db · capture off · locked until 2026-11-15``"""

    user: reactive[str] = reactive("")
    database: reactive[str] = reactive("")
    capturing: reactive[bool] = reactive(False)
    locked_until: reactive[date | None] = reactive(None)
    note: reactive[str] = reactive("")

    def render(self) -> str:
        lock = f"locked until {self.locked_until}" if self.locked_until else "never locked"
        capture = "capture on" if self.capturing else "capture off"
        parts = [self.user, self.database, capture, lock]
        if self.note:
            parts.append(self.note)
        return " · ".join(part for part in parts if part)
