"""The invoice as HTML: every figure comes from the stored document, every piece of user text
is escaped by the template engine, and the only files it names are the package's fonts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache

from markupsafe import Markup, escape

from ..domain.identifiers import country_name
from ..domain.names import address_lines
from ..domain.vat import TaxGroup
from ..services.invoice_views import InvoiceView, LineView, PartyView
from .layout import ASSETS
from .payment import LABELS as PAYMENT_LABELS
from .payment import epc_block, logo_block

FONTS = ASSETS / "fonts"
LOCALE = "en"


def money(value: Decimal, currency: str) -> str:
    """``€1,234.50``, ``CHF 1,234.50``, ``₹1,234.50``: the currency's own sign and decimals."""
    from babel.numbers import format_currency, get_currency_symbol

    text = format_currency(value, currency, locale=LOCALE)
    symbol = get_currency_symbol(currency, locale=LOCALE)
    return text.replace(symbol, f"{symbol} ", 1) if symbol.isalpha() else text


def quantity(line: LineView) -> str:
    return f"{line.quantity:.2f} {line.unit}".strip()


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


# How the totals name a breakdown row that is not standard rated (its reason is printed
# in full below the totals).
_CATEGORY_LABELS = {
    "Z": "zero rated",
    "E": "exempt",
    "AE": "reverse charge",
    "K": "intra-EU supply",
    "G": "export",
    "O": "not subject to VAT",
}


def tax_label(group: TaxGroup, doc: InvoiceView) -> str:
    """``Tax 19%``; ``Tax 7% on €100.00`` when the document has several rates; ``Tax 0%
    (reverse charge)`` for a category other than standard."""
    text = f"Tax {percent(group.rate)}"
    if len(doc.tax_breakdown) > 1:
        text += f" on {money(group.taxable, doc.currency)}"
    if group.category in _CATEGORY_LABELS:
        text += f" ({_CATEGORY_LABELS[group.category]})"
    return text


def iban(value: str) -> str:
    """Groups of four, as printed on bank statements."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def lines(text: str) -> Markup:
    """A multi-line address: each line escaped, joined with line breaks (a ``\\n`` typed
    as two characters too: documents frozen before addresses were stored with real
    breaks have them)."""
    return Markup("<br/>").join(escape(line) for line in address_lines(text))


def postal(party: PartyView) -> Markup:
    """The party's address: its structured parts when it has them (street; post code and
    city; country), else the free text it was given before those existed."""
    if not party.structured:
        return lines(party.address)
    place = f"{party.postcode} {party.city}".strip()
    parts = [party.street, place, country_name(party.country) if party.country else ""]
    return Markup("<br/>").join(escape(part) for part in parts if part)


@cache
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("tallytui.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=money,
        quantity=quantity,
        day=day,
        percent=percent,
        iban=iban,
        lines=lines,
        tax_label=tax_label,
        postal=postal,
    )
    return env


def render_html(
    doc: InvoiceView,
    pages: Sequence[Sequence[LineView]],
    *,
    show_header: bool = True,
    show_totals: bool = True,
) -> str:
    """HTML for ``pages`` of the document's lines, one table per page; a document laid out
    in parts gives the parties and dates to the first part and the totals to the last."""
    credit = doc.kind == "credit_note"
    reasons = dict.fromkeys(g.exemption.text for g in doc.tax_breakdown if g.exemption)
    return (
        _environment()
        .get_template("invoice.html")
        .render(
            doc=doc,
            credit=credit,
            title=title(doc),
            pages=pages,
            fonts=FONTS.as_posix(),
            show_header=show_header,
            show_totals=show_totals,
            rates=len(doc.tax_breakdown) > 1,
            reasons=list(reasons),
            logo=logo_block(doc.logo) if show_header else None,
            epc=epc_block(doc) if show_totals else None,
            payment_labels=PAYMENT_LABELS,
        )
    )


def title(doc: InvoiceView) -> str:
    return "Credit note" if doc.kind == "credit_note" else "Invoice"
