"""Seller and buyer details through the real CLI: org set/show, the clients' new fields,
refusals that change nothing, frozen copies on issued documents, the printed address,
and what a client's e-invoice format lacks in Missing data."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tallytui.render import pdf
from tallytui.services.invoice_views import PartyView, party

ORG_DETAILS = {
    "--org": ("name", "Acme Consulting GmbH", "Acme Consulting GmbH"),
    "--code": ("code", "acm", "ACM"),
    "--currency": ("currency", "chf", "CHF"),
    "--timezone": ("timezone", "Europe/Zurich", "Europe/Zurich"),
    "--address": ("address", "Postfach 12\\n10115 Berlin", "Postfach 12\n10115 Berlin"),
    "--email": ("email", "billing@acme.example", "billing@acme.example"),
    "--vat-id": ("vat_id", "DE 812 345 673", "DE812345673"),
    "--iban": ("iban", "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
    "--bic": ("bic", "westgb2l", "WESTGB2L"),
    "--bank-name": ("bank_name", "West Bank", "West Bank"),
    "--tax-rate": ("tax_rate", "7.7", "7.70"),
    "--terms": ("terms", "30", 30),
    "--round": ("round", "15:up", "15:up"),
    "--street": ("street", "Hauptstraße 1", "Hauptstraße 1"),
    "--postcode": ("postcode", "10115", "10115"),
    "--city": ("city", "Berlin", "Berlin"),
    "--country": ("country", "de", "DE"),
    "--phone": ("phone", "+49 30 123456", "+49 30 123456"),
    "--contact": ("contact", "Anna Schmidt", "Anna Schmidt"),
    "--tax-number": ("tax_number", "21/815/08150", "21/815/08150"),
    "--registration": ("registration", "HRB 12345 B", "HRB 12345 B"),
    "--endpoint": ("endpoint", "9930:de812345673", "9930:DE812345673"),
}


def org_json(tally) -> dict:
    return tally.ok("org", "show", "--json").json()


def clients_json(tally) -> dict:
    return {c["name"]: c for c in tally.ok("client", "list", "--json").json()}


def test_org_set_changes_every_detail_and_show_lists_them(org):
    before = org_json(org)
    assert (before["name"], before["vat_id"], before["street"]) == (
        "Acme Consulting",
        "DE136695976",
        "",
    )
    args = [item for flag, (_, typed, _) in ORG_DETAILS.items() for item in (flag, typed)]
    assert org.ok("org", "set", *args).stdout == "updated Acme Consulting GmbH\n"
    after = org_json(org)
    assert {key: after[key] for key, _, _ in ORG_DETAILS.values()} == {
        key: stored for key, _, stored in ORG_DETAILS.values()
    }
    shown = [line.split(None, 1) for line in org.ok("org", "show").stdout.splitlines()]
    assert ["street", "Hauptstraße 1"] in shown and ["endpoint", "9930:DE812345673"] in shown


@pytest.mark.parametrize("flag", ["--street", "--country", "--phone", "--endpoint"])
def test_org_set_changes_only_what_it_names(org, flag):
    before = org_json(org)
    key, typed, stored = ORG_DETAILS[flag]
    org.ok("org", "set", flag, typed)
    assert org_json(org) == {**before, key: stored}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--iban", "DE89 3704 0044 0532 0130 01"],
            "error: --iban: DE89 3704 0044 0532 0130 01 has a wrong check digit\n",
        ),
        (["--vat-id", "DE136695977"], "error: --vat-id: DE136695977 has a wrong check digit\n"),
        (
            ["--country", "XX"],
            "error: --country: XX is not an ISO 3166-1 country code (e.g. DE, FR)\n",
        ),
        (
            ["--endpoint", "9930:DE136695977"],
            "error: --endpoint: DE136695977 is not a valid VAT id (DE)\n",
        ),
        (["--bic", "COBAXXFF"], "error: --bic: COBAXXFF is not a BIC"),
        (["--street", "Neue Str. 2", "--country", "Germany"], "error: --country: Germany"),
    ],
)
def test_org_set_refusals_change_nothing(org, args, message):
    before = org_json(org)
    result = org("org", "set", *args)
    assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr
    assert org_json(org) == before


def test_org_set_without_an_option_is_a_usage_error(org):
    assert org("org", "set").exit_code == 2


def test_init_refuses_a_wrong_iban_and_creates_nothing(tally):
    result = tally("init", "--org", "Acme", "--code", "ACME", "--iban", "DE00 1234")
    assert result.exit_code == 1 and result.stderr.startswith("error: --iban: DE00 1234")
    assert tally("org", "show").exit_code == 1  # still no organisation


CLIENT_DETAILS = [
    ("--street", "Am Markt 2", "street", "Am Markt 2"),
    ("--postcode", "50667", "postcode", "50667"),
    ("--city", "Köln", "city", "Köln"),
    ("--country", "de", "country", "DE"),
    ("--buyer-reference", "991-33333TEST-33", "buyer_reference", "991-33333TEST-33"),
    ("--endpoint", "0204:991-33333TEST-33", "endpoint", "0204:991-33333TEST-33"),
    ("--einvoice", "xrechnung-ubl", "einvoice", "xrechnung-ubl"),
    ("--vat-id", "FR 40 303 265 045", "vat_id", "FR40303265045"),
]


@pytest.mark.parametrize(("flag", "typed", "key", "stored"), CLIENT_DETAILS)
def test_client_set_each_new_option(org, flag, typed, key, stored):
    before = clients_json(org)["Globex"]
    org.ok("client", "set", "Globex", flag, typed)
    assert clients_json(org)["Globex"] == {**before, key: stored}


def test_client_add_with_every_new_option(org):
    args = [item for flag, typed, _, _ in CLIENT_DETAILS for item in (flag, typed)]
    org.ok("client", "add", "Müller & Söhne GmbH", *args)
    added = clients_json(org)["Müller & Söhne GmbH"]
    assert {key: added[key] for _, _, key, _ in CLIENT_DETAILS} == {
        key: stored for _, _, key, stored in CLIENT_DETAILS
    }
    assert added["address"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vat-id", "DE136695977"], "error: --vat-id: DE136695977 has a wrong check digit"),
        (["--country", "Deutschland"], "error: --country: Deutschland is not an ISO 3166-1"),
        (["--endpoint", "billing@globex.test"], "error: --endpoint: billing@globex.test is not"),
        (["--endpoint", "0204:991-33333TEST-34"], "error: --endpoint: 991-33333TEST-34 is not"),
        (["--city", "Springfield", "--vat-id", "CHE-123.456.789 MWST"], "error: --vat-id: CHE"),
    ],
)
@pytest.mark.parametrize("command", ["add", "set"])
def test_client_refusals_change_nothing(org, command, args, message):
    before = clients_json(org)
    result = org("client", command, "Globex" if command == "set" else "Initech", *args)
    assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr
    assert clients_json(org) == before


def test_an_unknown_einvoice_format_is_a_usage_error(org):
    result = org("client", "set", "Globex", "--einvoice", "edifact")
    assert result.exit_code == 2 and "'edifact' is not one of" in result.stderr


def invoice(tally) -> dict:
    return tally.ok(
        "invoice", "freeform", "--client", "Globex", "--line", "Workshop|1|800", "--json"
    ).json()


def test_an_issued_invoice_keeps_the_parties_it_was_issued_with(org):
    org.ok("org", "set", "--street", "Hauptstr. 1", "--city", "Berlin", "--country", "DE")
    org.ok("client", "set", "Globex", "--country", "US", "--buyer-reference", "PO-7")
    first = invoice(org)
    assert (first["seller"]["street"], first["seller"]["country"]) == ("Hauptstr. 1", "DE")
    assert (first["buyer"]["country"], first["buyer"]["buyer_reference"]) == ("US", "PO-7")
    org.ok("org", "set", "--org", "Acme Neu GmbH", "--street", "Torstr. 9", "--phone", "+49 1")
    org.ok("org", "set", "--iban", "GB82WEST12345698765432", "--endpoint", "EM:a@acme.example")
    org.ok("client", "set", "Globex", "--street", "Elm St 5", "--buyer-reference", "PO-8")
    shown = org.ok("invoice", "show", first["number"], "--json").json()
    assert (shown["seller"], shown["buyer"]) == (first["seller"], first["buyer"])
    later = invoice(org)
    assert (later["seller"]["name"], later["seller"]["street"]) == ("Acme Neu GmbH", "Torstr. 9")
    assert later["seller"]["endpoint"] == "EM:a@acme.example"
    assert later["buyer"]["buyer_reference"] == "PO-8"


def test_a_party_frozen_before_the_structured_fields_still_reads():
    old = party('{"address": "1 Main St", "email": "", "name": "Globex", "vat_id": ""}')
    assert old == PartyView("Globex", "1 Main St")
    assert not old.structured
    newer = party('{"name": "Globex", "country": "US", "language": "en"}')  # a later field
    assert newer.country == "US" and newer.structured


def printed(buyer: PartyView) -> list[str]:
    from test_invoice_pdf import document, line

    data = pdf.pdf_bytes(document([line(1, "Work")], buyer=buyer))
    return PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()


def test_the_pdf_prints_the_structured_address_when_there_is_one():
    buyer = PartyView(
        "Müller & Söhne GmbH",
        "Alte Adresse 1\n99999 Irgendwo",
        street="Am Markt 2",
        postcode="50667",
        city="Köln",
        country="DE",
    )
    text = printed(buyer)
    assert {"Am Markt 2", "50667 Köln", "Germany"} <= set(text)
    assert not any("Alte Adresse" in row for row in text)


def test_the_pdf_prints_the_old_text_until_the_parts_are_filled():
    text = printed(PartyView("Globex", "1 Main St\nSpringfield"))
    assert {"1 Main St", "Springfield"} <= set(text)


def missing_data(tally) -> list[dict]:
    return tally.ok("invoicing", "--json").json()["missing_data"]


@pytest.fixture
def einvoiced(org):
    """Globex wants XRechnung; Web has an hour in October, so its period is due."""
    org.ok("client", "set", "Globex", "--einvoice", "xrechnung-cii")
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-10-05 09:00",
        "--end",
        "2026-10-05 10:00",
    )
    return org


def test_missing_data_lists_what_the_clients_einvoice_format_lacks(einvoiced):
    [item] = missing_data(einvoiced)
    assert (item["project"], item["client"], item["uninvoiced_hours"]) == ("Web", "Globex", "1.00")
    assert item["missing"] == [
        "XRechnung: country (BT-40) of the organisation",
        "XRechnung: country (BT-55) of the client",
        "XRechnung: buyer reference (BT-10) of the client",
        "XRechnung: contact person (BT-41) of the organisation",
        "XRechnung: contact telephone number (BT-42) of the organisation",
        "XRechnung: contact e-mail address (BT-43) of the organisation",
        "XRechnung: city (BT-37) of the organisation",
        "XRechnung: post code (BT-38) of the organisation",
        "XRechnung: city (BT-52) of the client",
        "XRechnung: post code (BT-53) of the client",
        "XRechnung: electronic address (BT-34) of the organisation",
        "XRechnung: electronic address (BT-49) of the client",
    ]


def test_a_project_leaves_missing_data_once_its_parties_are_complete(einvoiced):
    einvoiced.ok(
        "org",
        "set",
        "--street",
        "Hauptstr. 1",
        "--postcode",
        "10115",
        "--city",
        "Berlin",
        "--country",
        "DE",
        "--contact",
        "Anna",
        "--phone",
        "+49 30 123456",
        "--email",
        "billing@acme.example",
        "--endpoint",
        "EM:billing@acme.example",
    )
    einvoiced.ok(
        "client",
        "set",
        "Globex",
        "--postcode",
        "50667",
        "--city",
        "Köln",
        "--country",
        "DE",
        "--buyer-reference",
        "991-33333TEST-33",
    )
    [item] = missing_data(einvoiced)
    assert item["missing"] == ["XRechnung: electronic address (BT-49) of the client"]
    einvoiced.ok("client", "set", "Globex", "--endpoint", "0204:991-33333TEST-33")
    assert missing_data(einvoiced) == []
    einvoiced.ok("client", "set", "Globex", "--einvoice", "peppol")
    [item] = missing_data(einvoiced)
    assert item["missing"] == [
        "Peppol BIS 3.0: Peppol electronic address (BT-34; EM is not a Peppol scheme) "
        "of the organisation"
    ]
    # The client's VAT treatment decides what else is needed: reverse charge, its VAT id.
    einvoiced.ok("client", "set", "Globex", "--einvoice", "xrechnung-cii")
    einvoiced.ok("client", "set", "Globex", "--vat", "reverse-charge")
    [item] = missing_data(einvoiced)
    assert item["missing"] == ["XRechnung: VAT id (BT-48) of the client"]
    einvoiced.ok("client", "set", "Globex", "--vat-id", "FR40303265045")
    assert missing_data(einvoiced) == []


def test_parties_on_sqlite_and_postgresql(engine, tally):
    """The new columns, their checks and the frozen copies, on either engine."""
    tally.ok("init", "--org", "Acme", "--code", "ACME", "--vat-id", "DE136695976")
    tally.ok("org", "set", "--country", "DE", "--endpoint", "EM:billing@acme.example")
    tally.ok("client", "add", "Globex", "--country", "FR", "--einvoice", "peppol")
    refused = tally("client", "set", "Globex", "--endpoint", "0088:4000001123453")
    assert refused.exit_code == 1 and "is not a valid GLN (GS1)" in refused.stderr
    [globex] = tally.ok("client", "list", "--json").json()
    assert (globex["country"], globex["endpoint"], globex["einvoice"]) == ("FR", "", "peppol")
    issued = invoice(tally)
    tally.ok("org", "set", "--country", "AT")
    shown = tally.ok("invoice", "show", issued["number"], "--json").json()
    assert shown["seller"]["country"] == "DE" and shown["buyer"]["country"] == "FR"
    assert tally.ok("org", "show", "--json").json()["country"] == "AT"


def test_init_takes_the_new_details_too(tally):
    tally.ok(
        "init", "--org", "Acme", "--code", "ACME", "--street", "Hauptstr. 1",
        "--postcode", "10115", "--city", "Berlin", "--country", "de",
        "--tax-number", "21/815/08150", "--endpoint", "EM:billing@acme.example",
    )  # fmt: skip
    shown = tally.ok("org", "show", "--json").json()
    assert {k: shown[k] for k in ("street", "postcode", "city", "country", "tax_number")} == {
        "street": "Hauptstr. 1",
        "postcode": "10115",
        "city": "Berlin",
        "country": "DE",
        "tax_number": "21/815/08150",
    }
    assert shown["endpoint"] == "EM:billing@acme.example"
