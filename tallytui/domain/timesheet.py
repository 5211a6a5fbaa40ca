"""Timesheet states: an entry is open, locked (its day is on or before its owner's
locked-until date) or approved."""

from __future__ import annotations

from datetime import date

OPEN, LOCKED, APPROVED = "open", "locked", "approved"


def is_locked(day: date, locked_until: date | None) -> bool:
    return locked_until is not None and day <= locked_until


def entry_state(day: date, locked_until: date | None, approved: bool) -> str:
    if approved:
        return APPROVED
    return LOCKED if is_locked(day, locked_until) else OPEN
