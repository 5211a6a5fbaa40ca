"""Laying out an invoice: its HTML kept in memory (a temporary file of the parent process
would be inherited by the processes laying out the other parts, and removed under them);
other processes only where they can be forked; the QR-bill's code drawn in runs."""

from __future__ import annotations

import io
import re
import tempfile
import threading

from hypothesis import given
from hypothesis import strategies as st
from test_invoice_pdf import document, line, text_of

from tallytui.domain.logo import check_logo
from tallytui.render import payment, pdf


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


def covered(path: str) -> set[tuple[int, int]]:
    """The unit squares a path of axis-aligned rectangles fills."""
    cells = set()
    for x, y, end, bottom in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", path):
        cells |= {(k, row) for k in range(int(x), int(end)) for row in range(int(y), int(bottom))}
    return cells


@given(st.sets(st.tuples(st.integers(0, 24), st.integers(0, 24)), min_size=1))
def test_the_qr_bill_path_drawn_in_runs_covers_exactly_the_modules_qrcode_drew(modules):
    order = sorted(modules, key=lambda cell: (cell[1], cell[0]))  # row by row, as qrcode
    squares = "".join(f"M{x},{y}H{x + 1}V{y + 1}H{x}z" for x, y in order)
    svg = f'<path d="{squares}" style="fill:#000000" />'
    drawn = payment._MODULES.sub(payment._module_runs, svg)
    path = re.search(r' d="([^"]*)"', drawn)[1]
    assert covered(path) == modules
    runs = path.count("M")
    assert runs == len(order) - sum(
        1 for (x, y), (nx, ny) in zip(order, order[1:], strict=False) if ny == y and nx == x + 1
    )


def test_the_html_names_its_images_and_their_data_goes_to_layout_beside_it():
    from PIL import Image
    from pypdf import PdfReader

    from tallytui.render.invoice_html import render_html

    data = io.BytesIO()
    Image.effect_noise((600, 200), 40).convert("RGB").save(data, "PNG")
    doc = document([line(1, "Work")], logo=check_logo("n.png", data.getvalue()))
    html, images = render_html(doc)
    assert 'src="tally:logo"' in html and len(html) < 20_000
    assert set(images) == {"tally:logo", "tally:epc"}
    assert all(uri.startswith("data:image/png;base64,") for uri in images.values())
    [page] = PdfReader(io.BytesIO(pdf.pdf_bytes(doc))).pages
    assert sorted(image.image.size for image in page.images) == [(245, 245), (600, 200)]
