"""Invoice PDFs: pages cut before layout, long documents laid out in parallel parts, page
numbers stamped once the page count is known, and the file written atomically."""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..domain.errors import TallyError
from ..domain.payment_codes import SWISS
from ..services.invoice_views import InvoiceView
from .files import write_atomically
from .i18n import translate
from .invoice_html import line_rows, render_html, title
from .layout import LayoutError, layout, register_sans, reportlab_settings
from .pagination import paginate
from .payment import BILL_HEIGHT_MM, swiss_bill_page

PARALLEL_FROM = 150  # lines: below this, starting another process costs more than it saves


def _fork_context():
    """Forking where it is safe (a single-threaded CLI); elsewhere (the TUI's threads) None:
    a fresh interpreter would take longer to start than the part takes to lay out."""
    if hasattr(os, "fork") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return None


def _worker_count(lines: int) -> int:
    if lines < PARALLEL_FROM:
        return 0
    return max(0, min(3, (os.cpu_count() or 1) - 1))


def _split(pages: list, parts: int) -> list[list]:
    """Consecutive groups of whole pages with about the same number of lines each."""
    total = sum(len(page) for page in pages)
    groups: list[list] = [[]]
    done = 0
    for page in pages:
        if groups[-1] and done >= total * len(groups) / parts and len(groups) < parts:
            groups.append([])
        groups[-1].append(page)
        done += len(page)
    return groups


def _layout_parts(doc: InvoiceView) -> list[bytes]:
    pages = paginate(doc.lines)
    context = _fork_context()
    groups = _split(pages, (_worker_count(len(doc.lines)) if context else 0) + 1)
    parts = [
        (
            *render_html(doc, show_header=index == 0, show_totals=index == len(groups) - 1),
            line_rows(doc, group),
        )
        for index, group in enumerate(groups)
    ]
    if len(parts) == 1:
        return [layout(*parts[0])]
    with ProcessPoolExecutor(max_workers=len(parts) - 1, mp_context=context) as pool:
        later = [pool.submit(layout, *part) for part in parts[1:]]
        first = layout(*parts[0])
        return [first] + [future.result() for future in later]


def _footer_stamps(
    doc: InvoiceView, sizes: list[tuple[float, float]], bill_page: int | None = None
) -> bytes:
    """One overlay page per page: "Invoice NUMBER · Page X of Y" at the footer's right;
    on the page of a Swiss payment part, just above it."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = register_sans()
    output = io.BytesIO()
    with reportlab_settings():
        # The embedded font as the canvas's base font: no page names an unembedded Helvetica.
        canvas = Canvas(output, invariant=1, initialFontName=font)
        for number, (width, height) in enumerate(sizes, start=1):
            canvas.setPageSize((width, height))
            canvas.setFont(font, 7)
            canvas.setFillColorRGB(0x5A / 255, 0x62 / 255, 0x70 / 255)
            canvas.drawRightString(
                width - 16 * mm,
                (BILL_HEIGHT_MM + 4) * mm if number == bill_page else 19 * mm - 7.2,
                f"{title(doc)} {doc.number} · "
                + translate(
                    doc.language, "Page %(page)s of %(pages)s", page=number, pages=len(sizes)
                ),
            )
            canvas.showPage()
        canvas.save()
    return output.getvalue()


def described(doc: InvoiceView) -> tuple[str, str, str]:
    """(title, author, subject) of the document's metadata: a Factur-X PDF repeats them."""
    heading = f"{title(doc)} {doc.number}"
    subject = translate(
        doc.language, "%(title)s for %(buyer)s", title=heading, buyer=doc.buyer.name
    )
    return heading, doc.seller.name, subject


def pdf_bytes(doc: InvoiceView) -> bytes:
    """The finished document: parts joined, pages numbered, fixed metadata."""
    from pypdf import PdfReader, PdfWriter

    try:
        parts = _layout_parts(doc)
    except LayoutError as exc:
        raise TallyError(f"the PDF of {doc.number} could not be laid out: {exc}") from exc
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in writer.pages]
    bill_page = None
    code = doc.payment_code
    if code.kind == SWISS:
        writer.append(PdfReader(io.BytesIO(swiss_bill_page(doc, code, sizes[-1]))))
        sizes.append(sizes[-1])
        bill_page = len(sizes)
    stamps = PdfReader(io.BytesIO(_footer_stamps(doc, sizes, bill_page)))
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_page(stamp)
    stamp_date = f"D:{doc.issue_date:%Y%m%d}000000Z"
    heading, author, subject = described(doc)
    writer.add_metadata(
        {
            "/Title": heading,
            "/Author": author,
            "/Subject": subject,
            "/Creator": "tallytui",
            "/Producer": "tallytui",
            "/CreationDate": stamp_date,
            "/ModDate": stamp_date,
        }
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def write_pdf(doc: InvoiceView, target: Path) -> Path:
    """Render the PDF and put it at ``target`` atomically."""
    return write_atomically(pdf_bytes(doc), target)
