"""The pure invoicing rules: lines, quantities, amounts, tax and the number format."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tallytui.domain.errors import Conflict, InvalidInput
from tallytui.domain.invoicing import (
    BillableExpense,
    BillableTime,
    check_grouping,
    client_description,
    credit_totals,
    expense_lines,
    hours,
    time_lines,
    totals,
)
from tallytui.domain.numbering import format_number, next_sequence, parse_number, register_period
from tallytui.domain.rounding import Rounding
from tallytui.domain.vat import TaxedAmount, TaxGroup

D = Decimal


def at(rate, *amounts, category="S"):
    """Lines of ``amounts`` at one (category, rate)."""
    return [TaxedAmount(D(a), category, D(rate)) for a in amounts]


def sums(t):
    return t.subtotal, t.tax, t.total


def taken(net, tax, rate):
    """What earlier credit notes took back at a standard ``rate``."""
    return (TaxGroup("S", D(rate), D(net), D(tax)),)


def item(
    entry_id,
    seconds,
    *,
    project="Web",
    user="anna",
    day=date(2026, 11, 3),
    price="95",
    rounding=None,
    description="",
):
    return BillableTime(entry_id, project, user, day, seconds, description, D(price), rounding)


def test_three_seven_minute_entries_rounded_up_to_fifteen_bill_45_minutes():
    rule = Rounding(15, "up")
    [line] = time_lines([item(i, 7 * 60, rounding=rule) for i in (1, 2, 3)], "project", "EUR")
    assert line.quantity == D("0.75")
    assert line.amount == D("71.25")
    assert line.entry_ids == (1, 2, 3)


def test_rounding_applies_per_entry_not_to_the_sum():
    rule = Rounding(15, "nearest")
    # 3 × 7 min = 21 min would round to 15 as a sum; per entry each 7 → 0 (below half of 15).
    [line] = time_lines([item(i, 7 * 60, rounding=rule) for i in (1, 2, 3)], "project", "EUR")
    assert line.quantity == D("0.00")


def test_quantity_is_hours_rounded_half_up_to_two_decimals():
    assert hours(9594) == D("2.67")  # 2.665 h → 2.67
    assert hours(9593) == D("2.66")
    assert hours(18) == D("0.01")  # 0.005 h → 0.01
    assert hours(17) == D("0.00")


def test_amount_is_quantity_times_price_rounded_half_up():
    # 2.665 h → 2.67 h × 33.33 = 88.9911 → 88.99; a client multiplying gets the same.
    [line] = time_lines([item(1, 9594, price="33.33")], "project", "EUR")
    assert (line.quantity, line.amount) == (D("2.67"), D("88.99"))
    assert line.amount == (line.quantity * line.unit_price).quantize(D("0.01"))


def test_rate_change_inside_the_period_gives_two_lines():
    lines = time_lines(
        [
            item(1, 3600, day=date(2026, 11, 3), price="95"),
            item(2, 3600, day=date(2026, 11, 20), price="100"),
            item(3, 1800, day=date(2026, 11, 4), price="95"),
        ],
        "project",
        "EUR",
    )
    assert [(line.unit_price, line.quantity, line.entry_ids) for line in lines] == [
        (D("95"), D("1.50"), (1, 3)),
        (D("100"), D("1.00"), (2,)),
    ]
    assert "2026-11-03 – 2026-11-04" in lines[0].description


@pytest.mark.parametrize(
    ("grouping", "count"),
    [("project", 2), ("single", 1), ("detailed", 4), ("user", 2), ("date", 3)],
)
def test_groupings(grouping, count):
    items = [
        item(1, 3600, project="Web", user="anna", day=date(2026, 11, 3)),
        item(2, 3600, project="Api", user="anna", day=date(2026, 11, 3)),
        item(3, 3600, project="Web", user="ben", day=date(2026, 11, 4)),
        item(4, 3600, project="Web", user="ben", day=date(2026, 11, 5), description="Fix"),
    ]
    lines = time_lines(items, grouping, "EUR")
    assert len(lines) == count
    assert sorted(e for line in lines for e in line.entry_ids) == [1, 2, 3, 4]
    assert sum(line.quantity for line in lines) == D("4.00")
    assert all(line.line_type == "service" and line.unit == "h" for line in lines)


def test_detailed_line_names_day_project_and_description():
    [line] = time_lines([item(7, 3600, description="Checkout")], "detailed", "EUR")
    assert line.description == "2026-11-03 Web: Checkout"


def test_single_line_never_blends_two_rates():
    lines = time_lines(
        [item(1, 3600, price="95"), item(2, 3600, project="Api", price="120")], "single", "EUR"
    )
    assert sorted(line.unit_price for line in lines) == [D("95"), D("120")]


def test_unknown_grouping_is_refused():
    with pytest.raises(InvalidInput, match="not one of"):
        check_grouping("client")


def test_expenses_are_product_lines_with_their_recorded_amount():
    [line] = expense_lines(
        [
            BillableExpense(
                5, "Web", date(2026, 11, 3), D("123"), "km", D("0.35"), D("43.05"), "travel", ""
            )
        ]
    )
    assert (line.line_type, line.quantity, line.unit, line.unit_price, line.amount) == (
        "product",
        D("123"),
        "km",
        D("0.35"),
        D("43.05"),
    )
    assert line.description == "2026-11-03 Web: travel" and line.expense_ids == (5,)


def test_tax_once_on_the_net_and_total_is_net_plus_tax():
    # Per-line tax would give 0.19 + 0.19 = 0.38; on the sum 2.00 × 19 % = 0.38 too, but
    # 1.03 + 1.03 → per line 0.20 + 0.20 = 0.40, on the net 2.06 × 19 % = 0.39.
    result = totals(at(19, "1.03", "1.03"), "EUR")
    assert (result.subtotal, result.tax, result.total) == (D("2.06"), D("0.39"), D("2.45"))


def test_negative_totals_round_symmetrically():
    positive = totals(at("7.7", "10.05"), "CHF")
    negative = totals(at("7.7", "-10.05"), "CHF")
    assert negative.tax == -positive.tax and negative.total == -positive.total


def test_zero_decimal_currency():
    [line] = time_lines([item(1, 5400, price="12000")], "project", "JPY")
    assert line.amount == D("18000")
    assert totals(at(10, line.amount), "JPY").tax == D("1800")


def test_number_format_and_register():
    assert register_period(date(2026, 1, 31)) == "202601"
    assert format_number("ACME", "202601", 7) == "ACME-202601-0007"
    assert parse_number("ACME-202601-0007") == ("ACME", "202601", 7)
    assert parse_number("ACME-2026-0007") is None
    assert next_sequence(0, "202601") == 1
    assert next_sequence(9998, "202601") == 9999
    with pytest.raises(Conflict, match="full: 9999 documents"):
        next_sequence(9999, "202601")


def test_a_partial_credit_rounds_its_own_tax_and_the_last_takes_what_is_left():
    invoiced = totals(at(19, "1.50", "1.50"), "EUR")
    assert sums(invoiced) == (D("3.00"), D("0.57"), D("3.57"))
    first = credit_totals(invoiced.breakdown, (), at(19, "1.50"), "EUR")
    assert sums(first) == (D("-1.50"), D("-0.29"), D("-1.79"))
    last = credit_totals(invoiced.breakdown, taken("1.50", "0.29", 19), at(19, "1.50"), "EUR")
    assert sums(last) == (D("-1.50"), D("-0.28"), D("-1.78"))


def test_a_partial_credit_never_takes_more_tax_than_is_left():
    # Four lines of 0.01 at 50 %: tax 0.02 on the whole, but 0.01 on each line alone.
    invoiced = totals(at(50, *["0.01"] * 4), "EUR")
    assert invoiced.tax == D("0.02")
    two_lines = taken("0.02", "0.02", 50)  # two lines, 0.01 tax each
    third = credit_totals(invoiced.breakdown, two_lines, at(50, "0.01"), "EUR")
    assert sums(third) == (D("-0.01"), D("0.00"), D("-0.01"))
    assert str(third.tax) == "0.00"


def test_a_credit_of_more_net_than_is_left_is_refused():
    invoiced = totals(at(19, "10.00"), "EUR")
    with pytest.raises(Conflict, match="more than the 4.00 net left"):
        credit_totals(invoiced.breakdown, taken("6.00", "1.14", 19), at(19, "4.01"), "EUR")


def test_the_credit_that_completes_a_rate_takes_exactly_that_rate_s_tax():
    # 19 %: 1.50 + 1.50 (tax 0.57); 7 %: 0.07 + 0.07 (tax 0.01 on the whole, 0.00 each).
    invoiced = totals(at(19, "1.50", "1.50") + at(7, "0.07", "0.07"), "EUR")
    first = credit_totals(invoiced.breakdown, (), at(19, "1.50") + at(7, "0.07"), "EUR")
    assert [(g.rate, g.taxable, g.tax) for g in first.breakdown] == [
        (D("19.00"), D("-1.50"), D("-0.29")),
        (D("7.00"), D("-0.07"), D("0.00")),
    ]
    before = tuple(TaxGroup(g.category, g.rate, -g.taxable, -g.tax) for g in first.breakdown)
    second = credit_totals(invoiced.breakdown, before, at(19, "1.50") + at(7, "0.07"), "EUR")
    assert [(g.rate, g.tax) for g in second.breakdown] == [
        (D("19.00"), D("-0.28")),
        (D("7.00"), D("-0.01")),
    ]
    assert first.total + second.total == -invoiced.total


def test_a_credit_at_a_rate_the_invoice_does_not_have_is_refused():
    invoiced = totals(at(19, "10.00"), "EUR")
    with pytest.raises(Conflict, match="no S 7.00% VAT"):
        credit_totals(invoiced.breakdown, (), at("7.00", "1.00"), "EUR")


@pytest.mark.parametrize(
    ("source", "edited", "shown"),
    [
        ("capture", False, "2026-11-03 Web"),
        ("capture", True, "2026-11-03 Web: src/app.py, github.com/acme-co/web"),
        ("manual", False, "2026-11-03 Web: src/app.py, github.com/acme-co/web"),
        ("import", False, "2026-11-03 Web: src/app.py, github.com/acme-co/web"),
    ],
)
def test_a_detailed_line_prints_captured_text_only_once_a_person_edited_it(source, edited, shown):
    text = client_description("src/app.py, github.com/acme-co/web", source, edited)
    [line] = time_lines([item(1, 3600, description=text)], "detailed", "EUR")
    assert line.description == shown
