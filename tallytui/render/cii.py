"""UN/CEFACT Cross Industry Invoice (D16B) as EN 16931 binds it, built as an lxml tree.

Elements follow the order of the D16B schema; the specification identifier (BT-24)
chooses between plain EN 16931 (the Factur-X EN 16931 profile) and XRechnung.
"""

from __future__ import annotations

from lxml import etree

from ..domain.edocument import EDocument, Line, Party, TaxSubtotal
from .einvoice import amount, compact, exemption, names_vat_ids, number, price, type_code

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

_SubElement = etree.SubElement


def _ram(parent, tag: str, text: str | None = None, **attrs):
    node = _SubElement(parent, f"{{{RAM}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def _date(parent, tag: str, day, ns: str = UDT) -> None:
    holder = _ram(parent, tag)
    _SubElement(holder, f"{{{ns}}}DateTimeString", format="102").text = compact(day)


def write_cii(document: EDocument, specification: str, process: str = "") -> bytes:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    if process:
        _ram(_ram(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", process)
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", specification)

    header = _SubElement(root, f"{{{RSM}}}ExchangedDocument")
    _ram(header, "ID", document.number)
    _ram(header, "TypeCode", type_code(document))
    _date(header, "IssueDateTime", document.issue_date)
    if document.note:
        _ram(_ram(header, "IncludedNote"), "Content", document.note)

    transaction = _SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in document.lines:
        _line(transaction, line)
    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    if document.buyer_reference:
        _ram(agreement, "BuyerReference", document.buyer_reference)
    vat_ids = names_vat_ids(document)
    _party(agreement, "SellerTradeParty", document.seller, vat_ids)
    _party(agreement, "BuyerTradeParty", document.buyer, vat_ids)
    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    if document.delivery is not None:
        to = document.delivery
        ship_to = _ram(_ram(delivery, "ShipToTradeParty"), "PostalTradeAddress")
        for tag, value in (("PostcodeCode", to.postcode), ("LineOne", to.street)):
            if value:
                _ram(ship_to, tag, value)
        if to.city:
            _ram(ship_to, "CityName", to.city)
        _ram(ship_to, "CountryID", to.country)
    _settlement(_ram(transaction, "ApplicableHeaderTradeSettlement"), document)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _line(transaction, line: Line) -> None:
    item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
    _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", line.id)
    product = _ram(item, "SpecifiedTradeProduct")
    _ram(product, "Name", line.name)
    if line.description:
        _ram(product, "Description", line.description)
    agreement = _ram(item, "SpecifiedLineTradeAgreement")
    _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", price(line.net_price))
    delivery = _ram(item, "SpecifiedLineTradeDelivery")
    _ram(delivery, "BilledQuantity", number(line.quantity), unitCode=line.unit_code)
    settlement = _ram(item, "SpecifiedLineTradeSettlement")
    tax = _ram(settlement, "ApplicableTradeTax")
    _ram(tax, "TypeCode", "VAT")
    _ram(tax, "CategoryCode", line.tax_category)
    if line.tax_category != "O":
        _ram(tax, "RateApplicablePercent", number(line.tax_rate))
    summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
    _ram(summation, "LineTotalAmount", amount(line.net_amount))


def _party(agreement, tag: str, party: Party, vat_ids: bool) -> None:
    node = _ram(agreement, tag)
    _ram(node, "Name", party.name)
    if party.legal_id:
        _ram(_ram(node, "SpecifiedLegalOrganization"), "ID", party.legal_id)
    if party.contact_name or party.contact_phone or party.contact_email:
        contact = _ram(node, "DefinedTradeContact")
        if party.contact_name:
            _ram(contact, "PersonName", party.contact_name)
        if party.contact_phone:
            phone = _ram(contact, "TelephoneUniversalCommunication")
            _ram(phone, "CompleteNumber", party.contact_phone)
        if party.contact_email:
            _ram(_ram(contact, "EmailURIUniversalCommunication"), "URIID", party.contact_email)
    address = _ram(node, "PostalTradeAddress")
    if party.postcode:
        _ram(address, "PostcodeCode", party.postcode)
    if party.street:
        _ram(address, "LineOne", party.street)
    if party.city:
        _ram(address, "CityName", party.city)
    _ram(address, "CountryID", party.country)
    if party.endpoint_id:
        uri = _ram(node, "URIUniversalCommunication")
        _ram(uri, "URIID", party.endpoint_id, schemeID=party.endpoint_scheme)
    if party.vat_id and vat_ids:
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")
    if party.tax_number:
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", party.tax_number, schemeID="FC")


def _settlement(settlement, document: EDocument) -> None:
    payment = document.payment
    if payment and payment.remittance:
        _ram(settlement, "PaymentReference", payment.remittance)
    _ram(settlement, "InvoiceCurrencyCode", document.currency)
    if payment:
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", payment.means_code)
        if payment.iban:
            account = _ram(means, "PayeePartyCreditorFinancialAccount")
            _ram(account, "IBANID", payment.iban)
            if payment.account_name:
                _ram(account, "AccountName", payment.account_name)
        if payment.bic:
            _ram(_ram(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", payment.bic)
    for sub in document.tax:
        _tax(settlement, sub)
    if document.period_start or document.period_end:
        period = _ram(settlement, "BillingSpecifiedPeriod")
        if document.period_start:
            _date(period, "StartDateTime", document.period_start)
        if document.period_end:
            _date(period, "EndDateTime", document.period_end)
    if document.payment_terms or document.due_date:
        terms = _ram(settlement, "SpecifiedTradePaymentTerms")
        if document.payment_terms:
            _ram(terms, "Description", document.payment_terms)
        if document.due_date:
            _date(terms, "DueDateDateTime", document.due_date)
    totals = document.totals
    summation = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(summation, "LineTotalAmount", amount(totals.line_total))
    _ram(summation, "TaxBasisTotalAmount", amount(totals.tax_exclusive))
    _ram(summation, "TaxTotalAmount", amount(totals.tax_total), currencyID=document.currency)
    _ram(summation, "GrandTotalAmount", amount(totals.tax_inclusive))
    _ram(summation, "DuePayableAmount", amount(totals.amount_due))
    if document.preceding_number:
        reference = _ram(settlement, "InvoiceReferencedDocument")
        _ram(reference, "IssuerAssignedID", document.preceding_number)
        if document.preceding_date:
            _date(reference, "FormattedIssueDateTime", document.preceding_date, QDT)


def _tax(settlement, sub: TaxSubtotal) -> None:
    reason, code = exemption(sub)
    tax = _ram(settlement, "ApplicableTradeTax")
    _ram(tax, "CalculatedAmount", amount(sub.tax))
    _ram(tax, "TypeCode", "VAT")
    if reason:
        _ram(tax, "ExemptionReason", reason)
    _ram(tax, "BasisAmount", amount(sub.taxable))
    _ram(tax, "CategoryCode", sub.category)
    if code:
        _ram(tax, "ExemptionReasonCode", code)
    _ram(tax, "RateApplicablePercent", number(sub.rate))
