"""OASIS UBL 2.1 ``Invoice`` and ``CreditNote`` as EN 16931 binds them, as an lxml tree.

Elements follow the order of the UBL 2.1 schemas. A credit note is its own document type
in UBL: ``CreditNoteTypeCode``, ``CreditNoteLine`` and ``CreditedQuantity``, and its due
date travels in the payment means, because ``CreditNote`` has no ``DueDate``.
"""

from __future__ import annotations

from lxml import etree

from ..domain.edocument import EDocument, Line, Party, TaxSubtotal
from .einvoice import amount, exemption, iso, names_vat_ids, number, price, type_code

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

_SubElement = etree.SubElement


def _cac(parent, tag: str):
    return _SubElement(parent, f"{{{CAC}}}{tag}")


def _cbc(parent, tag: str, text: str, **attrs):
    node = _SubElement(parent, f"{{{CBC}}}{tag}", attrs)
    node.text = text
    return node


class _Writer:
    def __init__(self, document: EDocument):
        self.document = document
        self.currency = document.currency
        self.credit = document.is_credit_note

    def money(self, parent, tag: str, value) -> None:
        _cbc(parent, tag, amount(value), currencyID=self.currency)

    def write(self, specification: str, process: str) -> bytes:
        doc = self.document
        root_ns = CREDIT_NOTE_NS if self.credit else INVOICE_NS
        root = etree.Element(
            f"{{{root_ns}}}{'CreditNote' if self.credit else 'Invoice'}",
            nsmap={None: root_ns, "cac": CAC, "cbc": CBC},
        )
        _cbc(root, "CustomizationID", specification)
        if process:
            _cbc(root, "ProfileID", process)
        _cbc(root, "ID", doc.number)
        _cbc(root, "IssueDate", iso(doc.issue_date))
        if doc.due_date and not self.credit:
            _cbc(root, "DueDate", iso(doc.due_date))
        _cbc(root, "CreditNoteTypeCode" if self.credit else "InvoiceTypeCode", type_code(doc))
        if doc.note:
            _cbc(root, "Note", doc.note)
        _cbc(root, "DocumentCurrencyCode", doc.currency)
        if doc.buyer_reference:
            _cbc(root, "BuyerReference", doc.buyer_reference)
        if doc.period_start or doc.period_end:
            period = _cac(root, "InvoicePeriod")
            if doc.period_start:
                _cbc(period, "StartDate", iso(doc.period_start))
            if doc.period_end:
                _cbc(period, "EndDate", iso(doc.period_end))
        if doc.preceding_number:
            reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
            _cbc(reference, "ID", doc.preceding_number)
            if doc.preceding_date:
                _cbc(reference, "IssueDate", iso(doc.preceding_date))
        vat_ids = names_vat_ids(doc)
        self.party(_cac(root, "AccountingSupplierParty"), doc.seller, vat_ids)
        self.party(_cac(root, "AccountingCustomerParty"), doc.buyer, vat_ids)
        if doc.delivery is not None:
            to = doc.delivery
            address = _cac(_cac(_cac(root, "Delivery"), "DeliveryLocation"), "Address")
            for tag, value in (("StreetName", to.street), ("CityName", to.city)):
                if value:
                    _cbc(address, tag, value)
            if to.postcode:
                _cbc(address, "PostalZone", to.postcode)
            _cbc(_cac(address, "Country"), "IdentificationCode", to.country)
        self.payment(root)
        if doc.payment_terms:
            _cbc(_cac(root, "PaymentTerms"), "Note", doc.payment_terms)
        tax_total = _cac(root, "TaxTotal")
        self.money(tax_total, "TaxAmount", doc.totals.tax_total)
        for sub in doc.tax:
            self.subtotal(tax_total, sub)
        self.totals(root)
        for line in doc.lines:
            self.line(root, line)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def party(self, holder, party: Party, vat_ids: bool) -> None:
        node = _cac(holder, "Party")
        if party.endpoint_id:
            _cbc(node, "EndpointID", party.endpoint_id, schemeID=party.endpoint_scheme)
        _cbc(_cac(node, "PartyName"), "Name", party.name)
        address = _cac(node, "PostalAddress")
        if party.street:
            _cbc(address, "StreetName", party.street)
        if party.city:
            _cbc(address, "CityName", party.city)
        if party.postcode:
            _cbc(address, "PostalZone", party.postcode)
        _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
        if party.vat_id and vat_ids:
            _tax_scheme(node, party.vat_id, "VAT")
        if party.tax_number:
            _tax_scheme(node, party.tax_number, "FC")
        legal = _cac(node, "PartyLegalEntity")
        _cbc(legal, "RegistrationName", party.name)
        if party.legal_id:
            _cbc(legal, "CompanyID", party.legal_id)
        if party.contact_name or party.contact_phone or party.contact_email:
            contact = _cac(node, "Contact")
            if party.contact_name:
                _cbc(contact, "Name", party.contact_name)
            if party.contact_phone:
                _cbc(contact, "Telephone", party.contact_phone)
            if party.contact_email:
                _cbc(contact, "ElectronicMail", party.contact_email)

    def payment(self, root) -> None:
        payment, due = self.document.payment, self.document.due_date
        if payment is None:
            return
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", payment.means_code)
        if due and self.credit:
            _cbc(means, "PaymentDueDate", iso(due))
        if payment.remittance:
            _cbc(means, "PaymentID", payment.remittance)
        if payment.iban:
            account = _cac(means, "PayeeFinancialAccount")
            _cbc(account, "ID", payment.iban)
            if payment.account_name:
                _cbc(account, "Name", payment.account_name)
            if payment.bic:
                _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", payment.bic)

    def subtotal(self, tax_total, sub: TaxSubtotal) -> None:
        node = _cac(tax_total, "TaxSubtotal")
        self.money(node, "TaxableAmount", sub.taxable)
        self.money(node, "TaxAmount", sub.tax)
        category = _cac(node, "TaxCategory")
        _cbc(category, "ID", sub.category)
        _cbc(category, "Percent", number(sub.rate))
        reason, code = exemption(sub)
        if code:
            _cbc(category, "TaxExemptionReasonCode", code)
        if reason:
            _cbc(category, "TaxExemptionReason", reason)
        _cbc(_cac(category, "TaxScheme"), "ID", "VAT")

    def totals(self, root) -> None:
        totals = self.document.totals
        node = _cac(root, "LegalMonetaryTotal")
        self.money(node, "LineExtensionAmount", totals.line_total)
        self.money(node, "TaxExclusiveAmount", totals.tax_exclusive)
        self.money(node, "TaxInclusiveAmount", totals.tax_inclusive)
        self.money(node, "PayableAmount", totals.amount_due)

    def line(self, root, line: Line) -> None:
        node = _cac(root, "CreditNoteLine" if self.credit else "InvoiceLine")
        _cbc(node, "ID", line.id)
        quantity = "CreditedQuantity" if self.credit else "InvoicedQuantity"
        _cbc(node, quantity, number(line.quantity), unitCode=line.unit_code)
        self.money(node, "LineExtensionAmount", line.net_amount)
        item = _cac(node, "Item")
        if line.description:
            _cbc(item, "Description", line.description)
        _cbc(item, "Name", line.name)
        category = _cac(item, "ClassifiedTaxCategory")
        _cbc(category, "ID", line.tax_category)
        if line.tax_category != "O":
            _cbc(category, "Percent", number(line.tax_rate))
        _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
        _cbc(_cac(node, "Price"), "PriceAmount", price(line.net_price), currencyID=self.currency)


def _tax_scheme(party, company_id: str, scheme: str) -> None:
    node = _cac(party, "PartyTaxScheme")
    _cbc(node, "CompanyID", company_id)
    _cbc(_cac(node, "TaxScheme"), "ID", scheme)


def write_ubl(document: EDocument, specification: str, process: str = "") -> bytes:
    return _Writer(document).write(specification, process)
