"""SQL pieces the reading services share: case expressions that put entries into
periods, prices and rounding by plain integer comparisons the database runs per row."""

from __future__ import annotations

from collections import defaultdict

from peewee import Case

from ..domain.rounding import Rounding
from ..store.models import TimeEntry

SECONDS = TimeEntry.end_utc - TimeEntry.start_utc


def bisect(column: str, thresholds: list[int], results: list) -> str:
    """SQL for ``results[i]``, where ``i`` is how many of the ascending ``thresholds`` the
    value of ``column`` has reached: nested halves, so each row takes a few comparisons
    however many thresholds there are.

    Written as text, with the integers the service worked out itself in it: built by the
    query builder, a few hundred nested cases took longer than running the query, and
    years of periods could need more values than a query may bind."""
    parts: list[str] = []

    def half(low: int, high: int) -> None:  # thresholds[low:high], results[low:high + 1]
        if low == high:
            parts.append(str(results[low]))
            return
        middle = (low + high) // 2
        parts.append(f"CASE WHEN {column} < {int(thresholds[middle])} THEN ")
        half(low, middle)
        parts.append(" ELSE ")
        half(middle + 1, high)
        parts.append(" END")

    half(0, len(thresholds))
    return "".join(parts)


def rounded(seconds, rule: Rounding):
    """SQL for :meth:`Rounding.apply`: whole-number division, which SQLite and PostgreSQL
    both truncate as ``//`` does for the positive durations of entries."""
    return (seconds + rule.lift) / rule.step * rule.step


def rounded_seconds(rules: dict[int, Rounding | None]):
    """SQL for an entry's seconds rounded by its project's rule."""
    by_rule = defaultdict(list)
    for pid, rule in rules.items():
        if rule:
            by_rule[rule].append(pid)
    if not by_rule:
        return SECONDS
    return Case(
        None,
        [(TimeEntry.project.in_(ids), rounded(SECONDS, rule)) for rule, ids in by_rule.items()],
        SECONDS,
    )
