"""Timesheet states: an entry is open, locked (its day is on or before its owner's
locked-until date) or approved."""

from __future__ import annotations

from datetime import date, timedelta

OPEN, LOCKED, APPROVED = "open", "locked", "approved"


def is_locked(day: date, locked_until: date | None) -> bool:
    return locked_until is not None and day <= locked_until


def lock_state(locked_until: date | None) -> str:
    """How far a person has locked, as every list and message says it."""
    return f"locked until {locked_until}" if locked_until else "never locked"


def days_ahead(until: date, today: date) -> str:
    """What a lock up to ``until`` reaches beyond ``today``, said the same way by every
    confirmation and refusal; empty when it reaches no day that has not happened yet."""
    ahead = (until - today).days
    if ahead <= 0:
        return ""
    first = today + timedelta(days=1)
    days = f"{first}" if ahead == 1 else f"{first} to {until}"
    plural = "s that have" if ahead > 1 else " that has"
    return (
        f"the lock reaches {ahead} day{plural} not happened yet ({days}): "
        "no time can be added to them until an admin unlocks them"
    )


def entry_state(day: date, locked_until: date | None, approved: bool) -> str:
    if approved:
        return APPROVED
    return LOCKED if is_locked(day, locked_until) else OPEN


def readiness(locked: bool, approval_required: bool, approved: bool) -> str:
    """Where uninvoiced time stands in the billing cycle: ``open`` until its owner locks the
    day, then ``pending_approval`` while its project wants an approval it has not had, then
    ``ready``."""
    if not locked:
        return "open"
    if approval_required and not approved:
        return "pending_approval"
    return "ready"
