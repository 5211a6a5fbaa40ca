"""Payments: the domain rule, and a property of any sequence of payments and credits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tallytui.domain.errors import Conflict, InvalidInput
from tallytui.domain.payments import Balance, after_payment, overdue_days, status_after

D = Decimal


def test_open_is_total_less_payments_and_credits():
    assert Balance(D("100.00"), D("30.00"), D("20.00")).open == D("50.00")
    assert Balance(D("100.00"), D("0.00"), D("0.00")).open == D("100.00")


def test_a_credit_after_full_payment_leaves_nothing_open_not_a_negative_amount():
    settled = Balance(D("100.00"), D("100.00"), D("40.00"))
    assert (settled.open, str(settled.open), settled.settled) == (0, "0.00", True)


def test_a_partial_payment_leaves_the_rest_open_and_the_invoice_sent():
    after = after_payment(Balance(D("100.00"), D("0.00"), D("0.00")), D("40"), "EUR", "A-1")
    assert (after.paid, after.open) == (D("40.00"), D("60.00"))
    assert status_after("sent", after) == "sent"


def test_the_payment_that_reaches_the_total_makes_it_paid():
    after = after_payment(Balance(D("100.00"), D("40.00"), D("10.00")), D("50"), "EUR", "A-1")
    assert after.settled and status_after("sent", after) == "paid"


def test_an_overpayment_is_refused_naming_the_open_amount():
    with pytest.raises(InvalidInput, match=r"more than the open amount of A-1: 60.00 EUR"):
        after_payment(Balance(D("100.00"), D("40.00"), D("0.00")), D("60.01"), "EUR", "A-1")


@pytest.mark.parametrize("amount", ["0", "0.00"])
def test_nothing_is_not_a_payment(amount):
    with pytest.raises(InvalidInput, match="must be above 0"):
        after_payment(Balance(D("100.00"), D("0"), D("0")), D(amount), "EUR", "A-1")


def test_more_decimals_than_the_currency_has_are_refused():
    with pytest.raises(InvalidInput, match="more than 0 decimals for JPY"):
        after_payment(Balance(D("1000"), D("0"), D("0")), D("10.5"), "JPY", "A-1")


def test_a_settled_invoice_takes_no_payment():
    with pytest.raises(Conflict, match="nothing open"):
        after_payment(Balance(D("100.00"), D("0.00"), D("100.00")), D("1"), "EUR", "A-1")


def test_a_paid_invoice_whose_credit_is_gone_is_sent_again():
    assert status_after("paid", Balance(D("100.00"), D("0.00"), D("0.00"))) == "sent"
    assert status_after("ready", Balance(D("100.00"), D("0.00"), D("100.00"))) == "ready"


def test_overdue_days_count_from_the_due_date():
    owed = Balance(D("100.00"), D("10.00"), D("0.00"))
    due = date(2026, 11, 10)
    assert overdue_days("invoice", "sent", owed, due, date(2026, 11, 22)) == 12
    assert overdue_days("invoice", "sent", owed, due, due) == 0
    assert overdue_days("credit_note", "sent", owed, due, date(2026, 11, 22)) == 0
    assert overdue_days("invoice", "ready", owed, due, date(2026, 11, 22)) == 0
    settled = Balance(D("100.00"), D("100.00"), D("0.00"))
    assert overdue_days("invoice", "paid", settled, due, date(2026, 11, 22)) == 0


cents = st.integers(min_value=1, max_value=10**9)
steps = st.lists(st.tuples(st.sampled_from(["pay", "credit"]), cents), max_size=25)


@given(total=cents, steps=steps)
def test_payments_and_credits_add_up_and_never_overpay(total, steps):
    """Whatever payments and credit notes come in whatever order: paid + open + credited is
    the total while nothing is refunded, and any payment above the open amount is refused
    and changes nothing."""
    balance = Balance(D(total) / 100, D("0.00"), D("0.00"))
    invoiced = balance.total
    for step, amount in steps:
        value = D(amount) / 100
        if step == "credit":  # a credit note never takes back more than was invoiced
            value = min(value, invoiced - balance.credited)
            balance = Balance(balance.total, balance.paid, balance.credited + value)
        elif value > balance.open:
            with pytest.raises((InvalidInput, Conflict)):
                after_payment(balance, value, "EUR", "A-1")
        else:
            balance = after_payment(balance, value, "EUR", "A-1")
        assert balance.paid + balance.credited <= balance.total or balance.open == 0
        if balance.paid + balance.credited <= balance.total:
            assert balance.paid + balance.open + balance.credited == balance.total
        if balance.credited == 0:
            assert balance.paid + balance.open == balance.total
        assert 0 <= balance.open <= balance.total
        assert status_after("sent", balance) == ("paid" if balance.open == 0 else "sent")
