"""Cutting invoice lines into pages before layout.

Each page gets its own table with its own header row, so the header is on every page and
no row is ever cut in half; page-sized tables also spare ReportLab splitting one long
table again at every page. Heights are estimated on the safe side: a page may end a
little early, and should an estimate still run over, the table repeats its header on the
overflow page.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from ..services.invoice_views import LineView

CHARS_PER_TEXT_LINE = 48  # the description column holds about 55 average characters
EXTRA_TEXT_LINE = 0.7  # a wrapped line adds about 70 % of a one-line row's height
FIRST_PAGE_ROWS = 31.0  # below the parties and dates (measured: 35 one-line rows)
PAGE_ROWS = 39.0  # a following page (measured: 42 one-line rows)


def row_height(line: LineView) -> float:
    """A row's height in one-line rows, from its description's length and line breaks."""
    text_lines = sum(
        max(1, ceil(len(part) / CHARS_PER_TEXT_LINE)) for part in line.description.splitlines()
    )
    return 1 + EXTRA_TEXT_LINE * (max(text_lines, 1) - 1)


def paginate(
    lines: Sequence[LineView], first: float = FIRST_PAGE_ROWS, rest: float = PAGE_ROWS
) -> list[list[LineView]]:
    """Consecutive groups of lines, one per page; every line in exactly one group."""
    pages: list[list[LineView]] = [[]]
    room = first
    for line in lines:
        height = row_height(line)
        if pages[-1] and height > room:
            pages.append([])
            room = rest
        pages[-1].append(line)
        room -= height
    return pages
