"""Laying out an invoice: its HTML kept in memory (a temporary file of the parent process
would be inherited by the processes laying out the other parts, and removed under them);
other processes only where they can be forked."""

from __future__ import annotations

import io
import tempfile
import threading

from test_invoice_pdf import document, line, text_of

from tallytui.domain.logo import check_logo
from tallytui.render import pdf


def test_a_long_invoice_with_a_large_logo_writes_no_temporary_file(monkeypatch):
    from PIL import Image
    from xhtml2pdf import files

    data = io.BytesIO()
    Image.effect_noise((600, 200), 40).convert("RGB").save(data, "PNG")
    assert len(data.getvalue()) > 200_000
    doc = document(
        [line(i, f"Work item {i}") for i in range(1, 61)], logo=check_logo("n.png", data.getvalue())
    )
    made = []
    real = tempfile.NamedTemporaryFile

    def recording(*args, **kwargs):
        made.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", recording)
    # xhtml2pdf's spill of a large source to disk holds its own reference.
    monkeypatch.setattr(files.pisaTempFile, "STRATEGIES", (io.BytesIO, recording))
    pages = text_of(pdf.pdf_bytes(doc))
    assert "Work item 60" in pages[-1]
    assert made == []


def test_with_other_threads_running_a_long_invoice_is_laid_out_in_this_process(monkeypatch):
    """The TUI runs threads, so no fork; a fresh interpreter would cost more than it saves."""

    def refused(*args, **kwargs):
        raise AssertionError("no process is started")

    monkeypatch.setattr(pdf, "ProcessPoolExecutor", refused)
    doc = document([line(i, f"Work item {i}") for i in range(1, pdf.PARALLEL_FROM + 51)])
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        pages = text_of(pdf.pdf_bytes(doc))
    finally:
        stop.set()
        other.join()
    assert f"Work item {pdf.PARALLEL_FROM + 50}" in pages[-1]


def test_every_stream_of_a_pdf_with_a_logo_and_a_qr_bill_is_binary_not_ascii85():
    from PIL import Image
    from pypdf import PdfReader
    from test_payment_codes import LI_BUYER, SWISS_SELLER, TOTAL

    data = io.BytesIO()
    Image.effect_noise((120, 40), 40).convert("RGB").save(data, "PNG")
    doc = document(
        [line(1, "Work")],
        currency="CHF",
        total=TOTAL,
        seller=SWISS_SELLER,
        buyer=LI_BUYER,
        logo=check_logo("n.png", data.getvalue()),
    )
    written = pdf.pdf_bytes(doc)
    assert b"/FlateDecode" in written and b"/Subtype /Image" in written
    assert b"ASCII85Decode" not in written
    assert len(PdfReader(io.BytesIO(written)).pages) == 2
