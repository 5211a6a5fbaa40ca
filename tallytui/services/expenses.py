"""Expenses: billed as product lines, either an amount or quantity × unit price."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from peewee import JOIN

from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.money import (
    basis_points_to_percent,
    from_minor,
    percent_to_basis_points,
    round_money,
    to_minor,
)
from ..store.db import write_transaction
from ..store.models import Client, Expense, Invoice, InvoiceLine, Project, User, db
from . import lookup, permissions
from .clock import now_utc
from .views import ExpenseView


@dataclass(frozen=True)
class NewExpense:
    project: str
    day: date
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    unit: str = ""
    category: str = ""
    description: str = ""
    billable: bool | None = None
    tax_rate: Decimal | None = None  # its own VAT rate (7 % travel); None: the client's


def _hundredths(quantity: Decimal) -> int:
    scaled = quantity * 100
    if scaled != scaled.to_integral_value() or scaled <= 0:
        raise InvalidInput(f"quantity: {quantity} must be above 0 with at most 2 decimals")
    return int(scaled)


def _view(row: Expense) -> ExpenseView:
    currency = row.project.client.currency
    return ExpenseView(
        id=row.id,
        project=row.project.name,
        client=row.project.client.name,
        user=row.user.name if row.user_id else None,
        day=row.spent_on,
        quantity=Decimal(row.quantity_hundredths) / 100,
        unit=row.unit,
        unit_price=from_minor(row.unit_price_minor, currency),
        amount=from_minor(row.amount_minor, currency),
        currency=currency,
        category=row.category,
        description=row.description,
        billable=row.billable,
        invoice=row.invoice_line.invoice.number if row.invoice_line_id else None,
        tax_rate=None if row.tax_rate_bp is None else basis_points_to_percent(row.tax_rate_bp),
    )


def _query():
    """Of the invoice, only its number: what everyone may read of it on a team database."""
    return (
        Expense.select(Expense, Project, Client, User, InvoiceLine.id, Invoice.number)
        .join(Project)
        .join(Client)
        .switch(Expense)
        .join(User, JOIN.LEFT_OUTER)
        .switch(Expense)
        .join(InvoiceLine, JOIN.LEFT_OUTER)
        .join(Invoice, JOIN.LEFT_OUTER)
    )


def _fill(row: Expense, expense: NewExpense) -> None:
    """Set ``row`` from ``expense``: an amount, or quantity × unit price rounded half-up."""
    if (expense.amount is None) == (expense.quantity is None or expense.unit_price is None):
        raise InvalidInput("give either --amount, or --quantity with --unit-price")
    project = lookup.project(expense.project)
    if project.archived:
        raise Conflict(f"project {project.name!r} is archived")
    currency = project.client.currency
    if expense.amount is not None:
        quantity, unit_price, amount = Decimal(1), expense.amount, expense.amount
    else:
        quantity, unit_price = expense.quantity, expense.unit_price
        amount = round_money(quantity * unit_price, currency)
    if amount <= 0:
        raise InvalidInput("amount: an expense must be above 0 (credit notes correct invoices)")
    row.project = project
    row.spent_on = expense.day
    row.quantity_hundredths = _hundredths(quantity)
    row.unit = expense.unit.strip()
    row.unit_price_minor = to_minor(unit_price, currency)
    row.amount_minor = to_minor(amount, currency)
    row.category = expense.category.strip()
    row.description = expense.description.strip()
    row.billable = project.billable if expense.billable is None else expense.billable
    rate = expense.tax_rate
    row.tax_rate_bp = None if rate is None else percent_to_basis_points(rate)


def add(actor: str, expense: NewExpense) -> ExpenseView:
    with write_transaction():
        lookup.organisation()
        row = Expense(user=lookup.user(actor), created_at=now_utc())
        _fill(row, expense)
        row.save()
        return _view(_query().where(Expense.id == row.id).get())


def _unbilled(actor: str, expense_id: int) -> Expense:
    """The expense, if the actor may change it (their own; finance and admins anyone's)
    and it is not invoiced."""
    acting = lookup.user(actor)
    row = Expense.get_or_none(Expense.id == expense_id)
    if row is None:
        raise NotFound(f"expense {expense_id} does not exist")
    permissions.require(acting, "expense.write", owner=row.user if row.user_id else None)
    if row.invoice_line_id is not None:
        raise Conflict(f"expense {expense_id} is invoiced; remove its line or credit it first")
    return row


def edit(actor: str, expense_id: int, expense: NewExpense) -> ExpenseView:
    """Replace an uninvoiced expense's details."""
    with write_transaction():
        row = _unbilled(actor, expense_id)
        _fill(row, expense)
        row.save()
        return _view(_query().where(Expense.id == row.id).get())


def delete(actor: str, expense_id: int) -> ExpenseView:
    with write_transaction():
        row = _unbilled(actor, expense_id)
        gone = _view(_query().where(Expense.id == row.id).get())
        row.delete_instance()
        return gone


def list_expenses(
    first: date | None = None,
    last: date | None = None,
    project: str | None = None,
    user: str | None = None,
) -> list[ExpenseView]:
    """Expenses by day; of one person's when ``user`` is given."""
    with db.atomic():
        query = _query()
        if first is not None:
            query = query.where(Expense.spent_on >= first)
        if last is not None:
            query = query.where(Expense.spent_on <= last)
        if project:
            query = query.where(Expense.project == lookup.project(project))
        if user:
            query = query.where(Expense.user == lookup.user(user))
        return [_view(row) for row in query.order_by(Expense.spent_on, Expense.id)]
