"""The billing cycle as of today: what cannot be billed yet and why, what waits for people,
what is ready to invoice, and the invoices on their way out.

Only unbilled, billable work is read, so the cost follows what is open, not the years of
history behind it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from peewee import SQL, Case, PostgresqlDatabase, fn

from ..domain.invoicing import expense_lines, hours, line_amount
from ..domain.localtime import local_date, utc_offsets
from ..domain.rates import rate_on
from ..domain.rounding import Rounding, parse_rounding
from ..domain.schedule import Schedule, parse_schedule
from ..domain.timesheet import readiness
from ..store.models import Client, Expense, Invoice, Project, TimeEntry, User, db
from . import entries, lookup
from .invoice_views import InvoiceSummary, summaries, summary
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

    Time is kept per (user id, local day, approved) as [seconds, seconds with each entry
    rounded by the project's rule]: the day decides the period, the rate and the lock, so
    nothing finer is needed, and the rounding applies to entries, not to sums.

    A project without a schedule has no periods: it is missing data as a whole, shown with
    its hours, so only its total and its first day are read (``whole``).
    """

    project: Project
    rule: Rounding | None
    time: dict[tuple[int, date, bool], list[int]] = field(default_factory=dict)
    expenses: list[Expense] = field(default_factory=list)
    whole: tuple[int, date] | None = None  # (seconds, first local day), unscheduled only

    def seconds(self) -> int:
        if self.whole:
            return self.whole[0]
        return sum(seconds for seconds, _ in self.time.values())

    def first_day(self) -> date | None:
        if self.whole:
            return self.whole[1]
        return min((day for _, day, _ in self.time), default=None)


@dataclass
class _Due:
    """One due period of a project: its people's seconds by readiness, and its rounded
    time per day and expenses, which give its amount once it is ready."""

    # user name -> [locked until, open, pending approval, ready seconds]
    people: dict[str, list] = field(default_factory=dict)
    # local day -> the rounded seconds of each (user, approved) on it, for the amount
    days: defaultdict[date, list[int]] = field(default_factory=lambda: defaultdict(list))
    expenses: list[Expense] = field(default_factory=list)

    def person_states(self) -> tuple[PersonState, ...]:
        return tuple(PersonState(user, *figures) for user, figures in sorted(self.people.items()))


_COLUMN = {"open": 1, "pending_approval": 2, "ready": 3}  # of a person's figures in _Due
_Users = dict[int, tuple[str, date | None]]  # user id -> (name, locked until)
_EPOCH = date(1970, 1, 1)


def _local_day_number(tz: str, first: int, last: int):
    """SQL for the local day of an entry's start, as days since 1970-01-01: the start
    moved by the offset ``tz`` had then, in whole days. Valid for starts from ``first``
    to ``last``."""
    # Widened to whole blocks of 30 days, the span stays the same as entries are added,
    # and the zone's offsets over it are worked out once.
    block = 30 * 86400
    offsets = utc_offsets(tz, first - first % block, last - last % block + block)
    # The newest change first: open work is mostly recent, and each row stops at the first
    # change it is past (the query took 9.1 ms with the oldest first, 7.9 with the newest).
    start = TimeEntry.start_utc
    newest_first = [(start >= since, offset) for since, offset in reversed(offsets[1:])]
    return (start + _case(newest_first, offsets[0][1])) / 86400


def _case(whens: list, otherwise):
    """CASE WHEN … ELSE ``otherwise``; just ``otherwise`` when there is nothing to tell apart."""
    return Case(None, whens, otherwise) if whens else otherwise


def _rounded(seconds, rule: Rounding):
    """SQL for :meth:`Rounding.apply`: whole-number division, which SQLite and PostgreSQL
    both truncate as ``//`` does for the positive durations of entries."""
    return (seconds + rule.lift) / rule.step * rule.step


def _open_work(tz: str, org_rule: Rounding | None) -> dict[int, _Open]:
    """Each project's open time, added up by the database per person, local day and
    approval, each entry rounded first: a backlog of years comes back as a few thousand
    rows, not one per entry. A project without a schedule comes back as one row: its
    years of unbilled time were a quarter of those rows on the benchmark history."""
    work = {
        p.id: _Open(p, parse_rounding(p.rounding) or org_rule)
        for p in Project.select(Project, Client)
        .join(Client)
        .where(Project.billable & ~Project.archived)
    }
    scheduled, unscheduled = [], []
    for pid, bucket in work.items():
        (unscheduled if parse_schedule(bucket.project.schedule).is_none else scheduled).append(pid)
    unbilled = TimeEntry.invoice_line.is_null() & TimeEntry.billable
    seconds = TimeEntry.end_utc - TimeEntry.start_utc
    if unscheduled:
        for pid, total, earliest in (
            TimeEntry.select(TimeEntry.project, fn.SUM(seconds), fn.MIN(TimeEntry.start_utc))
            .where(unbilled & TimeEntry.project.in_(unscheduled))
            .group_by(TimeEntry.project)
            .tuples()
        ):
            work[pid].whole = (int(total), local_date(earliest, tz))
    # The span of all entries: one MIN or MAX alone is read from the index on start, both
    # in one SELECT would scan the table.
    first = TimeEntry.select(fn.MIN(TimeEntry.start_utc)).scalar()
    last = TimeEntry.select(fn.MAX(TimeEntry.start_utc)).scalar()
    if first is not None and scheduled:
        by_rule = defaultdict(list)
        for pid in scheduled:
            if work[pid].rule:
                by_rule[work[pid].rule].append(pid)
        rounded = _case(
            [
                (TimeEntry.project.in_(ids), _rounded(seconds, rule))
                for rule, ids in by_rule.items()
            ],
            seconds,
        )
        columns = {
            "project": TimeEntry.project,
            "person": TimeEntry.user,
            "day": _local_day_number(tz, first, last),
            "approved": TimeEntry.approved_at.is_null(False),
            "seconds": fn.SUM(seconds),
            "rounded": fn.SUM(rounded),
        }
        query = (
            TimeEntry.select(*(column.alias(name) for name, column in columns.items()))
            .where(unbilled & TimeEntry.project.in_(scheduled))
            .group_by(SQL("1"), SQL("2"), SQL("3"), SQL("4"))
        )
        days: dict[int, date] = {}  # a day is on many rows: one date object for all of them
        for pid, uid, day, approved, total, total_rounded in _in_one_row(query, list(columns)):
            on = days.get(day) or days.setdefault(day, _EPOCH + timedelta(days=day))
            work[pid].time[(uid, on, bool(approved))] = [int(total), int(total_rounded)]
    for expense in Expense.select().where(
        Expense.invoice_line.is_null() & Expense.billable & Expense.project.in_(list(work))
    ):
        work[expense.project_id].expenses.append(expense)
    return {
        pid: bucket
        for pid, bucket in work.items()
        if bucket.time or bucket.whole or bucket.expenses
    }


def _in_one_row(query, names: list[str]) -> list[list]:
    """The rows of ``query`` (its columns aliased ``names``) as one JSON array the
    database builds, fetched in one step instead of one per row: each step gives up the
    interpreter, and waits to get it back from the interface, which goes on drawing."""
    sql, params = query.sql()
    columns = ", ".join(names)
    if isinstance(db.obj, PostgresqlDatabase):
        array = f"json_agg(json_build_array({columns}))"
    else:
        array = f"json_group_array(json_array({columns}))"
    cursor = db.execute_sql(f"SELECT {array} FROM ({sql}) AS grouped", params)
    found = cursor.fetchone()[0]
    return json.loads(found) if isinstance(found, str) else found or []


def _missing(bucket: _Open, rates) -> tuple[str, ...]:
    project = bucket.project
    missing = []
    if parse_schedule(project.schedule).is_none:
        missing.append("schedule")
    # A rate in force on the earliest day is in force on every later one.
    first = bucket.first_day()
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
    for (uid, day, approved), (seconds, rounded) in bucket.time.items():
        span = spans[day]
        if span[1] >= today:
            continue
        due = periods[span]
        user, locked = users[uid]
        person = due.people.get(user) or due.people.setdefault(user, [locked, 0, 0, 0])
        person[_COLUMN[readiness(day, locked, approval_required, approved)]] += seconds
        due.days[day].append(rounded)
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


def _amount(project: Project, span: tuple[date, date], due: _Due, rates) -> Decimal:
    """The period's net as one invoice grouped by project would have it: a time line per
    unit price (each entry rounded before summing), plus the expense lines."""
    currency = project.client.currency
    prices = _prices(rates, span, due.days)
    per_price: defaultdict[Decimal, int] = defaultdict(int)
    for day, rounded in due.days.items():
        per_price[prices[day]] += sum(rounded)
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
        # Sent or paid, written as "neither ready nor void" (the only other statuses): with
        # no equality on status, SQLite reads the newest numbers from their index and stops
        # at ``limit`` instead of sorting every sent invoice of the years.
        shown = Invoice.status.not_in(("ready", "void"))
        if client:
            shown &= Invoice.client == lookup.client(client)
        if month:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            shown &= (Invoice.issue_date >= month.replace(day=1)) & (Invoice.issue_date < following)
        newest = summaries().where(shown).order_by(Invoice.number.desc())
        if limit is not None:
            newest = newest.limit(limit)
        documents = tuple(reversed([summary(i) for i in newest]))
        full = limit is not None and len(documents) == limit
        total = Invoice.select().where(shown).count() if full else len(documents)
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
        work = _open_work(org.timezone, org_rule)
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
                            _amount(project, (first, last), due, rates),
                            project.client.currency,
                            rounding=bucket.rule.spec() if bucket.rule else None,
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
