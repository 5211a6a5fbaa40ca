"""Money: parsed strictly, held as Decimal, stored as integer minor units.

Floats never touch an amount. Rounding is always half-up, as invoices and tax
authorities expect, never banker's rounding.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal
from functools import cache

from .errors import InvalidInput

# Digits with an optional dot and decimals; an optional leading minus. Nothing else:
# no thousands separators, no comma decimals, no exponent, no NaN or infinity.
_AMOUNT = re.compile(r"^(-)?(\d+)(?:\.(\d+))?$", re.ASCII)
# ISO 4217 codes that are not money one invoices in: precious metals, SDRs, test, none.
_NOT_MONEY = frozenset(
    ["XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA", "XTS", "XXX"]
)
# Minor units must fit a signed 64-bit column in SQLite and PostgreSQL.
_LARGEST_MINOR = 2**63 - 1
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)

CENT = Decimal("0.01")


@cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """Return the ISO 4217 code in upper case, or refuse it."""
    normal = (code or "").strip().upper()
    if len(normal) != 3 or normal in _NOT_MONEY or normal not in _currencies():
        raise InvalidInput(f"currency {code!r} is not an ISO 4217 code (e.g. EUR, USD, CHF)")
    return normal


# Currencies whose minor unit is not two decimal places, as Babel's CLDR data has them
# (its currency_fractions); tests/test_money.py checks every currency Babel knows against
# this table. Amounts are read at start-up, and importing Babel and its data for this one
# figure took 20 ms of it.
_NOT_TWO_DIGITS = {
    0: "ADP AFN ALL BIF BYR CLP COP DJF ESP GNF HUF IDR IQD IRR ISK ITL JPY KMF KPW KRW LAK "
    "LBP LUF MGA MGF MMK MRO PYG RWF SLL SOS STD SYP TMM TRL UGX UYI VND VUV XAF XOF XPF YER "
    "ZMK ZWD",
    3: "BHD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
_MINOR_DIGITS = {code: n for n, codes in _NOT_TWO_DIGITS.items() for code in codes.split()}


def minor_digits(currency: str) -> int:
    """Decimal places of the currency's minor unit (EUR 2, JPY 0, BHD 3)."""
    return _MINOR_DIGITS.get(currency, 2)


def parse_decimal(text: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """Parse a plain decimal number such as ``1234.50``; ``what`` names the field in errors."""
    raw = (text or "").strip()
    match = _AMOUNT.match(raw)
    if not match:
        hint = " (use a dot for decimals, e.g. 1.50)" if "," in raw else ""
        raise InvalidInput(f"{what}: {text!r} is not a number{hint}")
    value = Decimal(raw)
    if match.group(1):
        if value == 0:
            raise InvalidInput(f"{what}: {text!r} is a negative zero")
        if not allow_negative:
            raise InvalidInput(f"{what}: {text!r} must not be negative")
    return value


def parse_amount(
    text: str, currency: str, what: str = "amount", *, allow_negative: bool = False
) -> Decimal:
    """Parse a money amount; more decimals than the currency has is an error, not a rounding."""
    value = parse_decimal(text, what, allow_negative=allow_negative)
    digits = minor_digits(currency)
    if -value.as_tuple().exponent > digits:
        raise InvalidInput(f"{what}: {text!r} has more than {digits} decimals for {currency}")
    return value


def round_money(value: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit."""
    return value.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_UP)


def to_minor(value: Decimal, currency: str) -> int:
    """Decimal amount to integer minor units, exactly: anything that would need rounding,
    or that does not fit a 64-bit column, is refused."""
    # Shifting the decimal point changes no digit; the unlimited context makes sure that
    # no digit of a long amount is rounded away either.
    units = value.scaleb(minor_digits(currency), context=_EXACT)
    if units != units.to_integral_value(context=_EXACT):
        raise InvalidInput(f"{value} has more decimals than {currency} allows")
    if abs(units) > _LARGEST_MINOR:
        raise InvalidInput(f"{value} {currency} is too large an amount")
    return int(units)


def from_minor(units: int, currency: str) -> Decimal:
    """Integer minor units back to a Decimal with the currency's decimals (1230 EUR: 12.30;
    shifting the point of a whole number leaves exactly that many decimals)."""
    return Decimal(units).scaleb(-minor_digits(currency), context=_EXACT)


def format_plain(value: Decimal, places: int = 2) -> str:
    """Fixed decimals, no grouping: the form of every amount in JSON output."""
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def parse_percent(text: str, what: str = "tax rate") -> Decimal:
    """A percentage between 0 and 100 with at most two decimals (19, 7.7, 20.00)."""
    value = parse_decimal(text, what)
    if value > 100:
        raise InvalidInput(f"{what}: {text!r} is above 100%")
    if -value.as_tuple().exponent > 2:
        raise InvalidInput(f"{what}: {text!r} has more than 2 decimals")
    return value


def percent_to_basis_points(value: Decimal) -> int:
    """Store percentages as integer hundredths of a percent (19.00% -> 1900)."""
    return int(value * 100)


@cache  # a few rates, read for every stored line
def basis_points_to_percent(points: int) -> Decimal:
    return (Decimal(points) / 100).quantize(CENT)
