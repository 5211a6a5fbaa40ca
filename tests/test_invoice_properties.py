"""Properties of the invoice engine on a real SQLite file, checked against an independent
model of the invoicing rules (DESIGN.md, "Invoicing rules").

Each hypothesis example builds its own small database with the services (no CLI), fills
it with random entries and expenses, and runs a random sequence of invoice operations:
create (client or project mode, overlapping ranges, every grouping, optional rounding,
``--into`` a ready invoice, ranges reaching into open time with and without
``include_unlocked``), credit (whole or chosen lines), delete and remove-line. After
every operation the stored state must match the model exactly:

- every entry is billed by at most one live line, and ``time_entry.invoice_line_id`` says
  which; everything billable and ready inside a billed range is billed;
- every document's arithmetic is the pocket-calculator one: quantity = hours half-up to
  2 decimals of the (rounded) seconds, amount = quantity x unit price half-up to cents,
  tax = subtotal x rate half-up, total = subtotal + tax;
- the register is 0001..N without a gap, whatever was deleted.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from tallytui.cli.output import invoice_json
from tallytui.domain.errors import Conflict
from tallytui.domain.invoicing import credit_totals, totals
from tallytui.domain.vat import TaxedAmount, TaxGroup, line_tax
from tallytui.services import (
    clients,
    corrections,
    invoice_lifecycle,
    invoices,
    org,
    projects,
    timesheets,
    users,
)
from tallytui.services.invoices import InvoiceRequest
from tallytui.store.bulk import insert_rows
from tallytui.store.db import open_database
from tallytui.store.models import (
    BilledEntry,
    Expense,
    Invoice,
    InvoiceLine,
    NumberCounter,
    Project,
    TimeEntry,
    User,
    db,
)

NOW = "2026-11-20T10:00:00+01:00"  # a Friday, Europe/Berlin; issue month 2026-11
TZ_NAME = "Europe/Berlin"
TZ = ZoneInfo(TZ_NAME)
TODAY = date(2026, 11, 20)
OCT_FIRST, OCT_LAST = date(2026, 10, 1), date(2026, 10, 31)  # contains the DST change (Oct 25)
CODE = "ACME"
PREFIX = f"{CODE}-202611-"
USERS = ("anna", "ben")
CLIENTS = ("Globex", "Initech")
CENT = Decimal("0.01")
PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def count(what: str) -> None:
    """Count what the examples exercised (pytest --hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(what)


def half_up(value: Decimal, exp: Decimal = CENT) -> Decimal:
    return value.quantize(exp, rounding=ROUND_HALF_UP)


def rounded_seconds(seconds: int, spec: str | None) -> int:
    """The model's per-entry rounding: up, down or nearest N minutes (half-way goes up)."""
    if not spec:
        return seconds
    minutes, direction = spec.split(":")
    step = int(minutes) * 60
    floor = seconds // step * step
    if floor == seconds or direction == "down":
        return floor
    if direction == "up" or (seconds - floor) * 2 >= step:
        return floor + step
    return floor


def quantity_of(seconds: int) -> Decimal:
    return half_up(Decimal(seconds) / 3600)


def local_day(epoch: int) -> date:
    return datetime.fromtimestamp(epoch, TZ).date()


def local_midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp())


# --------------------------------------------------------------------------------------
# The scenario: what a random example puts into the database
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectSpec:
    client: int
    rate: Decimal
    change: tuple[int, Decimal] | None  # (day of October, new rate) from that day on
    rounding: str | None

    def rate_on(self, day: date) -> Decimal:
        if self.change and day >= date(2026, 10, self.change[0]):
            return self.change[1]
        return self.rate


@dataclass(frozen=True)
class EntrySpec:
    project: int
    user: int
    start: int  # epoch seconds
    seconds: int
    billable: bool
    description: str

    @property
    def day(self) -> date:
        return local_day(self.start)


@dataclass(frozen=True)
class ExpenseSpec:
    project: int
    day: date
    quantity_hundredths: int
    unit_price_minor: int
    billable: bool

    @property
    def amount_minor(self) -> int:
        return int(
            half_up(Decimal(self.quantity_hundredths) * self.unit_price_minor / 100, Decimal(1))
        )


@dataclass(frozen=True)
class Scenario:
    tax_rates: tuple[Decimal | None, Decimal | None]  # per client; None: the org's 19 %
    org_rounding: str | None
    projects: tuple[ProjectSpec, ...]
    entries: tuple[EntrySpec, ...]
    expenses: tuple[ExpenseSpec, ...]


ORG_TAX = Decimal("19")
roundings = st.sampled_from(
    [None, None, "1:up", "6:nearest", "7:down", "15:up", "15:down", "30:nearest"]
)
# Prices that put many amounts exactly on a half cent (0.01 h x 0.50 = 0.005).
rates = st.one_of(
    st.integers(min_value=0, max_value=30_000).map(lambda c: Decimal(c) / 100),
    st.sampled_from(["0.50", "12.50", "0.25", "99.75", "150.00", "0.01"]).map(Decimal),
)


def _on_a_boundary(parts) -> int:
    minutes, count, where = parts
    step = minutes * 60
    return max(1, count * step + {"on": 0, "before": -1, "after": 1, "half": step // 2}[where])


# 1 s to 10 h, with extra weight on the edges of the rules: hours that end exactly on a
# half hundredth (18 s + 36 s k -> x.xx5 h) and durations on, next to or exactly half-way
# between rounding steps.
durations = st.one_of(
    st.integers(min_value=1, max_value=36_000),
    st.integers(min_value=0, max_value=999).map(lambda k: 18 + 36 * k),
    st.tuples(
        st.sampled_from([1, 6, 7, 15, 30]),
        st.integers(0, 20),
        st.sampled_from(["on", "before", "after", "half"]),
    ).map(_on_a_boundary),
)
october_days = st.integers(min_value=1, max_value=31)
groupings = st.sampled_from(["project", "single", "detailed", "user", "date"])


@st.composite
def scenarios(draw, min_entries: int = 0, max_entries: int = 30) -> Scenario:
    n_projects = draw(st.integers(min_value=1, max_value=4))
    specs = tuple(
        ProjectSpec(
            client=draw(st.integers(0, len(CLIENTS) - 1)),
            rate=draw(rates),
            change=draw(st.none() | st.tuples(st.integers(2, 31), rates)),
            rounding=draw(roundings),
        )
        for _ in range(n_projects)
    )
    entries = []
    for _ in range(draw(st.integers(min_value=min_entries, max_value=max_entries))):
        # Mostly October (locked, billable by any range), a few in November (open time
        # that no October range may touch and that a project's due period must not reach).
        november = draw(st.integers(0, 5)) == 0
        day = (
            date(2026, 11, draw(st.integers(1, 19)))
            if november
            else date(2026, 10, draw(october_days))
        )
        offset = draw(st.integers(0, 86_399))
        start = local_midnight(day) + offset
        entries.append(
            EntrySpec(
                project=draw(st.integers(0, n_projects - 1)),
                user=draw(st.integers(0, 1)),
                start=start,
                seconds=draw(durations),
                billable=draw(st.integers(0, 4)) > 0,
                description=f"task {len(entries)}",
            )
        )
    expenses = tuple(
        ExpenseSpec(
            project=draw(st.integers(0, n_projects - 1)),
            day=date(2026, 10, draw(october_days)),
            quantity_hundredths=draw(st.integers(1, 1_000)),
            unit_price_minor=draw(st.integers(0, 50_000)),
            billable=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    tax = st.none() | st.sampled_from(
        [Decimal("0"), Decimal("7"), Decimal("7.7"), Decimal("20"), Decimal("19.25")]
    )
    return Scenario(
        tax_rates=(draw(tax), draw(tax)),
        org_rounding=draw(roundings),
        projects=specs,
        entries=tuple(entries),
        expenses=expenses,
    )


def project_name(index: int) -> str:
    return f"P{index}"


@dataclass
class Built:
    scenario: Scenario
    entry_ids: dict[int, EntrySpec]  # database id -> spec
    expense_ids: dict[int, ExpenseSpec]


def build(scenario: Scenario) -> Built:
    """Organisation, clients, projects (with rate history) through the services; entries
    and expenses inserted in bulk; everyone's October locked."""
    org.init(
        org.OrgSettings(
            name="Acme Consulting", code=CODE, tax_rate=ORG_TAX, rounding=scenario.org_rounding
        ),
        USERS[0],
    )
    users.add(USERS[0], USERS[1])
    for name, tax in zip(CLIENTS, scenario.tax_rates, strict=True):
        clients.add(USERS[0], clients.ClientChanges(name=name, tax_rate=tax))
    for index, spec in enumerate(scenario.projects):
        projects.add(
            USERS[0],
            projects.ProjectChanges(
                name=project_name(index),
                client=CLIENTS[spec.client],
                rate=spec.rate,
                schedule="monthly",
                rounding=spec.rounding,
            ),
        )
        if spec.change:
            projects.update(
                USERS[0],
                project_name(index),
                projects.ProjectChanges(
                    rate=spec.change[1], rate_from=date(2026, 10, spec.change[0])
                ),
            )
    pid = {row.name: row.id for row in Project.select()}
    uid = {row.name: row.id for row in User.select()}
    entry_ids, expense_ids = {}, {}
    with db.atomic():
        for spec in scenario.entries:
            row = TimeEntry.create(
                user=uid[USERS[spec.user]],
                project=pid[project_name(spec.project)],
                start_utc=spec.start,
                end_utc=spec.start + spec.seconds,
                description=spec.description,
                billable=spec.billable,
                source="manual",
                created_at=0,
                updated_at=0,
            )
            entry_ids[row.id] = spec
        for spec in scenario.expenses:
            row = Expense.create(
                project=pid[project_name(spec.project)],
                spent_on=spec.day,
                quantity_hundredths=spec.quantity_hundredths,
                unit="pc",
                unit_price_minor=spec.unit_price_minor,
                amount_minor=spec.amount_minor,
                category="travel",
                billable=spec.billable,
                created_at=0,
            )
            expense_ids[row.id] = spec
    for name in USERS:
        timesheets.lock(USERS[0], OCT_LAST, user=name)
    return Built(scenario, entry_ids, expense_ids)


class fresh_database:
    """A new SQLite file for one example, removed afterwards."""

    def __enter__(self):
        self.folder = tempfile.mkdtemp(prefix="tally-prop-")
        self.handle = open_database(os.path.join(self.folder, "tally.db"))
        return self.handle

    def __exit__(self, *exc):
        self.handle.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        return False


@pytest.fixture(scope="module", autouse=True)
def _clock():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TALLY_NOW", NOW)
        mp.delenv("TALLY_DB", raising=False)
        yield
    if not db.is_closed():
        db.close()


# --------------------------------------------------------------------------------------
# The model of what each document must contain
# --------------------------------------------------------------------------------------


@dataclass
class Model:
    built: Built
    billed_entries: dict[int, int] = field(default_factory=dict)  # entry id -> line id
    billed_expenses: dict[int, int] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)  # every number ever kept

    @property
    def scenario(self) -> Scenario:
        return self.built.scenario


def _scope(model: Model, request: InvoiceRequest) -> tuple[list[int], date, date] | str:
    """(project indexes, first, last) the request bills, or the reason it must be refused."""
    sc = model.scenario
    if request.client is not None:
        client = CLIENTS.index(request.client)
        return (
            [i for i, p in enumerate(sc.projects) if p.client == client],
            request.first,
            request.last,
        )
    index = int(request.project[1:])
    if request.first is not None:
        return [index], request.first, request.last
    # A monthly project without a period: the month of its earliest unbilled item.
    days = [
        e.day
        for eid, e in model.built.entry_ids.items()
        if e.project == index and e.billable and eid not in model.billed_entries
    ]
    days += [
        x.day
        for xid, x in model.built.expense_ids.items()
        if x.project == index and x.billable and xid not in model.billed_expenses
    ]
    if not days:
        return "no uninvoiced billable time"
    earliest = min(days)
    first = earliest.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if last >= TODAY:
        return "has not ended"
    return [index], first, last


def expected_items(model: Model, request: InvoiceRequest):
    """(entry ids, expense ids) the request must bill, or the refusal reason."""
    scope = _scope(model, request)
    if isinstance(scope, str):
        return scope
    indexes, first, last = scope
    entries = {
        eid
        for eid, e in model.built.entry_ids.items()
        if e.project in indexes
        and e.billable
        and eid not in model.billed_entries
        and first <= e.day <= last
    }
    if not request.include_unlocked and any(
        model.built.entry_ids[eid].day > OCT_LAST for eid in entries
    ):
        return "not ready"  # open (unlocked) November time in the range
    expenses = set()
    if request.expenses:
        expenses = {
            xid
            for xid, x in model.built.expense_ids.items()
            if x.project in indexes
            and x.billable
            and xid not in model.billed_expenses
            and first <= x.day <= last
        }
    if not entries and not expenses:
        return "nothing billable"
    return entries, expenses


def tax_rate_of(model: Model, client_name: str) -> Decimal:
    rate = model.scenario.tax_rates[CLIENTS.index(client_name)]
    return ORG_TAX if rate is None else rate


def expected_time_lines(model: Model, entry_ids, grouping: str, explicit: str | None):
    """The model's service lines as a multiset of (entries, quantity, unit price, amount)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for eid in entry_ids:
        e = model.built.entry_ids[eid]
        price = model.scenario.projects[e.project].rate_on(e.day)
        key = {
            "project": (e.project, price),
            "single": (price,),
            "user": (e.user, price),
            "date": (e.day, price),
            "detailed": (eid,),
        }[grouping]
        groups[key].append(eid)
    lines = Counter()
    for members in groups.values():
        seconds = 0
        for eid in members:
            e = model.built.entry_ids[eid]
            rule = (
                explicit
                or model.scenario.projects[e.project].rounding
                or model.scenario.org_rounding
            )
            seconds += rounded_seconds(e.seconds, rule)
        first = model.built.entry_ids[members[0]]
        price = model.scenario.projects[first.project].rate_on(first.day)
        qty = quantity_of(seconds)
        lines[(tuple(sorted(members)), qty, price, half_up(qty * price))] += 1
    return lines


def expected_expense_lines(model: Model, expense_ids):
    lines = Counter()
    for xid in expense_ids:
        x = model.built.expense_ids[xid]
        lines[
            (
                xid,
                Decimal(x.quantity_hundredths) / 100,
                Decimal(x.unit_price_minor) / 100,
                Decimal(x.amount_minor) / 100,
            )
        ] += 1
    return lines


def check_arithmetic(view) -> None:
    """What the client can check with a pocket calculator, on any stored document: per
    (category, rate) the breakdown's net is the sum of its lines and its tax is that net's,
    rounded once (or, on a credit note, what the invoice has left at that rate)."""
    subtotal = Decimal(0)
    nets: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in view.lines:
        assert line.amount == half_up(line.quantity * line.unit_price), line
        assert line.quantity == line.quantity.quantize(CENT)
        subtotal += line.amount
        nets[(line.tax_category, line.tax_rate)] += line.amount
    assert view.subtotal == subtotal
    assert {g.key: g.taxable for g in view.tax_breakdown} == nets
    for group in view.tax_breakdown:
        if view.credits is None:
            assert group.tax == half_up(group.taxable * group.rate / 100), group
        else:
            assert group.tax == -credit_tax_left(view, group.key), group
    if len(view.tax_breakdown) == 1:
        assert view.tax_rate == view.tax_breakdown[0].rate
    assert view.tax == sum((g.tax for g in view.tax_breakdown), Decimal(0))
    assert view.total == view.subtotal + view.tax


def credit_tax_left(note, key) -> Decimal:
    """The model of a credit note's tax at one (category, rate): its own net's tax, but
    never more than the invoice has left at that rate; the note that takes the last of the
    rate's net takes the last of its tax."""
    original = invoices.show(USERS[0], note.credits)
    others = [
        invoices.show(USERS[0], number)
        for (number,) in Invoice.select(Invoice.number)
        .where(
            (Invoice.credits == Invoice.get(Invoice.number == note.credits).id)
            & (Invoice.status != "void")
            & (Invoice.number != note.number)
        )
        .tuples()
    ]

    def at(view, what: str) -> Decimal:
        return sum((getattr(g, what) for g in view.tax_breakdown if g.key == key), Decimal(0))

    net_left = at(original, "taxable") + sum(at(o, "taxable") for o in others)
    tax_left = at(original, "tax") + sum(at(o, "tax") for o in others)
    if -at(note, "taxable") == net_left:
        return tax_left
    return min(half_up(-at(note, "taxable") * key[1] / 100), tax_left)


MONEY = re.compile(r"^-?\d+\.\d{2}$")
INVOICE_KEYS = {
    "number",
    "kind",
    "status",
    "client",
    "issue_date",
    "due_date",
    "currency",
    "period_start",
    "period_end",
    "credits",
    "lines",
    "subtotal",
    "tax_rate",
    "tax",
    "total",
}
LINE_KEYS = {
    "id",
    "description",
    "project",
    "type",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "entries",
}


def check_json(view) -> dict:
    """The contract's JSON of a document says what the view says, amounts as fixed
    two-decimal strings."""
    data = json.loads(json.dumps(invoice_json(view)))
    assert set(data) >= INVOICE_KEYS
    assert data["number"] == view.number and data["kind"] == view.kind
    for key in ("subtotal", "tax", "total", "tax_rate"):
        assert MONEY.match(data[key]), (key, data[key])
    assert Decimal(data["total"]) == Decimal(data["subtotal"]) + Decimal(data["tax"])
    assert len(data["lines"]) == len(view.lines)
    for line, shown in zip(view.lines, data["lines"], strict=True):
        assert set(shown) >= LINE_KEYS
        assert shown["id"] == line.id and shown["entries"] == list(line.entries)
        for key in ("quantity", "unit_price", "amount"):
            assert MONEY.match(shown[key]), (key, shown[key])
        assert Decimal(shown["amount"]) == half_up(
            Decimal(shown["quantity"]) * Decimal(shown["unit_price"])
        )
    assert sum(Decimal(ln["amount"]) for ln in data["lines"]) == Decimal(data["subtotal"])
    return data


def check_document(
    model: Model, view, request: InvoiceRequest, entries, expenses, totals: bool = True
) -> None:
    """A new invoice bills exactly the model's items, with the model's lines and totals."""
    grouping = request.grouping or "project"
    explicit = request.rounding
    service = Counter(
        (ln.entries, ln.quantity, ln.unit_price, ln.amount)
        for ln in view.lines
        if ln.line_type == "service"
    )
    product = Counter(
        (ln.expenses[0], ln.quantity, ln.unit_price, ln.amount)
        for ln in view.lines
        if ln.line_type == "product"
    )
    assert all(ln.unit == "h" and not ln.expenses for ln in view.lines if ln.line_type == "service")
    assert all(
        len(ln.expenses) == 1 and not ln.entries for ln in view.lines if ln.line_type == "product"
    )
    assert service == expected_time_lines(model, entries, grouping, explicit)
    assert product == expected_expense_lines(model, expenses)
    if grouping == "detailed":
        assert all(len(ln.entries) == 1 for ln in view.lines if ln.line_type == "service")
    if not totals:
        return
    rate = tax_rate_of(model, view.client)
    assert view.tax_rate == rate
    subtotal = sum((ln.amount for ln in view.lines), Decimal(0))
    assert view.subtotal == subtotal
    assert view.tax == half_up(subtotal * rate / 100)
    assert view.total == subtotal + view.tax
    check_arithmetic(view)
    check_json(view)


# --------------------------------------------------------------------------------------
# Invariants of the stored state
# --------------------------------------------------------------------------------------


def check_register(model: Model) -> None:
    """Every number ever kept is there, 0001..N without a gap, and the counter says N."""
    numbers = sorted(n for (n,) in Invoice.select(Invoice.number).tuples())
    assert numbers == [f"{PREFIX}{i:04d}" for i in range(1, len(numbers) + 1)]
    assert numbers == sorted(model.documents)
    counter = NumberCounter.get_or_none(NumberCounter.period == "202611")
    assert (counter.last_number if counter else 0) == len(numbers)


def check_billing(model: Model) -> None:
    """Each entry is on at most one live line, the one its ``invoice_line`` names, and
    the model agrees on which."""
    live = {}  # line id -> (number, entries) for lines that bill now
    credited = {
        lid
        for (lid,) in InvoiceLine.select(InvoiceLine.credits_line)
        .join(Invoice)
        .where(
            (Invoice.kind == "credit_note")
            & (Invoice.status != "void")
            & InvoiceLine.credits_line.is_null(False)
        )
        .tuples()
    }
    for row in Invoice.select().where((Invoice.kind == "invoice") & (Invoice.status != "void")):
        for line in invoices.show(USERS[0], row.number).lines:
            if line.id not in credited:
                live[line.id] = (row.number, line.entries, line.expenses)
    on_lines = Counter(e for _, entries, _ in live.values() for e in entries)
    assert [e for e, n in on_lines.items() if n > 1] == [], "an entry is on two live invoices"
    x_on_lines = Counter(x for _, _, xs in live.values() for x in xs)
    assert [x for x, n in x_on_lines.items() if n > 1] == []
    stored = dict(TimeEntry.select(TimeEntry.id, TimeEntry.invoice_line).tuples())
    for eid, line_id in stored.items():
        if line_id is None:
            assert eid not in on_lines, f"entry {eid} is on a live line but not marked"
        else:
            assert line_id in live and eid in live[line_id][1], (eid, line_id)
    assert {e: ln for e, ln in stored.items() if ln is not None} == model.billed_entries
    stored_x = dict(Expense.select(Expense.id, Expense.invoice_line).tuples())
    for xid, line_id in stored_x.items():
        if line_id is not None:
            assert line_id in live and xid in live[line_id][2]
        else:
            assert xid not in x_on_lines
    assert {x: ln for x, ln in stored_x.items() if ln is not None} == model.billed_expenses
    # Non-billable time is never billed by anything, not even historically.
    never = [eid for eid, e in model.built.entry_ids.items() if not e.billable]
    assert not BilledEntry.select().where(BilledEntry.entry.in_(never)).exists()


def check_all(model: Model) -> None:
    check_register(model)
    check_billing(model)


# --------------------------------------------------------------------------------------
# Operations, each checked against the model
# --------------------------------------------------------------------------------------


def do_create(model: Model, request: InvoiceRequest):
    expected = expected_items(model, request)
    scope = _scope(model, request)
    into = invoices.show(USERS[0], request.into) if request.into else None
    client = (
        request.client
        if request.client is not None
        else CLIENTS[model.scenario.projects[int(request.project[1:])].client]
    )
    if isinstance(expected, str) or (into is not None and into.client != client):
        count(f"create refused: {expected if isinstance(expected, str) else 'other client'}")
        with pytest.raises(Conflict) as refused:
            invoices.create(USERS[0], request)
        if expected == "not ready":
            assert "not ready" in str(refused.value) and "--include-unlocked" in str(refused.value)
        return None
    entries, expenses = expected
    count("create: into a ready invoice" if into else "create: new invoice")
    if request.include_unlocked and any(model.built.entry_ids[e].day > OCT_LAST for e in entries):
        count("create: bills open time (--include-unlocked)")
    view = invoices.create(USERS[0], request)
    if into is None:
        assert view.number == f"{PREFIX}{len(model.documents) + 1:04d}"
        model.documents.append(view.number)
        check_document(model, view, request, entries, expenses)
    else:
        # More time on a ready invoice: same number, old lines untouched, new lines after.
        assert view.number == into.number
        assert view.lines[: len(into.lines)] == into.lines
        added = dataclasses.replace(view, lines=view.lines[len(into.lines) :])
        check_document(model, added, request, entries, expenses, totals=False)
        check_arithmetic(view)
        assert view.tax_rate == into.tax_rate
        _, first, last = scope
        assert view.period_start == min(into.period_start, first)
        assert view.period_end == max(into.period_end, last)
    assert view.kind == "invoice" and view.status == "ready"
    for line in view.lines:
        for eid in line.entries:
            model.billed_entries[eid] = line.id
        for xid in line.expenses:
            model.billed_expenses[xid] = line.id
    return view


def _release(model: Model, line_ids) -> None:
    for table in (model.billed_entries, model.billed_expenses):
        for key in [k for k, ln in table.items() if ln in line_ids]:
            del table[key]


def do_credit(model: Model, number: str, pick: list[int] | None):
    original = invoices.show(USERS[0], number)
    if original.status == "ready":
        invoice_lifecycle.mark_sent(USERS[0], number)
    credited = corrections.credited_lines(Invoice.get(Invoice.number == number))
    open_lines = [ln for ln in original.lines if ln.id not in credited]
    if pick is not None:
        chosen = (
            list(dict.fromkeys(open_lines[i % len(open_lines)].id for i in pick))
            if open_lines
            else []
        )
    if not open_lines:
        with pytest.raises(Conflict):
            corrections.credit(USERS[0], number, None)
        return None
    chosen_ids = [ln.id for ln in open_lines] if pick is None else chosen
    note = corrections.credit(
        USERS[0], number, None if pick is None else chosen_ids, reason="property test"
    )
    assert note.number == f"{PREFIX}{len(model.documents) + 1:04d}"
    assert note.kind == "credit_note" and note.credits == number
    assert note.tax_rate == original.tax_rate
    by_id = {ln.id: ln for ln in original.lines}
    assert [ln.credits_line for ln in note.lines] == chosen_ids
    for ln in note.lines:
        source = by_id[ln.credits_line]
        assert (ln.quantity, ln.unit_price, ln.amount) == (
            -source.quantity,
            source.unit_price,
            -source.amount,
        )
        assert ln.entries == source.entries and ln.expenses == source.expenses
    check_arithmetic(note)
    check_json(note)
    model.documents.append(note.number)
    count("credit: whole" if pick is None else "credit: chosen lines")
    _release(model, set(chosen_ids))
    return note


def do_delete(model: Model, number: str) -> None:
    doc = invoices.show(USERS[0], number)
    if doc.kind == "credit_note":
        back = _credit_note_give_back(model, doc)
        if back is None:
            count("undoing a credit refused: its time was invoiced again")
            with pytest.raises(Conflict):
                invoice_lifecycle.delete(USERS[0], number)
            return
    _, removed = invoice_lifecycle.delete(USERS[0], number)
    count(f"delete {doc.kind}: {'removed' if removed else 'void'}")
    newest = number == max(model.documents)
    assert removed == newest
    if removed:
        model.documents.remove(number)
    else:
        assert invoices.show(USERS[0], number).status == "void"
    if doc.kind == "invoice":
        _release(model, {ln.id for ln in doc.lines})
    else:
        model.billed_entries.update(back[0])
        model.billed_expenses.update(back[1])


def _credit_note_give_back(model: Model, note, lines=None):
    """What deleting (lines of) a ready credit note re-bills, or None if it must refuse
    because some of that time was invoiced again."""
    entries, expenses = {}, {}
    for ln in note.lines if lines is None else lines:
        for eid in ln.entries:
            if eid in model.billed_entries:
                return None
            entries[eid] = ln.credits_line
        for xid in ln.expenses:
            if xid in model.billed_expenses:
                return None
            expenses[xid] = ln.credits_line
    return entries, expenses


def do_remove_line(model: Model, number: str, pick: int) -> None:
    doc = invoices.show(USERS[0], number)
    line = doc.lines[pick % len(doc.lines)]
    if len(doc.lines) == 1:
        with pytest.raises(Conflict):
            invoice_lifecycle.remove_line(USERS[0], number, line.id)
        return
    if doc.kind == "credit_note":
        back = _credit_note_give_back(model, doc, [line])
        if back is None:
            count("undoing a credit refused: its time was invoiced again")
            with pytest.raises(Conflict):
                invoice_lifecycle.remove_line(USERS[0], number, line.id)
            return
    after = invoice_lifecycle.remove_line(USERS[0], number, line.id)
    count(f"remove line of {doc.kind}")
    assert [ln.id for ln in after.lines] == [ln.id for ln in doc.lines if ln.id != line.id]
    check_arithmetic(after)
    if doc.kind == "invoice":
        _release(model, {line.id})
    else:
        model.billed_entries.update(back[0])
        model.billed_expenses.update(back[1])


def _ranges():
    return st.tuples(october_days, october_days).map(
        lambda t: (date(2026, 10, min(t)), date(2026, 10, max(t)))
    )


def _ranges_into_november():
    """October and the open first weeks of November (up to yesterday)."""
    day = st.integers(0, 49).map(lambda n: OCT_FIRST + timedelta(days=n))
    return st.tuples(day, day).map(lambda t: (min(t), max(t)))


any_range = st.one_of(
    st.just((OCT_FIRST, OCT_LAST)),
    st.sampled_from(
        [
            (date(2026, 10, a), date(2026, 10, b))
            for a, b in ((1, 7), (5, 18), (12, 25), (19, 31), (24, 26))
        ]
        + [(date(2026, 10, 20), date(2026, 11, 19))]
    ),
    _ranges(),
    _ranges_into_november(),
)
create_ops = st.one_of(
    st.tuples(st.just("client"), st.integers(0, len(CLIENTS) - 1), any_range),
    st.tuples(st.just("project"), st.integers(0, 3), st.none() | any_range),
).flatmap(
    lambda target: st.tuples(
        st.just("create"),
        st.just(target),
        groupings,
        roundings,
        st.fixed_dictionaries(
            {
                "expenses": st.integers(0, 5).map(bool),
                "include_unlocked": st.booleans(),
                "into": st.none() | st.none() | st.integers(0, 20),
            }
        ),
    )
)
other_ops = st.one_of(
    st.tuples(
        st.just("credit"),
        st.integers(0, 20),
        st.none() | st.lists(st.integers(0, 20), min_size=1, max_size=3),
    ),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("remove_line"), st.integers(0, 20), st.integers(0, 20)),
)
operations = st.lists(st.one_of(create_ops, other_ops), min_size=3, max_size=12)


def request_for(model: Model, op) -> InvoiceRequest:
    _, target, grouping, rounding, options = op
    mode, index, span = target
    first, last = span if span else (None, None)
    ready = _numbers("invoice", statuses=("ready",))
    into = ready[options["into"] % len(ready)] if ready and options["into"] is not None else None
    common = dict(
        first=first,
        last=last,
        grouping=grouping,
        rounding=rounding,
        expenses=options["expenses"],
        include_unlocked=options["include_unlocked"],
        into=into,
    )
    if mode == "client":
        return InvoiceRequest(client=CLIENTS[index], **common)
    index %= len(model.scenario.projects)
    return InvoiceRequest(project=project_name(index), **common)


def _numbers(kind: str | None = None, statuses=("ready", "sent", "paid")) -> list[str]:
    query = Invoice.select(Invoice.number).where(Invoice.status.in_(statuses))
    if kind:
        query = query.where(Invoice.kind == kind)
    return sorted(n for (n,) in query.order_by(Invoice.number).tuples())


def run(model: Model, op) -> None:
    kind = op[0]
    if kind == "create":
        do_create(model, request_for(model, op))
    elif kind == "credit":
        targets = _numbers("invoice")
        if targets:
            do_credit(model, targets[op[1] % len(targets)], op[2])
    elif kind == "delete":
        targets = _numbers(statuses=("ready",))
        if targets:
            do_delete(model, targets[op[1] % len(targets)])
    elif kind == "remove_line":
        targets = _numbers(statuses=("ready",))
        if targets:
            do_remove_line(model, targets[op[1] % len(targets)], op[2])


# --------------------------------------------------------------------------------------
# The properties
# --------------------------------------------------------------------------------------


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(scenario=scenarios(min_entries=4, max_entries=40), ops=operations)
def test_any_sequence_of_invoice_operations_bills_each_entry_at_most_once(scenario, ops):
    """Random creates over overlapping and partial ranges, credits, deletes and line
    removals: after each one, every entry is on at most one live invoice, the one its
    ``invoice_line`` names, every document adds up, and the register has no gap."""
    with fresh_database():
        model = Model(build(scenario))
        check_all(model)
        for op in ops:
            run(model, op)
            check_all(model)


@PROPERTY_SETTINGS
@given(
    scenario=scenarios(),
    ranges=st.lists(_ranges(), min_size=1, max_size=4),
    grouping=groupings,
    rounding=roundings,
)
def test_overlapping_client_ranges_leave_nothing_unbilled(scenario, ranges, grouping, rounding):
    """Invoices over overlapping ranges of both clients: once done, every billable entry
    and expense whose day lies in some covered range is billed, exactly once, and nothing
    outside the covered days is."""
    with fresh_database():
        model = Model(build(scenario))
        for first, last in ranges:
            for client in CLIENTS:
                do_create(
                    model,
                    InvoiceRequest(
                        client=client, first=first, last=last, grouping=grouping, rounding=rounding
                    ),
                )
                check_all(model)
        covered = {
            first + timedelta(days=i)
            for first, last in ranges
            for i in range((last - first).days + 1)
        }
        want = {eid for eid, e in model.built.entry_ids.items() if e.billable and e.day in covered}
        billed = {
            eid
            for eid, ln in TimeEntry.select(TimeEntry.id, TimeEntry.invoice_line).tuples()
            if ln is not None
        }
        assert billed == want
        want_x = {
            xid for xid, x in model.built.expense_ids.items() if x.billable and x.day in covered
        }
        billed_x = {
            xid
            for (xid,) in Expense.select(Expense.id)
            .where(Expense.invoice_line.is_null(False))
            .tuples()
        }
        assert billed_x == want_x
        # Each billed entry is listed on exactly one live invoice.
        listed = Counter(
            e
            for number in _numbers("invoice")
            for ln in invoices.show(USERS[0], number).lines
            for e in ln.entries
        )
        assert set(listed) == want and set(listed.values()) <= {1}


@PROPERTY_SETTINGS
@given(
    scenario=scenarios(),
    grouping=groupings,
    rounding=roundings,
    mode=st.sampled_from(["client", "project", "project-due"]),
    span=_ranges(),
    target=st.integers(0, 3),
)
def test_a_credit_note_of_a_whole_invoice_nets_to_zero_and_frees_its_time(
    scenario, grouping, rounding, mode, span, target
):
    """Credit the whole sent invoice: original + credit note = 0 (subtotal, tax, total);
    its entries are uninvoiced again, and the same request bills exactly them again with
    the same amounts."""
    with fresh_database():
        model = Model(build(scenario))
        first, last = span
        if mode == "client":
            request = InvoiceRequest(
                client=CLIENTS[target % 2],
                first=first,
                last=last,
                grouping=grouping,
                rounding=rounding,
            )
        else:
            index = target % len(scenario.projects)
            request = InvoiceRequest(
                project=project_name(index),
                grouping=grouping,
                rounding=rounding,
                first=first if mode == "project" else None,
                last=last if mode == "project" else None,
            )
        original = do_create(model, request)
        if original is None:
            return
        entries = {e for ln in original.lines for e in ln.entries}
        expenses = {x for ln in original.lines for x in ln.expenses}
        invoice_lifecycle.mark_sent(USERS[0], original.number)
        note = do_credit(model, original.number, None)
        check_all(model)
        assert note.subtotal == -original.subtotal
        assert note.tax == -original.tax
        assert note.total == -original.total
        assert note.subtotal + original.subtotal == 0
        assert note.tax + original.tax == 0
        assert note.total + original.total == 0
        assert (
            not TimeEntry.select()
            .where(TimeEntry.id.in_(list(entries)) & TimeEntry.invoice_line.is_null(False))
            .exists()
        )
        assert (
            not Expense.select()
            .where(Expense.id.in_(list(expenses)) & Expense.invoice_line.is_null(False))
            .exists()
        )
        # Crediting everything again is refused: nothing is left to credit.
        with pytest.raises(Conflict):
            corrections.credit(USERS[0], original.number)
        again = do_create(model, request)
        assert again is not None
        assert {e for ln in again.lines for e in ln.entries} == entries
        assert {x for ln in again.lines for x in ln.expenses} == expenses
        assert (again.subtotal, again.tax, again.total) == (
            original.subtotal,
            original.tax,
            original.total,
        )
        check_all(model)


# --------------------------------------------------------------------------------------
# A large invoice
# --------------------------------------------------------------------------------------


def test_ten_thousand_entries_are_each_billed_exactly_once(tmp_path):
    """10,000 locked entries on one project billed by one invoice (grouping project), and
    10,000 on another by one detailed invoice: every entry once, totals to the cent."""
    scenario = Scenario(
        tax_rates=(None, None),
        org_rounding=None,
        projects=(
            ProjectSpec(0, Decimal("95.00"), (16, Decimal("102.50")), None),
            ProjectSpec(0, Decimal("87.35"), None, "15:up"),
        ),
        entries=(),
        expenses=(),
    )
    handle = open_database(str(tmp_path / "big.db"))
    try:
        model = Model(build(scenario))
        pid = {row.name: row.id for row in Project.select()}
        anna = User.get(User.name == USERS[0]).id
        rows, specs = [], []
        for n in range(10_000):
            day = date(2026, 10, 1 + n % 31)
            start = local_midnight(day) + 3600 * 6 + (n * 37) % 50_000
            seconds = 60 + (n * 7919) % 7_200
            project = n % 2
            specs.append(EntrySpec(project, 0, start, seconds, True, ""))
            rows.append(
                (anna, pid[project_name(project)], start, start + seconds, "", True, "import", 0, 0)
            )
        # Half per project from the loop above, plus the same again so each has 10,000.
        for n in range(10_000):
            day = date(2026, 10, 1 + n % 31)
            start = local_midnight(day) + 3600 * 5 + (n * 53) % 60_000
            seconds = 1 + (n * 104_729) % 36_000
            project = 1 - n % 2
            specs.append(EntrySpec(project, 0, start, seconds, True, ""))
            rows.append(
                (anna, pid[project_name(project)], start, start + seconds, "", True, "import", 0, 0)
            )
        fields = [
            TimeEntry.user,
            TimeEntry.project,
            TimeEntry.start_utc,
            TimeEntry.end_utc,
            TimeEntry.description,
            TimeEntry.billable,
            TimeEntry.source,
            TimeEntry.created_at,
            TimeEntry.updated_at,
        ]
        first_id = (TimeEntry.select(TimeEntry.id).order_by(TimeEntry.id.desc()).scalar() or 0) + 1
        with db.atomic():
            insert_rows(fields, rows)
        ids = [i for (i,) in TimeEntry.select(TimeEntry.id).order_by(TimeEntry.id).tuples()]
        assert ids == list(range(first_id, first_id + len(rows)))
        model.built.entry_ids.update(dict(zip(ids, specs, strict=True)))
        per_project = Counter(s.project for s in specs)
        assert per_project == {0: 10_000, 1: 10_000}

        for index, grouping in ((0, "project"), (1, "detailed")):
            request = InvoiceRequest(
                project=project_name(index), first=OCT_FIRST, last=OCT_LAST, grouping=grouping
            )
            view = do_create(model, request)  # checks lines and totals against the model
            billed = [e for ln in view.lines for e in ln.entries]
            assert len(billed) == len(set(billed)) == 10_000
            assert len(view.lines) == (2 if grouping == "project" else 10_000)
        check_all(model)
        assert TimeEntry.select().where(TimeEntry.invoice_line.is_null()).count() == 0
        assert BilledEntry.select().count() == 20_000
    finally:
        handle.close()


# --------------------------------------------------------------------------------------
# Partial credit notes
# --------------------------------------------------------------------------------------

line_amount = st.one_of(
    st.integers(0, 2_000).map(lambda c: Decimal(c) / 100),
    st.sampled_from(["0.01", "0.03", "1.50", "0.05", "2.50"]).map(Decimal),
)
tax_rates = st.one_of(
    st.sampled_from(["0", "7", "7.7", "19", "20", "19.25", "50"]).map(Decimal),
    st.integers(0, 10_000).map(lambda bp: Decimal(bp) / 100),
)


def _partition(draw, n: int) -> list[list[int]]:
    """Indexes 0..n-1 shuffled and cut into consecutive groups: the credit notes."""
    order = draw(st.permutations(range(n)))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, n - 1)), max_size=n - 1)) if n > 1 else [])
    bounds = [0, *cuts, n]
    return [list(order[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


@settings(max_examples=500, deadline=None)
@given(
    lines=st.lists(st.tuples(line_amount, st.integers(0, 3)), min_size=1, max_size=12),
    rates=st.lists(tax_rates, min_size=3, max_size=3),
    data=st.data(),
)
def test_partial_credits_in_any_steps_never_exceed_the_invoice_and_end_at_zero(lines, rates, data):
    """The rule alone, for any invoice of lines at several rates (and one category without
    VAT) and any cut of its lines into credit notes: per (category, rate) the credited net
    and tax never exceed the invoice's, and the last note brings every rate, and the
    totals, to zero exactly."""
    treatments = [line_tax("S", rate) for rate in rates] + [("AE", Decimal("0.00"))]
    taxed = [TaxedAmount(amount, *treatments[k]) for amount, k in lines]
    invoiced = totals(taxed, "EUR")
    have = {g.key: g for g in invoiced.breakdown}
    credited: dict[tuple[str, Decimal], TaxGroup] = {}
    for group in _partition(data.draw, len(taxed)):
        note = credit_totals(
            invoiced.breakdown, tuple(credited.values()), [taxed[i] for i in group], "EUR"
        )
        assert note.total == note.subtotal + note.tax
        assert note.tax <= 0 and note.subtotal <= 0
        for g in note.breakdown:
            before = credited.get(g.key, TaxGroup(*g.key, Decimal(0), Decimal(0)))
            now = TaxGroup(*g.key, before.taxable - g.taxable, before.tax - g.tax)
            assert now.taxable <= have[g.key].taxable and now.tax <= have[g.key].tax
            credited[g.key] = now
    assert {k: (g.taxable, g.tax) for k, g in credited.items()} == {
        k: (g.taxable, g.tax) for k, g in have.items()
    }


free_lines = st.lists(
    st.tuples(
        st.integers(1, 1_000).map(lambda h: Decimal(h) / 100),
        st.one_of(
            st.integers(0, 20_000).map(lambda c: Decimal(c) / 100),
            st.sampled_from(["1.50", "0.50", "0.01", "12.50"]).map(Decimal),
        ),
        st.sampled_from([None, Decimal("7"), Decimal("0")]),  # vat=: its own rate
    ),
    min_size=1,
    max_size=8,
)


@PROPERTY_SETTINGS
@given(lines=free_lines, rate=tax_rates, data=st.data())
def test_credit_notes_of_chosen_lines_never_take_back_more_than_the_invoice(lines, rate, data):
    """Through the service, on a sent invoice of random lines at a random rate (some at 7 %
    or 0 % of their own): credit notes of chosen lines in any order (some deleted again
    while ready) never take back more net, tax or total than the invoice holds, and
    crediting every line nets to zero exactly."""
    with fresh_database():
        org.init(org.OrgSettings(name="Acme Consulting", code=CODE, tax_rate=rate), USERS[0])
        clients.add(USERS[0], clients.ClientChanges(name=CLIENTS[0]))
        invoice = corrections.freeform(
            USERS[0],
            CLIENTS[0],
            [
                corrections.FreeLine(f"line {n}", q, p, tax_rate=r)
                for n, (q, p, r) in enumerate(lines)
            ],
        )
        invoice_lifecycle.mark_sent(USERS[0], invoice.number)
        ids = [line.id for line in invoice.lines]

        def credited() -> tuple[Decimal, Decimal, Decimal]:
            notes = [
                invoices.show(USERS[0], n)
                for n in _numbers("credit_note", statuses=("ready", "sent", "paid"))
            ]
            return (
                -sum((n.subtotal for n in notes), Decimal(0)),
                -sum((n.tax for n in notes), Decimal(0)),
                -sum((n.total for n in notes), Decimal(0)),
            )

        for group in _partition(data.draw, len(ids)):
            note = corrections.credit(USERS[0], invoice.number, [ids[i] for i in group])
            check_arithmetic(note)
            net, tax, total = credited()
            assert net <= invoice.subtotal and tax <= invoice.tax and total <= invoice.total
            if data.draw(st.integers(0, 3)) == 0 and group != list(range(len(ids))):
                count("credit note deleted while ready")
                invoice_lifecycle.delete(USERS[0], note.number)
                corrections.credit(USERS[0], invoice.number, [ids[i] for i in group])
        assert credited() == (invoice.subtotal, invoice.tax, invoice.total)
