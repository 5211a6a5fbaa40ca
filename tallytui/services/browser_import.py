"""Importing visited URLs from the browsers' history as heartbeats (`tally capture browser`).

Each profile is read from the second where the previous import stopped, and its read
position moves in the same transaction as its heartbeats, so an import that is killed or run
twice neither loses nor repeats a visit (visits of that second are read again, and ``record``
collapses them onto the heartbeats they already gave).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..capture import browser
from ..capture.rules import CaptureRules, visit_record
from ..domain.errors import TallyError
from . import capture


@dataclass(frozen=True)
class ImportSummary:
    """What one import did, for the command's report."""

    profiles: int  # profiles read
    visits_seen: int  # visits read from the cursors' seconds on, matching a rule or not
    visits_kept: int  # visits matching a project rule
    heartbeats: int  # heartbeats stored (repeats within a minute are collapsed)
    sessions: int  # sessions re-derived by each profile's write, added up


def import_history(
    actor: str,
    firefox: Sequence[str | Path] | None = None,
    chromium: Sequence[str | Path] | None = None,
    home: Path | None = None,
    idle: int | None = None,
) -> ImportSummary:
    """Import the given profiles, or every profile found under ``home`` when none is given.

    An unreadable history does not stop the others: they are imported first, then one error
    names every file that could not be read.
    """
    profiles = _profiles(firefox or (), chromium or (), home or Path.home())
    rules = capture.rules()
    done: list[_Counts] = []
    failures = []
    for found in profiles:
        try:
            visits = browser.read_visits(found, capture.cursor(found.browser, str(found.path)))
        except TallyError as exc:
            failures.append(str(exc))
            continue
        done.append(_record(actor, found, visits, rules, idle))
    if failures:
        raise TallyError("; ".join(failures))
    return ImportSummary(
        profiles=len(done),
        visits_seen=sum(one.seen for one in done),
        visits_kept=sum(one.kept for one in done),
        heartbeats=sum(one.stored for one in done),
        sessions=sum(one.sessions for one in done),
    )


def _profiles(
    firefox: Sequence[str | Path], chromium: Sequence[str | Path], home: Path
) -> list[browser.Profile]:
    """The named profiles; when none is named, every profile found under ``home``."""
    if not firefox and not chromium:
        return browser.discover(home)
    return [browser.profile(browser.FIREFOX, path) for path in firefox] + [
        browser.profile(browser.CHROMIUM, path) for path in chromium
    ]


class _Counts(NamedTuple):
    seen: int
    kept: int
    stored: int
    sessions: int


def _record(
    actor: str,
    found: browser.Profile,
    visits: Sequence[browser.Visit],
    rules: CaptureRules,
    idle: int | None,
) -> _Counts:
    """Record one profile's new visits; its cursor moves to the newest visit seen, matching
    or not, so what lies before it is never read again."""
    if not visits:
        return _Counts(0, 0, 0, 0)
    beats = _beats(visits, rules)
    newest = capture.Cursor(found.browser, str(found.path), visits[-1].at)
    recorded = capture.record(actor, beats, idle, read_up_to=newest)
    return _Counts(len(visits), len(beats), recorded.stored, recorded.sessions)


def _beats(visits: Sequence[browser.Visit], rules: CaptureRules) -> list[capture.RawBeat]:
    """Visits of pages that belong to a project, without query string or fragment."""
    beats = []
    for visit in visits:
        project = rules.project_for_url(visit.url)
        target = visit_record(visit.url)
        if project is not None and target is not None:
            beats.append(capture.RawBeat(visit.at, "url", target, project))
    return beats
