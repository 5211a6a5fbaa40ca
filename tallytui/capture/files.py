"""Saves in watched folders, seen through watchfiles.

Folders are walked once with ignored folders pruned, and every remaining directory gets its
own non-recursive watch: a ``node_modules`` with 100,000 folders inside costs no watch and
no CPU. A directory created later restarts the watch with the new set. Folders on network
filesystems, which send no change events, are polled instead.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .rules import CaptureRules

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "afs",
        "ncpfs",
        "fuse.rclone",
        "davfs",
        "fuse.davfs2",
        "glusterfs",
        "ceph",
        "lustre",
    }
)
WATCH_LIMIT_HINT = (
    "the system's limit of file watches is reached; raise it with "
    "`sudo sysctl fs.inotify.max_user_watches=524288` (add it to /etc/sysctl.conf to keep "
    "it); until then these folders are polled"
)
DEBOUNCE_MS = 400  # a burst (a branch switch) is delivered as one batch within this time
RECHECK_SECONDS = 60  # how often missing folders are looked for again

Change = tuple[int, str]  # (epoch seconds, path)


@dataclass
class WatchPlan:
    """What to watch: directories per mode, and what could not be watched."""

    native: list[str] = field(default_factory=list)
    polled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def mount_types(mounts: str = "/proc/mounts") -> list[tuple[str, str]]:
    """(mount point, filesystem type), longest mount point first; empty where unknown."""
    try:
        lines = Path(mounts).read_text().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 3:
            found.append((parts[1].replace("\\040", " "), parts[2]))
    return sorted(found, key=lambda pair: len(pair[0]), reverse=True)


def on_network_filesystem(path: str, mounts: list[tuple[str, str]]) -> bool:
    for point, kind in mounts:
        if path == point or path.startswith(point.rstrip("/") + "/"):
            return kind in NETWORK_FILESYSTEMS
    return False


def directories(root: str, rules: CaptureRules) -> Iterator[str]:
    """``root`` and every directory below it that is not ignored (ignored ones are not
    entered at all)."""
    stack = [root]
    while stack:
        folder = stack.pop()
        yield folder
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False) and not rules.ignored_dir(entry.name):
                        stack.append(entry.path)
        except OSError:
            continue  # vanished or unreadable while walking: watched again on the next plan


def plan(rules: CaptureRules, mounts: list[tuple[str, str]] | None = None) -> WatchPlan:
    mounts = mount_types() if mounts is None else mounts
    result = WatchPlan()
    for root in sorted(rules.folders):
        if not os.path.isdir(root):
            result.missing.append(root)
            continue
        target = result.polled if on_network_filesystem(root, mounts) else result.native
        target.extend(directories(root, rules))
    return result


def recently_saved(rules: CaptureRules, since: float) -> list[Change]:
    """Files saved after ``since`` (by modification time): the catch-up for ``--once`` and
    for the time the watcher was not running."""
    found = []
    for root in rules.folders:
        if not os.path.isdir(root):
            continue
        for folder in directories(root, rules):
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if not entry.is_file(follow_symlinks=False):
                            continue
                        mtime = entry.stat(follow_symlinks=False).st_mtime
                        if mtime > since and not rules.ignored(entry.path):
                            found.append((int(mtime), entry.path))
            except OSError:
                continue
    return sorted(found)


class FolderWatcher:
    """Feeds batches of saves to ``deliver`` until ``stop`` is set; ``report`` gets one
    line per problem (missing folder, watch limit) without stopping the watch."""

    def __init__(
        self,
        rules: CaptureRules,
        deliver: Callable[[list[Change]], None],
        report: Callable[[str], None],
    ) -> None:
        self.rules = rules
        self.deliver = deliver
        self.report = report
        self.force_polling = False
        self.reported: set[str] = set()

    def _say_once(self, message: str) -> None:
        if message not in self.reported:
            self.reported.add(message)
            self.report(message)

    def run(self, stop) -> None:
        """Watch until ``stop`` (a threading.Event) is set."""
        previous: set[str] = set()
        since: float | None = None
        while not stop.is_set():
            current = plan(self.rules)
            if since is not None:
                self._saved_in(set(current.native + current.polled) - previous, since)
            previous = set(current.native + current.polled)
            since = time.time()
            for folder in current.missing:
                self._say_once(
                    f"watched folder {folder} does not exist (yet); looking again "
                    f"every {RECHECK_SECONDS} s"
                )
            paths = current.native + current.polled
            if not paths:
                stop.wait(RECHECK_SECONDS)
                continue
            polling = self.force_polling or bool(current.polled)
            if current.polled:
                self._say_once(
                    "polling folders on a network filesystem: "
                    + ", ".join(sorted(set(current.polled) & set(self.rules.folders)))
                )
            self._watch(paths, polling, stop, bool(current.missing))

    def _watch(self, paths: list[str], polling: bool, stop, any_missing: bool) -> None:
        """One watch over ``paths``; returns when the set of directories must change."""
        from watchfiles import Change as Kind
        from watchfiles import watch

        logging.getLogger("watchfiles").setLevel(logging.WARNING)
        known = set(paths)
        started = time.monotonic()
        try:
            for changes in watch(
                *paths,
                watch_filter=None,
                recursive=False,
                force_polling=polling,
                debounce=DEBOUNCE_MS,
                step=50,
                stop_event=stop,
                yield_on_timeout=True,
                rust_timeout=RECHECK_SECONDS * 1000,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                saved, replan = self._sort(changes, known, Kind)
                if saved:
                    self.deliver(saved)
                if replan or (any_missing and time.monotonic() - started > RECHECK_SECONDS):
                    return
        except OSError as exc:
            if "limit" in str(exc).lower() and not polling:
                self._say_once(WATCH_LIMIT_HINT)
                self.force_polling = True
                return
            if any(not os.path.isdir(path) for path in paths):
                return  # a folder vanished under the watch: plan again and report it
            raise

    def _saved_in(self, folders: set[str], since: float) -> None:
        """Files written into folders that appeared while the watch did not cover them yet
        (a checkout or unzip creates a folder and writes into it at once)."""
        found = []
        for folder in folders:
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if not entry.is_file(follow_symlinks=False):
                            continue
                        mtime = entry.stat(follow_symlinks=False).st_mtime
                        if mtime >= since and not self.rules.ignored(entry.path):
                            found.append((int(mtime), entry.path))
            except OSError:
                continue
        if found:
            self.deliver(sorted(found))

    def _sort(self, changes: Iterable[tuple], known: set[str], kind) -> tuple[list[Change], bool]:
        """Saved files as heartbeats; True when a watched directory appeared or vanished."""
        now = int(time.time())
        saved: list[Change] = []
        replan = False
        for change, path in changes:
            if path in known:
                replan = replan or change == kind.deleted
                continue
            if change == kind.deleted:
                continue
            if os.path.isdir(path):
                if change == kind.added:
                    replan = replan or not self.rules.ignored_dir(os.path.basename(path))
                continue
            if not os.path.isfile(path):
                continue  # gone again within the batch: an editor's or a tool's temp file
            if self.rules.ignored(path):
                continue
            if self.rules.project_for_path(path) is not None:
                saved.append((now, path))
        return saved, replan
