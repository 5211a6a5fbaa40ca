"""Time entries: adding, listing, editing and deleting sessions, with the rules that keep
billed and locked time untouchable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from ..domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..domain.localtime import days_to_utc_range, format_utc, local_date, local_datetime
from ..domain.timesheet import entry_state, is_locked
from ..store.bulk import stream
from ..store.db import locking, write_transaction
from ..store.models import (
    Client,
    Invoice,
    InvoiceLine,
    Project,
    RunningTimer,
    TimeEntry,
    User,
    db,
)
from . import lookup, permissions
from .clock import now_utc
from .views import EntryView

SOURCES = ("capture", "manual", "import")


@dataclass(frozen=True)
class NewEntry:
    project: str
    start_utc: int
    end_utc: int
    description: str = ""
    billable: bool | None = None  # None: the project's default
    source: str = "manual"


@dataclass(frozen=True)
class EntryChanges:
    project: str | None = None
    start_utc: int | None = None
    end_utc: int | None = None
    description: str | None = None
    billable: bool | None = None


@dataclass(frozen=True)
class EntryFilter:
    first: date | None = None
    last: date | None = None
    project: str | None = None
    client: str | None = None
    user: str | None = None
    viewer: str | None = None  # who is looking: consultants see only their own time


_OWNER = User.alias("owner")


def entry_query():
    """Entries with just the related columns a view needs (whole related rows cost 10×)."""
    return (
        TimeEntry.select(
            TimeEntry,
            Project.id,
            Project.name,
            Client.name,
            _OWNER.id,
            _OWNER.name,
            _OWNER.locked_until,
            InvoiceLine.id,
            Invoice.number,
        )
        .join(Project)
        .join(Client)
        .switch(TimeEntry)
        .join(_OWNER, on=(TimeEntry.user == _OWNER.id))
        .switch(TimeEntry)
        .join(InvoiceLine, JOIN.LEFT_OUTER)
        .join(Invoice, JOIN.LEFT_OUTER)
    )


def view(row: TimeEntry, tz: str) -> EntryView:
    day = local_date(row.start_utc, tz)
    invoice = row.invoice_line.invoice.number if row.invoice_line_id else None
    return EntryView(
        id=row.id,
        project=row.project.name,
        client=row.project.client.name,
        user=row.user.name,
        start_utc=row.start_utc,
        end_utc=row.end_utc,
        day=day,
        description=row.description,
        billable=row.billable,
        source=row.source,
        state=entry_state(day, row.user.locked_until, row.approved_at is not None),
        invoice=invoice,
    )


def check_times(start: int, end: int) -> None:
    if end == start:
        raise InvalidInput("end: the entry has no length (end equals start)")
    if end < start:
        raise InvalidInput(f"end: {format_utc(end)} is before start {format_utc(start)}")


def check_ended(end: int, now: int, tz: str) -> None:
    """An entry records time already worked; work in progress is capture's (or a timer's)."""
    if end > now:
        raise InvalidInput(
            f"end: {local_datetime(end, tz):%Y-%m-%d %H:%M} is in the future "
            f"(now {local_datetime(now, tz):%Y-%m-%d %H:%M}); an entry records time already "
            "worked, so add it once it has ended"
        )


def check_unlocked(owner: User, start: int, tz: str, verb: str) -> None:
    day = local_date(start, tz)
    if is_locked(day, owner.locked_until):
        raise Conflict(
            f"cannot {verb} time on {day.isoformat()}: {owner.name}'s timesheet is locked "
            f"until {owner.locked_until.isoformat()}"
        )


def check_no_overlap(owner: User, start: int, end: int, tz: str, ignore: int | None = None) -> None:
    query = (
        TimeEntry.select(TimeEntry, Project)
        .join(Project)
        .where(
            (TimeEntry.user == owner) & (TimeEntry.start_utc < end) & (TimeEntry.end_utc > start)
        )
    )
    if ignore is not None:
        query = query.where(TimeEntry.id != ignore)
    clash = query.order_by(TimeEntry.start_utc).first()
    if clash is not None:
        begin = local_datetime(clash.start_utc, tz).strftime("%Y-%m-%d %H:%M")
        finish = local_datetime(clash.end_utc, tz).strftime("%H:%M")
        raise Conflict(
            f"overlaps {owner.name}'s entry {clash.id} ({clash.project.name}, {begin}–{finish}); "
            "trim or delete it first"
        )
    timer = (
        RunningTimer.select(RunningTimer, Project.name)
        .join(Project)
        .where((RunningTimer.user == owner) & (RunningTimer.start_utc < end))
        .first()
    )
    if timer is not None:
        since = local_datetime(timer.start_utc, tz).strftime("%Y-%m-%d %H:%M")
        raise Conflict(
            f"overlaps {owner.name}'s running timer ({timer.project.name}, since {since}); "
            "stop it first, or end the entry before it started"
        )


def check_editable(row: TimeEntry, tz: str, verb: str) -> None:
    if row.invoice_line_id is not None:
        # Just the number: all of the invoice a consultant may read on a team database.
        number = (
            Invoice.select(Invoice.number)
            .join(InvoiceLine)
            .where(InvoiceLine.id == row.invoice_line_id)
            .scalar()
        )
        raise Conflict(
            f"entry {row.id} is billed on invoice {number}; remove its line from the invoice "
            f"or credit it before you {verb} it"
        )
    if row.approved_at is not None:
        raise Conflict(f"entry {row.id} is approved; the approval must be withdrawn first")
    check_unlocked(row.user, row.start_utc, tz, verb)


def add(actor: str, entry: NewEntry, user: str | None = None) -> EntryView:
    if entry.source not in SOURCES:
        raise InvalidInput(f"source: {entry.source!r} is not one of {', '.join(SOURCES)}")
    check_times(entry.start_utc, entry.end_utc)
    with write_transaction():
        org = lookup.organisation()
        acting = lookup.user(actor)
        owner = lookup.user(user or actor, hold="share")
        permissions.require(acting, "entry.write", owner=owner)
        project = lookup.project(entry.project)
        if project.archived:
            raise Conflict(f"project {project.name!r} is archived")
        now = now_utc()
        check_ended(entry.end_utc, now, org.timezone)
        check_unlocked(owner, entry.start_utc, org.timezone, "add")
        check_no_overlap(owner, entry.start_utc, entry.end_utc, org.timezone)
        row = TimeEntry.create(
            user=owner,
            project=project,
            start_utc=entry.start_utc,
            end_utc=entry.end_utc,
            description=entry.description.strip(),
            source=entry.source,
            billable=project.billable if entry.billable is None else entry.billable,
            created_at=now,
            updated_at=now,
        )
        return get(row.id)


def get(entry_id: int) -> EntryView:
    with db.atomic():
        return view(_load(entry_id), lookup.organisation().timezone)


def list_entries(filters: EntryFilter) -> list[EntryView]:
    """Entries starting on the local days ``first`` to ``last``, oldest first."""
    with stream_entries(filters) as (_, views):
        return list(views)


@contextmanager
def stream_entries(filters: EntryFilter) -> Iterator[tuple[str, Iterator[EntryView]]]:
    """(the organisation's time zone, the entries ``filters`` asks for, oldest first, read
    as they are consumed), all inside one read transaction that lasts as long as the block.

    The filter is checked on entering, so a stream never fails after its first row.
    """
    with db.atomic():
        tz = lookup.organisation().timezone
        views = _views(_selection(filters, tz), tz)
        try:
            yield tz, views
        finally:
            views.close()  # its cursor, before the transaction that reads through it ends


def _selection(filters: EntryFilter, tz: str):
    query = entry_query()
    if filters.first is not None or filters.last is not None:
        first = filters.first or date(1970, 1, 2)
        last = filters.last or date(9999, 12, 30)
        if last < first:
            raise InvalidInput(f"to: {last} is before from {first}")
        start, end = days_to_utc_range(first, last, tz)
        query = query.where((TimeEntry.start_utc >= start) & (TimeEntry.start_utc < end))
    if filters.project:
        query = query.where(TimeEntry.project == lookup.project(filters.project))
    if filters.client:
        query = query.where(Project.client == lookup.client(filters.client))
    if filters.user:
        query = query.where(TimeEntry.user == lookup.user(filters.user))
    if filters.viewer:
        query = visible_to(query, lookup.user(filters.viewer), filters.user)
    return query.order_by(TimeEntry.start_utc, TimeEntry.id)


_VIEW_FIELDS = (
    TimeEntry.id,
    Project.name,
    Client.name,
    _OWNER.name,
    _OWNER.locked_until,
    TimeEntry.start_utc,
    TimeEntry.end_utc,
    TimeEntry.description,
    TimeEntry.billable,
    TimeEntry.source,
    TimeEntry.approved_at,
    Invoice.number,
)


def _views(query, tz: str) -> Iterator[EntryView]:
    """``view`` of each row, from plain tuples: no model object per row."""
    for (
        entry_id,
        project,
        client,
        user,
        locked_until,
        start_utc,
        end_utc,
        description,
        billable,
        source,
        approved_at,
        invoice,
    ) in stream(query, _VIEW_FIELDS):
        day = local_date(start_utc, tz)
        yield EntryView(
            id=entry_id,
            project=project,
            client=client,
            user=user,
            start_utc=start_utc,
            end_utc=end_utc,
            day=day,
            description=description,
            billable=billable,
            source=source,
            state=entry_state(day, locked_until, approved_at is not None),
            invoice=invoice,
        )


def visible_to(query, viewer: User, asked: str | None):
    """Consultants see their own time; approvers also the time of projects they approve;
    finance and admins everyone's."""
    if viewer.role in ("finance", "admin"):
        return query
    if asked is not None and asked != viewer.name and viewer.role == "consultant":
        raise PermissionDenied(
            f"{viewer.name} (consultant) sees only their own time, not {asked}'s"
        )
    mine = TimeEntry.user == viewer.id
    if viewer.role == "approver":
        approved = Project.select(Project.id).where(
            (Project.approver == viewer.id) | (Project.owner == viewer.id)
        )
        return query.where(mine | TimeEntry.project.in_(approved))
    return query.where(mine)


def _load(entry_id: int) -> TimeEntry:
    """The entry with its related names."""
    row = entry_query().where(TimeEntry.id == entry_id).first()
    if row is None:
        raise NotFound(f"entry {entry_id} does not exist")
    return row


def hold(acting: User, entry_ids, verb: str) -> list[TimeEntry]:
    """The entries, each checked that ``acting`` may change it and that it is still open.

    Their owners' rows are held first, then the entries' rows in the order of their start
    (PostgreSQL): the order every writer of time uses, so an approval, a lock move, an
    invoice and this change happen one after another and never wait for each other in a
    circle. The checks therefore still hold when the change is written.
    """
    ids = list(dict.fromkeys(entry_ids))
    owners = TimeEntry.select(TimeEntry.user).where(TimeEntry.id.in_(ids)).tuples()
    lookup.hold_users([owner for (owner,) in owners], share=True)
    tz = lookup.organisation().timezone
    query = entry_query().where(TimeEntry.id.in_(ids)).order_by(TimeEntry.start_utc, TimeEntry.id)
    by_id = {row.id: row for row in locking(query, of=TimeEntry)}
    for entry_id in ids:
        if entry_id not in by_id:
            raise NotFound(f"entry {entry_id} does not exist")
        row = by_id[entry_id]
        permissions.require(acting, "entry.write", owner=row.user)
        check_editable(row, tz, verb)
    return [by_id[entry_id] for entry_id in ids]


def edit(actor: str, entry_id: int, changes: EntryChanges) -> EntryView:
    with write_transaction():
        org = lookup.organisation()
        [row] = hold(lookup.user(actor), [entry_id], "edit")
        if changes.project is not None:
            row.project = lookup.project(changes.project)
        start = row.start_utc if changes.start_utc is None else changes.start_utc
        end = row.end_utc if changes.end_utc is None else changes.end_utc
        check_times(start, end)
        if end != row.end_utc:
            check_ended(end, now_utc(), org.timezone)
        if start != row.start_utc or end != row.end_utc:
            check_unlocked(row.user, start, org.timezone, "move")
            check_no_overlap(row.user, start, end, org.timezone, ignore=row.id)
        row.start_utc, row.end_utc = start, end
        if changes.description is not None:
            row.description, row.description_edited = changes.description.strip(), True
        if changes.billable is not None:
            row.billable = changes.billable
        row.updated_at = now_utc()
        row.save(
            only=[
                TimeEntry.project,
                TimeEntry.start_utc,
                TimeEntry.end_utc,
                TimeEntry.description,
                TimeEntry.description_edited,
                TimeEntry.billable,
                TimeEntry.updated_at,
            ]
        )
        return get(row.id)


def delete(actor: str, entry_id: int) -> EntryView:
    with write_transaction():
        org = lookup.organisation()
        [row] = hold(lookup.user(actor), [entry_id], "delete")
        gone = view(row, org.timezone)
        row.delete_instance()
        return gone
