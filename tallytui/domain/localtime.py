"""Instants are UTC epoch seconds; days and weeks belong to the organisation's time zone.

Everything that turns a wall-clock reading into an instant, or an instant into a calendar
day, goes through here so that daylight-saving changes are handled in one place.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_INSTANT = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$",
    re.ASCII,
)
_CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$", re.ASCII)
_END_CLOCK = re.compile(r"^(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)(?P<next>\+1)?$", re.ASCII)


@cache
def zone(name: str) -> ZoneInfo:
    """The zone object, looked up once per process.

    Converting instants and finding days needs only the standard library's zones;
    pendulum, which reads wall-clock times strictly, is imported where that is done, so
    that starting the interface does not load it.
    """
    return ZoneInfo(name)


@cache
def _strict_zone(name: str):
    """pendulum's zone, parsed once per process: pendulum's zones subclass ``ZoneInfo``,
    whose cache keeps only base-class instances, so an uncached lookup re-reads the
    tzdata file on every conversion."""
    import pendulum

    return pendulum.timezone(name)


def check_timezone(name: str) -> str:
    """Return an IANA zone name such as ``Europe/Berlin``, or refuse it."""
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError, KeyError) as exc:
        raise InvalidInput(f"time zone {name!r} is not an IANA zone (e.g. Europe/Berlin)") from exc
    return name


def parse_date(text: str, what: str = "date") -> date:
    """Strict ISO ``YYYY-MM-DD``."""
    raw = (text or "").strip()
    if not _DATE.match(raw):
        raise InvalidInput(f"{what}: {text!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"{what}: {text!r} is not a valid date ({exc})") from exc


def parse_clock(text: str, what: str = "time") -> tuple[int, int, int]:
    """Wall-clock ``HH:MM`` or ``HH:MM:SS`` as (hour, minute, second)."""
    match = _CLOCK.match((text or "").strip())
    if not match:
        raise InvalidInput(f"{what}: {text!r} is not a time (HH:MM or HH:MM:SS)")
    hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidInput(f"{what}: {text!r} is not a valid time of day")
    return hour, minute, second


def local_to_utc(day: date, clock: tuple[int, int, int], tz: str, what: str = "time") -> int:
    """Epoch seconds of a wall-clock reading in ``tz``.

    A reading that does not exist (skipped by a spring-forward change) is refused; one that
    exists twice (autumn fall-back) means its first occurrence, as people read a clock.
    """
    import pendulum
    from pendulum.tz.exceptions import AmbiguousTime, NonExistingTime

    hour, minute, second = clock
    reading = (day.year, day.month, day.day, hour, minute, second)
    place = _strict_zone(tz)
    try:
        moment = pendulum.datetime(*reading, tz=place, raise_on_unknown_times=True)
    except AmbiguousTime:
        moment = pendulum.datetime(*reading, tz=place, fold=0)
    except NonExistingTime as exc:
        raise InvalidInput(
            f"{what}: {day.isoformat()} {hour:02d}:{minute:02d} does not exist in {tz} "
            "(the clocks jump forward then)"
        ) from exc
    return int(moment.timestamp())


def parse_instant(text: str, tz: str | None, what: str = "date-time") -> int:
    """``YYYY-MM-DD HH:MM[:SS]`` in ``tz``, or with an explicit ``Z``/``±HH:MM`` offset.

    With ``tz`` None the offset is required.
    """
    raw = (text or "").strip()
    match = _INSTANT.match(raw)
    if not match or (tz is None and match["tz"] is None):
        shape = "with an offset such as +01:00 or Z" if tz is None else "optionally with +HH:MM"
        raise InvalidInput(f"{what}: {text!r} is not a date-time (YYYY-MM-DD HH:MM, {shape})")
    day = parse_date(match["date"], what)
    clock = parse_clock(f"{match['h']}:{match['m']}:{match['s'] or '00'}", what)
    offset = match["tz"]
    if offset is None:
        return local_to_utc(day, clock, tz, what)
    if offset == "Z":
        seconds = 0
    else:
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes > 59:
            raise InvalidInput(f"{what}: {text!r} has an offset no time zone uses ({offset})")
        seconds = (hours * 3600 + minutes * 60) * (1 if offset[0] == "+" else -1)
    return int(datetime(day.year, day.month, day.day, *clock, tzinfo=UTC).timestamp()) - seconds


def parse_end_clock(text: str, what: str = "end") -> tuple[tuple[int, int, int], bool] | None:
    """A time of day an entry ends at, ``HH:MM`` or ``HH:MM+1`` (on the day after its start),
    as (hour, minute, second) and whether it is the next day; None if ``text`` is no time
    of day. An end is never moved to the next day without the ``+1``."""
    match = _END_CLOCK.match((text or "").strip())
    if match is None:
        return None
    return parse_clock(match["clock"], what), match["next"] is not None


def parse_end(text: str, start: int, tz: str, what: str = "end") -> int:
    """An entry's end: a date-time as ``parse_instant`` reads it, or a time of day as
    ``parse_end_clock`` reads it, on the start's day. A time of day before the start is
    refused, never taken for the next day: an overnight entry says so with its date or +1."""
    raw = (text or "").strip()
    read = parse_end_clock(raw, what)
    if read is None:
        return parse_instant(raw, tz, what)
    clock, next_day = read
    day = local_date(start, tz) + timedelta(days=1 if next_day else 0)
    end = local_to_utc(day, clock, tz, what)
    if end <= start and not next_day:
        raise InvalidInput(
            f"{what}: {raw} is not after the start ({local_datetime(start, tz):%Y-%m-%d %H:%M}); "
            f"an entry past midnight needs its end date or +1, e.g. {raw}+1"
        )
    return end


def local_date(epoch: int, tz: str) -> date:
    """The calendar day in ``tz`` on which an instant falls (a plain ``date``, which every
    database driver binds)."""
    return datetime.fromtimestamp(epoch, zone(tz)).date()


def local_datetime(epoch: int, tz: str) -> datetime:
    """The wall-clock reading of an instant in ``tz``."""
    return datetime.fromtimestamp(epoch, zone(tz))


def day_start(day: date, tz: str) -> int:
    """Epoch seconds of local midnight: the first of two where the clocks go back to
    midnight (Havana), and the first instant of the day where they skip it."""
    return int(datetime(day.year, day.month, day.day, tzinfo=zone(tz)).timestamp())


def day_end(day: date, tz: str) -> int:
    """First instant after the local day ``day``: where a lock until ``day`` stops."""
    return day_start(day + timedelta(days=1), tz)


def days_to_utc_range(first: date, last: date, tz: str) -> tuple[int, int]:
    """Half-open UTC range [start, end) covering the local days ``first`` to ``last``."""
    return day_start(first, tz), day_end(last, tz)


def iso_week(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week that contains ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def format_utc(epoch: int) -> str:
    """ISO 8601 UTC with ``Z``, the form of every instant in JSON output (``isoformat``, not
    the slower ``strftime``: exports call this twice a row)."""
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")[:-6] + "Z"
