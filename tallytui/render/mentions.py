"""The notes the law asks a document to carry, in the document's language: why a category
other than standard carries no VAT, and the service date where no period is printed.

The PDF prints them below the totals, the e-invoices carry them as notes (BT-22), and the
invoice detail in the interface shows them before the document leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain.languages import NAMES
from ..domain.vat import DEFAULT_EXEMPTIONS, TaxGroup
from ..services.invoice_views import InvoiceView
from .i18n import N_, locale_of, translate

_CATEGORY_NOTES = {
    "AE": N_(
        "Reverse charge: the recipient is liable for the VAT "
        "(Article 196 of Directive 2006/112/EC)."
    ),
    "K": N_("Intra-Community supply, exempt from VAT (Article 138 of Directive 2006/112/EC)."),
    "G": N_("Export outside the EU, exempt from VAT (Article 146 of Directive 2006/112/EC)."),
    "E": N_("Exempt from VAT."),
    "O": N_("Not subject to VAT."),
}
SMALL_BUSINESS = N_("No VAT is charged: small business under § 19 UStG.")
SERVICE_DATE = N_("The date of service is the date of this invoice.")
_SMALL_BUSINESS = re.compile(r"§\s*19\b|\b19\s+UStG|kleinunternehmer", re.IGNORECASE)


def small_business(group: TaxGroup, doc: InvoiceView) -> bool:
    """An exempt supply of a German small business (§ 19 UStG): its reason says so, or
    the German seller has no VAT id, only a tax number."""
    if group.category != "E":
        return False
    reason = group.exemption.text if group.exemption else ""
    seller = doc.seller
    german_without_vat_id = seller.country == "DE" and seller.tax_number and not seller.vat_id
    return bool(_SMALL_BUSINESS.search(reason) or german_without_vat_id)


def legal_notes(doc: InvoiceView) -> list[str]:
    """The standard notes of the document's VAT categories, and the service date of an
    invoice that names no period, in the document's language."""
    notes: list[str] = []
    for group in doc.tax_breakdown:
        if small_business(group, doc):
            message = SMALL_BUSINESS
        else:
            message = _CATEGORY_NOTES.get(group.category)
        if message and translate(doc.language, message) not in notes:
            notes.append(translate(doc.language, message))
    if doc.kind == "invoice" and doc.period_start is None:
        notes.append(translate(doc.language, SERVICE_DATE))
    return notes


def own_reasons(doc: InvoiceView) -> list[str]:
    """Exemption reasons the user wrote (printed as written, beside the standard notes);
    the category's standard wording and a § 19 reason are already in :func:`legal_notes`."""
    found: dict[str, None] = {}
    for group in doc.tax_breakdown:
        if group.exemption is None or small_business(group, doc):
            continue
        default = DEFAULT_EXEMPTIONS.get(group.category)
        if default is None or group.exemption.text != default.text:
            found[group.exemption.text] = None
    return list(found)


@dataclass(frozen=True)
class Preview:
    """What the document will carry besides its figures, for the invoice detail."""

    language: str  # "Deutsch (de_CH)": the language and the locale of numbers and dates
    notes: tuple[str, ...]  # the legal notes, then the user's own exemption reasons


def preview(doc: InvoiceView) -> Preview:
    locale = locale_of(doc.language, doc.buyer.country)
    notes = (*legal_notes(doc), *own_reasons(doc))
    return Preview(f"{NAMES[doc.language]} ({locale})", notes)
