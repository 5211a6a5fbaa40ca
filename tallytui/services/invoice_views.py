"""Invoices as callers see them, read back from the stored document (never recomputed)."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from peewee import JOIN, fn

from ..domain.errors import NotFound
from ..domain.logo import LogoImage
from ..domain.money import basis_points_to_percent, from_minor
from ..domain.payment_codes import Payee, PaymentCode, choose
from ..domain.payments import Balance, overdue_days
from ..domain.vat import Exemption, TaxGroup, group_order
from ..store.bulk import stream
from ..store.models import (
    BilledEntry,
    BilledExpense,
    Client,
    Invoice,
    InvoiceLine,
    InvoiceTax,
    Logo,
    Payment,
    Project,
)
from . import lookup
from .org import local_today


@dataclass(frozen=True)
class PartyView:
    """Seller or buyer as they were when the document was issued. Documents issued before
    the structured fields existed have them empty: their ``address`` text stands."""

    name: str
    address: str = ""
    email: str = ""
    vat_id: str = ""
    iban: str = ""
    bic: str = ""
    bank_name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    contact: str = ""
    tax_number: str = ""
    registration: str = ""
    endpoint: str = ""
    buyer_reference: str = ""
    logo: str = ""  # the digest of the seller's logo as issued ("": none)
    creditor_reference: bool = False  # SCOR reference on a Swiss QR-bill

    @property
    def structured(self) -> bool:
        """Whether the address is given in parts (else the free text is all there is)."""
        return any((self.street, self.postcode, self.city, self.country))


@dataclass(frozen=True)
class LineView:
    id: int
    position: int
    description: str
    project: str | None
    line_type: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    entries: tuple[int, ...]
    expenses: tuple[int, ...]
    credits_line: int | None
    tax_category: str  # EN 16931 code: S, Z, E, AE, K, G, O
    tax_rate: Decimal


@dataclass(frozen=True)
class InvoiceView:
    number: str
    kind: str
    status: str
    client: str
    project: str | None
    issue_date: date
    due_date: date
    currency: str
    period_start: date | None
    period_end: date | None
    credits: str | None
    credits_issue_date: date | None
    lines: tuple[LineView, ...]
    subtotal: Decimal
    tax_rate: Decimal  # the only rate, or the rate of the largest taxable amount
    tax: Decimal
    total: Decimal
    tax_breakdown: tuple[TaxGroup, ...]
    grouping: str
    rounding: str | None
    reason: str
    payment_terms_days: int
    seller: PartyView
    buyer: PartyView
    sent_at: int | None
    paid_on: date | None
    # Payments recorded, what is left to pay, and days past due while it is (0: not).
    paid: Decimal = Decimal("0.00")
    open: Decimal = Decimal("0.00")
    overdue_days: int = 0
    language: str = "en"  # the document's language, frozen at issue (domain/languages.py)
    logo: LogoImage | None = None  # the image the seller's frozen digest names

    @property
    def payment_code(self) -> PaymentCode:
        """The payment code the PDF prints (the preview shows the same)."""
        s = self.seller
        payee = Payee(
            s.name, s.iban, s.bic, s.street, s.postcode, s.city, s.country, s.creditor_reference
        )
        return choose(
            number=self.number,
            kind=self.kind,
            currency=self.currency,
            total=self.total,
            buyer_country=self.buyer.country,
            payee=payee,
        )


@dataclass(frozen=True)
class InvoiceSummary:
    number: str
    kind: str
    status: str
    client: str
    issue_date: date
    due_date: date
    currency: str
    total: Decimal
    paid: Decimal
    open: Decimal
    overdue_days: int


_PARTY_FIELDS = frozenset(PartyView.__dataclass_fields__)


def party(snapshot: str) -> PartyView:
    """The frozen party; fields it predates are empty, fields it postdates are ignored."""
    stored = json.loads(snapshot)
    return PartyView(**{key: value for key, value in stored.items() if key in _PARTY_FIELDS})


def snapshot(view: PartyView) -> str:
    return json.dumps(view.__dict__, ensure_ascii=False, sort_keys=True)


def _billed(model, column, invoice: Invoice) -> dict[int, list[int]]:
    """Line id → ids of what it bills (or credits), for every line of ``invoice``."""
    found: dict[int, list[int]] = defaultdict(list)
    query = model.select().join(InvoiceLine).where(InvoiceLine.invoice == invoice)
    for line_id, item_id in stream(query.order_by(column), (model.line, column), server_side=False):
        found[line_id].append(item_id)
    return found


def _lines(invoice: Invoice) -> tuple[LineView, ...]:
    entries = _billed(BilledEntry, BilledEntry.entry, invoice)
    expenses = _billed(BilledExpense, BilledExpense.expense, invoice)
    currency = invoice.currency
    fields = (
        InvoiceLine.id,
        InvoiceLine.position,
        InvoiceLine.description,
        Project.name,
        InvoiceLine.line_type,
        InvoiceLine.quantity_hundredths,
        InvoiceLine.unit,
        InvoiceLine.unit_price_minor,
        InvoiceLine.amount_minor,
        InvoiceLine.credits_line,
        InvoiceLine.tax_category,
        InvoiceLine.tax_rate_bp,
    )
    query = (
        InvoiceLine.select()
        .join(Project, JOIN.LEFT_OUTER)
        .where(InvoiceLine.invoice == invoice)
        .order_by(InvoiceLine.position)
    )
    rows = stream(query, fields, server_side=False)
    return tuple(
        LineView(
            id=line_id,
            position=position,
            description=description,
            project=project,
            line_type=line_type,
            quantity=Decimal(hundredths) / 100,
            unit=unit,
            unit_price=from_minor(price, currency),
            amount=from_minor(amount, currency),
            entries=tuple(entries[line_id]),
            expenses=tuple(expenses[line_id]),
            credits_line=credits_line,
            tax_category=category,
            tax_rate=basis_points_to_percent(rate_bp),
        )
        for (
            line_id,
            position,
            description,
            project,
            line_type,
            hundredths,
            unit,
            price,
            amount,
            credits_line,
            category,
            rate_bp,
        ) in rows
    )


def stored_breakdown(invoice: Invoice) -> tuple[TaxGroup, ...]:
    """The document's VAT breakdown as it was issued, in breakdown order."""
    currency = invoice.currency
    groups = [
        TaxGroup(
            row.category,
            basis_points_to_percent(row.rate_bp),
            from_minor(row.taxable_minor, currency),
            from_minor(row.tax_minor, currency),
            Exemption(row.exemption_code, row.exemption_reason) if row.exemption_reason else None,
        )
        for row in InvoiceTax.select().where(InvoiceTax.invoice == invoice)
    ]
    return tuple(sorted(groups, key=lambda g: group_order(g.key)))


def load(number: str) -> Invoice:
    row = Invoice.select(Invoice, Client).join(Client).where(Invoice.number == number).first()
    if row is None:
        raise NotFound(f"no invoice numbered {number!r}")
    return row


def _paid_minor(invoice):
    """SQL for the payments recorded for ``invoice`` (a row or a column), in minor units."""
    return Payment.select(fn.COALESCE(fn.SUM(Payment.amount_minor), 0)).where(
        Payment.invoice == invoice
    )


def _credited_minor(invoice):
    """SQL for what the live (not void) credit notes of ``invoice`` take back, positive
    (their totals are negative)."""
    note = Invoice.alias("note")
    return note.select(fn.COALESCE(fn.SUM(0 - note.total_minor), 0)).where(
        (note.credits == invoice) & (note.status != "void")
    )


def balance(invoice: Invoice, paid_minor: int, credited_minor: int) -> Balance:
    """A credit note owes nothing and is owed nothing here: it settles the invoice it
    corrects (a refund of a freeform one happens outside the register)."""
    currency = invoice.currency
    if invoice.kind != "invoice":
        zero = from_minor(0, currency)
        return Balance(zero, zero, zero)
    return Balance(
        from_minor(invoice.total_minor, currency),
        from_minor(int(paid_minor), currency),
        from_minor(int(credited_minor), currency),
    )


def shown(invoice: Invoice, figures: Balance) -> Balance:
    """The balance as callers see it: a paid invoice owes nothing, even where another
    writer (a restore, a generator) marked it paid without recording its payment."""
    if invoice.status != "paid" or figures.settled:
        return figures
    return Balance(figures.total, figures.total - figures.credited, figures.credited)


def stored_balance(invoice: Invoice) -> Balance:
    paid = _paid_minor(invoice.id).scalar()
    credited = _credited_minor(invoice.id).scalar()
    return balance(invoice, paid, credited)


def stored_logo(digest: str) -> LogoImage | None:
    """The logo a document names, as it was stored (rows are never changed)."""
    row = Logo.get_or_none(Logo.digest == digest) if digest else None
    if row is None:
        return None
    return LogoImage(row.media_type, row.width, row.height, base64.b64decode(row.data))


def _today(today: date | None) -> date:
    return today or local_today(lookup.organisation())


def view(invoice: Invoice, today: date | None = None) -> InvoiceView:
    currency = invoice.currency
    owed = shown(invoice, stored_balance(invoice))
    original = invoice.credits if invoice.credits_id else None
    seller = party(invoice.seller)
    return InvoiceView(
        number=invoice.number,
        kind=invoice.kind,
        status=invoice.status,
        client=invoice.client.name,
        project=invoice.project.name if invoice.project_id else None,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=currency,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        credits=original.number if original else None,
        credits_issue_date=original.issue_date if original else None,
        lines=_lines(invoice),
        subtotal=from_minor(invoice.subtotal_minor, currency),
        tax_rate=basis_points_to_percent(invoice.tax_rate_bp),
        tax=from_minor(invoice.tax_minor, currency),
        total=from_minor(invoice.total_minor, currency),
        tax_breakdown=stored_breakdown(invoice),
        grouping=invoice.grouping,
        rounding=invoice.rounding,
        reason=invoice.reason,
        payment_terms_days=invoice.payment_terms_days,
        seller=seller,
        buyer=party(invoice.buyer),
        sent_at=invoice.sent_at,
        paid_on=invoice.paid_on,
        paid=owed.paid,
        open=owed.open,
        overdue_days=overdue_days(
            invoice.kind, invoice.status, owed, invoice.due_date, _today(today)
        ),
        language=invoice.language,
        logo=stored_logo(seller.logo),
    )


def summaries():
    """Invoices joined to their client, with only the columns a summary reads: the
    others (the seller's and buyer's details, five dates to parse) made a list of fifty
    take twice as long to read."""
    return Invoice.select(
        Invoice.id,
        Invoice.number,
        Invoice.kind,
        Invoice.status,
        Invoice.client,
        Invoice.issue_date,
        Invoice.due_date,
        Invoice.currency,
        Invoice.total_minor,
        _paid_minor(Invoice.id).alias("paid_minor"),
        _credited_minor(Invoice.id).alias("credited_minor"),
        Client.id,
        Client.name,
    ).join(Client)


def overdue(today: date):
    """SQL for a sent invoice with money open past its due date (as of ``today``)."""
    left = Invoice.total_minor - _paid_minor(Invoice.id) - _credited_minor(Invoice.id)
    return (
        (Invoice.kind == "invoice")
        & (Invoice.status == "sent")
        & (Invoice.due_date < today)
        & (left > 0)
    )


def summary(invoice: Invoice, today: date | None = None) -> InvoiceSummary:
    """One row of :func:`summaries` (which reads its payments and credits with it)."""
    owed = shown(invoice, balance(invoice, invoice.paid_minor, invoice.credited_minor))
    return InvoiceSummary(
        number=invoice.number,
        kind=invoice.kind,
        status=invoice.status,
        client=invoice.client.name,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        total=from_minor(invoice.total_minor, invoice.currency),
        paid=owed.paid,
        open=owed.open,
        overdue_days=overdue_days(
            invoice.kind, invoice.status, owed, invoice.due_date, _today(today)
        ),
    )
