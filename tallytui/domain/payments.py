"""What an invoice still owes, and what a payment may be.

The open amount is the total less the payments recorded and what live credit notes take
back; it never goes below zero (a credit note on an invoice paid already leaves money to
refund, not an amount the client owes). A payment above the open amount is refused: the
register never records more paid than was owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import Conflict, InvalidInput
from .money import minor_digits


@dataclass(frozen=True)
class Balance:
    """One invoice's figures in its currency: ``credited`` is positive."""

    total: Decimal
    paid: Decimal
    credited: Decimal

    @property
    def open(self) -> Decimal:
        left = self.total - self.paid - self.credited
        return left if left > 0 else Decimal(0).quantize(self.total)

    @property
    def settled(self) -> bool:
        """Nothing left to pay: paid in full, credited in full, or both together."""
        return self.open == 0


def after_payment(balance: Balance, amount: Decimal, currency: str, number: str) -> Balance:
    """The balance once ``amount`` is paid; refuses nothing-or-less and more than is open,
    naming the open amount."""
    if amount <= 0:
        raise InvalidInput(f"amount: {amount} {currency} must be above 0")
    digits = minor_digits(currency)
    if -amount.as_tuple().exponent > digits:
        raise InvalidInput(f"amount: {amount} has more than {digits} decimals for {currency}")
    if balance.settled:
        raise Conflict(f"{number} has nothing open: it is settled already")
    if amount > balance.open:
        raise InvalidInput(
            f"amount: {amount} {currency} is more than the open amount of {number}: "
            f"{balance.open} {currency}"
        )
    return Balance(balance.total, balance.paid + amount, balance.credited)


def status_after(status: str, balance: Balance) -> str:
    """A sent invoice is paid once settled, and sent again if a credit note it counted on
    is gone."""
    if status in ("sent", "paid"):
        return "paid" if balance.settled else "sent"
    return status


def overdue_days(kind: str, status: str, balance: Balance, due: date, today: date) -> int:
    """Days a sent invoice with money open is past its due date in the organisation's
    time zone; 0 when it is not overdue."""
    if kind != "invoice" or status != "sent" or balance.open <= 0 or today <= due:
        return 0
    return (today - due).days
