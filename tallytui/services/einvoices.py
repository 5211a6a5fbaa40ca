"""E-invoices of issued documents: the frozen invoice view as an EN 16931 document, checked
against what the chosen format needs before a byte is written.

Everything comes from the stored document (its frozen parties, lines, VAT breakdown and
totals), never from live rows or a recomputation: the XML says what the PDF says. A credit
note is stored with negative lines; the standard wants positive amounts and the document
type to say which way the money goes, so its signs are flipped here.

The parties are those frozen when the invoice was created, and an export does not refresh
them: an issued document keeps what it was issued with (``invoice show`` reads the same).
So a gap filled afterwards helps documents created afterwards; a ready invoice is deleted
and created again to carry the new details, and the error says so.
"""

from __future__ import annotations

from decimal import Decimal

from ..domain import edocument as ed
from ..domain.einvoice_requirements import Document, missing, party_from
from ..domain.errors import InvalidInput
from ..domain.identifiers import parse_endpoint
from ..store.models import db
from .invoice_views import InvoiceView, LineView, PartyView, load
from .invoices import may_read, show

_ZERO = Decimal(0)


def _positive(value: Decimal, flip: bool) -> Decimal:
    """A credit note's stored (negative) figure as the standard wants it; subtracted from
    zero, not negated, so that no amount reads -0.00."""
    return _ZERO - value if flip else value


def party(frozen: PartyView) -> ed.Party:
    """A frozen party as EN 16931 names its parts (the endpoint split into scheme and id)."""
    endpoint = parse_endpoint(frozen.endpoint)
    return ed.Party(
        name=frozen.name,
        street=frozen.street,
        postcode=frozen.postcode,
        city=frozen.city,
        country=frozen.country,
        vat_id=frozen.vat_id,
        tax_number=frozen.tax_number,
        legal_id=frozen.registration,
        endpoint_scheme=endpoint.scheme if endpoint else "",
        endpoint_id=endpoint.identifier if endpoint else "",
        contact_name=frozen.contact,
        contact_phone=frozen.phone,
        contact_email=frozen.email,
    )


def _line(line: LineView, flip: bool) -> ed.Line:
    return ed.Line(
        id=str(line.position),
        name=line.description,
        quantity=_positive(line.quantity, flip),
        unit_code=ed.unit_code(line.unit),
        net_price=line.unit_price,
        net_amount=_positive(line.amount, flip),
        tax_category=line.tax_category,
        tax_rate=line.tax_rate,
    )


def _payment(view: InvoiceView) -> ed.Payment | None:
    """SEPA credit transfer to the seller's account, the number as remittance; without an
    IBAN there are no payment instructions to give (EN 16931 BR-61 would want one)."""
    seller = view.seller
    if not seller.iban:
        return None
    return ed.Payment(
        means_code=ed.SEPA_CREDIT_TRANSFER,
        iban=seller.iban,
        bic=seller.bic,
        account_name=seller.name,
        remittance=view.number,
    )


def notes(view: InvoiceView) -> str:
    """The invoice note (BT-22): the credit note's reason, then the legal notes the PDF
    prints, in the document's language, one a line."""
    from ..render.mentions import legal_notes

    return "\n".join(text for text in (view.reason, *legal_notes(view)) if text)


def document(view: InvoiceView) -> ed.EDocument:
    """The EN 16931 document of an issued invoice or credit note, from its frozen view."""
    flip = view.kind == "credit_note"
    tax = tuple(
        ed.TaxSubtotal(
            category=group.category,
            rate=group.rate,
            taxable=_positive(group.taxable, flip),
            tax=_positive(group.tax, flip),
            exemption_reason=group.exemption.text if group.exemption else "",
            exemption_code=group.exemption.code if group.exemption else "",
        )
        for group in view.tax_breakdown
    )
    net, total = _positive(view.subtotal, flip), _positive(view.total, flip)
    categories = {line.tax_category for line in view.lines}
    period = (view.period_start, view.period_end)
    if "K" in categories and period[0] is None:
        # An intra-community supply must be dated (BR-IC-11), and a freeform invoice has no
        # period: the model carries no delivery date (BT-72), so the issue date stands as
        # the one day of the supply.
        period = (view.issue_date, view.issue_date)
    return ed.EDocument(
        number=view.number,
        kind=ed.CREDIT_NOTE if flip else ed.INVOICE,
        issue_date=view.issue_date,
        currency=view.currency,
        seller=party(view.seller),
        buyer=party(view.buyer),
        lines=tuple(_line(line, flip) for line in view.lines),
        tax=tax,
        totals=ed.Totals(net, net, _positive(view.tax, flip), total, total),
        payment=_payment(view),
        due_date=view.due_date,
        buyer_reference=view.buyer.buyer_reference,
        period_start=period[0],
        period_end=period[1],
        preceding_number=view.credits or "",
        preceding_date=view.credits_issue_date,
        payment_terms=f"Payable within {view.payment_terms_days} days",
        note=notes(view),
        delivery=party(view.buyer) if "K" in categories else None,
    )


def requirements(view: InvoiceView) -> Document:
    """What the format checks read: the frozen parties and the lines' VAT categories."""
    return Document(
        party_from(view.seller),
        party_from(view.buyer),
        frozenset(line.tax_category for line in view.lines),
    )


def check(view: InvoiceView, fmt: str) -> None:
    """Refuse, naming every missing piece on a line of its own, what ``fmt`` would lack."""
    gaps = missing(fmt, requirements(view))
    if not gaps:
        return
    if view.status == "ready":
        after = (
            f"{view.number} carries the details frozen when it was created: once they are "
            f"set, delete it (tally invoice delete {view.number}) and create it again"
        )
    else:
        after = (
            f"{view.number} keeps the details it was issued with; the change applies to "
            "documents issued afterwards"
        )
    raise InvalidInput("\n".join([*gaps, after]))


def export(actor: str, number: str, fmt: str) -> bytes:
    """Invoice ``number`` in e-invoice format ``fmt`` (cii, ubl, xrechnung-cii,
    xrechnung-ubl, peppol), checked first: nothing is produced for a document that would
    be rejected."""
    from ..render.einvoice import FORMATS, write

    if fmt not in FORMATS:
        raise InvalidInput(f"e-invoice format {fmt!r} is not one of {', '.join(FORMATS)}")
    view = show(actor, number)
    check(view, fmt)
    return write(document(view), fmt)


def facturx(actor: str, number: str) -> bytes:
    """Invoice ``number`` as a Factur-X PDF: the plain PDF's pages with the EN 16931 CII
    (the very bytes of ``export(..., "cii")``) inside."""
    from ..render.einvoice import write
    from ..render.facturx import facturx_pdf
    from ..render.pdf import described, pdf_bytes

    view = show(actor, number)
    check(view, "facturx")
    title, author, subject = described(view)
    return facturx_pdf(
        pdf_bytes(view),
        write(document(view), "cii"),
        title=title,
        author=author,
        subject=subject,
        issued=view.issue_date,
    )


def preference(actor: str, number: str) -> str:
    """The e-invoice format the invoice's client asks for (``none`` when it asks for none):
    a preference of today, not part of the issued document."""
    with db.atomic():
        may_read(actor)
        return load(number).client.einvoice
