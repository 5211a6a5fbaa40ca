"""E-invoices: one :class:`~tallytui.domain.edocument.EDocument`, five documents.

The model (``domain/edocument.py``) holds one invoice or credit note completely — parties
with structured addresses and electronic endpoints, payment, lines with their VAT
category and rate, the VAT breakdown and the totals — and knows nothing of the database.
An adapter freezes an issued invoice into it (flipping a credit note's negative lines to
the positive amounts the standard wants); the writers here only translate it:

- ``cii``: UN/CEFACT CII D16B, EN 16931 (the Factur-X / ZUGFeRD EN 16931 profile);
- ``ubl``: UBL 2.1 ``Invoice`` or ``CreditNote``, EN 16931;
- ``xrechnung-cii`` / ``xrechnung-ubl``: the same with the XRechnung 3.0 CIUS identifier;
- ``peppol``: UBL with the Peppol BIS Billing 3.0 identifiers.

What a format demands beyond the model (a buyer reference for XRechnung, endpoints for
Peppol) is checked before writing, elsewhere; the writers put out what they are given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..domain.edocument import CENT, EDocument, TaxSubtotal, cents

FORMATS = ("cii", "ubl", "xrechnung-cii", "xrechnung-ubl", "peppol")

EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG = f"{EN16931}#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL = f"{EN16931}#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# Format → (syntax, specification identifier BT-24, business process BT-23 or "").
SPECIFICATIONS = {
    "cii": ("cii", EN16931, ""),
    "ubl": ("ubl", EN16931, ""),
    "xrechnung-cii": ("cii", XRECHNUNG, PEPPOL_PROCESS),
    "xrechnung-ubl": ("ubl", XRECHNUNG, PEPPOL_PROCESS),
    "peppol": ("ubl", PEPPOL, PEPPOL_PROCESS),
}

INVOICE_TYPE = "380"
CREDIT_NOTE_TYPE = "381"


def write(document: EDocument, fmt: str) -> bytes:
    """The document in format ``fmt`` (one of :data:`FORMATS`), as UTF-8 XML."""
    if fmt not in SPECIFICATIONS:
        raise ValueError(f"e-invoice format {fmt!r} is not one of {', '.join(FORMATS)}")
    syntax, specification, process = SPECIFICATIONS[fmt]
    if syntax == "cii":
        from .cii import write_cii

        return write_cii(document, specification, process)
    from .ubl import write_ubl

    return write_ubl(document, specification, process)


def type_code(document: EDocument) -> str:
    return CREDIT_NOTE_TYPE if document.is_credit_note else INVOICE_TYPE


def amount(value: Decimal) -> str:
    """An amount with exactly two decimals."""
    return f"{cents(value):f}"


def number(value: Decimal) -> str:
    """A quantity or percentage with the decimals it needs and no exponent."""
    text = f"{value.normalize():f}"
    return text if text != "-0" else "0"


def price(value: Decimal) -> str:
    """A unit price: two decimals, more when the price has them."""
    return amount(value) if value == value.quantize(CENT) else number(value)


def iso(day: date) -> str:
    return day.isoformat()


def compact(day: date) -> str:
    """UN/CEFACT date format 102: YYYYMMDD."""
    return day.strftime("%Y%m%d")


def names_vat_ids(document: EDocument) -> bool:
    """Whether the parties' VAT identifiers may appear: an invoice outside the scope of VAT
    (category O) must not carry any (BR-O-02)."""
    return all(sub.category != "O" for sub in document.tax)


def exemption(sub: TaxSubtotal) -> tuple[str, str]:
    """The exemption reason text and code of a breakdown line; none for S and Z, which
    EN 16931 forbids to carry one (BR-S-10, BR-Z-10) even where the PDF prints it."""
    if sub.category in ("S", "Z"):
        return "", ""
    return sub.exemption_reason, sub.exemption_code
