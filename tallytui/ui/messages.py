"""Messages between workers, screens and the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DataChanged(Message):
    """Posted to the app after any write, so every screen shows current data."""

    summary: str = ""
