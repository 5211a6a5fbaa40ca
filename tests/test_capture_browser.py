"""Browser history as heartbeats: reading Firefox and Chromium databases through a copy while
the browser holds them locked, timestamps, cursors, URL rules and profile discovery."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tallytui.capture import browser
from tallytui.capture.browser import CHROMIUM, FIREFOX, Profile, Visit
from tallytui.domain.errors import TallyError
from tallytui.services.browser_import import ImportSummary, import_history
from tallytui.store.db import open_database
from tallytui.store.models import BrowserCursor, Heartbeat, TimeEntry, db

# 2026-11-18T09:00:00Z, as `date -u -d 2026-11-18T09:00:00Z +%s` prints it
NINE = 1_794_992_400
CHROMIUM_NINE = 13_439_466_000_000_000  # the same instant in µs since 1601-01-01 UTC
US = 1_000_000

# The relevant tables as Firefox (places.sqlite) and Chromium (History) create them.
FIREFOX_SCHEMA = """
CREATE TABLE moz_places (
    id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR, rev_host LONGVARCHAR,
    visit_count INTEGER DEFAULT 0, hidden INTEGER DEFAULT 0 NOT NULL,
    typed INTEGER DEFAULT 0 NOT NULL, frecency INTEGER DEFAULT -1 NOT NULL,
    last_visit_date INTEGER, guid TEXT, foreign_count INTEGER DEFAULT 0 NOT NULL,
    url_hash INTEGER DEFAULT 0 NOT NULL, description TEXT, preview_image_url TEXT,
    origin_id INTEGER
);
CREATE TABLE moz_historyvisits (
    id INTEGER PRIMARY KEY, from_visit INTEGER, place_id INTEGER, visit_date INTEGER,
    visit_type INTEGER, session INTEGER, source INTEGER DEFAULT 0 NOT NULL,
    triggeringPlaceId INTEGER
);
"""
CHROMIUM_SCHEMA = """
CREATE TABLE urls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,
    visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
    last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL
);
CREATE TABLE visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,
    from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL, segment_id INTEGER,
    visit_duration INTEGER DEFAULT 0 NOT NULL,
    incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL
);
"""


class RunningBrowser:
    """A browser with its history open: committed visits stay in the -wal (no checkpoint while
    it runs), and ``lock`` holds the file exclusively as Firefox does."""

    def __init__(self, path: Path, browser_name: str, journal: str = "wal") -> None:
        self.path = path
        self.browser = browser_name
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute(f"PRAGMA journal_mode={journal}")
        self.conn.execute("PRAGMA wal_autocheckpoint=0")
        self.conn.executescript(FIREFOX_SCHEMA if browser_name == FIREFOX else CHROMIUM_SCHEMA)
        if journal == "wal":
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # tables in the file, rows not

    def visit(self, url: str, at_us: int) -> None:
        """One visit at ``at_us`` µs since 1970, stored in the browser's own clock."""
        if self.browser == FIREFOX:
            self._firefox(url, at_us)
        else:
            self._chromium(url, at_us + 11_644_473_600 * US)

    def _firefox(self, url: str, visit_date: int) -> None:
        place = self.conn.execute("SELECT id FROM moz_places WHERE url = ?", (url,)).fetchone()
        if place is None:
            place = self.conn.execute(
                "INSERT INTO moz_places (url, guid, last_visit_date) VALUES (?, ?, ?) RETURNING id",
                (url, f"guid{visit_date}", visit_date),
            ).fetchone()
        self.conn.execute(
            "INSERT INTO moz_historyvisits (place_id, visit_date, visit_type) VALUES (?, ?, 1)",
            (place[0], visit_date),
        )

    def _chromium(self, url: str, visit_time: int) -> None:
        row = self.conn.execute("SELECT id FROM urls WHERE url = ?", (url,)).fetchone()
        if row is None:
            row = self.conn.execute(
                "INSERT INTO urls (url, title, last_visit_time) VALUES (?, '', ?) RETURNING id",
                (url, visit_time),
            ).fetchone()
        self.conn.execute(
            "INSERT INTO visits (url, visit_time, transition) VALUES (?, ?, 805306368)",
            (row[0], visit_time),
        )

    def lock(self) -> None:
        """Hold the database as a running browser does; further visits stay uncommitted."""
        self.conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        self.conn.execute("BEGIN EXCLUSIVE")

    def profile(self) -> Profile:
        return Profile(self.browser, self.path)


@pytest.fixture
def running(tmp_path):
    """Start browsers on fresh history files; they are closed at the end of the test."""
    started: list[RunningBrowser] = []

    def start(browser_name: str, journal: str = "wal", folder: Path | None = None):
        folder = folder or tmp_path / browser_name
        folder.mkdir(parents=True)
        name = "places.sqlite" if browser_name == FIREFOX else "History"
        started.append(RunningBrowser(folder / name, browser_name, journal))
        return started[-1]

    yield start
    for one in started:
        one.conn.close()


@pytest.fixture
def anna(org):
    """The organisation with URL rules for project Web, opened in-process."""
    org.ok("project", "set", "Web", "--url", "github.com/acme/*", "--url", "acme.dev")
    open_database(os.environ["TALLY_DB"])
    yield "anna"
    db.close()


def rows_in_main_file_only(path: Path, tmp_path: Path) -> int:
    """Visits a reader would see that copied the database file without its -wal."""
    alone = tmp_path / "main-file-only.sqlite"
    shutil.copyfile(path, alone)
    table = "moz_historyvisits" if path.name == "places.sqlite" else "visits"
    with closing(sqlite3.connect(alone)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize("browser_name", [FIREFOX, CHROMIUM])
def test_reads_visits_kept_in_the_wal_while_the_browser_holds_the_file(
    running, tmp_path, browser_name
):
    live = running(browser_name)
    live.visit("https://github.com/acme/site/pull/7", NINE * US)
    live.visit("https://news.example/", (NINE + 60) * US)
    live.lock()
    live.visit("https://github.com/acme/unsaved", (NINE + 120) * US)  # not committed yet
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite3.connect(live.path, timeout=0).execute("SELECT count(*) FROM sqlite_master")
    assert rows_in_main_file_only(live.path, tmp_path) == 0  # the visits are in the -wal only

    visits = browser.read_visits(live.profile(), None)

    assert visits == [
        Visit(NINE * US, "https://github.com/acme/site/pull/7"),
        Visit((NINE + 60) * US, "https://news.example/"),
    ]


def test_a_write_in_progress_is_rolled_back_in_the_copy(running):
    # Chromium in rollback-journal mode, copied in the middle of a write: the -journal comes
    # along and the copy shows the last committed state.
    live = running(CHROMIUM, journal="delete")
    live.visit("https://github.com/acme/site", NINE * US)
    live.conn.execute("PRAGMA cache_size=1")
    live.lock()
    for second in range(1, 400):
        live.visit(f"https://github.com/acme/site/{second}?{'x' * 500}", (NINE + second) * US)
    assert Path(f"{live.path}-journal").stat().st_size > 0

    assert browser.read_visits(live.profile(), None) == [
        Visit(NINE * US, "https://github.com/acme/site")
    ]


def test_timestamps_become_epoch_seconds_utc(running):
    firefox, chromium = running(FIREFOX), running(CHROMIUM)
    firefox.conn.executescript(
        "INSERT INTO moz_places (id, url) VALUES (1, 'https://a.test/');"
        f"INSERT INTO moz_historyvisits (place_id, visit_date) VALUES (1, {NINE * US + 250_000})"
    )
    chromium.conn.executescript(
        "INSERT INTO urls (id, url, last_visit_time) VALUES (1, 'https://a.test/', 0);"
        f"INSERT INTO visits (url, visit_time) VALUES (1, {CHROMIUM_NINE + 999_999})"
    )

    [from_firefox] = browser.read_visits(firefox.profile(), None)
    [from_chromium] = browser.read_visits(chromium.profile(), None)

    nine = datetime(2026, 11, 18, 9, tzinfo=UTC)
    assert from_firefox.at == from_chromium.at == NINE == nine.timestamp()
    assert (from_firefox.at_us, from_chromium.at_us) == (NINE * US + 250_000, NINE * US + 999_999)


@pytest.mark.parametrize("browser_name", [FIREFOX, CHROMIUM])
def test_reading_starts_at_the_cursors_second(running, browser_name):
    live = running(browser_name)
    for at_us in (NINE * US - 1, NINE * US, NINE * US + 700_000, (NINE + 1) * US):
        live.visit(f"https://a.test/{at_us}", at_us)

    read = browser.read_visits(live.profile(), NINE)

    assert [v.at_us for v in read] == [NINE * US, NINE * US + 700_000, (NINE + 1) * US]


def test_copies_again_when_the_browser_writes_during_the_copy(running, monkeypatch):
    live = running(FIREFOX)
    live.visit("https://a.test/first", NINE * US)
    copy, browsed = shutil.copyfile, []

    def copy_then_browse(source, target):
        copy(source, target)
        if str(source).endswith("-wal") and not browsed:  # the -wal is copied last
            live.visit("https://a.test/during", (NINE + 1) * US)
            browsed.append(True)

    monkeypatch.setattr(browser.shutil, "copyfile", copy_then_browse)

    read = browser.read_visits(live.profile(), None)

    assert [v.url for v in read] == ["https://a.test/first", "https://a.test/during"]


def test_a_damaged_file_or_missing_table_names_the_file(tmp_path):
    damaged = tmp_path / "places.sqlite"
    damaged.write_bytes(b"not a database at all, " * 100)
    empty = tmp_path / "History"
    with closing(sqlite3.connect(empty)) as conn:
        conn.execute("CREATE TABLE meta (key TEXT)")

    with pytest.raises(TallyError, match="Firefox history .*places.sqlite: file is not a database"):
        browser.read_visits(Profile(FIREFOX, damaged), None)
    with pytest.raises(TallyError, match=re.escape(f"{empty}: no such table: visits")):
        browser.read_visits(Profile(CHROMIUM, empty), None)
    with pytest.raises(TallyError, match="no Firefox history at .*nowhere"):
        browser.profile(FIREFOX, tmp_path / "nowhere")


def test_a_profile_is_named_by_its_file_or_its_folder(running):
    live = running(FIREFOX)
    assert browser.profile(FIREFOX, live.path.parent) == Profile(FIREFOX, live.path)
    assert browser.profile(FIREFOX, live.path) == Profile(FIREFOX, live.path)


def test_discovery_under_a_home_folder_finds_both_browsers(tmp_path):
    home = (tmp_path / "home").resolve()
    histories = [
        ".mozilla/firefox/ab12.default-release/places.sqlite",
        "snap/firefox/common/.mozilla/firefox/cd34.default/places.sqlite",
        "Library/Application Support/Firefox/Profiles/ef56.default/places.sqlite",
        ".config/chromium/Default/History",
        ".config/google-chrome/Profile 1/History",
        ".config/BraveSoftware/Brave-Browser/Default/History",
        "Library/Application Support/Microsoft Edge/Default/History",
    ]
    for name in [*histories, ".mozilla/firefox/profiles.ini", ".config/chromium/Local State"]:
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(b"")

    found = browser.discover(home)

    assert sorted((p.browser, p.path.relative_to(home).as_posix()) for p in found) == sorted(
        [(FIREFOX, h) for h in histories[:3]] + [(CHROMIUM, h) for h in histories[3:]]
    )
    assert browser.discover(tmp_path / "empty") == []


def test_matching_visits_become_heartbeats_and_capture_sessions(anna, running):
    firefox, chromium = running(FIREFOX), running(CHROMIUM)
    firefox.visit("https://github.com/acme/site/pull/7?tab=files#diff-1", NINE * US)
    firefox.visit("https://mail.example/inbox?id=secret", (NINE + 60) * US)
    chromium.visit("https://docs.acme.dev/guide#install", (NINE + 300) * US)
    chromium.visit("https://github.com/other/repo", (NINE + 400) * US)
    firefox.lock()
    chromium.lock()

    summary = import_history(anna, firefox=[firefox.path], chromium=[chromium.path])

    # One session, derived again by the second profile's write: each write counts it.
    assert summary == ImportSummary(
        profiles=2, visits_seen=4, visits_kept=2, heartbeats=2, sessions=2
    )
    with db.atomic():
        beats = list(Heartbeat.select().order_by(Heartbeat.at))
        entries = list(TimeEntry.select())
    assert [(b.at, b.source, b.target, b.project.name) for b in beats] == [
        (NINE, "url", "https://github.com/acme/site/pull/7", "Web"),
        (NINE + 300, "url", "https://docs.acme.dev/guide", "Web"),
    ]
    assert [(e.source, e.project.name, e.start_utc, e.end_utc) for e in entries] == [
        ("capture", "Web", NINE, NINE + 300 + 120)
    ]
    assert "github.com/acme/site/pull/7" in entries[0].description


def test_a_second_run_imports_nothing_and_the_cursor_is_the_newest_visit_seen(anna, running):
    live = running(FIREFOX)
    live.visit("https://github.com/acme/site", NINE * US)
    live.visit("https://unrelated.example/", (NINE + 90) * US + 500_000)  # newest, no rule

    first = import_history(anna, firefox=[str(live.path)])
    again = import_history(anna, firefox=[str(live.path)])

    assert (first.heartbeats, first.sessions) == (1, 1)
    assert (again.heartbeats, again.sessions) == (0, 0)
    with db.atomic():
        assert Heartbeat.select().count() == 1
        assert TimeEntry.select().count() == 1
        [cursor] = BrowserCursor.select()
    assert (cursor.browser, cursor.profile, cursor.last_visit_utc) == (
        FIREFOX,
        str(live.path),
        NINE + 90,
    )


def test_a_visit_later_in_the_cursors_second_is_imported_once(anna, running):
    live = running(CHROMIUM)
    live.visit("https://github.com/acme/site", NINE * US + 100_000)
    import_history(anna, chromium=[live.path])
    live.visit("https://github.com/acme/api", NINE * US + 900_000)  # same second, written later

    later = import_history(anna, chromium=[live.path])

    assert (later.visits_seen, later.heartbeats) == (2, 1)
    with db.atomic():
        targets = sorted(Heartbeat.select(Heartbeat.target).tuples())
    assert targets == [("https://github.com/acme/api",), ("https://github.com/acme/site",)]


def test_without_paths_the_profiles_under_home_are_imported(anna, running, tmp_path):
    home = tmp_path / "home"
    live = running(FIREFOX, folder=home / ".mozilla/firefox/ab12.default-release")
    live.visit("https://github.com/acme/site", NINE * US)
    live.lock()

    summary = import_history(anna, home=home)

    assert (summary.profiles, summary.heartbeats) == (1, 1)


def test_an_unreadable_profile_is_named_and_does_not_stop_the_others(anna, running, tmp_path):
    live = running(FIREFOX)
    live.visit("https://github.com/acme/site", NINE * US)
    damaged = tmp_path / "Default" / "History"
    damaged.parent.mkdir()
    damaged.write_bytes(b"\0garbage" * 200)

    message = re.escape(f"Chromium history {damaged}: file is not a database")
    with pytest.raises(TallyError, match=message):
        import_history(anna, firefox=[live.path], chromium=[damaged.parent])

    with db.atomic():
        assert Heartbeat.select().count() == 1


def test_visits_are_cut_into_sessions_with_the_idle_gap_given(anna, running):
    """Ten minutes between two visits: one session with the default 15-minute gap, two
    with the 5 minutes a `tally capture --idle 5` run uses for file saves too."""
    live = running(FIREFOX)
    live.visit("https://github.com/acme/site", NINE * US)
    live.visit("https://github.com/acme/site/issues", (NINE + 600) * US)
    live.lock()

    import_history(anna, firefox=[live.path], idle=5 * 60)

    with db.atomic():
        starts = [e.start_utc for e in TimeEntry.select().order_by(TimeEntry.start_utc)]
    assert starts == [NINE, NINE + 600]
