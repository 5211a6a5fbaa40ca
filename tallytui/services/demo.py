"""The demo database: a small consultancy's last ten weeks, so every screen has data to show.

It is written through the same services a user calls, so the demo obeys the rules the
product enforces (no overlapping sessions, no time on locked days, effective-dated rates).
Every date is relative to the clock (``TALLY_NOW``) in the organisation's time zone, and
every random choice comes from a generator seeded by person and day, so the same instant
always yields the same database, and a day keeps its sessions when the clock moves on.
"""

from __future__ import annotations

import getpass
import os
import random
import shlex
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from ..domain.errors import Conflict, InvalidInput
from ..domain.localtime import iso_week, local_date, local_to_utc
from ..domain.names import check_user_name
from ..domain.schedule import parse_schedule
from ..store.db import is_postgres, open_database
from . import (
    approvals,
    billing_cycle,
    clients,
    entries,
    expenses,
    invoice_lifecycle,
    invoices,
    org,
    projects,
    timesheets,
    users,
)
from .clock import now_utc
from .views import EntryView

WEEKS = 10

ORGANISATION = org.OrgSettings(
    name="Northwind Software GmbH",
    code="NWS",
    currency="EUR",
    timezone="Europe/Berlin",
    email="billing@northwind.example",
    vat_id="DE298765435",
    iban="DE89370400440532013000",
    bic="COBADEFFXXX",
    bank_name="Commerzbank Berlin",
    tax_rate=Decimal("19"),
    payment_terms_days=14,
    street="Torstraße 140",
    postcode="10119",
    city="Berlin",
    country="DE",
    phone="+49 30 5550 1400",
    contact="Anna Weber",
    registration="HRB 187654 B, Amtsgericht Charlottenburg",
    endpoint="9930:DE298765435",
    language="de",  # the Swiss clients read German too; Nordlicht has its own
)

CLIENTS = (
    clients.ClientChanges(
        name="Acme Retail GmbH",
        currency="EUR",
        email="ap@acme-retail.example",
        vat_id="DE812345673",
        street="Lindenallee 12",
        postcode="14467",
        city="Potsdam",
        country="DE",
        einvoice="facturx",
    ),
    clients.ClientChanges(
        name="Nordlicht Logistics B.V.",
        currency="EUR",
        email="invoices@nordlicht.example",
        vat_id="NL859012347B01",
        payment_terms_days=30,
        vat="reverse-charge",
        street="Keizersgracht 221",
        postcode="1016 DV",
        city="Amsterdam",
        country="NL",
        endpoint="9944:NL859012347B01",
        buyer_reference="NORDLICHT-IT-2026",
        einvoice="peppol",
        language="nl",
    ),
    clients.ClientChanges(
        name="Helvetia Versicherungen AG",
        currency="CHF",
        email="kreditoren@helvetia-vers.example",
        vat_id="CHE-123.456.788 MWST",
        payment_terms_days=30,
        vat="outside-scope",  # services to a business abroad: taxed where it sits
        street="Bahnhofstrasse 45",
        postcode="8001",
        city="Zürich",
        country="CH",
    ),
    clients.ClientChanges(
        name="Alpenblick Treuhand AG",
        currency="CHF",
        email="buchhaltung@alpenblick.example",
        vat_id="CHE-987.654.326 MWST",
        payment_terms_days=20,
        vat="outside-scope",
        street="Marktgasse 8",
        postcode="3011",
        city="Bern",
        country="CH",
    ),
)


@dataclass(frozen=True)
class Person:
    """Someone who tracks time in the demo; ``key`` seeds their days, whatever their name."""

    key: str
    role: str
    names: tuple[str, ...]  # the first one that is not the acting user's name is used
    workdays: frozenset[int]  # Monday is 0
    minutes_per_day: tuple[int, int]
    projects: dict[str, int]  # project name -> how often they work on it
    locked: bool  # whether their older weeks are locked


@dataclass(frozen=True)
class ProjectPlan:
    """A demo project: its settings, and what its sessions say they were about."""

    name: str
    client: str
    rate: Decimal | None
    schedule: str = "none"
    billable: bool = True
    approval: bool = False
    rounding: str | None = None
    watch: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    new_rate: Decimal | None = None  # applies from the middle of the history on
    tasks: tuple[str, ...] = ()  # descriptions people type
    captured: tuple[str, ...] = ()  # files and pages the capture worker saw

    @property
    def captures(self) -> bool:
        return bool(self.watch or self.urls)


PEOPLE = (
    Person(
        key="admin",
        role="admin",
        names=(),
        workdays=frozenset(range(5)),
        minutes_per_day=(330, 480),
        projects={
            "Acme Web Shop": 30,
            "Acme Support": 8,
            "Nordlicht Data Platform": 18,
            "Nordlicht Workshop": 4,
            "Helvetia Mobile App": 10,
            "Helvetia Pre-sales": 6,
            "Alpenblick Accounting Sync": 12,
            "Alpenblick Tax Portal": 12,
        },
        locked=True,
    ),
    Person(
        key="consultant",
        role="consultant",
        names=("lena", "lena.k"),
        workdays=frozenset(range(5)),
        minutes_per_day=(390, 510),
        projects={
            "Helvetia Mobile App": 35,
            "Acme Web Shop": 25,
            "Alpenblick Tax Portal": 20,
            "Nordlicht Data Platform": 15,
            "Acme Support": 5,
        },
        locked=True,
    ),
    Person(
        key="approver",
        role="approver",
        names=("marco", "marco.r"),
        workdays=frozenset({1, 3}),
        minutes_per_day=(150, 240),
        projects={
            "Helvetia Mobile App": 40,
            "Nordlicht Data Platform": 30,
            "Helvetia Pre-sales": 30,
        },
        locked=False,
    ),
)
APPROVER = "approver"  # the person who approves the approval project's time

PROJECTS = (
    ProjectPlan(
        name="Acme Web Shop",
        client="Acme Retail GmbH",
        rate=Decimal("95"),
        schedule="weekly",
        watch=("/home/demo/src/acme-shop",),
        urls=("github.com/acme-retail/shop/*",),
        tasks=(
            "Checkout: VAT rounding for mixed baskets",
            "Sprint planning with Acme",
            "Product search: synonyms and typo tolerance",
            "Payment provider webhooks",
            "Code review of the loyalty points branch",
            "Deployment of release 4.2",
        ),
        captured=(
            "shop/checkout/basket.py",
            "shop/checkout/tests/test_vat.py",
            "shop/search/synonyms.py",
            "shop/payments/webhooks.py",
            "templates/checkout/summary.html",
            "github.com/acme-retail/shop/pulls",
        ),
    ),
    ProjectPlan(
        name="Acme Support",
        client="Acme Retail GmbH",
        rate=Decimal("80"),
        schedule="monthly",
        rounding="15:up",
        tasks=(
            "Support: failed order export",
            "Support: password reset e-mails delayed",
            "Support: shop slow on Monday morning",
            "Monthly dependency updates",
            "Support call with Acme customer service",
        ),
    ),
    ProjectPlan(
        name="Nordlicht Data Platform",
        client="Nordlicht Logistics B.V.",
        rate=Decimal("110"),
        schedule="biweekly",
        watch=("/home/demo/src/nordlicht-pipeline",),
        urls=("github.com/nordlicht/*", "nordlicht.atlassian.net"),
        tasks=(
            "Shipment events ingestion",
            "Data quality checks for carrier feeds",
            "Architecture review with the Nordlicht data team",
            "Backfill of 2023 events",
            "Dashboards for on-time delivery",
        ),
        captured=(
            "pipeline/ingest/carriers.py",
            "pipeline/quality/rules.yaml",
            "pipeline/models/shipment.sql",
            "dags/backfill_events.py",
            "nordlicht.atlassian.net/browse/DATA",
            "github.com/nordlicht/pipeline/pulls",
        ),
    ),
    ProjectPlan(
        name="Nordlicht Workshop",
        client="Nordlicht Logistics B.V.",
        rate=Decimal("130"),
        tasks=(
            "Workshop preparation: event sourcing",
            "Workshop slides and exercises",
            "Workshop follow-up notes",
        ),
    ),
    ProjectPlan(
        name="Helvetia Mobile App",
        client="Helvetia Versicherungen AG",
        rate=Decimal("140"),
        schedule="every:4:weeks",
        approval=True,
        watch=("/home/demo/src/helvetia-app",),
        urls=("gitlab.helvetia-vers.example/mobile/*",),
        tasks=(
            "Claims photo upload",
            "Offline mode for policy documents",
            "Review of the sprint demo",
            "Accessibility fixes from the audit",
            "Release notes and store listing",
        ),
        captured=(
            "app/lib/claims/upload_screen.dart",
            "app/lib/policies/offline_cache.dart",
            "app/test/claims_upload_test.dart",
            "app/pubspec.yaml",
            "gitlab.helvetia-vers.example/mobile/app/-/merge_requests",
        ),
    ),
    ProjectPlan(
        name="Helvetia Pre-sales",
        client="Helvetia Versicherungen AG",
        rate=None,
        billable=False,
        tasks=(
            "Proposal: broker portal",
            "Estimate for the broker portal",
            "Call with Helvetia procurement",
        ),
    ),
    ProjectPlan(
        name="Alpenblick Accounting Sync",
        client="Alpenblick Treuhand AG",
        rate=Decimal("150"),
        new_rate=Decimal("165"),
        schedule="monthly",
        tasks=(
            "Bank statement import (camt.053)",
            "Mapping of the chart of accounts",
            "Reconciliation report",
            "Call with Alpenblick accounting",
        ),
    ),
    ProjectPlan(
        name="Alpenblick Tax Portal",
        client="Alpenblick Treuhand AG",
        rate=Decimal("150"),
        schedule="every:10:days",
        watch=("/home/demo/src/alpenblick-portal",),
        tasks=(
            "Client upload area for receipts",
            "Tax return status page",
            "Penetration test findings",
            "Portal hosting and backups",
        ),
        captured=(
            "portal/uploads/views.py",
            "portal/uploads/virus_scan.py",
            "portal/status/templates/status.html",
            "deploy/ansible/backup.yml",
        ),
    ),
)
_PLANS = {plan.name: plan for plan in PROJECTS}


@dataclass(frozen=True)
class ExpensePlan:
    """An expense ``weeks_ago`` ISO weeks back, on ``weekday``, paid by ``person``."""

    weeks_ago: int
    weekday: int
    person: str
    project: str
    category: str
    description: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    unit: str = ""


EXPENSES = (
    ExpensePlan(
        8,
        1,
        "admin",
        "Nordlicht Data Platform",
        "travel",
        "Train Berlin – Amsterdam and back",
        amount=Decimal("189.90"),
    ),
    ExpensePlan(
        8,
        1,
        "admin",
        "Nordlicht Data Platform",
        "lodging",
        "Hotel Amsterdam Centrum",
        quantity=Decimal("2"),
        unit_price=Decimal("129.00"),
        unit="night",
    ),
    ExpensePlan(
        6,
        3,
        "consultant",
        "Acme Web Shop",
        "mileage",
        "Drive to the Acme office in Potsdam and back",
        quantity=Decimal("64"),
        unit_price=Decimal("0.30"),
        unit="km",
    ),
    ExpensePlan(
        5,
        0,
        "consultant",
        "Helvetia Mobile App",
        "travel",
        "Train Berlin – Zürich",
        amount=Decimal("214.00"),
    ),
    ExpensePlan(
        5,
        0,
        "consultant",
        "Helvetia Mobile App",
        "lodging",
        "Hotel Zürich Oerlikon",
        quantity=Decimal("1"),
        unit_price=Decimal("185.00"),
        unit="night",
    ),
    ExpensePlan(
        4,
        2,
        "admin",
        "Alpenblick Accounting Sync",
        "software",
        "Bank API sandbox licence",
        amount=Decimal("49.00"),
    ),
    ExpensePlan(
        3,
        4,
        "approver",
        "Helvetia Pre-sales",
        "meals",
        "Lunch with the Helvetia product owner",
        amount=Decimal("86.50"),
    ),
    ExpensePlan(
        2,
        1,
        "admin",
        "Nordlicht Workshop",
        "catering",
        "Workshop catering",
        quantity=Decimal("12"),
        unit_price=Decimal("18.50"),
        unit="person",
    ),
    ExpensePlan(
        1,
        3,
        "admin",
        "Acme Web Shop",
        "software",
        "TLS certificate for staging",
        amount=Decimal("79.00"),
    ),
)

_FIRST_START = (8 * 3600, 9 * 3600 + 1800)  # the day's first session starts 08:00–09:30
_LUNCH_AFTER = 12 * 3600
_LAST_END = 19 * 3600
_GAPS = (0, 0, 0, 300, 600, 900, 1800)  # seconds between two sessions
_QUARTER = 900
_SHORTEST = 1800  # seconds: no session is shorter
_DAY_OFF = 0.05  # holidays, sick days
_CAPTURED_SHARE = 0.7  # of sessions on projects with capture rules


@dataclass(frozen=True)
class Summary:
    """What was written, for the one paragraph ``tally demo`` prints."""

    path: Path
    people: dict[str, str]  # person key -> user name
    first_day: date
    today: date
    locked_until: date
    entries: list[EntryView]
    expenses: int

    def text(self) -> str:
        hours = Decimal(sum(e.seconds for e in self.entries)) / 3600
        captured = sum(e.source == "capture" for e in self.entries)
        locked = " and ".join(self.people[p.key] for p in PEOPLE if p.locked)
        currencies = ", ".join(sorted({c.currency for c in CLIENTS}))
        who = ", ".join(f"{self.people[p.key]} ({p.role})" for p in PEOPLE)
        return (
            f"Wrote a demo database to {self.path}: {ORGANISATION.name} "
            f"({ORGANISATION.code}, {ORGANISATION.timezone}) with {len(CLIENTS)} clients "
            f"({currencies}), {len(PROJECTS)} projects, {len(PEOPLE)} users: {who}; "
            f"{len(self.entries)} time entries from {self.first_day.isoformat()} to "
            f"{self.today.isoformat()} ({hours:.1f} h; {captured} captured, "
            f"{len(self.entries) - captured} manual) and {self.expenses} expenses. "
            f"The timesheets of {locked} are locked until {self.locked_until.isoformat()}. "
            f"Try: tally --db {shlex.quote(str(self.path))} entry list"
        )


def write_demo(target: str, force: bool = False, admin: str | None = None) -> str:
    """Write the demo into a new SQLite file and return a one-paragraph summary.

    ``admin`` (default: ``TALLY_USER`` or the login name) becomes the organisation's admin,
    so the acting user can work with the demo straight away. An existing, non-empty file is
    only replaced with ``force``; if writing fails, no half-written demo is left behind.
    """
    admin = check_user_name(admin or os.environ.get("TALLY_USER") or getpass.getuser())
    if is_postgres(target):
        raise InvalidInput("demo: give a SQLite file path; the demo never writes into a server")
    path = Path(target.removeprefix("sqlite:///")).expanduser()
    files = _clear(path, force)
    database = open_database(str(path))
    try:
        with database.atomic():
            summary = _populate(path, admin)
    except BaseException:
        database.close()
        for file in files:
            file.unlink(missing_ok=True)
        raise
    return summary.text()


def _clear(path: Path, force: bool) -> list[Path]:
    """Refuse to overwrite data unless forced; remove the file and SQLite's companions."""
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    if path.is_dir():
        raise InvalidInput(f"demo: {path} is a folder; give a file name")
    holds_data = any(f.exists() and f.stat().st_size > 0 for f in files[:2])
    if holds_data and not force:
        raise Conflict(f"{path} exists and is not empty; use --force to replace it")
    for file in files:
        file.unlink(missing_ok=True)
    return files


def _populate(path: Path, admin: str) -> Summary:
    org.init(ORGANISATION, admin)
    tz = ORGANISATION.timezone
    today = local_date(now_utc(), tz)
    this_monday = iso_week(today)[0]
    first_day = this_monday - timedelta(weeks=WEEKS - 1)
    locked_until = this_monday - timedelta(weeks=3) + timedelta(days=6)
    approved_until = locked_until - timedelta(weeks=2)

    people = _add_people(admin)
    for changes in CLIENTS:
        clients.add(admin, changes)
    _add_projects(people, first_day, rate_change=first_day + timedelta(weeks=WEEKS // 2))
    added = _add_entries(people, admin, first_day, today)
    spent = _add_expenses(people, this_monday, today)
    _lock(people, admin, locked_until)
    _approve(people, approved_until)
    _bill(admin, today)
    return Summary(path, people, first_day, today, locked_until, added, spent)


def _add_people(admin: str) -> dict[str, str]:
    """Person key -> user name; ``org.init`` has made the acting user the admin already."""
    people = {}
    for person in PEOPLE:
        if person.role == "admin":
            people[person.key] = admin
            continue
        name = next(n for n in person.names if n != admin)
        users.add(admin, name, person.role)
        people[person.key] = name
    return people


def _add_projects(people: dict[str, str], first_day: date, rate_change: date) -> None:
    """Schedules start with the history, so the first billing periods hold its oldest time."""
    for plan in PROJECTS:
        schedule = parse_schedule(plan.schedule)
        anchor = None if schedule.is_none else projects.default_anchor(schedule, first_day)
        projects.add(
            people["admin"],
            projects.ProjectChanges(
                name=plan.name,
                client=plan.client,
                rate=plan.rate,
                billable=plan.billable,
                schedule=plan.schedule,
                schedule_start=anchor,
                approval_required=plan.approval,
                approver=people[APPROVER] if plan.approval else None,
                rounding=plan.rounding,
                watch=plan.watch,
                urls=plan.urls,
            ),
        )
        if plan.new_rate is not None:
            projects.update(
                people["admin"],
                plan.name,
                projects.ProjectChanges(rate=plan.new_rate, rate_from=rate_change),
            )


def _add_entries(
    people: dict[str, str], admin: str, first_day: date, today: date
) -> list[EntryView]:
    """Every person's working days up to now.

    A session still running counts as far as it has got, once that is worth an entry, so
    the current week has time from the first morning on; later sessions are left out.
    """
    now = now_utc()
    added = []
    day = first_day
    while day <= today:
        for person in PEOPLE:
            for entry in _plan_day(person, day, ORGANISATION.timezone):
                if entry.end_utc > now:
                    if now - entry.start_utc < _SHORTEST:
                        break
                    entry = replace(entry, end_utc=now)
                added.append(entries.add(admin, entry, user=people[person.key]))
        day += timedelta(days=1)
    return added


def _plan_day(person: Person, day: date, tz: str) -> list[entries.NewEntry]:
    """One person's sessions on one day, back to back with breaks, never overlapping.

    Typed entries sit on quarter hours; captured sessions start and end to the second.
    """
    rng = random.Random(f"tallytui-demo:{person.key}:{day.isoformat()}")
    if day.weekday() not in person.workdays or rng.random() < _DAY_OFF:
        return []
    names, weights = zip(*person.projects.items(), strict=True)
    target = rng.randrange(*person.minutes_per_day, 15) * 60
    cursor = rng.randrange(*_FIRST_START, 300)
    worked, had_lunch, planned = 0, False, []
    while worked < target:
        if not had_lunch and cursor >= _LUNCH_AFTER:
            cursor += rng.randrange(30, 65, 5) * 60
            had_lunch = True
        plan = _PLANS[rng.choices(names, weights)[0]]
        length = max(_SHORTEST, min(round(rng.triangular(30, 240, 75) * 60), target - worked))
        start = cursor + rng.choice(_GAPS)
        if plan.captures and rng.random() < _CAPTURED_SHARE:
            start += rng.randrange(0, 240)
            length += rng.randrange(0, 60)
            source = "capture"
            description = ", ".join(rng.sample(plan.captured, rng.randint(1, 3)))
        else:
            start = -(-start // _QUARTER) * _QUARTER
            length = max(_SHORTEST, round(length / _QUARTER) * _QUARTER)
            source = "manual"
            description = rng.choice(plan.tasks)
        if start + length > _LAST_END:
            break
        planned.append(
            entries.NewEntry(
                project=plan.name,
                start_utc=_instant(day, start, tz),
                end_utc=_instant(day, start + length, tz),
                description=description,
                source=source,
            )
        )
        cursor, worked = start + length, worked + length
    return planned


def _instant(day: date, seconds: int, tz: str) -> int:
    """Wall-clock seconds after local midnight -> UTC; working hours never meet a DST jump."""
    minutes, second = divmod(seconds, 60)
    return local_to_utc(day, (*divmod(minutes, 60), second), tz)


def _add_expenses(people: dict[str, str], this_monday: date, today: date) -> int:
    """Each expense on its day relative to this week, paid by its person; none in the future."""
    count = 0
    for plan in EXPENSES:
        day = this_monday - timedelta(weeks=plan.weeks_ago) + timedelta(days=plan.weekday)
        if day > today:
            continue
        expenses.add(
            people[plan.person],
            expenses.NewExpense(
                project=plan.project,
                day=day,
                amount=plan.amount,
                quantity=plan.quantity,
                unit_price=plan.unit_price,
                unit=plan.unit,
                category=plan.category,
                description=plan.description,
            ),
        )
        count += 1
    return count


def _lock(people: dict[str, str], admin: str, until: date) -> None:
    """Lock older weeks of some timesheets, so the demo shows open and locked time."""
    for person in PEOPLE:
        if person.locked:
            timesheets.lock(admin, until, user=people[person.key])


def _bill(admin: str, today: date) -> None:
    """Invoice the ready periods that ended before last month, so the invoicing area has a
    history: all sent but the newest, which waits to be sent, and the oldest paid."""
    before = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    ready = [r for r in billing_cycle.cycle(admin).ready_for_invoicing if r.period_end < before]
    numbers = [
        invoices.create(
            admin,
            invoices.InvoiceRequest(project=r.project, first=r.period_start, last=r.period_end),
        ).number
        for r in ready
    ]
    for number in numbers[:-1]:
        invoice_lifecycle.mark_sent(admin, number)
    if len(numbers) > 2:
        invoice_lifecycle.mark_paid(admin, numbers[0], today)


def _approve(people: dict[str, str], until: date) -> None:
    """Approve the locked time of the approval projects up to ``until``, as their approver
    does with ``tally timesheet approve``; later locked weeks wait for approval."""
    for plan in PROJECTS:
        if plan.approval:
            approvals.approve(people[APPROVER], approvals.Scope(project=plan.name, last=until))
