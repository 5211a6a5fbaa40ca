"""Locking timesheets: once a person locks their time up to a day, it is what gets billed
(after approval, for projects that want one). Every move of a lock is recorded with who
made it and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, Case, fn

from ..domain.errors import Conflict
from ..domain.invoicing import hours
from ..domain.localtime import day_end
from ..domain.timesheet import lock_state
from ..store.db import write_transaction
from ..store.models import Project, TimeEntry, TimesheetEvent, User, db
from . import lookup, permissions
from .clock import now_utc
from .views import UserView


@dataclass(frozen=True)
class TimesheetStatus:
    user: str
    role: str
    locked_until: date | None
    open_seconds: int
    locked_seconds: int
    approved_seconds: int
    pending_approval_seconds: int = 0  # part of locked_seconds: waits for an approver


@dataclass(frozen=True)
class Event:
    at: int
    user: str
    action: str  # lock | unlock | approve | send_back | withdraw
    until: date
    project: str | None
    actor: str | None
    comment: str


def waits_for_approval():
    """SQL condition on ``Project``: its locked time waits for someone to approve it."""
    return Project.approval_required & (
        Project.approver.is_null(False) | Project.owner.is_null(False)
    )


def needs_approval(project: Project) -> bool:
    """Whether the project's locked time waits for an approval: a flow without an approver
    or an owner approves itself."""
    return bool(project.approval_required) and (
        project.approver_id is not None or project.owner_id is not None
    )


def locked_until(user: str) -> date | None:
    """The last day ``user`` has locked, if any: what every status line shows."""
    with db.atomic():
        return lookup.user(user).locked_until


def record(owner: User | int, action: str, until: date, actor: User, **extra) -> None:
    """Note a change of someone's timesheet: who did it, when, and why."""
    TimesheetEvent.create(
        user=owner, action=action, until=until, actor=actor, at=now_utc(), **extra
    )


def lock(actor: str, until: date, user: str | None = None) -> UserView:
    """Lock ``user``'s time up to and including ``until``: consultants their own, admins
    anyone's."""
    with write_transaction():
        lookup.organisation()
        acting = lookup.user(actor)
        owner = lookup.user(user or actor, hold="update")
        permissions.require(acting, "timesheet.lock", owner=owner)
        if owner.locked_until is not None and owner.locked_until >= until:
            raise Conflict(
                f"{owner.name}'s timesheet is locked until {owner.locked_until.isoformat()} "
                "already; an admin unlocks it to move the lock back"
            )
        owner.locked_until = until
        owner.save()
        record(owner, "lock", until, acting)
        return UserView(owner.name, owner.role, owner.locked_until)


def unlock(actor: str, until: date, user: str | None = None) -> UserView:
    """Move the lock back so that days after ``until`` are open again (admins only).

    Invoiced and approved entries stay protected by their own rules.
    """
    with write_transaction():
        lookup.organisation()
        acting = lookup.user(actor)
        owner = lookup.user(user or actor, hold="update")
        permissions.require(acting, "timesheet.unlock", owner=owner)
        if owner.locked_until is None or owner.locked_until <= until:
            current = owner.locked_until.isoformat() if owner.locked_until else "never locked"
            raise Conflict(f"{owner.name}'s timesheet is not locked after {until} ({current})")
        owner.locked_until = until
        owner.save()
        record(owner, "unlock", until, acting)
        return UserView(owner.name, owner.role, owner.locked_until)


@dataclass(frozen=True)
class LockMove:
    """What moving someone's lock from ``before`` to ``after`` does to their uninvoiced
    time: locking makes the open time of every project up to ``after`` final, moving it
    back opens the locked time after ``after`` again. ``projects`` are (project, seconds)."""

    user: str
    before: date | None
    after: date
    projects: tuple[tuple[str, int], ...]

    @property
    def seconds(self) -> int:
        return sum(seconds for _, seconds in self.projects)

    @property
    def locking(self) -> bool:
        return self.before is None or self.after > self.before

    def describe(self) -> str:
        """One text for the dialog that asks and the command that did it: the date, each
        project and its hours."""
        head = f"{self.user}: {lock_state(self.before)} → {lock_state(self.after)}. "
        if self.locking:
            what = f"Open time up to {self.after}"
            done = "becomes final, on every project"
        else:
            what = f"Locked time after {self.after}"
            done = "opens again, on every project"
        if not self.projects:
            return f"{head}{what}: none."
        figures = ", ".join(f"{name} {hours(seconds)} h" for name, seconds in self.projects)
        if len(self.projects) > 1:
            figures += f" ({hours(self.seconds)} h in all)"
        return f"{head}{what} {done}: {figures}."


def lock_move(user: str, until: date) -> LockMove:
    """What locking ``user``'s time up to ``until`` (or moving their lock back to it)
    would change, read only: what a dialog shows before, and a command prints after."""
    with db.atomic():
        tz = lookup.organisation().timezone
        return moved(lookup.user(user), until, tz)


def moved(owner: User, until: date, tz: str, returning: Collection[int] = ()) -> LockMove:
    """``LockMove`` of ``owner``'s lock to ``until``; ``returning`` are entries whose
    approval is cleared on the way (sent back), so they count though approved."""
    before = owner.locked_until
    first, last = sorted((before, until)) if before is not None else (None, until)
    span = TimeEntry.start_utc < day_end(last, tz)
    if first is not None:
        span &= TimeEntry.start_utc >= day_end(first, tz)
    changes = TimeEntry.approved_at.is_null()
    if returning:
        changes = changes | TimeEntry.id.in_(list(returning))
    query = (
        TimeEntry.select(Project.name, fn.SUM(TimeEntry.end_utc - TimeEntry.start_utc))
        .join(Project)
        .where((TimeEntry.user == owner.id) & TimeEntry.invoice_line.is_null() & span & changes)
        .group_by(Project.name)
        .order_by(Project.name)
    )
    return LockMove(owner.name, before, until, tuple((n, int(s)) for n, s in query.tuples()))


def status() -> list[TimesheetStatus]:
    """Per person: how far time is locked, and the uninvoiced hours open, locked (of which
    pending approval) and approved."""
    with db.atomic():
        timezone = lookup.organisation().timezone
        people = list(User.select().order_by(User.name))
        sharing: dict[date | None, list[int]] = defaultdict(list)
        for person in people:
            sharing[person.locked_until].append(person.id)
        found: dict[int, dict[str, int]] = {}
        for until, ids in sharing.items():
            found |= _sums(ids, day_end(until, timezone) if until else None)
    return [_status_of(person, found.get(person.id, {})) for person in people]


def _status_of(person: User, sums: dict[str, int]) -> TimesheetStatus:
    return TimesheetStatus(
        user=person.name,
        role=person.role,
        locked_until=person.locked_until,
        open_seconds=sums.get("open", 0),
        locked_seconds=sums.get("locked", 0),
        approved_seconds=sums.get("approved", 0),
        pending_approval_seconds=sums.get("waiting", 0),
    )


def _sums(ids: list[int], boundary: int | None) -> dict[int, dict[str, int]]:
    """The uninvoiced seconds of the people ``ids``, whose locks end at the same instant
    ``boundary`` (None: never locked), by person: one query for all of them, over the
    ``time_entry_unbilled`` index that holds those entries with every column read here."""
    seconds = TimeEntry.end_utc - TimeEntry.start_utc
    unapproved = TimeEntry.approved_at.is_null()
    sums = {"approved": ~unapproved, "open": unapproved}
    if boundary is not None:
        in_lock = unapproved & (TimeEntry.start_utc < boundary)
        sums |= {"open": unapproved & ~in_lock, "locked": in_lock}
        waiting = Project.select(Project.id).where(waits_for_approval())
        sums["waiting"] = in_lock & TimeEntry.project.in_(waiting)
    query = (
        TimeEntry.select(
            TimeEntry.user,
            *(fn.COALESCE(fn.SUM(Case(None, [(when, seconds)], 0)), 0) for when in sums.values()),
        )
        .where(TimeEntry.user.in_(ids) & TimeEntry.invoice_line.is_null())
        .group_by(TimeEntry.user)
        .tuples()
    )
    return {
        user: dict(zip(sums, (int(total) for total in totals), strict=True))
        for user, *totals in query
    }


def history(user: str | None = None, limit: int = 100) -> list[Event]:
    """The newest lock, unlock and approval records, of one person when given."""
    owner, actor = User.alias("owner"), User.alias("actor")
    with db.atomic():
        query = (
            TimesheetEvent.select(
                TimesheetEvent.at,
                owner.name,
                TimesheetEvent.action,
                TimesheetEvent.until,
                Project.name,
                actor.name,
                TimesheetEvent.comment,
            )
            .join(owner, on=TimesheetEvent.user == owner.id)
            .switch(TimesheetEvent)
            .join(Project, JOIN.LEFT_OUTER)
            .switch(TimesheetEvent)
            .join(actor, JOIN.LEFT_OUTER, on=TimesheetEvent.actor == actor.id)
            .order_by(TimesheetEvent.at.desc(), TimesheetEvent.id.desc())
            .limit(limit)
        )
        if user is not None:
            query = query.where(TimesheetEvent.user == lookup.user(user))
        return [Event(*row) for row in query.tuples()]
