"""Money rules: strict parsing, integer minor units, half-up rounding, percentages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tallytui.domain.errors import InvalidInput, TallyError
from tallytui.domain.money import (
    basis_points_to_percent,
    check_currency,
    format_plain,
    from_minor,
    minor_digits,
    parse_amount,
    parse_decimal,
    parse_percent,
    percent_to_basis_points,
    round_money,
    to_minor,
)

# Largest value a BIGINT (signed 64-bit) column can hold.
BIGINT_MAX = 2**63 - 1


# --- parse_decimal -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Decimal("0")),
        ("12", Decimal("12")),
        ("1234.50", Decimal("1234.50")),
        ("0.01", Decimal("0.01")),
        ("  7.5  ", Decimal("7.5")),
    ],
)
def test_parse_decimal_accepts_plain_numbers(text, expected):
    value = parse_decimal(text, "amount")
    assert isinstance(value, Decimal)
    assert value == expected
    # The written decimals are kept (1234.50 stays two places, not 1234.5).
    assert value.as_tuple() == expected.as_tuple()


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "-inf",
        "1e3",
        "1E3",
        "",
        " ",
        "1.2.3",
        "+5",
        "1.",
        ".5",
        "1 000",
        "1_000",
        "0x10",
        "12abc",
        "€12",
        "12 EUR",
        "--1",
        "1,000.00",
    ],
)
def test_parse_decimal_refuses_non_numbers(text):
    with pytest.raises(InvalidInput) as info:
        parse_decimal(text, "amount")
    message = str(info.value)
    assert message.startswith("amount:")
    assert "not a number" in message


def test_parse_decimal_refuses_none():
    with pytest.raises(InvalidInput, match="not a number"):
        parse_decimal(None, "amount")  # type: ignore[arg-type]


def test_comma_decimal_is_refused_with_a_hint_about_the_dot():
    with pytest.raises(InvalidInput) as info:
        parse_decimal("1,5", "rate")
    message = str(info.value)
    assert message.startswith("rate:")
    assert "'1,5'" in message
    assert "dot" in message


def test_no_dot_hint_without_a_comma():
    with pytest.raises(InvalidInput) as info:
        parse_decimal("abc", "rate")
    assert "dot" not in str(info.value)


@pytest.mark.parametrize("text", ["-0", "-0.00", "-000.0"])
@pytest.mark.parametrize("allow_negative", [False, True])
def test_negative_zero_is_refused(text, allow_negative):
    with pytest.raises(InvalidInput, match="negative zero"):
        parse_decimal(text, "amount", allow_negative=allow_negative)


def test_negative_amount_refused_unless_allowed():
    with pytest.raises(InvalidInput, match="must not be negative"):
        parse_decimal("-3.50", "amount")
    assert parse_decimal("-3.50", "amount", allow_negative=True) == Decimal("-3.50")


def test_field_name_appears_in_error():
    with pytest.raises(InvalidInput, match=r"^unit price:"):
        parse_decimal("x", "unit price")


def test_errors_are_tally_errors():
    # The CLI/TUI turn TallyError into a one-line message; InvalidInput must be one.
    with pytest.raises(TallyError):
        parse_decimal("x", "amount")


# --- parse_amount ------------------------------------------------------------------------


def test_minor_digits_are_babels_for_every_currency_it_knows():
    from babel.core import get_global
    from babel.numbers import get_currency_precision, list_currencies

    known = set(list_currencies()) | set(get_global("currency_fractions")) - {"DEFAULT"}
    assert len(known) > 300
    assert {c: minor_digits(c) for c in known} == {c: get_currency_precision(c) for c in known}


def test_currency_minor_digits():
    assert minor_digits("EUR") == 2
    assert minor_digits("USD") == 2
    assert minor_digits("JPY") == 0
    assert minor_digits("BHD") == 3


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("0", "EUR", Decimal("0")),
        ("12", "EUR", Decimal("12")),
        ("1234.50", "EUR", Decimal("1234.50")),
        ("0.1", "EUR", Decimal("0.1")),
        ("1500", "JPY", Decimal("1500")),
        ("1.234", "BHD", Decimal("1.234")),
        ("1.2", "BHD", Decimal("1.2")),
    ],
)
def test_parse_amount_accepts(text, currency, expected):
    assert parse_amount(text, currency) == expected


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("1.234", "EUR"),
        ("1.500", "EUR"),  # trailing zero still is a third decimal: refuse, do not guess
        ("0.001", "EUR"),
        ("1.5", "JPY"),
        ("1.0", "JPY"),
        ("1.2345", "BHD"),
    ],
)
def test_parse_amount_refuses_more_decimals_than_the_currency_has(text, currency):
    with pytest.raises(InvalidInput) as info:
        parse_amount(text, currency, "rate")
    message = str(info.value)
    assert message.startswith("rate:")
    assert currency in message
    assert f"more than {minor_digits(currency)} decimals" in message


@pytest.mark.parametrize(
    "text", ["1,5", "NaN", "inf", "-0", "-0.00", "1e3", "", " ", "1.2.3", "+5"]
)
def test_parse_amount_refuses_what_parse_decimal_refuses(text):
    with pytest.raises(InvalidInput):
        parse_amount(text, "EUR")


def test_parse_amount_negative_only_when_allowed():
    with pytest.raises(InvalidInput, match="must not be negative"):
        parse_amount("-5", "EUR")
    assert parse_amount("-5.25", "EUR", allow_negative=True) == Decimal("-5.25")
    with pytest.raises(InvalidInput, match="decimals"):
        parse_amount("-5.255", "EUR", allow_negative=True)


# --- check_currency ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("eur", "EUR"),
        ("EUR", "EUR"),
        ("CHF", "CHF"),
        ("JPY", "JPY"),
        (" usd ", "USD"),
        ("Bhd", "BHD"),
    ],
)
def test_check_currency_accepts_iso_codes(code, expected):
    assert check_currency(code) == expected


@pytest.mark.parametrize("code", ["EURO", "ABC", "", "12E", "E", "EU", "€", "E R", None])
def test_check_currency_refuses(code):
    with pytest.raises(InvalidInput, match="ISO 4217"):
        check_currency(code)  # type: ignore[arg-type]


# --- minor units -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "units"),
    [
        (Decimal("12.34"), "EUR", 1234),
        (Decimal("12.3"), "EUR", 1230),
        (Decimal("12"), "EUR", 1200),
        (Decimal("0"), "EUR", 0),
        (Decimal("-0.01"), "EUR", -1),
        (Decimal("1500"), "JPY", 1500),
        (Decimal("1.234"), "BHD", 1234),
        (Decimal("0.001"), "BHD", 1),
    ],
)
def test_to_minor_and_back(value, currency, units):
    result = to_minor(value, currency)
    assert result == units
    assert type(result) is int
    back = from_minor(units, currency)
    assert back == value
    # from_minor always has exactly the currency's decimals: 12.3 EUR -> 12.30
    assert back.as_tuple().exponent == -minor_digits(currency)


def test_from_minor_formats_with_the_currency_decimals():
    assert str(from_minor(1230, "EUR")) == "12.30"
    assert str(from_minor(5, "EUR")) == "0.05"
    assert str(from_minor(-1, "BHD")) == "-0.001"
    assert str(from_minor(1500, "JPY")) == "1500"


@pytest.mark.parametrize(
    ("value", "currency"),
    [(Decimal("1.005"), "EUR"), (Decimal("0.5"), "JPY"), (Decimal("1.0005"), "BHD")],
)
def test_to_minor_refuses_values_that_need_rounding(value, currency):
    with pytest.raises(InvalidInput, match=currency):
        to_minor(value, currency)


def test_to_minor_never_silently_loses_digits_of_a_huge_amount():
    # 32 significant digits: more than Decimal's default 28-digit context. The result must be
    # exact or refused, never a rounded number of cents.
    value = parse_amount("123456789012345678901234567890.12", "EUR")
    try:
        units = to_minor(value, "EUR")
    except InvalidInput:
        return
    assert units == 12345678901234567890123456789012


def test_to_minor_refuses_amounts_too_large_to_store():
    # Minor units are stored in BIGINT columns; a larger number cannot be stored and
    # currently surfaces as a raw OverflowError from the database driver.
    value = parse_amount("99999999999999999.99", "EUR")
    with pytest.raises(InvalidInput):
        to_minor(value, "EUR")


@given(
    st.integers(min_value=-BIGINT_MAX, max_value=BIGINT_MAX), st.sampled_from(["EUR", "JPY", "BHD"])
)
def test_minor_round_trip_property(units, currency):
    assert to_minor(from_minor(units, currency), currency) == units


@given(
    st.decimals(
        min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_two_decimal_values_round_trip_in_eur(value):
    units = to_minor(value, "EUR")
    assert from_minor(units, "EUR") == value


# --- rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("2.665", "EUR", "2.67"),
        ("2.675", "EUR", "2.68"),  # banker's rounding would give 2.68 too; 2.665 tells them apart
        ("2.625", "EUR", "2.63"),  # banker's would give 2.62
        ("0.005", "EUR", "0.01"),
        ("0.004999", "EUR", "0.00"),
        ("-2.665", "EUR", "-2.67"),  # ROUND_HALF_UP: half away from zero
        ("-0.005", "EUR", "-0.01"),
        ("2.5", "JPY", "3"),
        ("3.5", "JPY", "4"),
        ("1.2345", "BHD", "1.235"),
        ("12", "EUR", "12.00"),
    ],
)
def test_round_money_is_half_up(value, currency, expected):
    result = round_money(Decimal(value), currency)
    assert str(result) == expected


def test_round_money_never_uses_floats():
    # A float 2.675 is 2.67499999...; with Decimal the half-up result is 2.68.
    assert round_money(Decimal("2.675"), "EUR") == Decimal("2.68")
    assert round(2.675, 2) == 2.67  # the float trap the design forbids


def test_format_plain():
    assert format_plain(Decimal("12")) == "12.00"
    assert format_plain(Decimal("2.675")) == "2.68"
    assert format_plain(Decimal("1.5"), 0) == "2"
    assert format_plain(Decimal("1.2345"), 3) == "1.235"


# --- percentages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19", Decimal("19")),
        ("7.7", Decimal("7.7")),
        ("100", Decimal("100")),
        ("0", Decimal("0")),
        ("20.00", Decimal("20")),
        ("0.01", Decimal("0.01")),
    ],
)
def test_parse_percent_accepts(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("100.01", "above 100"),
        ("101", "above 100"),
        ("1.234", "more than 2 decimals"),
        ("-1", "negative"),
        ("1,5", "dot"),
        ("-0", "negative zero"),
        ("", "not a number"),
    ],
)
def test_parse_percent_refuses(text, reason):
    with pytest.raises(InvalidInput) as info:
        parse_percent(text, "tax rate")
    assert str(info.value).startswith("tax rate:")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("text", "points"), [("19", 1900), ("7.7", 770), ("0.01", 1), ("100", 10000), ("0", 0)]
)
def test_percent_basis_points_round_trip(text, points):
    value = parse_percent(text)
    stored = percent_to_basis_points(value)
    assert stored == points
    assert type(stored) is int
    assert basis_points_to_percent(stored) == value
    assert str(basis_points_to_percent(stored)).count(".") == 1
    assert len(str(basis_points_to_percent(stored)).split(".")[1]) == 2


@given(st.integers(min_value=0, max_value=10000))
def test_basis_points_property(points):
    text = str(basis_points_to_percent(points))
    assert percent_to_basis_points(parse_percent(text)) == points
