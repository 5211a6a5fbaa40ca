"""HTML to PDF with xhtml2pdf, reading nothing but the package's own assets; the lines'
rows are drawn into the parsed document by ReportLab (line_table.py).

Kept free of the rest of the package so that a worker process laying out part of a long
invoice imports only what layout needs.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ASSETS = Path(__file__).resolve().parent
SANS = "TallyInvoiceSans"


class LayoutError(Exception):
    """xhtml2pdf reported errors while laying out a document."""


def policy():
    """Local reads confined to the package's assets; no network at all; bounded sizes.

    User text is escaped before it reaches the template, so this is a second wall: even
    markup that did get through could fetch no URL and read no file outside the assets.
    """
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    return ResourceAccessPolicy.server(
        base_dir=ASSETS,
        allow_remote=False,
        max_resources=8,
        max_local_bytes=4 * 1024 * 1024,
    )


def register_sans() -> str:
    """The package's DejaVu Sans under one ReportLab name, registered once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if SANS not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SANS, str(ASSETS / "fonts" / "DejaVuSans.ttf")))
    return SANS


def embed_base_font() -> None:
    """ReportLab selects a base font, Helvetica unless told otherwise, at the start of
    every page and of every table cell, even where no text follows: the PDF would name a
    font it does not embed, which PDF/A forbids. The embedded DejaVu Sans takes that place
    for every document this process lays out (all of them are invoices); and of every
    drawing (the Swiss payment part)."""
    from reportlab import rl_config
    from reportlab.platypus.tables import CellStyle

    sans = register_sans()
    rl_config.canvas_basefontname = CellStyle.fontname = sans
    rl_config.defaultGraphicsFontName = sans


@contextmanager
def reportlab_settings() -> Iterator[None]:
    """ReportLab's invariant mode (fixed dates and ids: the same input gives the same bytes)
    and binary streams: without ASCII85 they are a fifth smaller, and neither ReportLab
    encodes them nor pypdf decodes them again when the pages are joined and stamped."""
    from reportlab import rl_config

    previous = rl_config.invariant, rl_config.useA85
    rl_config.invariant, rl_config.useA85 = 1, 0
    try:
        yield
    finally:
        rl_config.invariant, rl_config.useA85 = previous


def layout(
    html: str,
    images: Mapping[str, str] | None = None,
    lines: Sequence[Sequence[tuple[str, ...]]] = (),
) -> bytes:
    """One PDF from one HTML document, the images it names by a name of ``images`` given
    their data URI, its lines table given ``lines``, a page of rows each; the same input
    always gives the same bytes."""
    from xhtml2pdf.config.resources import render_budget, use_policy
    from xhtml2pdf.document import pisaStory
    from xhtml2pdf.files import cleanFiles
    from xhtml2pdf.util import reset_caches

    from .line_table import SpliceError, splice

    logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)
    embed_base_font()
    rules = policy()
    output = io.BytesIO()
    try:
        with reportlab_settings(), use_policy(rules), render_budget(rules):
            context = pisaStory(
                html,
                link_callback=lambda uri, _base: (images or {}).get(uri),
                encoding="utf-8",
                resource_policy=rules,
            )
            if context.err:
                raise LayoutError(f"{context.err} layout errors")
            body = context.templateList.pop("body")
            frame = body.frames[0]
            splice(context.story, lines, (frame._aW, frame._aH))
            _build(context, body, output)
    except SpliceError as exc:
        raise LayoutError(str(exc)) from exc
    finally:
        cleanFiles()
        reset_caches()
    return output.getvalue()


def _build(context, body, output: io.BytesIO) -> None:
    """What xhtml2pdf's pisaDocument does with a story, for the template's single
    ``@page``: its page templates and one build."""
    from xhtml2pdf.xhtml2pdf_reportlab import PmlBaseDoc

    meta = context.meta
    doc = PmlBaseDoc(
        output,
        pagesize=context.pageSize,
        author=meta["author"].strip(),
        subject=meta["subject"].strip(),
        title=meta["title"].strip(),
        showBoundary=0,
        allowSplitting=1,
        lang=context.lang_tag or None,
    )
    doc.addPageTemplates([body, *context.templateList.values()])
    doc.pisaPositioned = context.positioned
    doc.build(context.story)
