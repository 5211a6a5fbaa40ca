"""E-invoice documents for the tests, built directly as ``edocument`` objects: the cases
receivers must accept, each complete enough for every format (XRechnung's buyer reference
and seller contact, Peppol's endpoints)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from tallytui.domain.edocument import (
    CREDIT_NOTE,
    INVOICE,
    EDocument,
    Line,
    Party,
    Payment,
    line_net,
    tax_breakdown,
    totals_of,
    unit_code,
)

SELLER = Party(
    "Kranich Software GmbH",
    street="Friedrichstraße 12",
    postcode="10117",
    city="Berlin",
    country="DE",
    vat_id="DE123456789",
    tax_number="30/123/45678",
    legal_id="HRB 123456 B",
    endpoint_scheme="9930",
    endpoint_id="DE123456789",
    contact_name="Jana Kranich",
    contact_phone="+49 30 1234567",
    contact_email="rechnung@kranich.example",
)
BUYER = Party(
    "Müller & Söhne GmbH",
    street="Königsallee 5",
    postcode="40212",
    city="Düsseldorf",
    country="DE",
    vat_id="DE987654321",
    endpoint_scheme="0204",
    endpoint_id="05111000-12345-67",
)
SEPA = Payment(
    iban="DE89370400440532013000",
    bic="COBADEFFXXX",
    account_name="Kranich Software GmbH",
    remittance="RE-2026-0042",
)
REASONS = {
    "AE": ("Steuerschuldnerschaft des Leistungsempfängers (Reverse charge)", "VATEX-EU-AE"),
    "O": ("Nicht im Anwendungsbereich der Mehrwertsteuer", "VATEX-EU-O"),
}


def line(
    n: int,
    name: str,
    quantity: str,
    unit: str,
    price: str,
    category: str = "S",
    rate: str = "19",
    description: str = "",
) -> Line:
    quantity_, price_ = Decimal(quantity), Decimal(price)
    return Line(
        str(n),
        name,
        quantity_,
        unit_code(unit),
        price_,
        line_net(quantity_, price_),
        category,
        Decimal(rate) if category != "O" else Decimal(0),
        description,
    )


def document(lines, kind: str = INVOICE, **changes) -> EDocument:
    lines = tuple(lines)
    tax = tax_breakdown(lines, REASONS)
    base = EDocument(
        number="RE-2026-0042",
        kind=kind,
        issue_date=date(2026, 12, 1),
        currency="EUR",
        seller=SELLER,
        buyer=BUYER,
        lines=lines,
        tax=tax,
        totals=totals_of(lines, tax),
        payment=SEPA,
        due_date=date(2026, 12, 15),
        buyer_reference="05111000-12345-67",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        payment_terms="Zahlbar innerhalb von 14 Tagen ohne Abzug.",
        note="Leistungszeitraum November 2026.",
    )
    return replace(base, **changes)


def mixed_rates() -> EDocument:
    """19 % time and 7 % expenses in one invoice."""
    return document(
        [
            line(1, "Webshop: Checkout", "12.5", "h", "95.00"),
            line(2, "Webshop: Zahlungsanbindung", "7.25", "h", "95.00"),
            line(3, "Beratung", "1.33", "h", "120.00"),
            line(4, "Bahnfahrt Berlin–Düsseldorf", "1", "", "89.90", rate="7"),
            line(5, "Hotel, 2 Nächte", "2", "pc", "104.35", rate="7"),
        ]
    )


def reverse_charge() -> EDocument:
    """Services to a company in another EU country: AE, the buyer's VAT id, the reason."""
    buyer = Party(
        "Atelier Lumière SARL",
        street="12 rue de la République",
        postcode="69002",
        city="Lyon",
        country="FR",
        vat_id="FR40303265045",
        endpoint_scheme="9957",
        endpoint_id="FR40303265045",
    )
    lines = [
        line(1, "Développement de l'application", "40", "h", "95.00", "AE", "0"),
        line(2, "Réunions de projet", "3.5", "h", "95.00", "AE", "0"),
    ]
    return document(lines, buyer=buyer, buyer_reference="PO-LYON-77")


def outside_scope() -> EDocument:
    """A Swiss buyer, invoiced in CHF, outside the scope of EU VAT (O)."""
    buyer = Party(
        "Bergbahn Zermatt AG",
        street="Bahnhofstrasse 1",
        postcode="3920",
        city="Zermatt",
        country="CH",
        vat_id="CHE-123.456.789 MWST",
        endpoint_scheme="0088",
        endpoint_id="7612345000008",
    )
    lines = [
        line(1, "Wartung Buchungssystem", "16", "h", "130.00", "O"),
        line(2, "Hosting Dezember", "1", "month", "250.00", "O"),
    ]
    payment = replace(SEPA, iban="CH9300762011623852957", bic="UBSWCHZH80A")
    return document(
        lines, buyer=buyer, currency="CHF", payment=payment, buyer_reference="BZ-2026-11"
    )


def freeform() -> EDocument:
    """Hand-entered lines in days and pieces."""
    return document(
        [
            line(1, "Workshop vor Ort", "2.5", "days", "960.00"),
            line(2, "Schulungsunterlagen", "12", "pc", "18.50"),
            line(3, "Lizenz, einmalig", "1", "", "499.00"),
        ],
        period_start=None,
        period_end=None,
    )


def credit_note() -> EDocument:
    """A credit note of two chosen lines of an invoice: positive amounts, BT-25 and date."""
    invoice = mixed_rates()
    return document(
        [replace(invoice.lines[1], id="1"), replace(invoice.lines[3], id="2")],
        kind=CREDIT_NOTE,
        number="GS-2026-0003",
        issue_date=date(2026, 12, 10),
        due_date=date(2026, 12, 24),
        preceding_number=invoice.number,
        preceding_date=invoice.issue_date,
        payment_terms="Der Betrag wird Ihrem Konto gutgeschrieben.",
    )


def thousand_lines() -> EDocument:
    return document(
        line(
            i,
            f"2026-11-{i % 28 + 1:02d} Webshop: Checkout und Zahlung, Teil {i}",
            f"{Decimal(i % 9 + 1) / 4}",
            "h",
            "95.00",
            rate="19" if i % 5 else "7",
        )
        for i in range(1, 1001)
    )


def languages() -> EDocument:
    """Names and descriptions in German, French, Polish and Greek."""
    buyer = replace(
        BUYER,
        name="Ελληνικά Λογισμικά Α.Ε. — Żółć & Söhne",
        street="Οδός Ερμού 25",
        city="Αθήνα",
        postcode="10563",
        country="GR",
        vat_id="EL094259216",
        endpoint_scheme="9933",
        endpoint_id="EL094259216",
    )
    return document(
        [
            line(1, "Größenänderung der Übersicht", "3", "h", "95.00", description="Straße, ß"),
            line(2, "Révision des données élémentaires", "2", "h", "95.00", description="Ça va"),
            line(3, "Zażółć gęślą jaźń", "1.5", "h", "95.00", description="Łódź, Gdańsk"),
            line(4, "Μετάφραση εγχειριδίου", "4", "h", "95.00", description="Ξεσκεπάζω"),
        ],
        buyer=buyer,
        buyer_reference="ΑΠ-2026-11",
    )


CASES = {
    "mixed-rates": mixed_rates,
    "reverse-charge": reverse_charge,
    "outside-scope-chf": outside_scope,
    "freeform-days-pieces": freeform,
    "credit-note": credit_note,
    "thousand-lines": thousand_lines,
    "languages": languages,
}
