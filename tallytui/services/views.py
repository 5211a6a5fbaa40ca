"""What services hand back: frozen dataclasses, so no caller ever holds a database row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class OrgView:
    name: str
    code: str
    currency: str
    timezone: str
    address: str
    email: str
    vat_id: str
    iban: str
    bic: str
    bank_name: str
    tax_rate: Decimal
    payment_terms_days: int
    rounding: str | None
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    contact: str = ""
    tax_number: str = ""
    registration: str = ""  # legal registration (BT-30), e.g. "HRB 12345, Amtsgericht Köln"
    endpoint: str = ""  # electronic address (BT-34) as SCHEME:ID
    language: str = "en"  # documents' language unless a client has its own
    logo_name: str = ""  # the file the logo was read from ("": no logo)
    creditor_reference: bool = False  # SCOR references on Swiss QR-bills


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    locked_until: date | None


@dataclass(frozen=True)
class ClientView:
    name: str
    currency: str
    address: str
    email: str
    vat_id: str
    payment_terms_days: int
    tax_rate: Decimal
    archived: bool
    vat: str = "standard"  # the VAT category word (vat.CATEGORIES)
    exemption_reason: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    buyer_reference: str = ""  # BT-10: the Leitweg-ID of a German public buyer
    endpoint: str = ""  # electronic address (BT-49) as SCHEME:ID
    einvoice: str = "none"  # the e-invoice format the client wants
    language: str = "en"  # its documents' language (its own, else the organisation's)
    own_language: bool = False  # whether the language is the client's own


@dataclass(frozen=True)
class RateView:
    valid_from: date | None
    amount: Decimal


@dataclass(frozen=True)
class ProjectView:
    name: str
    client: str
    currency: str
    rate: Decimal | None
    rates: tuple[RateView, ...]
    billable: bool
    schedule: str
    schedule_start: date | None
    approval_required: bool
    approver: str | None
    rounding: str | None
    watch: tuple[str, ...]
    urls: tuple[str, ...]
    archived: bool
    owner: str | None = None  # approves the time when no approver is named


@dataclass(frozen=True)
class EntryView:
    id: int
    project: str
    client: str
    user: str
    start_utc: int
    end_utc: int
    day: date
    description: str
    billable: bool
    source: str
    state: str
    invoice: str | None

    @property
    def seconds(self) -> int:
        return self.end_utc - self.start_utc


@dataclass(frozen=True)
class ExpenseView:
    id: int
    project: str
    client: str
    user: str | None
    day: date
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    currency: str
    category: str
    description: str
    billable: bool
    invoice: str | None
    tax_rate: Decimal | None = None  # its own VAT rate; None: the client's


@dataclass(frozen=True)
class TimerView:
    """A person's running timer: work in progress since ``start_utc``, not yet an entry."""

    user: str
    project: str
    client: str
    description: str
    start_utc: int

    def seconds(self, now: int) -> int:
        return max(0, now - self.start_utc)
