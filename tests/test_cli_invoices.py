"""The invoice engine through the CLI on a real SQLite file."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tallytui.store.db import open_database
from tallytui.store.models import Invoice, NumberCounter, Payment, db


@pytest.fixture
def billed(org):
    """November work on Web (95 EUR/h, 100 from the 15th), locked; TALLY_NOW is 2026-11-20,
    so the tests bill explicit periods."""
    org.ok("project", "set", "Web", "--rate", "100", "--from", "2026-11-15")
    for day, end in (("03", "11:20"), ("10", "10:00"), ("17", "11:20"), ("18", "09:07")):
        org.ok(
            "entry",
            "add",
            "--project",
            "Web",
            "--start",
            f"2026-11-{day} 09:00",
            "--end",
            f"2026-11-{day} {end}",
            "--description",
            f"work {day}",
        )
    org.ok(
        "expense",
        "add",
        "--project",
        "Web",
        "--date",
        "2026-11-12",
        "--quantity",
        "120",
        "--unit-price",
        "0.30",
        "--unit",
        "km",
        "--category",
        "travel",
    )
    org.ok("timesheet", "lock", "--until", "2026-11-19")
    return org


def create(tally, *args):
    return tally(
        "invoice",
        "create",
        "--project",
        "Web",
        "--period-start",
        "2026-11-01",
        "--period-end",
        "2026-11-19",
        "--json",
        *args,
    )


def entry_invoices(tally):
    return {
        e["id"]: e["invoice"]
        for e in tally.ok(
            "entry", "list", "--json", "--from", "2026-11-01", "--to", "2026-11-30"
        ).json()
    }


def test_invoice_json_follows_the_contract(billed):
    invoice = create(billed).json()
    assert invoice["number"] == "ACME-202611-0001"
    assert {
        k: invoice[k]
        for k in (
            "kind",
            "status",
            "client",
            "issue_date",
            "due_date",
            "currency",
            "period_start",
            "period_end",
            "credits",
        )
    } == {
        "kind": "invoice",
        "status": "ready",
        "client": "Globex",
        "issue_date": "2026-11-20",
        "due_date": "2026-12-04",
        "currency": "EUR",
        "period_start": "2026-11-01",
        "period_end": "2026-11-19",
        "credits": None,
    }
    lines = [
        (line["type"], line["quantity"], line["unit"], line["unit_price"], line["amount"])
        for line in invoice["lines"]
    ]
    # 2:20 + 1:00 at 95 = 3.33 h; 2:20 + 0:07 at 100 = 2.45 h; 120 km at 0.30.
    assert lines == [
        ("service", "3.33", "h", "95.00", "316.35"),
        ("service", "2.45", "h", "100.00", "245.00"),
        ("product", "120.00", "km", "0.30", "36.00"),
    ]
    assert (invoice["subtotal"], invoice["tax_rate"], invoice["tax"], invoice["total"]) == (
        "597.35",
        "19.00",
        "113.50",
        "710.85",
    )
    assert sorted(e for line in invoice["lines"] for e in line["entries"]) == [1, 2, 3, 4]
    assert invoice["buyer"]["name"] == "Globex" and invoice["seller"]["vat_id"] == "DE136695976"
    assert set(entry_invoices(billed).values()) == {"ACME-202611-0001"}
    assert billed.ok("invoice", "show", invoice["number"], "--json").json() == invoice


def test_invoiced_entries_refuse_changes_and_cannot_be_billed_twice(billed):
    create(billed)
    result = billed("entry", "delete", "1")
    assert result.exit_code == 1 and "billed on invoice ACME-202611-0001" in result.stderr
    again = create(billed)
    assert again.exit_code == 1 and "nothing billable" in again.stderr


def test_unlocked_time_is_refused_unless_asked(org):
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-03 09:00",
        "--end",
        "2026-11-03 10:00",
    )
    refused = create(org)
    assert refused.exit_code == 1
    assert "not ready (anna: 1 entries (1.00 h))" in refused.stderr
    assert "--include-unlocked" in refused.stderr
    assert org.ok("invoice", "list", "--json").json() == []
    invoice = create(org, "--include-unlocked").json()
    assert invoice["total"] == "113.05"  # 95.00 + 19 % tax


def test_project_without_rate_is_refused(org):
    org.ok("project", "add", "Norate", "--client", "Globex")
    org.ok(
        "entry",
        "add",
        "--project",
        "Norate",
        "--start",
        "2026-11-03 09:00",
        "--end",
        "2026-11-03 10:00",
    )
    result = org(
        "invoice",
        "create",
        "--project",
        "Norate",
        "--period-start",
        "2026-11-01",
        "--period-end",
        "2026-11-30",
        "--include-unlocked",
    )
    assert result.exit_code == 1 and "has no rate" in result.stderr
    with_counter = _counter()
    assert with_counter == []


def _counter():
    import os

    open_database(os.environ["TALLY_DB"])
    try:
        return [(c.period, c.last_number) for c in NumberCounter.select()]
    finally:
        db.close()


def test_nothing_billable_is_refused(org):
    result = create(org)
    assert result.exit_code == 1 and "nothing billable to invoice for Web" in result.stderr
    assert _counter() == []


def test_due_period_is_the_default(billed, monkeypatch):
    early = billed("invoice", "create", "--project", "Web")
    assert early.exit_code == 1 and "has not ended" in early.stderr
    monkeypatch.setenv("TALLY_NOW", "2026-12-02T09:00:00+01:00")
    billed.ok("timesheet", "lock", "--until", "2026-11-30")
    invoice = billed.ok("invoice", "create", "--project", "Web", "--json").json()
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-11-01", "2026-11-30")
    assert invoice["number"] == "ACME-202612-0001"


def test_month_of_the_number_is_the_issue_month_in_the_org_zone(billed, monkeypatch):
    # 23:30 UTC on Nov 30 is already December 1st in Berlin.
    monkeypatch.setenv("TALLY_NOW", "2026-11-30T23:30:00Z")
    invoice = create(billed).json()
    assert (invoice["number"], invoice["issue_date"]) == ("ACME-202612-0001", "2026-12-01")


@pytest.mark.parametrize(
    ("grouping", "lines"), [("single", 3), ("detailed", 5), ("date", 5), ("user", 3)]
)
def test_grouping_option(billed, grouping, lines):
    invoice = create(billed, "--group", grouping).json()
    assert len(invoice["lines"]) == lines
    assert invoice["grouping"] == grouping


def test_rounding_option_is_stored_and_applied(billed):
    invoice = create(billed, "--round", "15:up", "--no-expenses").json()
    # 2:20 → 2:30 and 1:00 at 95; 2:20 → 2:30 and 0:07 → 0:15 at 100.
    assert [line["quantity"] for line in invoice["lines"]] == ["3.50", "2.75"]
    assert invoice["round"] == "15:up"
    entries = billed.ok(
        "entry", "list", "--json", "--from", "2026-11-18", "--to", "2026-11-18"
    ).json()
    assert entries[0]["seconds"] == 7 * 60  # raw time untouched


def test_project_rounding_is_the_default(billed):
    billed.ok("project", "set", "Web", "--round", "30:nearest")
    invoice = create(billed, "--no-expenses").json()
    assert invoice["round"] == "30:nearest"
    # 2:20 → 2:30, 1:00 → 1:00 ; 2:20 → 2:30, 0:07 → 0:00
    assert [line["quantity"] for line in invoice["lines"]] == ["3.50", "2.50"]


def test_client_mode_bills_all_projects_and_into_adds_more(billed):
    billed.ok("project", "add", "Api", "--client", "Globex", "--rate", "120")
    billed.ok("user", "add", "ben")
    billed.ok(
        "entry",
        "add",
        "--project",
        "Api",
        "--start",
        "2026-11-05 13:00",
        "--end",
        "2026-11-05 14:30",
        "--user",
        "ben",
    )
    billed.ok("timesheet", "lock", "--until", "2026-11-19", "--user", "ben")
    first = billed.ok(
        "invoice",
        "create",
        "--client",
        "Globex",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-09",
        "--json",
    ).json()
    assert sorted({line["project"] for line in first["lines"]}) == ["Api", "Web"]
    more = billed.ok(
        "invoice",
        "create",
        "--client",
        "Globex",
        "--from",
        "2026-11-10",
        "--to",
        "2026-11-19",
        "--into",
        first["number"],
        "--json",
    ).json()
    assert more["number"] == first["number"]
    assert len(more["lines"]) > len(first["lines"])
    assert (more["period_start"], more["period_end"]) == ("2026-11-01", "2026-11-19")
    assert billed.ok("invoice", "list", "--json").json()[0]["total"] == more["total"]


def test_remove_line_releases_its_entries(billed):
    invoice = create(billed).json()
    second = invoice["lines"][1]
    updated = billed.ok(
        "invoice", "remove-line", invoice["number"], str(second["id"]), "--json"
    ).json()
    assert len(updated["lines"]) == 2
    assert updated["subtotal"] == "352.35"
    owners = entry_invoices(billed)
    assert all(owners[e] is None for e in second["entries"])
    again = create(billed).json()
    assert again["number"] == "ACME-202611-0002"
    assert sorted(e for line in again["lines"] for e in line["entries"]) == sorted(
        second["entries"]
    )


def test_deleting_the_newest_number_rolls_the_counter_back(billed):
    invoice = create(billed).json()
    assert "number is free again" in billed.ok("invoice", "delete", invoice["number"]).stdout
    assert billed.ok("invoice", "list", "--json").json() == []
    assert set(entry_invoices(billed).values()) == {None}
    assert create(billed).json()["number"] == "ACME-202611-0001"


def test_deleting_an_older_number_voids_it(billed):
    first = create(billed, "--no-expenses").json()
    billed.ok("invoice", "freeform", "--client", "Globex", "--line", "Workshop|1|800")
    result = billed.ok("invoice", "delete", first["number"])
    assert "is void" in result.stdout
    listed = {i["number"]: i["status"] for i in billed.ok("invoice", "list", "--json").json()}
    assert listed == {"ACME-202611-0001": "void", "ACME-202611-0002": "ready"}
    assert set(entry_invoices(billed).values()) == {None}
    assert create(billed).json()["number"] == "ACME-202611-0003"
    sent = billed("invoice", "mark-sent", first["number"])
    assert sent.exit_code == 1 and "void" in sent.stderr


def test_sent_invoices_are_immutable(billed):
    invoice = create(billed).json()
    billed.ok("invoice", "mark-sent", invoice["number"])
    line = str(invoice["lines"][0]["id"])
    for args in (
        ["invoice", "remove-line", invoice["number"], line],
        ["invoice", "delete", invoice["number"]],
        ["invoice", "mark-sent", invoice["number"]],
    ):
        result = billed(*args)
        assert result.exit_code == 1 and "sent" in result.stderr, args
    assert (
        billed.ok("invoice", "show", invoice["number"], "--json").json()["lines"]
        == invoice["lines"]
    )


def test_mark_paid(billed):
    invoice = create(billed).json()
    early = billed("invoice", "mark-paid", invoice["number"])
    assert early.exit_code == 1 and "mark it sent first" in early.stderr
    billed.ok("invoice", "mark-sent", invoice["number"])
    billed.ok("invoice", "mark-paid", invoice["number"], "--date", "2026-11-20")
    shown = billed.ok("invoice", "show", invoice["number"], "--json").json()
    assert (shown["status"], shown["paid_on"]) == ("paid", "2026-11-20")
    assert [
        i["number"] for i in billed.ok("invoice", "list", "--status", "paid", "--json").json()
    ] == [invoice["number"]]


def test_credit_whole_invoice_nets_to_zero_and_releases_time(billed):
    invoice = create(billed).json()
    billed.ok("invoice", "mark-sent", invoice["number"])
    note = billed.ok(
        "invoice", "credit", invoice["number"], "--reason", "Wrong rate", "--json"
    ).json()
    assert (note["kind"], note["credits"], note["number"]) == (
        "credit_note",
        invoice["number"],
        "ACME-202611-0002",
    )
    assert [line["amount"] for line in note["lines"]] == ["-316.35", "-245.00", "-36.00"]
    assert [line["quantity"] for line in note["lines"]] == ["-3.33", "-2.45", "-120.00"]
    assert note["total"] == "-710.85" and note["reason"] == "Wrong rate"
    assert set(entry_invoices(billed).values()) == {None}
    rebill = create(billed).json()
    assert rebill["total"] == invoice["total"] and rebill["number"] == "ACME-202611-0003"


def test_credit_chosen_lines_and_not_more_than_invoiced(billed):
    invoice = create(billed).json()
    billed.ok("invoice", "mark-sent", invoice["number"])
    line = invoice["lines"][0]
    note = billed.ok(
        "invoice", "credit", invoice["number"], "--line", str(line["id"]), "--json"
    ).json()
    assert [x["amount"] for x in note["lines"]] == ["-316.35"]
    assert note["tax"] == "-60.11" and note["total"] == "-376.46"
    owners = entry_invoices(billed)
    assert [owners[e] for e in line["entries"]] == [None, None]
    again = billed("invoice", "credit", invoice["number"], "--line", str(line["id"]))
    assert again.exit_code == 1 and "crediting more than was invoiced" in again.stderr
    unknown = billed("invoice", "credit", invoice["number"], "--line", "999")
    assert unknown.exit_code == 1 and "no line 999" in unknown.stderr
    rest = billed.ok("invoice", "credit", invoice["number"], "--json").json()
    assert len(rest["lines"]) == 2
    assert "every line" in billed("invoice", "credit", invoice["number"]).stderr


def test_ready_invoices_are_edited_not_credited(billed):
    invoice = create(billed).json()
    result = billed("invoice", "credit", invoice["number"])
    assert result.exit_code == 1 and "delete it instead" in result.stderr


def test_deleting_a_ready_credit_note_rebills_its_time(billed):
    invoice = create(billed).json()
    billed.ok("invoice", "mark-sent", invoice["number"])
    note = billed.ok("invoice", "credit", invoice["number"], "--json").json()
    billed.ok("invoice", "delete", note["number"])
    assert set(entry_invoices(billed).values()) == {invoice["number"]}


def test_freeform_invoice_and_credit_note(org):
    invoice = org.ok(
        "invoice",
        "freeform",
        "--client",
        "Globex",
        "--project",
        "Web",
        "--line",
        "Workshop day|1|800",
        "--line",
        "Printed handbook|3|12.50|copy|product",
        "--json",
    ).json()
    assert [
        (x["description"], x["quantity"], x["unit"], x["unit_price"], x["amount"], x["type"])
        for x in invoice["lines"]
    ] == [
        ("Workshop day", "1.00", "", "800.00", "800.00", "service"),
        ("Printed handbook", "3.00", "copy", "12.50", "37.50", "product"),
    ]
    assert invoice["total"] == "996.63"  # 837.50 + 159.125 → 159.13
    note = org.ok(
        "invoice",
        "freeform",
        "--client",
        "Globex",
        "--line",
        "Goodwill|1|50",
        "--credit-note",
        "--json",
    ).json()
    assert note["kind"] == "credit_note" and note["total"] == "-59.50"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Workshop|-1|800", "must not be negative"),
        ("Workshop|0|800", "must be above 0"),
        ("Workshop|1|8,00", "use a dot"),
        ("Workshop|1", "is not DESC|QTY|UNIT_PRICE"),
        ("|1|800", "a name is required"),
        ("Workshop|1|800.001", "more decimals than EUR"),
    ],
)
def test_freeform_refusals(org, line, message):
    result = org("invoice", "freeform", "--client", "Globex", "--line", line)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert org.ok("invoice", "list", "--json").json() == []
    assert _counter() == []


def test_issued_invoice_keeps_the_details_it_was_issued_with(billed):
    invoice = create(billed).json()
    billed.ok("client", "set", "Globex", "--address", "New Street 9", "--terms", "60")
    shown = billed.ok("invoice", "show", invoice["number"], "--json").json()
    assert shown["buyer"]["address"] == "1 Main St"
    assert shown["due_date"] == "2026-12-04"


def test_timesheet_lock_unlock_status(org):
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-16 09:00",
        "--end",
        "2026-11-16 11:00",
    )
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-19 09:00",
        "--end",
        "2026-11-19 10:00",
    )
    org.ok("timesheet", "lock", "--until", "2026-11-17")
    [status] = org.ok("timesheet", "status", "--json").json()
    assert status == {
        "user": "anna",
        "role": "admin",
        "locked_until": "2026-11-17",
        "open_hours": "1.00",
        "locked_hours": "2.00",
        "pending_approval_hours": "0.00",
        "approved_hours": "0.00",
    }
    refused = org("timesheet", "lock", "--until", "2026-11-10")
    assert refused.exit_code == 1 and "already" in refused.stderr
    org.ok("timesheet", "unlock", "--until", "2026-11-15")
    assert org.ok("timesheet", "status", "--json").json()[0]["locked_until"] == "2026-11-15"
    org.ok("entry", "edit", "1", "--description", "open again")


def test_crediting_an_invoice_line_by_line_gives_back_exactly_its_total(org, tmp_path):
    """Two 1.50 lines at 19 % (tax 0.57, total 3.57): each half rounds its tax to 0.29, so
    two credit notes used to take back 3.58. The one that completes the invoice takes what
    is left."""
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
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("3.00", "0.57", "3.57")
    org.ok("invoice", "mark-sent", invoice["number"])
    first, second = (line["id"] for line in invoice["lines"])
    notes = [
        org.ok("invoice", "credit", invoice["number"], "--line", str(line), "--json").json()
        for line in (first, second)
    ]
    assert [(n["subtotal"], n["tax"], n["total"]) for n in notes] == [
        ("-1.50", "-0.29", "-1.79"),
        ("-1.50", "-0.28", "-1.78"),
    ]
    shown = org.ok("invoice", "show", notes[1]["number"]).stdout
    assert "Tax 19.00% -0.28 EUR" in shown and "Total -1.78 EUR" in shown
    target = tmp_path / "note.pdf"
    org.ok("invoice", "pdf", notes[1]["number"], "-o", str(target))
    printed = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "0.28" in printed and "1.78" in printed and "0.29" not in printed


def test_create_help_says_what_detailed_lines_print_of_captured_time(tally):
    shown = " ".join(tally.ok("invoice", "create", "--help").stdout.split())
    assert (
        "With detailed (one line per entry), captured sessions without a written "
        "description show as project and date." in shown
    )


def payments(tally, number) -> dict:
    shown = tally.ok("invoice", "show", number, "--json").json()
    return {key: shown[key] for key in ("status", "paid_on", "paid", "open", "overdue_days")}


def test_partial_payments_add_up_and_the_settling_one_makes_it_paid(billed, monkeypatch):
    number = create(billed).json()["number"]
    billed.ok("invoice", "mark-sent", number)
    total = Decimal(billed.ok("invoice", "show", number, "--json").json()["total"])
    said = billed.ok("invoice", "mark-paid", number, "--amount", "100", "--on", "2026-11-20")
    assert f"100.00 of {total} EUR received, {total - 100} EUR open" in said.stdout
    assert payments(billed, number) == {
        "status": "sent",
        "paid_on": None,
        "paid": "100.00",
        "open": str(total - 100),
        "overdue_days": 0,
    }
    monkeypatch.setenv("TALLY_NOW", "2026-11-26T10:00:00+01:00")
    billed.ok("invoice", "mark-paid", number, "--on", "2026-11-24")  # the rest
    assert payments(billed, number) == {
        "status": "paid",
        "paid_on": "2026-11-24",
        "paid": str(total),
        "open": "0.00",
        "overdue_days": 0,
    }
    again = billed("invoice", "mark-paid", number, "--amount", "1")
    assert again.exit_code == 1 and "is paid already (on 2026-11-24)" in again.stderr
    assert Payment.select().count() == 2


def test_an_overpayment_is_refused_naming_the_open_amount(billed):
    number = create(billed).json()["number"]
    billed.ok("invoice", "mark-sent", number)
    total = Decimal(billed.ok("invoice", "show", number, "--json").json()["total"])
    billed.ok("invoice", "mark-paid", number, "--amount", "50.50")
    refused = billed("invoice", "mark-paid", number, "--amount", str(total))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"error: amount: {total} EUR is more than the open amount of {number}: "
        f"{total - Decimal('50.50')} EUR\n"
    )
    assert payments(billed, number)["paid"] == "50.50" and Payment.select().count() == 1
    for bad, reason in (
        ("-5", "must not be negative"),
        ("0", "must be above 0"),
        ("1.234", "more than 2 decimals for EUR"),
        ("1,5", "not a number"),
    ):
        result = billed("invoice", "mark-paid", number, "--amount", bad)
        assert result.exit_code == 1 and reason in result.stderr, bad
    assert Payment.select().count() == 1


def test_a_credit_note_reduces_what_is_open_and_can_settle_the_invoice(billed):
    invoice = create(billed).json()
    number, first = invoice["number"], invoice["lines"][0]
    billed.ok("invoice", "mark-sent", number)
    note = billed.ok("invoice", "credit", number, "--line", str(first["id"]), "--json").json()
    left = Decimal(invoice["total"]) + Decimal(note["total"])
    assert payments(billed, number)["open"] == str(left)
    refused = billed("invoice", "mark-paid", number, "--amount", invoice["total"])
    assert f"open amount of {number}: {left} EUR" in refused.stderr
    billed.ok("invoice", "mark-paid", number)  # pays what is left
    assert payments(billed, number) == {
        "status": "paid",
        "paid_on": "2026-11-20",
        "paid": str(left),
        "open": "0.00",
        "overdue_days": 0,
    }
    credit_note = billed("invoice", "mark-paid", note["number"])
    assert credit_note.exit_code == 1 and "is a credit note" in credit_note.stderr


def test_credited_in_full_the_invoice_is_paid_until_the_credit_note_is_deleted(billed):
    number = create(billed).json()["number"]
    billed.ok("invoice", "mark-sent", number)
    note = billed.ok("invoice", "credit", number, "--json").json()["number"]
    assert payments(billed, number)["status"] == "paid"
    assert payments(billed, number)["open"] == "0.00"
    billed.ok("invoice", "delete", note)
    assert payments(billed, number)["status"] == "sent"
    assert payments(billed, number)["paid_on"] is None


def test_overdue_invoices_show_their_days_and_the_cycle_lists_them(billed, monkeypatch):
    invoice = create(billed).json()
    number, due = invoice["number"], invoice["due_date"]
    billed.ok("invoice", "mark-sent", number)
    billed.ok("invoice", "mark-paid", number, "--amount", "10")
    assert due == "2026-12-04"
    monkeypatch.setenv("TALLY_NOW", "2026-12-16T10:00:00+01:00")
    open_ = str(Decimal(invoice["total"]) - 10)
    [listed] = billed.ok("invoice", "list", "--json").json()
    assert (listed["paid"], listed["open"], listed["overdue_days"]) == ("10.00", open_, 12)
    assert payments(billed, number)["overdue_days"] == 12
    cycle = billed.ok("invoicing", "--json").json()
    assert [(o["number"], o["open"], o["overdue_days"]) for o in cycle["overdue"]] == [
        (number, open_, 12)
    ]
    assert cycle["overdue_open"] == [{"currency": "EUR", "open": open_}]
    assert [s["number"] for s in cycle["sent"]] == [number]  # the existing lists stay
    billed.ok("invoice", "mark-paid", number, "--on", "2026-12-15")
    assert payments(billed, number)["overdue_days"] == 0
    assert billed.ok("invoicing", "--json").json()["overdue"] == []


def test_an_invoice_marked_paid_without_payment_rows_owes_nothing(billed):
    """Rows another writer put in the register (a restore, a generator) say paid without
    any payment: the status stands, and nothing shows as open."""
    number = create(billed).json()["number"]
    billed.ok("invoice", "mark-sent", number)
    open_database(os.environ["TALLY_DB"])
    Invoice.update(status="paid", paid_on="2026-11-20").where(Invoice.number == number).execute()
    db.close()
    shown = billed.ok("invoice", "show", number, "--json").json()
    assert (shown["paid"], shown["open"]) == (shown["total"], "0.00")
