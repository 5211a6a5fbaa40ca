"""Invoice PDFs: what the client reads, extracted from real PDF files; safety of user text."""

from __future__ import annotations

import io
import socket
import sys
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from tallytui.domain.vat import Exemption, TaxGroup
from tallytui.render import pdf
from tallytui.render.layout import ASSETS
from tallytui.render.pagination import paginate
from tallytui.services.invoice_views import InvoiceView, LineView, PartyView


def text_of(data: bytes) -> list[str]:
    """Each page's text with runs of white space (line and cell breaks) folded to one."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def document(lines, **changes) -> InvoiceView:
    values = dict(
        number="ACME-202611-0007",
        kind="invoice",
        status="ready",
        client="Łódź Sp. z o.o.",
        project=None,
        issue_date=date(2026, 11, 20),
        due_date=date(2026, 12, 4),
        currency="EUR",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        credits=None,
        credits_issue_date=None,
        lines=tuple(lines),
        subtotal=Decimal("1.00"),
        tax_rate=Decimal("19.00"),
        tax=Decimal("0.19"),
        total=Decimal("1.19"),
        grouping="detailed",
        rounding=None,
        reason="",
        payment_terms_days=14,
        seller=PartyView(
            "Müller & Söhne GmbH",
            "Hauptstraße 5\n10115 Berlin",
            "bill@mueller.de",
            "DE123456789",
            "DE89370400440532013000",
            "COBADEFFXXX",
            "Commerzbank",
        ),
        buyer=PartyView("Łódź Sp. z o.o.", "ul. Piotrkowska 1\n90-001 Łódź", "", "PL5260250995"),
        sent_at=None,
        paid_on=None,
    )
    values.update(changes)
    values.setdefault(
        "tax_breakdown",
        (TaxGroup("S", values["tax_rate"], values["subtotal"], values["tax"]),),
    )
    return InvoiceView(**values)


def line(position: int, description: str, amount: str = "118.75", **changes) -> LineView:
    values = dict(
        id=position,
        position=position,
        description=description,
        project="Web",
        line_type="service",
        quantity=Decimal("1.25"),
        unit="h",
        unit_price=Decimal("95.00"),
        amount=Decimal(amount),
        entries=(position,),
        expenses=(),
        credits_line=None,
        tax_category="S",
        tax_rate=Decimal("19.00"),
    )
    values.update(changes)
    return LineView(**values)


UNICODE_LINES = [
    line(1, "Größenänderung der Übersicht – Straße"),
    line(2, "Réunion de lancement à Genève, café offert"),
    line(3, "Zażółć gęślą jaźń: wdrożenie"),
    line(4, "Ελληνικά: ανάλυση απαιτήσεων"),
    line(5, "Разработка интерфейса, этап 2"),
]


def test_document_shows_parties_dates_lines_and_totals():
    doc = document(
        UNICODE_LINES, subtotal=Decimal("593.75"), tax=Decimal("112.81"), total=Decimal("706.56")
    )
    [page] = text_of(pdf.pdf_bytes(doc))
    for expected in (
        "Invoice",
        "ACME-202611-0007",
        "2026-11-20",
        "2026-12-04",
        "2026-11-01",
        "2026-11-30",
        "Müller & Söhne GmbH",
        "Hauptstraße 5",
        "DE123456789",
        "Łódź Sp. z o.o.",
        "ul. Piotrkowska 1",
        "PL5260250995",
        "DE89 3704 0044 0532 0130 00",
        "COBADEFFXXX",
        "€593.75",
        "€112.81",
        "€706.56",
        "Tax 19%",
        "Page 1 of 1",
        "1.25 h",
        "€95.00",
        "quoting ACME-202611-0007",
        *[item.description for item in UNICODE_LINES],
    ):
        assert expected in page, expected


def test_several_rates_print_each_rate_with_its_net_and_each_line_its_rate():
    lines = [
        line(1, "Consulting", amount="1000.00"),
        line(2, "Train Berlin–Hamburg", amount="100.00", tax_rate=Decimal("7.00")),
    ]
    doc = document(
        lines,
        subtotal=Decimal("1100.00"),
        tax=Decimal("197.00"),
        total=Decimal("1297.00"),
        tax_breakdown=(
            TaxGroup("S", Decimal("19.00"), Decimal("1000.00"), Decimal("190.00")),
            TaxGroup("S", Decimal("7.00"), Decimal("100.00"), Decimal("7.00")),
        ),
    )
    [page] = text_of(pdf.pdf_bytes(doc))
    for expected in ("Tax 19% on €1,000.00 €190.00", "Tax 7% on €100.00 €7.00", "€1,297.00"):
        assert expected in page, expected
    assert "VAT" in page and "Train Berlin–Hamburg 7%" in page


def test_an_exemption_reason_prints_beside_its_category_and_user_text_stays_text():
    reason = "Steuerschuldnerschaft des Leistungsempfängers <b>§ 13b</b> & Co"
    doc = document(
        [line(1, "Consulting", amount="1000.00", tax_category="AE", tax_rate=Decimal("0.00"))],
        subtotal=Decimal("1000.00"),
        tax_rate=Decimal("0.00"),
        tax=Decimal("0.00"),
        total=Decimal("1000.00"),
        tax_breakdown=(
            TaxGroup(
                "AE",
                Decimal("0.00"),
                Decimal("1000.00"),
                Decimal("0.00"),
                Exemption("VATEX-EU-AE", reason),
            ),
        ),
    )
    [page] = text_of(pdf.pdf_bytes(doc))
    assert "Tax 0% (reverse charge) €0.00" in page
    assert reason in page


@pytest.mark.parametrize(
    ("currency", "sign"),
    [
        ("EUR", "€1,234.50"),
        ("GBP", "£1,234.50"),
        ("INR", "₹1,234.50"),
        ("CHF", "CHF 1,234.50"),
        ("USD", "$1,234.50"),
    ],
)
def test_currency_signs_render_as_text(currency, sign):
    doc = document([line(1, "Work", amount="1234.50")], currency=currency, total=Decimal("1234.50"))
    assert sign in text_of(pdf.pdf_bytes(doc))[0]


def test_credit_note_names_the_invoice_it_corrects():
    doc = document(
        [line(1, "Web", amount="-118.75", quantity=Decimal("-1.25"))],
        kind="credit_note",
        number="ACME-202612-0002",
        credits="ACME-202611-0007",
        credits_issue_date=date(2026, 11, 20),
        reason="Wrong rate",
        total=Decimal("-141.31"),
    )
    [page] = text_of(pdf.pdf_bytes(doc))
    assert "Credit note" in page and "ACME-202612-0002" in page
    assert "corrects invoice" in page.lower() and "ACME-202611-0007 of 2026-11-20" in page
    assert "Wrong rate" in page and "-€141.31" in page
    assert "due date" not in page.lower()


def test_a_thousand_lines_keep_header_on_every_page_and_every_row_whole():
    lines = [
        line(
            i,
            f"2026-11-{i % 28 + 1:02d} Web: task {i:04d} "
            + ("with a much longer description that wraps " * (i % 3)),
        )
        for i in range(1, 1001)
    ]
    pages = text_of(pdf.pdf_bytes(document(lines)))
    assert len(pages) > 20
    for number, page in enumerate(pages, start=1):
        assert "Description" in page and "Unit price" in page, number
        assert f"Page {number} of {len(pages)}" in page
    found = [i for i in range(1, 1001) if any(f"task {i:04d}" in page for page in pages)]
    assert found == list(range(1, 1001))
    # A row is never cut: its description and its amount are on the same page.
    for i in (1, 250, 999, 1000):
        [page] = [p for p in pages if f"task {i:04d}" in p]
        row = page[page.index(f"task {i:04d}") :]
        assert "€118.75" in row
    assert "Total" in pages[-1]


def test_pagination_keeps_every_line_once_in_order():
    lines = [line(i, "x" * (i % 200)) for i in range(1, 400)]
    pages = paginate(lines)
    assert [item.position for page in pages for item in page] == list(range(1, 400))
    assert all(page for page in pages)


def test_rendering_twice_gives_the_same_document():
    doc = document(UNICODE_LINES)
    first, second = pdf.pdf_bytes(doc), pdf.pdf_bytes(doc)
    assert first == second
    assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"] == "D:20261120000000Z"


class Listener:
    """A local TCP server that records every connection it is offered."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def audit():
    """Paths opened and sockets connected while a test renders (Python audit events)."""
    events: list[tuple[str, str]] = []
    active = [True]

    def hook(event, args):
        if not active[0]:
            return
        if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
            events.append(("open", str(args[0])))
        elif event == "socket.connect":
            events.append(("connect", str(args[1])))

    sys.addaudithook(hook)
    yield events
    active[0] = False


def test_markup_in_user_text_is_printed_not_obeyed(listener, audit, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    big = "data:image/png;base64," + "A" * 300_000
    hostile = [
        f'<img src="http://127.0.0.1:{listener.port}/x">',
        f'<img src="file://{secret}">',
        '<img src="file:///etc/passwd">',
        f'<link rel=stylesheet href="http://127.0.0.1:{listener.port}/s.css">',
        f'<style>@import url("http://127.0.0.1:{listener.port}/i.css");</style>',
        f'<img src="{big}">',
    ]
    lines = [line(i, text) for i, text in enumerate(hostile, start=1)]
    doc = document(
        lines,
        buyer=PartyView(f'<img src="http://127.0.0.1:{listener.port}/n">'),
        reason=f"@import url(http://127.0.0.1:{listener.port}/r.css);",
    )
    pdf.pdf_bytes(document([line(1, "warm-up")]))  # lazy imports happen before auditing
    audit.clear()
    pages = "".join(text_of(pdf.pdf_bytes(doc)))
    for text in hostile[:5]:
        assert text in pages, text
    assert f'<img src="http://127.0.0.1:{listener.port}/n">' in pages
    assert "data:image/png;base64,AAAA" in pages
    assert listener.connections == 0
    assert not [e for e in audit if e[0] == "connect"]
    opened = [path for kind, path in audit if kind == "open"]
    assert not [p for p in opened if "secret.txt" in p or p.startswith("/etc/")]
    # The interpreter may still import a codec of its standard library lazily.
    interpreter = (sys.prefix, sys.base_prefix)
    allowed = (str(ASSETS), "/tmp", *interpreter, *(str(Path(p).resolve()) for p in interpreter))
    assert [p for p in opened if not p.startswith(allowed)] == []


def test_write_pdf_replaces_atomically_and_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out" / "invoice.pdf"
    written = pdf.write_pdf(document(UNICODE_LINES), target)
    assert written == target.resolve() and target.read_bytes().startswith(b"%PDF")
    good = target.read_bytes()

    def crash(*_args, **_kwargs):
        raise RuntimeError("killed mid-render")

    monkeypatch.setattr(pdf, "_footer_stamps", crash)
    with pytest.raises(RuntimeError):
        pdf.write_pdf(document(UNICODE_LINES), target)
    assert target.read_bytes() == good
    assert sorted(p.name for p in target.parent.iterdir()) == ["invoice.pdf"]


def test_write_failure_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from tallytui.domain.errors import TallyError

    with pytest.raises(TallyError, match="cannot write"):
        pdf.write_pdf(document(UNICODE_LINES), blocker / "invoice.pdf")


def test_cli_writes_the_stored_figures(org, tmp_path, monkeypatch):
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-03 09:00",
        "--end",
        "2026-11-03 11:20",
        "--description",
        "Größe & <b>Kosten</b>",
    )
    invoice = org.ok(
        "invoice",
        "create",
        "--project",
        "Web",
        "--period-start",
        "2026-11-01",
        "--period-end",
        "2026-11-19",
        "--include-unlocked",
        "--group",
        "detailed",
        "--json",
    ).json()
    monkeypatch.chdir(tmp_path)
    result = org.ok("invoice", "pdf", invoice["number"])
    assert f"{invoice['number']}.pdf" in result.stdout
    [page] = text_of((tmp_path / f"{invoice['number']}.pdf").read_bytes())
    assert "Größe & <b>Kosten</b>" in page
    assert f"€{invoice['total']}" in page and "2.33 h" in page
    assert "1 Main St" in page  # the client's address as frozen on the invoice
    custom = tmp_path / "sub" / "x.pdf"
    org.ok("invoice", "pdf", invoice["number"], "-o", str(custom))
    assert custom.exists()
    missing = org("invoice", "pdf", "ACME-209901-0001")
    assert missing.exit_code == 1 and "no invoice numbered" in missing.stderr


def test_figures_come_from_the_stored_document(org, tmp_path):
    """The template prints what was issued; nothing is recomputed from entries or rates."""
    import os

    from tallytui.store.db import open_database
    from tallytui.store.models import Invoice, InvoiceLine, db

    invoice = org.ok(
        "invoice", "freeform", "--client", "Globex", "--line", "Workshop|2|400", "--json"
    ).json()
    open_database(os.environ["TALLY_DB"])
    try:
        InvoiceLine.update(amount_minor=77_777).execute()
        Invoice.update(total_minor=123_456).execute()
    finally:
        db.close()
    org.ok("project", "set", "Web", "--rate", "500")
    target = tmp_path / "stored.pdf"
    org.ok("invoice", "pdf", invoice["number"], "-o", str(target))
    [page] = text_of(target.read_bytes())
    assert "€777.77" in page and "€1,234.56" in page


def test_captured_text_reaches_the_pdf_only_once_a_person_wrote_it(org, tmp_path):
    """One line per entry: a captured session still carrying capture's own text (file
    paths, URLs) prints as its date and project; once a person describes it (tally entry
    edit, or the review's describe), their words print."""
    import os
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tallytui.services import capture, review
    from tallytui.store.db import open_database
    from tallytui.store.models import Project, TimeEntry, db

    def at(day: int, hour: int, minute: int = 0) -> int:
        local = datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin"))
        return int(local.timestamp())

    open_database(os.environ["TALLY_DB"])
    web = Project.get(Project.name == "Web").id
    for day in (3, 4, 5):
        capture.record(
            "anna",
            [
                capture.RawBeat(at(day, 9), "file", "/home/anna/acme/secret-plan/notes.md", web),
                capture.RawBeat(
                    at(day, 9, 5), "url", "https://github.com/acme-co/private/pull/7", web
                ),
            ],
        )
    [first, second, third] = TimeEntry.select().order_by(TimeEntry.start_utc)
    assert "secret-plan/notes.md" in first.description
    review.describe("anna", [third.id], "Code review of the checkout")
    db.close()
    org.ok("entry", "edit", str(second.id), "--description", "Checkout redesign")
    invoice = org.ok(
        "invoice",
        "create",
        "--project",
        "Web",
        "--period-start",
        "2026-11-01",
        "--period-end",
        "2026-11-19",
        "--include-unlocked",
        "--group",
        "detailed",
        "--json",
    ).json()
    assert [line["description"] for line in invoice["lines"]] == [
        "2026-11-03 Web",
        "2026-11-04 Web: Checkout redesign",
        "2026-11-05 Web: Code review of the checkout",
    ]
    target = tmp_path / "invoice.pdf"
    org.ok("invoice", "pdf", invoice["number"], "-o", str(target))
    text = "".join(text_of(target.read_bytes()))
    assert "2026-11-03 Web" in text and "Checkout redesign" in text
    assert "notes.md" not in text and "github.com" not in text and "secret-plan" not in text


def test_an_address_typed_with_backslash_n_prints_on_separate_lines():
    """``--address "a\\nb"`` from a shell, or a document frozen with it, prints two lines."""
    buyer = PartyView("Initech", "Initech Way 1\\n10115 Berlin <b>", "", "")
    data = pdf.pdf_bytes(document([line(1, "Work")], buyer=buyer))
    printed = PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    assert "Initech Way 1" in printed and "10115 Berlin <b>" in printed
    assert not any("\\n" in text for text in printed)


def test_the_client_command_stores_an_address_with_real_line_breaks(org):
    org.ok("client", "set", "Globex", "--address", "1 Main St\\n  Springfield  ")
    [client] = [c for c in org.ok("client", "list", "--json").json() if c["name"] == "Globex"]
    assert client["address"] == "1 Main St\nSpringfield"
