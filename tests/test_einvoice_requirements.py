"""What each e-invoice format requires of the parties: with everything given nothing is
missing; take one piece away and exactly that piece is named, with the command that
fills it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tallytui.domain.einvoice_requirements import (
    FORMATS,
    Document,
    Party,
    gaps,
    missing,
    party_from,
    shell_quote,
)
from tallytui.services.invoice_views import PartyView

SELLER = Party(
    name="Acme Consulting GmbH",
    street="Hauptstr. 1",
    postcode="10115",
    city="Berlin",
    country="DE",
    email="billing@acme.example",
    phone="+49 30 123456",
    contact="Anna Schmidt",
    vat_id="DE136695976",
    endpoint="9930:DE136695976",
    iban="DE89370400440532013000",
)
BUYER = Party(
    name="Müller & Söhne GmbH",
    street="Am Markt 2",
    postcode="50667",
    city="Köln",
    country="DE",
    vat_id="DE812345673",
    endpoint="0204:991-33333TEST-33",
    buyer_reference="991-33333TEST-33",
)
COMPLETE = Document(SELLER, BUYER)
CORE = ("cii", "ubl", "facturx")
XRECHNUNG = ("xrechnung-cii", "xrechnung-ubl")


@pytest.mark.parametrize("format", FORMATS)
def test_a_complete_document_lacks_nothing(format):
    assert missing(format, COMPLETE) == []


def test_the_message_names_format_element_party_and_command():
    document = replace(COMPLETE, buyer=replace(BUYER, buyer_reference=""))
    assert missing("xrechnung-ubl", document) == [
        "XRechnung needs the buyer reference (BT-10) of Müller & Söhne GmbH: "
        'tally client set "Müller & Söhne GmbH" --buyer-reference LEITWEG-ID'
    ]


# (party, field, formats that need it, rule, the command's option)
CASES = [
    ("seller", "country", FORMATS, "BR-09", "--country CC"),
    ("buyer", "country", FORMATS, "BR-11", "--country CC"),
    ("buyer", "buyer_reference", XRECHNUNG, "BR-DE-15", "--buyer-reference LEITWEG-ID"),
    ("seller", "contact", XRECHNUNG, "BR-DE-5", "--contact NAME"),
    ("seller", "phone", XRECHNUNG, "BR-DE-6", "--phone NUMBER"),
    ("seller", "email", XRECHNUNG, "BR-DE-7", "--email ADDRESS"),
    ("seller", "city", XRECHNUNG, "BR-DE-3", "--city CITY"),
    ("seller", "postcode", XRECHNUNG, "BR-DE-4", "--postcode CODE"),
    ("buyer", "city", XRECHNUNG, "BR-DE-8", "--city CITY"),
    ("buyer", "postcode", XRECHNUNG, "BR-DE-9", "--postcode CODE"),
    ("seller", "iban", XRECHNUNG, "BR-DE-1", "--iban IBAN"),
    ("seller", "endpoint", XRECHNUNG, "BT-34", "--endpoint SCHEME:ID"),
    ("buyer", "endpoint", XRECHNUNG, "BT-49", "--endpoint SCHEME:ID"),
]


@pytest.mark.parametrize(("party", "field", "needed_by", "rule", "option"), CASES)
@pytest.mark.parametrize("format", FORMATS)
def test_one_missing_piece_at_a_time(format, party, field, needed_by, rule, option):
    document = replace(COMPLETE, **{party: replace(getattr(COMPLETE, party), **{field: ""})})
    found = gaps(format, document)
    if format == "peppol" and field == "endpoint":
        needed_by, rule = (
            ("peppol",),
            ("PEPPOL-EN16931-R020", "PEPPOL-EN16931-R010")[party == "buyer"],
        )
    if format == "peppol" and field == "buyer_reference":  # or an order reference
        needed_by, rule, option = ("peppol",), "PEPPOL-EN16931-R003", "--buyer-reference REF"
    if format not in needed_by:
        assert found == []
        return
    [gap] = found
    assert (gap.rule, gap.seller) == (rule, party == "seller")
    if party == "seller":
        assert gap.command == f"tally org set {option}"
    else:
        assert gap.command == f'tally client set "Müller & Söhne GmbH" {option}'


def test_standard_vat_needs_the_sellers_vat_id_or_tax_number():
    no_vat = replace(SELLER, vat_id="")
    [gap] = gaps("cii", Document(no_vat, BUYER))
    assert gap.rule == "BR-S-02"
    assert gap.message == (
        "EN 16931 (CII) needs the VAT id (BT-31) or tax number (BT-32) of "
        "Acme Consulting GmbH: tally org set --vat-id VAT-ID (or --tax-number NUMBER)"
    )
    # A tax number answers BR-S-02, but the seller must still be identified (BR-CO-26) ...
    [gap] = gaps("cii", Document(replace(no_vat, tax_number="21/815/08150"), BUYER))
    assert gap.rule == "BR-CO-26" and "--registration" in gap.command
    # ... which its legal registration does.
    with_registration = replace(no_vat, tax_number="21/815/08150", registration="HRB 12345")
    assert gaps("cii", Document(with_registration, BUYER)) == []


@pytest.mark.parametrize("category", ["AE", "K"])
def test_reverse_charge_and_intra_eu_need_the_buyers_vat_id(category):
    document = Document(SELLER, replace(BUYER, vat_id=""), frozenset({category}))
    [gap] = gaps("ubl", document)
    assert gap.term == "the VAT id (BT-48)" and not gap.seller


@pytest.mark.parametrize("category", ["K", "G"])
def test_intra_eu_and_export_accept_no_tax_number_for_the_vat_id(category):
    seller = replace(SELLER, vat_id="", tax_number="21/815/08150", registration="HRB 1")
    [gap] = gaps("cii", Document(seller, BUYER, frozenset({category})))
    assert gap.rule == "BR-IC-02" and gap.command == "tally org set --vat-id VAT-ID"


def test_outside_the_scope_of_vat_the_seller_is_identified_by_its_registration():
    """BR-O-02 keeps the VAT id off such an invoice, so BR-CO-26 needs BT-30."""
    document = Document(SELLER, BUYER, frozenset({"O"}))
    [gap] = gaps("ubl", document)
    assert (gap.rule, gap.command) == ("BR-CO-26", "tally org set --registration TEXT")
    registered = replace(document, seller=replace(SELLER, registration="HRB 12345"))
    assert gaps("ubl", registered) == []


def test_peppol_needs_peppol_endpoints_and_a_reference():
    email_seller = replace(SELLER, endpoint="EM:billing@acme.example")
    [gap] = gaps("peppol", Document(email_seller, BUYER))
    assert gap.rule == "PEPPOL-EN16931-R020"
    assert gap.message == (
        "Peppol BIS 3.0 needs a Peppol electronic address (BT-34; EM is not a Peppol scheme) "
        "of Acme Consulting GmbH: tally org set --endpoint SCHEME:ID"
    )
    no_reference = replace(BUYER, buyer_reference="")
    [gap] = gaps("peppol", Document(SELLER, no_reference))
    assert gap.rule == "PEPPOL-EN16931-R003"
    assert gaps("peppol", Document(SELLER, no_reference, order_reference="PO-4711")) == []
    assert gaps("xrechnung-cii", Document(email_seller, BUYER)) == []  # EM is fine there


def test_every_gap_is_named_at_once():
    bare = Document(Party("Acme"), Party("Globex"))
    # Both countries, the VAT id, and eleven pieces of XRechnung.
    assert len(missing("xrechnung-cii", bare)) == 14


def test_the_frozen_party_of_a_document_is_what_is_checked():
    view = PartyView(name="Müller & Söhne GmbH", country="DE", buyer_reference="991-33333TEST-33")
    party = party_from(view)
    assert (party.country, party.buyer_reference, party.iban) == ("DE", "991-33333TEST-33", "")


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("Globex", "Globex"), ('Say "Hi" $Ltd', '"Say \\"Hi\\" \\$Ltd"')],
)
def test_names_are_quoted_for_the_shell(name, quoted):
    assert shell_quote(name) == quoted
