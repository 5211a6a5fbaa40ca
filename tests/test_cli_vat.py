"""VAT per line through the CLI: a client's category, an expense's own rate, freeform
``vat=``, the JSON breakdown, reverse charge's VAT id, credit notes across rates."""

from __future__ import annotations

import pytest
from pypdf import PdfReader


def _period_work(org, *, expense: str = "86.40", rate: str | None = "7"):
    """3.5 h on Web at 95 in November, one train ticket, all locked."""
    for day, end in (("03", "11:00"), ("10", "10:30")):
        org.ok(
            "entry",
            "add",
            "--project",
            "Web",
            "--start",
            f"2026-11-{day} 09:00",
            "--end",
            f"2026-11-{day} {end}",
        )
    ticket = ["--tax-rate", rate] if rate else []
    org.ok(
        "expense",
        "add",
        "--project",
        "Web",
        "--date",
        "2026-11-12",
        "--amount",
        expense,
        "--category",
        "travel",
        *ticket,
    )
    org.ok("timesheet", "lock", "--until", "2026-11-19")


def _create(org):
    return org(
        "invoice",
        "create",
        "--project",
        "Web",
        "--period-start",
        "2026-11-01",
        "--period-end",
        "2026-11-19",
        "--json",
    )


def test_time_at_19_and_travel_at_7_percent_on_one_invoice(engine, org):
    _period_work(org)
    invoice = _create(org).json()
    assert [
        (line["type"], line["amount"], line["tax_category"], line["tax_rate"])
        for line in invoice["lines"]
    ] == [("service", "332.50", "S", "19.00"), ("product", "86.40", "S", "7.00")]
    # 332.50 × 19 % = 63.175 → 63.18; 86.40 × 7 % = 6.048 → 6.05.
    assert invoice["tax_breakdown"] == [
        {
            "category": "S",
            "rate": "19.00",
            "taxable": "332.50",
            "tax": "63.18",
            "exemption_code": None,
            "exemption_reason": None,
        },
        {
            "category": "S",
            "rate": "7.00",
            "taxable": "86.40",
            "tax": "6.05",
            "exemption_code": None,
            "exemption_reason": None,
        },
    ]
    assert (invoice["subtotal"], invoice["tax_rate"], invoice["tax"], invoice["total"]) == (
        "418.90",
        "19.00",
        "69.23",
        "488.13",
    )
    assert org.ok("invoice", "show", invoice["number"], "--json").json() == invoice
    shown = org.ok("invoice", "show", invoice["number"]).stdout
    assert "Tax 19.00% 63.18 EUR on 332.50 EUR" in shown
    assert "Tax 7.00% 6.05 EUR on 86.40 EUR" in shown
    [expense] = org.ok("expense", "list", "--json").json()
    assert expense["tax_rate"] == "7.00"


def test_an_expense_without_its_own_rate_takes_the_client_s(org):
    _period_work(org, rate=None)
    invoice = _create(org).json()
    assert {line["tax_rate"] for line in invoice["lines"]} == {"19.00"}
    assert [g["taxable"] for g in invoice["tax_breakdown"]] == ["418.90"]


def test_a_bad_expense_rate_is_refused_and_nothing_is_added(org):
    result = org(
        "expense", "add", "--project", "Web", "--date", "2026-11-12", "--amount", "5",
        "--tax-rate", "7,5",
    )  # fmt: skip
    assert result.exit_code == 1 and "--tax-rate: '7,5' is not a number" in result.stderr
    assert org.ok("expense", "list", "--json").json() == []


def test_reverse_charge_needs_the_buyer_s_vat_id(org, tmp_path):
    org.ok("client", "set", "Globex", "--vat", "reverse-charge")
    _period_work(org)
    refused = _create(org)
    assert refused.exit_code == 1
    assert (
        "error: reverse charge needs the buyer's VAT id of Globex: "
        "tally client set Globex --vat-id ID"
    ) in refused.stderr
    assert org.ok("invoice", "list", "--json").json() == []
    assert all(e["invoice"] is None for e in org.ok("entry", "list", "--json").json())

    org.ok("client", "set", "Globex", "--vat-id", "FR40303265045")
    invoice = _create(org).json()
    assert {(ln["tax_category"], ln["tax_rate"]) for ln in invoice["lines"]} == {("AE", "0.00")}
    assert invoice["tax_breakdown"] == [
        {
            "category": "AE",
            "rate": "0.00",
            "taxable": "418.90",
            "tax": "0.00",
            "exemption_code": "VATEX-EU-AE",
            "exemption_reason": "Reverse charge",
        }
    ]
    assert (invoice["tax_rate"], invoice["tax"], invoice["total"]) == ("0.00", "0.00", "418.90")
    target = tmp_path / "rc.pdf"
    org.ok("invoice", "pdf", invoice["number"], "-o", str(target))
    text = " ".join(PdfReader(target).pages[0].extract_text().split())
    assert "Tax 0% (reverse charge)" in text
    assert "Reverse charge: the recipient is liable for the VAT (Article 196" in text


def test_an_exemption_reason_of_the_client_is_frozen_on_the_document(org):
    org.ok(
        "client",
        "set",
        "Globex",
        "--vat",
        "exempt",
        "--exemption-reason",
        "VATEX-EU-132-1I Heilbehandlung <§ 4 Nr. 14 UStG>",
    )
    [client] = [c for c in org.ok("client", "list", "--json").json() if c["name"] == "Globex"]
    assert (client["vat"], client["exemption_reason"]) == (
        "exempt",
        "VATEX-EU-132-1I Heilbehandlung <§ 4 Nr. 14 UStG>",
    )
    doc = org.ok("invoice", "freeform", "--client", "Globex", "--line", "Care|2|50", "--json")
    [group] = doc.json()["tax_breakdown"]
    assert (group["category"], group["exemption_code"], group["exemption_reason"]) == (
        "E",
        "VATEX-EU-132-1I",
        "Heilbehandlung <§ 4 Nr. 14 UStG>",
    )
    org.ok("client", "set", "Globex", "--exemption-reason", "changed later")
    again = org.ok("invoice", "show", doc.json()["number"], "--json").json()
    assert again["tax_breakdown"] == doc.json()["tax_breakdown"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--vat", "zero", "--exemption-reason", "why"], 1, "BR-S-10, BR-Z-10"),
        (["--exemption-reason", "why"], 1, "standard VAT carries no exemption reason"),
        (["--vat", "reduced"], 2, "'reduced' is not one of"),
    ],
)
def test_client_vat_options_refuse_what_en_16931_forbids(org, args, code, message):
    before = org.ok("client", "list", "--json").json()
    result = org("client", "set", "Globex", *args)
    assert result.exit_code == code and message in result.stderr
    assert org.ok("client", "list", "--json").json() == before


def test_freeform_lines_may_carry_their_own_rate(org):
    doc = org.ok(
        "invoice",
        "freeform",
        "--client",
        "Globex",
        "--line",
        "Workshop|1|500",
        "--line",
        "Book|2|20|pcs|product|vat=7",
        "--json",
    ).json()
    assert [(ln["unit"], ln["type"], ln["tax_rate"]) for ln in doc["lines"]] == [
        ("", "service", "19.00"),
        ("pcs", "product", "7.00"),
    ]
    assert [(g["rate"], g["tax"]) for g in doc["tax_breakdown"]] == [
        ("19.00", "95.00"),
        ("7.00", "2.80"),
    ]
    bad = org("invoice", "freeform", "--client", "Globex", "--line", "Book|1|20|vat=x")
    assert bad.exit_code == 1 and "--line 1 vat: 'x' is not a number" in bad.stderr
    org.ok("client", "set", "Globex", "--vat", "export")
    refused = org("invoice", "freeform", "--client", "Globex", "--line", "Book|1|20|vat=7")
    assert refused.exit_code == 1
    assert "line 1: a VAT rate of its own needs a standard-rated client" in refused.stderr
    assert len(org.ok("invoice", "list", "--json").json()) == 1


def test_credit_notes_across_two_rates_take_back_each_rate_s_tax_exactly(engine, org):
    """On SQLite and on PostgreSQL (the credited tax per rate is summed in SQL)."""
    # 19 %: 1.50 + 1.50, tax 0.57 on 3.00 (0.29 on each alone); 7 %: 0.07 + 0.07, tax 0.01
    # on 0.14 (0.00 on each alone).
    doc = org.ok(
        "invoice",
        "freeform",
        "--client",
        "Globex",
        *("--line", "A1|1|1.50", "--line", "B1|1|0.07|vat=7"),
        *("--line", "A2|1|1.50", "--line", "B2|1|0.07|vat=7"),
        "--json",
    ).json()
    assert doc["tax"] == "0.58"
    org.ok("invoice", "mark-sent", doc["number"])
    a1, b1, a2, b2 = (str(line["id"]) for line in doc["lines"])
    first = org.ok("invoice", "credit", doc["number"], "--line", a1, "--line", b1, "--json")
    second = org.ok("invoice", "credit", doc["number"], "--line", a2, "--line", b2, "--json")
    assert [(g["rate"], g["taxable"], g["tax"]) for g in first.json()["tax_breakdown"]] == [
        ("19.00", "-1.50", "-0.29"),
        ("7.00", "-0.07", "0.00"),
    ]
    assert [(g["rate"], g["taxable"], g["tax"]) for g in second.json()["tax_breakdown"]] == [
        ("19.00", "-1.50", "-0.28"),
        ("7.00", "-0.07", "-0.01"),
    ]
    assert [n["total"] for n in (first.json(), second.json())] == ["-1.86", "-1.86"]
    assert doc["total"] == "3.72"
