"""The e-invoice model's own rules: unit codes, and totals that satisfy BR-CO-10 … BR-CO-17
for any lines, checked on the model, in the written XML and by the official EN 16931 rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from einvoice_documents import SELLER, document, line
from einvoice_rules import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_einvoice_formats import read_back

from tallytui.domain.edocument import (
    Line,
    cents,
    line_net,
    tax_breakdown,
    totals_of,
    unit_code,
)
from tallytui.render.einvoice import amount, number, price, write


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        ("h", "HUR"),
        ("hours", "HUR"),
        ("d", "DAY"),
        ("day", "DAY"),
        ("Days", "DAY"),
        ("", "C62"),
        ("pc", "C62"),
        ("pcs", "C62"),
        ("month", "MON"),
        ("km", "KMT"),
        ("Stück", "C62"),
    ],
)
def test_unit_code_maps_the_units_people_type(unit, code):
    assert unit_code(unit) == code


@pytest.mark.parametrize(
    ("value", "amount_text", "number_text", "price_text"),
    [
        ("118.75", "118.75", "118.75", "118.75"),
        ("100", "100.00", "100", "100.00"),
        ("0.005", "0.01", "0.005", "0.005"),
        ("19.00", "19.00", "19", "19.00"),
        ("0", "0.00", "0", "0.00"),
    ],
)
def test_numbers_are_written_without_exponent_and_amounts_with_two_decimals(
    value, amount_text, number_text, price_text
):
    assert (amount(Decimal(value)), number(Decimal(value)), price(Decimal(value))) == (
        amount_text,
        number_text,
        price_text,
    )


def test_tax_is_rounded_once_per_category_and_rate_on_the_summed_net():
    lines = [line(n, "x", "1", "h", "0.05") for n in range(1, 4)]
    lines.append(line(4, "y", "1", "", "10.00", rate="7"))
    (standard, reduced) = tax_breakdown(lines)
    # Per line 0.05 × 19 % = 0.0095 would round to 0.01 three times; once on 0.15 it is 0.03.
    assert (standard.taxable, standard.tax) == (Decimal("0.15"), Decimal("0.03"))
    assert (reduced.category, reduced.rate, reduced.tax) == ("S", Decimal(7), Decimal("0.70"))


def test_a_document_refuses_an_unknown_kind_or_vat_category_by_name():
    with pytest.raises(ValueError, match="kind 'quote'"):
        document([line(1, "x", "1", "h", "1.00")], kind="quote")
    with pytest.raises(ValueError, match="line 1: VAT category 'X' is not one of S, Z"):
        document([line(1, "x", "1", "h", "1.00", category="X")])


REASONS = {
    "Z": ("Zero rated goods", "VATEX-EU-Z"),
    "E": ("Exempt based on article 132 of Council Directive 2006/112/EC", "VATEX-EU-132"),
    "AE": ("Reverse charge", "VATEX-EU-AE"),
    "K": ("Intra-community supply", "VATEX-EU-IC"),
    "G": ("Export outside the EU", "VATEX-EU-G"),
    "O": ("Not subject to VAT", "VATEX-EU-O"),
}
quantities = st.decimals(Decimal("0.01"), Decimal("500"), places=2)
prices = st.decimals(Decimal("0.00"), Decimal("5000"), places=2)
standard_rates = st.sampled_from([Decimal(r) for r in ("19", "7", "20", "21", "5.5", "2.1")])
categories = st.sampled_from(["S", "S", "Z", "E", "AE", "K", "G"])


@st.composite
def random_lines(draw) -> list[Line]:
    outside = draw(st.booleans().map(lambda b: b and draw(st.integers(0, 5)) == 0))
    out = []
    for n in range(1, draw(st.integers(1, 12)) + 1):
        category = "O" if outside else draw(categories)
        rate = draw(standard_rates) if category == "S" else Decimal(0)
        q, p = draw(quantities), draw(prices)
        out.append(Line(str(n), f"Line {n}", q, "HUR", p, line_net(q, p), category, rate))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_lines())
def test_totals_satisfy_br_co_10_to_17_in_the_model_the_xml_and_the_official_rules(lines):
    tax = tax_breakdown(lines, REASONS)
    totals = totals_of(lines, tax)
    assert totals.line_total == sum(x.net_amount for x in lines)  # BR-CO-10
    assert totals.tax_exclusive == totals.line_total  # BR-CO-13, no allowances or charges
    assert totals.tax_total == sum(t.tax for t in tax)  # BR-CO-14
    assert totals.tax_inclusive == totals.tax_exclusive + totals.tax_total  # BR-CO-15
    assert totals.amount_due == totals.tax_inclusive  # BR-CO-16, nothing prepaid
    for sub in tax:  # BR-CO-17
        assert sub.tax == cents(sub.taxable * sub.rate / 100)
        assert sub.taxable == sum(
            x.net_amount for x in lines if (x.tax_category, x.tax_rate) == (sub.category, sub.rate)
        )
    doc = replace(
        document(lines),
        tax=tax,
        totals=totals,
        delivery=replace(SELLER, name="Client SA", country="FR"),
        buyer=replace(SELLER, name="Client SA", country="FR", vat_id="FR40303265045"),
    )
    for fmt, rules in (("cii", "en16931-cii"), ("ubl", "en16931-ubl")):
        xml = write(doc, fmt)
        assert read_back(xml)[0] == totals
        assert [f for f in run(rules, xml) if f.failing] == []
