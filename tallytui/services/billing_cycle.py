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
from functools import lru_cache

from ..domain.invoicing import expense_lines, hours, line_amount
from ..domain.localtime import local_date
from ..domain.rates import rate_on
from ..domain.rounding import Rounding, parse_rounding
from ..domain.schedule import Schedule, parse_schedule
from ..domain.timesheet import readiness
from ..store.models import Client, Expense, Invoice, Project, TimeEntry, User, db
from . import entries, lookup
from .invoice_views import InvoiceSummary, summary
from .invoices import billable_expense, list_invoices, may_read
from .org import local_today
from .projects import project_rates
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
    """One project's unbilled, billable time and expenses.

    Time is kept per (user id, local day, approved) as the seconds of each entry: the day
    decides the period, the rate and the lock, so nothing finer is needed, and each entry's
    seconds stay apart because rounding applies to entries, not to sums.
    """

    project: Project
    time: defaultdict[tuple[int, date, bool], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )
    expenses: list[Expense] = field(default_factory=list)

    def seconds(self) -> int:
        return sum(sum(durations) for durations in self.time.values())


@dataclass
class _Due:
    """One due period of a project: its people's seconds by readiness, and its time per day
    and expenses, which give its amount once it is ready."""

    # user name -> [locked until, open, pending approval, ready seconds]
    people: dict[str, list] = field(default_factory=dict)
    # local day -> the entry seconds of each (user, approved) on it, for the amount
    days: defaultdict[date, list[list[int]]] = field(default_factory=lambda: defaultdict(list))
    expenses: list[Expense] = field(default_factory=list)

    def person_states(self) -> tuple[PersonState, ...]:
        return tuple(PersonState(user, *figures) for user, figures in sorted(self.people.items()))


_COLUMN = {"open": 1, "pending_approval": 2, "ready": 3}  # of a person's figures in _Due
_Users = dict[int, tuple[str, date | None]]  # user id -> (name, locked until)


# The local day of a quarter hour: every zone's offset is a multiple of 15 minutes, so a
# quarter hour is on one day. Kept between cycles, which read the same backlog again.
_local_day = lru_cache(maxsize=1 << 15)(local_date)


def _open_work(tz: str) -> dict[int, _Open]:
    projects = {
        p.id: p
        for p in Project.select(Project, Client)
        .join(Client)
        .where(Project.billable & ~Project.archived)
    }
    work = {pid: _Open(project) for pid, project in projects.items()}
    query = TimeEntry.select(
        TimeEntry.project,
        TimeEntry.user,
        TimeEntry.start_utc,
        TimeEntry.end_utc - TimeEntry.start_utc,
        TimeEntry.approved_at.is_null(False),
    ).where(
        TimeEntry.invoice_line.is_null()
        & TimeEntry.billable
        & TimeEntry.project.in_(list(projects))
    )
    # The raw cursor gives plain integers without peewee's per-value conversion, and each
    # entry is only added to its day's list: a large backlog builds no objects.
    for pid, uid, start, seconds, approved in db.execute(query):
        work[pid].time[uid, _local_day(start - start % 900, tz), approved].append(seconds)
    for expense in Expense.select().where(
        Expense.invoice_line.is_null() & Expense.billable & Expense.project.in_(list(projects))
    ):
        work[expense.project_id].expenses.append(expense)
    return {pid: bucket for pid, bucket in work.items() if bucket.time or bucket.expenses}


def _missing(bucket: _Open, rates) -> tuple[str, ...]:
    project = bucket.project
    missing = []
    if parse_schedule(project.schedule).is_none:
        missing.append("schedule")
    # A rate in force on the earliest day is in force on every later one.
    first = min((day for _, day, _ in bucket.time), default=None)
    if not rates or (first is not None and rate_on(rates, first) is None):
        missing.append("rate")
    if not project.client.address.strip():
        missing.append("client address")
    return tuple(missing)


def _spans(schedule: Schedule, anchor: date, days) -> dict[date, tuple[date, date]]:
    """The period of each day, looked up once per period: periods follow one another
    without gaps, so a later day up to the end of the last one found is in it."""
    spans: dict[date, tuple[date, date]] = {}
    span = None
    for day in sorted(days):
        if span is None or day > span[1]:
            span = schedule.period_containing(day, anchor)
        spans[day] = span
    return spans


def _due_periods(bucket: _Open, today: date, users: _Users, approval_required: bool):
    """Due periods of one project, with each person's time by readiness."""
    project = bucket.project
    schedule = parse_schedule(project.schedule)
    anchor = project.schedule_anchor
    periods: defaultdict[tuple[date, date], _Due] = defaultdict(_Due)
    spans = _spans(schedule, anchor, {day for _, day, _ in bucket.time})
    for (uid, day, approved), durations in bucket.time.items():
        span = spans[day]
        if span[1] >= today:
            continue
        due = periods[span]
        user, locked = users[uid]
        person = due.people.get(user) or due.people.setdefault(user, [locked, 0, 0, 0])
        person[_COLUMN[readiness(day, locked, approval_required, approved)]] += sum(durations)
        due.days[day].append(durations)
    for expense in bucket.expenses:
        span = schedule.period_containing(expense.spent_on, anchor)
        if span[1] < today:
            periods[span].expenses.append(expense)
    return sorted(periods.items())


def _prices(rates, span: tuple[date, date], days) -> dict[date, Decimal]:
    """The unit price of each day of a period."""
    # A rate in force on both ends of the period is in force all through it.
    whole = rate_on(rates, span[0])
    if whole is not None and whole is rate_on(rates, span[1]):
        return dict.fromkeys(days, whole.amount)
    return {day: rate_on(rates, day).amount for day in days}


def _amount(
    project: Project, span: tuple[date, date], due: _Due, rates, rule: Rounding | None
) -> Decimal:
    """The period's net as one invoice grouped by project would have it: a time line per
    unit price (each entry rounded before summing), plus the expense lines."""
    currency = project.client.currency
    prices = _prices(rates, span, due.days)
    per_price: defaultdict[Decimal, int] = defaultdict(int)
    for day, cells in due.days.items():
        for durations in cells:
            per_price[prices[day]] += sum(map(rule.apply, durations)) if rule else sum(durations)
    time = [line_amount(hours(seconds), price, currency) for price, seconds in per_price.items()]
    costs = [billable_expense(x, project.name, currency) for x in due.expenses]
    return sum(time + [line.amount for line in expense_lines(costs)], Decimal(0))


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
        users = {u.id: (u.name, u.locked_until) for u in User.select()}
        all_rates = project_rates([bucket.project for bucket in work.values()])
        missing, pending, ready = [], [], []
        for bucket in sorted(work.values(), key=lambda b: b.project.name):
            project, rates = bucket.project, all_rates[bucket.project.id]
            gaps = _missing(bucket, rates)
            if gaps:
                seconds = bucket.seconds()
                missing.append(MissingData(project.name, project.client.name, seconds, gaps))
                continue
            rule = parse_rounding(project.rounding) or org_rule
            approval = needs_approval(project)
            for (first, last), due in _due_periods(bucket, today, users, approval):
                people = due.person_states()
                opened = sum(p.open_seconds for p in people)
                waiting = sum(p.pending_approval_seconds for p in people)
                seconds = opened + waiting + sum(p.ready_seconds for p in people)
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
                            _amount(project, (first, last), due, rates, rule),
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
