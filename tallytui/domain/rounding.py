"""Time rounding for invoices: each entry is rounded before summing; stored seconds never change."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidInput

_RULE = re.compile(r"^(\d{1,3}):(up|down|nearest)$")


@dataclass(frozen=True)
class Rounding:
    minutes: int
    direction: str

    def spec(self) -> str:
        return f"{self.minutes}:{self.direction}"

    @property
    def step(self) -> int:
        """The multiple of seconds a duration is rounded to."""
        return self.minutes * 60

    @property
    def lift(self) -> int:
        """What rounding adds before cutting down to a multiple of ``step``: nothing to
        round down, all but a second to round up, half a step (an even number of seconds)
        to round to the nearest, half-way up. The database rounds the same way."""
        return {"down": 0, "up": self.step - 1, "nearest": self.step // 2}[self.direction]

    def apply(self, seconds: int) -> int:
        """Round one entry's duration to a multiple of ``minutes`` (half-way rounds up)."""
        return (seconds + self.lift) // self.step * self.step


def parse_rounding(text: str | None) -> Rounding | None:
    """``N:up|down|nearest`` with N from 1 to 240 minutes; empty or ``none`` means no rounding."""
    raw = (text or "").strip().lower()
    if raw in ("", "none"):
        return None
    match = _RULE.match(raw)
    if not match or not 1 <= int(match[1]) <= 240:
        raise InvalidInput(
            f"rounding: {text!r} is not N:up, N:down or N:nearest with N from 1 to 240 minutes"
        )
    return Rounding(int(match[1]), match[2])
