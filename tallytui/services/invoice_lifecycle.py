"""An invoice's life: ready (editable) → sent → paid; ready documents can lose lines or be
deleted, and the register never gets a gap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..domain.errors import Conflict, InvalidInput
from ..domain.money import to_minor
from ..domain.payments import Balance, after_payment, status_after
from ..store.db import locking, write_transaction
from ..store.models import (
    BilledEntry,
    BilledExpense,
    Expense,
    Invoice,
    InvoiceLine,
    Outbox,
    Payment,
    TimeEntry,
)
from . import lookup, permissions
from .clock import now_utc
from .documents import refresh_totals, release
from .invoice_views import InvoiceView, load, stored_balance, view
from .org import local_today
from .register import give_back


def _ready(number: str, verb: str) -> Invoice:
    invoice = load(number)
    if invoice.status != "ready":
        raise Conflict(
            f"{number} is {invoice.status} and cannot be changed; "
            + (
                "correct it with a credit note"
                if invoice.status in ("sent", "paid")
                else f"a void document cannot be {verb}"
            )
        )
    return invoice


def remove_line(actor: str, number: str, line_id: int) -> InvoiceView:
    """Drop a line from a ready invoice; its entries and expenses become uninvoiced."""
    with write_transaction():
        permissions.require(lookup.user(actor), "invoice.write")
        invoice = _ready(number, "edited")
        lines = [
            i
            for (i,) in InvoiceLine.select(InvoiceLine.id)
            .where(InvoiceLine.invoice == invoice)
            .tuples()
        ]
        if line_id not in lines:
            raise InvalidInput(f"{number} has no line {line_id}")
        if len(lines) == 1:
            raise Conflict(
                f"line {line_id} is the last line of {number}; delete the invoice instead"
            )
        _undo_lines(invoice, [line_id])
        InvoiceLine.delete().where(InvoiceLine.id == line_id).execute()
        refresh_totals(invoice)
        return view(load(number))


def _undo_lines(invoice: Invoice, line_ids: list[int]) -> None:
    """Release what the lines bill; for a credit note, re-bill what it had released."""
    if invoice.kind == "invoice":
        release(line_ids)
        return
    for line in InvoiceLine.select().where(InvoiceLine.id.in_(line_ids)):
        if line.credits_line_id is None:
            continue
        for model, billed, column in (
            (TimeEntry, BilledEntry, BilledEntry.entry),
            (Expense, BilledExpense, BilledExpense.expense),
        ):
            ids = [i for (i,) in billed.select(column).where(billed.line == line.id).tuples()]
            taken = model.select().where(model.id.in_(ids) & model.invoice_line.is_null(False))
            if ids and taken.exists():
                raise Conflict(
                    f"time credited by {invoice.number} has been invoiced again; "
                    "its credit cannot be undone"
                )
            model.update(invoice_line=line.credits_line_id).where(model.id.in_(ids)).execute()


def delete(actor: str, number: str, not_sent: bool = False) -> tuple[InvoiceView, bool]:
    """Delete a ready document. Returns its last view and whether it was removed (True)
    or kept as void because a later number exists (False). A document an e-mail may have
    carried to its client is kept unless ``not_sent`` says that e-mail never arrived: its
    number would otherwise be given to another document."""
    with write_transaction():
        org = lookup.organisation()
        permissions.require(lookup.user(actor), "invoice.write")
        invoice = _ready(number, "deleted")
        if not not_sent:
            _refuse_if_maybe_sent(invoice)
        line_ids = [
            i
            for (i,) in InvoiceLine.select(InvoiceLine.id)
            .where(InvoiceLine.invoice == invoice)
            .tuples()
        ]
        _undo_lines(invoice, line_ids)
        original = invoice.credits if invoice.credits_id else None
        if give_back(org, number):
            gone = view(invoice)
            invoice.delete_instance(recursive=False)
            resettle(original, local_today(org))
            return gone, True
        invoice.status = "void"
        invoice.voided_at = now_utc()
        invoice.save()
        resettle(original, local_today(org))
        return view(load(number)), False


def _refuse_if_maybe_sent(invoice: Invoice) -> None:
    attempt = (
        Outbox.select()
        .where((Outbox.invoice == invoice) & Outbox.state.in_(("queued", "unknown")))
        .order_by(Outbox.created_at.desc())
        .first()
    )
    if attempt is not None:
        raise Conflict(
            f"{invoice.number} may have reached its client: an e-mail of it is {attempt.state} "
            f"in the outbox (tally invoice outbox {invoice.number}); mark it sent if it "
            "arrived, or delete it with --not-sent if it did not"
        )


def mark_sent(actor: str, number: str) -> InvoiceView:
    with write_transaction():
        permissions.require(lookup.user(actor), "invoice.write")
        invoice = load(number)
        if invoice.status == "void":
            raise Conflict(f"{number} is void; a void document is never sent")
        if invoice.status != "ready":
            raise Conflict(f"{number} is {invoice.status} already")
        invoice.status, invoice.sent_at = "sent", now_utc()
        invoice.save()
        return view(load(number))


def mark_paid(
    actor: str, number: str, paid_on: date | None = None, amount: Decimal | None = None
) -> InvoiceView:
    """Record a payment of a sent invoice: ``amount`` (default: all that is open) on
    ``paid_on`` (default: today). The payment that settles it makes it paid on its day."""
    with write_transaction():
        org = lookup.organisation()
        acting = lookup.user(actor)
        permissions.require(acting, "invoice.write")
        invoice = _held(number)
        if invoice.kind != "invoice":
            raise Conflict(
                f"{number} is a credit note: it reduces the open amount of the invoice it "
                "corrects; record payments on invoices"
            )
        if invoice.status == "void":
            raise Conflict(f"{number} is void and cannot be paid")
        if invoice.status == "paid":
            raise Conflict(f"{number} is paid already (on {invoice.paid_on})")
        if invoice.status == "ready":
            raise Conflict(f"{number} has not been sent; mark it sent first")
        today = local_today(org)
        day = paid_on or today
        if day > today:
            raise InvalidInput(
                f"date: {day} is in the future (today is {today}); record a payment once it is made"
            )
        if day < invoice.issue_date:
            raise InvalidInput(f"date: {day} is before the issue date {invoice.issue_date}")
        before = stored_balance(invoice)
        paying = before.open if amount is None else amount
        after = after_payment(before, paying, invoice.currency, number)
        Payment.create(
            invoice=invoice,
            amount_minor=to_minor(paying, invoice.currency),
            paid_on=day,
            recorded_by=acting,
            recorded_at=now_utc(),
        )
        settle(invoice, after, day)
        return view(load(number), today)


def _held(number: str) -> Invoice:
    """The invoice, its row held until the transaction ends: two payments recorded at once
    cannot both find the same amount open."""
    load(number)  # names an unknown number
    return locking(Invoice.select().where(Invoice.number == number)).get()


def settle(invoice: Invoice, balance: Balance, day: date | None) -> None:
    """Give a sent or paid invoice the status its balance calls for: paid on ``day`` once
    settled, sent again when no longer (a credit note it counted on was deleted)."""
    status = status_after(invoice.status, balance)
    if status == invoice.status:
        return
    invoice.status = status
    invoice.paid_on = day if status == "paid" else None
    invoice.save()


def resettle(original: Invoice | None, day: date) -> None:
    """After a credit note of ``original`` is issued or deleted: the credit may settle it
    (paid on ``day``), or its removal open it again."""
    if original is not None and original.kind == "invoice":
        settle(original, stored_balance(original), day)
