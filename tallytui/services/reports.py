"""Where the time and the money went: hours, billable hours and amounts per client,
project, person, week or month, and how long billable work has waited to be invoiced.

The database adds it all up (five years of entries come back as a few rows per group).
Each entry is priced as a detailed invoice bills it: its seconds rounded by the project's
rule, its hours rounded half-up to hundredths, times the rate in force on its day, rounded
half-up to the minor unit. So the figures add up the same way whatever the grouping.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from peewee import SQL, fn

from ..domain.errors import InvalidInput
from ..domain.invoicing import hours
from ..domain.localtime import day_start, days_to_utc_range, iso_week
from ..domain.money import from_minor, to_minor
from ..domain.rates import rate_on
from ..domain.rounding import parse_rounding
from ..store.models import Client, Invoice, Project, TimeEntry, User, db
from . import lookup, permissions
from .entries import visible_to
from .org import local_today
from .projects import project_rates
from .sql_cases import SECONDS, bisect, rounded_seconds

GROUPINGS = ("client", "project", "person", "week", "month")
BUCKETS = ("0-30", "31-60", "61-90", "90+")
_BUCKET_DAYS = (90, 60, 30)  # oldest first: the days of age where a bucket starts
TOTAL = "Total"


@dataclass(frozen=True)
class Line:
    """One group's figures in one currency (the currency of its clients)."""

    key: tuple[str, ...]
    currency: str
    seconds: int
    billable_seconds: int
    billable_hours: Decimal  # each entry rounded as invoiced, then added up
    billable: Decimal
    invoiced: Decimal

    @property
    def hours(self) -> Decimal:
        return hours(self.seconds)

    @property
    def uninvoiced(self) -> Decimal:
        return self.billable - self.invoiced


@dataclass(frozen=True)
class Report:
    first: date
    last: date
    by: str
    billable_only: bool
    lines: tuple[Line, ...]  # by group, then currency
    totals: tuple[Line, ...]  # one per currency, key ("Total",)


@dataclass(frozen=True)
class Ageing:
    """One client's billable, uninvoiced work by age: hours and amount per bucket."""

    client: str
    currency: str
    hours: tuple[Decimal, ...]  # per bucket of BUCKETS
    amounts: tuple[Decimal, ...]

    @property
    def total_hours(self) -> Decimal:
        return sum(self.hours, Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, Decimal(0))


@dataclass(frozen=True)
class Unbilled:
    today: date
    clients: tuple[Ageing, ...]
    totals: tuple[Ageing, ...]  # one per currency, client "Total"


@dataclass(frozen=True)
class Revenue:
    """Invoiced net revenue (credit notes subtract) per month and currency."""

    month: str
    currency: str
    amount: Decimal


def check_grouping(by: str) -> str:
    if by not in GROUPINGS:
        raise InvalidInput(f"by: {by!r} is not one of {', '.join(GROUPINGS)}")
    return by


def check_period(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput(f"the period ends ({last}) before it starts ({first})")


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months: from the first of the month eleven months back to today."""
    return months_to(today, 12), today


def weeks_to(day: date, count: int) -> tuple[date, date]:
    """The ``count`` ISO weeks that end with the week of ``day``."""
    monday, sunday = iso_week(day)
    return monday - timedelta(weeks=count - 1), sunday


def months_to(day: date, count: int) -> date:
    """The first day of the ``count`` months that end with the month of ``day``."""
    month = day.year * 12 + day.month - count
    return date(month // 12, month % 12 + 1, 1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _calendar(first: date, last: date, by: str) -> list[date]:
    """The first day of each week (Monday) or month that the period touches."""
    starts: list[date] = []
    day = iso_week(first)[0] if by == "week" else first.replace(day=1)
    while day <= last:
        starts.append(day)
        day = day + timedelta(days=7) if by == "week" else next_month(day)
    return starts


def _calendar_column(by: str, first: date, last: date, tz: str) -> tuple[SQL, list[str]]:
    """SQL for the index of an entry's week or month in the period, and their labels."""
    starts = _calendar(first, last, by)
    bounds = [day_start(day, tz) for day in starts[1:]]
    labels = [d.isoformat() if by == "week" else f"{d:%Y-%m}" for d in starts]
    start = TimeEntry.start_utc.column_name
    return SQL(bisect(start, bounds, list(range(len(starts))))), labels


def _price(projects: list[Project], tz: str) -> str:
    """SQL for the minor units of an entry's hourly rate on its local day (NULL where the
    project has none), by its project and start."""
    rates = project_rates(projects)
    ids = sorted(p.id for p in projects)
    currency = {p.id: p.client.currency for p in projects}
    start = TimeEntry.start_utc.column_name

    def minor(pid: int, day: date) -> str:
        rate = rate_on(rates[pid], day)
        return "NULL" if rate is None else str(to_minor(rate.amount, currency[pid]))

    per_project = []
    for pid in ids:
        changes = sorted({r.valid_from for r in rates[pid] if r.valid_from})
        before = changes[0] - timedelta(days=1) if changes else date.max
        per_project.append(
            bisect(
                start,
                [day_start(day, tz) for day in changes],
                [minor(pid, before), *(minor(pid, day) for day in changes)],
            )
        )
    if not ids:
        return "NULL"
    return bisect(TimeEntry.project.column_name, ids[1:], per_project)


def _pricing(projects: list[Project], org, tz: str):
    """SQL for an entry's billed hundredths of an hour and its amount in minor units."""
    org_rule = parse_rounding(org.rounding)
    rules = {p.id: parse_rounding(p.rounding) or org_rule for p in projects}
    hundredths = (rounded_seconds(rules) * 100 + 1800) / 3600
    return hundredths, (hundredths * SQL(_price(projects, tz)) + 50) / 100


def _figures(
    acting: User, org, first: date, last: date, keys: tuple[str, ...], billable_only: bool
) -> list[Line]:
    """The time table alone is read, grouped by project (and person, week or month as
    asked), billable and invoiced: names and currencies come from the few projects."""
    tz = org.timezone
    projects = {p.id: p for p in Project.select(Project, Client).join(Client)}
    people = dict(User.select(User.id, User.name).tuples()) if "person" in keys else {}
    columns = [TimeEntry.project, TimeEntry.billable, TimeEntry.invoice_line.is_null(False)]
    if people:
        columns.append(TimeEntry.user)
    dated = next((by for by in keys if by in ("week", "month")), None)
    labels: list[str] = []
    if dated:
        column, labels = _calendar_column(dated, first, last, tz)
        columns.append(column)
    hundredths, amount = _pricing(list(projects.values()), org, tz)
    start, end = days_to_utc_range(first, last, tz)
    query = (
        TimeEntry.select(*columns, fn.SUM(SECONDS), fn.SUM(hundredths), fn.SUM(amount))
        .where((TimeEntry.start_utc >= start) & (TimeEntry.start_utc < end))
        .group_by(*(SQL(str(i)) for i in range(1, len(columns) + 1)))
    )
    if billable_only:
        billable = [pid for pid, project in projects.items() if project.billable]
        query = query.where(TimeEntry.billable & TimeEntry.project.in_(billable))
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for pid, billable, invoiced, *extra, seconds, billed, minor in visible_to(
        query, acting, None
    ).tuples():
        project = projects[pid]
        names = {"client": project.client.name, "project": project.name}
        if people:
            names["person"] = people[extra.pop(0)]
        if dated:
            names[dated] = labels[int(extra[0])]
        figures = sums[(tuple(names[by] for by in keys), project.client.currency)]
        figures[0] += int(seconds)
        if billable and project.billable:
            figures[1] += int(seconds)
            figures[2] += int(billed)
            figures[3] += int(minor or 0)
            figures[4] += int(minor or 0) if invoiced else 0
    return [
        Line(key, c, s, b, Decimal(h).scaleb(-2), from_minor(m, c), from_minor(i, c))
        for (key, c), (s, b, h, m, i) in sums.items()
    ]


def totals(lines: list[Line] | tuple[Line, ...]) -> tuple[Line, ...]:
    """The lines added up per currency."""
    by_currency: dict[str, list] = {}
    for line in lines:
        found = by_currency.setdefault(line.currency, [0, 0, Decimal("0.00"), Decimal(0), 0])
        found[0] += line.seconds
        found[1] += line.billable_seconds
        found[2] += line.billable_hours
        found[3] += line.billable
        found[4] += line.invoiced
    return tuple(Line((TOTAL,), c, *by_currency[c]) for c in sorted(by_currency))


def breakdown(
    actor: str, first: date, last: date, keys: tuple[str, ...], billable_only: bool = False
) -> tuple[Line, ...]:
    """The figures grouped by several keys at once (week and client for a stacked chart)."""
    for by in keys:
        check_grouping(by)
    check_period(first, last)
    with db.atomic():
        org = lookup.organisation()
        acting = lookup.user(actor)
        lines = _figures(acting, org, first, last, keys, billable_only)
    return tuple(sorted(lines, key=lambda x: (x.key, x.currency)))


def report(
    actor: str,
    first: date | None = None,
    last: date | None = None,
    by: str = "client",
    billable_only: bool = False,
) -> Report:
    """Hours, billable hours and amounts per group over the period (the last twelve months
    unless given), as far as the actor may see."""
    check_grouping(by)
    if first is None or last is None:
        with db.atomic():
            today = local_today(lookup.organisation())
        default_first, default_last = default_period(today)
        first, last = first or default_first, last or default_last
    lines = breakdown(actor, first, last, (by,), billable_only)
    return Report(first, last, by, billable_only, lines, totals(lines))


def unbilled(actor: str) -> Unbilled:
    """Billable work not invoiced yet, per client, by its age in days from its local day
    to today: 0–30, 31–60, 61–90 and over 90."""
    with db.atomic():
        org = lookup.organisation()
        acting = lookup.user(actor)
        tz = org.timezone
        today = local_today(org)
        bounds = [day_start(today - timedelta(days=age), tz) for age in _BUCKET_DAYS]
        bucket = SQL(bisect(TimeEntry.start_utc.column_name, bounds, [3, 2, 1, 0]))
        projects = {p.id: p for p in Project.select(Project, Client).join(Client)}
        hundredths, amount = _pricing(list(projects.values()), org, tz)
        billable = [pid for pid, project in projects.items() if project.billable]
        query = (
            TimeEntry.select(TimeEntry.project, bucket, fn.SUM(hundredths), fn.SUM(amount))
            .where(
                TimeEntry.billable
                & TimeEntry.invoice_line.is_null()
                & TimeEntry.project.in_(billable)
            )
            .group_by(SQL("1"), SQL("2"))
        )
        rows = [
            (projects[pid].client.name, projects[pid].client.currency, *figures)
            for pid, *figures in visible_to(query, acting, None).tuples()
        ]
    found: dict[tuple[str, str], list[list[int]]] = {}
    for client, currency, index, billed, minor in rows:
        figures = found.setdefault((client, currency), [[0] * 4, [0] * 4])
        figures[0][index] += int(billed or 0)
        figures[1][index] += int(minor or 0)
    clients = [
        Ageing(
            client,
            currency,
            tuple(Decimal(h).scaleb(-2) for h in hours),
            tuple(from_minor(m, currency) for m in minor),
        )
        for (client, currency), (hours, minor) in sorted(found.items())
    ]
    sums: dict[str, list[list[Decimal]]] = {}
    for row in clients:
        figures = sums.setdefault(row.currency, [[Decimal("0.00")] * 4, [Decimal(0)] * 4])
        figures[0] = [a + b for a, b in zip(figures[0], row.hours, strict=True)]
        figures[1] = [a + b for a, b in zip(figures[1], row.amounts, strict=True)]
    return Unbilled(
        today,
        tuple(clients),
        tuple(Ageing(TOTAL, c, tuple(h), tuple(m)) for c, (h, m) in sorted(sums.items())),
    )


def revenue(actor: str, first_month: date, months: int) -> tuple[Revenue, ...] | None:
    """Invoiced net revenue per month from ``first_month`` on, per currency; None where
    the actor may not see invoices."""
    with db.atomic():
        acting = lookup.user(actor)
        if not permissions.may(acting, "invoice.read"):
            return None
        end = first_month
        for _ in range(months):
            end = next_month(end)
        query = (
            Invoice.select(Invoice.issue_date, Invoice.currency, fn.SUM(Invoice.subtotal_minor))
            .where(
                (Invoice.status != "void")
                & (Invoice.issue_date >= first_month)
                & (Invoice.issue_date < end)
            )
            .group_by(Invoice.issue_date, Invoice.currency)
        )
        rows = list(query.tuples())
    sums: defaultdict[tuple[str, str], int] = defaultdict(int)
    for issued, currency, minor in rows:
        day = issued if isinstance(issued, date) else date.fromisoformat(str(issued))
        sums[(f"{day:%Y-%m}", currency)] += int(minor)
    return tuple(Revenue(m, c, from_minor(v, c)) for (m, c), v in sorted(sums.items()))
