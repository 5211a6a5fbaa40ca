"""E-invoice export end to end: issued through the real CLI and database, exported in every
format a case supports, each document run through every official rule set of its format,
its figures compared with ``invoice show --json``; the Factur-X PDF against the CII and
the plain PDF; and each missing piece of each format refused before anything is written."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from einvoice_rules import failing
from lxml import etree
from pypdf import PdfReader
from test_invoice_pdf import text_of

ALL = ("cii", "ubl", "xrechnung-cii", "xrechnung-ubl", "peppol")
SELLER = {
    "--org": "Kranich Software GmbH",
    "--code": "KS",
    "--tax-rate": "19",
    "--vat-id": "DE136695976",
    "--iban": "DE89370400440532013000",
    "--bic": "COBADEFFXXX",
    "--street": "Friedrichstraße 12",
    "--postcode": "10117",
    "--city": "Berlin",
    "--country": "DE",
    "--contact": "Jana Kranich",
    "--phone": "+49 30 1234567",
    "--email": "rechnung@kranich.example",
    "--endpoint": "9930:DE136695976",
    "--registration": "HRB 123456 B",
}
BUYER = {
    "--street": "Königsallee 5",
    "--postcode": "40212",
    "--city": "Düsseldorf",
    "--country": "DE",
    "--buyer-reference": "991-33333TEST-33",
    "--endpoint": "0204:991-33333TEST-33",
    "--email": "rechnungen@mueller.example",
}
MUELLER = "Müller & Söhne GmbH"
UNITS = {"h": "HUR", "d": "DAY", "": "C62"}
NS = {
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def flags(options: dict[str, str], *without: str) -> list[str]:
    return [
        item for flag, value in options.items() if flag not in without for item in (flag, value)
    ]


@pytest.fixture
def seller(tally):
    """An organisation with every detail an e-invoice format asks of a seller."""
    tally.ok("init", *flags(SELLER))
    return tally


def client(tally, name: str, **changes: str) -> None:
    """``name`` with every detail of a German public buyer, ``changes`` as given."""
    options = {**BUYER, **{f"--{key.replace('_', '-')}": value for key, value in changes.items()}}
    tally.ok("client", "add", name, *flags(options))


def freeform(tally, name: str, *lines: str, credit: bool = False) -> dict:
    extra = ["--credit-note"] if credit else []
    args = [item for text in lines for item in ("--line", text)]
    return tally.ok("invoice", "freeform", "--client", name, *args, *extra, "--json").json()


# --- reading figures back out of the XML ----------------------------------------------------


def _d(node) -> Decimal:
    return Decimal(node.text) if node is not None else Decimal(0)


def figures(xml: bytes) -> dict:
    """Quantities, unit codes, prices, amounts, breakdown and totals as the XML states them."""
    root = etree.fromstring(xml)
    if etree.QName(root).localname == "CrossIndustryInvoice":
        items = root.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
        lines = [
            (
                _d(i.find(".//ram:BilledQuantity", NS)),
                i.find(".//ram:BilledQuantity", NS).get("unitCode"),
                _d(i.find(".//ram:NetPriceProductTradePrice/ram:ChargeAmount", NS)),
                _d(i.find(".//ram:LineTotalAmount", NS)),
            )
            for i in items
        ]
        groups = root.xpath(
            "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
        )
        breakdown = [
            (
                g.findtext("ram:CategoryCode", namespaces=NS),
                _d(g.find("ram:RateApplicablePercent", NS)),
                _d(g.find("ram:BasisAmount", NS)),
                _d(g.find("ram:CalculatedAmount", NS)),
            )
            for g in groups
        ]
        total = root.find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
        sums = [
            _d(total.find(f"ram:{tag}", NS))
            for tag in (
                "TaxBasisTotalAmount",
                "TaxTotalAmount",
                "GrandTotalAmount",
                "DuePayableAmount",
            )
        ]
    else:
        items = root.xpath("cac:InvoiceLine | cac:CreditNoteLine", namespaces=NS)
        lines = []
        for i in items:
            quantity = i.find("cbc:InvoicedQuantity", NS)
            quantity = quantity if quantity is not None else i.find("cbc:CreditedQuantity", NS)
            lines.append(
                (
                    _d(quantity),
                    quantity.get("unitCode"),
                    _d(i.find("cac:Price/cbc:PriceAmount", NS)),
                    _d(i.find("cbc:LineExtensionAmount", NS)),
                )
            )
        breakdown = [
            (
                g.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
                _d(g.find("cac:TaxCategory/cbc:Percent", NS)),
                _d(g.find("cbc:TaxableAmount", NS)),
                _d(g.find("cbc:TaxAmount", NS)),
            )
            for g in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
        ]
        total = root.find("cac:LegalMonetaryTotal", NS)
        sums = [
            _d(total.find("cbc:TaxExclusiveAmount", NS)),
            _d(root.find("cac:TaxTotal/cbc:TaxAmount", NS)),
            _d(total.find("cbc:TaxInclusiveAmount", NS)),
            _d(total.find("cbc:PayableAmount", NS)),
        ]
    return {"lines": lines, "breakdown": breakdown, "totals": sums}


def stated(shown: dict) -> dict:
    """The same figures from ``invoice show --json``, positive as the standard wants them."""
    lines = [
        (
            abs(Decimal(line["quantity"])),
            UNITS[line["unit"]],
            Decimal(line["unit_price"]),
            abs(Decimal(line["amount"])),
        )
        for line in shown["lines"]
    ]
    breakdown = [
        (g["category"], Decimal(g["rate"]), abs(Decimal(g["taxable"])), abs(Decimal(g["tax"])))
        for g in shown["tax_breakdown"]
    ]
    total = abs(Decimal(shown["total"]))
    sums = [abs(Decimal(shown["subtotal"])), abs(Decimal(shown["tax"])), total, total]
    return {"lines": lines, "breakdown": breakdown, "totals": sums}


def exported(tally, number: str, fmt: str, folder) -> bytes:
    target = folder / f"{number}.{fmt}.xml"
    result = tally.ok("invoice", "einvoice", number, "--format", fmt, "-o", str(target))
    assert result.stdout == f"wrote {target.resolve()}\n"
    return target.read_bytes()


def assert_accepted(tally, number: str, folder, formats=ALL) -> dict[str, bytes]:
    """Every format passes every rule set of its format and states ``show``'s figures."""
    shown = tally.ok("invoice", "show", number, "--json").json()
    documents = {}
    for fmt in formats:
        xml = exported(tally, number, fmt, folder)
        assert [str(f) for f in failing(fmt, xml)] == [], fmt
        assert figures(xml) == stated(shown), fmt
        documents[fmt] = xml
    return documents


# --- the cases receivers must accept --------------------------------------------------------


def test_time_at_19_and_travel_at_7_percent(seller, tmp_path):
    client(seller, MUELLER)
    seller.ok(
        "project", "add", "Portal", "--client", MUELLER, "--rate", "95", "--schedule", "monthly"
    )
    for day in ("03", "10"):
        seller.ok(
            "entry",
            "add",
            "--project",
            "Portal",
            "--start",
            f"2026-11-{day} 09:00",
            "--end",
            f"2026-11-{day} 11:15",
            "--description",
            "Schnittstelle für Zahlungsströme",
        )
    seller.ok(
        "expense",
        "add",
        "--project",
        "Portal",
        "--date",
        "2026-11-12",
        "--amount",
        "86.40",
        "--category",
        "Bahnfahrt Köln",
        "--tax-rate",
        "7",
    )
    seller.ok("timesheet", "lock", "--until", "2026-11-19")
    invoice = seller.ok(
        "invoice",
        "create",
        "--project",
        "Portal",
        "--period-start",
        "2026-11-01",
        "--period-end",
        "2026-11-19",
        "--json",
    ).json()
    assert [(g["rate"], g["taxable"]) for g in invoice["tax_breakdown"]] == [
        ("19.00", "427.50"),
        ("7.00", "86.40"),
    ]
    documents = assert_accepted(seller, invoice["number"], tmp_path)
    cii = etree.fromstring(documents["cii"])
    period = cii.find(".//ram:BillingSpecifiedPeriod", NS)
    assert [n.text for n in period.iter("{*}DateTimeString")] == ["20261101", "20261119"]
    ubl = etree.fromstring(documents["peppol"])
    assert ubl.findtext("cac:PaymentMeans/cbc:PaymentMeansCode", namespaces=NS) == "58"
    assert (
        ubl.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=NS)
        == SELLER["--iban"]
    )
    assert ubl.findtext("cbc:DueDate", namespaces=NS) == invoice["due_date"]
    assert ubl.findtext("cac:PaymentTerms/cbc:Note", namespaces=NS) == "Payable within 14 days"
    assert ubl.findtext("cbc:BuyerReference", namespaces=NS) == BUYER["--buyer-reference"]


def test_reverse_charge_to_another_eu_country(seller, tmp_path):
    client(
        seller,
        "Société Générale des Études SA",
        street="12 rue de la Paix",
        postcode="75002",
        city="Paris",
        country="FR",
        vat_id="FR40303265045",
        endpoint="9957:FR40303265045",
        buyer_reference="BC-2026-117",
        vat="reverse-charge",
    )
    invoice = freeform(
        seller, "Société Générale des Études SA", "Développement d'une interface|12|95|h"
    )
    assert [(g["category"], g["tax"]) for g in invoice["tax_breakdown"]] == [("AE", "0.00")]
    documents = assert_accepted(seller, invoice["number"], tmp_path)
    ubl = etree.fromstring(documents["ubl"])
    subtotal = ubl.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert subtotal.findtext("cbc:TaxExemptionReasonCode", namespaces=NS) == "VATEX-EU-AE"


def test_intra_community_supply_names_the_delivery_address(seller, tmp_path):
    client(
        seller,
        "Wiener Werkstätten GmbH",
        street="Ringstraße 3",
        postcode="1010",
        city="Wien",
        country="AT",
        vat_id="ATU13585627",
        endpoint="9914:ATU13585627",
        buyer_reference="WW-88",
        vat="intra-eu",
    )
    invoice = freeform(seller, "Wiener Werkstätten GmbH", "Messgerät|2|640|product")
    # The deliver-to address is the buyer's: its country (BT-80), and for XRechnung its
    # city and post code (BR-DE-10, 11).
    documents = assert_accepted(seller, invoice["number"], tmp_path, ALL)
    ubl = etree.fromstring(documents["ubl"])
    address = "cac:Delivery/cac:DeliveryLocation/cac:Address/"
    assert ubl.findtext(address + "cac:Country/cbc:IdentificationCode", namespaces=NS) == "AT"
    assert ubl.findtext(address + "cbc:CityName", namespaces=NS) == "Wien"


def test_outside_scope_in_swiss_francs(seller, tmp_path):
    client(
        seller,
        "Uhrwerk Zürich AG",
        street="Bahnhofstrasse 1",
        postcode="8001",
        city="Zürich",
        country="CH",
        endpoint="0088:7612345678900",
        buyer_reference="PO-4711",
        currency="CHF",
        vat="outside-scope",
    )
    invoice = freeform(seller, "Uhrwerk Zürich AG", "Wartung der Zeiterfassung|4|120|h")
    assert (invoice["currency"], invoice["tax"], invoice["total"]) == ("CHF", "0.00", "480.00")
    documents = assert_accepted(seller, invoice["number"], tmp_path)
    cii = etree.fromstring(documents["cii"])
    assert cii.findtext(".//ram:InvoiceCurrencyCode", namespaces=NS) == "CHF"
    assert cii.findtext(".//ram:ExemptionReasonCode", namespaces=NS) == "VATEX-EU-O"


def test_freeform_days_and_pieces_with_polish_names(seller, tmp_path):
    client(seller, "Łódzka Spółka Źródeł Żółwi sp. z o.o.", endpoint="0088:5901234123457")
    invoice = freeform(
        seller,
        "Łódzka Spółka Źródeł Żółwi sp. z o.o.",
        "Wdrożenie systemu – dzień roboczy|2.5|780|d",
        "Licencja użytkownika|3|49.90",
    )
    documents = assert_accepted(seller, invoice["number"], tmp_path)
    assert [line[1] for line in figures(documents["xrechnung-ubl"])["lines"]] == ["DAY", "C62"]


def test_credit_note_of_chosen_lines(seller, tmp_path):
    client(seller, MUELLER)
    invoice = freeform(seller, MUELLER, "Beratung|3|800|d", "Schulung|6|95|h", "Handbuch|2|19.99")
    seller.ok("invoice", "mark-sent", invoice["number"])
    lines = [str(line["id"]) for line in invoice["lines"]]
    note = seller.ok(
        "invoice",
        "credit",
        invoice["number"],
        "--line",
        lines[1],
        "--line",
        lines[2],
        "--reason",
        "Schulung ausgefallen",
        "--json",
    ).json()
    assert note["total"].startswith("-")
    documents = assert_accepted(seller, note["number"], tmp_path)
    ubl = etree.fromstring(documents["ubl"])
    assert etree.QName(ubl).localname == "CreditNote"
    reference = ubl.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert reference.findtext("cbc:ID", namespaces=NS) == invoice["number"]
    assert reference.findtext("cbc:IssueDate", namespaces=NS) == invoice["issue_date"]
    cii = etree.fromstring(documents["cii"])
    assert cii.findtext(".//ram:TypeCode", namespaces=NS) == "381"
    assert (
        cii.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS)
        == invoice["number"]
    )


def test_a_thousand_lines(seller, tmp_path):
    client(seller, MUELLER)
    lines = [
        f"Posten {n}: Prüfung|{n % 7 + 1}.25|{n % 13 + 10}.{n % 100:02d}" for n in range(1, 1001)
    ]
    invoice = freeform(seller, MUELLER, *lines)
    documents = assert_accepted(seller, invoice["number"], tmp_path)
    assert len(figures(documents["cii"])["lines"]) == 1000


def test_german_french_polish_and_greek_names(seller, tmp_path):
    client(
        seller,
        "Ελληνικές Εφαρμογές Λογισμικού Α.Ε.",
        street="Οδός Ερμού 15",
        postcode="10563",
        city="Αθήνα",
        country="GR",
        endpoint="0088:5200000000016",
    )
    invoice = freeform(
        seller,
        "Ελληνικές Εφαρμογές Λογισμικού Α.Ε.",
        "Größenänderung der Übersicht|1|100",
        "Élaboration du cahier des charges|2|150|h",
        "Żółta łódź – źródło|1|50",
        "Ανάπτυξη λογισμικού για την Αθήνα|3|200|h",
    )
    documents = assert_accepted(seller, invoice["number"], tmp_path)
    for xml in documents.values():
        text = xml.decode("utf-8")
        for name in (
            "Größenänderung",
            "Élaboration",
            "Żółta łódź",
            "Ανάπτυξη λογισμικού",
            "Ελληνικές Εφαρμογές",
        ):
            assert name in text


# --- Factur-X ---------------------------------------------------------------------------------


def test_facturx_pdf_carries_the_cii_and_reads_as_the_plain_pdf(seller, tmp_path):
    client(seller, MUELLER)
    invoice = freeform(seller, MUELLER, "Beratung für Müller|3|800|d", "Lizenz|2|50")
    number = invoice["number"]
    cii = exported(seller, number, "cii", tmp_path)
    plain, fx = tmp_path / "plain.pdf", tmp_path / "fx.pdf"
    seller.ok("invoice", "pdf", number, "-o", str(plain))
    assert (
        seller.ok("invoice", "pdf", number, "--facturx", "-o", str(fx)).stdout
        == f"wrote {fx.resolve()}\n"
    )
    assert PdfReader(io.BytesIO(plain.read_bytes())).attachments == {}
    assert PdfReader(io.BytesIO(fx.read_bytes())).attachments == {"factur-x.xml": [cii]}
    assert text_of(fx.read_bytes()) == text_of(plain.read_bytes())


def test_a_client_wanting_facturx_gets_it_without_the_flag(seller, tmp_path):
    client(seller, MUELLER, einvoice="facturx")
    number = freeform(seller, MUELLER, "Beratung|1|800")["number"]
    target = tmp_path / "out.pdf"
    seller.ok("invoice", "pdf", number, "-o", str(target))
    cii = exported(seller, number, "cii", tmp_path)
    assert PdfReader(io.BytesIO(target.read_bytes())).attachments == {"factur-x.xml": [cii]}


def test_the_default_file_names(seller, tmp_path, monkeypatch):
    client(seller, MUELLER)
    number = freeform(seller, MUELLER, "Beratung|1|800")["number"]
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert (
        seller.ok("invoice", "einvoice", number, "--format", "ubl").stdout
        == f"wrote {here.resolve() / number}.xml\n"
    )
    assert (
        seller.ok("invoice", "pdf", number, "--facturx").stdout
        == f"wrote {here.resolve() / number}.pdf\n"
    )
    assert sorted(p.name for p in here.iterdir()) == [f"{number}.pdf", f"{number}.xml"]


# --- refusals ---------------------------------------------------------------------------------

XRECHNUNG = ("xrechnung-cii", "xrechnung-ubl")


def _each(formats, term: str, option: str) -> dict[str, tuple[str, str]]:
    return dict.fromkeys(formats, (term, option))


ENDPOINT = "--endpoint SCHEME:ID"
# (whose, left out, {format that refuses: (the term named, the option that fills it)})
MISSING = [
    ("org", "--country", _each(ALL, "the country (BT-40)", "--country CC")),
    ("client", "--country", _each(ALL, "the country (BT-55)", "--country CC")),
    (
        "org",
        "--vat-id",
        _each(
            ALL,
            "the VAT id (BT-31) or tax number (BT-32)",
            "--vat-id VAT-ID (or --tax-number NUMBER)",
        ),
    ),
    ("org", "--contact", _each(XRECHNUNG, "a contact person (BT-41)", "--contact NAME")),
    ("org", "--phone", _each(XRECHNUNG, "a contact telephone number (BT-42)", "--phone NUMBER")),
    ("org", "--email", _each(XRECHNUNG, "a contact e-mail address (BT-43)", "--email ADDRESS")),
    ("org", "--city", _each(XRECHNUNG, "the city (BT-37)", "--city CITY")),
    ("org", "--postcode", _each(XRECHNUNG, "the post code (BT-38)", "--postcode CODE")),
    (
        "org",
        "--iban",
        _each(XRECHNUNG, "an IBAN for the payment instructions (BT-84)", "--iban IBAN"),
    ),
    (
        "org",
        "--endpoint",
        _each(XRECHNUNG, "an electronic address (BT-34)", ENDPOINT)
        | _each(("peppol",), "a Peppol electronic address (BT-34)", ENDPOINT),
    ),
    (
        "client",
        "--buyer-reference",
        _each(XRECHNUNG, "the buyer reference (BT-10)", "--buyer-reference LEITWEG-ID")
        | _each(
            ("peppol",),
            "the buyer reference (BT-10) or an order reference (BT-13)",
            "--buyer-reference REF",
        ),
    ),
    ("client", "--city", _each(XRECHNUNG, "the city (BT-52)", "--city CITY")),
    ("client", "--postcode", _each(XRECHNUNG, "the post code (BT-53)", "--postcode CODE")),
    (
        "client",
        "--endpoint",
        _each(XRECHNUNG, "an electronic address (BT-49)", ENDPOINT)
        | _each(("peppol",), "a Peppol electronic address (BT-49)", ENDPOINT),
    ),
]
LABELS = {"xrechnung-cii": "XRechnung", "xrechnung-ubl": "XRechnung", "peppol": "Peppol BIS 3.0"}
LABELS |= {"cii": "EN 16931 (CII)", "ubl": "EN 16931 (UBL)"}
SET = f'tally client set "{MUELLER}"'


@pytest.mark.parametrize(("whose", "left_out", "refusing"), MISSING)
def test_each_missing_piece_is_named_and_nothing_is_written(
    tally, tmp_path, whose, left_out, refusing
):
    tally.ok("init", *flags(SELLER, *([left_out] if whose == "org" else [])))
    tally.ok("client", "add", MUELLER, *flags(BUYER, *([left_out] if whose == "client" else [])))
    number = freeform(tally, MUELLER, "Beratung|1|800")["number"]
    before = tally.ok("invoice", "show", number, "--json").stdout
    for fmt in ALL:
        target = tmp_path / "out" / f"{fmt}.xml"
        result = tally("invoice", "einvoice", number, "--format", fmt, "-o", str(target))
        if fmt not in refusing:
            assert result.exit_code == 0, (fmt, result.stderr)
            continue
        name, command = (SELLER["--org"], "tally org set") if whose == "org" else (MUELLER, SET)
        term, option = refusing[fmt]
        assert result.exit_code == 1, fmt
        assert result.stderr.splitlines() == [
            f"error: {LABELS[fmt]} needs {term} of {name}: {command} {option}",
            f"{number} carries the details frozen when it was created: once they are set, "
            f"delete it (tally invoice delete {number}) and create it again",
        ]
        assert not target.exists()
    written = sorted(f"{fmt}.xml" for fmt in ALL if fmt not in refusing)
    folder = tmp_path / "out"
    assert (sorted(p.name for p in folder.iterdir()) if folder.exists() else []) == written
    assert tally.ok("invoice", "show", number, "--json").stdout == before


def test_every_missing_piece_on_a_line_of_its_own(org, tmp_path):
    """The conftest organisation has no country, no contact, no electronic address."""
    org.ok("client", "set", "Globex", "--buyer-reference", "991-33333TEST-33")
    number = freeform(org, "Globex", "Beratung|1|800")["number"]
    org.ok("invoice", "mark-sent", number)
    target = tmp_path / "x.pdf"
    result = org("invoice", "pdf", number, "--facturx", "-o", str(target))
    assert result.exit_code == 1 and not target.exists()
    assert result.stderr.splitlines() == [
        "error: Factur-X needs the country (BT-40) of Acme Consulting: tally org set --country CC",
        "Factur-X needs the country (BT-55) of Globex: tally client set Globex --country CC",
        f"{number} keeps the details it was issued with; the change applies to documents "
        "issued afterwards",
    ]
    result = org("invoice", "einvoice", number, "--format", "xrechnung-cii", "-o", str(target))
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and len(lines) == 12 and not target.exists()
    assert all(line.removeprefix("error: ").startswith("XRechnung needs ") for line in lines[:-1])


def test_a_wrong_format_is_refused_by_name(seller):
    client(seller, MUELLER)
    number = freeform(seller, MUELLER, "Beratung|1|800")["number"]
    result = seller("invoice", "einvoice", number, "--format", "edifact")
    assert result.exit_code == 2 and "'edifact' is not one of" in result.stderr
    result = seller("invoice", "einvoice", "KS-209901-0001", "--format", "ubl")
    assert result.exit_code == 1 and "no invoice numbered 'KS-209901-0001'" in result.stderr


# --- the TUI ------------------------------------------------------------------------------------


async def test_e_on_ready_to_send_writes_the_clients_format(seller, tmp_path, monkeypatch):
    from test_tui_invoicing import invoicing, new_app, press

    from tallytui.ui.modals.text_prompt import TextPrompt

    client(seller, MUELLER, einvoice="xrechnung-ubl")
    number = freeform(seller, MUELLER, "Beratung|3|800|d")["number"]
    expected = exported(seller, number, "xrechnung-ubl", tmp_path)
    target = tmp_path / "tui" / "out.xml"
    target.parent.mkdir()
    monkeypatch.chdir(target.parent)
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "4", "E")
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.query_one("Input").value == "xrechnung-ubl"
        await press(app, pilot, "enter")
        assert app.screen.query_one("Input").value == str(target.parent / f"{number}.xml")
        await press(app, pilot, "ctrl+a", "ctrl+k", *"out.xml", "enter")
        assert not isinstance(app.screen, TextPrompt)
        assert [n.message for n in app._notifications] == [f"wrote {target.resolve()}"]
    assert target.read_bytes() == expected


async def test_e_shows_everything_the_format_lacks_and_writes_nothing(org, tmp_path):
    from test_tui_invoicing import invoicing, new_app, press

    from tallytui.ui.modals.text_prompt import TextPrompt

    number = freeform(org, "Globex", "Beratung|1|800")["number"]
    org.ok("invoice", "mark-sent", number)
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "5", "E", "ctrl+a", "ctrl+k", *"peppol", "enter")
        assert isinstance(app.screen, TextPrompt)
        error = str(app.screen.query_one("#prompt-reason").content)
        assert error == str(
            org("invoice", "einvoice", number, "--format", "peppol").stderr
        ).removeprefix("error: ").rstrip("\n")
        assert len(error.splitlines()) == 6
        await press(app, pilot, "escape")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tally.db"]


async def test_p_writes_factur_x_for_a_client_that_wants_it(seller, tmp_path, monkeypatch):
    from test_tui_invoicing import invoicing, new_app, press

    client(seller, MUELLER, einvoice="facturx")
    number = freeform(seller, MUELLER, "Beratung|3|800|d")["number"]
    cii = exported(seller, number, "cii", tmp_path)
    target = tmp_path / "out.pdf"
    monkeypatch.chdir(tmp_path)
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "4", "p", "ctrl+a", "ctrl+k", *"out.pdf", "enter")
    assert PdfReader(io.BytesIO(target.read_bytes())).attachments == {"factur-x.xml": [cii]}


def test_an_e_mail_carries_the_clients_e_invoice(seller, tmp_path, monkeypatch):
    """A client wanting XRechnung gets the PDF and the XML; one wanting Factur-X gets the
    Factur-X PDF instead of the plain one. The message is written with --dry-run, as sent."""
    from email import policy
    from email.parser import BytesParser

    monkeypatch.setenv("TALLY_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.chdir(tmp_path)
    seller.ok("config", "smtp", "--host", "mail.example.com", "--from", "billing@example.com")

    def attachments(number: str) -> dict[str, tuple[str, bytes]]:
        seller.ok("invoice", "send", number, "--dry-run")
        with open(tmp_path / f"{number}.eml", "rb") as file:
            message = BytesParser(policy=policy.default).parse(file)
        return {
            part.get_filename(): (part.get_content_type(), part.get_content())
            for part in message.iter_attachments()
        }

    client(seller, MUELLER, einvoice="xrechnung-ubl", email="rechnung@mueller.example")
    number = freeform(seller, MUELLER, "Beratung|3|800|d")["number"]
    sent = attachments(number)
    assert sorted(sent) == [f"{number}.pdf", f"{number}.xml"]
    content_type, xml = sent[f"{number}.xml"]
    assert content_type == "application/xml"
    assert xml == exported(seller, number, "xrechnung-ubl", tmp_path)
    assert [str(f) for f in failing("xrechnung-ubl", xml)] == []

    seller.ok("client", "set", MUELLER, "--einvoice", "facturx")
    number = freeform(seller, MUELLER, "Lizenz|2|50")["number"]
    [(name, (content_type, pdf))] = attachments(number).items()
    assert (name, content_type) == (f"{number}.pdf", "application/pdf")
    cii = exported(seller, number, "cii", tmp_path)
    assert PdfReader(io.BytesIO(pdf)).attachments == {"factur-x.xml": [cii]}


def test_the_legal_notes_travel_as_notes_in_the_client_s_language(seller, tmp_path):
    client(
        seller,
        "Société Générale des Études SA",
        street="12 rue de la Paix",
        postcode="75002",
        city="Paris",
        country="FR",
        vat_id="FR40303265045",
        vat="reverse-charge",
        language="fr",
    )
    invoice = freeform(seller, "Société Générale des Études SA", "Développement|12|95|h")
    documents = assert_accepted(seller, invoice["number"], tmp_path, ("cii", "ubl", "peppol"))
    cii = etree.fromstring(documents["cii"])
    [note] = [n.text for n in cii.iterfind(".//ram:IncludedNote/ram:Content", NS)]
    assert note.startswith("Autoliquidation : la TVA est due par le preneur")
    assert "La date de la prestation correspond à la date de la facture." in note
    for fmt in ("ubl", "peppol"):
        ubl = etree.fromstring(documents[fmt])
        assert ubl.findtext("cbc:Note", namespaces=NS) == note, fmt
