"""Local time: wall-clock readings to UTC instants, days and weeks in the organisation's zone,
and the one clock (TALLY_NOW)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tallytui.domain.errors import InvalidInput
from tallytui.domain.localtime import (
    check_timezone,
    day_start,
    days_to_utc_range,
    format_utc,
    iso_week,
    local_date,
    local_datetime,
    local_to_utc,
    parse_clock,
    parse_date,
    parse_instant,
)
from tallytui.services.clock import now_utc

BERLIN = "Europe/Berlin"


def utc(text: str) -> int:
    """Epoch seconds of an ISO UTC reading, computed independently of the code under test."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


# --- durations across DST changes ---------------------------------------------------------


def test_spring_forward_entry_lasts_one_real_hour():
    start = parse_instant("2026-03-29 01:30", BERLIN)
    end = parse_instant("2026-03-29 03:30", BERLIN)
    assert end - start == 3600
    assert start == utc("2026-03-29T00:30:00")  # CET, +01:00
    assert end == utc("2026-03-29T01:30:00")  # CEST, +02:00


def test_fall_back_entry_lasts_three_real_hours():
    start = parse_instant("2026-10-25 01:30", BERLIN)
    end = parse_instant("2026-10-25 03:30", BERLIN)
    assert end - start == 10800
    assert start == utc("2026-10-24T23:30:00")  # CEST
    assert end == utc("2026-10-25T02:30:00")  # CET


def test_nonexistent_local_time_is_refused_and_named():
    with pytest.raises(InvalidInput) as info:
        parse_instant("2026-03-29 02:30", BERLIN, "--start")
    message = str(info.value)
    assert message.startswith("--start:")
    assert "2026-03-29 02:30" in message
    assert BERLIN in message
    assert "does not exist" in message


def test_nonexistent_local_time_refused_by_local_to_utc():
    with pytest.raises(InvalidInput, match="does not exist"):
        local_to_utc(date(2026, 3, 29), (2, 0, 0), BERLIN)


def test_ambiguous_local_time_means_first_occurrence():
    moment = parse_instant("2026-10-25 02:30", BERLIN)
    assert moment == utc("2026-10-25T00:30:00")  # 02:30 CEST, the first time the clock shows it
    assert format_utc(moment) == "2026-10-25T00:30:00Z"
    # ... and it is one hour before the second occurrence, which 03:30 CET follows by 1 h
    assert parse_instant("2026-10-25 03:30", BERLIN) - moment == 2 * 3600


def test_ordinary_local_times():
    assert parse_instant("2026-01-15 09:00", BERLIN) == utc("2026-01-15T08:00:00")
    assert parse_instant("2026-07-15 09:00", BERLIN) == utc("2026-07-15T07:00:00")
    assert parse_instant("2026-07-15T09:00:30", BERLIN) == utc("2026-07-15T07:00:30")
    assert parse_instant("2026-07-15 09:00", "UTC") == utc("2026-07-15T09:00:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00"),
        ("2026-01-01 10:00Z", "2026-01-01T10:00:00"),
        ("2026-01-01 10:00+01:00", "2026-01-01T09:00:00"),
        ("2026-01-01 10:00+0130", "2026-01-01T08:30:00"),
        ("2026-01-01 10:00-05:00", "2026-01-01T15:00:00"),
        ("2026-01-01 00:30+02:00", "2025-12-31T22:30:00"),
        ("2026-07-01 10:00:15+00:00", "2026-07-01T10:00:15"),
        # An explicit offset wins over the zone, even on a DST night.
        ("2026-03-29 02:30+01:00", "2026-03-29T01:30:00"),
    ],
)
@pytest.mark.parametrize("tz", [BERLIN, "America/New_York", None])
def test_explicit_offsets_are_honoured(text, expected, tz):
    assert parse_instant(text, tz) == utc(expected)


def test_offset_required_without_zone():
    with pytest.raises(InvalidInput) as info:
        parse_instant("2026-01-01 10:00", None, "--at")
    assert str(info.value).startswith("--at:")
    assert "offset" in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01 10:00",
        "2026-02-30",
        "10:00",
        "2026-01-01T25:00",
        "2026-02-30 10:00",
        "2026-01-01 10:60",
        "2026-01-01 10:00:60",
        "",
        "   ",
        "tomorrow",
        "2026-1-1 10:00",
        "2026/01/01 10:00",
        "2026-01-01 10",
        "2026-01-01 10:00 +01:00",
        "2026-01-01 10:00 CET",
    ],
)
def test_bad_date_times_are_refused_with_the_option_name(text):
    with pytest.raises(InvalidInput) as info:
        parse_instant(text, BERLIN, "--start")
    assert str(info.value).startswith("--start:")


@pytest.mark.parametrize("offset", ["+25:00", "+01:99", "-24:00", "+99:99", "+00:60"])
def test_impossible_offsets_are_refused(offset):
    # No zone on earth is more than 14 hours from UTC, and an offset's minutes stop at 59.
    with pytest.raises(InvalidInput) as info:
        parse_instant(f"2026-01-01 10:00{offset}", BERLIN, "--start")
    assert str(info.value).startswith("--start:")


def test_extreme_but_real_offsets_are_accepted():
    assert parse_instant("2026-01-01 10:00+14:00", None) == utc("2025-12-31T20:00:00")
    assert parse_instant("2026-01-01 10:00-12:00", None) == utc("2026-01-01T22:00:00")
    assert parse_instant("2026-01-01 10:00+05:45", None) == utc("2026-01-01T04:15:00")


# --- dates and clocks --------------------------------------------------------------------


def test_parse_date():
    assert parse_date("2028-02-29") == date(2028, 2, 29)
    assert parse_date(" 2026-01-05 ") == date(2026, 1, 5)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-1-5",
        "05.01.2026",
        "",
        "2026-01-05T10:00",
        "20260105",
    ],
)
def test_parse_date_refuses(text):
    with pytest.raises(InvalidInput) as info:
        parse_date(text, "--from")
    assert str(info.value).startswith("--from:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9:05", (9, 5, 0)), ("09:05", (9, 5, 0)), ("23:59:59", (23, 59, 59)), ("00:00", (0, 0, 0))],
)
def test_parse_clock(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "12:00:60", "12", "12:5", "noon", "", "-1:00"])
def test_parse_clock_refuses(text):
    with pytest.raises(InvalidInput) as info:
        parse_clock(text, "--at")
    assert str(info.value).startswith("--at:")


# --- calendar days -----------------------------------------------------------------------


def test_local_date_of_a_late_entry_is_the_day_it_started():
    start = parse_instant("2026-06-10 23:30", BERLIN)
    end = parse_instant("2026-06-11 01:15", BERLIN)
    assert local_date(start, BERLIN) == date(2026, 6, 10)
    assert local_date(end, BERLIN) == date(2026, 6, 11)
    # In UTC the same start is still the 10th at 21:30; in Tokyo it is already the 11th.
    assert local_date(start, "UTC") == date(2026, 6, 10)
    assert local_date(start, "Asia/Tokyo") == date(2026, 6, 11)
    assert type(local_date(start, BERLIN)) is date


def test_local_date_at_midnight_boundaries():
    midnight = parse_instant("2026-01-01 00:00", BERLIN)
    assert local_date(midnight, BERLIN) == date(2026, 1, 1)
    assert local_date(midnight - 1, BERLIN) == date(2025, 12, 31)


def test_local_datetime_has_zone_offset():
    moment = local_datetime(utc("2026-07-01T10:00:00"), BERLIN)
    assert (moment.hour, moment.minute) == (12, 0)
    assert moment.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 3, 29), 23),
        (date(2026, 10, 25), 25),
        (date(2026, 3, 28), 24),
        (date(2026, 10, 26), 24),
    ],
)
def test_one_local_day_in_utc(day, hours):
    start, end = days_to_utc_range(day, day, BERLIN)
    assert end - start == hours * 3600
    assert local_date(start, BERLIN) == day
    assert local_date(end - 1, BERLIN) == day
    assert local_date(end, BERLIN) == day + timedelta(days=1)


# Zones whose clocks change at or across midnight: Havana goes back from 01:00 to
# midnight, so midnight happens twice; Santiago, Asunción and Beirut change at midnight;
# Apia skipped 30 December 2011 altogether; Lord Howe moves by half an hour.
MIDNIGHT_ZONES = [
    "America/Havana",
    "America/Santiago",
    "America/Asuncion",
    "Asia/Beirut",
    "Pacific/Apia",
    "Australia/Lord_Howe",
    BERLIN,
]


@given(
    tz=st.sampled_from(MIDNIGHT_ZONES),
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
)
@example(tz="America/Havana", day=date(2026, 11, 1))
@example(tz="America/Havana", day=date(2026, 3, 8))
@example(tz="Pacific/Apia", day=date(2011, 12, 30))
@example(tz="America/Santiago", day=date(2026, 9, 6))
@example(tz="Asia/Beirut", day=date(2022, 10, 30))
def test_a_day_runs_from_its_start_to_the_next_days_start(tz, day):
    """Every instant from a day's start up to the next day's start falls on that day,
    even where midnight is skipped or happens twice; a day the zone skipped is empty."""
    start, end = day_start(day, tz), day_start(day + timedelta(days=1), tz)
    assert start <= end
    if start < end:
        assert local_date(start, tz) == day
        assert local_date(end - 1, tz) == day
        assert local_date(start - 1, tz) < day


def test_midnight_twice_starts_the_day_at_the_first():
    """Havana's clocks go back from 01:00 to midnight on 1 November 2026: the day starts
    at the first midnight (04:00 UTC), and the hour after it is the first of its day."""
    havana = "America/Havana"
    start = day_start(date(2026, 11, 1), havana)
    assert start == utc("2026-11-01T04:00:00")
    assert local_date(start - 1, havana) == date(2026, 10, 31)
    assert day_start(date(2026, 11, 2), havana) - start == 25 * 3600


def test_week_with_dst_change_is_167_hours():
    monday, sunday = iso_week(date(2026, 3, 25))
    start, end = days_to_utc_range(monday, sunday, BERLIN)
    assert end - start == 7 * 24 * 3600 - 3600
    assert start == utc("2026-03-22T23:00:00")


def test_day_start_in_a_zone_that_skips_midnight():
    # Chile springs forward at 00:00 on 2026-09-06: the day starts at 01:00 local (04:00Z).
    start = day_start(date(2026, 9, 6), "America/Santiago")
    assert start == utc("2026-09-06T04:00:00")
    assert local_date(start, "America/Santiago") == date(2026, 9, 6)
    assert local_date(start - 1, "America/Santiago") == date(2026, 9, 5)


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from([BERLIN, "UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
)
def test_consecutive_days_tile_the_timeline(day, tz):
    _, end = days_to_utc_range(day, day, tz)
    next_start, _ = days_to_utc_range(day + timedelta(days=1), day + timedelta(days=1), tz)
    assert end == next_start
    start, _ = days_to_utc_range(day, day, tz)
    assert 22 * 3600 <= end - start <= 26 * 3600
    assert local_date(start, tz) == day
    assert local_date(end - 1, tz) == day


# --- ISO weeks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "monday", "sunday"),
    [
        (date(2026, 12, 31), date(2026, 12, 28), date(2027, 1, 3)),
        (date(2027, 1, 3), date(2026, 12, 28), date(2027, 1, 3)),
        (date(2026, 11, 16), date(2026, 11, 16), date(2026, 11, 22)),  # a Monday
        (date(2026, 11, 22), date(2026, 11, 16), date(2026, 11, 22)),  # a Sunday
        (date(2028, 2, 29), date(2028, 2, 28), date(2028, 3, 5)),
    ],
)
def test_iso_week(day, monday, sunday):
    assert iso_week(day) == (monday, sunday)


@given(st.dates(min_value=date(1900, 1, 8), max_value=date(2200, 12, 24)))
def test_iso_week_property(day):
    monday, sunday = iso_week(day)
    assert monday.isoweekday() == 1
    assert sunday.isoweekday() == 7
    assert sunday - monday == timedelta(days=6)
    assert monday <= day <= sunday
    assert monday.isocalendar()[:2] == day.isocalendar()[:2]


# --- zones and formatting ----------------------------------------------------------------


@pytest.mark.parametrize("name", [BERLIN, "UTC", "America/New_York", "Asia/Kolkata"])
def test_check_timezone_accepts_iana_zones(name):
    assert check_timezone(name) == name


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "Berlin", "+01:00", "Europe/Berlín"])
def test_check_timezone_refuses(name):
    with pytest.raises(InvalidInput, match="IANA"):
        check_timezone(name)


def test_format_utc():
    assert format_utc(0) == "1970-01-01T00:00:00Z"
    assert format_utc(utc("2026-10-25T00:30:00")) == "2026-10-25T00:30:00Z"


@given(st.integers(min_value=0, max_value=utc("2200-01-01T00:00:00")))
def test_format_utc_round_trips_through_parse_instant(epoch):
    text = format_utc(epoch)
    assert text.endswith("Z")
    assert parse_instant(text, None) == epoch


# --- the clock ---------------------------------------------------------------------------


def test_now_utc_honours_tally_now(monkeypatch):
    monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:00:00+01:00")
    assert now_utc() == utc("2026-11-20T09:00:00")
    monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:00:00Z")
    assert now_utc() == utc("2026-11-20T10:00:00")


def test_now_utc_refuses_tally_now_without_offset(monkeypatch):
    monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:00:00")
    with pytest.raises(InvalidInput) as info:
        now_utc()
    assert "TALLY_NOW" in str(info.value)
    assert "offset" in str(info.value)


def test_now_utc_refuses_garbage_tally_now(monkeypatch):
    monkeypatch.setenv("TALLY_NOW", "yesterday")
    with pytest.raises(InvalidInput, match="TALLY_NOW"):
        now_utc()


@pytest.mark.parametrize("value", [None, ""])
def test_now_utc_without_tally_now_is_the_real_time(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("TALLY_NOW", raising=False)
    else:
        monkeypatch.setenv("TALLY_NOW", value)
    before = int(time.time())
    now = now_utc()
    after = int(time.time())
    assert before <= now <= after
    assert type(now) is int
