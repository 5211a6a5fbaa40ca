"""Every e-invoice format, for every case receivers must accept, passes the official rules
of its format (EN 16931, XRechnung, Peppol BIS 3.0) with no fatal or error assertion, and
its amounts read back equal the document's.

The rule sets are compiled once per process (tests/einvoice_rules.py caches them); the
module fixture compiles them before the first case so no case carries that cost.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from einvoice_documents import CASES, credit_note, mixed_rates, outside_scope, reverse_charge
from einvoice_rules import FORMAT_RULES, failing, official_peppol, peppol_own_rules, run, stylesheet
from lxml import etree

from tallytui.domain.edocument import Totals
from tallytui.render.einvoice import FORMATS, write

CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@pytest.fixture(scope="module", autouse=True)
def compiled_rules():
    """Compile each rule set once for the module (a few seconds each)."""
    for names in FORMAT_RULES.values():
        for name in names:
            if name != "schema" and (name != "peppol-ubl" or official_peppol()):
                stylesheet(name)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_each_case_passes_every_rule_set_of_its_format(case, fmt):
    xml = write(CASES[case](), fmt)
    assert failing(fmt, xml) == []
    if fmt == "peppol":
        assert peppol_own_rules(xml) == []


def _decimals(root, path: str, ns) -> list[Decimal]:
    return [Decimal(node.text) for node in root.xpath(path, namespaces=ns)]


def read_back(xml: bytes):
    """Totals, tax breakdown and line amounts as the XML states them, in either syntax."""
    root = etree.fromstring(xml)
    if etree.QName(root).localname == "CrossIndustryInvoice":
        s = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
        m = s + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
        names = ("LineTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount")
        names += ("GrandTotalAmount", "DuePayableAmount")
        totals = Totals(*(_decimals(root, m + n, CII_NS)[0] for n in names))
        tax = [
            (
                t.findtext("ram:CategoryCode", namespaces=CII_NS),
                Decimal(t.findtext("ram:RateApplicablePercent", namespaces=CII_NS)),
                Decimal(t.findtext("ram:BasisAmount", namespaces=CII_NS)),
                Decimal(t.findtext("ram:CalculatedAmount", namespaces=CII_NS)),
            )
            for t in root.xpath(s + "ram:ApplicableTradeTax", namespaces=CII_NS)
        ]
        item = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/"
        lines = list(
            zip(
                _decimals(root, item + "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", CII_NS),
                _decimals(
                    root,
                    item + "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
                    "/ram:ChargeAmount",
                    CII_NS,
                ),
                _decimals(
                    root,
                    item + "ram:SpecifiedLineTradeSettlement"
                    "/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                    CII_NS,
                ),
                strict=True,
            )
        )
        return totals, tax, lines
    m = "cac:LegalMonetaryTotal/cbc:"
    totals = Totals(
        _decimals(root, m + "LineExtensionAmount", UBL_NS)[0],
        _decimals(root, m + "TaxExclusiveAmount", UBL_NS)[0],
        _decimals(root, "cac:TaxTotal/cbc:TaxAmount", UBL_NS)[0],
        _decimals(root, m + "TaxInclusiveAmount", UBL_NS)[0],
        _decimals(root, m + "PayableAmount", UBL_NS)[0],
    )
    tax = [
        (
            t.findtext("cac:TaxCategory/cbc:ID", namespaces=UBL_NS),
            Decimal(t.findtext("cac:TaxCategory/cbc:Percent", namespaces=UBL_NS)),
            Decimal(t.findtext("cbc:TaxableAmount", namespaces=UBL_NS)),
            Decimal(t.findtext("cbc:TaxAmount", namespaces=UBL_NS)),
        )
        for t in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=UBL_NS)
    ]
    line = "cac:InvoiceLine | cac:CreditNoteLine"
    lines = [
        (
            Decimal(
                node.xpath("cbc:InvoicedQuantity | cbc:CreditedQuantity", namespaces=UBL_NS)[0].text
            ),
            Decimal(node.findtext("cac:Price/cbc:PriceAmount", namespaces=UBL_NS)),
            Decimal(node.findtext("cbc:LineExtensionAmount", namespaces=UBL_NS)),
        )
        for node in root.xpath(line, namespaces=UBL_NS)
    ]
    return totals, tax, lines


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_amounts_in_the_xml_equal_the_documents(case, fmt):
    document = CASES[case]()
    totals, tax, lines = read_back(write(document, fmt))
    assert totals == document.totals
    assert tax == [(t.category, t.rate, t.taxable, t.tax) for t in document.tax]
    assert lines == [(x.quantity, x.net_price, x.net_amount) for x in document.lines]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_credit_note_is_381_with_positive_amounts_and_the_invoice_it_corrects(fmt):
    document = credit_note()
    root = etree.fromstring(write(document, fmt))
    if fmt.endswith("cii") or fmt == "cii":
        assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=CII_NS) == "381"
        reference = root.xpath("//ram:InvoiceReferencedDocument", namespaces=CII_NS)[0]
        assert reference.findtext("ram:IssuerAssignedID", namespaces=CII_NS) == "RE-2026-0042"
        assert reference.xpath("string(ram:FormattedIssueDateTime/*)", namespaces=CII_NS) == (
            "20261201"
        )
    else:
        assert etree.QName(root).localname == "CreditNote"
        assert root.findtext("cbc:CreditNoteTypeCode", namespaces=UBL_NS) == "381"
        reference = "cac:BillingReference/cac:InvoiceDocumentReference/cbc:"
        assert root.findtext(reference + "ID", namespaces=UBL_NS) == "RE-2026-0042"
        assert root.findtext(reference + "IssueDate", namespaces=UBL_NS) == "2026-12-01"
    totals, tax, lines = read_back(etree.tostring(root))
    assert totals.amount_due > 0
    assert all(amount > 0 for _, _, amount in lines)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_invoice_outside_the_scope_of_vat_names_no_vat_identifier(fmt):
    document = outside_scope()
    assert document.seller.vat_id and document.buyer.vat_id
    root = etree.fromstring(write(document, fmt))
    vat_ids = (
        "//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"
        if root.nsmap.get("rsm")
        else "//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']"
    )
    assert root.xpath(vat_ids, namespaces=CII_NS | UBL_NS) == []
    xml = etree.tostring(root)
    assert document.buyer.vat_id.encode() not in xml
    assert document.seller.tax_number.encode() in xml
    assert b"CHF" in xml


@pytest.mark.parametrize("fmt", FORMATS)
def test_reverse_charge_carries_the_buyers_vat_id_and_the_reason(fmt):
    xml = write(reverse_charge(), fmt)
    assert b"FR40303265045" in xml
    assert b"VATEX-EU-AE" in xml
    assert "Steuerschuldnerschaft des Leistungsempfängers".encode() in xml


def test_unknown_format_is_refused_by_name():
    with pytest.raises(ValueError, match="'pdf' is not one of cii, ubl"):
        write(mixed_rates(), "pdf")


# The rules can fail: each broken document below is refused by the rule set that owns it.


def _rules_failing(name: str, xml: bytes) -> set[str]:
    return {f.rule for f in run(name, xml) if f.failing}


@pytest.mark.parametrize("fmt", ["xrechnung-cii", "xrechnung-ubl"])
def test_xrechnung_refuses_a_document_without_the_buyer_reference(fmt):
    xml = write(replace(mixed_rates(), buyer_reference=""), fmt)
    assert "BR-DE-15" in _rules_failing(fmt, xml)
    assert _rules_failing(fmt.replace("xrechnung", "en16931"), xml) == set()


@pytest.mark.parametrize("fmt", ["cii", "ubl"])
def test_en16931_refuses_totals_that_do_not_add_up(fmt):
    document = mixed_rates()
    wrong = replace(document.totals, tax_inclusive=document.totals.tax_inclusive + 1)
    xml = write(replace(document, totals=wrong), fmt)
    assert "BR-CO-15" in _rules_failing(f"en16931-{fmt}", xml)


def test_peppol_refuses_a_missing_reference_an_unknown_scheme_and_a_wrong_line_net():
    document = mixed_rates()
    lines = (replace(document.lines[0], net_amount=document.lines[0].net_amount + 1),)
    lines += document.lines[1:]
    broken = replace(
        document,
        buyer_reference="",
        buyer=replace(document.buyer, endpoint_scheme="EM", endpoint_id="a@b.example"),
        lines=lines,
    )
    xml = write(broken, "peppol")
    expected = {"PEPPOL-EN16931-R003", "PEPPOL-EN16931-CL008", "PEPPOL-EN16931-R120"}
    assert expected <= {f.rule for f in peppol_own_rules(xml)}
    assert expected <= _rules_failing("peppol-ubl", xml)


@pytest.mark.parametrize("fmt", ["cii", "ubl"])
def test_the_schema_refuses_elements_out_of_order(fmt):
    root = etree.fromstring(write(mixed_rates(), fmt))
    first = root[0]
    root.remove(first)
    root.append(first)
    assert {f.rule for f in run("schema", etree.tostring(root))} == {"XSD"}
