"""Turning option text into values; each error names the option it came from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def amount(text: str | None, option: str) -> Decimal | None:
    from ..domain.money import parse_decimal

    return None if text is None else parse_decimal(text, option)


def percent(text: str | None, option: str) -> Decimal | None:
    from ..domain.money import parse_percent

    return None if text is None else parse_percent(text, option)


def day(text: str | None, option: str) -> date | None:
    from ..domain.localtime import parse_date

    return None if text is None else parse_date(text, option)


def instant(text: str | None, option: str) -> int | None:
    """A date-time in the organisation's time zone unless it carries an offset."""
    if text is None:
        return None
    from ..domain.localtime import parse_instant
    from ..services.org import current

    return parse_instant(text, current().timezone, option)


def end(text: str | None, start: int, option: str) -> int | None:
    """An end as a date-time, or a time of day on the day of ``start`` (``HH:MM+1``: the
    day after)."""
    if text is None:
        return None
    from ..domain.localtime import parse_end
    from ..services.org import current

    return parse_end(text, start, current().timezone, option)
