"""Messages between workers, screens and the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DataChanged(Message, bubble=False):
    """Posted to the app after any write; the app counts it and hands it to the screen on
    show, which reloads (other areas reload when shown again, seeing the count moved). It
    does not bubble, or the screen's copy would come back to the app."""

    summary: str = ""


class Opened(Message, bubble=False):
    """Posted to the current area once the database is open: areas shown before it wait
    for it to load."""


class ChangedElsewhere(Message, bubble=False):
    """Posted to the app when another process has committed: the area shown reloads."""
