"""The running timer's rules that need no database: when a stop is possible, and when a
timer has run so long that it was probably forgotten."""

from __future__ import annotations

from .errors import InvalidInput

LONG_RUN = 12 * 3600  # a stopped timer longer than this is flagged: probably left running


def check_stop(start: int, end: int, describe) -> None:
    """A timer ends after it started; ``describe`` turns an instant into local text."""
    if end <= start:
        raise InvalidInput(
            f"stop: {describe(end)} is not after the timer's start {describe(start)}; "
            "`tally cancel` drops a timer without recording it"
        )


def check_start(start: int, now: int, describe) -> None:
    """A timer records time from a moment that has come, never from one still ahead."""
    if start > now:
        raise InvalidInput(
            f"start: {describe(start)} is in the future (now {describe(now)}); start the "
            "timer when the work begins"
        )


def is_long(seconds: int) -> bool:
    return seconds > LONG_RUN


def elapsed(seconds: int) -> str:
    """``H:MM``, minutes cut (not rounded): what a clock on the wall would show."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
