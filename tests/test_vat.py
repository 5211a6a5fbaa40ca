"""VAT per line: the breakdown per (category, rate), exemption reasons, and the EN 16931
totals rules (BR-CO-10 … BR-CO-17) on documents the services write."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallytui.cli.output import invoice_json
from tallytui.domain.errors import Conflict, InvalidInput
from tallytui.domain.invoicing import DraftLine, apply_vat, totals
from tallytui.domain.vat import (
    CATEGORIES,
    Exemption,
    TaxedAmount,
    TaxGroup,
    check_reason,
    check_vat_ids,
    exemption,
    headline_rate,
    line_tax,
    parse_category,
)
from tallytui.services import clients, corrections, org
from tallytui.store.db import open_database
from tallytui.store.models import db

D = Decimal


def at(rate, *amounts, category="S"):
    return [TaxedAmount(D(a), category, D(rate)) for a in amounts]


def rows(t):
    return [(g.category, g.rate, g.taxable, g.tax) for g in t.breakdown]


def draft(amount, tax_rate=None, line_type="service"):
    return DraftLine("x", D(1), "", D(amount), D(amount), line_type, None, "", tax_rate=tax_rate)


# --- the breakdown ---------------------------------------------------------------------


def test_19_percent_time_and_7_percent_expenses_are_taxed_per_rate():
    lines = apply_vat(
        [draft("1000.00"), draft("250.50"), draft("86.40", D(7), "product")], "S", D("19.00")
    )
    assert [(ln.tax_category, ln.tax_rate) for ln in lines] == [
        ("S", D("19.00")),
        ("S", D("19.00")),
        ("S", D("7.00")),
    ]
    result = totals(lines, "EUR")
    # 1250.50 × 19 % = 237.595 → 237.60; 86.40 × 7 % = 6.048 → 6.05.
    assert rows(result) == [
        ("S", D("19.00"), D("1250.50"), D("237.60")),
        ("S", D("7.00"), D("86.40"), D("6.05")),
    ]
    assert (result.subtotal, result.tax, result.total) == (D("1336.90"), D("243.65"), D("1580.55"))


def test_tax_is_rounded_once_per_category_and_rate_not_per_line():
    # Per line 0.05 × 7 % = 0.0035 → 0.00 three times; on the rate's net 0.15 → 0.0105 → 0.01.
    # The 19 % lines: 0.03 × 19 % = 0.0057 → 0.01 each (0.02), on their net 0.06 → 0.0114 → 0.01.
    result = totals(at(7, "0.05", "0.05", "0.05") + at(19, "0.03", "0.03"), "EUR")
    assert rows(result) == [
        ("S", D("19"), D("0.06"), D("0.01")),
        ("S", D("7"), D("0.15"), D("0.01")),
    ]
    assert result.tax == D("0.02")


def test_mixed_categories_each_get_a_row_and_their_reason():
    lines = at(19, "100.00") + at(0, "40.00", category="Z") + at(0, "60.00", category="AE")
    result = totals(lines, "EUR", {"AE": Exemption("VATEX-EU-AE", "Steuerschuldnerschaft")})
    assert rows(result) == [
        ("S", D("19"), D("100.00"), D("19.00")),
        ("Z", D("0"), D("40.00"), D("0.00")),
        ("AE", D("0"), D("60.00"), D("0.00")),
    ]
    assert [g.exemption for g in result.breakdown] == [
        None,
        None,
        Exemption("VATEX-EU-AE", "Steuerschuldnerschaft"),
    ]
    assert result.total == D("219.00")


def test_a_client_s_category_decides_the_line_s_and_standard_at_zero_is_zero_rated():
    assert line_tax("S", D("19")) == ("S", D("19.00"))
    assert line_tax("S", D("0")) == ("Z", D("0.00"))
    assert line_tax("AE", D("19")) == ("AE", D("0.00"))  # an expense's own 7 % too
    assert line_tax("O", D("7")) == ("O", D("0.00"))


def test_categories_are_read_as_words_or_codes():
    assert [parse_category(w) for w in CATEGORIES] == ["S", "Z", "E", "AE", "K", "G", "O"]
    assert parse_category("ae") == "AE" and parse_category("Reverse-Charge") == "AE"
    with pytest.raises(InvalidInput, match="'reduced' is not one of standard, zero"):
        parse_category("reduced")


def test_exemption_reasons_default_to_the_vatex_wording_and_take_a_typed_code():
    assert exemption("S") is None and exemption("Z") is None
    assert exemption("AE") == Exemption("VATEX-EU-AE", "Reverse charge")
    assert exemption("K") == Exemption("VATEX-EU-IC", "Intra-Community supply")
    assert exemption("G") == Exemption("VATEX-EU-G", "Export outside the EU")
    assert exemption("O") == Exemption("VATEX-EU-O", "Not subject to VAT")
    assert exemption("E") == Exemption("", "Exempt from VAT")
    assert exemption("E", "vatex-eu-132-1i: Hospital care") == Exemption(
        "VATEX-EU-132-1I", "Hospital care"
    )
    assert exemption("AE", "Steuerschuldnerschaft des Leistungsempfängers") == Exemption(
        "VATEX-EU-AE", "Steuerschuldnerschaft des Leistungsempfängers"
    )


def test_standard_and_zero_rated_take_no_exemption_reason():
    with pytest.raises(InvalidInput, match="BR-S-10, BR-Z-10"):
        check_reason("Z", "because")
    assert check_reason("S", "  ") == ""
    assert check_reason("E", " Heilbehandlung ") == "Heilbehandlung"


def test_the_headline_rate_is_the_only_rate_or_that_of_the_largest_taxable_amount():
    assert headline_rate([]) is None
    assert headline_rate([TaxGroup("S", D(7), D(10), D("0.70"))]) == D(7)
    groups = [TaxGroup("S", D(19), D(100), D(19)), TaxGroup("S", D(7), D(300), D(21))]
    assert headline_rate(groups) == D(7)
    credit = [TaxGroup("S", D(19), D(-100), D(-19)), TaxGroup("S", D(7), D(-30), D("-2.10"))]
    assert headline_rate(credit) == D(19)


def test_reverse_charge_and_intra_eu_supplies_need_vat_ids():
    check_vat_ids(["S", "Z", "E", "G", "O"], "", "", "Globex")
    with pytest.raises(Conflict, match='of Müller & Söhne: tally client set "Müller & Söhne"'):
        check_vat_ids(["AE"], "DE1", "", "Müller & Söhne")
    with pytest.raises(Conflict, match="your own VAT id: tally org set --vat-id ID"):
        check_vat_ids(["K"], "", "FR1", "Globex")


# --- BR-CO-10 … BR-CO-17 on documents the services write --------------------------------

CENT = D("0.01")
WITHOUT_VAT = ["zero", "exempt", "reverse-charge", "intra-eu", "export", "outside-scope"]


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def register():
    """One database for all examples: an organisation and a client of every category (the
    standard one at 19 %), with the VAT ids the categories need."""
    folder = tempfile.mkdtemp(prefix="tally-vat-")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TALLY_NOW", "2026-11-20T10:00:00+01:00")
        handle = open_database(os.path.join(folder, "tally.db"))
        org.init(org.OrgSettings(name="Acme", code="ACME", vat_id="DE136695976"), "anna")
        for word in ["standard", *WITHOUT_VAT]:
            clients.add(
                "anna",
                clients.ClientChanges(name=word, vat=word, vat_id="FR40303265045", tax_rate=D(19)),
            )
        yield
        handle.close()
    if not db.is_closed():
        db.close()
    shutil.rmtree(folder, ignore_errors=True)


free_lines = st.lists(
    st.tuples(
        st.integers(1, 100_000).map(lambda h: D(h) / 100),  # quantity
        st.integers(0, 500_000).map(lambda c: D(c) / 100),  # unit price
        st.sampled_from([None, D("7"), D("19"), D("0"), D("5.5"), D("20")]),  # vat=
    ),
    min_size=1,
    max_size=15,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=free_lines, category=st.sampled_from(["standard", *WITHOUT_VAT]), data=st.data())
def test_every_document_s_totals_satisfy_br_co_10_to_17(register, lines, category, data):
    """For random lines, quantities, prices, rates and categories, the figures of
    ``invoice show --json`` add up as EN 16931 requires, exactly."""
    own_rates = category == "standard"
    doc = corrections.freeform(
        "anna",
        category,
        [
            corrections.FreeLine(f"line {n}", q, p, tax_rate=r if own_rates else None)
            for n, (q, p, r) in enumerate(lines)
        ],
        credit_note=data.draw(st.booleans()),
    )
    shown = invoice_json(doc)
    line_nets = [D(line["amount"]) for line in shown["lines"]]
    net, tax, total = (D(shown[k]) for k in ("subtotal", "tax", "total"))
    breakdown = shown["tax_breakdown"]
    # BR-CO-10: the sum of the line nets is the total net.
    assert sum(line_nets, D(0)) == net
    # BR-CO-13: tax exclusive = net − allowances + charges (a document carries neither).
    exclusive = net
    # BR-CO-14: the total VAT is the sum of the breakdown's VAT.
    assert sum((D(g["tax"]) for g in breakdown), D(0)) == tax
    # BR-CO-15: tax inclusive = tax exclusive + VAT; BR-CO-16: due = inclusive (nothing
    # prepaid, no rounding amount).
    assert total == exclusive + tax
    # BR-CO-17: each row's VAT is its taxable amount × rate / 100, rounded to 2 decimals;
    # each row's taxable amount is the sum of its lines' nets (BR-S-08 and the like).
    nets: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in shown["lines"]:
        nets[(line["tax_category"], line["tax_rate"])] += D(line["amount"])
    assert {(g["category"], g["rate"]): D(g["taxable"]) for g in breakdown} == nets
    for g in breakdown:
        assert D(g["tax"]) == half_up(D(g["taxable"]) * D(g["rate"]) / 100), g
        assert (g["category"] in ("S", "Z")) == (g["exemption_reason"] is None), g
        if g["category"] != "S":
            assert g["rate"] == "0.00"
    if len(breakdown) == 1:
        assert shown["tax_rate"] == breakdown[0]["rate"]
