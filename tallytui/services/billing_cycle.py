"""The billing cycle as of today: what cannot be billed yet and why, what waits for people,
what is ready to invoice, and the invoices on their way out.

Only unbilled, billable work is read, so the cost follows what is open, not the years of
history behind it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..domain.invoicing import BillableTime, expense_lines, time_lines
from ..domain.localtime import local_date
from ..domain.rates import rate_on
from ..domain.rounding import parse_rounding
from ..domain.schedule import parse_schedule
from ..domain.timesheet import readiness
from ..store.models import Client, Expense, Invoice, Project, TimeEntry, User, db
from . import entries, lookup
from .invoice_views import InvoiceSummary, summary
from .invoices import billable_expense, list_invoices, may_read, project_rates
from .org import local_today
from .timesheets import needs_approval


@dataclass(frozen=True)
class MissingData:
    project: str
    client: str
    uninvoiced_seconds: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class PersonState:
    user: str
    locked_until: date | None
    open_seconds: int
    pending_approval_seconds: int
    ready_seconds: int


@dataclass(frozen=True)
class PendingPeriod:
    project: str
    client: str
    period_start: date
    period_end: date
    seconds: int
    open_seconds: int
    pending_approval_seconds: int
    ready_seconds: int
    people: tuple[PersonState, ...]


@dataclass(frozen=True)
class ReadyPeriod:
    project: str
    client: str
    period_start: date
    period_end: date
    seconds: int
    amount: Decimal
    currency: str
    grouping: str = "project"
    rounding: str | None = None


@dataclass(frozen=True)
class CurrentPeriod:
    """The period running today for one schedule in use, named in the tab's header."""

    schedule: str
    first: date
    last: date


@dataclass(frozen=True)
class Cycle:
    today: date
    current: tuple[CurrentPeriod, ...]
    missing_data: tuple[MissingData, ...]
    pending: tuple[PendingPeriod, ...]
    ready_for_invoicing: tuple[ReadyPeriod, ...]
    ready_to_send: tuple[InvoiceSummary, ...]
    sent: tuple[InvoiceSummary, ...]

    @property
    def clear(self) -> bool:
        """Nothing left to do for the cycle: no missing data, nothing pending or ready."""
        return not (self.missing_data or self.pending or self.ready_for_invoicing)


@dataclass
class _Open:
    """One project's unbilled, billable entries and expenses."""

    project: Project
    # (id, user, locked until, start, end, approved at, description, local day)
    entries: list[tuple] = field(default_factory=list)
    expenses: list[Expense] = field(default_factory=list)


def _open_work(tz: str) -> dict[int, _Open]:
    work: dict[int, _Open] = {}
    projects = {
        p.id: p
        for p in Project.select(Project, Client)
        .join(Client)
        .where(Project.billable & ~Project.archived)
    }
    people = {u.id: (u.name, u.locked_until) for u in User.select()}
    query = TimeEntry.select(
        TimeEntry.id,
        TimeEntry.project,
        TimeEntry.user,
        TimeEntry.start_utc,
        TimeEntry.end_utc,
        TimeEntry.approved_at,
        TimeEntry.description,
    ).where(
        TimeEntry.invoice_line.is_null()
        & TimeEntry.billable
        & TimeEntry.project.in_(list(projects))
    )
    # Plain integers and text: the raw cursor skips peewee's per-value conversion, which
    # cost most of the cycle on a large backlog of open time.
    days: dict[int, date] = {}  # local day of each quarter hour seen
    for entry_id, pid, uid, start, end, approved, text in db.execute(query):
        bucket = work.setdefault(pid, _Open(projects[pid]))
        user, locked = people[uid]
        # Every zone's offset is a multiple of 15 minutes, so a quarter hour is on one day.
        quarter = start - start % 900
        day = days.get(quarter) or days.setdefault(quarter, local_date(quarter, tz))
        bucket.entries.append((entry_id, user, locked, start, end, approved, text, day))
    for expense in Expense.select().where(
        Expense.invoice_line.is_null() & Expense.billable & Expense.project.in_(list(projects))
    ):
        work.setdefault(expense.project_id, _Open(projects[expense.project_id])).expenses.append(
            expense
        )
    return work


def _missing(bucket: _Open, rates) -> tuple[str, ...]:
    project = bucket.project
    missing = []
    if parse_schedule(project.schedule).is_none:
        missing.append("schedule")
    # A rate in force on the earliest day is in force on every later one.
    first = min((e[7] for e in bucket.entries), default=None)
    if not rates or (first is not None and rate_on(rates, first) is None):
        missing.append("rate")
    if not project.client.address.strip():
        missing.append("client address")
    return tuple(missing)


def _state(entry: tuple, approval_required: bool) -> str:
    _, _, locked_until, _, _, approved_at, _, day = entry
    return readiness(day, locked_until, approval_required, approved_at is not None)


def _due_periods(bucket: _Open, today: date):
    """Due periods of one project with their entries and expenses."""
    project = bucket.project
    schedule = parse_schedule(project.schedule)
    periods: dict[tuple[date, date], tuple[list, list]] = defaultdict(lambda: ([], []))
    anchor = project.schedule_anchor

    for entry in bucket.entries:
        span = schedule.period_containing(entry[7], anchor)
        if span[1] < today:
            periods[span][0].append(entry)
    for expense in bucket.expenses:
        span = schedule.period_containing(expense.spent_on, anchor)
        if span[1] < today:
            periods[span][1].append(expense)
    return sorted(periods.items())


def _amount(
    project: Project, entries: list[tuple], expenses: list[Expense], rates, rule
) -> Decimal:
    currency = project.client.currency
    prices = {day: rate_on(rates, day).amount for day in {e[7] for e in entries}}
    items = [
        BillableTime(e[0], project.name, e[1], e[7], e[4] - e[3], e[6], prices[e[7]], rule)
        for e in entries
    ]
    costs = [billable_expense(x, project.name, currency) for x in expenses]
    lines = time_lines(items, "project", currency) + expense_lines(costs)
    return sum((line.amount for line in lines), Decimal(0))


def _people(entries: list[tuple], approval_required: bool) -> tuple[PersonState, ...]:
    per: dict[str, list] = {}
    for entry in entries:
        state = _state(entry, approval_required)
        person = per.setdefault(entry[1], [entry[2], 0, 0, 0])
        index = {"open": 1, "pending_approval": 2, "ready": 3}[state]
        person[index] += entry[4] - entry[3]
    return tuple(
        PersonState(user, locked, o, p, r) for user, (locked, o, p, r) in sorted(per.items())
    )


def _current_periods(today: date) -> tuple[CurrentPeriod, ...]:
    found = set()
    for spec, anchor in (
        Project.select(Project.schedule, Project.schedule_anchor)
        .where(Project.billable & ~Project.archived & (Project.schedule != "none"))
        .distinct()
        .tuples()
    ):
        schedule = parse_schedule(spec)
        found.add(CurrentPeriod(spec, *schedule.period_containing(today, anchor or today)))
    return tuple(sorted(found, key=lambda p: (p.last - p.first, p.first, p.schedule)))


@dataclass(frozen=True)
class SentPage:
    documents: tuple[InvoiceSummary, ...]  # oldest first
    total: int  # how many match, shown or not


def sent(
    actor: str, client: str | None = None, month: date | None = None, limit: int | None = None
) -> SentPage:
    """Sent and paid documents, of one client and issued in one month when given; only the
    newest ``limit`` of them when given, so years of history do not slow the list."""
    with db.atomic():
        may_read(actor)
        query = Invoice.select(Invoice, Client).where(Invoice.status.in_(("sent", "paid")))
        if client:
            query = query.where(Invoice.client == lookup.client(client))
        if month:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            query = query.where(
                (Invoice.issue_date >= month.replace(day=1)) & (Invoice.issue_date < following)
            )
        newest = query.join(Client).order_by(Invoice.number.desc())
        if limit is not None:
            newest = newest.limit(limit)
        documents = tuple(reversed([summary(i) for i in newest]))
        total = query.count() if limit is not None and len(documents) == limit else len(documents)
        return SentPage(documents, total)


def period_entries(project: str, first: date, last: date, user: str | None = None):
    """The unbilled, billable entries behind a figure of one period (of one person)."""
    found = entries.list_entries(entries.EntryFilter(first, last, project, user=user))
    return [e for e in found if e.billable and e.invoice is None]


def cycle(actor: str, include_sent: bool = True) -> Cycle:
    """The five lists of the billing cycle, as of today in the organisation's time zone.

    The interface lists sent documents page by page through :func:`sent` instead.
    """
    with db.atomic():
        may_read(actor)
        org = lookup.organisation()
        today = local_today(org)
        org_rule = parse_rounding(org.rounding)
        work = _open_work(org.timezone)
        all_rates = project_rates([bucket.project for bucket in work.values()])
        missing, pending, ready = [], [], []
        for bucket in sorted(work.values(), key=lambda b: b.project.name):
            project, rates = bucket.project, all_rates[bucket.project.id]
            gaps = _missing(bucket, rates)
            if gaps:
                seconds = sum(e[4] - e[3] for e in bucket.entries)
                missing.append(MissingData(project.name, project.client.name, seconds, gaps))
                continue
            rule = parse_rounding(project.rounding) or org_rule
            for (first, last), (entries, expenses) in _due_periods(bucket, today):
                people = _people(entries, needs_approval(project))
                seconds = sum(e[4] - e[3] for e in entries)
                opened = sum(p.open_seconds for p in people)
                waiting = sum(p.pending_approval_seconds for p in people)
                if opened or waiting:
                    pending.append(
                        PendingPeriod(
                            project.name,
                            project.client.name,
                            first,
                            last,
                            seconds,
                            opened,
                            waiting,
                            seconds - opened - waiting,
                            people,
                        )
                    )
                else:
                    ready.append(
                        ReadyPeriod(
                            project.name,
                            project.client.name,
                            first,
                            last,
                            seconds,
                            _amount(project, entries, expenses, rates, rule),
                            project.client.currency,
                            rounding=rule.spec() if rule else None,
                        )
                    )
        return Cycle(
            today=today,
            current=_current_periods(today),
            missing_data=tuple(missing),
            pending=tuple(pending),
            ready_for_invoicing=tuple(ready),
            ready_to_send=tuple(list_invoices(actor, "ready")),
            sent=sent(actor).documents if include_sent else (),
        )
