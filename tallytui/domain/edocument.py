"""One e-invoice as EN 16931 sees it, complete and independent of the database.

The CII and UBL writers read only this model, so every syntax of one invoice carries the
same figures. Amounts are Decimal in the document's currency and always positive on a
credit note: the document type says which way the money goes, not the sign. The helpers
below compute the VAT breakdown and the totals the way the standard checks them
(BR-CO-10 … BR-CO-17), so a document built with them adds up by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .money import CENT

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
KINDS = (INVOICE, CREDIT_NOTE)

# EN 16931 VAT categories (UNTDID 5305 subset). Only S carries a rate above zero; O carries
# none at all; every category but S needs an exemption reason.
CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O")
SEPA_CREDIT_TRANSFER = "58"

# UN/ECE Recommendation 20 codes for the units people type on a line.
_UNIT_CODES = {
    "h": "HUR",
    "hr": "HUR",
    "hrs": "HUR",
    "hour": "HUR",
    "hours": "HUR",
    "d": "DAY",
    "day": "DAY",
    "days": "DAY",
    "min": "MIN",
    "week": "WEE",
    "weeks": "WEE",
    "month": "MON",
    "months": "MON",
    "km": "KMT",
    "kg": "KGM",
}
PIECE = "C62"


def unit_code(unit: str) -> str:
    """The Rec. 20 code of a line's unit; pieces (C62, "one") for none or anything else."""
    return _UNIT_CODES.get((unit or "").strip().lower().rstrip("."), PIECE)


@dataclass(frozen=True)
class Party:
    """Seller or buyer. ``country`` is ISO 3166-1 alpha-2; the endpoint is an EAS scheme
    (``EM``, ``9930``, ``0088`` …) and an identifier in it."""

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    vat_id: str = ""
    tax_number: str = ""
    legal_id: str = ""
    endpoint_scheme: str = ""
    endpoint_id: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class Payment:
    """How the buyer pays: UNTDID 4461 means code, the payee's account, the remittance."""

    means_code: str = SEPA_CREDIT_TRANSFER
    iban: str = ""
    bic: str = ""
    account_name: str = ""
    remittance: str = ""


@dataclass(frozen=True)
class Line:
    """One invoice line: net amount = quantity × net price, rounded half-up to cents."""

    id: str
    name: str
    quantity: Decimal
    unit_code: str
    net_price: Decimal
    net_amount: Decimal
    tax_category: str
    tax_rate: Decimal
    description: str = ""


@dataclass(frozen=True)
class TaxSubtotal:
    """The VAT of one (category, rate): taxable amount × rate, rounded once."""

    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True)
class Totals:
    line_total: Decimal
    tax_exclusive: Decimal
    tax_total: Decimal
    tax_inclusive: Decimal
    amount_due: Decimal


@dataclass(frozen=True)
class EDocument:
    """An invoice or credit note, with every business term the writers put out.

    ``delivery`` (BG-15, the deliver-to address) is needed by intra-community supplies (K)
    only: its country is BT-80, and XRechnung wants its city and post code too (BR-DE-10/11).
    """

    number: str
    kind: str
    issue_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    tax: tuple[TaxSubtotal, ...]
    totals: Totals
    payment: Payment | None = None
    due_date: date | None = None
    buyer_reference: str = ""
    period_start: date | None = None
    period_end: date | None = None
    preceding_number: str = ""
    preceding_date: date | None = None
    payment_terms: str = ""
    note: str = ""
    delivery: Party | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"document {self.number}: kind {self.kind!r} is not one of {KINDS}")
        for line in self.lines:
            if line.tax_category not in CATEGORIES:
                raise ValueError(
                    f"document {self.number}, line {line.id}: VAT category "
                    f"{line.tax_category!r} is not one of {', '.join(CATEGORIES)}"
                )

    @property
    def is_credit_note(self) -> bool:
        return self.kind == CREDIT_NOTE


def cents(value: Decimal) -> Decimal:
    """Half-up to two decimals: EN 16931 allows no more on an amount (BR-DEC-*)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_net(quantity: Decimal, price: Decimal) -> Decimal:
    """Quantity × net price, rounded half-up to cents (BR-CO-10's summands)."""
    return cents(quantity * price)


def tax_breakdown(
    lines: Iterable[Line], reasons: Mapping[str, tuple[str, str]] | None = None
) -> tuple[TaxSubtotal, ...]:
    """VAT per (category, rate) on the summed net of its lines, rounded once (BR-CO-17).

    ``reasons`` gives each category other than S its exemption text and VATEX code.
    """
    sums: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.tax_category, line.tax_rate)
        sums[key] = sums.get(key, Decimal(0)) + line.net_amount
    reasons = reasons or {}
    return tuple(
        TaxSubtotal(
            category,
            rate,
            taxable,
            cents(taxable * rate / 100),
            *reasons.get(category, ("", "")),
        )
        for (category, rate), taxable in sums.items()
    )


def totals_of(lines: Sequence[Line], tax: Sequence[TaxSubtotal]) -> Totals:
    """Document totals without allowances, charges or prepayment (BR-CO-10, 13, 15, 16)."""
    line_total = sum((line.net_amount for line in lines), Decimal("0.00"))
    tax_total = sum((sub.tax for sub in tax), Decimal("0.00"))
    inclusive = line_total + tax_total
    return Totals(line_total, line_total, tax_total, inclusive, inclusive)
