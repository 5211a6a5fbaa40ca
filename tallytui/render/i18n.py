"""A document's language: its labels from the package's gettext catalogs (``locale/``),
its numbers, dates, amounts and units from Babel's CLDR data.

The locale combines the document's language with the buyer's country where CLDR knows the
pair (``de`` + ``CH`` is ``de_CH``: ``CHF 1’234.50``), else the language alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from ..domain.edocument import unit_code
from .layout import ASSETS

LOCALES = ASSETS / "locale"
DOMAIN = "tallytui"

# Rec. 20 unit codes (the e-invoice's) to CLDR unit names: CLDR spells them per language.
_CLDR_UNITS = {
    "HUR": "duration-hour",
    "DAY": "duration-day",
    "MIN": "duration-minute",
    "WEE": "duration-week",
    "MON": "duration-month",
    "KMT": "length-kilometer",
    "KGM": "mass-kilogram",
}


def N_(message: str) -> str:  # noqa: N802 - the marker Babel's extraction looks for
    """Marks a message for extraction; it is translated where it is printed."""
    return message


@cache
def translations(language: str):
    """The catalog of ``language`` (English, the source language, has none: its
    messages print as written)."""
    from babel.support import NullTranslations, Translations

    if language == "en":
        return NullTranslations()
    return Translations.load(str(LOCALES), [language], DOMAIN)


def translate(language: str, message: str, **values) -> str:
    """``message`` in ``language``, with ``%(name)s`` placeholders filled."""
    text = translations(language).gettext(message)
    return text % values if values else text


@cache
def locale_of(language: str, country: str = "") -> str:
    """``de_CH`` for German to Switzerland where CLDR has it, else ``de``."""
    from babel import localedata

    pair = f"{language}_{country.upper()}"
    return pair if country and localedata.exists(pair) else language


class Formats:
    """Numbers, amounts, dates and quantities as the document's locale writes them."""

    def __init__(self, language: str, country: str = "") -> None:
        self.language = language
        self.locale = locale_of(language, country)

    def money(self, value: Decimal, currency: str) -> str:
        """``€1,234.50`` (en), ``1.234,50 €`` (de), ``CHF 1’234.50`` (de_CH): the
        currency's own sign and decimals; a sign of letters stands apart from the figure."""
        from babel.numbers import format_currency, get_currency_symbol

        text = format_currency(value, currency, locale=self.locale)
        symbol = get_currency_symbol(currency, locale=self.locale)
        if symbol.isalpha() and f"{symbol}\xa0" not in text and f"\xa0{symbol}" not in text:
            return text.replace(symbol, f"{symbol} ", 1)
        return text

    def number(self, value: Decimal) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, format="#,##0.00", locale=self.locale)

    def quantity(self, value: Decimal, unit: str) -> str:
        """``1,25 Std.``: a unit CLDR knows in the locale's words, any other as typed."""
        from babel.units import format_unit

        name = _CLDR_UNITS.get(unit_code(unit))
        if name is None:
            return f"{self.number(value)} {unit}".strip()
        return format_unit(value, name, length="short", format="#,##0.00", locale=self.locale)

    def percent(self, value: Decimal) -> str:
        """``19%`` (en), ``19 %`` (de), ``7,5 %``: the locale's pattern, every decimal kept."""
        from babel.numbers import format_percent

        return format_percent(value / 100, locale=self.locale, decimal_quantization=False)

    def country(self, code: str) -> str:
        """``Schweiz``, ``Allemagne``: the country's name in the document's language."""
        from babel import Locale

        return Locale.parse(self.locale).territories.get(code.upper(), code)

    def day(self, value: date | None) -> str:
        """ISO 8601 in English (whose readers do not agree on an order), CLDR's medium
        date in the others: ``20.11.2026``, ``20 nov. 2026``."""
        from babel.dates import format_date

        if value is None:
            return ""
        if self.language == "en":
            return value.isoformat()
        return format_date(value, format="medium", locale=self.locale)
