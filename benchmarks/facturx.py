"""The Factur-X PDF of a 10-line invoice (plain PDF, CII and embedding) against the plain
PDF alone, timed in alternation so that load on the machine shifts both alike. Part of
the ``einvoice`` group."""

from __future__ import annotations

import statistics
import time

from .core import Measurement

MAX_RATIO = 1.2  # Factur-X adds at most 20 % to the plain PDF's time
LINES = 10


def _plain_ms(view) -> float:
    from tallytui.render.pdf import pdf_bytes

    started = time.perf_counter()
    pdf_bytes(view)
    return (time.perf_counter() - started) * 1000


def _facturx_ms(view, document) -> float:
    from tallytui.render.einvoice import write
    from tallytui.render.facturx import facturx_pdf
    from tallytui.render.pdf import pdf_bytes

    started = time.perf_counter()
    facturx_pdf(
        pdf_bytes(view),
        write(document, "cii"),
        title=f"Invoice {document.number}",
        author=document.seller.name,
        subject=f"Invoice {document.number} for {document.buyer.name}",
        issued=document.issue_date,
    )
    return (time.perf_counter() - started) * 1000


def facturx_measurements(runs: int, document) -> list[Measurement]:
    """One row: the Factur-X PDF's median, the plain PDF's as its baseline, their ratio."""
    from .pdf import _document as invoice_view

    view = invoice_view(LINES)
    _facturx_ms(view, document)  # imports, fonts and the ICC profile are not in the figures
    plain, facturx = [], []
    for _ in range(runs):
        plain.append(_plain_ms(view))
        facturx.append(_facturx_ms(view, document))
    return [
        Measurement(
            f"Factur-X PDF, {LINES} lines (vs plain PDF)",
            statistics.median(facturx),
            statistics.median(plain),
            max_ratio=MAX_RATIO,
        )
    ]
