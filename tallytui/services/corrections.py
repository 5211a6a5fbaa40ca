"""Documents not drawn from tracked time: freeform invoices, and credit notes that correct
sent invoices (an issued invoice is never edited)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..domain.errors import Conflict, InvalidInput
from ..domain.invoicing import DraftLine, Totals, apply_vat, line_amount
from ..domain.money import basis_points_to_percent, from_minor, to_minor
from ..domain.names import check_name
from ..domain.vat import WORDS
from ..store.db import write_transaction
from ..store.models import BilledEntry, BilledExpense, Invoice, InvoiceLine, Project, db
from . import lookup, permissions
from .documents import (
    client_vat,
    credited_totals,
    new_document,
    refresh_totals,
    release,
    write_lines,
)
from .invoice_lifecycle import resettle
from .invoice_views import InvoiceView, load, view
from .org import local_today

LINE_TYPES = ("service", "product")


@dataclass(frozen=True)
class FreeLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = ""
    line_type: str = "service"
    tax_rate: Decimal | None = None  # its own VAT rate; None: the client's


def draft_line(line: FreeLine, currency: str, project: str | None, sign: int, n: int) -> DraftLine:
    """The line as it will be stored; refuses what cannot be (named by its position)."""
    where = f"line {n}"
    description = check_name(line.description, f"{where} description", limit=2000)
    if line.quantity <= 0:
        raise InvalidInput(f"{where}: quantity {line.quantity} must be above 0")
    if line.quantity != line.quantity.quantize(Decimal("0.01")):
        raise InvalidInput(f"{where}: quantity {line.quantity} has more than 2 decimals")
    if line.unit_price < 0:
        raise InvalidInput(f"{where}: unit price {line.unit_price} must not be negative")
    to_minor(line.unit_price, currency)  # refuses more decimals than the currency has
    if line.line_type not in LINE_TYPES:
        raise InvalidInput(f"{where}: type {line.line_type!r} is not service or product")
    quantity = line.quantity * sign
    return DraftLine(
        description=description,
        quantity=quantity,
        unit=line.unit.strip(),
        unit_price=line.unit_price,
        amount=line_amount(quantity, line.unit_price, currency),
        line_type=line.line_type,
        project=project,
        group_key="freeform",
        tax_rate=line.tax_rate,
    )


def freeform(
    actor: str,
    client: str,
    lines: list[FreeLine],
    project: str | None = None,
    credit_note: bool = False,
    reason: str = "",
) -> InvoiceView:
    """An invoice (or credit note) with hand-entered lines and no tracked time behind it."""
    if not lines:
        raise InvalidInput("a freeform document needs at least one --line")
    with write_transaction():
        org = lookup.organisation()
        acting = lookup.user(actor)
        permissions.require(acting, "invoice.write")
        buyer = lookup.client(client)
        row = lookup.project(project) if project else None
        if row is not None and row.client_id != buyer.id:
            raise InvalidInput(
                f"project {row.name!r} belongs to {row.client.name}, not {buyer.name}"
            )
        sign = -1 if credit_note else 1
        category, rate = client_vat(org, buyer)
        own = [n for n, line in enumerate(lines, start=1) if line.tax_rate is not None]
        if own and category != "S":
            raise InvalidInput(
                f"line {own[0]}: a VAT rate of its own needs a standard-rated client; "
                f"{buyer.name} is {WORDS[category]}"
            )
        drafts = apply_vat(
            [
                draft_line(line, buyer.currency, project, sign, n)
                for n, line in enumerate(lines, start=1)
            ],
            category,
            rate,
        )
        invoice = new_document(
            org,
            buyer,
            acting,
            local_today(org),
            kind="credit_note" if credit_note else "invoice",
            project=row,
            grouping="freeform",
            reason=reason.strip(),
        )
        write_lines(invoice, drafts, mark=False)
        refresh_totals(invoice)
        return view(load(invoice.number))


def credit(
    actor: str, number: str, line_ids: list[int] | None = None, reason: str = ""
) -> InvoiceView:
    """A credit note negating the whole invoice or chosen lines; credited time is released
    for re-invoicing."""
    with write_transaction():
        org = lookup.organisation()
        acting = lookup.user(actor)
        permissions.require(acting, "invoice.write")
        original = load(number)
        if original.kind != "invoice":
            raise Conflict(f"{number} is a credit note; credit notes are not credited")
        if original.status == "void":
            raise Conflict(f"{number} is void: there is nothing to credit")
        if original.status == "ready":
            raise Conflict(f"{number} has not been sent: remove its lines or delete it instead")
        lines = list(
            InvoiceLine.select()
            .where(InvoiceLine.invoice == original)
            .order_by(InvoiceLine.position)
        )
        credited = credited_lines(original)
        if line_ids:
            known = {line.id: line for line in lines}
            unknown = [str(i) for i in line_ids if i not in known]
            if unknown:
                raise InvalidInput(f"{number} has no line {', '.join(unknown)}")
            chosen = [known[i] for i in dict.fromkeys(line_ids)]
            again = [str(line.id) for line in chosen if line.id in credited]
            if again:
                raise Conflict(
                    f"line {', '.join(again)} of {number} is credited already; "
                    "crediting more than was invoiced is refused"
                )
        else:
            chosen = [line for line in lines if line.id not in credited]
            if not chosen:
                raise Conflict(f"every line of {number} is credited already")
        note = new_document(
            org,
            original.client,
            acting,
            local_today(org),
            kind="credit_note",
            project=original.project,
            grouping=original.grouping,
            period=(original.period_start, original.period_end),
            credits=original,
            reason=reason.strip(),
            tax_rate_bp=original.tax_rate_bp,
        )
        names = dict(
            Project.select(Project.id, Project.name)
            .where(Project.id.in_({line.project_id for line in chosen}))
            .tuples()
        )
        drafts = [_negated(line, original.currency, names.get(line.project_id)) for line in chosen]
        write_lines(note, drafts, mark=False, credits=[line.id for line in chosen])
        release([line.id for line in chosen])
        refresh_totals(note)
        resettle(original, note.issue_date)
        return view(load(note.number))


def _negated(line: InvoiceLine, currency: str, project: str | None) -> DraftLine:
    return DraftLine(
        description=line.description,
        quantity=-Decimal(line.quantity_hundredths) / 100,
        unit=line.unit,
        unit_price=from_minor(line.unit_price_minor, currency),
        amount=-from_minor(line.amount_minor, currency),
        line_type=line.line_type,
        project=project,
        group_key=line.group_key,
        tax_category=line.tax_category,
        tax_rate=basis_points_to_percent(line.tax_rate_bp),
        entry_ids=tuple(
            e
            for (e,) in BilledEntry.select(BilledEntry.entry)
            .where(BilledEntry.line == line.id)
            .tuples()
        ),
        expense_ids=tuple(
            x
            for (x,) in BilledExpense.select(BilledExpense.expense)
            .where(BilledExpense.line == line.id)
            .tuples()
        ),
    )


@dataclass(frozen=True)
class CreditState:
    """How much of an invoice live credit notes have taken back: the lines, and the net,
    tax and total (positive, with their breakdown per rate) that the next credit note's
    figures start from."""

    lines: frozenset[int]
    credited: Totals


def credit_state(actor: str, number: str) -> CreditState:
    """What the credit dialog needs to grey out credited lines and total the next note."""
    with db.atomic():
        permissions.require(lookup.user(actor), "invoice.read")
        original = load(number)
        return CreditState(frozenset(credited_lines(original)), credited_totals(original))


def credited_lines(invoice: Invoice) -> set[int]:
    """Lines of ``invoice`` that a live (not void) credit note credits already."""
    return {
        line_id
        for (line_id,) in InvoiceLine.select(InvoiceLine.credits_line)
        .join(Invoice)
        .where((Invoice.credits == invoice) & (Invoice.status != "void"))
        .tuples()
    }
