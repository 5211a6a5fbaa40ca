"""Rendering invoice PDFs after import: a 10-line invoice and a 1,000-line detailed one,
without and with a logo and a payment code (an EPC code; a Swiss QR-bill page), beside
xhtml2pdf laying out one plain 1,000-row table in the same run."""

from __future__ import annotations

import io
import statistics
import time
from datetime import date
from decimal import Decimal

from .core import Measurement, group

MAX_SMALL_MS = 300
MAX_LARGE_MS = 3000


def _logo():
    from PIL import Image

    from tallytui.domain.logo import check_logo

    data = io.BytesIO()
    Image.effect_noise((600, 200), 40).convert("RGB").save(data, "PNG")
    return check_logo("bench.png", data.getvalue())


# The seller and buyer of each variant: EUR to Germany (EPC code), CHF to Switzerland.
_PARTIES = {
    "plain": (("DE1", ""), ("Allee 5\n80331 München", "")),
    "epc": (("DE1", "DE89370400440532013000"), ("Allee 5\n80331 München", "")),
    "swiss": (("CHE1", "CH4431999123000889012"), ("Bahnhofstr. 1\n8001 Zürich", "CH")),
}


def _document(lines: int, variant: str = "epc"):
    from tallytui.domain.vat import TaxGroup
    from tallytui.services.invoice_views import InvoiceView, LineView, PartyView

    rows = tuple(
        LineView(
            i,
            i,
            f"2026-11-{i % 28 + 1:02d} Web shop: checkout and payment work, part {i}",
            "Web shop",
            "service",
            Decimal("1.25"),
            "h",
            Decimal("95.00"),
            Decimal("118.75"),
            (i,),
            (),
            None,
            "S",
            Decimal("19.00"),
        )
        for i in range(1, lines + 1)
    )
    total = Decimal("118.75") * lines
    tax = (total * Decimal("0.19")).quantize(Decimal("0.01"))
    (vat_id, iban), (address, country) = _PARTIES[variant]
    swiss = variant == "swiss"
    return InvoiceView(
        "BENCH-202611-0001",
        "invoice",
        "ready",
        "Client",
        None,
        date(2026, 11, 20),
        date(2026, 12, 4),
        "CHF" if swiss else "EUR",
        date(2026, 11, 1),
        date(2026, 11, 30),
        None,
        None,
        rows,
        total,
        Decimal("19.00"),
        tax,
        total + tax,
        (TaxGroup("S", Decimal("19.00"), total, tax),),
        "detailed",
        None,
        "",
        14,
        PartyView(
            "Benchmark Consulting GmbH",
            "Hauptstraße 1\n10115 Berlin",
            "",
            vat_id,
            iban,
            street="Bahnhofstr. 2" if swiss else "",
            postcode="8001" if swiss else "",
            city="Zürich" if swiss else "",
            country="CH" if swiss else "",
        ),
        PartyView("Client GmbH", address, country=country),
        None,
        None,
        logo=None if variant == "plain" else _logo(),
    )


def _plain_table_ms(rows: int) -> float:
    """The floor: xhtml2pdf with one unstyled table of the same rows."""
    from xhtml2pdf import pisa

    body = "".join(
        f"<tr><td>2026-11-01 Web shop: checkout and payment work, part {i}</td>"
        "<td>1.25 h</td><td>95.00</td><td>118.75</td></tr>"
        for i in range(rows)
    )
    html = (
        f"<html><body><table repeat='1'><thead><tr><th>Description</th><th>Quantity</th>"
        f"<th>Unit price</th><th>Amount</th></tr></thead>{body}</table></body></html>"
    )
    started = time.perf_counter()
    pisa.CreatePDF(html, dest=io.BytesIO())
    return (time.perf_counter() - started) * 1000


def _render_ms(lines: int, variant: str) -> float:
    from tallytui.render.pdf import pdf_bytes

    doc = _document(lines, variant)
    started = time.perf_counter()
    pdf_bytes(doc)
    return (time.perf_counter() - started) * 1000


@group("pdf")
def pdf(runs: int) -> list[Measurement]:
    """Invoice PDFs of 10 and 1,000 lines against one plain 1,000-row xhtml2pdf table:
    without logo and payment code, with a logo and an EPC code, with a logo and a Swiss
    QR-bill."""
    for variant in _PARTIES:
        _render_ms(1, variant)  # imports and font loading are not part of the figures
    runs = max(1, min(runs, 3))
    floor = statistics.median(_plain_table_ms(1000) for _ in range(runs))
    shown = {"plain": "", "epc": ", logo + EPC code", "swiss": ", logo + Swiss QR-bill"}
    return [
        Measurement(
            f"invoice PDF, {label} lines{shown[variant]}",
            statistics.median(_render_ms(lines, variant) for _ in range(runs)),
            floor,
            max_ms=limit,
        )
        for lines, label, limit in ((10, "10", MAX_SMALL_MS), (1000, "1,000", MAX_LARGE_MS))
        for variant in _PARTIES
    ]
