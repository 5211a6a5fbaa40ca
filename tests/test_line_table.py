"""The invoice lines drawn as ReportLab tables: wrapped like the template's paragraphs,
figures aligned right, rows whole but for one taller than a page, every word printed."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from test_invoice_pdf import document, line, text_of

from tallytui.domain.vat import TaxGroup
from tallytui.render import pdf
from tallytui.render.layout import LayoutError, layout, register_sans
from tallytui.render.line_table import FONT_SIZE, wrap

WIDTH = 150.0


def width(text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, register_sans(), FONT_SIZE)


@given(
    st.text(alphabet=st.sampled_from(list("abcdefghij ÄöüßWM\n.-")) | st.characters(), max_size=300)
)
def test_wrapping_keeps_every_word_in_order_and_each_line_in_the_column(text):
    wrapped = wrap(text, register_sans(), WIDTH)
    assert wrapped.split() == text.split()
    for printed in wrapped.split("\n"):
        assert width(printed) <= WIDTH or len(printed.split()) == 1
    assert wrapped.count("\n") >= len(text.splitlines()) - 1


def test_a_line_of_words_breaks_before_the_word_that_would_run_over():
    text = " ".join(["Straßenbahn"] * 40)
    lines = wrap(text, register_sans(), WIDTH).split("\n")
    assert len(lines) > 1
    for printed, following in zip(lines, lines[1:], strict=False):
        assert width(f"{printed} {following.split()[0]}") > WIDTH


def positions(data: bytes, wanted: set[str]) -> list[tuple[str, float]]:
    """(text, x) of each drawn text run among ``wanted``, in drawing order."""
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip() in wanted:
            found.append((text.strip(), tm[4] * cm[0] + cm[4]))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_amounts_are_aligned_right_and_descriptions_left():
    lines = [
        line(1, "Short", amount="118.75"),
        line(2, "A somewhat longer description", amount="1118.75"),
        line(3, "Mid length text", amount="8.75"),
    ]
    data = pdf.pdf_bytes(document(lines))
    amounts = positions(data, {"€118.75", "€1,118.75", "€8.75"})
    assert [text for text, _ in amounts] == ["€118.75", "€1,118.75", "€8.75"]
    rights = {round(x + width(text), 1) for text, x in amounts}
    assert len(rights) == 1
    starts = positions(data, {"Short", "A somewhat longer description", "Mid length text"})
    assert len(starts) == 3 and len({round(x, 1) for _, x in starts}) == 1


def test_a_row_taller_than_a_page_continues_on_the_next_with_every_word():
    words = [f"w{i}" for i in range(4000)]
    doc = document([line(1, " ".join(words)), line(2, "The line after")])
    pages = text_of(pdf.pdf_bytes(doc))
    assert len(pages) > 3
    printed = [w for page in pages for w in page.split() if w.startswith("w") and w[1:].isdigit()]
    assert printed == words
    assert "The line after" in pages[-1]
    assert all("Description" in page for page in pages[:-1])


def test_several_rates_put_each_lines_rate_in_its_own_column():
    lines = [
        line(1, "Consulting", tax_rate=Decimal("19.00")),
        line(2, "Books", tax_rate=Decimal("7.00")),
    ]
    groups = (
        TaxGroup("S", Decimal("19.00"), Decimal("118.75"), Decimal("22.56")),
        TaxGroup("S", Decimal("7.00"), Decimal("118.75"), Decimal("8.31")),
    )
    data = pdf.pdf_bytes(document(lines, tax_breakdown=groups))
    rates = positions(data, {"19%", "7%"})
    assert [text for text, _ in rates] == ["19%", "7%"]
    assert len({round(x + width(text), 1) for text, x in rates}) == 1


def test_a_lines_table_without_its_rows_is_a_layout_error():
    html = (
        "<html><head><style>@page { size: a4 }</style></head><body>"
        "<table repeat='1'><tr><th>Description</th></tr></table></body></html>"
    )
    with pytest.raises(LayoutError, match="1 lines tables for 0 pages of lines"):
        layout(html, {}, [])
