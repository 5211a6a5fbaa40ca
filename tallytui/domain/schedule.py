"""Billing schedules: how a project's time is cut into consecutive billing periods."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .errors import InvalidInput

_EVERY = re.compile(r"^every:(\d{1,3}):(days|weeks|months)$")
_NAMED = {"weekly": (1, "weeks"), "biweekly": (2, "weeks"), "monthly": (1, "months")}


@dataclass(frozen=True)
class Schedule:
    """``count`` ``unit``s per period, counted from ``anchor``; ``unit`` None means no schedule."""

    count: int = 0
    unit: str | None = None

    @property
    def is_none(self) -> bool:
        return self.unit is None

    def spec(self) -> str:
        """The text form accepted by :func:`parse_schedule`."""
        if self.unit is None:
            return "none"
        for name, shape in _NAMED.items():
            if shape == (self.count, self.unit):
                return name
        return f"every:{self.count}:{self.unit}"

    def describe(self) -> str:
        """For people: ``weekly``, ``every 10 days``, ``every 3 months``."""
        spec = self.spec()
        return spec if ":" not in spec else f"every {self.count} {self.unit}"

    @lru_cache(maxsize=8192)  # noqa: B019 - schedules are few, frozen and never freed
    def period_containing(self, day: date, anchor: date) -> tuple[date, date]:
        """The period (first day, last day, both inclusive) that contains ``day``.

        Cached: the billing cycle asks for the same days of the same schedules over and
        over, and month arithmetic is the slow part of it."""
        if self.unit is None:
            raise InvalidInput("a project without a billing schedule has no periods")
        if self.unit == "months":
            months = (day.year - anchor.year) * 12 + day.month - anchor.month
            index = months // self.count
            start = self._month_start(anchor, index)
            if start > day:
                index -= 1
                start = self._month_start(anchor, index)
            return start, self._month_start(anchor, index + 1) - timedelta(days=1)
        length = self.count * (7 if self.unit == "weeks" else 1)
        index = (day - anchor).days // length
        start = anchor + timedelta(days=index * length)
        return start, start + timedelta(days=length - 1)

    def _month_start(self, anchor: date, index: int) -> date:
        """The anchor moved by ``index`` periods, its day cut to the month's last day, as
        pendulum's ``add(months=...)`` does (a test holds the two equal). Written out here:
        importing pendulum cost the first billing cycle of a session some 15 ms.

        Counting from the anchor each time keeps a 31st anchor on month ends (Jan 31,
        Feb 28, Mar 31) instead of drifting to the 28th after February."""
        months = anchor.month - 1 + index * self.count
        year, month = anchor.year + months // 12, months % 12 + 1
        return date(year, month, min(anchor.day, monthrange(year, month)[1]))

    def periods(self, first: date, last: date, anchor: date) -> list[tuple[date, date]]:
        """Consecutive periods covering ``first`` to ``last``."""
        result: list[tuple[date, date]] = []
        if self.unit in ("days", "weeks") and first <= last:
            # Periods of days all have the same length: each is the one before, moved.
            step = timedelta(days=self.count * (7 if self.unit == "weeks" else 1))
            start, end = self.period_containing(first, anchor)
            while start <= last:
                result.append((start, end))
                start, end = start + step, end + step
            return result
        day = first
        while day <= last:
            period = self.period_containing(day, anchor)
            result.append(period)
            day = period[1] + timedelta(days=1)
        return result


NO_SCHEDULE = Schedule()


def parse_schedule(text: str) -> Schedule:
    """``none``, ``weekly``, ``biweekly``, ``monthly`` or ``every:N:days|weeks|months``."""
    raw = (text or "").strip().lower()
    if raw == "none":
        return NO_SCHEDULE
    if raw in _NAMED:
        return Schedule(*_NAMED[raw])
    match = _EVERY.match(raw)
    if match and int(match[1]) > 0:
        return Schedule(int(match[1]), match[2])
    raise InvalidInput(
        f"schedule: {text!r} is not one of none, weekly, biweekly, monthly, "
        "every:N:days, every:N:weeks, every:N:months"
    )
