"""The weekly review: one person's week with its totals, and the edits a review makes.

Every edit takes entry ids, checks each entry may change (not locked, approved or
invoiced) and runs in one transaction. Entries that survive an edit keep their ids. Each
edit returns a ``Change`` with the entries it touched as they were and as it left them, so
the caller can undo it exactly, or learn why it no longer can.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ..domain.errors import Conflict, InvalidInput, TallyError
from ..domain.localtime import days_to_utc_range, iso_week
from ..domain.merging import merged_span
from ..domain.money import round_money
from ..domain.rates import Rate, rate_on
from ..store.db import write_transaction
from ..store.models import Client, Project, TimeEntry, User, db
from . import entries, expenses, lookup, permissions, timer
from .clock import now_utc
from .projects import project_rates
from .views import EntryView, ExpenseView, TimerView


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
    running: TimerView | None = None  # the person's timer, when it runs in this week
    now: int = 0  # when the week was read: the running timer's block ends here

    @property
    def seconds(self) -> int:
        return sum(day.seconds for day in self.days)

    @property
    def billable_seconds(self) -> int:
        return sum(day.billable_seconds for day in self.days)


@dataclass(frozen=True)
class Snapshot:
    """An entry as it was or is: enough to put it back under its own id."""

    id: int | None  # None: a new entry, not stored yet
    user: str
    project: str
    start_utc: int
    end_utc: int
    description: str
    billable: bool
    source: str
    description_edited: bool = False  # a person wrote the description (see client_description)


@dataclass(frozen=True)
class Change:
    """What one edit did: the entries it touched as they were, and those it left as they are
    (an entry changed in place keeps its id). Undo turns ``after`` back into ``before``."""

    before: tuple[Snapshot, ...]
    after: tuple[Snapshot, ...]
    summary: str

    @property
    def ids(self) -> tuple[int, ...]:
        """The entries the change left, in the order it made them."""
        return tuple(snap.id for snap in self.after)


def week(day: date, user: str) -> Week:
    """The ISO week containing ``day`` for ``user``; totals cover only this week's rows."""
    first, last = iso_week(day)
    with db.atomic():
        org = lookup.organisation()
        owner = lookup.user(user)
        rows = entries.list_entries(entries.EntryFilter(first, last, user=user))
        costs = expenses.list_expenses(first, last, user=user)
        rates = _rates({row.project for row in rows})
        running, now = timer.running(user), now_utc()
    start, end = days_to_utc_range(first, last, org.timezone)
    if running is not None and not (running.start_utc < end and now >= start):
        running = None  # it runs, but not in this week
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
        running=running,
        now=now,
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
        row.id,
        row.user.name,
        row.project.name,
        row.start_utc,
        row.end_utc,
        row.description,
        row.billable,
        row.source,
        row.description_edited,
    )


def _editable(actor: str, ids: Sequence[int], verb: str) -> tuple[User, list[TimeEntry]]:
    """The acting user and the entries, each checked that they may change it."""
    if not ids:
        raise InvalidInput(f"choose at least one entry to {verb}")
    acting = lookup.user(actor)
    return acting, entries.hold(acting, ids, verb)


def _write(snap: Snapshot, row: TimeEntry | None, owner: User, project: Project, now: int) -> int:
    """Store ``snap``: over ``row`` in place, else as a new row under the snapshot's own id
    while that id is free (so an undone delete brings the entry back as it was)."""
    fields = {
        "user": owner,
        "project": project,
        "start_utc": snap.start_utc,
        "end_utc": snap.end_utc,
        "description": snap.description,
        "billable": snap.billable,
        "source": snap.source,
        "description_edited": snap.description_edited,
        "updated_at": now,
    }
    if row is not None:
        TimeEntry.update(**fields).where(TimeEntry.id == row.id).execute()
        return row.id
    if snap.id is not None and not TimeEntry.select().where(TimeEntry.id == snap.id).exists():
        fields["id"] = snap.id
    return TimeEntry.insert(created_at=now, **fields).execute()


def _apply(acting: User, rows: list[TimeEntry], wanted: list[Snapshot], summary: str) -> Change:
    """Turn ``rows`` into ``wanted``: a snapshot with a row's id changes that row in place,
    any other is inserted, and rows no snapshot names are deleted. Checks that ``acting``
    may write each one's time, that no end moves into the future and that nothing overlaps."""
    tz = lookup.organisation().timezone
    now = now_utc()
    before = tuple(_snapshot(row) for row in rows)
    by_id = {row.id: row for row in rows}
    kept = {snap.id for snap in wanted}
    gone = [row.id for row in rows if row.id not in kept]
    if gone:
        TimeEntry.delete().where(TimeEntry.id.in_(gone)).execute()
    owners: dict[str, User] = {}  # looked up (and held) once per person, not per entry
    targets: dict[str, Project] = {}
    after = []
    for snap in wanted:
        if snap.user not in owners:
            owners[snap.user] = lookup.user(snap.user, hold="share")
            permissions.require(acting, "entry.write", owner=owners[snap.user])
        if snap.project not in targets:
            targets[snap.project] = lookup.project(snap.project)
        owner, row = owners[snap.user], by_id.get(snap.id)
        entries.check_times(snap.start_utc, snap.end_utc)
        new_end = snap.id is None if row is None else snap.end_utc != row.end_utc
        if new_end:  # a restored entry comes back as it was
            entries.check_ended(snap.end_utc, now, tz)
        entries.check_unlocked(owner, snap.start_utc, tz, "add")
        written = _write(snap, row, owner, targets[snap.project], now)
        after.append(_with(snap, id=written))
    for snap in after:
        entries.check_no_overlap(
            owners[snap.user], snap.start_utc, snap.end_utc, tz, ignore=snap.id
        )
    return Change(before, tuple(after), summary)


def _modified(acting: User, rows: list[TimeEntry], summary: str, **fields) -> Change:
    return _apply(acting, rows, [_with(_snapshot(row), **fields) for row in rows], summary)


def _with(snap: Snapshot, **fields) -> Snapshot:
    return Snapshot(**{**snap.__dict__, **fields})


def add(actor: str, entry: entries.NewEntry, user: str | None = None) -> Change:
    """Add one entry of ``user`` (default the acting user), as an edit the review can undo."""
    view = entries.add(actor, entry, user)
    snap = Snapshot(
        view.id,
        view.user,
        view.project,
        view.start_utc,
        view.end_utc,
        view.description,
        view.billable,
        view.source,
    )
    return Change((), (snap,), f"added {view.project} on {view.day}")


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
        return _modified(
            acting,
            rows,
            f"described {len(rows)}",
            description=description.strip(),
            description_edited=True,
        )


def retime(actor: str, entry_id: int, start_utc: int, end_utc: int) -> Change:
    """Trim or move one entry (its start, its end, or both)."""
    with write_transaction():
        acting, [row] = _editable(actor, [entry_id], "trim")
        entries.check_times(start_utc, end_utc)
        return _modified(
            acting, [row], f"retimed entry {entry_id}", start_utc=start_utc, end_utc=end_utc
        )


def split(actor: str, entry_id: int, at_utc: int) -> Change:
    """Cut one entry in two; the first part keeps the entry's id."""
    with write_transaction():
        acting, [row] = _editable(actor, [entry_id], "split")
        if not row.start_utc < at_utc < row.end_utc:
            raise InvalidInput("split: the time must fall inside the entry")
        snap = _snapshot(row)
        return _apply(
            acting,
            [row],
            [_with(snap, end_utc=at_utc), _with(snap, id=None, start_utc=at_utc)],
            f"split entry {entry_id}",
        )


def merge(actor: str, ids: Sequence[int]) -> Change:
    """Join one person's entries of one project and billable state, with pauses of at most
    ``MERGE_GAP_MINUTES`` between them, into the first of them; descriptions are joined."""
    with write_transaction():
        acting, chosen = _editable(actor, ids, "merge")
        rows = sorted(chosen, key=lambda row: row.start_utc)
        between = TimeEntry.select().where(
            (TimeEntry.user == rows[0].user_id)
            & TimeEntry.id.not_in([row.id for row in rows])
            & (TimeEntry.start_utc < max(row.end_utc for row in rows))
            & (TimeEntry.end_utc > rows[0].start_utc)
        )
        if between.exists():
            raise Conflict("merge: other entries lie between these; choose adjacent entries")
        parts = [_snapshot(row) for row in rows]
        end = merged_span(parts)[1]
        written = [part for part in parts if part.description]
        texts = list(dict.fromkeys(part.description for part in written))
        merged = _with(
            parts[0],
            end_utc=end,
            description="; ".join(texts),
            description_edited=bool(written) and all(p.description_edited for p in written),
        )
        return _apply(acting, rows, [merged], f"merged {len(rows)} entries into entry {rows[0].id}")


def delete(actor: str, ids: Sequence[int]) -> Change:
    with write_transaction():
        acting, rows = _editable(actor, ids, "delete")
        return _apply(acting, rows, [], f"deleted {len(rows)}")


def undo(actor: str, change: Change) -> Change:
    """Turn what ``change`` left back into what it found, or say why that no longer can be:
    an entry it left has gone, changed since, or is locked, approved or invoiced now."""
    try:
        with write_transaction():
            acting = lookup.user(actor)
            left = {snap.id: snap for snap in change.after}
            rows = entries.hold(acting, list(left), "undo") if left else []
            current = {row.id: _snapshot(row) for row in rows}
            found = {was.id for was in change.before}
            for entry_id in set(left) - found:
                if current[entry_id] != left[entry_id]:
                    raise Conflict(f"entry {entry_id} has changed since")
            wanted = [_undone(was, left.get(was.id), current.get(was.id)) for was in change.before]
            return _apply(acting, rows, wanted, f"undid: {change.summary}")
    except TallyError as exc:
        raise type(exc)(f"cannot undo “{change.summary}”: {exc}") from exc


def _undone(was: Snapshot, left: Snapshot | None, current: Snapshot | None) -> Snapshot:
    """``was`` again. An entry the change kept gets back only the fields the change set, and
    only while they are as it left them: a later edit of other fields stays."""
    if left is None:
        return was
    touched = {name: value for name, value in was.__dict__.items() if getattr(left, name) != value}
    if any(getattr(current, name) != getattr(left, name) for name in touched):
        raise Conflict(f"entry {was.id} has changed since")
    return _with(current, **touched)
