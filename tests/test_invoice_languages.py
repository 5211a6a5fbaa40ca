"""Documents in the client's language: labels from the gettext catalogs, amounts, dates and
units from CLDR, the legal note of each VAT category, the language frozen at issue, and
user text in the new fields printed literally."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from pypdf import PdfReader
from test_invoice_pdf import audit, document, line, listener, text_of  # noqa: F401

from tallytui.domain.languages import LANGUAGES
from tallytui.domain.vat import DEFAULT_EXEMPTIONS, Exemption, TaxGroup
from tallytui.render import pdf
from tallytui.render.i18n import LOCALES
from tallytui.render.mentions import legal_notes
from tallytui.services.invoice_views import PartyView

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in LANGUAGES if language != "en"]


def buyer(country: str) -> PartyView:
    return PartyView("Kunde AG", street="Weg 1", postcode="8001", city="Ort", country=country)


def localized(language: str, country: str, currency: str = "EUR", **changes):
    values = dict(
        language=language,
        currency=currency,
        buyer=buyer(country),
        subtotal=Decimal("1234.50"),
        tax=Decimal("234.56"),
        total=Decimal("1469.06"),
    )
    return document([line(1, "Beratung", amount="1234.50")], **{**values, **changes})


# (language, country, currency): labels, amounts, dates and quantities the page must hold.
SIX = {
    ("de", "DE", "EUR"): [
        "Rechnung", "Rechnungsempfänger", "Rechnungsdatum 20.11.2026", "Fällig am 04.12.2026",
        "Leistungszeitraum 01.11.2026 – 30.11.2026", "Beschreibung", "Menge", "Einzelpreis",
        "Nettobetrag 1.234,50 €", "USt. 19 % 234,56 €", "Gesamtbetrag 1.469,06 €",
        "1,25 Std.", "95,00 €", "Seite 1 von 1", "Deutschland", "USt-IdNr. DE123456789",
    ],
    ("de", "CH", "CHF"): [
        "Rechnung", "Rechnungsdatum 20.11.2026", "Leistungszeitraum", "CHF 95.00",
        "Gesamtbetrag CHF 1?469.06", "Nettobetrag CHF 1?234.50", "1.25 Std.", "Schweiz",
    ],
    ("fr", "FR", "EUR"): [
        "Facture", "Facturé à", "Date d’émission 20 nov. 2026", "Date d’échéance 4 déc. 2026",
        "Période de prestation", "Désignation", "Quantité", "Prix unitaire", "Montant",
        "Total HT 1 234,50 €", "TVA 19 % 234,56 €", "Total TTC 1 469,06 €", "1,25 h",
        "Page 1 sur 1", "N° TVA DE123456789",
    ],
    ("it", "IT", "EUR"): [
        "Fattura", "Data di emissione 20 nov 2026", "Data di scadenza 4 dic 2026",
        "Descrizione", "Quantità", "Prezzo unitario", "Importo", "Imponibile 1.234,50 €",
        "IVA 19% 234,56 €", "Totale 1.469,06 €", "Pagina 1 di 1", "Italia",
    ],
    ("nl", "NL", "EUR"): [
        "Factuur", "Factuurdatum 20 nov 2026", "Vervaldatum 4 dec 2026", "Omschrijving",
        "Aantal", "Bedrag", "Subtotaal € 1.234,50", "Btw 19% € 234,56", "Totaal € 1.469,06",
        "1,25 uur", "Pagina 1 van 1", "Nederland",
    ],
    ("es", "ES", "EUR"): [
        "Factura", "Fecha de emisión 20 nov 2026", "Fecha de vencimiento 4 dic 2026",
        "Descripción", "Cantidad", "Precio unitario", "Importe", "Base imponible 1.234,50 €",
        "IVA 19 % 234,56 €", "Total 1.469,06 €", "Página 1 de 1", "España",
    ],
}  # fmt: skip


def _found(expected: str, page: str) -> bool:
    """``?`` stands for the Swiss grouping mark (CLDR has written it ' and ’)."""
    pattern = re.escape(expected).replace(r"\?", "[’']")
    return re.search(pattern, page, re.IGNORECASE) is not None


@pytest.mark.parametrize(("where", "expected"), list(SIX.items()), ids=lambda v: str(v))
def test_each_language_prints_its_labels_amounts_and_dates(where, expected):
    [page] = text_of(pdf.pdf_bytes(localized(*where)))
    missing = [text for text in expected if not _found(text, page)]
    assert missing == [], page
    assert "Invoice" not in page and "Subtotal" not in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("de", "Rechnungskorrektur"),
        ("fr", "Avoir"),
        ("it", "Nota di credito"),
        ("nl", "Creditnota"),
        ("es", "Factura rectificativa"),
        ("en", "Credit note"),
    ],
)
def test_a_credit_note_is_titled_in_its_language(language, heading):
    doc = localized(
        language,
        "",
        kind="credit_note",
        credits="ACME-202611-0007",
        credits_issue_date=date(2026, 11, 20),
        total=Decimal("-1469.06"),
    )
    [page] = text_of(pdf.pdf_bytes(doc))
    assert heading in page and "ACME-202611-0007" in page
    assert pdf.described(doc)[0] == f"{heading} ACME-202611-0007"  # the PDF's title


# --- the catalogs -------------------------------------------------------------------------


def _extracted() -> set[str]:
    """Every message the templates and render/ mark, extracted afresh as `make messages`
    does (so a label added without a catalog entry fails here)."""
    method_map = [
        ("tallytui/render/**.py", "python"),
        ("tallytui/render/templates/**.html", "jinja2"),
    ]
    options = {"tallytui/render/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options,
        keywords={"_": None, "N_": None, "translate": (2,)},
    )
    return {message for _file, _line, message, _comments, _context in found}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_compiled(language):
    messages = _extracted()
    assert len(messages) > 30 and "Service period" in messages
    folder = LOCALES / language / "LC_MESSAGES"
    with open(folder / "tallytui.po", "rb") as source:
        catalog = read_po(source, locale=language)
    entries = {m.id: m for m in catalog if m.id}
    assert messages <= set(entries), sorted(messages - set(entries))
    for message in messages:
        entry = entries[message]
        assert entry.string and not entry.fuzzy, message
        placeholders = sorted(re.findall(r"%\((\w+)\)s", message))
        assert sorted(re.findall(r"%\((\w+)\)s", entry.string)) == placeholders, message
    with open(folder / "tallytui.mo", "rb") as compiled:
        shipped = {m.id: m.string for m in read_mo(compiled) if m.id}
    assert shipped == {key: m.string for key, m in entries.items()}, "run make messages"


# --- legal notes --------------------------------------------------------------------------

NOTES = {
    "AE": {
        "en": "Reverse charge",
        "de": "Steuerschuldnerschaft des Leistungsempfängers",
        "fr": "Autoliquidation",
        "it": "Inversione contabile",
        "nl": "Btw verlegd",
        "es": "Inversión del sujeto pasivo",
    },
    "K": {
        "en": "Intra-Community supply",
        "de": "innergemeinschaftliche Lieferung",
        "fr": "Livraison intracommunautaire",
        "it": "Cessione intracomunitaria",
        "nl": "Intracommunautaire levering",
        "es": "Entrega intracomunitaria",
    },
    "G": {
        "en": "Export outside the EU",
        "de": "Ausfuhrlieferung",
        "fr": "exportation hors de l’UE",
        "it": "esportazione fuori dall’UE",
        "nl": "Uitvoer buiten de EU",
        "es": "Exportación fuera de la UE",
    },
    "E": {
        "en": "Exempt from VAT",
        "de": "Umsatzsteuerfreie Leistung",
        "fr": "Exonéré de TVA",
        "it": "esente da IVA",
        "nl": "Vrijgesteld van btw",
        "es": "Operación exenta de IVA",
    },
    "O": {
        "en": "Not subject to VAT",
        "de": "Nicht steuerbare Leistung",
        "fr": "Hors du champ d’application de la TVA",
        "it": "fuori campo IVA",
        "nl": "Niet onderworpen aan btw",
        "es": "Operación no sujeta a IVA",
    },
    "§19": {
        "en": "small business under § 19 UStG",
        "de": "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet",
        "fr": "petite entreprise au sens du § 19 UStG",
        "it": "piccola impresa ai sensi del § 19 UStG",
        "nl": "kleine ondernemer volgens § 19 UStG",
        "es": "pequeña empresa según el § 19 UStG",
    },
}


def exempt_document(language: str, category: str, reason: str = "", **changes):
    code = "E" if category == "§19" else category
    exemption = Exemption("", reason) if reason else DEFAULT_EXEMPTIONS[code]
    return document(
        [line(1, "Beratung", amount="1000.00", tax_category=code, tax_rate=Decimal("0.00"))],
        language=language,
        subtotal=Decimal("1000.00"),
        tax_rate=Decimal("0.00"),
        tax=Decimal("0.00"),
        total=Decimal("1000.00"),
        tax_breakdown=(
            TaxGroup(code, Decimal("0.00"), Decimal("1000.00"), Decimal("0.00"), exemption),
        ),
        **changes,
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("category", list(NOTES))
def test_each_vat_category_carries_its_note_in_the_document_s_language(category, language):
    reason = "Kleinunternehmer nach § 19 UStG" if category == "§19" else ""
    notes = " ".join(legal_notes(exempt_document(language, category, reason)))
    assert NOTES[category][language] in notes
    others = [NOTES[c][language] for c in NOTES if c != category and c != "§19"]
    if category != "§19":
        assert not [other for other in others if other in notes]


def test_a_german_seller_without_vat_id_is_a_small_business():
    seller = PartyView("Ein-Frau-Büro", tax_number="21/815/08150", country="DE")
    doc = exempt_document("de", "E", seller=seller)
    [page] = text_of(pdf.pdf_bytes(doc))
    assert "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet." in page
    assert "Steuernummer 21/815/08150" in page and page.count("USt-IdNr.") == 1  # the buyer's


@pytest.mark.parametrize(("language", "category"), [("de", "AE"), ("fr", "AE"), ("it", "K")])
def test_the_pdf_prints_the_note_and_both_vat_ids(language, category):
    doc = exempt_document(language, category)
    [page] = text_of(pdf.pdf_bytes(doc))
    assert NOTES[category][language] in page
    assert "DE123456789" in page and "PL5260250995" in page


def test_an_invoice_without_a_period_names_its_service_date():
    doc = localized("de", "DE", period_start=None, period_end=None)
    [page] = text_of(pdf.pdf_bytes(doc))
    assert "Das Leistungsdatum entspricht dem Rechnungsdatum." in page
    assert "Leistungszeitraum" not in page


def test_the_registration_prints_in_the_footer_of_every_page():
    seller = PartyView(
        "Acme GmbH",
        vat_id="DE123456789",
        registration="Amtsgericht Köln HRB 12345 · Geschäftsführerin Jana Roth",
    )
    lines = [line(i, f"task {i:03d}") for i in range(1, 80)]
    pages = text_of(pdf.pdf_bytes(document(lines, language="de", seller=seller)))
    assert len(pages) > 1
    for page in pages:
        assert "Amtsgericht Köln HRB 12345 · Geschäftsführerin Jana Roth" in page


def test_hostile_text_in_the_new_fields_prints_literally_and_loads_nothing(listener, audit):  # noqa: F811
    url = f"http://127.0.0.1:{listener.port}"
    registration = f'<img src="{url}/reg"> & <b>HRB</b> {{{{ 7*7 }}}} %(amount)s'
    reason = f'<link rel=stylesheet href="{url}/r.css"> %(number)s {{% trans %}}x{{% endtrans %}}'
    doc = exempt_document(
        "fr",
        "AE",
        reason,
        seller=PartyView("Acme", vat_id="DE123456789", registration=registration),
    )
    pdf.pdf_bytes(localized("fr", "FR"))  # lazy imports and the catalog, before auditing
    audit.clear()
    page = "".join(text_of(pdf.pdf_bytes(doc)))
    assert registration in page and reason in page
    assert listener.connections == 0
    assert not [event for event in audit if event[0] == "connect"]
    assert not [path for kind, path in audit if kind == "open" and "secret" in path]


# --- the language of a client, of the organisation, and of an issued document ---------------


def _freeform(org, client: str = "Globex"):
    return org.ok(
        "invoice", "freeform", "--client", client, "--line", "Beratung|2|500", "--json"
    ).json()


def test_language_flags_of_client_and_organisation(org):
    assert org.ok("org", "show", "--json").json()["language"] == "en"
    org.ok("org", "set", "--language", "nl")
    assert org.ok("org", "show", "--json").json()["language"] == "nl"
    org.ok("client", "add", "Migros", "--country", "CH", "--language", "de")
    clients = {c["name"]: c["language"] for c in org.ok("client", "list", "--json").json()}
    assert clients == {"Globex": "nl", "Migros": "de"}  # Globex has none: the organisation's
    org.ok("client", "set", "Globex", "--language", "FR")
    assert {c["name"]: c["language"] for c in org.ok("client", "list", "--json").json()} == {
        "Globex": "fr",
        "Migros": "de",
    }


@pytest.mark.parametrize(
    "command",
    [
        ("org", "set", "--language", "pt"),
        ("client", "set", "Globex", "--language", "de_DE"),
        ("client", "add", "Neu", "--language", "klingon"),
    ],
)
def test_an_unknown_language_is_refused_and_nothing_changes(org, command):
    before = (org.ok("org", "show", "--json").json(), org.ok("client", "list", "--json").json())
    result = org(*command)
    assert result.exit_code == 2 and "--language" in result.stderr
    after = (org.ok("org", "show", "--json").json(), org.ok("client", "list", "--json").json())
    assert after == before


def test_the_language_is_frozen_when_the_document_is_issued(org, tmp_path):
    org.ok("org", "set", "--registration", "Amtsgericht Berlin HRB 4711")
    org.ok("client", "set", "Globex", "--language", "de")
    invoice = _freeform(org)
    assert invoice["language"] == "de"
    org.ok("client", "set", "Globex", "--language", "fr")
    org.ok("org", "set", "--language", "es", "--registration", "Registro Mercantil")
    shown = org.ok("invoice", "show", invoice["number"], "--json").json()
    assert shown["language"] == "de"
    target = tmp_path / "frozen.pdf"
    org.ok("invoice", "pdf", invoice["number"], "-o", str(target))
    page = " ".join(PdfReader(target).pages[0].extract_text().split())
    assert "Rechnung" in page and "Gesamtbetrag 1.190,00 €" in page and "Facture" not in page
    assert "Amtsgericht Berlin HRB 4711" in page and "Registro Mercantil" not in page
    assert _freeform(org)["language"] == "fr"  # the next document is the client's new one


def test_a_credit_note_is_written_in_the_client_s_language(org):
    org.ok("client", "set", "Globex", "--language", "it")
    invoice = _freeform(org)
    org.ok("invoice", "mark-sent", invoice["number"])
    note = org.ok("invoice", "credit", invoice["number"], "--json").json()
    assert note["language"] == "it"


def test_a_seller_with_a_vat_id_is_not_taken_for_a_small_business():
    seller = PartyView("Acme GmbH", vat_id="DE123456789", tax_number="21/815/08150", country="DE")
    notes = legal_notes(exempt_document("de", "E", seller=seller))
    assert notes == ["Umsatzsteuerfreie Leistung."]
