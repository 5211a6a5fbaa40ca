"""Invoicing tracked time: from a project's period (or a client's date range) to a numbered
invoice whose lines bill each entry exactly once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ..domain.errors import Conflict, InvalidInput
from ..domain.invoicing import (
    BillableExpense,
    BillableTime,
    apply_vat,
    check_grouping,
    client_description,
    expense_lines,
    time_lines,
)
from ..domain.localtime import day_start, days_to_utc_range, local_date
from ..domain.money import basis_points_to_percent, from_minor
from ..domain.rates import rate_on
from ..domain.rounding import parse_rounding
from ..domain.schedule import parse_schedule
from ..domain.timesheet import is_locked, readiness
from ..store.bulk import stream
from ..store.db import locking, write_transaction
from ..store.models import Client, Expense, Invoice, Project, TimeEntry, User, db
from . import lookup, permissions
from .documents import client_vat, new_document, refresh_totals, write_lines
from .invoice_views import InvoiceSummary, InvoiceView, load, summaries, summary, view
from .org import local_today
from .projects import project_rates
from .timesheets import needs_approval

STATUSES = ("ready", "sent", "paid", "void")


@dataclass(frozen=True)
class InvoiceRequest:
    """What to bill: a project (and period) or a client and date range."""

    project: str | None = None
    client: str | None = None
    first: date | None = None
    last: date | None = None
    grouping: str | None = None
    rounding: str | None = None
    expenses: bool = True
    include_unlocked: bool = False
    into: str | None = None


@dataclass(frozen=True)
class _Scope:
    client: Client
    projects: list[Project]
    first: date | None
    last: date | None
    project: Project | None


def _earliest_unbilled(project: Project, tz: str) -> date | None:
    start = (
        TimeEntry.select(TimeEntry.start_utc)
        .where(
            (TimeEntry.project == project) & TimeEntry.billable & TimeEntry.invoice_line.is_null()
        )
        .order_by(TimeEntry.start_utc)
        .scalar()
    )
    spent = (
        Expense.select(Expense.spent_on)
        .where((Expense.project == project) & Expense.billable & Expense.invoice_line.is_null())
        .order_by(Expense.spent_on)
        .scalar()
    )
    days = [d for d in (local_date(start, tz) if start else None, spent) if d]
    return min(days) if days else None


def _scope(request: InvoiceRequest, tz: str, today: date) -> _Scope:
    if (request.project is None) == (request.client is None):
        raise InvalidInput("give either --project or --client with --from and --to")
    if (request.first is None) != (request.last is None):
        raise InvalidInput("give both ends of the period (start and end dates)")
    if request.first and request.last and request.last < request.first:
        raise InvalidInput(f"the period ends ({request.last}) before it starts ({request.first})")
    if request.client is not None:
        if request.first is None:
            raise InvalidInput("--client needs --from and --to")
        client = lookup.client(request.client)
        projects = list(Project.select().where(Project.client == client))
        return _Scope(client, projects, request.first, request.last, None)
    project = lookup.project(request.project)
    first, last = request.first, request.last
    schedule = parse_schedule(project.schedule)
    if first is None and not schedule.is_none:
        earliest = _earliest_unbilled(project, tz)
        if earliest is None:
            raise Conflict(f"nothing to invoice: {project.name} has no uninvoiced billable time")
        first, last = schedule.period_containing(earliest, project.schedule_anchor)
        if last >= today:
            raise Conflict(
                f"nothing is due for {project.name}: its oldest open period {first} – {last} "
                "has not ended; give --period-start and --period-end to bill it early"
            )
    return _Scope(project.client, [project], first, last, project)


def _not_ready_message(waiting: dict[str, list[int]]) -> str:
    people = "; ".join(
        f"{name}: {len(seconds)} entries ({Decimal(sum(seconds)) / 3600:.2f} h)"
        for name, seconds in sorted(waiting.items())
    )
    total = sum(len(seconds) for seconds in waiting.values())
    return (
        f"{total} billable entries in the period are not ready ({people}): they are not locked"
        " or still wait for approval; lock them (tally timesheet lock --until DATE), approve"
        " them, or bill them anyway with --include-unlocked"
    )


def _billable_time(
    scope: _Scope, request: InvoiceRequest, org, rounding_rule
) -> list[BillableTime]:
    """The scope's billable, unbilled entries, priced and rounded; refuses unready time.

    Reads plain tuples: building model objects for 10,000 entries would cost more than the
    whole invoice.
    """
    tz = org.timezone
    projects = {p.id: p for p in scope.projects}
    fields = (
        TimeEntry.id,
        TimeEntry.project,
        TimeEntry.start_utc,
        TimeEntry.end_utc,
        TimeEntry.description,
        TimeEntry.source,
        TimeEntry.description_edited,
        TimeEntry.approved_at,
        User.name,
        User.locked_until,
    )
    query = (
        TimeEntry.select()
        .join(User)
        .where(
            TimeEntry.project.in_(list(projects))
            & TimeEntry.billable
            & TimeEntry.invoice_line.is_null()
        )
    )
    if scope.first is not None:
        start, end = days_to_utc_range(scope.first, scope.last, tz)
        query = query.where((TimeEntry.start_utc >= start) & (TimeEntry.start_utc < end))
    else:
        query = query.where(
            TimeEntry.start_utc < day_start(local_today(org) + timedelta(days=1), tz)
        )
    rates = project_rates(scope.projects)
    rules = {pid: rounding_rule(project) for pid, project in projects.items()}
    items: list[BillableTime] = []
    waiting: dict[str, list[int]] = defaultdict(list)
    # The rows are held (PostgreSQL) in one order for every writer, so an entry cannot be
    # edited, approved or billed by someone else between this read and the marking.
    held = locking(query.order_by(TimeEntry.start_utc, TimeEntry.id), of=TimeEntry)
    for (
        entry_id,
        pid,
        start_utc,
        end_utc,
        text,
        source,
        edited,
        approved_at,
        user,
        locked_until,
    ) in stream(held, fields, server_side=False):
        project = projects[pid]
        day = local_date(start_utc, tz)
        locked = is_locked(day, locked_until)
        state = readiness(locked, needs_approval(project), approved_at is not None)
        if state != "ready" and not request.include_unlocked:
            waiting[user].append(end_utc - start_utc)
            continue
        rate = rate_on(rates[pid], day)
        if rate is None:
            raise Conflict(
                f"project {project.name!r} has no rate for {day}; set one with "
                f"tally project set {project.name!r} --rate AMOUNT"
            )
        items.append(
            BillableTime(
                entry_id,
                project.name,
                user,
                day,
                end_utc - start_utc,
                client_description(text, source, edited),
                rate.amount,
                rules[pid],
            )
        )
    if waiting:
        raise Conflict(_not_ready_message(waiting))
    return items


def _billable_expenses(scope: _Scope, org) -> list[BillableExpense]:
    query = (
        Expense.select(Expense, Project)
        .join(Project)
        .where(
            Expense.project.in_([p.id for p in scope.projects])
            & Expense.billable
            & Expense.invoice_line.is_null()
        )
    )
    if scope.first is not None:
        query = query.where((Expense.spent_on >= scope.first) & (Expense.spent_on <= scope.last))
    else:
        query = query.where(Expense.spent_on <= local_today(org))
    return [billable_expense(row, row.project.name, scope.client.currency) for row in query]


def billable_expense(row: Expense, project: str, currency: str) -> BillableExpense:
    """An expense row as an invoice line sees it."""
    return BillableExpense(
        row.id,
        project,
        row.spent_on,
        Decimal(row.quantity_hundredths) / 100,
        row.unit,
        from_minor(row.unit_price_minor, currency),
        from_minor(row.amount_minor, currency),
        row.category,
        row.description,
        None if row.tax_rate_bp is None else basis_points_to_percent(row.tax_rate_bp),
    )


def create(actor: str, request: InvoiceRequest) -> InvoiceView:
    """Bill the ready, billable, uninvoiced time (and expenses) in scope, all or nothing."""
    grouping = check_grouping(request.grouping or "project")
    # An explicit "none" bills raw time even where the project or organisation rounds.
    chosen = request.rounding is not None
    explicit = parse_rounding(request.rounding) if chosen else None
    with write_transaction():
        org = lookup.organisation()
        acting = lookup.user(actor)
        permissions.require(acting, "invoice.write")
        today = local_today(org)
        scope = _scope(request, org.timezone, today)
        org_rule = parse_rounding(org.rounding)

        def rounding_rule(project: Project):
            if chosen:
                return explicit
            return parse_rounding(project.rounding) or org_rule

        items = _billable_time(scope, request, org, rounding_rule)
        expenses = _billable_expenses(scope, org) if request.expenses else []
        currency = scope.client.currency
        drafts = apply_vat(
            time_lines(items, grouping, currency) + expense_lines(expenses),
            *client_vat(org, scope.client),
        )
        if not drafts:
            where = scope.project.name if scope.project else scope.client.name
            span = f" from {scope.first} to {scope.last}" if scope.first else ""
            raise Conflict(f"nothing billable to invoice for {where}{span}")
        days = [i.day for i in items] + [x.day for x in expenses]
        period = (scope.first or min(days), scope.last or max(days))
        rule = rounding_rule(scope.project) if scope.project else explicit
        if request.into:
            invoice = _open_for_more(request.into, scope.client)
            invoice.period_start = min(filter(None, (invoice.period_start, period[0])))
            invoice.period_end = max(filter(None, (invoice.period_end, period[1])))
        else:
            invoice = new_document(
                org,
                scope.client,
                acting,
                today,
                project=scope.project,
                period=period,
                grouping=grouping,
                rounding=rule.spec() if rule else None,
            )
        write_lines(invoice, drafts)
        refresh_totals(invoice)
        return view(load(invoice.number))


def _open_for_more(number: str, client: Client) -> Invoice:
    invoice = load(number)
    if invoice.kind != "invoice" or invoice.status != "ready":
        raise Conflict(f"{number} is {invoice.status}; only ready invoices take more time")
    if invoice.client_id != client.id:
        raise Conflict(f"{number} bills {invoice.client.name}, not {client.name}")
    return invoice


def may_read(actor: str) -> None:
    """Invoices are finance's and admins' to see: they show every client's totals."""
    permissions.require(lookup.user(actor), "invoice.read")


def show(actor: str, number: str) -> InvoiceView:
    with db.atomic():
        may_read(actor)
        return view(load(number))


def list_invoices(actor: str, status: str | None = None) -> list[InvoiceSummary]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    with db.atomic():
        may_read(actor)
        query = summaries().order_by(Invoice.number)
        if status:
            query = query.where(Invoice.status == status)
        today = local_today(lookup.organisation())
        return [summary(row, today) for row in query]
