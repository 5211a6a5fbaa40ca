"""Locking timesheets: once a person locks their time up to a day, it is what gets billed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from peewee import fn

from ..domain.errors import Conflict
from ..domain.localtime import day_start
from ..store.db import write_transaction
from ..store.models import TimeEntry, TimesheetEvent, User, db
from . import lookup
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


def _record(owner: User, action: str, until: date, actor: User) -> None:
    TimesheetEvent.create(user=owner, action=action, until=until, actor=actor, at=now_utc())


def lock(actor: str, until: date, user: str | None = None) -> UserView:
    """Lock ``user``'s time up to and including ``until``."""
    with write_transaction():
        lookup.organisation()
        acting = lookup.user(actor)
        owner = lookup.user(user or actor)
        if owner.locked_until is not None and owner.locked_until >= until:
            raise Conflict(
                f"{owner.name}'s timesheet is locked until {owner.locked_until.isoformat()} "
                "already; unlock first to move the lock back"
            )
        owner.locked_until = until
        owner.save()
        _record(owner, "lock", until, acting)
        return UserView(owner.name, owner.role, owner.locked_until)


def unlock(actor: str, until: date, user: str | None = None) -> UserView:
    """Move the lock back so that days after ``until`` are open again.

    Invoiced and approved entries stay protected by their own rules.
    """
    with write_transaction():
        lookup.organisation()
        acting = lookup.user(actor)
        owner = lookup.user(user or actor)
        if owner.locked_until is None or owner.locked_until <= until:
            current = owner.locked_until.isoformat() if owner.locked_until else "never locked"
            raise Conflict(f"{owner.name}'s timesheet is not locked after {until} ({current})")
        owner.locked_until = until
        owner.save()
        _record(owner, "unlock", until, acting)
        return UserView(owner.name, owner.role, owner.locked_until)


def status() -> list[TimesheetStatus]:
    """Per person: how far time is locked, and the uninvoiced hours open, locked, approved."""
    with db.atomic():
        org = lookup.organisation()
        result = []
        for person in User.select().order_by(User.name):
            uninvoiced = TimeEntry.select(
                fn.COALESCE(fn.SUM(TimeEntry.end_utc - TimeEntry.start_utc), 0)
            ).where((TimeEntry.user == person) & TimeEntry.invoice_line.is_null())
            boundary = _after(person.locked_until, org.timezone) if person.locked_until else None
            approved = uninvoiced.where(TimeEntry.approved_at.is_null(False)).scalar()
            pending = uninvoiced.where(TimeEntry.approved_at.is_null())
            if boundary is None:
                open_seconds, locked = pending.scalar(), 0
            else:
                open_seconds = pending.where(TimeEntry.start_utc >= boundary).scalar()
                locked = pending.where(TimeEntry.start_utc < boundary).scalar()
            result.append(
                TimesheetStatus(
                    user=person.name,
                    role=person.role,
                    locked_until=person.locked_until,
                    open_seconds=open_seconds,
                    locked_seconds=locked,
                    approved_seconds=approved,
                )
            )
        return result


def _after(day: date, tz: str) -> int:
    """First instant after the local day ``day``."""
    return day_start(day + timedelta(days=1), tz)
