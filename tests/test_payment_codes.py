"""Payment codes on invoice PDFs, read back the way a banking app reads them: pages rendered
to pixels with pdftoppm, QR codes decoded with zbarimg."""

from __future__ import annotations

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import test_invoice_pdf
from PIL import Image, ImageDraw, ImageOps
from stdnum import iso11649
from stdnum.ch import esr
from test_invoice_pdf import UNICODE_LINES, document, text_of

from tallytui.domain.payment_codes import EPC, NONE, SWISS, creditor_reference, qr_reference
from tallytui.render import pdf
from tallytui.services.invoice_views import PartyView

DPI = 200
MM = DPI / 25.4  # pixels per millimetre
QR_IBAN = "CH4431999123000889012"
CH_IBAN = "CH9300762011623852957"
SWISS_SELLER = PartyView(
    "Berner Beratung AG",
    iban=CH_IBAN,
    street="Bundesgasse 3",
    postcode="3011",
    city="Bern",
    country="CH",
)
LI_BUYER = PartyView(
    "Vaduzer Treuhand AG", street="Städtle 7", postcode="9490", city="Vaduz", country="LI"
)
TOTAL = Decimal("706.56")
# The hostile-text test listens for connections and audits file opens as that file does.
listener, audit = test_invoice_pdf.listener, test_invoice_pdf.audit


def pages_as_images(data: bytes, tmp_path) -> list[Image.Image]:
    (tmp_path / "doc.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "doc.pdf", "page"], cwd=tmp_path, check=True
    )
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]


def decode(image: Image.Image, tmp_path) -> list[str]:
    """Each QR code zbarimg finds in the image, as text: its bytes as they are (zbar's
    guess of the character set is not reliable), read in the code's own encoding (the
    EPC code names it in its third line; the Swiss one is UTF-8)."""
    path = tmp_path / "decode.png"
    image.save(path)
    found = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary", str(path)],
        capture_output=True,
    ).stdout
    if not found:
        return []
    latin = found.startswith(b"BCD\n002\n2\n")
    return [found.decode("latin-1" if latin else "utf-8").rstrip("\n")]


def ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of everything printed (not white) in ``image``."""
    return ImageOps.invert(image).point(lambda v: 255 if v > 96 else 0).getbbox()


def swiss_code(bill: Image.Image, tmp_path) -> str:
    """The Swiss QR code of a payment part (the page's bottom 105 mm). zbar takes the
    Swiss cross in the middle for part of the code and gives up: the cross's square is
    filled black for it, as the data modules around it are what the test reads."""
    left, top = round(67 * MM), round(15 * MM)  # the payment part's code: 5 mm in, 46 mm
    area = bill.crop((left - 20, top, left + round(50 * MM), top + round(52 * MM)))
    x0, y0, x1, y1 = ink_box(area)
    middle, half = ((x0 + x1) / 2, (y0 + y1) / 2), 3.6 * MM
    area = area.copy()
    ImageDraw.Draw(area).rectangle(
        (middle[0] - half, middle[1] - half, middle[0] + half, middle[1] + half), fill=0
    )
    [text] = decode(ImageOps.expand(area, border=60, fill=255), tmp_path)
    return text


def test_an_eur_invoice_carries_an_epc_code_with_the_payment_fields(tmp_path):
    doc = document(UNICODE_LINES, total=TOTAL)
    assert doc.payment_code.kind == EPC
    [page] = pages_as_images(pdf.pdf_bytes(doc), tmp_path)
    [payload] = decode(page, tmp_path)
    fields = payload.split("\n")
    assert fields[:2] == ["BCD", "002"] and fields[3] == "SCT"
    assert fields[2] in ("1", "2")  # UTF-8, or ISO 8859-1 when every character fits
    assert fields[4:6] == ["COBADEFFXXX", "Müller & Söhne GmbH"]
    assert fields[6:8] == ["DE89370400440532013000", "EUR706.56"]
    assert fields[-1] == "ACME-202611-0007"  # the remittance text: the invoice number


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (dict(kind="credit_note", total=-TOTAL), "credit note"),
        (dict(total=Decimal("0.00")), "nothing to pay"),
        (dict(currency="USD"), "USD invoice"),
        (dict(seller=PartyView("Müller & Söhne GmbH")), "no IBAN"),
    ],
)
def test_no_code_where_nothing_is_to_be_paid_by_transfer(tmp_path, changes, reason):
    doc = document(UNICODE_LINES, **{"total": TOTAL, **changes})
    code = doc.payment_code
    assert code.kind == NONE and reason in code.reason
    pages = pages_as_images(pdf.pdf_bytes(doc), tmp_path)
    assert [decode(page, tmp_path) for page in pages] == [[] for _ in pages]


@pytest.mark.parametrize(
    ("currency", "iban", "reference_type"),
    [("CHF", QR_IBAN, "QRR"), ("EUR", CH_IBAN, "NON")],
)
def test_a_swiss_client_gets_a_qr_bill_at_the_bottom_of_the_last_page(
    tmp_path, currency, iban, reference_type
):
    seller = PartyView(**{**SWISS_SELLER.__dict__, "iban": iban})
    doc = document(UNICODE_LINES, currency=currency, total=TOTAL, seller=seller, buyer=LI_BUYER)
    assert doc.payment_code.kind == SWISS
    *_, last = pages_as_images(pdf.pdf_bytes(doc), tmp_path)
    width, height = last.size
    assert (width / MM, height / MM) == pytest.approx((210, 297), abs=1)
    bottom = height - round(105 * MM)
    # Above the payment part there is only the page number; all of the part is below.
    _, top_ink, _, _ = ink_box(last.crop((0, bottom - round(2 * MM), width, height)))
    assert top_ink >= round(1 * MM)  # the scissors line starts just inside the 105 mm
    lines = text_of(pdf.pdf_bytes(doc))[-1]
    assert "Payment part" in lines and "Receipt" in lines and "Vaduzer Treuhand AG" in lines
    payload = swiss_code(last.crop((0, bottom, width, height)), tmp_path).split("\r\n")
    assert payload[:4] == ["SPC", "0200", "1", iban]
    assert payload[4:11] == ["S", "Berner Beratung AG", "Bundesgasse 3", "", "3011", "Bern", "CH"]
    assert payload[18:20] == ["706.56", currency]
    assert payload[20:27] == ["S", "Vaduzer Treuhand AG", "Städtle 7", "", "9490", "Vaduz", "LI"]
    assert payload[27] == reference_type
    if reference_type == "QRR":
        assert esr.is_valid(payload[28]) and payload[28] == qr_reference(doc.number)
    assert payload[29] == "ACME-202611-0007" and payload[30] == "EPD"


def test_both_codes_speak_the_document_s_language():
    """The EPC line goes through the catalogs; the QR-bill prints its labels in German,
    French or Italian (the languages of its standard) and in English otherwise."""
    epc = text_of(pdf.pdf_bytes(document(UNICODE_LINES, total=TOTAL, language="de")))[0]
    assert "Mit einer Banking-App scannen, um diese Rechnung zu bezahlen." in epc
    seller = PartyView(**{**SWISS_SELLER.__dict__, "iban": CH_IBAN})
    bills = {
        language: text_of(
            pdf.pdf_bytes(
                document(
                    UNICODE_LINES, currency="CHF", total=TOTAL, seller=seller, buyer=LI_BUYER,
                    language=language,
                )
            )
        )[-1]
        for language in ("de", "fr", "it", "nl")
    }  # fmt: skip
    assert "Zahlteil" in bills["de"] and "Empfangsschein" in bills["de"]
    assert "Section paiement" in bills["fr"] and "Récépissé" in bills["fr"]
    assert "Sezione pagamento" in bills["it"] and "Ricevuta" in bills["it"]
    assert "Payment part" in bills["nl"] and "Receipt" in bills["nl"]


def test_a_creditor_reference_when_configured_and_no_qr_iban():
    seller = PartyView(**{**SWISS_SELLER.__dict__, "creditor_reference": True})
    doc = document(UNICODE_LINES, currency="CHF", total=TOTAL, seller=seller, buyer=LI_BUYER)
    code = doc.payment_code
    assert code.reference_type == "SCOR" and iso11649.is_valid(code.reference)
    assert code.reference == creditor_reference("ACME-202611-0007") == "RF45ACME2026110007"


def test_a_swiss_client_without_a_swiss_account_pays_eur_by_epc_and_chf_not_at_all():
    eur = document(UNICODE_LINES, total=TOTAL, buyer=LI_BUYER)
    assert eur.payment_code.kind == EPC
    chf = document(UNICODE_LINES, currency="CHF", total=TOTAL, buyer=LI_BUYER)
    assert chf.payment_code.kind == NONE and "CH or LI account" in chf.payment_code.reason


def test_hostile_creditor_and_debtor_text_prints_literally_and_loads_nothing(
    listener, audit, tmp_path
):
    from tallytui.domain.logo import LogoImage
    from tallytui.render.layout import ASSETS

    url = f"http://127.0.0.1:{listener.port}"
    name = f'<img src="{url}/n"> AG'
    street = f'<link rel=stylesheet href="{url}/s.css">'
    city = f"<svg><image href='file://{tmp_path}/secret.txt'/></svg>"
    seller = PartyView(
        **{**SWISS_SELLER.__dict__, "name": name, "street": street, "city": city[:35]}
    )
    buyer = PartyView(**{**LI_BUYER.__dict__, "name": f"@import url({url}/b.css);"})
    logo = io.BytesIO()
    Image.new("RGB", (60, 20), 0).save(logo, "PNG")
    image = LogoImage("image/png", 60, 20, logo.getvalue())
    swiss = document(UNICODE_LINES, currency="CHF", total=TOTAL, seller=seller, buyer=buyer)
    epc = document(UNICODE_LINES, total=TOTAL, seller=PartyView(name, iban=CH_IBAN), logo=image)
    pdf.pdf_bytes(swiss), pdf.pdf_bytes(epc)  # lazy imports happen before auditing
    audit.clear()
    swiss_text = " ".join(text_of(pdf.pdf_bytes(swiss)))
    epc_text = " ".join(text_of(pdf.pdf_bytes(epc)))
    assert name in swiss_text and street in swiss_text and city[:35] in swiss_text
    assert f"@import url({url}/b.css);" in swiss_text and name in epc_text
    assert listener.connections == 0
    assert not [e for e in audit if e[0] == "connect"]
    interpreter = (sys.prefix, sys.base_prefix)
    allowed = (str(ASSETS), *interpreter, *(str(Path(p).resolve()) for p in interpreter))
    assert [p for kind, p in audit if kind == "open" and not p.startswith(allowed)] == []
