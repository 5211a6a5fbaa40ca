"""How tracked time and expenses become invoice lines and totals.

The rules a client can check with a pocket calculator: a time line's quantity is hours
rounded half-up to two decimals, its amount is quantity × unit price rounded half-up to
the currency's minor unit, tax is computed once per (VAT category, rate) on the summed net
of those lines, total = net + tax. A rate change inside a period gives a separate line,
never a blended price.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import Conflict, InvalidInput
from .money import CENT, round_money
from .rounding import Rounding
from .vat import Exemption, Taxed, TaxGroup, breakdown, line_tax, net_by_group, tax_of

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
    tax_rate: Decimal | None = None  # its own VAT rate; None: the client's


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
    # None until ``apply_vat`` gives the line its client's treatment; a rate set before
    # (an expense's own, a freeform line's ``vat=``) is kept.
    tax_category: str | None = None
    tax_rate: Decimal | None = None


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    breakdown: tuple[TaxGroup, ...] = ()


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
    if grouping == "detailed":  # a line per entry: first of all, and the most lines
        text = f"{first.day.isoformat()} {first.project}"
        return f"{text}: {first.description}" if first.description else text
    projects = ", ".join(sorted({i.project for i in items}))
    span = _span(i.day for i in items)
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
                tax_rate=item.tax_rate,
            )
        )
    return lines


def line_amount(quantity: Decimal, unit_price: Decimal, currency: str) -> Decimal:
    return round_money(quantity * unit_price, currency)


def apply_vat(drafts: Iterable[DraftLine], category: str, rate: Decimal) -> list[DraftLine]:
    """Give each line the client's VAT ``category``; a line without its own rate takes the
    client's ``rate`` (see ``vat.line_tax``: standard at 0 % is zero rated)."""
    taxed = []
    treatments: dict[Decimal, tuple[str, Decimal]] = {}  # a few rates for thousands of lines
    for draft in drafts:
        own = rate if draft.tax_rate is None else draft.tax_rate
        if own not in treatments:
            treatments[own] = line_tax(category, own)
        code, own = treatments[own]
        taxed.append(_with_tax(draft, code, own))
    return taxed


def _with_tax(draft: DraftLine, category: str, rate: Decimal) -> DraftLine:
    """``replace(draft, tax_category=…, tax_rate=…)``: ``replace`` reads the dataclass's
    fields again on every call, which costs a fifth of a detailed invoice of 10,000 lines."""
    return DraftLine(**{**draft.__dict__, "tax_category": category, "tax_rate": rate})


def totals(
    lines: Iterable[Taxed], currency: str, reasons: dict[str, Exemption] | None = None
) -> Totals:
    """Tax once per (category, rate) on the summed net of its lines; total = net + tax."""
    groups = breakdown(lines, currency, reasons)
    subtotal = sum((g.taxable for g in groups), Decimal(0))
    tax = sum((g.tax for g in groups), Decimal(0))
    return Totals(subtotal=subtotal, tax=tax, total=subtotal + tax, breakdown=groups)


def credit_totals(
    invoiced: Sequence[TaxGroup],
    credited: Sequence[TaxGroup],
    lines: Iterable[Taxed],
    currency: str,
) -> Totals:
    """The totals of a credit note that takes back ``lines`` of an invoice whose breakdown
    is ``invoiced``, of which live credit notes took back ``credited`` already (all as
    positive amounts); returned negated, as the credit note stores them.

    Tax rounded once per credit note could add up to more than the invoice's own tax (two
    halves of 0.57 round to 0.29 each). So, per (category, rate), a partial credit never
    takes more tax than is left, and the credit that takes the last of a rate's net takes
    exactly the tax left at that rate: crediting everything, in any steps, gives back the
    invoice's net and tax of every rate, and its total, to the cent.
    """
    have = {g.key: g for g in invoiced}
    taken = {g.key: g for g in credited}
    zero = Decimal(0)  # subtracted from, not negated: no amount prints as -0.00
    groups = []
    for key, net in net_by_group(lines).items():
        if key not in have:
            raise Conflict(f"the invoice has no {key[0]} {key[1]}% VAT to credit")
        got, gone = have[key], taken.get(key)
        left_net = got.taxable - (gone.taxable if gone else zero)
        left_tax = got.tax - (gone.tax if gone else zero)
        if net > left_net:
            raise Conflict(f"a credit of {net} is more than the {left_net} net left to credit")
        tax = left_tax if net == left_net else min(tax_of(net, key[1], currency), left_tax)
        groups.append(TaxGroup(key[0], key[1], zero - net, zero - tax, got.exemption))
    subtotal = sum((g.taxable for g in groups), zero)
    tax = sum((g.tax for g in groups), zero)
    return Totals(subtotal=subtotal, tax=tax, total=subtotal + tax, breakdown=tuple(groups))
