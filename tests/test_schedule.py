"""Billing schedules: parsing and the consecutive periods they cut time into."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tallytui.domain.errors import InvalidInput
from tallytui.domain.schedule import NO_SCHEDULE, Schedule, parse_schedule

D = date


# --- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "unit", "spec"),
    [
        ("none", 0, None, "none"),
        ("weekly", 1, "weeks", "weekly"),
        ("biweekly", 2, "weeks", "biweekly"),
        ("monthly", 1, "months", "monthly"),
        ("every:1:days", 1, "days", "every:1:days"),
        ("every:10:days", 10, "days", "every:10:days"),
        ("every:3:weeks", 3, "weeks", "every:3:weeks"),
        ("every:3:months", 3, "months", "every:3:months"),
        ("every:999:days", 999, "days", "every:999:days"),
        # Synonyms normalise to the named form.
        ("every:1:weeks", 1, "weeks", "weekly"),
        ("every:2:weeks", 2, "weeks", "biweekly"),
        ("every:1:months", 1, "months", "monthly"),
        ("every:03:days", 3, "days", "every:3:days"),
        # Case and surrounding blanks do not matter.
        ("  Weekly ", 1, "weeks", "weekly"),
        ("EVERY:3:MONTHS", 3, "months", "every:3:months"),
        ("NONE", 0, None, "none"),
    ],
)
def test_parse_schedule(text, count, unit, spec):
    schedule = parse_schedule(text)
    assert schedule.unit == unit
    assert schedule.spec() == spec
    if unit is None:
        assert schedule.is_none
        assert schedule == NO_SCHEDULE
    else:
        assert not schedule.is_none
        assert schedule.count == count
    # spec() is accepted back and means the same schedule
    assert parse_schedule(spec) == schedule


@pytest.mark.parametrize(
    "text",
    [
        "every:0:days",
        "every:000:weeks",
        "every:x:weeks",
        "fortnightly",
        "",
        "   ",
        "every:1000:days",
        "every:-1:days",
        "every:1.5:days",
        "every:3:month",
        "every:3",
        "every::days",
        "every:3:years",
        "daily",
        "yearly",
        "every 3 days",
        "monthly ,",
        None,
    ],
)
def test_parse_schedule_refuses(text):
    with pytest.raises(InvalidInput) as info:
        parse_schedule(text)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("schedule:")
    assert "every:N:days" in message


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["days", "weeks", "months"]))
def test_spec_round_trip_property(count, unit):
    schedule = Schedule(count, unit)
    assert parse_schedule(schedule.spec()) == schedule


def test_no_schedule_has_no_periods():
    with pytest.raises(InvalidInput, match="without a billing schedule"):
        NO_SCHEDULE.period_containing(D(2026, 1, 1), D(2026, 1, 1))
    with pytest.raises(InvalidInput):
        NO_SCHEDULE.periods(D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 1))


# --- weekly and every N days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (D(2026, 1, 5), (D(2026, 1, 5), D(2026, 1, 11))),  # the anchor itself
        (D(2026, 1, 11), (D(2026, 1, 5), D(2026, 1, 11))),
        (D(2026, 1, 12), (D(2026, 1, 12), D(2026, 1, 18))),
        (D(2026, 1, 4), (D(2025, 12, 29), D(2026, 1, 4))),  # the day before the anchor
        (D(2025, 12, 29), (D(2025, 12, 29), D(2026, 1, 4))),
        (D(2025, 6, 18), (D(2025, 6, 16), D(2025, 6, 22))),  # long before the anchor
    ],
)
def test_weekly_from_a_monday_anchor(day, period):
    assert parse_schedule("weekly").period_containing(day, D(2026, 1, 5)) == period


def test_weekly_anchor_need_not_be_a_monday():
    # Anchored on a Wednesday, weeks run Wednesday to Tuesday.
    start, end = parse_schedule("weekly").period_containing(D(2026, 1, 20), D(2026, 1, 7))
    assert (start, end) == (D(2026, 1, 14), D(2026, 1, 20))
    assert start.weekday() == 2


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (D(2026, 1, 5), (D(2026, 1, 5), D(2026, 1, 18))),
        (D(2026, 1, 18), (D(2026, 1, 5), D(2026, 1, 18))),
        (D(2026, 1, 19), (D(2026, 1, 19), D(2026, 2, 1))),
        (D(2026, 1, 4), (D(2025, 12, 22), D(2026, 1, 4))),
        (D(2025, 12, 22), (D(2025, 12, 22), D(2026, 1, 4))),
        (D(2025, 12, 21), (D(2025, 12, 8), D(2025, 12, 21))),
    ],
)
def test_biweekly(day, period):
    assert parse_schedule("biweekly").period_containing(day, D(2026, 1, 5)) == period


def test_every_ten_days_across_a_year_end():
    schedule = parse_schedule("every:10:days")
    assert schedule.periods(D(2025, 12, 25), D(2026, 1, 25), D(2026, 1, 1)) == [
        (D(2025, 12, 22), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 1, 10)),
        (D(2026, 1, 11), D(2026, 1, 20)),
        (D(2026, 1, 21), D(2026, 1, 30)),
    ]


# --- monthly -----------------------------------------------------------------------------


def test_monthly_from_the_first_is_calendar_months():
    schedule = parse_schedule("monthly")
    assert schedule.periods(D(2025, 11, 15), D(2026, 3, 1), D(2026, 1, 1)) == [
        (D(2025, 11, 1), D(2025, 11, 30)),
        (D(2025, 12, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 31)),
    ]


def test_monthly_in_a_leap_year_february():
    schedule = parse_schedule("monthly")
    assert schedule.period_containing(D(2028, 2, 29), D(2026, 1, 1)) == (
        D(2028, 2, 1),
        D(2028, 2, 29),
    )
    assert schedule.period_containing(D(2028, 2, 15), D(2026, 1, 1)) == (
        D(2028, 2, 1),
        D(2028, 2, 29),
    )
    assert schedule.period_containing(D(2027, 2, 28), D(2026, 1, 1)) == (
        D(2027, 2, 1),
        D(2027, 2, 28),
    )


def test_monthly_from_the_31st_clamps_to_short_month_ends_without_drifting():
    # The period starts on the anchor day, or on the month's last day when the month is
    # shorter (as Stripe-style billing anchors do); it never drifts to the 28th for good.
    schedule = parse_schedule("monthly")
    assert schedule.periods(D(2026, 1, 31), D(2026, 7, 31), D(2026, 1, 31)) == [
        (D(2026, 1, 31), D(2026, 2, 27)),
        (D(2026, 2, 28), D(2026, 3, 30)),
        (D(2026, 3, 31), D(2026, 4, 29)),
        (D(2026, 4, 30), D(2026, 5, 30)),
        (D(2026, 5, 31), D(2026, 6, 29)),
        (D(2026, 6, 30), D(2026, 7, 30)),
        (D(2026, 7, 31), D(2026, 8, 30)),
    ]


def test_monthly_from_the_31st_before_the_anchor():
    schedule = parse_schedule("monthly")
    anchor = D(2026, 1, 31)
    assert schedule.period_containing(D(2026, 1, 30), anchor) == (D(2025, 12, 31), D(2026, 1, 30))
    assert schedule.period_containing(D(2025, 12, 15), anchor) == (D(2025, 11, 30), D(2025, 12, 30))
    assert schedule.period_containing(D(2025, 11, 30), anchor) == (D(2025, 11, 30), D(2025, 12, 30))
    assert schedule.period_containing(D(2025, 11, 29), anchor) == (D(2025, 10, 31), D(2025, 11, 29))


def test_monthly_from_the_29th_in_leap_and_common_years():
    schedule = parse_schedule("monthly")
    anchor = D(2026, 1, 29)
    assert schedule.period_containing(D(2028, 2, 29), anchor) == (D(2028, 2, 29), D(2028, 3, 28))
    assert schedule.period_containing(D(2028, 2, 28), anchor) == (D(2028, 1, 29), D(2028, 2, 28))
    assert schedule.period_containing(D(2027, 3, 1), anchor) == (D(2027, 2, 28), D(2027, 3, 28))
    assert schedule.period_containing(D(2027, 2, 27), anchor) == (D(2027, 1, 29), D(2027, 2, 27))


def test_monthly_anchored_on_a_leap_day():
    schedule = parse_schedule("monthly")
    anchor = D(2028, 2, 29)
    assert schedule.period_containing(D(2028, 3, 10), anchor) == (D(2028, 2, 29), D(2028, 3, 28))
    assert schedule.period_containing(D(2028, 2, 10), anchor) == (D(2028, 1, 29), D(2028, 2, 28))
    # A year later February has no 29th: the period starts on the 28th.
    assert schedule.period_containing(D(2029, 2, 28), anchor) == (D(2029, 2, 28), D(2029, 3, 28))


def test_every_three_months():
    schedule = parse_schedule("every:3:months")
    assert schedule.periods(D(2025, 11, 1), D(2026, 12, 1), D(2026, 1, 15)) == [
        (D(2025, 10, 15), D(2026, 1, 14)),
        (D(2026, 1, 15), D(2026, 4, 14)),
        (D(2026, 4, 15), D(2026, 7, 14)),
        (D(2026, 7, 15), D(2026, 10, 14)),
        (D(2026, 10, 15), D(2027, 1, 14)),
    ]


def test_quarterly_from_the_first_is_calendar_quarters():
    schedule = parse_schedule("every:3:months")
    assert schedule.period_containing(D(2026, 5, 20), D(2026, 1, 1)) == (
        D(2026, 4, 1),
        D(2026, 6, 30),
    )
    assert schedule.period_containing(D(2025, 12, 31), D(2026, 1, 1)) == (
        D(2025, 10, 1),
        D(2025, 12, 31),
    )


def test_periods_single_day_range():
    schedule = parse_schedule("weekly")
    assert schedule.periods(D(2026, 1, 7), D(2026, 1, 7), D(2026, 1, 5)) == [
        (D(2026, 1, 5), D(2026, 1, 11))
    ]


def test_periods_empty_when_first_after_last():
    assert parse_schedule("weekly").periods(D(2026, 1, 8), D(2026, 1, 7), D(2026, 1, 5)) == []


# --- properties --------------------------------------------------------------------------

schedules = st.builds(
    Schedule,
    st.integers(min_value=1, max_value=14),
    st.sampled_from(["days", "weeks", "months"]),
)
days = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


def _month_start_day(anchor: date, year: int, month: int) -> int:
    return min(anchor.day, calendar.monthrange(year, month)[1])


@settings(max_examples=300)
@given(schedules, days, days, st.integers(min_value=0, max_value=800))
def test_periods_are_consecutive_without_gap_or_overlap(schedule, anchor, first, span):
    last = first + timedelta(days=span)
    periods = schedule.periods(first, last, anchor)
    assert periods, "a non-empty range has at least one period"
    assert periods[0][0] <= first <= periods[0][1]
    assert periods[-1][0] <= last <= periods[-1][1]
    for (start, end), (next_start, _) in zip(periods, periods[1:], strict=False):
        assert start <= end
        assert next_start == end + timedelta(days=1)
    for start, end in periods:
        # Each period is its own: asking for any of its days gives it back.
        assert schedule.period_containing(start, anchor) == (start, end)
        assert schedule.period_containing(end, anchor) == (start, end)


@settings(max_examples=300)
@given(schedules, days, days)
def test_period_containing_shape(schedule, anchor, day):
    start, end = schedule.period_containing(day, anchor)
    assert start <= day <= end
    if schedule.unit in ("days", "weeks"):
        length = schedule.count * (7 if schedule.unit == "weeks" else 1)
        assert (end - start).days + 1 == length
        assert (start - anchor).days % length == 0
    else:
        # Starts on the anchor's day of month (clamped to short months), a whole number of
        # ``count`` months from the anchor.
        assert start.day == _month_start_day(anchor, start.year, start.month)
        months = (start.year - anchor.year) * 12 + start.month - anchor.month
        assert months % schedule.count == 0
        after = end + timedelta(days=1)
        assert after.day == _month_start_day(anchor, after.year, after.month)
        assert (after.year - start.year) * 12 + after.month - start.month == schedule.count


@settings(max_examples=500)
@given(schedules.filter(lambda s: s.unit == "months"), days, days)
def test_monthly_periods_match_pendulums_month_arithmetic(schedule, anchor, day):
    """Periods of months are the anchor plus a whole number of periods by pendulum's
    ``add(months=...)``, which cuts the day to the month's last."""
    import pendulum

    def moved(periods: int) -> date:
        when = pendulum.date(anchor.year, anchor.month, anchor.day)
        when = when.add(months=periods * schedule.count)
        return date(when.year, when.month, when.day)

    start, end = schedule.period_containing(day, anchor)
    months = (start.year - anchor.year) * 12 + start.month - anchor.month
    assert months % schedule.count == 0
    assert start == moved(months // schedule.count)
    assert end == moved(months // schedule.count + 1) - timedelta(days=1)


@given(days, days)
def test_monthly_from_the_first_property(anchor_month, day):
    anchor = anchor_month.replace(day=1)
    start, end = parse_schedule("monthly").period_containing(day, anchor)
    assert start == day.replace(day=1)
    assert end == day.replace(day=calendar.monthrange(day.year, day.month)[1])


@pytest.mark.parametrize(
    ("text", "described"),
    [("weekly", "weekly"), ("every:10:days", "every 10 days"), ("every:1:months", "monthly")],
)
def test_describe(text, described):
    assert parse_schedule(text).describe() == described
