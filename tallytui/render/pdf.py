"""Invoice PDFs: pages cut before layout, long documents laid out in parallel parts, page
numbers stamped once the page count is known, and the file written atomically."""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..domain.errors import TallyError
from ..services.invoice_views import InvoiceView
from .invoice_html import render_html, title
from .layout import LayoutError, layout, register_sans
from .pagination import paginate

PARALLEL_FROM = 150  # lines: below this, starting another process costs more than it saves


def _worker_count(lines: int) -> int:
    if lines < PARALLEL_FROM:
        return 0
    return max(0, min(3, (os.cpu_count() or 1) - 1))


def _context():
    """fork where it is safe (a single-threaded CLI), else a fresh interpreter (the TUI)."""
    if hasattr(os, "fork") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


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
    groups = _split(pages, _worker_count(len(doc.lines)) + 1)
    html = [
        render_html(doc, group, show_header=index == 0, show_totals=index == len(groups) - 1)
        for index, group in enumerate(groups)
    ]
    if len(html) == 1:
        return [layout(html[0])]
    with ProcessPoolExecutor(max_workers=len(html) - 1, mp_context=_context()) as pool:
        later = [pool.submit(layout, part) for part in html[1:]]
        first = layout(html[0])
        return [first] + [future.result() for future in later]


def _footer_stamps(doc: InvoiceView, sizes: list[tuple[float, float]]) -> bytes:
    """One overlay page per page: "Invoice NUMBER · Page X of Y" at the footer's right."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = register_sans()
    output = io.BytesIO()
    # The embedded font as the canvas's base font: no page names an unembedded Helvetica.
    canvas = Canvas(output, invariant=1, initialFontName=font)
    for number, (width, height) in enumerate(sizes, start=1):
        canvas.setPageSize((width, height))
        canvas.setFont(font, 7)
        canvas.setFillColorRGB(0x5A / 255, 0x62 / 255, 0x70 / 255)
        canvas.drawRightString(
            width - 16 * mm,
            19 * mm - 7.2,
            f"{title(doc)} {doc.number} · Page {number} of {len(sizes)}",
        )
        canvas.showPage()
    canvas.save()
    return output.getvalue()


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
    stamps = PdfReader(io.BytesIO(_footer_stamps(doc, sizes)))
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_page(stamp)
    stamp_date = f"D:{doc.issue_date:%Y%m%d}000000Z"
    writer.add_metadata(
        {
            "/Title": f"{title(doc)} {doc.number}",
            "/Author": doc.seller.name,
            "/Subject": f"{title(doc)} {doc.number} for {doc.buyer.name}",
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
    """Write the PDF next to ``target`` under a temporary name, then rename it into place:
    a crash mid-render leaves the old file or none, never a truncated one."""
    data = pdf_bytes(doc)
    target = target.expanduser()
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise TallyError(f"cannot write {target}: {exc.strerror}") from exc
    return target.resolve()
