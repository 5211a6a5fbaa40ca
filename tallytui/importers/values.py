"""Cell values as the tools write them: dates in several orders, 12- and 24-hour clocks,
durations as ``h:mm[:ss]`` or decimal hours, yes/no flags, and wall-clock readings turned
into UTC instants.

Parsers raise ``ValueError`` with a message that does not name the column; the reader
adds the column's name. Wall-clock conversion uses ``zoneinfo`` directly because it is
called for every row of files with millions of rows, and because a reading in the hour the
clocks repeat has two instants, which a duration in the same row can tell apart.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)

# --date-format names: field order and separator.
DATE_FORMATS = {
    "YYYY-MM-DD": ("ymd", "-"),
    "MM/DD/YYYY": ("mdy", "/"),
    "DD/MM/YYYY": ("dmy", "/"),
    "DD.MM.YYYY": ("dmy", "."),
    "MM-DD-YYYY": ("mdy", "-"),
    "DD-MM-YYYY": ("dmy", "-"),
}
ISO = "YYYY-MM-DD"

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def parse_day(text: str, fmt: str = ISO) -> date:
    """A calendar day written in ``fmt`` (one of DATE_FORMATS)."""
    raw = text.strip()
    if fmt == ISO and len(raw) == 10 and raw[4] == "-" and raw[7] == "-" and raw.isascii():
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass  # the general path below says what is wrong
    order, sep = DATE_FORMATS[fmt]
    parts = raw.split(sep)
    if len(parts) != 3 or not all(map(_digits, parts)):
        raise ValueError(f"{text!r} is not a date ({fmt})")
    values = dict(zip(order, parts, strict=True))
    if len(values["y"]) != 4 or len(values["m"]) > 2 or len(values["d"]) > 2:
        raise ValueError(f"{text!r} is not a date ({fmt})")
    try:
        return date(int(values["y"]), int(values["m"]), int(values["d"]))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None


def classify_day(text: str) -> str | None:
    """The date format a value proves, ``""`` if it fits two orders, None if not a date.

    ``04/03/2026`` fits MM/DD and DD/MM; ``13/03/2026`` can only be DD/MM.
    """
    raw = text.strip()
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        return ISO
    for sep in "/.-":
        parts = raw.split(sep)
        if len(parts) == 3 and all(map(_digits, parts)) and len(parts[2]) == 4:
            first, second = int(parts[0]), int(parts[1])
            if sep == ".":
                return "DD.MM.YYYY"
            if first > 12 and second <= 12:
                return f"DD{sep}MM{sep}YYYY"
            if second > 12 and first <= 12:
                return f"MM{sep}DD{sep}YYYY"
            return "" if first <= 12 and second <= 12 else None
    return None


def parse_clock(text: str) -> tuple[int, int, int]:
    """``HH:MM``, ``HH:MM:SS``, or either with ``AM``/``PM`` (Clockify's 12-hour setting)."""
    raw = text.strip()
    if len(raw) == 8 and raw[2] == ":" and raw[5] == ":" and _digits(raw[:2] + raw[3:5] + raw[6:]):
        hour, minute, second = int(raw[:2]), int(raw[3:5]), int(raw[6:])
        if hour < 24 and minute < 60 and second < 60:
            return hour, minute, second
    meridiem = raw[-2:].upper()
    twelve = meridiem in ("AM", "PM")
    if twelve:
        raw = raw[:-2].rstrip()
    parts = raw.split(":")
    if len(parts) not in (2, 3) or not all(map(_digits, parts)) or len(parts[1]) != 2:
        raise ValueError(f"{text!r} is not a time (HH:MM or HH:MM:SS)")
    hour, minute = int(parts[0]), int(parts[1])
    second = int(parts[2]) if len(parts) == 3 else 0
    if twelve:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r} is not a valid time of day")
        hour = hour % 12 + (12 if meridiem == "PM" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{text!r} is not a valid time of day")
    return hour, minute, second


def parse_duration(text: str) -> int:
    """Seconds in ``h:mm``, ``h:mm:ss`` (hours may pass 24) or decimal hours (``1.5``, and
    ``1,5`` from spreadsheets with a decimal comma), rounded half-up to the second."""
    raw = text.strip()
    if ":" in raw:
        parts = raw.split(":")
        if len(parts) not in (2, 3) or not all(map(_digits, parts)):
            raise ValueError(f"{text!r} is not a duration (h:mm, h:mm:ss or decimal hours)")
        hours, minutes = int(parts[0]), int(parts[1])
        seconds = int(parts[2]) if len(parts) == 3 else 0
        if minutes > 59 or seconds > 59:
            raise ValueError(f"{text!r} is not a valid duration")
        return hours * 3600 + minutes * 60 + seconds
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a duration (h:mm, h:mm:ss or decimal hours)") from None
    if not hours.is_finite() or hours < 0:
        raise ValueError(f"{text!r} is not a duration (h:mm, h:mm:ss or decimal hours)")
    return int((hours * 3600).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_flag(text: str) -> bool | None:
    """yes/no, true/false, 1/0 in any case; empty means "not said"."""
    raw = text.strip().casefold()
    if not raw:
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError(f"{text!r} is not yes or no")


def instants(day: date, clock: tuple[int, int, int], tz: str) -> tuple[int, ...]:
    """UTC epoch seconds a wall-clock reading in ``tz`` can mean: one normally, two in the
    hour the clocks repeat (earlier first), none in the hour they skip."""
    naive = datetime(day.year, day.month, day.day, *clock)
    where = zone(tz)
    first = naive.replace(tzinfo=where).utcoffset()
    second = naive.replace(tzinfo=where, fold=1).utcoffset()
    base = (naive - _EPOCH) // _SECOND
    if first == second:
        return (base - first // _SECOND,)
    found = sorted(
        {
            moment
            for moment in (base - first // _SECOND, base - second // _SECOND)
            if datetime.fromtimestamp(moment, where).replace(tzinfo=None) == naive
        }
    )
    if not found:
        raise ValueError(
            f"{day.isoformat()} {clock[0]:02d}:{clock[1]:02d} does not exist in {tz} "
            "(the clocks jump forward then)"
        )
    return tuple(found)


def pick_span(
    starts: tuple[int, ...], ends: tuple[int, ...], seconds: int | None
) -> tuple[int, int]:
    """The (start, end) pair from the possible instants: the one whose length is closest to
    the duration the file also gives, otherwise the first occurrence of each reading."""
    if len(starts) == 1 and len(ends) == 1:
        return starts[0], ends[0]
    if seconds is None:
        return starts[0], ends[0]
    pairs = [(s, e) for s in starts for e in ends]
    return min(pairs, key=lambda pair: (abs(pair[1] - pair[0] - seconds), pair))


def parse_utc(text: str) -> int:
    """An ISO 8601 UTC instant ``YYYY-MM-DDTHH:MM:SSZ`` or timew's ``YYYYMMDDTHHMMSSZ``."""
    raw = text.strip()
    if len(raw) == 16 and raw[8] == "T" and raw[15] == "Z":
        digits = raw[:8] + raw[9:15]
    elif len(raw) == 20 and raw[10] == "T" and raw[19] == "Z" and raw[4] + raw[7] == "--":
        digits = raw[:4] + raw[5:7] + raw[8:10] + raw[11:13] + raw[14:16] + raw[17:19]
    else:
        digits = ""
    if not _digits(digits) or len(digits) != 14:
        raise ValueError(f"{text!r} is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)")
    parts = [int(digits[a:b]) for a, b in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14))]
    try:
        moment = datetime(*parts)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid time ({exc})") from None
    return (moment - _EPOCH) // _SECOND
