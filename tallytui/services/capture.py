"""Recording heartbeats and keeping a person's captured sessions up to date.

Sessions are derived data: whenever heartbeats arrive, the open capture sessions from a
little before the first new heartbeat onwards are thrown away and derived again. Time that
is already accounted for — manual and imported entries, locked days, approved or invoiced
sessions — is never touched and never overlapped.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from peewee import OperationalError

from ..capture.rules import CaptureRules, folders_of
from ..domain.localtime import day_end, day_start
from ..domain.sessions import DEFAULT_IDLE, Beat, Session, derive, subtract
from ..store.bulk import insert_rows
from ..store.db import write_transaction
from ..store.models import (
    BrowserCursor,
    Heartbeat,
    IgnorePattern,
    Project,
    RunningTimer,
    Setting,
    TimeEntry,
    UrlPattern,
    User,
    WatchFolder,
    db,
)
from . import lookup, permissions
from .clock import now_utc

COLLAPSE = 60  # the same file or URL more often than once a minute is one heartbeat
RETRIES = 5
IDLE_SETTING = "capture.idle_minutes"
UNTIL_STOPPED = 2**53  # the end of a running timer's span, as far as capture is concerned


@dataclass(frozen=True)
class RawBeat:
    at: int
    source: str  # file | url
    target: str
    project_id: int


@dataclass(frozen=True)
class Recorded:
    stored: int
    sessions: int


def rules() -> CaptureRules:
    """Every project's watched folders and URL patterns, and the ignore patterns."""
    with db.atomic():
        live = Project.select(Project.id).where(Project.archived == False)  # noqa: E712
        return CaptureRules(
            folders=folders_of(
                (f.path, f.project_id)
                for f in WatchFolder.select().where(WatchFolder.project.in_(live))
            ),
            urls={
                u.pattern: u.project_id
                for u in UrlPattern.select().where(UrlPattern.project.in_(live))
            },
            ignore=tuple(p.pattern for p in IgnorePattern.select()),
        )


@dataclass(frozen=True)
class WatchedFolder:
    project: str
    path: str
    exists: bool


@dataclass(frozen=True)
class CaptureStatus:
    """What capture watches (folders of projects that are not archived) and when it last
    recorded anything; a folder that does not exist is watched again once it appears."""

    folders: tuple[WatchedFolder, ...]
    url_patterns: int
    last_heartbeat: int | None  # UTC epoch seconds

    @property
    def missing(self) -> tuple[WatchedFolder, ...]:
        return tuple(f for f in self.folders if not f.exists)


def status() -> CaptureStatus:
    live = Project.archived == False  # noqa: E712
    with db.atomic():
        folders = tuple(
            WatchedFolder(f.project.name, f.path, os.path.isdir(f.path))
            for f in WatchFolder.select(WatchFolder, Project)
            .join(Project)
            .where(live)
            .order_by(Project.name, WatchFolder.path)
        )
        urls = UrlPattern.select().join(Project).where(live).count()
        last = Heartbeat.select(Heartbeat.at).order_by(Heartbeat.at.desc()).scalar()
        return CaptureStatus(folders, urls, last)


def idle_seconds(minutes: int | None = None) -> int:
    """``--idle`` if given, else the stored setting, else 15 minutes."""
    if minutes is not None:
        return minutes * 60
    with db.atomic():
        row = Setting.get_or_none(Setting.key == IDLE_SETTING)
    return int(row.value) * 60 if row else DEFAULT_IDLE


def _retrying(action):
    """Run a write, retrying while another process holds the database (bounded)."""
    for attempt in range(RETRIES):
        try:
            return action()
        except OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Cursor:
    """How far a browser profile's history has been read (epoch seconds of the last visit)."""

    browser: str
    profile: str
    last_visit_utc: int


def record(
    actor: str, beats: Sequence[RawBeat], idle: int | None = None, read_up_to: Cursor | None = None
) -> Recorded:
    """Store new heartbeats of ``actor`` and bring their sessions up to date, in one
    small transaction (retried while the database is busy). A browser's read position
    moves in the same transaction, so a crash neither loses nor repeats visits."""
    idle = idle if idle is not None else idle_seconds()

    def write() -> Recorded:
        with write_transaction():
            # Held, so that a lock taken meanwhile waits and no session lands in locked days.
            user = lookup.user(actor, hold="share")
            if read_up_to is not None:
                _advance(read_up_to)
            fresh = _collapse(user, beats)
            insert_rows(
                [
                    Heartbeat.user,
                    Heartbeat.at,
                    Heartbeat.source,
                    Heartbeat.target,
                    Heartbeat.project,
                ],
                [(user.id, b.at, b.source, b.target, b.project_id) for b in fresh],
            )
            if not fresh:
                return Recorded(0, 0)
            since, tz = min(b.at for b in fresh) - idle, lookup.organisation().timezone
            return Recorded(len(fresh), _rederive(user, since, idle, tz))

    return _retrying(write)


def _collapse(user: User, beats: Sequence[RawBeat]) -> list[RawBeat]:
    """Drop a heartbeat whose target already has one less than a minute earlier."""
    ordered = sorted(beats, key=lambda b: b.at)
    if not ordered:
        return []
    last: dict[tuple[str, str], int] = {}
    stored = (
        Heartbeat.select(Heartbeat.source, Heartbeat.target, Heartbeat.at)
        .where(
            (Heartbeat.user == user)
            & (Heartbeat.at > ordered[0].at - COLLAPSE)
            & (Heartbeat.at < ordered[-1].at + COLLAPSE)
        )
        .tuples()
    )
    for source, target, at in stored:
        last[(source, target)] = max(at, last.get((source, target), at))
    kept = []
    for beat in ordered:
        key = (beat.source, beat.target)
        previous = last.get(key)
        if previous is not None and abs(beat.at - previous) < COLLAPSE:
            continue
        last[key] = beat.at
        kept.append(beat)
    return kept


def protected(user: User, tz: str):
    """Expression for entries capture must leave alone: anything not captured, and captured
    sessions that are invoiced, approved or on a locked day."""
    condition = (
        (TimeEntry.source != "capture")
        | TimeEntry.invoice_line.is_null(False)
        | TimeEntry.approved_at.is_null(False)
    )
    if user.locked_until is not None:
        condition |= TimeEntry.start_utc < day_end(user.locked_until, tz)
    return condition


def _run_start(user: User, since: int, idle: int) -> int:
    """The first heartbeat of the run of heartbeats (gaps within ``idle``) that reaches
    ``since``: sessions are derived from there, so none is cut off or lost at the seam."""
    earlier = (
        Heartbeat.select(Heartbeat.at)
        .where((Heartbeat.user == user) & (Heartbeat.at < since) & Heartbeat.project.is_null(False))
        .order_by(Heartbeat.at.desc())
        .tuples()
    )
    for (at,) in earlier.iterator():
        if since - at > idle:
            break
        since = at
    return since


def _rederive(user: User, since: int, idle: int, tz: str) -> int:
    """Replace the open capture sessions of ``user`` from ``since`` on; returns how many
    sessions now cover that stretch. ``tz`` is the organisation's zone."""
    mine = TimeEntry.user == user
    open_sessions = mine & (TimeEntry.source == "capture") & ~protected(user, tz)
    since = _run_start(user, since, idle)
    TimeEntry.delete().where(open_sessions & (TimeEntry.start_utc >= since)).execute()
    beats = list(
        Heartbeat.select(Heartbeat.at, Heartbeat.project, Heartbeat.target)
        .where(
            (Heartbeat.user == user) & (Heartbeat.at >= since) & Heartbeat.project.is_null(False)
        )
        .order_by(Heartbeat.at)
        .tuples()
    )
    sessions = derive([Beat(at, project) for at, project, _ in beats], idle)
    blocked = list(
        TimeEntry.select(TimeEntry.start_utc, TimeEntry.end_utc)
        .where(mine & (TimeEntry.end_utc > since))
        .tuples()
    )
    if user.locked_until is not None:
        blocked.append((since, day_end(user.locked_until, tz)))
    timer = RunningTimer.select(RunningTimer.start_utc).where(RunningTimer.user == user).scalar()
    if timer is not None:  # a running timer accounts for all time from its start on
        blocked.append((timer, UNTIL_STOPPED))
    sessions = [s for s in subtract(sessions, blocked) if s.end - s.start >= 1]
    now = now_utc()
    billable = dict(
        Project.select(Project.id, Project.billable)
        .where(Project.id.in_({s.project_id for s in sessions}))
        .tuples()
    )
    insert_rows(
        [
            TimeEntry.user,
            TimeEntry.project,
            TimeEntry.start_utc,
            TimeEntry.end_utc,
            TimeEntry.description,
            TimeEntry.billable,
            TimeEntry.source,
            TimeEntry.created_at,
            TimeEntry.updated_at,
        ],
        [
            (
                user.id,
                s.project_id,
                s.start,
                s.end,
                _describe(s, beats),
                billable[s.project_id],
                "capture",
                now,
                now,
            )
            for s in sessions
        ],
    )
    return len(sessions)


def make_way(user: User, since: int, tz: str) -> int:
    """Derive ``user``'s open sessions again from ``since`` on, inside the caller's write:
    a timer that starts, stops or is dropped there changes which time capture may take."""
    idle = idle_seconds()
    return _rederive(user, since - idle, idle, tz)


def _describe(session: Session, beats: list[tuple[int, int, str]]) -> str:
    """The files or pages most worked on in the session, by name (``beats`` sorted by time)."""
    first = bisect_left(beats, (session.start,))
    last = bisect_left(beats, (session.end,))
    names = Counter(
        _short(target) for _, project, target in beats[first:last] if project == session.project_id
    )
    return ", ".join(name for name, _ in names.most_common(3))


def _short(target: str) -> str:
    if "://" in target:
        return target.split("://", 1)[1]
    path = PurePath(target)
    return "/".join(path.parts[-2:])


def rebuild(
    actor: str, first: date | None = None, idle: int | None = None, user: str | None = None
) -> Recorded:
    """Derive the open capture sessions again from the stored heartbeats (idempotent): of
    ``user``, else of everyone whose time the actor may change (an admin: everyone; others:
    their own)."""
    idle = idle if idle is not None else idle_seconds()

    def write() -> Recorded:
        with write_transaction():
            acting = lookup.user(actor)
            org = lookup.organisation()
            since = day_start(first, org.timezone) if first else 0
            if user:
                owner = lookup.user(user)
                permissions.require(acting, "entry.write", owner=owner)
                ids = [owner.id]
            elif permissions.may(acting, "entry.write"):  # without an owner: anyone's
                ids = [i for (i,) in User.select(User.id).tuples()]
            else:
                ids = [acting.id]
            people = list(lookup.hold_users(ids, share=True).values())
            total = sum(_rederive(person, since, idle, org.timezone) for person in people)
            stored = Heartbeat.select().where(Heartbeat.at >= since).count()
            return Recorded(stored, total)

    return _retrying(write)


def cursor(browser: str, profile: str) -> int | None:
    with db.atomic():
        row = BrowserCursor.get_or_none(
            (BrowserCursor.browser == browser) & (BrowserCursor.profile == profile)
        )
        return row.last_visit_utc if row else None


def _advance(read: Cursor) -> None:
    (
        BrowserCursor.insert(
            browser=read.browser, profile=read.profile, last_visit_utc=read.last_visit_utc
        )
        .on_conflict(
            conflict_target=[BrowserCursor.browser, BrowserCursor.profile],
            update={BrowserCursor.last_visit_utc: read.last_visit_utc},
        )
        .execute()
    )
