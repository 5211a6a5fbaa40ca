"""Writing invoice documents: number, frozen party details, lines, billed marks, totals.

Every function here runs inside the caller's ``write_transaction``, so a failure anywhere
leaves no document, no used number and no entry marked as billed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from peewee import fn

from ..domain.errors import Conflict
from ..domain.invoicing import DraftLine, Totals, credit_totals, totals
from ..domain.money import (
    basis_points_to_percent,
    from_minor,
    percent_to_basis_points,
    to_minor,
)
from ..domain.vat import Exemption, TaxedAmount, TaxGroup, check_vat_ids, exemption, headline_rate
from ..store.bulk import insert_rows, stream
from ..store.models import (
    BilledEntry,
    BilledExpense,
    Client,
    Expense,
    Invoice,
    InvoiceLine,
    InvoiceTax,
    Logo,
    Organisation,
    Project,
    TimeEntry,
    User,
)
from .clock import now_utc
from .invoice_views import PartyView, party, snapshot, stored_breakdown
from .register import take_number

CHUNK = 500  # ids per statement, well under every engine's parameter limit


_ADDRESS = ("address", "street", "postcode", "city", "country", "email", "vat_id", "endpoint")


def _copy(row, names: tuple[str, ...]) -> dict[str, str]:
    return {name: getattr(row, name) for name in names}


def seller(org: Organisation) -> PartyView:
    """The organisation as the document freezes it: what it prints and what e-invoices
    carry (contact, identifiers, electronic address, bank account)."""
    return PartyView(
        name=org.name,
        **_copy(org, _ADDRESS),
        **_copy(org, ("iban", "bic", "bank_name", "phone", "contact", "tax_number")),
        registration=org.registration,
        logo=Logo.select(Logo.digest).where(Logo.id == org.logo_id).scalar() or "",
        creditor_reference=org.creditor_reference,
    )


def buyer(client: Client) -> PartyView:
    return PartyView(
        name=client.name, **_copy(client, _ADDRESS), buyer_reference=client.buyer_reference
    )


def client_terms(org: Organisation, client: Client) -> tuple[int, int]:
    """(payment terms in days, tax rate in basis points), the client's or the defaults."""
    terms = (
        org.payment_terms_days if client.payment_terms_days is None else client.payment_terms_days
    )
    tax = org.tax_rate_bp if client.tax_rate_bp is None else client.tax_rate_bp
    return terms, tax


def document_language(org: Organisation, client: Client) -> str:
    """The client's language, else the organisation's."""
    return client.language or org.language


def client_vat(org: Organisation, client: Client) -> tuple[str, Decimal]:
    """The VAT category the client's lines get, and the rate of lines without their own."""
    return client.vat_category, basis_points_to_percent(client_terms(org, client)[1])


def new_document(
    org: Organisation,
    client: Client,
    actor: User,
    issue_date: date,
    *,
    kind: str = "invoice",
    project: Project | None = None,
    period: tuple[date | None, date | None] = (None, None),
    grouping: str = "project",
    rounding: str | None = None,
    credits: Invoice | None = None,
    reason: str = "",
    tax_rate_bp: int | None = None,
) -> Invoice:
    """A numbered, empty document with frozen copies of both parties' details."""
    terms, tax = client_terms(org, client)
    return Invoice.create(
        number=take_number(org, issue_date),
        kind=kind,
        status="ready",
        client=client,
        project=project,
        period_start=period[0],
        period_end=period[1],
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=terms),
        currency=client.currency,
        tax_rate_bp=tax if tax_rate_bp is None else tax_rate_bp,
        subtotal_minor=0,
        tax_minor=0,
        total_minor=0,
        credits=credits,
        reason=reason,
        grouping=grouping,
        rounding=rounding,
        payment_terms_days=terms,
        seller=snapshot(seller(org)),
        buyer=snapshot(buyer(client)),
        language=document_language(org, client),
        created_by=actor,
        created_at=now_utc(),
    )


def _chunks(ids: Sequence[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _mark(model, billed, column, lines: range, ids: list[int]) -> None:
    """Point still-unbilled rows at the new line that bills them (found through the billed
    rows just written); a row billed elsewhere in the meantime aborts the whole write.

    One statement that finds the rows through those billed rows: an id list of 10,000
    entries costs more to turn into SQL than the update itself."""
    if not ids:
        return
    written = billed.line.between(lines.start, lines.stop - 1)
    line = billed.select(billed.line).where((column == model.id) & written)
    changed = (
        model.update(invoice_line=line)
        .where(model.id.in_(billed.select(column).where(written)) & model.invoice_line.is_null())
        .execute()
    )
    if changed != len(ids):
        raise Conflict(
            "some of this time or these expenses were billed by another invoice a moment "
            "ago; nothing was created, try again"
        )


def write_lines(
    invoice: Invoice,
    drafts: Sequence[DraftLine],
    *,
    mark: bool = True,
    credits: Sequence[int | None] = (),
) -> None:
    """Store ``drafts`` after the invoice's existing lines and record what each one bills.

    A few statements per 500 rows whatever the number of lines, so a detailed invoice of
    10,000 entries costs about what a one-line invoice of the same entries does.
    """
    currency = invoice.currency
    after = (
        InvoiceLine.select(InvoiceLine.position)
        .where(InvoiceLine.invoice == invoice)
        .order_by(InvoiceLine.position.desc())
        .scalar()
        or 0
    )
    projects = {
        p.name: p.id
        for p in Project.select(Project.id, Project.name).where(
            Project.name.in_({d.project for d in drafts if d.project})
        )
    }
    insert_rows(
        [
            InvoiceLine.invoice,
            InvoiceLine.position,
            InvoiceLine.description,
            InvoiceLine.quantity_hundredths,
            InvoiceLine.unit,
            InvoiceLine.unit_price_minor,
            InvoiceLine.amount_minor,
            InvoiceLine.line_type,
            InvoiceLine.project,
            InvoiceLine.group_key,
            InvoiceLine.credits_line,
            InvoiceLine.tax_category,
            InvoiceLine.tax_rate_bp,
        ],
        [
            (
                invoice.id,
                after + index + 1,
                draft.description,
                int(draft.quantity * 100),
                draft.unit,
                to_minor(draft.unit_price, currency),
                to_minor(draft.amount, currency),
                draft.line_type,
                projects.get(draft.project),
                draft.group_key,
                credits[index] if credits else None,
                draft.tax_category,
                percent_to_basis_points(draft.tax_rate),
            )
            for index, draft in enumerate(drafts)
        ],
    )
    line_ids = dict(
        stream(
            InvoiceLine.select().where(
                (InvoiceLine.invoice == invoice) & (InvoiceLine.position > after)
            ),
            (InvoiceLine.position, InvoiceLine.id),
            server_side=False,
        )
    )
    entries, expenses = [], []
    for index, draft in enumerate(drafts):
        line_id = line_ids[after + index + 1]
        entries.extend((line_id, entry) for entry in draft.entry_ids)
        expenses.extend((line_id, expense) for expense in draft.expense_ids)
    insert_rows([BilledEntry.line, BilledEntry.entry], entries)
    insert_rows([BilledExpense.line, BilledExpense.expense], expenses)
    if mark and line_ids:
        new = range(min(line_ids.values()), max(line_ids.values()) + 1)
        _mark(TimeEntry, BilledEntry, BilledEntry.entry, new, [entry for _, entry in entries])
        _mark(Expense, BilledExpense, BilledExpense.expense, new, [x for _, x in expenses])


def refresh_totals(invoice: Invoice) -> None:
    """Totals from the stored lines: tax once per (category, rate) on their net, total =
    net + tax, the breakdown stored beside; a credit note of an invoice never takes back
    more tax of a rate than the invoice has left at that rate."""
    currency = invoice.currency
    fields = (InvoiceLine.amount_minor, InvoiceLine.tax_category, InvoiceLine.tax_rate_bp)
    lines = [
        TaxedAmount(from_minor(m, currency), category, basis_points_to_percent(bp))
        for m, category, bp in stream(
            InvoiceLine.select().where(InvoiceLine.invoice == invoice), fields, server_side=False
        )
    ]
    buyer = party(invoice.buyer)
    check_vat_ids(
        (line.tax_category for line in lines),
        party(invoice.seller).vat_id,
        buyer.vat_id,
        buyer.name,
    )
    if invoice.credits_id is None:
        result = totals(lines, currency, _reasons(invoice))
    else:
        original = Invoice.get_by_id(invoice.credits_id)
        positive = [TaxedAmount(-x.amount, x.tax_category, x.tax_rate) for x in lines]
        result = credit_totals(
            stored_breakdown(original),
            credited_totals(original, invoice).breakdown,
            positive,
            currency,
        )
    invoice.subtotal_minor = to_minor(result.subtotal, currency)
    invoice.tax_minor = to_minor(result.tax, currency)
    invoice.total_minor = to_minor(result.total, currency)
    rate = headline_rate(result.breakdown)
    if rate is not None:
        invoice.tax_rate_bp = percent_to_basis_points(rate)
    invoice.save()
    _store_breakdown(invoice, result.breakdown)


def _reasons(invoice: Invoice) -> dict[str, Exemption]:
    """Exemption reasons per category: those the document printed already (a ready invoice
    that takes more lines keeps its wording), else the client's."""
    kept = {
        category: Exemption(code, text)
        for category, code, text in InvoiceTax.select(
            InvoiceTax.category, InvoiceTax.exemption_code, InvoiceTax.exemption_reason
        )
        .where((InvoiceTax.invoice == invoice) & (InvoiceTax.exemption_reason != ""))
        .tuples()
    }
    client = Client.get_by_id(invoice.client_id)
    own = exemption(client.vat_category, client.vat_exemption_reason)
    if own is not None:
        kept.setdefault(client.vat_category, own)
    return kept


def _store_breakdown(invoice: Invoice, groups: Sequence[TaxGroup]) -> None:
    currency = invoice.currency
    InvoiceTax.delete().where(InvoiceTax.invoice == invoice).execute()
    insert_rows(
        [
            InvoiceTax.invoice,
            InvoiceTax.category,
            InvoiceTax.rate_bp,
            InvoiceTax.taxable_minor,
            InvoiceTax.tax_minor,
            InvoiceTax.exemption_code,
            InvoiceTax.exemption_reason,
        ],
        [
            (
                invoice.id,
                g.category,
                percent_to_basis_points(g.rate),
                to_minor(g.taxable, currency),
                to_minor(g.tax, currency),
                g.exemption.code if g.exemption else "",
                g.exemption.text if g.exemption else "",
            )
            for g in groups
        ],
    )


def credited_totals(invoice: Invoice, leaving_out: Invoice | None = None) -> Totals:
    """What the live (not void) credit notes of ``invoice`` take back, per (category, rate)
    and in all, as positive amounts; ``leaving_out`` is the credit note being totalled."""
    currency = invoice.currency
    query = (
        InvoiceTax.select(
            InvoiceTax.category,
            InvoiceTax.rate_bp,
            fn.SUM(InvoiceTax.taxable_minor),
            fn.SUM(InvoiceTax.tax_minor),
        )
        .join(Invoice)
        .where((Invoice.credits == invoice) & (Invoice.status != "void"))
        .group_by(InvoiceTax.category, InvoiceTax.rate_bp)
    )
    if leaving_out is not None:
        query = query.where(Invoice.id != leaving_out.id)
    groups = tuple(
        TaxGroup(
            category,
            basis_points_to_percent(bp),
            from_minor(-int(net), currency),
            from_minor(-int(tax), currency),
        )
        for category, bp, net, tax in query.tuples()
    )
    net = sum((g.taxable for g in groups), Decimal(0))
    tax = sum((g.tax for g in groups), Decimal(0))
    return Totals(subtotal=net, tax=tax, total=net + tax, breakdown=groups)


def release(line_ids: Sequence[int]) -> None:
    """Make the entries and expenses that these lines bill uninvoiced again."""
    for model in (TimeEntry, Expense):
        for chunk in _chunks(list(line_ids)):
            model.update(invoice_line=None).where(model.invoice_line.in_(chunk)).execute()
