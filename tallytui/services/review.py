"""The weekly review: one person's week with its totals, and the edits a review makes.

Every edit takes entry ids, checks each entry may change (not locked, approved or
invoiced) and runs in one transaction. Each returns a ``Change`` that says which entries
it removed (as they were) and which it created, so the caller can undo it exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ..domain.errors import Conflict, InvalidInput
from ..domain.localtime import iso_week
from ..domain.money import round_money
from ..domain.rates import Rate, rate_on
from ..store.db import write_transaction
from ..store.models import Client, Project, TimeEntry, User, db
from . import entries, expenses, lookup, permissions
from .clock import now_utc
from .projects import project_rates
from .views import EntryView, ExpenseView


@dataclass(frozen=True)
class DayTotal:
    day: date
    seconds: int
    billable_seconds: int


@dataclass(frozen=True)
class ProjectTotal:
    project: str
    client: str
    seconds: int
    billable_seconds: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class ClientTotal:
    client: str
    seconds: int
    billable_seconds: int
    amounts: tuple[tuple[str, Decimal], ...]  # (currency, amount)


@dataclass(frozen=True)
class Week:
    first: date
    last: date
    user: str
    timezone: str
    locked_until: date | None
    entries: tuple[EntryView, ...]
    expenses: tuple[ExpenseView, ...]
    days: tuple[DayTotal, ...]
    projects: tuple[ProjectTotal, ...]
    clients: tuple[ClientTotal, ...]

    @property
    def seconds(self) -> int:
        return sum(day.seconds for day in self.days)

    @property
    def billable_seconds(self) -> int:
        return sum(day.billable_seconds for day in self.days)


@dataclass(frozen=True)
class Snapshot:
    """An entry as it was, enough to put it back."""

    user: str
    project: str
    start_utc: int
    end_utc: int
    description: str
    billable: bool
    source: str


@dataclass(frozen=True)
class Change:
    removed: tuple[Snapshot, ...]
    created: tuple[int, ...]
    summary: str


def week(day: date, user: str) -> Week:
    """The ISO week containing ``day`` for ``user``; totals cover only this week's rows."""
    first, last = iso_week(day)
    with db.atomic():
        org = lookup.organisation()
        owner = lookup.user(user)
        rows = entries.list_entries(entries.EntryFilter(first, last, user=user))
        costs = expenses.list_expenses(first, last, user=user)
        rates = _rates({row.project for row in rows})
    by_day = {first + timedelta(days=i): [0, 0] for i in range(7)}
    by_project: dict[tuple[str, str], list] = {}
    for row in rows:
        billable = row.seconds if row.billable else 0
        by_day[row.day][0] += row.seconds
        by_day[row.day][1] += billable
        currency, prices = rates[row.project]
        total = by_project.setdefault((row.project, row.client), [0, 0, Decimal(0), currency])
        total[0] += row.seconds
        total[1] += billable
        rate = rate_on(prices, row.day)
        if billable and rate is not None:
            total[2] += Decimal(billable) / 3600 * rate.amount
    projects = tuple(
        ProjectTotal(name, client, s, b, round_money(amount, currency), currency)
        for (name, client), (s, b, amount, currency) in sorted(by_project.items())
    )
    return Week(
        first=first,
        last=last,
        user=user,
        timezone=org.timezone,
        locked_until=owner.locked_until,
        entries=tuple(rows),
        expenses=tuple(costs),
        days=tuple(DayTotal(d, s, b) for d, (s, b) in by_day.items()),
        projects=projects,
        clients=_clients(projects),
    )


def _rates(names: set[str]) -> dict[str, tuple[str, list[Rate]]]:
    """Currency and rate history of each named project, in two queries."""
    found = list(Project.select(Project, Client).join(Client).where(Project.name.in_(names)))
    history = project_rates(found)
    return {p.name: (p.client.currency, history[p.id]) for p in found}


def _clients(projects: Sequence[ProjectTotal]) -> tuple[ClientTotal, ...]:
    grouped: dict[str, list] = defaultdict(lambda: [0, 0, defaultdict(Decimal)])
    for p in projects:
        grouped[p.client][0] += p.seconds
        grouped[p.client][1] += p.billable_seconds
        grouped[p.client][2][p.currency] += p.amount
    return tuple(
        ClientTotal(name, s, b, tuple(sorted(amounts.items())))
        for name, (s, b, amounts) in sorted(grouped.items())
    )


def _snapshot(row: TimeEntry) -> Snapshot:
    return Snapshot(
        row.user.name,
        row.project.name,
        row.start_utc,
        row.end_utc,
        row.description,
        row.billable,
        row.source,
    )


def _editable(actor: str, ids: Sequence[int], verb: str) -> tuple[User, list[TimeEntry]]:
    """The acting user and the entries, each checked that they may change it."""
    if not ids:
        raise InvalidInput(f"choose at least one entry to {verb}")
    acting = lookup.user(actor)
    return acting, entries.hold(acting, ids, verb)


def _create(snapshot: Snapshot, owner: User, project: Project) -> int:
    now = now_utc()
    return TimeEntry.create(
        user=owner,
        project=project,
        start_utc=snapshot.start_utc,
        end_utc=snapshot.end_utc,
        description=snapshot.description,
        billable=snapshot.billable,
        source=snapshot.source,
        created_at=now,
        updated_at=now,
    ).id


def _replace(
    acting: User, removed: list[TimeEntry], created: list[Snapshot], summary: str
) -> Change:
    """Delete ``removed`` and insert ``created`` after checking that ``acting`` may write
    each one's time and nothing else overlaps."""
    tz = lookup.organisation().timezone
    before = tuple(_snapshot(row) for row in removed)
    TimeEntry.delete().where(TimeEntry.id.in_([row.id for row in removed])).execute()
    ids = []
    owners: dict[str, User] = {}  # looked up (and held) once per person, not per entry
    targets: dict[str, Project] = {}
    for snap in created:
        if snap.user not in owners:
            owners[snap.user] = lookup.user(snap.user, hold="share")
            permissions.require(acting, "entry.write", owner=owners[snap.user])
        if snap.project not in targets:
            targets[snap.project] = lookup.project(snap.project)
        owner = owners[snap.user]
        entries.check_times(snap.start_utc, snap.end_utc)
        entries.check_unlocked(owner, snap.start_utc, tz, "add")
        entries.check_no_overlap(owner, snap.start_utc, snap.end_utc, tz)
        ids.append(_create(snap, owner, targets[snap.project]))
    return Change(before, tuple(ids), summary)


def _modified(acting: User, rows: list[TimeEntry], summary: str, **fields) -> Change:
    return _replace(acting, rows, [_with(_snapshot(row), **fields) for row in rows], summary)


def _with(snap: Snapshot, **fields) -> Snapshot:
    return Snapshot(**{**snap.__dict__, **fields})


def retag(actor: str, ids: Sequence[int], project: str) -> Change:
    with write_transaction():
        target = lookup.project(project)
        if target.archived:
            raise Conflict(f"project {target.name!r} is archived")
        acting, rows = _editable(actor, ids, "retag")
        return _modified(
            acting,
            rows,
            f"moved {len(rows)} to {target.name}",
            project=target.name,
            billable=target.billable,
        )


def set_billable(actor: str, ids: Sequence[int], billable: bool) -> Change:
    with write_transaction():
        acting, rows = _editable(actor, ids, "change")
        word = "billable" if billable else "non-billable"
        return _modified(acting, rows, f"marked {len(rows)} {word}", billable=billable)


def describe(actor: str, ids: Sequence[int], description: str) -> Change:
    with write_transaction():
        acting, rows = _editable(actor, ids, "edit")
        change = _modified(acting, rows, f"described {len(rows)}", description=description.strip())
        TimeEntry.update(description_edited=True).where(TimeEntry.id.in_(change.created)).execute()
        return change


def retime(actor: str, entry_id: int, start_utc: int, end_utc: int) -> Change:
    """Trim or move one entry (its start, its end, or both)."""
    with write_transaction():
        acting, [row] = _editable(actor, [entry_id], "trim")
        entries.check_times(start_utc, end_utc)
        return _modified(
            acting, [row], f"retimed entry {entry_id}", start_utc=start_utc, end_utc=end_utc
        )


def split(actor: str, entry_id: int, at_utc: int) -> Change:
    with write_transaction():
        acting, [row] = _editable(actor, [entry_id], "split")
        if not row.start_utc < at_utc < row.end_utc:
            raise InvalidInput("split: the time must fall inside the entry")
        snap = _snapshot(row)
        return _replace(
            acting,
            [row],
            [_with(snap, end_utc=at_utc), _with(snap, start_utc=at_utc)],
            f"split entry {entry_id}",
        )


def merge(actor: str, ids: Sequence[int]) -> Change:
    """Join one person's entries into one, from the first start to the last end; the first
    entry's project and billable flag win, descriptions are joined."""
    with write_transaction():
        acting, chosen_rows = _editable(actor, ids, "merge")
        rows = sorted(chosen_rows, key=lambda row: row.start_utc)
        if len(rows) < 2:
            raise InvalidInput("merge: choose two or more adjacent entries")
        if len({row.user_id for row in rows}) > 1:
            raise InvalidInput("merge: the entries belong to different people")
        chosen = {row.id for row in rows}
        between = TimeEntry.select().where(
            (TimeEntry.user == rows[0].user_id)
            & TimeEntry.id.not_in(list(chosen))
            & (TimeEntry.start_utc < rows[-1].end_utc)
            & (TimeEntry.end_utc > rows[0].start_utc)
        )
        if between.exists():
            raise Conflict("merge: other entries lie between these; choose adjacent entries")
        texts = list(dict.fromkeys(row.description for row in rows if row.description))
        merged = _with(
            _snapshot(rows[0]),
            end_utc=max(row.end_utc for row in rows),
            description="; ".join(texts),
        )
        return _replace(acting, rows, [merged], f"merged {len(rows)} entries")


def delete(actor: str, ids: Sequence[int]) -> Change:
    with write_transaction():
        acting, rows = _editable(actor, ids, "delete")
        return _replace(acting, rows, [], f"deleted {len(rows)}")


def undo(actor: str, change: Change) -> Change:
    """Put back what ``change`` removed and remove what it created."""
    with write_transaction():
        if change.created:
            acting, rows = _editable(actor, list(change.created), "undo")
        else:
            acting, rows = lookup.user(actor), []
        return _replace(acting, rows, list(change.removed), f"undid: {change.summary}")
