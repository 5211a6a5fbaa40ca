"""Invoice numbers ``ORG-YYYYMM-XXXX``: one register per organisation and issue month."""

from __future__ import annotations

import re
from datetime import date

from .errors import Conflict

LAST_OF_MONTH = 9999
_NUMBER = re.compile(r"^([A-Z0-9]{2,10})-(\d{4})(\d{2})-(\d{4})$")


def register_period(issue_date: date) -> str:
    """The counter key: ``YYYYMM`` of the issue date in the organisation's time zone."""
    return f"{issue_date.year:04d}{issue_date.month:02d}"


def format_number(code: str, period: str, sequence: int) -> str:
    return f"{code}-{period}-{sequence:04d}"


def next_sequence(last: int, period: str) -> int:
    """The number after ``last``; the 10,000th document of a month is refused, never wrapped."""
    if last >= LAST_OF_MONTH:
        raise Conflict(
            f"the register for {period[:4]}-{period[4:]} is full: {LAST_OF_MONTH} documents "
            "were issued this month"
        )
    return last + 1


def parse_number(number: str) -> tuple[str, str, int] | None:
    """(code, period, sequence) of a well-formed number, else None."""
    match = _NUMBER.match(number)
    if not match:
        return None
    return match[1], match[2] + match[3], int(match[4])
