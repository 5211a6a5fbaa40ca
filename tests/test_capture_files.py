"""Capture from saves in watched folders, with real watchfiles on temporary folders.

DESIGN.md, "Capture rules": a watched folder belongs to one project (the deepest matching
folder wins); each save in a watched folder is a heartbeat; VCS folders, dependency and
build folders, editor swap and temp files are ignored; capture is a separate long-running
command that survives being stopped at any moment.

``tally capture`` runs here as a real subprocess on the real clock (the watcher stamps
``time.time()``), so nothing is awaited with a bare sleep: every outcome is polled from the
database (or from what the watcher delivered) until it shows up or a deadline passes.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from tallytui.capture import files
from tallytui.capture.files import FolderWatcher, mount_types, plan, recently_saved
from tallytui.capture.rules import CaptureRules

DEADLINE = 20.0  # seconds an awaited outcome may take before the test fails
STEP = 0.05


def wait_for(condition, what: str, timeout: float = DEADLINE):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout``."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(STEP)


def save(path: Path, text: str = "x") -> Path:
    """Write a file as an editor would on save (creating its folder if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- the database, read as another process would ---------------------------------------


def query(db_path: Path, sql: str, *params) -> list[tuple]:
    with closing(sqlite3.connect(str(db_path), timeout=10)) as conn:
        return conn.execute(sql, params).fetchall()


def heartbeats(db_path: Path) -> dict[str, tuple[str | None, int]]:
    """Heartbeat target -> (project name, epoch seconds); a target stored twice fails."""
    rows = query(
        db_path,
        "SELECT h.target, p.name, h.at FROM heartbeat h LEFT JOIN project p "
        "ON p.id = h.project_id ORDER BY h.at, h.id",
    )
    found = {target: (name, at) for target, name, at in rows}
    assert len(found) == len(rows), f"a file stored twice: {rows}"
    return found


def capture_entries(db_path: Path) -> list[tuple[str, int, int]]:
    """(project name, start, end) of the captured sessions, in time order."""
    return query(
        db_path,
        "SELECT p.name, e.start_utc, e.end_utc FROM time_entry e JOIN project p "
        "ON p.id = e.project_id WHERE e.source = 'capture' ORDER BY e.start_utc",
    )


def after_second(at: int) -> None:
    """Wait until the wall clock has moved past the second ``at`` (heartbeats are stamped
    in whole seconds; two projects saved in one second do not both get a session)."""
    wait_for(lambda: int(time.time()) > at, f"the clock to pass {at}")


# --- an organisation on the real clock ---------------------------------------------------


@pytest.fixture
def books(env, monkeypatch, tally):
    """An organisation with one client, on the real clock (TALLY_NOW unset)."""
    monkeypatch.delenv("TALLY_NOW")
    tally.ok("init", "--org", "Acme Consulting", "--code", "ACME")
    tally.ok("client", "add", "Globex")
    return tally


def add_project(tally, name: str, *folders: Path) -> None:
    watch = [arg for folder in folders for arg in ("--watch", str(folder))]
    tally.ok("project", "add", name, "--client", "Globex", "--rate", "90", *watch)


@pytest.fixture
def tree(tmp_path) -> Path:
    """The root of the watched folders (resolved: watched folders are stored resolved)."""
    root = tmp_path.resolve() / "code"
    root.mkdir()
    return root


# --- `tally capture` as a real process ----------------------------------------------------


class CaptureProcess:
    """``tally capture --no-browsers`` in a child process, its output read as it comes."""

    def __init__(self, db_path: Path, *args: str) -> None:
        self.db_path = db_path
        env = {k: v for k, v in os.environ.items() if k not in ("TALLY_NOW", "TALLY_DB")}
        env |= {"TALLY_DB": str(db_path), "TALLY_USER": "anna", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            # The fault handler prints every thread's stack on SIGABRT: see stop().
            [sys.executable, "-X", "faulthandler", "-m", "tallytui", "capture", "--no-browsers"]
            + list(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # As at a terminal: a test run started in the background (`make test &`) has
            # Ctrl-C ignored, and its children would ignore it too.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(stream, lines), daemon=True)
            for stream, lines in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "stdout:\n" + "\n".join(self.stdout) + "\nstderr:\n" + "\n".join(self.stderr)

    def wait_for_line(self, text: str) -> str:
        def found():
            assert self.proc.poll() is None or any(text in line for line in self.stdout), (
                f"capture exited {self.proc.returncode}\n{self.output()}"
            )
            return next((line for line in self.stdout if text in line), None)

        return wait_for(found, f"{text!r} on stdout")

    def until_watching(self, folder: Path) -> str:
        """Save a probe file until it is stored: from then on the folder is watched."""
        probe = folder / "probe.txt"

        def stored():
            save(probe, str(time.monotonic()))
            assert self.proc.poll() is None, self.output()
            return str(probe) in heartbeats(self.db_path)

        wait_for(stored, f"a save in {folder} to be recorded")
        return str(probe)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # for where each thread is waiting
            self.proc.wait(timeout=DEADLINE)
            for reader in self._readers:
                reader.join(timeout=5)
            pytest.fail(f"capture did not stop on signal {signum}\n{self.output()}")
        for reader in self._readers:
            reader.join(timeout=5)
        return code


@pytest.fixture
def capture(env):
    """Start ``tally capture`` processes; any still running at the end is killed."""
    started: list[CaptureProcess] = []

    def start(*args: str) -> CaptureProcess:
        process = CaptureProcess(env, *args)
        started.append(process)
        process.wait_for_line("caught up")
        return process

    yield start
    for process in started:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait(timeout=DEADLINE)


def test_saves_become_heartbeats_of_the_deepest_watched_folder(books, capture, env, tree):
    sub = tree / "app" / "sub"
    (sub / "deep").mkdir(parents=True)
    (tree / "app" / "subway").mkdir()  # a sibling whose name starts like the nested folder
    add_project(books, "Web", tree)
    add_project(books, "Sub", sub)
    process = capture()
    probe = process.until_watching(tree)
    after_second(heartbeats(env)[probe][1])

    nested = [save(sub / "core.py"), save(sub / "deep" / "x.py")]
    wait_for(lambda: {str(p) for p in nested} <= heartbeats(env).keys(), "the nested saves")
    first_nested = min(heartbeats(env)[str(p)][1] for p in nested)
    after_second(max(at for _, at in heartbeats(env).values()))
    outer = [
        save(tree / "web.py"),
        save(tree / "app" / "page.py"),
        save(tree / "app" / "subway" / "y.py"),
    ]
    wait_for(lambda: {str(p) for p in outer} <= heartbeats(env).keys(), "the outer saves")

    beats = heartbeats(env)
    assert {target: name for target, (name, _) in beats.items()} == {
        probe: "Web",
        str(sub / "core.py"): "Sub",
        str(sub / "deep" / "x.py"): "Sub",
        str(tree / "web.py"): "Web",
        str(tree / "app" / "page.py"): "Web",
        str(tree / "app" / "subway" / "y.py"): "Web",
    }
    first_outer = min(beats[str(p)][1] for p in outer)

    def sessions_cover_all():
        entries = capture_entries(env)
        return entries if [name for name, _, _ in entries] == ["Web", "Sub", "Web"] else None

    entries = wait_for(sessions_cover_all, "sessions Web, Sub, Web")
    assert entries[0][1:] == (beats[probe][1], first_nested)
    assert entries[1][1:] == (first_nested, first_outer)
    assert entries[2][1] == first_outer and entries[2][2] > first_outer
    assert process.stop() == 0, process.output()


def test_ignored_folders_and_editor_files_never_become_heartbeats(books, capture, env, tree):
    for folder in ("node_modules/left-pad", ".git/objects/ab", "__pycache__", "build/lib"):
        (tree / folder).mkdir(parents=True)
    add_project(books, "Web", tree)
    process = capture()
    probe = process.until_watching(tree)

    save(tree / "node_modules" / "left-pad" / "index.js")
    save(tree / "node_modules" / "new-dep" / "index.js")  # a dependency installed now
    save(tree / ".git" / "objects" / "ab" / "cdef0123")
    save(tree / ".git" / "index")
    save(tree / "__pycache__" / "main.cpython-311.pyc")
    save(tree / "build" / "lib" / "main.py")
    save(tree / "dist" / "bundle.js")  # a build folder created now
    for name in (
        ".main.py.swp",
        ".main.py.swx",
        "main.py~",
        "4913",
        ".#main.py",
        "#main.py#",
        "notes.tmp",
    ):
        save(tree / name)
    os.remove(tree / "4913")  # vim's write test: created and removed at once
    sentinel = save(tree / "main.py")  # saved last: once it is stored, all the above were seen

    wait_for(lambda: str(sentinel) in heartbeats(env), "the sentinel save")
    assert set(heartbeats(env)) == {probe, str(sentinel)}
    assert process.stop() == 0, process.output()


def test_a_folder_created_after_start_is_watched(books, capture, env, tree):
    add_project(books, "Web", tree)
    process = capture()
    process.until_watching(tree)
    (tree / "feature" / "api").mkdir(parents=True)
    counter = iter(range(10**6))

    def recorded():
        save(tree / "feature" / "api" / f"handler{next(counter)}.py")
        return [t for t in heartbeats(env) if t.startswith(str(tree / "feature") + os.sep)]

    found = wait_for(recorded, "a save in the new folder")
    assert {heartbeats(env)[t][0] for t in found} == {"Web"}
    assert process.stop() == 0, process.output()


def test_files_written_right_after_their_folder_is_created_are_recorded(books, capture, env, tree):
    """A branch switch, an unzip or a copy creates folders and writes into them at once:
    the files land before the watch on the new folder exists, and must not be lost."""
    add_project(books, "Web", tree)
    process = capture()
    process.until_watching(tree)
    written = [save(tree / "checkout" / "pkg" / f"m{n}.py") for n in range(3)]

    wait_for(
        lambda: {str(p) for p in written} <= heartbeats(env).keys(),
        "the files written into the new folder",
        timeout=5,
    )
    assert process.stop() == 0, process.output()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_ends_capture_cleanly(books, capture, env, tree, signum):
    add_project(books, "Web", tree)
    process = capture()
    process.until_watching(tree)
    code = process.stop(signum)
    assert code == 0, process.output()
    assert process.stdout[-1] == "capture stopped", process.output()
    assert not any("Traceback" in line for line in process.stderr), process.output()
    assert query(env, "PRAGMA integrity_check") == [("ok",)]


def test_a_missing_folder_is_reported_and_the_others_are_still_watched(
    books, capture, env, tree, tmp_path
):
    later = tmp_path.resolve() / "not-cloned-yet"
    add_project(books, "Web", tree)
    add_project(books, "Docs", later)
    process = capture()
    process.wait_for_line(f"watched folder {later} does not exist")
    process.until_watching(tree)
    saved = save(tree / "index.html")
    wait_for(lambda: str(saved) in heartbeats(env), "a save in the existing folder")
    assert process.proc.poll() is None, process.output()
    assert process.stop() == 0, process.output()


# --- FolderWatcher in this process --------------------------------------------------------


class Watching:
    """A FolderWatcher on its own thread; what it delivers and reports is collected."""

    def __init__(self, rules: CaptureRules) -> None:
        self.batches: list[list[tuple[int, str]]] = []
        self.reports: list[str] = []
        self.stop = threading.Event()
        self.watcher = FolderWatcher(rules, self.batches.append, self.reports.append)
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def delivered(self) -> set[str]:
        return {path for batch in list(self.batches) for _, path in batch}

    def until_watching(self, folder: Path) -> str:
        probe = folder / "probe.txt"

        def seen():
            save(probe, str(time.monotonic()))
            assert self.thread.is_alive(), self.reports
            return str(probe) in self.delivered()

        wait_for(seen, f"a save in {folder} to be delivered")
        return str(probe)

    def wait_delivered(self, paths, what: str = "the saves", timeout: float = DEADLINE) -> None:
        wanted = {str(p) for p in paths}
        wait_for(lambda: wanted <= self.delivered(), what, timeout)

    def wait_reported(self, text: str) -> str:
        return wait_for(
            lambda: next((line for line in list(self.reports) if text in line), None),
            f"a report containing {text!r} (got {self.reports})",
        )

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=DEADLINE)
        assert not self.thread.is_alive(), "the watcher did not stop"


@pytest.fixture
def watching():
    started: list[Watching] = []

    def start(folders: dict[Path, int]) -> Watching:
        rules = CaptureRules(folders={str(path): project for path, project in folders.items()})
        started.append(Watching(rules))
        return started[-1]

    yield start
    for watch in started:
        watch.finish()


def test_interleaved_saves_of_two_projects_are_all_delivered(watching, tree):
    left, right = tree / "left", tree / "right"
    left.mkdir()
    right.mkdir()
    watch = watching({left: 1, right: 2})
    watch.until_watching(left)
    watch.until_watching(right)
    saved = []
    for n in range(20):
        saved.append(save(left / f"l{n}.py"))
        saved.append(save(right / f"r{n}.py"))
    watch.wait_delivered(saved)
    stamps = {at for batch in watch.batches for at, _ in batch}
    assert all(abs(at - time.time()) < 120 for at in stamps)  # stamped at the save, roughly
    assert not watch.reports


def test_ignored_folders_cost_no_watch(tree):
    for n in range(2000):
        (tree / "node_modules" / f"pkg{n}").mkdir(parents=True)
    for folder in ("src/api", "docs", ".git/objects", "target/debug", ".venv/lib"):
        (tree / folder).mkdir(parents=True)
    rules = CaptureRules(folders={str(tree): 1})

    result = plan(rules, mounts=[])

    assert sorted(result.native) == sorted(
        str(tree / p) if p else str(tree) for p in ("", "src", "src/api", "docs")
    )
    assert result.polled == [] and result.missing == []


def test_folders_on_a_network_filesystem_are_polled(tree, tmp_path):
    share = tmp_path.resolve() / "share"
    (share / "reports").mkdir(parents=True)
    (share / "node_modules" / "x").mkdir(parents=True)
    rules = CaptureRules(folders={str(tree): 1, str(share): 2, str(tmp_path / "gone"): 3})

    result = plan(rules, mounts=[(str(share), "nfs4")])

    assert sorted(result.polled) == [str(share), str(share / "reports")]
    assert result.native == [str(tree)]
    assert result.missing == [str(tmp_path / "gone")]


def test_mount_types_reads_the_mount_table_longest_first(tmp_path):
    table = tmp_path / "mounts"
    table.write_text(
        "/dev/vda1 / ext4 rw,relatime 0 0\n"
        "server:/export /mnt/team\\040share nfs4 rw,vers=4.2 0 0\n"
        "//nas/home /mnt cifs rw 0 0\n"
        "garbage\n"
    )
    mounts = mount_types(str(table))
    assert mounts == [("/mnt/team share", "nfs4"), ("/mnt", "cifs"), ("/", "ext4")]
    assert files.on_network_filesystem("/mnt/team share/q3", mounts)
    assert not files.on_network_filesystem("/home/anna/code", mounts)
    assert not files.on_network_filesystem("/mnt/team sharex", [("/mnt/team share", "nfs4")])
    assert mount_types(str(tmp_path / "no-such-file")) == []


def test_a_watched_folder_on_a_network_filesystem_still_delivers_saves(watching, tree, monkeypatch):
    monkeypatch.setattr(files, "mount_types", lambda: [(str(tree), "nfs4")])
    watch = watching({tree: 1})
    watch.wait_reported(f"polling folders on a network filesystem: {tree}")
    watch.until_watching(tree)
    saved = save(tree / "report.md")
    watch.wait_delivered([saved])


def test_a_missing_folder_is_picked_up_once_it_exists(watching, tree, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "RECHECK_SECONDS", 1)
    later = tmp_path.resolve() / "cloned-later"
    watch = watching({tree: 1, later: 2})
    watch.wait_reported(f"watched folder {later} does not exist")
    watch.until_watching(tree)
    later.mkdir()
    counter = iter(range(10**6))

    def picked_up():
        save(later / f"readme{next(counter)}.md")
        return any(path.startswith(str(later) + os.sep) for path in watch.delivered())

    wait_for(picked_up, "a save in the folder created after start", timeout=10)
    saved = save(tree / "still.py")
    watch.wait_delivered([saved], "a save in the folder that existed all along")
    assert sum("does not exist" in line for line in watch.reports) == 1


def test_watch_limit_falls_back_to_polling_and_says_how_to_raise_it(watching, tree, monkeypatch):
    import watchfiles

    real_watch = watchfiles.watch
    native_attempts = []

    def limited(*paths, force_polling=False, **options):
        if not force_polling:
            native_attempts.append(paths)
            raise OSError("OS file watch limit reached")
        return real_watch(*paths, force_polling=force_polling, **options)

    monkeypatch.setattr(watchfiles, "watch", limited)
    watch = watching({tree: 1})
    hint = watch.wait_reported("fs.inotify.max_user_watches")
    assert "polled" in hint
    watch.until_watching(tree)
    saved = save(tree / "after-the-limit.py")
    watch.wait_delivered([saved])
    assert len(native_attempts) == 1  # polled from then on, not retried natively per save


def test_a_watched_folder_below_a_folder_named_like_an_ignored_one_is_captured(watching, tmp_path):
    """Only folders inside the watched folder are ignored: a project checked out under
    ``~/vendor/``, ``~/build/`` or ``~/out/`` is still a project."""
    project = tmp_path.resolve() / "vendor" / "acme-portal"
    (project / "src").mkdir(parents=True)
    watch = watching({project: 1})
    saved = [save(project / "src" / "views.py")]

    def delivered():
        saved.append(save(project / "src" / f"views{len(saved)}.py"))
        return watch.delivered()

    wait_for(delivered, f"any save in {project} to be delivered", timeout=5)
    rules = CaptureRules(folders={str(project): 1})
    assert recently_saved(rules, 0)


def test_an_ide_safe_write_is_one_heartbeat_of_the_saved_file(watching, tree):
    """JetBrains IDEs save through ``NAME___jb_tmp___`` and ``NAME___jb_old___``; gedit
    through ``.goutputstream-XXXXXX``: temp files that exist for milliseconds."""
    watch = watching({tree: 1})
    watch.until_watching(tree)
    target = save(tree / "models.py", "v1")
    watch.wait_delivered([target])
    watch.batches.clear()

    save(tree / "models.py___jb_tmp___", "v2")
    os.replace(target, tree / "models.py___jb_old___")
    os.replace(tree / "models.py___jb_tmp___", target)
    os.remove(tree / "models.py___jb_old___")
    save(tree / ".goutputstream-K3J9Q1", "v3")
    os.replace(tree / ".goutputstream-K3J9Q1", target)
    sentinel = save(tree / "zz_sentinel.py")
    watch.wait_delivered([sentinel])

    assert watch.delivered() == {str(target), str(sentinel)}


# --- catch-up and rebuild through the CLI ------------------------------------------------


def _at(path: Path, seconds_ago: float) -> int:
    when = time.time() - seconds_ago
    os.utime(path, (when, when))
    return int(when)


def test_capture_once_records_saves_since_the_last_scan_at_their_mtime(books, env, tree):
    add_project(books, "Web", tree)
    hour = 3600
    first = _at(save(tree / "a.py"), 3 * hour)
    second = _at(save(tree / "src" / "b.py"), 2 * hour)
    _at(save(tree / "node_modules" / "dep" / "index.js"), hour)
    _at(save(tree / ".git" / "index"), hour)
    _at(save(tree / ".a.py.swp"), hour)
    _at(save(tree / "old.py"), 3 * 24 * hour)  # before the first look-back of one day

    once = books.ok("capture", "--once", "--no-browsers").stdout
    assert once.strip() == "recorded 2 heartbeats from 2 saves; 2 sessions updated"
    assert {t: at for t, (_, at) in heartbeats(env).items()} == {
        str(tree / "a.py"): first,
        str(tree / "src" / "b.py"): second,
    }
    tail = 120
    assert capture_entries(env) == [("Web", first, first + tail), ("Web", second, second + tail)]

    again = books.ok("capture", "--once", "--no-browsers").stdout
    assert again.strip() == "recorded 0 heartbeats from 0 saves; 0 sessions updated"
    assert len(heartbeats(env)) == 2

    resaved = _at(save(tree / "src" / "b.py", "edited"), 0)
    third = books.ok("capture", "--once", "--no-browsers").stdout
    assert third.strip().startswith("recorded 1 heartbeats from 1 saves")
    assert query(env, "SELECT target, at FROM heartbeat ORDER BY at") == [
        (str(tree / "a.py"), first),
        (str(tree / "src" / "b.py"), second),
        (str(tree / "src" / "b.py"), resaved),
    ]


def test_sessions_rebuild_prints_counts_and_is_idempotent(books, env, tree):
    add_project(books, "Web", tree)
    for n, minutes_ago in enumerate((200, 190, 185, 60, 55)):
        _at(save(tree / f"f{n}.py"), minutes_ago * 60)
    books.ok("capture", "--once", "--no-browsers")
    before = capture_entries(env)
    assert len(before) == 2

    first = books.ok("sessions", "rebuild").stdout
    assert first.strip() == "rebuilt 2 sessions from 5 heartbeats"
    assert capture_entries(env) == before
    second = books.ok("sessions", "rebuild").stdout
    assert second == first
    assert capture_entries(env) == before

    split = books.ok("sessions", "rebuild", "--idle", "6").stdout
    assert split.strip() == "rebuilt 3 sessions from 5 heartbeats"
    assert books.ok("sessions", "rebuild", "--idle", "6").stdout == split
