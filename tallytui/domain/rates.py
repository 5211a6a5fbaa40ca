"""Effective-dated hourly rates: a rate change applies from its date on, never backwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Rate:
    valid_from: date | None  # None: in force since the project began
    amount: Decimal


def rate_on(rates: Sequence[Rate], day: date) -> Rate | None:
    """The rate in force on ``day``: the latest one starting on or before it."""
    started = [rate for rate in rates if rate.valid_from is None or rate.valid_from <= day]
    return max(started, key=lambda rate: rate.valid_from or date.min, default=None)
