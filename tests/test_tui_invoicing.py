"""The invoicing area driven by keys through Pilot: a whole billing cycle on a seeded
database, asserting on the database and on the PDF it writes."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from textual.widgets import Label, OptionList, Select
from tui_waiting import settle, until

from tallytui.store.db import open_database
from tallytui.store.models import (
    Client,
    Invoice,
    InvoiceLine,
    Payment,
    Project,
    TimeEntry,
    User,
    db,
)
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.modals.client_form import ClientForm
from tallytui.ui.modals.confirm import Confirm
from tallytui.ui.modals.credit_form import CreditForm
from tallytui.ui.modals.entry_listing import EntryListing
from tallytui.ui.modals.freeform_form import FreeformForm
from tallytui.ui.modals.invoice_create import CreateInvoiceForm
from tallytui.ui.modals.invoice_detail import InvoiceDetail
from tallytui.ui.modals.org_form import OrgForm
from tallytui.ui.screens.invoicing import EMPTY, TABS, InvoicingScreen

TZ = "Europe/Berlin"


@pytest.fixture
def seeded(org):
    """October time of anna on Web (monthly, 95/h) and on Api, which has no schedule yet;
    TALLY_NOW is 2026-11-20, so October is due."""
    org.ok("project", "add", "Api", "--client", "Globex", "--rate", "120")
    for project, start, end in (
        ("Web", "2026-10-05 09:00", "2026-10-05 11:00"),
        ("Api", "2026-10-06 09:00", "2026-10-06 10:30"),
    ):
        org.ok("entry", "add", "--project", project, "--start", start, "--end", end)
    open_database(os.environ["TALLY_DB"])
    yield org
    db.close()


def new_app() -> TallyApp:
    return TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)


async def press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


async def invoicing(app, pilot) -> InvoicingScreen:
    await settle(app, pilot)
    await press(app, pilot, "f5")
    screen = app.screen
    assert isinstance(screen, InvoicingScreen) and screen.cycle is not None
    return screen


def title(screen) -> str:
    return str(screen.query_one("#title", Label).content)


async def test_a_whole_cycle_by_keys(seeded, tmp_path):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        assert [(m.project, m.missing) for m in screen.cycle.missing_data] == [
            ("Api", ("schedule",))
        ]
        assert "Cycle clear" not in title(screen)

        # Missing data: give Api a monthly schedule from the picker.
        await press(app, pilot, "s", "tab", *"monthly", "enter")
        assert Project.get(Project.name == "Api").schedule == "monthly"
        assert screen.cycle.missing_data == ()
        assert [(p.project, p.open_seconds) for p in screen.cycle.pending] == [
            ("Api", 5400),
            ("Web", 7200),
        ]

        # Pending: on anna's row of the first period, lock her timesheet to its end.
        await press(app, pilot, "2", "down", "l")
        assert isinstance(app.screen, Confirm)
        await press(app, pilot, "y")
        assert User.get(User.name == "anna").locked_until == date(2026, 10, 31)
        assert screen.cycle.pending == ()
        assert [r.project for r in screen.cycle.ready_for_invoicing] == ["Api", "Web"]

        # Ready for invoicing: create Api's invoice with the form's defaults.
        await press(app, pilot, "3", "c", "ctrl+s")
        [invoice] = Invoice.select()
        assert (invoice.status, invoice.total_minor) == ("ready", 21420)  # 1.5 h × 120 + 19 %
        assert TimeEntry.get(TimeEntry.project == invoice.project).invoice_line is not None
        assert screen.query_one("#cycle").active == "to-send"

        # Ready to send: export the PDF, then mark the invoice sent.
        target = tmp_path / "out.pdf"
        await press(app, pilot, "p", "ctrl+a", "ctrl+k", *str(target), "enter")
        text = "".join(page.extract_text() for page in PdfReader(target).pages)
        assert invoice.number in text and "214.20" in text and "Globex" in text
        await press(app, pilot, "m", "y")
        assert Invoice.get_by_id(invoice.id).status == "sent"
        assert [s.number for s in screen.sent] == [invoice.number]

        # Web's October is still ready: invoice it too, send it, and the cycle is clear.
        await press(app, pilot, "3", "enter", "ctrl+s", "4", "m", "y")
        assert Invoice.select().where(Invoice.status == "sent").count() == 2
        assert "Cycle clear" in title(screen)

        # Sent: mark the first paid today, then credit it in full.
        await press(app, pilot, "5", "up", "M", "enter")
        paid = Invoice.get_by_id(invoice.id)
        assert (paid.status, paid.paid_on) == ("paid", date(2026, 11, 20))
        await press(app, pilot, "k", "ctrl+s")
        credit = Invoice.get(Invoice.kind == "credit_note")
        assert credit.credits_id == invoice.id and credit.total_minor == -21420
        assert TimeEntry.get(TimeEntry.project == invoice.project).invoice_line is None


async def test_set_a_missing_rate_and_client_address(org):
    org.ok("client", "add", "Initech")
    org.ok("project", "add", "Tps", "--client", "Initech", "--schedule", "weekly")
    org.ok(
        "entry",
        "add",
        "--project",
        "Tps",
        "--start",
        "2026-11-02 09:00",
        "--end",
        "2026-11-02 10:00",
    )
    open_database(os.environ["TALLY_DB"])
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        assert screen.cycle.missing_data[0].missing == ("rate", "client address")
        await press(app, pilot, "r", *"12.345", "enter")
        assert "more than 2 decimals" in str(app.screen.query_one("#prompt-error").content)
        await press(app, pilot, "ctrl+a", "ctrl+k", *"80", "enter")
        assert screen.cycle.missing_data[0].missing == ("client address",)
        # The fix starts in the street (typing kept the name), post code and city follow.
        await press(app, pilot, "a")
        assert app.screen.focused.id == "street"
        await press(app, pilot, *"Initech Way 1", "tab", *"10115", "tab", *"Berlin", "ctrl+s")
        initech = Client.get(Client.name == "Initech")
        assert (initech.street, initech.postcode, initech.city) == (
            "Initech Way 1",
            "10115",
            "Berlin",
        )
        assert screen.cycle.missing_data == ()
        assert [p.project for p in screen.cycle.pending] == ["Tps"]
    db.close()


async def test_enter_on_an_einvoice_gap_opens_the_form_that_fills_it(seeded):
    """Globex wants XRechnung: the first gap is the organisation's country, then, once
    that is given, the client's; each opens its party's form in the field that fills it."""
    seeded.ok("project", "set", "Api", "--schedule", "monthly")
    seeded.ok("client", "set", "Globex", "--einvoice", "xrechnung-cii")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        assert screen.cycle.missing_data[0].missing[0] == (
            "XRechnung: country (BT-40) of the organisation"
        )
        await press(app, pilot, "enter")
        assert isinstance(app.screen, OrgForm) and app.screen.focused.id == "country"
        await press(app, pilot, "D", "E", "ctrl+s")
        await until(
            pilot,
            lambda: (
                screen.cycle.missing_data[0].missing[0].endswith("country (BT-55) of the client")
            ),
            "the client's country comes first",
        )
        await press(app, pilot, "enter")
        assert isinstance(app.screen, ClientForm) and app.screen.focused.id == "country"
        await press(app, pilot, "escape")
    assert Client.get(Client.name == "Globex").country == ""


async def test_entries_behind_a_pending_figure(seeded):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "2", "e")
        listing = app.screen
        assert isinstance(listing, EntryListing)
        assert [(e.project, e.seconds) for e in listing.entries] == [("Web", 7200)]


async def test_open_remove_a_line_then_delete_gives_the_number_back(seeded):
    seeded.ok("timesheet", "lock", "--until", "2026-10-31")
    seeded.ok("expense", "add", "--project", "Web", "--date", "2026-10-07", "--amount", "30")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        await press(app, pilot, "3", "c", "ctrl+s")
        [invoice] = Invoice.select()
        assert InvoiceLine.select().where(InvoiceLine.invoice == invoice).count() == 2
        await press(app, pilot, "enter")
        assert isinstance(app.screen, InvoiceDetail)
        await press(app, pilot, "down", "x", "y")
        assert [line.line_type for line in InvoiceLine.select()] == ["service"]
        await press(app, pilot, "d")
        assert isinstance(app.screen, Confirm)
        assert "given back" in str(app.screen.detail)
        await press(app, pilot, "y")
        assert Invoice.select().count() == 0
        assert TimeEntry.select().where(TimeEntry.invoice_line.is_null(False)).count() == 0
        assert [r.project for r in screen.cycle.ready_for_invoicing] == ["Web"]


async def test_freeform_invoice_checks_fields_and_shows_live_totals(seeded):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "n")
        form = app.screen
        assert isinstance(form, FreeformForm)
        await press(app, pilot, "enter", "down", "enter")  # Globex
        await press(app, pilot, "tab", "tab", "tab", *"Workshop", "tab", "2", "tab", *"day")
        await press(app, pilot, "tab", *"800.001")
        error = str(form.query_one("#form-error", Label).content)
        assert error.startswith("unit price") and "decimals" in error
        await press(app, pilot, "backspace")
        totals = str(form.query_one("#free-totals", Label).content)
        assert "1600.00" in totals and "304.00" in totals and "1904.00" in totals
        await press(app, pilot, "enter", *"Travel", "tab", "tab", "tab", *"120.50", "ctrl+s")
        [invoice] = Invoice.select()
        lines = [
            (line.description, line.amount_minor)
            for line in InvoiceLine.select().order_by(InvoiceLine.position)
        ]
        assert lines == [("Workshop", 160000), ("Travel", 12050)]
        assert invoice.total_minor == round(Decimal("1720.50") * Decimal("1.19") * 100)


async def test_freeform_credit_note_without_lines_is_refused_then_issued(seeded):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "N", "enter", "down", "enter", "ctrl+s")
        assert "at least one line" in str(app.screen.query_one("#form-error", Label).content)
        assert Invoice.select().count() == 0
        await press(app, pilot, "tab", "tab", *"Kind gesture", "tab", "tab", *"Goodwill")
        await press(app, pilot, "tab", "tab", "tab", *"50")
        await press(app, pilot, "ctrl+s")
        [note] = Invoice.select()
        assert (note.kind, note.total_minor, note.reason) == ("credit_note", -5950, "Kind gesture")


async def test_sent_filter_by_client_and_month(seeded):
    seeded.ok("client", "add", "Initech", "--address", "Way 1")
    for client in ("Globex", "Initech"):
        number = seeded.ok(
            "invoice", "freeform", "--client", client, "--line", "Work|1|10", "--json"
        ).json()["number"]
        seeded.ok("invoice", "mark-sent", number)
    open_database(os.environ["TALLY_DB"])
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        assert [s.client for s in screen.sent] == ["Globex", "Initech"]
        await press(app, pilot, "5", "f", "enter", "down", "down", "enter", "ctrl+s")
        assert [s.client for s in screen.sent] == ["Initech"]
        await press(app, pilot, "f", "tab", *"2026-10", "enter")
        assert screen.sent == []
        await press(app, pilot, "f", "tab", "ctrl+a", "ctrl+k", *"2026-11", "enter")
        assert [s.client for s in screen.sent] == ["Initech"]


async def test_freeform_lines_are_checked_again_for_the_chosen_currency(seeded):
    seeded.ok("client", "add", "Tokyo", "--currency", "JPY", "--address", "Chiyoda 1")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "n", "tab", "tab", "tab", *"Review", "tab", "tab", "tab")
        await press(app, pilot, *"10.50", "enter")
        form = app.screen
        assert len(form.lines) == 1
        form.query_one("#client", Select).value = "Tokyo"
        await settle(app, pilot)
        assert form.client.currency == "JPY"
        assert "decimals" in str(form.query_one("#form-error", Label).content)
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, FreeformForm) and Invoice.select().count() == 0


async def test_closing_a_dialog_reloads_nothing_and_a_write_reloads_once(seeded):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        loads = []
        load = screen.load
        screen.load = lambda: (loads.append(1), load())
        await press(app, pilot, "5", "f", "escape", "ctrl+p", "escape")
        assert loads == []
        await press(app, pilot, "1", "s", "tab", *"weekly", "enter")
        assert Project.get(Project.name == "Api").schedule == "weekly"
        assert loads == [1]


async def test_the_other_screens_are_filled_once_the_first_has_painted(seeded):
    """Missing data shows first; the others' tables are filled right after it has been
    painted, before they are shown, so a switch only draws them."""
    org = seeded
    org.ok("timesheet", "lock", "--until", "2026-10-31")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        assert screen.tab == "missing"
        await until(pilot, lambda: not screen.stale, "the other screens filled")
        assert screen._table("ready").row_count == 1  # Web's October, not shown yet


async def test_credit_dialog_marks_credited_lines_and_shows_the_running_total(org):
    """An invoice of two 1.50 lines at 19 %, its first line credited already (1.79): the
    dialog lists that line as credited and will not tick it, marks ticks as text, and its
    total is the one the credit note gets (the rest of the tax: 0.28, not 0.29)."""
    invoice = org.ok(
        "invoice",
        "freeform",
        "--client",
        "Globex",
        "--line",
        "Design|1|1.50",
        "--line",
        "Build|1|1.50",
        "--json",
    ).json()
    org.ok("invoice", "mark-sent", invoice["number"])
    first = str(invoice["lines"][0]["id"])
    org.ok("invoice", "credit", invoice["number"], "--line", first)
    open_database(os.environ["TALLY_DB"])
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "5", "k")
        form = app.screen
        assert isinstance(form, CreditForm)
        lines = form.query_one("#credit-lines", OptionList)

        def shown() -> list[tuple[str, bool]]:
            return [
                (str(lines.get_option_at_index(i).prompt), lines.get_option_at_index(i).disabled)
                for i in range(lines.option_count)
            ]

        def total() -> str:
            return str(form.query_one("#credit-total", Label).content)

        assert shown() == [
            ("[credited] 1.50 EUR · Design · 1.00 × 1.50", True),
            ("[x] 1.50 EUR · Build · 1.00 × 1.50", False),
        ]
        assert total() == (
            "This credit note: net -1.50 · tax 19.00% -0.28 · total -1.78 EUR\n"
            "Credited before: total 1.79 EUR"
        )
        await press(app, pilot, "space")
        assert shown()[1] == ("[ ] 1.50 EUR · Build · 1.00 × 1.50", False)
        assert total() == "This credit note: no line ticked"
        await press(app, pilot, "ctrl+s")
        assert "tick at least one line" in str(form.query_one("#form-error", Label).content)
        await press(app, pilot, "up", "space")  # the credited line is skipped: Build again
        assert [mark.split()[0] for mark, _ in shown()] == ["[credited]", "[x]"]
        await press(app, pilot, "ctrl+s")
        note = Invoice.select().order_by(Invoice.id.desc()).get()
        assert (note.kind, note.subtotal_minor, note.tax_minor, note.total_minor) == (
            "credit_note",
            -150,
            -28,
            -178,
        )
    db.close()


async def test_create_form_says_what_one_line_per_entry_prints_of_captured_time(seeded):
    seeded.ok("timesheet", "lock", "--until", "2026-10-31")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "3", "c")
        form = app.screen
        assert isinstance(form, CreateInvoiceForm)
        note = form.query_one("#grouping-note", Label)
        assert not note.display
        await press(app, pilot, "enter", "down", "down", "enter")
        assert form.query_one("#grouping", Select).value == "detailed"
        assert note.display
        assert str(note.content) == (
            "captured sessions without a written description show as project and date"
        )
        await press(app, pilot, "enter", "up", "enter")
        assert not note.display


async def test_locking_from_pending_names_every_project_it_makes_final(seeded):
    """Pending shows one project, but the lock is anna's whole timesheet up to the day."""
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await invoicing(app, pilot)
        await press(app, pilot, "2", "l")
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == "Lock anna's timesheet up to Sat 2026-10-31?"
        assert "never locked → locked until 2026-10-31" in app.screen.detail
        assert "Api 1.50 h, Web 2.00 h (3.50 h in all)" in app.screen.detail
        await press(app, pilot, "y")
        assert User.get(User.name == "anna").locked_until == date(2026, 10, 31)


async def test_deleting_an_older_number_says_it_stays_as_void(seeded):
    seeded.ok("timesheet", "lock", "--until", "2026-10-31")
    seeded.ok("project", "set", "Api", "--schedule", "monthly")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        await press(app, pilot, "3", "c", "ctrl+s", "3", "c", "ctrl+s", "4")
        first, _ = Invoice.select().order_by(Invoice.number)
        table = screen.query_one("#to-send-table")
        table.move_cursor(row=table.get_row_index(first.number))
        await press(app, pilot, "d")
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == f"Delete {first.number}?"
        assert "stays in the register as a void document" in app.screen.detail
        assert app.screen.detail.endswith("Its time and expenses become uninvoiced again.")
        await press(app, pilot, "y")
        assert Invoice.get_by_id(first.id).status == "void"


async def test_a_refused_payment_date_stays_in_its_dialog_as_typed(seeded):
    seeded.ok("timesheet", "lock", "--until", "2026-10-31")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        await press(app, pilot, "3", "c", "ctrl+s", "4", "m", "y", "5", "M", "tab")
        await press(app, pilot, "ctrl+a", "ctrl+k", *"2026-11-01", "enter")
        prompt = app.screen
        assert str(prompt.query_one("#prompt-error").content).startswith(
            "date: 2026-11-01 is before the issue date"
        )
        assert prompt.query_one("#paid-on").value == "2026-11-01"
        assert Invoice.get().status == "sent"
        await press(app, pilot, "ctrl+a", "ctrl+k", *"2026-11-20", "enter")
        assert app.screen is screen
        assert (Invoice.get().status, Invoice.get().paid_on) == ("paid", date(2026, 11, 20))


async def test_each_empty_screen_says_what_fills_it(org):
    open_database(os.environ["TALLY_DB"])
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        for tab in ("missing", "pending", "ready", "to-send", "sent"):
            await press(app, pilot, str(list(TABS).index(tab) + 1))
            hint = screen.query_one(f"#{tab}-empty", Label)
            assert hint.display and str(hint.content) == EMPTY[tab]
        org.ok(
            "entry",
            "add",
            "--project",
            "Web",
            "--start",
            "2026-10-05 09:00",
            "--end",
            "2026-10-05 10:00",
        )
        screen.reload()
        await settle(app, pilot)
        assert screen.query_one("#pending-empty", Label).display is False
    db.close()


async def test_M_records_a_partial_payment_and_keeps_an_overpayment_in_its_dialog(seeded):
    seeded.ok("timesheet", "lock", "--until", "2026-10-31")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        await press(app, pilot, "3", "c", "ctrl+s", "4", "m", "y", "5", "M")
        invoice = Invoice.get()
        total = Decimal(invoice.total_minor) / 100
        assert app.screen.query_one("#prompt-input").value == f"{total:.2f}"  # all that is open
        await press(app, pilot, "ctrl+a", "ctrl+k", *"100", "enter")
        assert app.screen is screen
        assert [p.amount_minor for p in Payment.select()] == [10_000]
        assert Invoice.get().status == "sent"
        left = f"{total - 100:.2f}"
        await until(pilot, lambda: screen.sent and str(screen.sent[0].open) == left, "reload")
        row = screen._table("sent").get_row(invoice.number)
        assert (str(row[2]), str(row[-1])) == ("sent", left)

        await press(app, pilot, "M")
        assert app.screen.query_one("#prompt-input").value == left
        await press(app, pilot, "ctrl+a", "ctrl+k", *f"{total:.2f}", "enter")
        prompt = app.screen
        assert str(prompt.query_one("#prompt-error").content) == (
            f"amount: {total:.2f} EUR is more than the open amount of {invoice.number}: {left} EUR"
        )
        assert prompt.query_one("#prompt-input").value == f"{total:.2f}"
        assert Payment.select().count() == 1
        await press(app, pilot, "ctrl+a", "ctrl+k", *left, "enter")
        assert app.screen is screen
        paid = Invoice.get()
        assert (paid.status, paid.paid_on) == ("paid", date(2026, 11, 20))
        assert Payment.select().count() == 2


async def test_o_shows_only_the_overdue_documents_marked_with_their_days(seeded, monkeypatch):
    numbers = [
        seeded.ok(
            "invoice", "freeform", "--client", "Globex", "--line", f"Design|{n}|100", "--json"
        ).json()["number"]
        for n in (1, 2)
    ]
    for number in numbers:
        seeded.ok("invoice", "mark-sent", number)
    monkeypatch.setenv("TALLY_NOW", "2026-12-16T10:00:00+01:00")  # 12 days past due
    seeded.ok("invoice", "mark-paid", numbers[0], "--on", "2026-12-01")
    seeded.ok("invoice", "mark-paid", numbers[1], "--amount", "38")
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        assert title(screen).endswith(" · 1 overdue: 200.00 EUR open")
        await press(app, pilot, "5")
        assert [s.number for s in screen.sent] == numbers
        table = screen._table("sent")
        status = table.get_row(numbers[1])[2]
        assert str(status) == "overdue 12 d"
        assert status.style == table.get_component_rich_style("sent-table--overdue", partial=True)
        assert str(table.get_row(numbers[0])[2]) == "paid"
        assert screen.active_bindings["o"].binding.id == "invoicing.overdue"
        await press(app, pilot, "o")
        shown = lambda: [s.number for s in screen.sent]  # noqa: E731
        await until(pilot, lambda: shown() == numbers[1:], "only the overdue one")
        assert "overdue only" in str(screen.query_one("#sent-filter", Label).content)
        await press(app, pilot, "o")
        await until(pilot, lambda: shown() == numbers, "all again")
        seeded.ok("invoice", "mark-paid", numbers[1])  # nothing overdue: o still goes back
        await press(app, pilot, "o")
        await until(pilot, lambda: shown() == [], "nothing overdue")
        assert screen.query_one("#sent-empty", Label).display
        assert str(screen.query_one("#sent-empty", Label).content).startswith("Nothing overdue")
        await press(app, pilot, "o")
        await until(pilot, lambda: shown() == numbers, "all once more")
        await press(app, pilot, "4")  # on Ready to send, o opens
        assert screen.active_bindings["o"].binding.id == "invoicing.open"


async def test_the_invoice_detail_shows_the_document_s_language_and_notes(seeded):
    seeded.ok(
        "client", "set", "Globex", "--language", "de", "--country", "CH",
        "--vat", "reverse-charge", "--vat-id", "DE136695976",
        "--exemption-reason", "[b]Art. 45 MWSTG[/b] <i>",
    )  # fmt: skip
    number = seeded.ok(
        "invoice", "freeform", "--client", "Globex", "--line", "Beratung|1|100", "--json"
    ).json()["number"]
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await invoicing(app, pilot)
        screen.open_number(number)
        await settle(app, pilot)
        assert isinstance(app.screen, InvoiceDetail)
        shown = str(app.screen.query_one("#detail-document", Label).content)
        assert shown.splitlines() == [
            "In Deutsch (de_CH)",
            "Steuerschuldnerschaft des Leistungsempfängers (Art. 196 der Richtlinie 2006/112/EG).",
            "Das Leistungsdatum entspricht dem Rechnungsdatum.",
            "[b]Art. 45 MWSTG[/b] <i>",
        ]


async def test_the_detail_says_which_payment_code_the_document_carries_and_why_none(org):
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Workshop|2|400")
    org.ok("client", "add", "Zuger AG", "--currency", "CHF", "--country", "CH")
    org.ok("invoice", "freeform", "--client", "Zuger AG", "--line", "Workshop|1|500")
    org.ok("org", "set", "--iban", "CH4431999123000889012")
    org.ok("org", "set", "--postcode", "8001", "--city", "Zürich", "--country", "CH")
    org.ok("invoice", "freeform", "--client", "Zuger AG", "--line", "Workshop|1|500")
    open_database(os.environ["TALLY_DB"])
    app = new_app()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await invoicing(app, pilot)
            seen = []
            for row in range(3):
                await press(app, pilot, "4", *["down"] * row, "enter")
                assert isinstance(app.screen, InvoiceDetail)
                seen.append(str(app.screen.query_one("#detail-payment", Label).content))
                await press(app, pilot, "escape")
    finally:
        db.close()
    assert sorted(seen) == [
        "Payment code: EPC QR code",
        "Payment code: Swiss QR-bill (reference 000000000000000020261100030)",
        "Payment code: no payment code: a Swiss QR-bill needs a CH or LI account (org set --iban)",
    ]
