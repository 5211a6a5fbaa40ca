"""The running timer: one per person, kept in the database so that every terminal and the
interface see the same one. Stopping it records a manual entry (``entries.add``, with the
locking and overlap rules every hand-made entry has); capture leaves its time alone."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import Conflict, NotFound
from ..domain.localtime import local_datetime
from ..domain.timer import check_start, check_stop, is_long
from ..store.db import write_transaction
from ..store.models import Client, Project, RunningTimer, TimeEntry, User, db
from . import entries, lookup, permissions
from .clock import now_utc
from .views import EntryView, TimerView


@dataclass(frozen=True)
class Stopped:
    """What a stop recorded: the entry, or None when a timer was replaced in the second it
    started (it had no length to record)."""

    timer: TimerView
    entry: EntryView | None

    @property
    def long(self) -> bool:
        """Ran more than 12 hours: probably left running; the review trims it."""
        return self.entry is not None and is_long(self.entry.seconds)


@dataclass(frozen=True)
class Started:
    timer: TimerView
    stopped: Stopped | None  # the timer that was running until this one started


def _query():
    return (
        RunningTimer.select(RunningTimer, Project.name, Client.name, User.name)
        .join(Project)
        .join(Client)
        .switch(RunningTimer)
        .join(User)
    )


def _view(row: RunningTimer) -> TimerView:
    return TimerView(
        user=row.user.name,
        project=row.project.name,
        client=row.project.client.name,
        description=row.description,
        start_utc=row.start_utc,
    )


def _describer(tz: str):
    return lambda epoch: local_datetime(epoch, tz).strftime("%Y-%m-%d %H:%M")


def running(actor: str) -> TimerView | None:
    """The acting person's timer, or None."""
    with db.atomic():
        row = _query().where(User.name == actor).first()
        return _view(row) if row is not None else None


def start(actor: str, project: str, at: int | None = None, description: str = "") -> Started:
    """Start a timer at ``at`` (default now). A timer already running stops at that very
    instant, so the two never overlap."""
    with write_transaction():
        org = lookup.organisation()
        owner = lookup.user(actor, hold="update")  # two starts of one person: one at a time
        permissions.require(owner, "entry.write", owner=owner)
        target = lookup.project(project)
        if target.archived:
            raise Conflict(f"project {target.name!r} is archived")
        now, tz = now_utc(), org.timezone
        begin = now if at is None else at
        check_start(begin, now, _describer(tz))
        entries.check_unlocked(owner, begin, tz, "start a timer on")
        stopped = _stop(owner, begin, tz) if _row(owner) is not None else None
        _check_free(owner, begin, now, tz)
        RunningTimer.create(
            user=owner,
            project=target,
            start_utc=begin,
            description=description.strip(),
            created_at=now,
        )
        _make_way(owner, begin, tz)
        return Started(_view(_query().where(RunningTimer.user == owner).get()), stopped)


def stop(actor: str, at: int | None = None) -> Stopped:
    """Stop the timer at ``at`` (default now) and record its time as a manual entry."""
    with write_transaction():
        org = lookup.organisation()
        owner = lookup.user(actor, hold="update")
        end = now_utc() if at is None else at
        stopped = _stop(owner, end, org.timezone)
        _make_way(owner, end, org.timezone)  # heartbeats after the stop count again
        return stopped


def cancel(actor: str) -> TimerView:
    """Drop the timer without recording anything."""
    with write_transaction():
        org = lookup.organisation()
        owner = lookup.user(actor, hold="update")
        row = _running_row(owner)
        gone = _view(row)
        row.delete_instance()
        _make_way(owner, gone.start_utc, org.timezone)
        return gone


def _capture():
    """Capture's service, imported by the writes that need it: the review reads the timer
    with every week, and does not need capture's rules for it."""
    from . import capture

    return capture


def _make_way(owner: User, since: int, tz: str) -> None:
    _capture().make_way(owner, since, tz)


def _row(owner: User) -> RunningTimer | None:
    return _query().where(RunningTimer.user == owner).first()


def _running_row(owner: User) -> RunningTimer:
    row = _row(owner)
    if row is None:
        raise NotFound(f"no timer is running for {owner.name}; `tally start PROJECT` starts one")
    return row


def _stop(owner: User, end: int, tz: str) -> Stopped:
    row = _running_row(owner)
    timer = _view(row)
    if end == row.start_utc:  # replaced in the second it started: nothing to record
        row.delete_instance()
        return Stopped(timer, None)
    check_stop(row.start_utc, end, _describer(tz))
    row.delete_instance()
    entry = entries.add(
        owner.name,
        entries.NewEntry(
            project=timer.project,
            start_utc=timer.start_utc,
            end_utc=end,
            description=timer.description,
        ),
    )
    return Stopped(timer, entry)


def _check_free(owner: User, begin: int, now: int, tz: str) -> None:
    """The time from ``begin`` to now holds no entry capture may not move: the same rule as
    for a manual entry. Open captured sessions give way (``capture.make_way``)."""
    clash = (
        TimeEntry.select(TimeEntry, Project.name)
        .join(Project)
        .where(
            (TimeEntry.user == owner)
            & (TimeEntry.start_utc < max(now, begin + 1))
            & (TimeEntry.end_utc > begin)
            & _capture().protected(owner, tz)
        )
        .order_by(TimeEntry.start_utc)
        .first()
    )
    if clash is not None:
        describe = _describer(tz)
        raise Conflict(
            f"a timer from {describe(begin)} would overlap {owner.name}'s entry {clash.id} "
            f"({clash.project.name}, {describe(clash.start_utc)}–"
            f"{local_datetime(clash.end_utc, tz):%H:%M}); start it after that entry ends"
        )
