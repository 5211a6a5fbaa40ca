"""A large, deterministic history for the benchmarks: five years of a ten-person consultancy.

The organisation and its admin are created through the product's own service, so the
database starts exactly as ``tally init`` leaves it; everything else is planned in memory
and bulk-inserted with plain sqlite3 (one executemany and one transaction per table),
which is what makes two million heartbeats take seconds instead of hours.

The same planner at ``TEAM`` scale plans fifty people's five years, which the team
benchmark copies into PostgreSQL (``benchmarks/team.py``).

Files are cached in ``bench-data/`` under a key made of the generator version and the
schema migrations, so repeated runs reuse them and a schema change builds them anew.
Benchmarks must not write to a cached file: copy it first.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import random
import sqlite3
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, partial
from pathlib import Path
from zoneinfo import ZoneInfo

GENERATOR_VERSION = 1  # bump whenever the generated data changes, so caches are rebuilt
SEED = 20261120

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench-data"

ORG_NAME = "Benchmark Consulting GmbH"
ORG_CODE = "BENCH"
ORG_DETAILS = {
    "address": "Hauptstraße 1\n10115 Berlin",
    "email": "billing@bench.example",
    "vat_id": "DE136695976",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "bank_name": "Commerzbank",
}
TIMEZONE = "Europe/Berlin"
ADMIN = "anna"
ORG_ID = 1
ADMIN_ID = 1
FINANCE_ID = 2
APPROVER_ID = 3
DEFAULT_TAX_BP = 1900
DEFAULT_TERMS = 14

FIRST_DAY = date(2021, 11, 22)  # a Monday
LAST_DAY = date(2026, 11, 20)  # a Friday: the history's last, partial week
NOW = "2026-11-20T17:30:00+01:00"  # TALLY_NOW for the benchmarks: after that day's work
LAST_FULL_WEEK = (date(2026, 11, 9), date(2026, 11, 15))
BILLABLE_UNTIL = date(2026, 10, 31)  # periods ending by then are locked and approved

PROJECTS_PER_CLIENT = 4
READY_TO_SEND = 12
GROUPING = "user"  # a line per person: a few lines per invoice


# fmt: off
@dataclass(frozen=True)
class Scale:
    """How big a history is; people join every ``join_every`` days after the first three."""

    users: int
    clients: int
    sessions: int
    heartbeats: int
    invoices: int
    join_every: int


CONSULTANCY = Scale(
    users=10, clients=30, sessions=150_000, heartbeats=2_000_000, invoices=3_000, join_every=70
)
# A team of fifty on PostgreSQL (benchmarks/team.py): five times the people, clients and
# time; no heartbeats, which no measured command reads.
TEAM = Scale(
    users=50, clients=150, sessions=750_000, heartbeats=0, invoices=15_000, join_every=20
)

_ROLES = {"anna": "admin", "ben": "finance", "carla": "approver"}  # the rest: consultants
_PEOPLE = ["anna", "ben", "carla", "david", "elif", "farid", "greta", "hugo", "ines", "jonas"]
_CLIENT_NAMES = [
    f"{ORG_NAME} (internal)", "Acme Corporation", "Globex", "Initech", "Umbrella Health",
    "Stark Industries", "Wayne Logistics", "Hooli", "Vandelay Imports", "Soylent Foods",
    "Cyberdyne Systems", "Tyrell Biotech", "Wonka Confectionery", "Oscorp", "Massive Dynamic",
    "Aperture Labs", "Black Mesa", "Monarch Solutions", "Nakatomi Trading", "Gringotts Bank",
    "Pied Piper", "Dunder Mifflin", "Sterling Cooper", "Prestige Worldwide", "Bluth Company",
    "Los Pollos Hermanos", "Virtucon", "Weyland-Yutani", "Ollivanders", "Duff Brewery",
]
_PROJECT_KINDS = [
    "Website", "Mobile App", "Data Platform", "Support", "Migration", "Public API",
    "Security Audit", "Design System", "Billing Engine", "Analytics",
]
_INTERNAL_PROJECTS = ["Internal Admin", "Internal Training", "Internal Sales", "Internal Tooling"]
_MODULES = ["models", "views", "api", "tests", "forms", "utils", "auth", "jobs", "schema", "ui"]
_DESCRIPTIONS = [
    "Code review", "Sprint planning", "Call with the client", "Bug fixing", "Deployment",
    "Writing documentation", "Pairing session", "Estimation", "Incident follow-up",
    "Refactoring", "Workshop", "Release preparation",
]
# fmt: on
# Schedules of billable projects, with how often each occurs.
_SCHEDULES = (("monthly", 75), ("biweekly", 10), ("weekly", 3), ("every:3:months", 5), ("none", 5))
_SOURCES = (("capture", 70), ("manual", 25), ("import", 5))


@dataclass(frozen=True)
class History:
    """A generated database and the clock and acting user to run ``tally`` against it."""

    path: Path
    now: str = NOW
    user: str = ADMIN

    @property
    def env(self) -> dict[str, str]:
        return {"TALLY_NOW": self.now, "TALLY_USER": self.user}


@cache
def large() -> History:
    """The full five-year history (generated on first use, then cached)."""
    return History(_cached("history", partial(_build, CONSULTANCY)))


@cache
def team() -> History:
    """Fifty people's five years (``TEAM``), for the team benchmark on PostgreSQL."""
    return History(_cached("team", partial(_build, TEAM)))


@cache
def empty() -> History:
    """The same organisation and admin with no data: the baseline of the ratios."""
    return History(_cached("empty", _init_org))


# --- caching ---------------------------------------------------------------------------


def _cache_key() -> str:
    """Generator version plus the schema, so a new migration never meets an old file."""
    from tallytui.store.migrate import available

    digest = hashlib.sha256(str(SEED).encode())
    for migration in available():
        digest.update(f"{migration.version}:{migration.sql}".encode())
    return f"v{GENERATOR_VERSION}-{digest.hexdigest()[:10]}"


def _cached(kind: str, build) -> Path:
    """The cached file for ``kind``, built (into a temporary name, then renamed) if missing."""
    path = DATA_DIR / f"{kind}-{_cache_key()}.db"
    if path.exists():
        print(f"using cached {path.relative_to(ROOT)}")
        return path
    DATA_DIR.mkdir(exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    build(partial)
    partial.rename(path)
    print(f"generated {path.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    return path


# --- the organisation, through the product ----------------------------------------------


@contextmanager
def clock(instant: str):
    """Freeze the product's clock (TALLY_NOW) while its services run in this process."""
    saved = os.environ.get("TALLY_NOW")
    os.environ["TALLY_NOW"] = instant
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TALLY_NOW"]
        else:
            os.environ["TALLY_NOW"] = saved


def _init_org(path: Path) -> None:
    """Create and migrate the database and its organisation as ``tally init`` would."""
    from decimal import Decimal

    from tallytui.services import org
    from tallytui.store.db import open_database

    with clock(f"{FIRST_DAY.isoformat()}T09:00:00+01:00"):
        database = open_database(str(path))
        try:
            org.init(
                org.OrgSettings(
                    name=ORG_NAME,
                    code=ORG_CODE,
                    currency="EUR",
                    timezone=TIMEZONE,
                    tax_rate=Decimal(DEFAULT_TAX_BP) / 100,
                    payment_terms_days=DEFAULT_TERMS,
                    **ORG_DETAILS,
                ),
                admin=ADMIN,
            )
        finally:
            database.close()


# --- the plan: people, clients, projects -------------------------------------------------


@dataclass
class User:
    id: int
    name: str
    role: str
    joined: date
    locked_until: date


@dataclass
class Client:
    id: int
    name: str
    slug: str
    currency: str
    terms: int | None
    tax_bp: int | None
    vat_id: str

    @property
    def address(self) -> str:
        return f"{self.name}\n1 Example Street"

    @property
    def email(self) -> str:
        return f"ap@{self.slug}.example"

    @property
    def effective_terms(self) -> int:
        return DEFAULT_TERMS if self.terms is None else self.terms

    @property
    def effective_tax_bp(self) -> int:
        return DEFAULT_TAX_BP if self.tax_bp is None else self.tax_bp


@dataclass
class Project:
    id: int
    client: Client
    name: str
    billable: bool
    schedule: str
    first: date
    last: date
    approval: bool
    members: list[int]
    rates: list[tuple[date | None, int]]
    url: str | None
    targets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return f"/srv/work/{self.client.slug}/{_slug(self.name)}"

    @property
    def anchor(self) -> date | None:
        """Months start on the 1st, weeks on Monday (the product's defaults)."""
        if self.schedule == "none":
            return None
        if "month" in self.schedule:
            return self.first.replace(day=1)
        return self.first - timedelta(days=self.first.weekday())

    def rate_on(self, day: date) -> int:
        """Minor units per hour in force on ``day`` (rates only ever start on a 1 January)."""
        return [amount for since, amount in self.rates if since is None or since <= day][-1]


@dataclass(slots=True)
class Session:
    id: int
    user_id: int
    project_id: int
    start: int
    end: int
    day: date
    source: str
    billable: bool
    description: str
    line_id: int | None = None


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")


def _rng(purpose: str) -> random.Random:
    """One generator per purpose, so changing one table's data leaves the others alone."""
    return random.Random(f"{SEED}:{purpose}")


def _numbered(names: list[str], count: int) -> list[str]:
    """``count`` distinct names: the list, then the list again with 2, 3, … appended."""
    return [
        names[i % len(names)] + (str(i // len(names) + 1) if i >= len(names) else "")
        for i in range(count)
    ]


def _plan_users(scale: Scale) -> list[User]:
    """The admin and the finance and approval people from day one; the others join later."""
    late_lockers = {"hugo", "jonas"}
    return [
        User(
            id=i + 1,
            name=name,
            role=_ROLES.get(name, "consultant"),
            joined=FIRST_DAY + timedelta(days=scale.join_every * max(0, i - 2)),
            locked_until=LAST_FULL_WEEK[0] - timedelta(days=1)
            if name in late_lockers
            else LAST_FULL_WEEK[1],
        )
        for i, name in enumerate(_numbered(_PEOPLE, scale.users))
    ]


def _plan_clients(scale: Scale) -> list[Client]:
    """The first is the organisation itself (internal work); of the others a third bill in
    USD, and EUR clients are German (default tax) or EU reverse charge."""
    rng = _rng("clients")
    clients = []
    for i, name in enumerate(_numbered(_CLIENT_NAMES, scale.clients)):
        usd = i % 3 == 2
        domestic = i == 0 or (not usd and rng.random() < 0.6)
        clients.append(
            Client(
                id=i + 1,
                name=name,
                slug=_slug(name),
                currency="USD" if usd else "EUR",
                terms=rng.choice((None, 14, 30, 30, 45)),
                tax_bp=None if domestic else 0,
                vat_id="" if usd else f"{'DE' if domestic else 'NL'}{rng.randrange(10**8, 10**9)}",
            )
        )
    return clients


def _month_offset(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _plan_rates(rng: random.Random, currency: str, first: date, last: date):
    """A starting rate, raised on some 1 Januaries within the project's life."""
    amount = (
        rng.randrange(8_000, 15_001, 500)
        if currency == "EUR"
        else rng.randrange(10_000, 18_001, 500)
    )
    rates: list[tuple[date | None, int]] = [(None, amount)]
    for year in range(first.year + 1, last.year + 1):
        if rng.random() < 0.35:
            amount = amount * rng.randrange(104, 111) // 100 // 100 * 100
            rates.append((date(year, 1, 1), amount))
    return rates


def _client_project(rng: random.Random, pid: int, client: Client, kind: str, users: list[User]):
    """A project with a life of 6 to 60 months somewhere in the five years."""
    history_months = (LAST_DAY.year - FIRST_DAY.year) * 12 + LAST_DAY.month - FIRST_DAY.month
    start = 0 if rng.random() < 0.3 else rng.randrange(0, history_months - 3)
    first = max(FIRST_DAY, _month_offset(FIRST_DAY, start))
    last = min(LAST_DAY, _month_end(_month_offset(first, rng.randrange(6, 61) - 1)))
    billable = rng.random() > 0.05
    schedules, weights = zip(*_SCHEDULES, strict=True)
    name = f"{client.name} {kind}"
    return Project(
        id=pid,
        client=client,
        name=name,
        billable=billable,
        schedule=rng.choices(schedules, weights)[0] if billable else "none",
        first=first,
        last=last,
        approval=billable and rng.random() < 0.2,
        members=sorted(u.id for u in rng.sample(users, rng.randrange(2, 5))),
        rates=_plan_rates(rng, client.currency, first, last) if billable else [],
        url=f"github.com/{client.slug}/{_slug(kind)}/*" if rng.random() < 0.5 else None,
    )


def _plan_projects(clients: list[Client], users: list[User]) -> list[Project]:
    """The first client's projects are the organisation's own non-billable internal work."""
    rng = _rng("projects")
    projects: list[Project] = []
    for name in _INTERNAL_PROJECTS[:PROJECTS_PER_CLIENT]:
        projects.append(
            Project(
                id=len(projects) + 1,
                client=clients[0],
                name=name,
                billable=False,
                schedule="none",
                first=FIRST_DAY,
                last=LAST_DAY,
                approval=False,
                members=[u.id for u in users],
                rates=[],
                url=None,
            )
        )
    for client in clients[1:]:
        for kind in rng.sample(_PROJECT_KINDS, PROJECTS_PER_CLIENT):
            projects.append(_client_project(rng, len(projects) + 1, client, kind, users))
    for project in projects:
        project.targets = _capture_targets(project)
    return projects


def _capture_targets(project: Project) -> list[tuple[str, str]]:
    """Files saved in the project's folder, and pull requests where it has a URL rule."""
    files = [("file", f"{project.folder}/src/{module}.py") for module in _MODULES]
    if project.url is None:
        return files
    base = "https://" + project.url.removesuffix("/*")
    return files + [("url", f"{base}/pull/{n}") for n in range(1, 4)]


# --- the plan: sessions -----------------------------------------------------------------


def _workdays() -> list[date]:
    """Mondays to Fridays, without the days between Christmas and New Year."""
    days, day = [], FIRST_DAY
    while day <= LAST_DAY:
        quiet = (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
        if day.weekday() < 5 and not quiet:
            days.append(day)
        day += timedelta(days=1)
    return days


def _local_midnight_utc(day: date) -> int:
    """Epoch of local midnight, valid for times of day that no DST change touches (08-20h)."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(TIMEZONE))
    return calendar.timegm(day.timetuple()) - int(noon.utcoffset().total_seconds())


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` that add up exactly."""
    scale = total / sum(weights)
    quotas = [w * scale for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: counts[i] - quotas[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _work_slots(users: list[User]) -> list[tuple[date, User]]:
    """Every (day, person) with work: after joining, minus about one day in ten off."""
    rng = _rng("slots")
    return [
        (day, user)
        for day in _workdays()
        for user in users
        if day >= user.joined and rng.random() >= 0.1
    ]


def _active_projects(projects: list[Project]):
    """(user, month) -> the projects the user may book to then, and their weights."""
    found: dict[tuple[int, date], tuple[list[Project], list[int]]] = {}

    def lookup(user_id: int, day: date):
        month = day.replace(day=1)
        key = (user_id, month)
        if key not in found:
            live = [
                p
                for p in projects
                if user_id in p.members and p.first <= _month_end(month) and p.last >= month
            ]
            found[key] = (live, [1 if p.client.id == 1 else 8 for p in live])
        return found[key]

    return lookup


def _plan_sessions(users: list[User], projects: list[Project], total: int) -> list[Session]:
    """``total`` sessions over the work slots, each day's laid out without overlaps."""
    rng = _rng("sessions")
    slots = _work_slots(users)
    counts = _apportion(total, [rng.uniform(0.5, 1.5) for _ in slots])
    active = _active_projects(projects)
    sessions: list[Session] = []
    for (day, user), count in zip(slots, counts, strict=True):
        live, weights = active(user.id, day)
        midnight = _local_midnight_utc(day)
        previous = None
        for start, end in _day_layout(rng, count):
            project = rng.choices(live, weights)[0]
            if project is previous and len(live) > 1:
                project = rng.choice([p for p in live if p is not previous])
            previous = project
            sessions.append(
                _session(
                    rng, len(sessions) + 1, user, project, day, midnight + start, midnight + end
                )
            )
    return sessions


def _day_layout(rng: random.Random, count: int) -> Iterator[tuple[int, int]]:
    """``count`` non-overlapping (start, end) local seconds between about 08:00 and 20:00."""
    clock = 8 * 3600 + rng.randrange(0, 5400)
    slot = (20 * 3600 - clock) // max(count, 1)
    for _ in range(count):
        yield clock, clock + rng.randrange(slot * 2 // 5, slot * 9 // 10)
        clock += slot


def _session(rng, sid: int, user: User, project: Project, day: date, start: int, end: int):
    source = rng.choices(*zip(*_SOURCES, strict=True))[0]
    return Session(
        id=sid,
        user_id=user.id,
        project_id=project.id,
        start=start,
        end=end,
        day=day,
        source=source,
        billable=project.billable and rng.random() > 0.03,
        description="" if source == "capture" else rng.choice(_DESCRIPTIONS),
    )


# --- the plan: invoices -----------------------------------------------------------------


@dataclass
class Unit:
    """One project's billing period and the billable sessions in it: one invoice."""

    project: Project
    period: tuple[date, date]
    sessions: list[Session]
    issue_date: date


def _periods(project: Project) -> list[tuple[date, date]]:
    """The project's billing periods, computed by the product's own schedule rules."""
    from tallytui.domain.schedule import parse_schedule

    schedule = parse_schedule(project.schedule)
    return schedule.periods(project.first, project.last, project.anchor)


def _billing_units(projects: list[Project], sessions: list[Session]) -> list[Unit]:
    """Every period ending by BILLABLE_UNTIL that has billable time, oldest first."""
    by_project: dict[int, list[Session]] = defaultdict(list)
    for s in sessions:
        if s.billable:
            by_project[s.project_id].append(s)
    rng = _rng("issue")
    units = []
    for project in projects:
        if project.schedule == "none" or project.id not in by_project:
            continue
        periods = [p for p in _periods(project) if p[1] <= BILLABLE_UNTIL]
        starts = [p[0] for p in periods]
        grouped: dict[int, list[Session]] = defaultdict(list)
        for s in by_project[project.id]:
            index = bisect_right(starts, s.day) - 1
            if index >= 0 and s.day <= periods[index][1]:
                grouped[index].append(s)
        for index, members in sorted(grouped.items()):
            issue = periods[index][1] + timedelta(days=rng.randrange(1, 5))
            units.append(Unit(project, periods[index], members, issue))
    return sorted(units, key=lambda u: (u.issue_date, u.project.id))


INVOICE_COLUMNS = (
    "id, number, kind, status, client_id, project_id, period_start, period_end, issue_date, "
    "due_date, currency, tax_rate_bp, subtotal_minor, tax_minor, total_minor, grouping, "
    "payment_terms_days, seller, buyer, created_by_id, created_at, sent_at, paid_on"
)
LINE_COLUMNS = (
    "id, invoice_id, position, description, quantity_hundredths, unit, unit_price_minor, "
    "amount_minor, line_type, project_id, group_key, tax_category, tax_rate_bp"
)
TAX_COLUMNS = "invoice_id, category, rate_bp, taxable_minor, tax_minor"


@dataclass
class Billing:
    """Rows of the invoice register, in the column order of INVOICE_COLUMNS and LINE_COLUMNS."""

    invoices: list[tuple] = field(default_factory=list)
    lines: list[tuple] = field(default_factory=list)
    billed: list[tuple[int, int]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    unbilled_units: int = 0


def _plan_billing(projects: list[Project], sessions: list[Session], users: list[User], invoices):
    """The oldest ``invoices`` billing units become invoices; newer ones stay ready to bill."""
    units = _billing_units(projects, sessions)
    if len(units) < invoices:
        raise RuntimeError(f"only {len(units)} billing periods for {invoices} invoices")
    names = {u.id: u.name for u in users}
    rng = _rng("payments")
    billing = Billing(unbilled_units=len(units) - invoices)
    newest = units[invoices - 1].issue_date
    for invoice_id, unit in enumerate(units[:invoices], start=1):
        month = unit.issue_date.strftime("%Y%m")
        billing.counters[month] = billing.counters.get(month, 0) + 1
        number = f"{ORG_CODE}-{month}-{billing.counters[month]:04d}"
        subtotal = _plan_lines(billing, invoice_id, unit, names)
        status = _status(invoice_id > invoices - READY_TO_SEND, unit.issue_date, newest)
        billing.invoices.append(_invoice_row(rng, invoice_id, number, unit, subtotal, status))
    return billing


def _plan_lines(billing: Billing, invoice_id: int, unit: Unit, names: dict[int, str]) -> int:
    """Lines by the product's own rules (one per person and rate, as ``--group user``
    makes them); marks the sessions billed and returns the net amount in minor units."""
    from tallytui.domain.invoicing import BillableTime, time_lines
    from tallytui.domain.money import from_minor, to_minor

    project, currency = unit.project, unit.project.client.currency
    rate_bp = project.client.effective_tax_bp
    category = "S" if rate_bp > 0 else "Z"  # the product's rule: standard at 0 % is zero rated
    items = [
        BillableTime(
            entry_id=s.id,
            project=project.name,
            user=names[s.user_id],
            day=s.day,
            seconds=s.end - s.start,
            description=s.description,
            unit_price=from_minor(project.rate_on(s.day), currency),
        )
        for s in unit.sessions
    ]
    sessions = {s.id: s for s in unit.sessions}
    subtotal = 0
    for position, line in enumerate(time_lines(items, GROUPING, currency), start=1):
        line_id = len(billing.lines) + 1
        amount = to_minor(line.amount, currency)
        subtotal += amount
        billing.lines.append(
            (
                line_id,
                invoice_id,
                position,
                line.description,
                int(line.quantity * 100),
                line.unit,
                to_minor(line.unit_price, currency),
                amount,
                line.line_type,
                project.id,
                line.group_key,
                category,
                rate_bp,
            )
        )
        for entry_id in line.entry_ids:
            sessions[entry_id].line_id = line_id
            billing.billed.append((line_id, entry_id))
    return subtotal


def _status(last_few: bool, issued: date, newest: date) -> str:
    """The last few invoices are still ready to send, the month before the newest one is
    sent and unpaid, everything older is paid."""
    if last_few:
        return "ready"
    return "sent" if (newest - issued).days <= 30 else "paid"


def _invoice_row(rng, invoice_id: int, number: str, unit: Unit, subtotal: int, status: str):
    """Tax and the frozen copies of seller and buyer as the product computes and stores them."""
    from tallytui.domain.money import basis_points_to_percent, from_minor, to_minor
    from tallytui.domain.vat import tax_of
    from tallytui.services.invoice_views import PartyView, snapshot

    client = unit.project.client
    issued = unit.issue_date
    terms = client.effective_terms
    tax_rate = basis_points_to_percent(client.effective_tax_bp)
    net = from_minor(subtotal, client.currency)
    tax = to_minor(tax_of(net, tax_rate, client.currency), client.currency)
    created = _local_midnight_utc(issued) + 10 * 3600
    paid_on = min(LAST_DAY, issued + timedelta(days=rng.randrange(3, terms + 10)))
    seller = snapshot(PartyView(name=ORG_NAME, **ORG_DETAILS))
    buyer = PartyView(
        name=client.name, address=client.address, email=client.email, vat_id=client.vat_id
    )
    return (
        invoice_id,
        number,
        "invoice",
        status,
        client.id,
        unit.project.id,
        unit.period[0].isoformat(),
        unit.period[1].isoformat(),
        issued.isoformat(),
        (issued + timedelta(days=terms)).isoformat(),
        client.currency,
        client.effective_tax_bp,
        subtotal,
        tax,
        subtotal + tax,
        GROUPING,
        terms,
        seller,
        snapshot(buyer),
        FINANCE_ID,
        created,
        created + 3600 if status != "ready" else None,
        paid_on.isoformat() if status == "paid" else None,
    )


# --- writing ----------------------------------------------------------------------------


@dataclass
class Plan:
    scale: Scale
    users: list[User]
    clients: list[Client]
    projects: list[Project]
    sessions: list[Session]
    billing: Billing


def _plan(scale: Scale) -> Plan:
    users = _plan_users(scale)
    clients = _plan_clients(scale)
    projects = _plan_projects(clients, users)
    sessions = _plan_sessions(users, projects, scale.sessions)
    billing = _plan_billing(projects, sessions, users, scale.invoices)
    return Plan(scale, users, clients, projects, sessions, billing)


def _user_rows(plan: Plan) -> Iterator[tuple]:
    """The admin exists already (created by the organisation service)."""
    for u in plan.users[1:]:
        yield u.id, u.name, u.role, u.locked_until.isoformat(), _local_midnight_utc(u.joined)


def _client_rows(plan: Plan) -> Iterator[tuple]:
    created = _local_midnight_utc(FIRST_DAY)
    for c in plan.clients:
        yield c.id, c.name, c.address, c.email, c.vat_id, c.currency, c.terms, c.tax_bp, created


def _project_rows(plan: Plan) -> Iterator[tuple]:
    """Projects that ended more than half a year ago are archived."""
    for p in plan.projects:
        anchor = p.anchor.isoformat() if p.anchor else None
        approver = APPROVER_ID if p.approval else None
        archived = p.last < LAST_DAY - timedelta(days=180)
        created = _local_midnight_utc(p.first)
        yield (
            p.id,
            p.name,
            p.client.id,
            p.billable,
            p.schedule,
            anchor,
            p.approval,
            approver,
            archived,
            created,
        )


def _rate_rows(plan: Plan) -> Iterator[tuple]:
    for p in plan.projects:
        for since, amount in p.rates:
            created = _local_midnight_utc(since or p.first)
            yield p.id, since.isoformat() if since else None, amount, created


def _entry_rows(plan: Plan) -> Iterator[tuple]:
    """Time on approval projects is approved (a week after it was worked) up to the cutoff;
    imported entries carry the fingerprint that makes re-imports skip them."""
    needs_approval = {p.id for p in plan.projects if p.approval}
    for s in plan.sessions:
        approved = s.project_id in needs_approval and s.day <= BILLABLE_UNTIL
        approver, approved_at = (APPROVER_ID, s.end + 7 * 86_400) if approved else (None, None)
        fingerprint = f"import:{s.id}" if s.source == "import" else None
        created = s.end + (60 if s.source == "capture" else 3 * 3600)
        yield (
            s.id,
            s.user_id,
            s.project_id,
            s.start,
            s.end,
            s.description,
            s.billable,
            s.source,
            approver,
            approved_at,
            s.line_id,
            fingerprint,
            created,
            created,
        )


def _heartbeat_rows(plan: Plan) -> Iterator[tuple]:
    """The scale's heartbeats spread over the captured sessions in proportion to their length,
    first at the session's start and last at its end (so a rebuild finds the same span)."""
    rng = _rng("heartbeats")
    captured = [s for s in plan.sessions if s.source == "capture"]
    if not plan.scale.heartbeats:
        return
    counts = _apportion(plan.scale.heartbeats, [s.end - s.start for s in captured])
    targets = {p.id: p.targets for p in plan.projects}
    next_id = 1
    for s, count in zip(captured, counts, strict=True):
        step = (s.end - s.start) / max(count - 1, 1)
        for i, (source, target) in enumerate(rng.choices(targets[s.project_id], k=count)):
            yield next_id, s.user_id, s.start + round(i * step), source, target, s.project_id
            next_id += 1


def _tax_rows(invoices: list[tuple]) -> Iterator[tuple]:
    """Each invoice's one-rate VAT breakdown, from its row in INVOICE_COLUMNS order."""
    for row in invoices:
        invoice_id, rate_bp, subtotal, tax = row[0], row[11], row[12], row[13]
        yield invoice_id, "S" if rate_bp > 0 else "Z", rate_bp, subtotal, tax


# (table, columns, rows of the plan), parents before children.
_TABLES = (
    ("app_user", "id, name, role, locked_until, created_at", _user_rows),
    (
        "client",
        "id, name, address, email, vat_id, currency, payment_terms_days, tax_rate_bp, created_at",
        _client_rows,
    ),
    (
        "project",
        "id, name, client_id, billable, schedule, schedule_anchor, approval_required, "
        "approver_id, archived, created_at",
        _project_rows,
    ),
    ("project_rate", "project_id, valid_from, amount_minor, created_at", _rate_rows),
    ("watch_folder", "project_id, path", lambda plan: ((p.id, p.folder) for p in plan.projects)),
    (
        "url_pattern",
        "project_id, pattern",
        lambda plan: ((p.id, p.url) for p in plan.projects if p.url),
    ),
    ("invoice", INVOICE_COLUMNS, lambda plan: plan.billing.invoices),
    ("invoice_line", LINE_COLUMNS, lambda plan: plan.billing.lines),
    ("invoice_tax", TAX_COLUMNS, lambda plan: _tax_rows(plan.billing.invoices)),
    (
        "number_counter",
        "organisation_id, period, last_number",
        lambda plan: ((ORG_ID, month, n) for month, n in sorted(plan.billing.counters.items())),
    ),
    (
        "time_entry",
        "id, user_id, project_id, start_utc, end_utc, description, billable, source, "
        "approved_by_id, approved_at, invoice_line_id, fingerprint, created_at, updated_at",
        _entry_rows,
    ),
    ("billed_entry", "line_id, entry_id", lambda plan: plan.billing.billed),
    ("heartbeat", "id, user_id, at, source, target, project_id", _heartbeat_rows),
)


def _insert(conn: sqlite3.Connection, table: str, columns: str, rows: Iterable) -> int:
    """One executemany in one transaction; returns the number of rows."""
    marks = ", ".join("?" * len(columns.split(",")))
    with conn:
        return conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows).rowcount


def _write(path: Path, plan: Plan) -> dict[str, int]:
    """Bulk-load the plan; foreign keys are off for speed, so they are checked at the end."""
    counts = {}
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA synchronous = OFF")
        with conn:
            conn.execute(
                "UPDATE app_user SET locked_until = ? WHERE id = ?",
                (plan.users[0].locked_until.isoformat(), ADMIN_ID),
            )
        for table, columns, rows in _TABLES:
            counts[table] = _insert(conn, table, columns, rows(plan))
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"generated rows break foreign keys: {broken[:5]}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def _build(scale: Scale, path: Path) -> None:
    _init_org(path)
    started = time.perf_counter()
    plan = _plan(scale)
    planned = time.perf_counter()
    counts = _write(path, plan)
    billable = sum(s.billable for s in plan.sessions)
    print(
        f"  planned in {planned - started:.1f} s, written in {time.perf_counter() - planned:.1f} s"
    )
    print("  inserted: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    print(
        f"  billed {len(plan.billing.billed):,} of {billable:,} billable entries; "
        f"{plan.billing.unbilled_units} periods left ready for invoicing"
    )
