"""Running capture: catch up on saves made while nothing watched, then watch folders and read
browser history until stopped. Used by `tally capture` and by the TUI's capture switch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..capture.files import Change, FolderWatcher, recently_saved
from ..capture.rules import CaptureRules
from ..store.db import write_transaction
from ..store.models import Setting, db
from . import capture
from .clock import now_utc

FIRST_LOOK_BACK = 24 * 3600  # the first catch-up reads saves of the last day, not of years
BROWSER_EVERY = 300  # seconds between reads of the browsers' history


@dataclass(frozen=True)
class Batch:
    """What one delivery recorded, for the status line."""

    saves: int
    stored: int
    sessions: int


def _scan_key(actor: str) -> str:
    return f"capture.scanned_until.{actor}"


def _record_saves(actor: str, rules: CaptureRules, saves: list[Change], idle: int | None) -> Batch:
    beats = [
        capture.RawBeat(at, "file", path, project)
        for at, path in saves
        if (project := rules.project_for_path(path)) is not None
    ]
    result = capture.record(actor, beats, idle)
    return Batch(len(saves), result.stored, result.sessions)


def catch_up(actor: str, idle: int | None = None) -> Batch:
    """Record files saved since the last scan (by modification time)."""
    rules = capture.rules()
    started = now_utc()
    with db.atomic():
        row = Setting.get_or_none(Setting.key == _scan_key(actor))
    since = float(row.value) if row else started - FIRST_LOOK_BACK
    batch = _record_saves(actor, rules, recently_saved(rules, since), idle)
    with write_transaction():
        (
            Setting.insert(key=_scan_key(actor), value=str(started))
            .on_conflict(conflict_target=[Setting.key], update={Setting.value: str(started)})
            .execute()
        )
    return batch


def run(
    actor: str,
    stop: threading.Event,
    report: Callable[[str], None],
    idle: int | None = None,
    browsers: bool = True,
) -> None:
    """Catch up, then watch and read browser history until ``stop`` is set."""
    report(_describe(catch_up(actor, idle), "caught up"))
    rules = capture.rules()

    def deliver(saves: list[Change]) -> None:
        report(_describe(_record_saves(actor, rules, saves, idle), "saved"))

    watcher = FolderWatcher(rules, deliver, report)
    thread = threading.Thread(
        target=_watch, args=(watcher, stop, report), daemon=True, name="tally-folder-watch"
    )
    thread.start()
    try:
        while not stop.is_set():
            if browsers:
                read_browsers(actor, report, idle)
            stop.wait(BROWSER_EVERY)
    finally:
        stop.set()  # also on Ctrl-C: the watcher finishes its batch before the process ends
        thread.join(timeout=5)


def _watch(watcher: FolderWatcher, stop: threading.Event, report) -> None:
    with db.connection_context():
        try:
            watcher.run(stop)
        except Exception as exc:  # the worker reports and keeps the app alive
            report(f"file watching stopped: {exc}")


def read_browsers(actor: str, report: Callable[[str], None], idle: int | None = None) -> None:
    """Import new visits to project URLs; a browser file that cannot be read is reported.
    ``idle`` is the same gap the file saves use, so both sources cut sessions alike."""
    from .browser_import import import_history

    try:
        summary = import_history(actor, idle=idle)
    except Exception as exc:  # a browser file is someone else's: report it, keep capturing
        report(f"browser history not read: {exc}")
        return
    if summary.heartbeats:
        report(f"{time.strftime('%H:%M:%S')} browser: {summary.heartbeats} visits recorded")


def _describe(batch: Batch, verb: str) -> str:
    return (
        f"{time.strftime('%H:%M:%S')} {verb}: {batch.saves} saves, "
        f"{batch.stored} new heartbeats, {batch.sessions} sessions updated"
    )
