"""Which payment code a document carries, so that a banking app can pay it by scanning:
a Swiss QR-bill for CHF and EUR invoices to Switzerland and Liechtenstein, an EPC code
("GiroCode") for other EUR invoices, none otherwise, and why none. The decision reads only
what the document froze, so the PDF and the preview of one number always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

EPC = "epc"
SWISS = "swiss"
NONE = "none"

SWISS_COUNTRIES = ("CH", "LI")
SWISS_CURRENCIES = ("CHF", "EUR")
EPC_MAX = Decimal("999999999.99")  # the largest amount an EPC code can hold
# A QR-IBAN's institution id (IBAN positions 5 to 9) lies in this range; such an account
# takes payments with a QR reference only.
QR_IID = range(30000, 32000)

LABELS = {EPC: "EPC QR code", SWISS: "Swiss QR-bill", NONE: "no payment code"}


@dataclass(frozen=True)
class Payee:
    """What the seller's frozen details say about how to be paid."""

    name: str
    iban: str
    bic: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    creditor_reference: bool = False  # SCOR reference (RF…) on a QR-bill without QR-IBAN


@dataclass(frozen=True)
class PaymentCode:
    kind: str  # EPC, SWISS or NONE
    reason: str = ""  # why NONE
    reference: str = ""  # QR reference (27 digits), SCOR reference (RF…), or none

    @property
    def reference_type(self) -> str:
        """The Swiss QR code's reference type: QRR, SCOR or NON."""
        if not self.reference:
            return "NON"
        return "SCOR" if self.reference.startswith("RF") else "QRR"

    def describe(self) -> str:
        """``Swiss QR-bill (reference RF18…)``, ``no payment code: credit note``."""
        text = LABELS[self.kind]
        if self.reason:
            return f"{text}: {self.reason}"
        return f"{text} (reference {self.reference})" if self.reference else text


def is_qr_iban(iban: str) -> bool:
    return iban[:2] in SWISS_COUNTRIES and iban[4:9].isdigit() and int(iban[4:9]) in QR_IID


def qr_reference(number: str) -> str:
    """A 27-digit QR reference from the digits of the invoice number (issue month and
    counter, unique in the register), with its recursive modulo-10 check digit."""
    from stdnum.ch import esr

    digits = "".join(c for c in number if c.isdigit())[-26:].rjust(26, "0")
    return digits + esr.calc_check_digit(digits)


def creditor_reference(number: str) -> str:
    """An ISO 11649 creditor reference (``RF`` + check digits + the invoice number's
    letters and digits)."""
    from stdnum.iso7064 import mod_97_10

    body = "".join(c for c in number if c.isalnum()).upper()[-21:]
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def _swiss(payee: Payee, number: str) -> PaymentCode:
    if payee.iban[:2] not in SWISS_COUNTRIES:
        return PaymentCode(NONE, "a Swiss QR-bill needs a CH or LI account (org set --iban)")
    if not (payee.postcode and payee.city and payee.country):
        return PaymentCode(
            NONE, "a Swiss QR-bill needs the organisation's post code, city and country"
        )
    if is_qr_iban(payee.iban):
        return PaymentCode(SWISS, reference=qr_reference(number))
    if payee.creditor_reference:
        return PaymentCode(SWISS, reference=creditor_reference(number))
    return PaymentCode(SWISS)


def choose(
    *, number: str, kind: str, currency: str, total: Decimal, buyer_country: str, payee: Payee
) -> PaymentCode:
    """The code a document carries: only invoices with an amount to pay and an account
    to pay it to have one."""
    if kind != "invoice":
        return PaymentCode(NONE, "a credit note is not paid by its recipient")
    if total <= 0:
        return PaymentCode(NONE, "nothing to pay")
    if not payee.iban:
        return PaymentCode(NONE, "the organisation has no IBAN")
    if buyer_country in SWISS_COUNTRIES and currency in SWISS_CURRENCIES:
        code = _swiss(payee, number)
        if code.kind == SWISS or currency != "EUR":
            return code
    if currency != "EUR":
        return PaymentCode(NONE, f"{currency} invoice (EPC codes are for EUR)")
    if total > EPC_MAX:
        return PaymentCode(NONE, "the amount is larger than an EPC code holds")
    return PaymentCode(EPC)
