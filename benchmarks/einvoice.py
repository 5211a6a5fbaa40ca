"""Writing e-invoices after import: a 10-line and a 1,000-line document in each syntax (CII,
UBL), beside lxml building and serialising a flat tree of the same values in the same run;
and the Factur-X PDF of 10 lines beside the plain PDF (benchmarks/facturx.py)."""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal

from .core import Measurement, group
from .facturx import facturx_measurements

MAX_SMALL_MS = 50
MAX_LARGE_MS = 500
SYNTAXES = ("cii", "ubl")


def _document(lines: int):
    from tallytui.domain.edocument import (
        EDocument,
        Line,
        Party,
        Payment,
        line_net,
        tax_breakdown,
        totals_of,
    )

    rows = tuple(
        Line(
            str(i),
            f"2026-11-{i % 28 + 1:02d} Web shop: checkout and payment work, part {i}",
            Decimal("1.25"),
            "HUR",
            Decimal("95.00"),
            line_net(Decimal("1.25"), Decimal("95.00")),
            "S",
            Decimal(19 if i % 5 else 7),
        )
        for i in range(1, lines + 1)
    )
    tax = tax_breakdown(rows)
    party = Party(
        "Benchmark Consulting GmbH",
        street="Hauptstraße 1",
        postcode="10115",
        city="Berlin",
        country="DE",
        vat_id="DE123456789",
        endpoint_scheme="9930",
        endpoint_id="DE123456789",
        contact_name="Jana",
        contact_phone="+49 30 1234567",
        contact_email="billing@example.com",
    )
    return EDocument(
        number="BENCH-202611-0001",
        kind="invoice",
        issue_date=date(2026, 12, 1),
        currency="EUR",
        seller=party,
        buyer=party,
        lines=rows,
        tax=tax,
        totals=totals_of(rows, tax),
        payment=Payment(iban="DE89370400440532013000", bic="COBADEFFXXX"),
        due_date=date(2026, 12, 15),
        buyer_reference="04011000-12345-34",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )


def _flat_tree_ms(doc) -> float:
    """The floor: lxml with one element per line value, no namespaces, no formatting rules."""
    from lxml import etree

    started = time.perf_counter()
    root = etree.Element("lines")
    for line in doc.lines:
        node = etree.SubElement(root, "line")
        for value in (line.id, line.name, line.quantity, line.net_price, line.net_amount):
            etree.SubElement(node, "v").text = str(value)
        etree.SubElement(node, "v").text = line.tax_category
        etree.SubElement(node, "v").text = str(line.tax_rate)
    etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return (time.perf_counter() - started) * 1000


def _write_ms(doc, syntax: str) -> float:
    from tallytui.render.einvoice import write

    started = time.perf_counter()
    write(doc, syntax)
    return (time.perf_counter() - started) * 1000


@group("einvoice")
def einvoice(runs: int) -> list[Measurement]:
    """E-invoice XML (CII and UBL) of 10 and 1,000 lines against a flat lxml tree; the
    Factur-X PDF against the plain PDF."""
    documents = {10: _document(10), 1000: _document(1000)}
    for syntax in SYNTAXES:
        _write_ms(documents[10], syntax)  # imports are not part of the figures
    out = []
    for lines, target in ((10, MAX_SMALL_MS), (1000, MAX_LARGE_MS)):
        doc = documents[lines]
        floor = statistics.median(_flat_tree_ms(doc) for _ in range(runs))
        for syntax in SYNTAXES:
            out.append(
                Measurement(
                    f"e-invoice {syntax.upper()}, {lines:,} lines",
                    statistics.median(_write_ms(doc, syntax) for _ in range(runs)),
                    floor,
                    max_ms=target,
                )
            )
    return out + facturx_measurements(runs, documents[10])
