"""Time rounding (per entry, before summing) and effective-dated hourly rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tallytui.domain.errors import InvalidInput
from tallytui.domain.rates import Rate, rate_on
from tallytui.domain.rounding import Rounding, parse_rounding

MIN = 60


# --- rounding ----------------------------------------------------------------------------


def test_each_entry_is_rounded_before_summing():
    rule = parse_rounding("15:up")
    entries = [7 * MIN, 7 * MIN, 7 * MIN]
    assert sum(rule.apply(seconds) for seconds in entries) == 45 * MIN
    # Rounding the sum instead would give 30 minutes: the rule is per entry.
    assert rule.apply(sum(entries)) == 30 * MIN


@pytest.mark.parametrize(
    ("rule", "seconds", "expected"),
    [
        # exact multiples never move
        ("15:up", 15 * MIN, 15 * MIN),
        ("15:down", 30 * MIN, 30 * MIN),
        ("15:nearest", 45 * MIN, 45 * MIN),
        ("6:up", 60 * MIN, 60 * MIN),
        # up: any second over goes to the next step
        ("15:up", 15 * MIN + 1, 30 * MIN),
        ("15:up", 1, 15 * MIN),
        ("15:up", 14 * MIN + 59, 15 * MIN),
        # down: truncates, even to zero
        ("15:down", 29 * MIN + 59, 15 * MIN),
        ("15:down", 14 * MIN, 0),
        # nearest: half-way rounds up
        ("15:nearest", 7 * MIN + 30, 15 * MIN),
        ("15:nearest", 7 * MIN + 29, 0),
        ("15:nearest", 22 * MIN + 30, 30 * MIN),
        ("15:nearest", 22 * MIN + 29, 15 * MIN),
        ("1:nearest", 30, 60),
        ("1:nearest", 29, 0),
        ("240:up", 1, 240 * MIN),
        ("1:up", 61, 120),
    ],
)
def test_rounding_apply(rule, seconds, expected):
    assert parse_rounding(rule).apply(seconds) == expected


def test_zero_seconds_stay_zero():
    for direction in ("up", "down", "nearest"):
        assert Rounding(15, direction).apply(0) == 0


@given(
    st.integers(min_value=1, max_value=240),
    st.sampled_from(["up", "down", "nearest"]),
    st.integers(min_value=0, max_value=48 * 3600),
)
def test_rounding_property(minutes, direction, seconds):
    step = minutes * MIN
    result = Rounding(minutes, direction).apply(seconds)
    assert result % step == 0
    assert abs(result - seconds) < step
    if direction == "up":
        assert result >= seconds
    elif direction == "down":
        assert result <= seconds
    else:
        assert abs(result - seconds) * 2 <= step
        if abs(result - seconds) * 2 == step:
            assert result > seconds  # the tie goes up


@pytest.mark.parametrize(
    ("text", "minutes", "direction"),
    [
        ("15:up", 15, "up"),
        ("6:down", 6, "down"),
        ("30:nearest", 30, "nearest"),
        ("1:up", 1, "up"),
        ("240:nearest", 240, "nearest"),
        (" 15:UP ", 15, "up"),
        ("015:up", 15, "up"),
    ],
)
def test_parse_rounding(text, minutes, direction):
    rule = parse_rounding(text)
    assert rule == Rounding(minutes, direction)
    assert parse_rounding(rule.spec()) == rule
    assert rule.spec() == f"{minutes}:{direction}"


@pytest.mark.parametrize("text", [None, "", "  ", "none", "NONE"])
def test_no_rounding(text):
    assert parse_rounding(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "0:up",
        "000:up",
        "15:sideways",
        "241:up",
        "999:down",
        "1000:up",
        "15",
        "up",
        "15:",
        ":up",
        "-15:up",
        "1.5:up",
        "15 up",
        "15:up:down",
        "15min:up",
    ],
)
def test_parse_rounding_refuses(text):
    with pytest.raises(InvalidInput) as info:
        parse_rounding(text)
    message = str(info.value)
    assert message.startswith("rounding:")
    assert "1 to 240" in message


# --- rates -------------------------------------------------------------------------------

BASE = Rate(None, Decimal("90.00"))
RAISE = Rate(date(2026, 3, 15), Decimal("100.00"))
LATER = Rate(date(2026, 7, 1), Decimal("110.00"))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 1, 1), BASE),
        (date(2026, 3, 14), BASE),  # the day before the change
        (date(2026, 3, 15), RAISE),  # the day of the change
        (date(2026, 3, 16), RAISE),  # the day after
        (date(2026, 6, 30), RAISE),
        (date(2026, 7, 1), LATER),
        (date(2030, 1, 1), LATER),
    ],
)
@pytest.mark.parametrize(
    "order", [(BASE, RAISE, LATER), (LATER, RAISE, BASE), (RAISE, BASE, LATER)]
)
def test_rate_on_picks_the_rate_in_force(day, expected, order):
    assert rate_on(list(order), day) == expected


def test_rate_on_without_a_base_rate():
    rates = [RAISE]
    assert rate_on(rates, date(2026, 3, 14)) is None
    assert rate_on(rates, date(2026, 3, 15)) == RAISE


def test_rate_on_with_no_rates():
    assert rate_on([], date(2026, 1, 1)) is None


def test_rate_on_with_only_a_base_rate():
    assert rate_on([BASE], date(1999, 1, 1)) == BASE
    assert rate_on((BASE,), date(2099, 1, 1)) == BASE


def test_a_later_change_never_applies_backwards():
    assert rate_on([BASE, LATER], date(2026, 6, 30)) == BASE


@given(
    st.lists(
        st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)), unique=True, max_size=8
    ),
    st.dates(min_value=date(1999, 1, 1), max_value=date(2041, 1, 1)),
    st.booleans(),
)
def test_rate_on_property(starts, day, with_base):
    rates = [Rate(start, Decimal(i + 1)) for i, start in enumerate(starts)]
    if with_base:
        rates.append(Rate(None, Decimal(0)))
    found = rate_on(rates, day)
    started = [r for r in rates if r.valid_from is not None and r.valid_from <= day]
    if started:
        assert found == max(started, key=lambda r: r.valid_from)
    elif with_base:
        assert found == Rate(None, Decimal(0))
    else:
        assert found is None
