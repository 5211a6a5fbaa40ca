"""The codes a banking app scans to pay an invoice, made in-process from the frozen
document: an EPC code as an inline PNG for the template, and the Swiss QR-bill's payment
part drawn with ReportLab onto a page of its own. Neither reads a file or the network."""

from __future__ import annotations

import base64
import io
import re
from functools import cache

from ..domain.logo import LogoImage
from ..domain.payment_codes import EPC, PaymentCode
from ..services.invoice_views import InvoiceView
from .layout import ASSETS, embed_base_font, register_sans, reportlab_settings

EPC_SIZE_MM = 26  # printed size, quiet zone included (the EPC asks for at least 20 mm)
EPC_NAME_MAX = 70  # characters of the beneficiary's name an EPC code holds
SANS_BOLD = "TallyInvoiceSans-Bold"
# The names the template gives the inline images: the HTML parser would otherwise scan the
# whole of their data (a logo's can be hundreds of kilobytes) character by character.
LOGO_SRC = "tally:logo"
EPC_SRC = "tally:epc"
# The text the payment section adds, in one place for translating.
# The Swiss payment part: A4 wide, 105 mm high (qrbill draws 1 mm more for its scissors).
BILL_HEIGHT_MM = 106
# The languages the QR-bill standard prints its own labels in; others get English.
BILL_LANGUAGES = {"de", "fr", "it"}


def data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def logo_block(logo: LogoImage | None) -> dict | None:
    """What the header's logo block needs: the image's name in the HTML, the image inline
    (given to layout by that name) and its printed size."""
    if logo is None:
        return None
    width, height = logo.print_size()
    uri = data_uri(logo.media_type, logo.data)
    return {"src": LOGO_SRC, "uri": uri, "width": width, "height": height}


def epc_block(doc: InvoiceView) -> dict | None:
    """What the payment section needs for an EPC code, or None without one."""
    if doc.payment_code.kind != EPC:
        return None
    return {"src": EPC_SRC, "uri": epc_uri(doc), "size": EPC_SIZE_MM}


def epc_uri(doc: InvoiceView) -> str:
    """The EPC QR code ("GiroCode") of the invoice: beneficiary, IBAN, BIC, amount, and
    the invoice number as remittance text."""
    from segno import helpers

    seller = doc.seller
    code = helpers.make_epc_qr(
        name=seller.name[:EPC_NAME_MAX],
        iban=seller.iban,
        amount=doc.total,
        text=doc.number,
        bic=seller.bic or None,
    )
    return code.png_data_uri(scale=5, border=4)


def _address(party, name_max: int = 70) -> dict:
    return {
        "name": party.name[:name_max],
        "street": party.street[:70],
        "pcode": party.postcode[:16],
        "city": party.city[:35],
        "country": party.country,
    }


def swiss_bill(doc: InvoiceView, code: PaymentCode):
    """The qrbill object of the document: creditor, amount, debtor when its address is
    complete, the reference; the invoice number as the message when there is none."""
    from qrbill import QRBill

    buyer = doc.buyer
    debtor = _address(buyer) if buyer.postcode and buyer.city and buyer.country else None
    return QRBill(
        account=doc.seller.iban,
        creditor=_address(doc.seller),
        amount=f"{doc.total:.2f}",
        currency=doc.currency,
        debtor=debtor,
        reference_number=code.reference or None,
        additional_information=doc.number,
        language=doc.language if doc.language in BILL_LANGUAGES else "en",
    )


@cache
def _svg_fonts() -> str:
    """The package's DejaVu Sans (regular and bold) under one family name for svglib, so
    that it neither asks fontconfig for a system font nor names an unembedded one."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from svglib import fonts

    sans = register_sans()
    if SANS_BOLD not in pdfmetrics.getRegisteredFontNames():
        bold = str(ASSETS / "fonts" / "DejaVuSans-Bold.ttf")
        pdfmetrics.registerFont(TTFont(SANS_BOLD, bold))
    fonts.register_font(sans, rlgFontName=sans)
    fonts.register_font(sans, weight="bold", rlgFontName=SANS_BOLD)
    return sans


_MODULE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\1z")
_MODULES = re.compile(r' d="((?:M\d+,\d+H\d+V\d+H\d+z)+)"')


def _module_runs(match: re.Match) -> str:
    """The QR code's path with each row's run of dark modules as one rectangle: qrcode
    draws every module as a square of its own, and svglib takes a while over each."""
    runs: list[list[int]] = []  # x, y, end
    for x, y, end, bottom in (map(int, m.groups()) for m in _MODULE.finditer(match[1])):
        if bottom != y + 1:
            return match[0]
        if runs and runs[-1][1] == y and runs[-1][2] == x:
            runs[-1][2] = end
        else:
            runs.append([x, y, end])
    path = "".join(f"M{x},{y}H{end}V{y + 1}H{x}z" for x, y, end in runs)
    return f' d="{path}"'


def swiss_bill_page(doc: InvoiceView, code: PaymentCode, size: tuple[float, float]) -> bytes:
    """One page of ``size`` with the receipt and payment part in its bottom 105 mm."""
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas
    from svglib.svglib import svg2rlg

    sans = _svg_fonts()
    embed_base_font()
    bill = swiss_bill(doc, code)
    bill.font_family = sans
    svg = io.StringIO()
    bill.as_svg(svg)
    drawn = _MODULES.sub(_module_runs, svg.getvalue())
    drawing = svg2rlg(io.BytesIO(drawn.encode("utf-8")))
    output = io.BytesIO()
    with reportlab_settings():
        canvas = Canvas(output, pagesize=size, invariant=1, initialFontName=sans)
        renderPDF.draw(drawing, canvas, 0, 0)
        canvas.showPage()
        canvas.save()
    return output.getvalue()
