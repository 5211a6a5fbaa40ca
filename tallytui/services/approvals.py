"""Approval flows: the locked time of a project that requires approval waits for its
approver (the named approver, else the project's owner); a flow with neither approves
itself, so its locked time is ready at once.

Approving, sending back and withdrawing hold the people's rows and then the entries' rows
(PostgreSQL; SQLite writers hold the whole database), the order every writer of time
uses, so an entry never changes between the checks and the write. A caller that showed
the time first passes the versions it showed (``seen``); if anything changed since, nothing
is done. So an approved entry is always exactly what its approver approved.

Sending back reopens the time for its owner, as Kimai's and Clockify's "reject" do: the
approval is cleared, the comment is recorded, and the owner's lock moves back to the day
before the earliest returned entry (recorded as an unlock by the approver), so the owner
can fix the entries and lock them again.
"""

from __future__ import annotations

import hashlib
import operator
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import reduce

from ..domain.errors import Conflict, InvalidInput
from ..domain.localtime import day_end, days_to_utc_range, iso_week, local_date
from ..domain.timesheet import lock_state
from ..store.db import locking, write_transaction
from ..store.models import Project, TimeEntry, User, db
from . import entries, lookup, permissions
from .clock import now_utc
from .timesheets import LockMove, moved, needs_approval, record, waits_for_approval
from .views import EntryView

CHUNK = 500  # ids per statement


def version(row: TimeEntry) -> str:
    """What an approver saw of an entry: its times, project, text and billable flag (a
    timestamp would not do: two edits within a second share it)."""
    shown = f"{row.start_utc}|{row.end_utc}|{row.project_id}|{row.billable}|{row.description}"
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Scope:
    """Which time: one person's or everyone's the actor approves, one project's or all the
    actor approves, between two days (either end open)."""

    user: str | None = None
    project: str | None = None
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class Outcome:
    entries: tuple[EntryView, ...]  # as they are now
    locks: tuple[tuple[str, date], ...] = ()  # send back: each owner's new lock

    @property
    def seconds(self) -> int:
        return sum(e.seconds for e in self.entries)

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(sorted({e.user for e in self.entries}))


@dataclass(frozen=True)
class Group:
    """One person's week of time that the viewer approves: what waits, and what is
    approved but not yet invoiced (so it can be withdrawn)."""

    user: str
    first: date
    last: date
    projects: tuple[str, ...]
    pending_seconds: int
    approved_seconds: int
    pending: tuple[tuple[int, str], ...]  # (entry id, version) as shown
    approved: tuple[tuple[int, str], ...]
    entries: tuple[EntryView, ...]

    @property
    def scope(self) -> Scope:
        return Scope(user=self.user, first=self.first, last=self.last)


def _projects(acting: User, scope: Scope) -> list[Project]:
    """Projects whose time ``acting`` may approve, within the scope; refuses at once what
    the scope names and the actor may not approve."""
    if acting.role not in permissions.RULES["timesheet.approve"]:
        permissions.require(acting, "timesheet.approve")
    if scope.user == acting.name and acting.role != "admin":
        permissions.require(acting, "timesheet.approve", owner=acting)
    if scope.project is None:
        found = list(Project.select().where(waits_for_approval()).order_by(Project.id))
    else:
        project = lookup.project(scope.project)
        if not project.approval_required:
            raise Conflict(
                f"{project.name} does not require approval: its locked time is ready as it is"
            )
        if not needs_approval(project):
            raise Conflict(
                f"{project.name} has neither an approver nor an owner, so its locked time "
                f"approves itself; name one with tally project set {project.name!r} --approver"
            )
        if not permissions.approves(acting, project):
            permissions.require(acting, "timesheet.approve", project=project)
        found = [project]
    return [p for p in found if acting.role == "admin" or permissions.approves(acting, p)]


def _locked_time(acting: User, scope: Scope, projects: list[Project], owners, tz: str):
    """Uninvoiced entries on the owners' locked days, in the projects and the scope."""
    query = entries.entry_query().where(
        TimeEntry.invoice_line.is_null() & TimeEntry.project.in_([p.id for p in projects])
    )
    if scope.first is not None or scope.last is not None:
        start, end = days_to_utc_range(
            scope.first or date(1970, 1, 2), scope.last or date(9999, 12, 30), tz
        )
        query = query.where((TimeEntry.start_utc >= start) & (TimeEntry.start_utc < end))
    locked = [
        (TimeEntry.user == o.id) & (TimeEntry.start_utc < day_end(o.locked_until, tz))
        for o in owners
        if o.locked_until is not None and (o.id != acting.id or acting.role == "admin")
    ]
    if not locked:
        return None
    return query.where(reduce(operator.or_, locked))


def _select(
    acting: User,
    scope: Scope,
    state: str,
    tz: str,
    seen: Mapping[int, str] | None,
    share: bool | None,
) -> tuple[list[TimeEntry], dict[int, User]]:
    """The entries in ``state`` (pending, approved or either) the actor may act on, with
    their owners' rows and then their own rows held (``share`` None: only read, for a
    preview); refuses if they differ from ``seen``."""
    projects = _projects(acting, scope)
    if scope.user is not None:
        candidates = [lookup.user(scope.user).id]
    elif (first_pass := _locked_time(acting, scope, projects, User.select(), tz)) is None:
        candidates = []
    else:
        candidates = [u for (u,) in first_pass.select(TimeEntry.user).distinct().tuples()]
    if share is None:
        owners = {u.id: u for u in User.select().where(User.id.in_(candidates))}
    else:
        owners = lookup.hold_users(candidates, share=share)
    query = _locked_time(acting, scope, projects, owners.values(), tz) if projects else None
    rows = []
    if query is not None:
        if state == "pending":
            query = query.where(TimeEntry.approved_at.is_null())
        elif state == "approved":
            query = query.where(TimeEntry.approved_at.is_null(False))
        query = query.order_by(TimeEntry.start_utc, TimeEntry.id)
        rows = list(query if share is None else locking(query, of=TimeEntry))
    if seen is not None and {row.id: version(row) for row in rows} != dict(seen):
        raise Conflict(
            "this time changed since it was shown (edited, added, removed or approved by "
            "someone else); nothing was changed, look at it again"
        )
    return rows, owners


def _nothing(verb: str, scope: Scope, owners: dict[int, User]) -> Conflict:
    where = f" in {scope.project}" if scope.project else ""
    until = f" up to {scope.last}" if scope.last else ""
    locks = "; ".join(
        f"{o.name}'s timesheet is {lock_state(o.locked_until)}" for o in owners.values()
    )
    return Conflict(
        f"nothing to {verb}{where}{until}: only locked, uninvoiced time of projects you "
        f"approve can be{' approved' if verb == 'approve' else ' changed'}"
        + (f" ({locks})" if locks else "")
    )


def _set_approval(rows: list[TimeEntry], by: User | None, at: int | None) -> None:
    ids = [row.id for row in rows]
    for start in range(0, len(ids), CHUNK):
        TimeEntry.update(approved_by=by, approved_at=at).where(
            TimeEntry.id.in_(ids[start : start + CHUNK])
        ).execute()


def _record_per_project(
    rows: list[TimeEntry], action: str, acting: User, tz: str, comment: str = ""
) -> None:
    last: dict[tuple[int, int], date] = {}
    for row in rows:
        key = (row.user.id, row.project.id)
        last[key] = max(last.get(key, date.min), local_date(row.start_utc, tz))
    for (user_id, project_id), until in sorted(last.items()):
        record(user_id, action, until, acting, project=project_id, comment=comment)


def _views(rows: list[TimeEntry], tz: str, state: str) -> tuple[EntryView, ...]:
    return tuple(replace(entries.view(row, tz), state=state) for row in rows)


def approve(actor: str, scope: Scope, seen: Mapping[int, str] | None = None) -> Outcome:
    """Approve the locked, uninvoiced time in ``scope`` that waits for the actor's approval
    (an approver's own time waits for an admin)."""
    with write_transaction():
        tz = lookup.organisation().timezone
        acting = lookup.user(actor)
        rows, owners = _select(acting, scope, "pending", tz, seen, share=True)
        if not rows:
            raise _nothing("approve", scope, owners)
        _set_approval(rows, acting, now_utc())
        _record_per_project(rows, "approve", acting, tz)
        return Outcome(_views(rows, tz, "approved"))


def withdraw(actor: str, scope: Scope, seen: Mapping[int, str] | None = None) -> Outcome:
    """Withdraw the approval of uninvoiced time in ``scope``; it is locked and pending
    again (to change it, send it back)."""
    with write_transaction():
        tz = lookup.organisation().timezone
        acting = lookup.user(actor)
        rows, owners = _select(acting, scope, "approved", tz, seen, share=True)
        if not rows:
            raise _nothing("withdraw", scope, owners)
        _set_approval(rows, None, None)
        _record_per_project(rows, "withdraw", acting, tz)
        return Outcome(_views(rows, tz, "locked"))


def send_back(
    actor: str, scope: Scope, comment: str, seen: Mapping[int, str] | None = None
) -> Outcome:
    """Return locked time (approved or not) to its owner to fix, with a comment: its
    approval is cleared and the owner's lock moves back before it."""
    comment = comment.strip()
    if not comment:
        raise InvalidInput("comment: say what needs fixing, so the person knows")
    with write_transaction():
        tz = lookup.organisation().timezone
        acting = lookup.user(actor)
        rows, owners = _select(acting, scope, "any", tz, seen, share=False)
        if not rows:
            raise _nothing("send back", scope, owners)
        _set_approval(rows, None, None)
        _record_per_project(rows, "send_back", acting, tz, comment)
        locks = []
        for user_id, until in sorted(_reopened(rows, tz).items()):
            owner = owners[user_id]
            owner.locked_until = until
            owner.save(only=[User.locked_until])
            record(owner, "unlock", owner.locked_until, acting, comment=comment)
            locks.append((owner.name, owner.locked_until))
        return Outcome(_views(rows, tz, "open"), tuple(locks))


def _reopened(rows: list[TimeEntry], tz: str) -> dict[int, date]:
    """Each owner's lock after a send back: the day before their earliest returned entry."""
    earliest: dict[int, date] = {}
    for row in rows:
        day = local_date(row.start_utc, tz)
        earliest[row.user.id] = min(earliest.get(row.user.id, day), day)
    return {user_id: day - timedelta(days=1) for user_id, day in earliest.items()}


def send_back_preview(
    actor: str, scope: Scope, seen: Mapping[int, str] | None = None
) -> tuple[LockMove, ...]:
    """What sending back ``scope`` would do, read only: per owner, where the lock moves
    and the hours of each project that open again (the returned time and any other locked
    time after the new lock)."""
    with db.atomic():
        tz = lookup.organisation().timezone
        acting = lookup.user(actor)
        rows, owners = _select(acting, scope, "any", tz, seen, share=None)
        if not rows:
            raise _nothing("send back", scope, owners)
        returning = [row.id for row in rows]
        return tuple(
            moved(owners[user_id], until, tz, returning)
            for user_id, until in sorted(_reopened(rows, tz).items())
        )


@dataclass(frozen=True)
class Person:
    """Someone whose weeks the actor may open in the review."""

    name: str
    role: str
    editable: bool  # the actor may change their entries


def reviewable(actor: str) -> list[Person]:
    """Whose weeks ``actor`` may open: their own, and everyone's for those who approve
    time or change anyone's (approvers, admins); the others' weeks are read-only where
    the actor may not change their entries."""
    with db.atomic():
        acting = lookup.user(actor)
        oversees = acting.role in permissions.RULES["timesheet.approve"] or (
            permissions.RULES["entry.write"].get(acting.role) == permissions.ANY
        )
        people = User.select().order_by(User.name)
        if not oversees:
            people = people.where(User.id == acting.id)
        return [
            Person(p.name, p.role, permissions.may(acting, "entry.write", owner=p)) for p in people
        ]


def approvals(actor: str) -> list[Group]:
    """What the actor approves, per person and ISO week: time waiting for them, and
    approved time not yet invoiced."""
    with db.atomic():
        tz = lookup.organisation().timezone
        acting = lookup.user(actor)
        projects = _projects(acting, Scope())
        query = _locked_time(acting, Scope(), projects, User.select(), tz) if projects else None
        groups: dict[tuple[str, date], list[TimeEntry]] = defaultdict(list)
        for row in [] if query is None else query.order_by(TimeEntry.start_utc, TimeEntry.id):
            groups[(row.user.name, iso_week(local_date(row.start_utc, tz))[0])].append(row)
        return [_group(user, monday, rows, tz) for (user, monday), rows in sorted(groups.items())]


def _group(user: str, monday: date, rows: list[TimeEntry], tz: str) -> Group:
    pending = [r for r in rows if r.approved_at is None]
    approved = [r for r in rows if r.approved_at is not None]
    return Group(
        user=user,
        first=monday,
        last=monday + timedelta(days=6),
        projects=tuple(sorted({r.project.name for r in rows})),
        pending_seconds=sum(r.end_utc - r.start_utc for r in pending),
        approved_seconds=sum(r.end_utc - r.start_utc for r in approved),
        pending=tuple((r.id, version(r)) for r in pending),
        approved=tuple((r.id, version(r)) for r in approved),
        entries=tuple(entries.view(r, tz) for r in rows),
    )
