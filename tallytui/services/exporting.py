"""Exporting entries and invoices for accountants and scripts, as CSV or JSON.

Rows are written as they are read (``entries.stream_entries``, ``invoice_stream``), so an
export of years of history needs no more memory than one of a week.

Entries are written in the generic CSV, so an export re-imports without loss
(``tally import --format generic``). Text cells that a spreadsheet would run as a formula
get a leading single quote; numbers, negative amounts of credit notes included, stay
numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TextIO

from ..importers.csvfile import neutralise
from ..importers.generic import EXPORT_COLUMNS, export_cells
from ..store.models import Invoice, db
from .invoice_views import InvoiceView, view
from .invoices import may_read
from .views import EntryView

INVOICE_COLUMNS = (
    "number",
    "kind",
    "status",
    "client",
    "project",
    "issue_date",
    "due_date",
    "period_start",
    "period_end",
    "currency",
    "subtotal",
    "tax_rate",
    "tax",
    "total",
    "credits",
    "paid_on",
)


@contextmanager
def invoice_stream(
    actor: str, first: date | None, last: date | None
) -> Iterator[Iterator[InvoiceView]]:
    """Invoices and credit notes issued from ``first`` to ``last``, by number (the register
    has no gaps: void documents are included), each read as it is consumed, inside one
    read transaction that lasts as long as the block; for those who may see invoices."""
    with db.atomic():
        may_read(actor)
        query = Invoice.select().order_by(Invoice.number)
        if first is not None:
            query = query.where(Invoice.issue_date >= first)
        if last is not None:
            query = query.where(Invoice.issue_date <= last)
        yield (view(row) for row in query.iterator())


def _writer(out: TextIO):
    return csv.writer(out, lineterminator="\r\n")


def write_entries_csv(out: TextIO, views: Iterable[EntryView], tz: str) -> int:
    writer = _writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for entry in views:
        writer.writerow(export_cells(entry, tz))
        count += 1
    return count


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def write_invoices_csv(out: TextIO, views: Iterable[InvoiceView]) -> int:
    """One row per document; amounts are plain decimals (``-118.75`` for credits)."""
    writer = _writer(out)
    writer.writerow(INVOICE_COLUMNS)
    count = 0
    for v in views:
        writer.writerow(
            [
                neutralise(v.number),
                v.kind,
                v.status,
                neutralise(v.client),
                neutralise(v.project or ""),
                _day(v.issue_date),
                _day(v.due_date),
                _day(v.period_start),
                _day(v.period_end),
                v.currency,
                str(v.subtotal),
                str(v.tax_rate),
                str(v.tax),
                str(v.total),
                neutralise(v.credits or ""),
                _day(v.paid_on),
            ]
        )
        count += 1
    return count
