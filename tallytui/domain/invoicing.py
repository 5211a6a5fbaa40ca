"""How tracked time and expenses become invoice lines and totals.

The rules a client can check with a pocket calculator: a time line's quantity is hours
rounded half-up to two decimals, its amount is quantity × unit price rounded half-up to
the currency's minor unit, tax is computed once on the summed net, total = net + tax.
A rate change inside a period gives a separate line, never a blended price.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import Conflict, InvalidInput
from .money import CENT, round_money
from .rounding import Rounding

GROUPINGS = ("project", "single", "detailed", "user", "date")
HOUR_UNIT = "h"


@dataclass(frozen=True)
class BillableTime:
    """One entry as the invoice sees it: its rate is the project's rate on its day."""

    entry_id: int
    project: str
    user: str
    day: date
    seconds: int
    description: str
    unit_price: Decimal
    rounding: Rounding | None = None

    @property
    def billed_seconds(self) -> int:
        """Rounded per entry before any summing; the stored seconds never change."""
        return self.rounding.apply(self.seconds) if self.rounding else self.seconds


@dataclass(frozen=True)
class BillableExpense:
    expense_id: int
    project: str
    day: date
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    category: str
    description: str


@dataclass(frozen=True)
class DraftLine:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    line_type: str  # service | product
    project: str | None
    group_key: str
    entry_ids: tuple[int, ...] = ()
    expense_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def hours(seconds: int) -> Decimal:
    """Billable quantity: hours rounded half-up to two decimals."""
    return (Decimal(seconds) / 3600).quantize(CENT, rounding=ROUND_HALF_UP)


def check_grouping(grouping: str) -> str:
    if grouping not in GROUPINGS:
        raise InvalidInput(f"group: {grouping!r} is not one of {', '.join(GROUPINGS)}")
    return grouping


def _span(days: Iterable[date]) -> str:
    ordered = sorted(set(days))
    first, last = ordered[0], ordered[-1]
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def client_description(description: str, source: str, edited: bool) -> str:
    """What a line of one entry may print of its description. Capture's own text (file
    paths, URLs) is for the person reviewing their week, not for the client: until a person
    edits it the line says only the date and project."""
    return "" if source == "capture" and not edited else description


def _key(item: BillableTime, grouping: str) -> tuple:
    if grouping == "project":
        return (item.project, item.unit_price)
    if grouping == "single":
        return (item.unit_price,)
    if grouping == "user":
        return (item.user, item.unit_price)
    if grouping == "date":
        return (item.day, item.unit_price)
    return (item.entry_id,)


def _describe(items: Sequence[BillableTime], grouping: str) -> str:
    first = items[0]
    projects = ", ".join(sorted({i.project for i in items}))
    span = _span(i.day for i in items)
    if grouping == "detailed":
        text = f"{first.day.isoformat()} {first.project}"
        return f"{text}: {first.description}" if first.description else text
    if grouping == "user":
        return f"{projects} – {first.user}, {span}"
    if grouping == "date":
        return f"{projects}, {first.day.isoformat()}"
    return f"{projects}, {span}"


def time_lines(items: Sequence[BillableTime], grouping: str, currency: str) -> list[DraftLine]:
    """Service lines for ``items``, in order of first appearance of each group."""
    check_grouping(grouping)
    groups: dict[tuple, list[BillableTime]] = {}
    for item in sorted(items, key=lambda i: (i.day, i.entry_id)):
        groups.setdefault(_key(item, grouping), []).append(item)
    lines = []
    for key, members in groups.items():
        seconds = sum(m.billed_seconds for m in members)
        quantity = hours(seconds)
        price = members[0].unit_price
        projects = {m.project for m in members}
        lines.append(
            DraftLine(
                description=_describe(members, grouping),
                quantity=quantity,
                unit=HOUR_UNIT,
                unit_price=price,
                amount=round_money(quantity * price, currency),
                line_type="service",
                project=projects.pop() if len(projects) == 1 else None,
                group_key="|".join(str(part) for part in key),
                entry_ids=tuple(m.entry_id for m in members),
            )
        )
    return lines


def expense_lines(items: Sequence[BillableExpense]) -> list[DraftLine]:
    """One product line per expense, with the amount that was recorded for it."""
    lines = []
    for item in sorted(items, key=lambda i: (i.day, i.expense_id)):
        label = item.description or item.category or "Expense"
        lines.append(
            DraftLine(
                description=f"{item.day.isoformat()} {item.project}: {label}",
                quantity=item.quantity,
                unit=item.unit,
                unit_price=item.unit_price,
                amount=item.amount,
                line_type="product",
                project=item.project,
                group_key=f"expense|{item.expense_id}",
                expense_ids=(item.expense_id,),
            )
        )
    return lines


def line_amount(quantity: Decimal, unit_price: Decimal, currency: str) -> Decimal:
    return round_money(quantity * unit_price, currency)


def totals(amounts: Iterable[Decimal], tax_rate: Decimal, currency: str) -> Totals:
    """Tax once on the summed net (per rate: an invoice carries one rate)."""
    subtotal = sum(amounts, Decimal(0))
    tax = round_money(subtotal * tax_rate / 100, currency)
    return Totals(subtotal=subtotal, tax=tax, total=subtotal + tax)


def credit_totals(
    invoiced: Totals, credited: Totals, net: Decimal, tax_rate: Decimal, currency: str
) -> Totals:
    """The totals of a credit note that takes back ``net`` of an invoice's ``invoiced``
    totals, of which live credit notes took back ``credited`` already (all three as
    positive amounts); returned negated, as the credit note stores them.

    Tax rounded once per credit note could add up to more than the invoice's own tax (two
    halves of 0.57 round to 0.29 each). So a partial credit never takes more tax than is
    left, and the credit that takes the last of the net takes exactly the tax that is left:
    crediting everything, in any steps, gives back the invoice's net, tax and total to the
    cent. One rate per call: an invoice carries one rate.
    """
    left_net = invoiced.subtotal - credited.subtotal
    left_tax = invoiced.tax - credited.tax
    if net > left_net:
        raise Conflict(f"a credit of {net} is more than the {left_net} net left to credit")
    if net == left_net:
        tax = left_tax
    else:
        tax = min(round_money(net * tax_rate / 100, currency), left_tax)
    zero = Decimal(0)  # subtracted from, not negated: no amount prints as -0.00
    return Totals(subtotal=zero - net, tax=zero - tax, total=zero - net - tax)
