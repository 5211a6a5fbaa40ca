"""The invoice as HTML: every figure comes from the stored document, every piece of user text
is escaped by the template engine, and the only files it names are the package's fonts."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from markupsafe import Markup, escape

from ..domain.names import address_lines
from ..domain.vat import TaxGroup
from ..services.invoice_views import InvoiceView, LineView, PartyView
from .i18n import N_, Formats, translate, translations
from .layout import ASSETS
from .mentions import legal_notes, own_reasons
from .payment import epc_block, logo_block

FONTS = ASSETS / "fonts"

# How the totals name a breakdown row that is not standard rated (its note is printed in
# full below the totals).
_CATEGORY_LABELS = {
    "Z": N_("zero rated"),
    "E": N_("exempt"),
    "AE": N_("reverse charge"),
    "K": N_("intra-EU supply"),
    "G": N_("export"),
    "O": N_("not subject to VAT"),
}


def formats(doc: InvoiceView) -> Formats:
    """The document's locale: its language, and the buyer's country where CLDR has both."""
    return Formats(doc.language, doc.buyer.country)


def tax_label(group: TaxGroup, doc: InvoiceView) -> str:
    """``Tax 19%``; ``Tax 7% on €100.00`` when the document has several rates; ``Tax 0%
    (reverse charge)`` for a category other than standard; in the document's language."""
    form, language = formats(doc), doc.language
    text = translate(language, "Tax %(rate)s", rate=form.percent(group.rate))
    if len(doc.tax_breakdown) > 1:
        amount = form.money(group.taxable, doc.currency)
        text = translate(language, "%(label)s on %(amount)s", label=text, amount=amount)
    if group.category in _CATEGORY_LABELS:
        text += f" ({translate(language, _CATEGORY_LABELS[group.category])})"
    return text


def iban(value: str) -> str:
    """Groups of four, as printed on bank statements."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def lines(text: str) -> Markup:
    """A multi-line address: each line escaped, joined with line breaks (a ``\\n`` typed
    as two characters too: documents frozen before addresses were stored with real
    breaks have them)."""
    return Markup("<br/>").join(escape(line) for line in address_lines(text))


def postal(party: PartyView, form: Formats) -> Markup:
    """The party's address: its structured parts when it has them (street; post code and
    city; country, named in the document's language), else the free text it was given
    before those existed."""
    if not party.structured:
        return lines(party.address)
    place = f"{party.postcode} {party.city}".strip()
    parts = [party.street, place, form.country(party.country) if party.country else ""]
    return Markup("<br/>").join(escape(part) for part in parts if part)


@cache
def _environment(language: str):
    """One template environment per language, its catalog installed (``_()`` and
    ``{% trans %}`` in the template); user text is escaped, translated text too."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("tallytui.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)
    env.filters.update(iban=iban, lines=lines, tax_label=tax_label)
    return env


def render_html(
    doc: InvoiceView, *, show_header: bool = True, show_totals: bool = True
) -> tuple[str, dict[str, str]]:
    """HTML for the document around its lines, whose table has only its header row (the
    rows are drawn into it after parsing), and the inline images it names; a document
    laid out in parts gives the parties and dates to the first part and the totals to
    the last."""
    form = formats(doc)
    logo = logo_block(doc.logo) if show_header else None
    epc = epc_block(doc) if show_totals else None
    html = (
        _environment(doc.language)
        .get_template("invoice.html")
        .render(
            doc=doc,
            credit=doc.kind == "credit_note",
            title=title(doc),
            fonts=FONTS.as_posix(),
            show_header=show_header,
            show_totals=show_totals,
            rates=len(doc.tax_breakdown) > 1,
            notes=legal_notes(doc),
            reasons=own_reasons(doc),
            language=doc.language,
            money=lambda value: form.money(value, doc.currency),
            day=form.day,
            percent=form.percent,
            quantity=lambda line: form.quantity(line.quantity, line.unit),
            postal=lambda party: postal(party, form),
            logo=logo,
            epc=epc,
        )
    )
    return html, {block["src"]: block["uri"] for block in (logo, epc) if block}


def line_rows(doc: InvoiceView, pages: Sequence[Sequence[LineView]]) -> list[list[tuple[str, ...]]]:
    """The cells of each page of the lines table, as printed: description, the rate when
    the document has several, quantity, unit price, amount. Lines repeat their prices and
    quantities, and Babel takes a while over each: each value is formatted once."""
    form = formats(doc)
    rates = len(doc.tax_breakdown) > 1
    money = cache(lambda value: form.money(value, doc.currency))
    quantity = cache(form.quantity)
    return [
        [
            (
                line.description,
                *((form.percent(line.tax_rate),) if rates else ()),
                quantity(line.quantity, line.unit),
                money(line.unit_price),
                money(line.amount),
            )
            for line in page
        ]
        for page in pages
    ]


def title(doc: InvoiceView) -> str:
    """ "Invoice", "Rechnung", "Avoir" …: the document's kind in its language."""
    message = N_("Credit note") if doc.kind == "credit_note" else N_("Invoice")
    return translate(doc.language, message)
