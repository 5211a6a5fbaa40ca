"""VAT treatment of invoice lines, as EN 16931 names it: a category and a rate per line,
tax summed per (category, rate) on the net of those lines and rounded once.

Categories are stored and exported as their EN 16931 code (UNCL 5305); people type the
words of ``CATEGORIES``. A category other than S and Z carries an exemption reason: its
text, and the VATEX code where one fits (EN 16931 BR-E-10, BR-AE-10, BR-IC-10, BR-G-10,
BR-O-10; BR-S-10 and BR-Z-10 forbid one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .errors import Conflict, InvalidInput
from .money import CENT, round_money

CATEGORIES = {
    "standard": "S",
    "zero": "Z",
    "exempt": "E",
    "reverse-charge": "AE",
    "intra-eu": "K",
    "export": "G",
    "outside-scope": "O",
}
WORDS = {code: word for word, code in CATEGORIES.items()}
_ORDER = list(WORDS)
_VATEX = re.compile(r"^(VATEX-[A-Z0-9-]*[A-Z0-9])\b[\s:–-]*(.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Exemption:
    """Why a line carries no VAT: BT-120 (text) and BT-121 (VATEX code, may be empty)."""

    code: str
    text: str


# The standard wording of each category's reason (the VATEX code list's own names). Exempt
# supplies have a code per article of the VAT directive: which one is the seller's to say.
DEFAULT_EXEMPTIONS = {
    "E": Exemption("", "Exempt from VAT"),
    "AE": Exemption("VATEX-EU-AE", "Reverse charge"),
    "K": Exemption("VATEX-EU-IC", "Intra-Community supply"),
    "G": Exemption("VATEX-EU-G", "Export outside the EU"),
    "O": Exemption("VATEX-EU-O", "Not subject to VAT"),
}


def parse_category(text: str) -> str:
    """A category word (``reverse-charge``) or code (``AE``) to its EN 16931 code."""
    raw = (text or "").strip()
    if raw.lower() in CATEGORIES:
        return CATEGORIES[raw.lower()]
    if raw.upper() in WORDS:
        return raw.upper()
    raise InvalidInput(f"VAT category {text!r} is not one of {', '.join(CATEGORIES)}")


def check_reason(category: str, text: str) -> str:
    """The exemption reason a client of ``category`` may keep (stripped); S and Z take none."""
    reason = (text or "").strip()
    if reason and category not in DEFAULT_EXEMPTIONS:
        raise InvalidInput(
            f"{WORDS[category]} VAT carries no exemption reason (EN 16931 BR-S-10, BR-Z-10); "
            "an exemption reason goes with exempt, reverse-charge, intra-eu, export or "
            "outside-scope VAT"
        )
    if len(reason) > 500:
        raise InvalidInput("exemption reason: at most 500 characters")
    return reason


def exemption(category: str, text: str = "") -> Exemption | None:
    """The reason printed for ``category``: the typed text (a leading VATEX code is taken as
    the code: ``VATEX-EU-132-1I Hospital care``), else the category's standard wording."""
    default = DEFAULT_EXEMPTIONS.get(category)
    if default is None:
        return None
    reason = (text or "").strip()
    if not reason:
        return default
    match = _VATEX.match(reason)
    if match:
        return Exemption(match[1].upper(), match[2].strip() or default.text)
    return Exemption(default.code, reason)


def line_tax(category: str, rate: Decimal) -> tuple[str, Decimal]:
    """A line's (category, rate) under a client's ``category``. Standard VAT at 0 % is zero
    rated (EN 16931 has no standard rate of 0, BR-S-05); every other category has rate 0."""
    if category == "S" and rate > 0:
        return "S", rate.quantize(CENT)
    return ("Z" if category == "S" else category), Decimal(0).quantize(CENT)


class Taxed(Protocol):
    """Anything with a net amount, a category and a rate: draft lines, stored lines."""

    @property
    def amount(self) -> Decimal: ...
    @property
    def tax_category(self) -> str: ...
    @property
    def tax_rate(self) -> Decimal: ...


@dataclass(frozen=True)
class TaxedAmount:
    amount: Decimal
    tax_category: str
    tax_rate: Decimal


@dataclass(frozen=True)
class TaxGroup:
    """One row of the VAT breakdown (EN 16931 BG-23)."""

    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal
    exemption: Exemption | None = None

    @property
    def key(self) -> tuple[str, Decimal]:
        return self.category, self.rate


def group_order(key: tuple[str, Decimal]) -> tuple[int, Decimal]:
    """Standard rates first, highest rate first, then the other categories."""
    return _ORDER.index(key[0]), -key[1]


def net_by_group(lines: Iterable[Taxed]) -> dict[tuple[str, Decimal], Decimal]:
    """Summed net per (category, rate), in breakdown order."""
    sums: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.tax_category, line.tax_rate)
        sums[key] = sums.get(key, Decimal(0)) + line.amount
    return {key: sums[key] for key in sorted(sums, key=group_order)}


def tax_of(taxable: Decimal, rate: Decimal, currency: str) -> Decimal:
    """BR-CO-17: taxable × rate / 100, rounded half-up once."""
    return round_money(taxable * rate / 100, currency)


def breakdown(
    lines: Iterable[Taxed], currency: str, reasons: dict[str, Exemption] | None = None
) -> tuple[TaxGroup, ...]:
    """The VAT breakdown of ``lines``: tax per (category, rate) on their summed net."""
    reasons = reasons or {}
    return tuple(
        TaxGroup(cat, rate, net, tax_of(net, rate, currency), _reason(cat, reasons))
        for (cat, rate), net in net_by_group(lines).items()
    )


def _reason(category: str, reasons: dict[str, Exemption]) -> Exemption | None:
    return reasons.get(category) or DEFAULT_EXEMPTIONS.get(category)


def headline_rate(groups: Iterable[TaxGroup]) -> Decimal | None:
    """The one rate an invoice's ``tax_rate`` names: the rate of its only group, or of the
    group with the largest taxable amount (the higher rate on a tie); None without lines."""
    ranked = sorted(groups, key=lambda g: (abs(g.taxable), g.rate), reverse=True)
    return ranked[0].rate if ranked else None


def check_vat_ids(categories: Iterable[str], seller_vat: str, buyer_vat: str, buyer: str) -> None:
    """Reverse charge needs the buyer's VAT id (BR-AE-02); an intra-EU supply both parties'
    (BR-IC-02). Named with the command that fills what is missing."""
    found = set(categories)
    if found & {"AE", "K"} and not buyer_vat.strip():
        word = "reverse charge" if "AE" in found else "an intra-EU supply"
        raise Conflict(
            f"{word} needs the buyer's VAT id of {buyer}: tally client set {_quoted(buyer)} "
            "--vat-id ID"
        )
    if "K" in found and not seller_vat.strip():
        raise Conflict("an intra-EU supply needs your own VAT id: tally org set --vat-id ID")


def _quoted(name: str) -> str:
    return f'"{name}"' if re.search(r"[^\w.-]", name) else name
