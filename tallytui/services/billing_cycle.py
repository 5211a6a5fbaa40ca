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
from typing import NamedTuple

from peewee import SQL, PostgresqlDatabase, fn

from ..domain.einvoice_requirements import Document, Gap, Party, gaps, party_from
from ..domain.invoicing import expense_lines, hours, line_amount
from ..domain.localtime import day_end, day_start, local_date
from ..domain.money import basis_points_to_percent
from ..domain.rates import Rate, rate_on
from ..domain.rounding import Rounding, parse_rounding
from ..domain.schedule import Schedule, parse_schedule
from ..domain.timesheet import readiness
from ..domain.vat import line_tax
from ..store.models import Client, Expense, Invoice, Project, TimeEntry, User, db
from . import entries, lookup
from .invoice_views import InvoiceSummary, overdue, summaries, summary
from .invoices import billable_expense, list_invoices, may_read
from .org import local_today
from .projects import project_rates
from .sql_cases import SECONDS, bisect, rounded_seconds
from .timesheets import needs_approval


@dataclass(frozen=True)
class MissingData:
    project: str
    client: str
    uninvoiced_seconds: int
    missing: tuple[str, ...]
    # What the client's e-invoice format lacks (each also in ``missing``, described).
    einvoice: tuple[Gap, ...] = ()


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
    overdue: tuple[InvoiceSummary, ...] = ()  # oldest due first

    @property
    def clear(self) -> bool:
        """Nothing left to do for the cycle: no missing data, nothing pending or ready."""
        return not (self.missing_data or self.pending or self.ready_for_invoicing)

    def overdue_open(self) -> tuple[tuple[str, Decimal], ...]:
        """What overdue documents still owe, per currency (by code)."""
        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        for document in self.overdue:
            totals[document.currency] += document.open
        return tuple(sorted(totals.items()))


@dataclass
class _Open:
    """One project's unbilled, billable work: the total of its time (all that missing data
    shows), the local day its oldest entry starts (where its due periods begin) and its
    expenses; with the project's rounding rule and schedule, read once."""

    project: Project
    rule: Rounding | None
    schedule: Schedule
    seconds: int = 0
    first_day: date | None = None
    expenses: list[Expense] = field(default_factory=list)


@dataclass
class _Due:
    """One due period of a project: its people's seconds by readiness, and its rounded
    time per unit price and its expenses, which give its amount once it is ready."""

    # user name -> [locked until, open, pending approval, ready seconds]
    people: dict[str, list] = field(default_factory=dict)
    rounded: defaultdict[Decimal, int] = field(default_factory=lambda: defaultdict(int))
    expenses: list[Expense] = field(default_factory=list)

    def person_states(self) -> tuple[PersonState, ...]:
        return tuple(PersonState(user, *figures) for user, figures in sorted(self.people.items()))


class _Segment(NamedTuple):
    """Days of one due period at one unit price, from ``first``: the finest cut of time
    that the cycle's figures need."""

    project: int
    period: tuple[date, date]
    price: Decimal
    first: date


_COLUMN = {"open": 1, "pending_approval": 2, "ready": 3}  # of a person's figures in _Due
_Users = dict[int, tuple[str, date | None]]  # user id -> (name, locked until)
_UNBILLED = TimeEntry.invoice_line.is_null() & TimeEntry.billable


def _open_work(
    projects: list[Project], schedules: dict[int, Schedule], tz: str, org_rule: Rounding | None
) -> dict[int, _Open]:
    """Each project's open time as one total and the day it starts, added up by the
    database, and its open expenses."""
    work = {
        p.id: _Open(p, parse_rounding(p.rounding) or org_rule, schedules[p.id]) for p in projects
    }
    totals = {
        "project": TimeEntry.project,
        "seconds": fn.SUM(SECONDS),
        "earliest": fn.MIN(TimeEntry.start_utc),
    }
    for pid, total, earliest in _sums(totals, TimeEntry.project.in_(list(work)), keys=1):
        work[pid].seconds = int(total)
        work[pid].first_day = local_date(earliest, tz)
    for expense in Expense.select().where(
        Expense.invoice_line.is_null() & Expense.billable & Expense.project.in_(list(work))
    ):
        work[expense.project_id].expenses.append(expense)
    return {pid: bucket for pid, bucket in work.items() if bucket.first_day or bucket.expenses}


def _segments(bucket: _Open, rates: list[Rate], today: date) -> list[_Segment]:
    """The project's due periods from the one its oldest open entry is in, each cut where
    a new rate starts: every day of a segment has the same period and unit price."""
    project, oldest = bucket.project, bucket.first_day
    if oldest is None or oldest >= today:
        return []
    changes = sorted({r.valid_from for r in rates if r.valid_from and r.valid_from > oldest})
    price = rate_on(rates, oldest).amount
    found: list[_Segment] = []
    last = today - timedelta(days=1)
    for period in bucket.schedule.periods(oldest, last, project.schedule_anchor):
        if period[1] >= today:
            break
        first = max(period[0], oldest)
        while True:
            while changes and changes[0] <= first:
                price = rate_on(rates, changes.pop(0)).amount
            found.append(_Segment(project.id, period, price, first))
            if not changes or changes[0] > period[1]:
                break
            first = changes[0]
    return found


def _segment_of_entry(segments: list[_Segment], tz: str) -> tuple[list[int], str]:
    """The projects that have segments, and SQL for the index in ``segments`` of an
    entry's segment, from its project and start; -1 where it is in none (not due yet)."""
    by_project: defaultdict[int, list[int]] = defaultdict(list)
    for index, segment in enumerate(segments):
        by_project[segment.project].append(index)
    projects = sorted(by_project)
    start = TimeEntry.start_utc.column_name
    within = []
    for pid in projects:
        indexes = by_project[pid]
        bounds = [day_start(segments[i].first, tz) for i in indexes]
        bounds.append(day_end(segments[indexes[-1]].period[1], tz))
        within.append(bisect(start, bounds, [-1, *indexes, -1]))
    return projects, bisect(TimeEntry.project.column_name, projects[1:], within)


def _locked(users: _Users, tz: str) -> str:
    """SQL for whether an entry's owner has locked its day: whether it starts before the
    local midnight that ends their locked-until date."""
    people = sorted(users)
    start = TimeEntry.start_utc.column_name
    ends = [users[uid][1] and day_end(users[uid][1], tz) for uid in people]
    return bisect(
        TimeEntry.user.column_name,
        people[1:],
        [f"{start} < {end}" if end is not None else "FALSE" for end in ends],
    )


def _due_time(segments: list[_Segment], rules: dict[int, Rounding | None], users: _Users, tz):
    """The open time of the segments' projects, added up by the database per segment,
    person, approval and lock, each entry rounded first: a backlog of years comes back as
    a few rows per period, not one per entry or day."""
    projects, segment = _segment_of_entry(segments, tz)
    columns = {
        # Grouping by project first has SQLite read the open-time index, project by
        # project (a tenth of the time of looking up each open entry in the table).
        "project": TimeEntry.project,
        "segment": SQL(segment),
        "person": TimeEntry.user,
        "approved": TimeEntry.approved_at.is_null(False),
        "locked": SQL(_locked(users, tz)),
        "seconds": fn.SUM(SECONDS),
        "rounded": fn.SUM(rounded_seconds({pid: rules[pid] for pid in projects})),
    }
    return _sums(columns, TimeEntry.project.in_(projects), keys=5)


def _sums(columns: dict, where, keys: int) -> list[list]:
    """Open, billable time matching ``where`` in ``columns``, grouped by the first ``keys``
    of them, fetched as one JSON array the database builds instead of one step per row:
    each step gives up the interpreter, and waits to get it back from the interface,
    which goes on drawing."""
    query = (
        TimeEntry.select(*(column.alias(name) for name, column in columns.items()))
        .where(_UNBILLED & where)
        .group_by(*(SQL(str(position)) for position in range(1, keys + 1)))
    )
    sql, params = query.sql()
    names = ", ".join(columns)
    if isinstance(db.obj, PostgresqlDatabase):
        array = f"json_agg(json_build_array({names}))"
    else:
        array = f"json_group_array(json_array({names}))"
    cursor = db.execute_sql(f"SELECT {array} FROM ({sql}) AS grouped", params)
    found = cursor.fetchone()[0]
    return json.loads(found) if isinstance(found, str) else found or []


def _due_periods(work: list[_Open], all_rates, today: date, users: _Users, tz: str):
    """Each project's due periods, with each person's time by readiness."""
    segments = [s for b in work for s in _segments(b, all_rates[b.project.id], today)]
    rules = {bucket.project.id: bucket.rule for bucket in work}
    approval = {bucket.project.id: needs_approval(bucket.project) for bucket in work}
    periods: defaultdict[int, defaultdict[tuple[date, date], _Due]] = defaultdict(
        lambda: defaultdict(_Due)
    )
    rows = _due_time(segments, rules, users, tz) if segments else []
    for _, index, uid, approved, locked, seconds, rounded in rows:
        if index < 0:
            continue
        segment = segments[index]
        due = periods[segment.project][segment.period]
        user, until = users[uid]
        person = due.people.get(user) or due.people.setdefault(user, [until, 0, 0, 0])
        state = readiness(bool(locked), approval[segment.project], bool(approved))
        person[_COLUMN[state]] += int(seconds)
        due.rounded[segment.price] += int(rounded)
    for bucket in work:
        anchor = bucket.project.schedule_anchor
        for expense in bucket.expenses:
            period = bucket.schedule.period_containing(expense.spent_on, anchor)
            if period[1] < today:
                periods[bucket.project.id][period].expenses.append(expense)
    return periods


def has_address(client: Client) -> bool:
    """A postal address, as the free text of old or in structured parts."""
    return bool(client.address.strip() or client.street or client.city)


def einvoice_gaps(seller: Party, client: Client, tax_rate_bp: int) -> tuple[Gap, ...]:
    """What the client's preferred e-invoice format would lack, were it issued today, for
    the VAT category its lines take (a standard client at 0 % is zero rated)."""
    if client.einvoice == "none":
        return ()
    category, _ = line_tax(client.vat_category, basis_points_to_percent(tax_rate_bp))
    categories = frozenset({category})
    document = Document(seller, party_from(client), categories)
    return tuple(gaps(client.einvoice, document))


def _missing(bucket: _Open, rates, seller: Party, org_rate: int) -> MissingData | None:
    project = bucket.project
    missing = []
    if bucket.schedule.is_none:
        missing.append("schedule")
    # A rate in force on the earliest day is in force on every later one.
    first = bucket.first_day
    if not rates or (first is not None and rate_on(rates, first) is None):
        missing.append("rate")
    client = project.client
    if not has_address(client):
        missing.append("client address")
    rate = org_rate if client.tax_rate_bp is None else client.tax_rate_bp
    einvoice = einvoice_gaps(seller, client, rate)
    missing.extend(gap.short for gap in einvoice)
    if not missing:
        return None
    return MissingData(project.name, client.name, bucket.seconds, tuple(missing), einvoice)


def _amount(project: Project, due: _Due) -> Decimal:
    """The period's net as one invoice grouped by project would have it: a time line per
    unit price (each entry rounded before summing), plus the expense lines."""
    currency = project.client.currency
    time = [line_amount(hours(seconds), price, currency) for price, seconds in due.rounded.items()]
    costs = [billable_expense(x, project.name, currency) for x in due.expenses]
    return sum(time + [line.amount for line in expense_lines(costs)], Decimal(0))


def _current_periods(
    projects: list[Project], schedules: dict[int, Schedule], today: date
) -> tuple[CurrentPeriod, ...]:
    found = set()
    for project in projects:
        schedule = schedules[project.id]
        if not schedule.is_none:
            span = schedule.period_containing(today, project.schedule_anchor or today)
            found.add(CurrentPeriod(project.schedule, *span))
    return tuple(sorted(found, key=lambda p: (p.last - p.first, p.first, p.schedule)))


@dataclass(frozen=True)
class SentPage:
    documents: tuple[InvoiceSummary, ...]  # oldest first
    total: int  # how many match, shown or not


def sent(
    actor: str,
    client: str | None = None,
    month: date | None = None,
    limit: int | None = None,
    overdue_only: bool = False,
) -> SentPage:
    """Sent and paid documents, of one client and issued in one month when given, only
    the overdue ones when asked; only the newest ``limit`` of them when given, so years of
    history do not slow the list."""
    with db.atomic():
        may_read(actor)
        today = local_today(lookup.organisation())
        # Sent or paid, written as "neither ready nor void" (the only other statuses): with
        # no equality on status, SQLite reads the newest numbers from their index and stops
        # at ``limit`` instead of sorting every sent invoice of the years.
        shown = Invoice.status.not_in(("ready", "void"))
        if overdue_only:
            shown &= overdue(today)
        if client:
            shown &= Invoice.client == lookup.client(client)
        if month:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            shown &= (Invoice.issue_date >= month.replace(day=1)) & (Invoice.issue_date < following)
        newest = summaries().where(shown).order_by(Invoice.number.desc())
        if limit is not None:
            newest = newest.limit(limit)
        documents = tuple(reversed([summary(i, today) for i in newest]))
        full = limit is not None and len(documents) == limit
        total = Invoice.select().where(shown).count() if full else len(documents)
        return SentPage(documents, total)


def overdue_documents(today: date) -> tuple[InvoiceSummary, ...]:
    """Every overdue invoice, the longest overdue first."""
    query = summaries().where(overdue(today)).order_by(Invoice.due_date, Invoice.number)
    return tuple(summary(row, today) for row in query)


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
        billable = list(
            Project.select(Project, Client).join(Client).where(Project.billable & ~Project.archived)
        )
        schedules = {p.id: parse_schedule(p.schedule) for p in billable}
        work = _open_work(billable, schedules, org.timezone, org_rule)
        users = {u.id: (u.name, u.locked_until) for u in User.select()}
        all_rates = project_rates([bucket.project for bucket in work.values()])
        seller = party_from(org)
        missing, pending, ready, invoiceable = [], [], [], []
        for bucket in sorted(work.values(), key=lambda b: b.project.name):
            project = bucket.project
            found = _missing(bucket, all_rates[project.id], seller, org.tax_rate_bp)
            if found:
                missing.append(found)
            else:
                invoiceable.append(bucket)
        periods = _due_periods(invoiceable, all_rates, today, users, org.timezone)
        for bucket in invoiceable:
            project = bucket.project
            for (first, last), due in sorted(periods[project.id].items()):
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
                            _amount(project, due),
                            project.client.currency,
                            rounding=bucket.rule.spec() if bucket.rule else None,
                        )
                    )
        return Cycle(
            today=today,
            current=_current_periods(billable, schedules, today),
            missing_data=tuple(missing),
            pending=tuple(pending),
            ready_for_invoicing=tuple(ready),
            ready_to_send=tuple(list_invoices(actor, "ready")),
            sent=sent(actor).documents if include_sent else (),
            overdue=overdue_documents(today),
        )
