"""The invoice lines as ReportLab tables, one per page, put in place of the header-only
table xhtml2pdf laid out from the template.

The lines table is where nearly all of a long invoice's nodes are, and xhtml2pdf matches
its CSS against every cell: drawing the rows as plain text cells costs a fraction of that.
The header row stays xhtml2pdf's (translated, styled by the template); the rows keep the
template's look (body font, size and colour, a rule below each row). Text is drawn as
given, never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from .layout import register_sans

Row = tuple[str, ...]

FONT_SIZE = 8.5  # body { font-size }
LEADING = FONT_SIZE * 1.35  # body { line-height }
# The template's cell padding is 3pt 4pt 2pt 4pt; ReportLab sets a text cell's first
# baseline a full font size under the top padding, xhtml2pdf's paragraphs 2pt higher: 2pt
# of the top padding move to the bottom, so the rows read as they did.
PADDING = (1, 4, 4, 4)  # top, right, bottom, left
TEXT_COLOR = "#1f2328"  # body { color }
RULE = (0.3, "#d0d5dd")  # below each row


class SpliceError(Exception):
    """The laid out document does not have one lines table per page of rows."""


def wrap(text: str, font: str, width: float) -> str:
    """``text`` broken at spaces into lines no wider than ``width``, its own line breaks
    kept; a word wider than that alone stays whole on its line, as xhtml2pdf printed it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and stringWidth(candidate, font, FONT_SIZE) > width:
                out.append(line)
                candidate = word
            line = candidate
        out.append(line)
    return "\n".join(out)


def _widths(header, frame_width: float) -> list[float]:
    """The template's column widths (percentages of the frame) in points."""
    return [frame_width * float(str(width).rstrip("%")) / 100 for width in header._argW]


def lines_table(header, rows: Sequence[Row], frame: tuple[float, float]):
    """One page of rows under xhtml2pdf's header row ``header``: the first column wrapped
    text on the left, the others figures on the right. Rows are never cut across pages,
    but for one taller than a whole page: that one continues on the next."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    font = register_sans()
    widths = _widths(header, frame[0])
    top, right, bottom, left = PADDING
    room = widths[0] - left - right
    data = [list(header._cellvalues[0])]
    data += [[wrap(row[0], font, room), *row[1:]] for row in rows]
    tallest = max((cells[0].count("\n") + 1 for cells in data[1:]), default=0)
    body = (0, 1), (-1, -1)
    style = TableStyle(
        [
            ("FONT", *body, font, FONT_SIZE, LEADING),
            ("TEXTCOLOR", *body, HexColor(TEXT_COLOR)),
            ("VALIGN", *body, "TOP"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("TOPPADDING", *body, top),
            ("RIGHTPADDING", *body, right),
            ("BOTTOMPADDING", *body, bottom),
            ("LEFTPADDING", *body, left),
            ("LINEBELOW", *body, RULE[0], HexColor(RULE[1])),
            *header._bkgrndcmds,
            *header._linecmds,
        ]
    )
    table = Table(
        data,
        colWidths=widths,
        repeatRows=1,
        style=style,
        splitInRow=int(tallest * LEADING + top + bottom > frame[1]),
    )
    table._cellStyles[0] = header._cellStyles[0]
    table.spaceBefore, table.spaceAfter = header.spaceBefore, header.spaceAfter
    table.hAlign = header.hAlign
    return table


def splice(story: list, pages: Sequence[Sequence[Row]], frame: tuple[float, float]) -> None:
    """The header-only lines table of ``story`` (the one table the template marks
    ``repeat="1"``) replaced by one table per page of rows, each on a page of its own;
    ``frame`` is the page's text area (width, height)."""
    from reportlab.platypus import PageBreak, Table

    places = [
        index
        for index, flowable in enumerate(story)
        if isinstance(flowable, Table) and flowable.repeatRows == 1
    ]
    if len(places) != 1 or not pages:
        raise SpliceError(f"{len(places)} lines tables for {len(pages)} pages of lines")
    [place] = places
    header = story[place]
    tables: list = []
    for rows in pages:
        if tables:
            tables.append(PageBreak())
        tables.append(lines_table(header, rows, frame))
    story[place : place + 1] = tables
