"""Recording heartbeats and keeping captured sessions up to date (services/capture.py), on a
real SQLite file.

DESIGN.md, "Capture rules": the same file more often than once a minute is collapsed;
heartbeats become sessions split by the idle timeout (default 15 minutes); sessions of one
person never overlap; capture writes in small transactions and survives being killed at
any moment. Time already accounted for (manual entries, locked days, approved or invoiced
sessions) is never touched and never overlapped.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tallytui.domain.errors import Conflict
from tallytui.domain.sessions import DEFAULT_IDLE, Beat, Session, derive
from tallytui.services import capture, entries, invoices, timesheets
from tallytui.services.capture import RawBeat
from tallytui.services.invoices import InvoiceRequest
from tallytui.store.db import open_database
from tallytui.store.models import Heartbeat, Project, Setting, TimeEntry, User, db

TZ = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 18)  # a Wednesday before TALLY_NOW (2026-11-20, conftest)
MIN = 60


def at(hour: int, minute: int = 0, second: int = 0, day: date = DAY) -> int:
    return int(datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ).timestamp())


T0 = at(9)


@dataclass
class Books:
    web: Path
    docs: Path
    web_id: int
    docs_id: int

    def beat(self, when: int, name: str = "app.py", folder: Path | None = None) -> RawBeat:
        path = str((folder or self.web) / name)
        project = capture.rules().project_for_path(path)
        assert project is not None, path
        return RawBeat(when, "file", path, project)

    def doc(self, when: int, name: str = "guide.md") -> RawBeat:
        return self.beat(when, name, self.docs)


@pytest.fixture
def books(org, tmp_path):
    """The ``org`` organisation plus a second project, each watching a folder, opened
    in-process; the database is closed again after the test."""
    web, docs = (tmp_path / "web").resolve(), (tmp_path / "docs").resolve()
    web.mkdir()
    docs.mkdir()
    org.ok("project", "add", "Docs", "--client", "Globex", "--rate", "80")
    org.ok("project", "set", "Web", "--watch", str(web))
    org.ok("project", "set", "Docs", "--watch", str(docs))
    open_database(os.environ["TALLY_DB"])
    ids = dict(Project.select(Project.name, Project.id).tuples())
    yield Books(web, docs, ids["Web"], ids["Docs"])
    db.close()


def rows(user: str = "anna") -> list[tuple[str, int, int, str]]:
    """(project, start, end, description) of a person's entries, oldest first."""
    query = (
        TimeEntry.select(
            Project.name, TimeEntry.start_utc, TimeEntry.end_utc, TimeEntry.description
        )
        .join(Project)
        .switch(TimeEntry)
        .join(User)
        .where(User.name == user)
        .order_by(TimeEntry.start_utc, TimeEntry.id)
        .tuples()
    )
    return list(query)


def spans(source: str | None = "capture") -> list[tuple[int, int, int]]:
    """(project id, start, end) of anna's entries (of one source), oldest first."""
    query = TimeEntry.select(TimeEntry.project, TimeEntry.start_utc, TimeEntry.end_utc).where(
        TimeEntry.user == User.get(User.name == "anna")
    )
    if source is not None:
        query = query.where(TimeEntry.source == source)
    return list(query.order_by(TimeEntry.start_utc, TimeEntry.id).tuples())


def assert_no_overlap() -> None:
    """No two of anna's entries (of any source) overlap, and none is empty."""
    found = spans(source=None)
    for earlier, later in zip(found, found[1:], strict=False):
        assert earlier[2] <= later[1], (earlier, later)
    assert all(end > start for _, start, end in found)


def stored_beats() -> list[Beat]:
    query = Heartbeat.select(Heartbeat.at, Heartbeat.project).where(
        Heartbeat.project.is_null(False)
    )
    return [Beat(when, project) for when, project in query.tuples()]


def as_spans(sessions: list[Session]) -> list[tuple[int, int, int]]:
    return [(s.project_id, s.start, s.end) for s in sessions]


# --------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------


def test_record_creates_capture_entries(books):
    result = capture.record("anna", [books.beat(T0), books.beat(T0 + 5 * MIN, "models.py")])
    assert result == capture.Recorded(stored=2, sessions=1)
    assert spans() == [(books.web_id, T0, T0 + 7 * MIN)]
    entry = TimeEntry.get()
    assert entry.source == "capture" and entry.billable
    assert entry.invoice_line_id is None and entry.approved_at is None
    assert "web/app.py" in entry.description and "web/models.py" in entry.description
    stored = list(Heartbeat.select(Heartbeat.at, Heartbeat.source, Heartbeat.target).tuples())
    assert sorted(stored) == [
        (T0, "file", str(books.web / "app.py")),
        (T0 + 5 * MIN, "file", str(books.web / "models.py")),
    ]


def test_recording_nothing_changes_nothing(books):
    assert capture.record("anna", []) == capture.Recorded(0, 0)
    assert spans() == [] and Heartbeat.select().count() == 0


def test_the_same_file_within_a_minute_is_collapsed(books):
    beats = [books.beat(T0 + s) for s in (0, 20, 59, 60, 61, 119, 121)]
    beats.append(books.beat(T0 + 30, "other.py"))  # another file is not collapsed
    assert capture.record("anna", beats).stored == 4
    kept = sorted(Heartbeat.select(Heartbeat.at, Heartbeat.target).tuples())
    app, other = str(books.web / "app.py"), str(books.web / "other.py")
    assert kept == [(T0, app), (T0 + 30, other), (T0 + 60, app), (T0 + 121, app)]


def test_collapsing_also_works_across_record_calls(books):
    assert capture.record("anna", [books.beat(T0)]).stored == 1
    assert capture.record("anna", [books.beat(T0 + 30)]) == capture.Recorded(0, 0)
    assert capture.record("anna", [books.beat(T0 + 59), books.beat(T0 + 10, "b.py")]).stored == 1
    assert capture.record("anna", [books.beat(T0 + 60)]).stored == 1
    assert Heartbeat.select().count() == 3


def test_collapsing_also_looks_at_a_later_stored_heartbeat(books):
    """Heartbeats can arrive late (a second browser profile, a catch-up run): one stored a
    moment later still collapses an earlier one of the same target."""
    capture.record("anna", [books.beat(T0 + 100)])
    assert capture.record("anna", [books.beat(T0 + 70)]).stored == 0
    assert Heartbeat.select().count() == 1


def test_another_persons_heartbeats_are_not_collapsed_with_mine(books, org):
    db.close()
    org.ok("user", "add", "ben")
    open_database(os.environ["TALLY_DB"])
    capture.record("anna", [books.beat(T0)])
    assert capture.record("ben", [books.beat(T0 + 10)]).stored == 1
    assert rows("ben") == [("Web", T0 + 10, T0 + 10 + 2 * MIN, "web/app.py")]
    assert [r[:3] for r in rows("anna")] == [("Web", T0, T0 + 2 * MIN)]


def test_sessions_grow_as_heartbeats_arrive(books):
    capture.record("anna", [books.beat(T0)])
    assert spans() == [(books.web_id, T0, T0 + 2 * MIN)]
    # Within idle: the session is extended, not joined by a second one.
    assert capture.record("anna", [books.beat(T0 + 10 * MIN)]).sessions == 1
    assert spans() == [(books.web_id, T0, T0 + 12 * MIN)]
    capture.record("anna", [books.beat(T0 + 25 * MIN)])  # exactly idle after the last one
    assert spans() == [(books.web_id, T0, T0 + 27 * MIN)]
    # Beyond idle: a new session.
    capture.record("anna", [books.beat(T0 + 40 * MIN + 1)])
    assert spans() == [
        (books.web_id, T0, T0 + 27 * MIN),
        (books.web_id, T0 + 40 * MIN + 1, T0 + 42 * MIN + 1),
    ]
    assert spans() == as_spans(derive(stored_beats()))


def test_the_idle_setting_is_used_when_no_idle_is_given(books):
    assert capture.idle_seconds() == DEFAULT_IDLE == 15 * MIN
    assert capture.idle_seconds(7) == 7 * MIN
    Setting.create(key=capture.IDLE_SETTING, value="5")
    assert capture.idle_seconds() == 5 * MIN
    assert capture.idle_seconds(30) == 30 * MIN
    capture.record("anna", [books.beat(T0), books.beat(T0 + 6 * MIN, "b.py")])
    assert len(spans()) == 2


def test_interleaved_projects_never_overlap(books):
    """Two projects alternating every few minutes for two hours, one heartbeat per call:
    the sessions are exactly what ``derive`` makes of all heartbeats, with no overlap."""
    when = T0
    for i in range(40):
        beat = books.beat(when, f"f{i % 3}.py") if i % 2 == 0 else books.doc(when, f"d{i % 3}.md")
        capture.record("anna", [beat])
        assert_no_overlap()
        when += 3 * MIN if i % 5 else 90
    expected = as_spans(derive(stored_beats()))
    assert {p for p, _, _ in expected} == {books.web_id, books.docs_id}
    assert spans() == expected


def test_a_session_adjacent_to_an_earlier_project_survives_later_heartbeats(books):
    """Web 09:00, Docs 09:10 and 09:20: Web owns 09:00-09:10. A Docs heartbeat at 09:33
    re-derives from the Docs session's start and must not drop the Web session."""
    for beat in (books.beat(T0), books.doc(T0 + 10 * MIN), books.doc(T0 + 20 * MIN)):
        capture.record("anna", [beat])
    assert spans() == [
        (books.web_id, T0, T0 + 10 * MIN),
        (books.docs_id, T0 + 10 * MIN, T0 + 22 * MIN),
    ]
    capture.record("anna", [books.doc(T0 + 33 * MIN)])
    assert spans() == [
        (books.web_id, T0, T0 + 10 * MIN),
        (books.docs_id, T0 + 10 * MIN, T0 + 35 * MIN),
    ]


def _clear() -> None:
    with db.atomic():
        TimeEntry.delete().execute()
        Heartbeat.delete().execute()


@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # the minimal case is a test above
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from([0, 20, 60, 120, 300, 600, 899, 900, 901, 2_000]),
            st.booleans(),
            st.integers(0, 2),
        ),
        min_size=1,
        max_size=30,
    ),
    cuts=st.lists(st.integers(1, 6), min_size=1, max_size=30),
)
def test_recording_in_any_batches_equals_deriving_everything(books, steps, cuts):
    """However heartbeats are split into record() calls, the stored sessions are what a full
    derivation of the stored heartbeats gives."""
    _clear()
    beats, when = [], T0
    for gap, is_web, file in steps:
        when += gap
        beats.append(books.beat(when, f"w{file}.py") if is_web else books.doc(when, f"d{file}.md"))
    index = 0
    for size in cuts:
        if index >= len(beats):
            break
        capture.record("anna", beats[index : index + size])
        index += size
    capture.record("anna", beats[index:])
    assert spans() == as_spans(derive(stored_beats()))
    assert_no_overlap()


# --------------------------------------------------------------------------------------
# Time already accounted for
# --------------------------------------------------------------------------------------


def test_capture_time_is_cut_around_a_manual_entry(books):
    manual = entries.add(
        "anna", entries.NewEntry(project="Docs", start_utc=T0 + 20 * MIN, end_utc=T0 + 30 * MIN)
    )
    imported = entries.add(
        "anna",
        entries.NewEntry(
            project="Docs", start_utc=T0 + 45 * MIN, end_utc=T0 + 46 * MIN, source="import"
        ),
    )
    for minute in (0, 10, 15, 22, 28, 35, 44):
        capture.record("anna", [books.beat(T0 + minute * MIN, f"m{minute}.py")])
        assert_no_overlap()
    # Web 09:00-09:46 from the heartbeats, minus 09:20-09:30 and 09:45-09:46.
    assert spans() == [
        (books.web_id, T0, T0 + 20 * MIN),
        (books.web_id, T0 + 30 * MIN, T0 + 45 * MIN),
    ]
    for kept in (manual, imported):
        row = TimeEntry.get_by_id(kept.id)
        assert (row.start_utc, row.end_utc) == (kept.start_utc, kept.end_utc)
    capture.rebuild("anna")
    assert_no_overlap()
    assert TimeEntry.select().where(TimeEntry.source != "capture").count() == 2


def test_a_manual_entry_over_captured_time_is_refused_rather_than_overlapped(books):
    capture.record("anna", [books.beat(T0), books.beat(T0 + 10 * MIN)])
    with pytest.raises(Conflict, match="overlaps"):
        entries.add(
            "anna", entries.NewEntry(project="Docs", start_utc=T0 + 5 * MIN, end_utc=T0 + 8 * MIN)
        )
    assert_no_overlap()


def test_heartbeats_on_a_locked_day_are_stored_but_change_no_session(books):
    capture.record("anna", [books.beat(T0), books.beat(T0 + 5 * MIN, "b.py")])
    before = list(TimeEntry.select().tuples())
    assert len(before) == 1
    timesheets.lock("anna", DAY)

    # More work on the locked day: next to the session (within idle) and later that day.
    capture.record("anna", [books.beat(T0 + 9 * MIN, "c.py"), books.doc(at(14))])
    capture.record("anna", [books.beat(at(23, 50), "late.py")])
    assert Heartbeat.select().count() == 5
    assert list(TimeEntry.select().tuples()) == before

    # The next (open) day gets its sessions; nothing new starts on the locked day.
    next_day = date(2026, 11, 19)
    capture.record("anna", [books.beat(at(0, 1, day=next_day), "late.py")])
    capture.record("anna", [books.doc(at(9, day=next_day))])
    midnight = at(0, day=next_day)
    new = [s for s in spans() if s[1] >= midnight]
    assert (books.docs_id, at(9, day=next_day), at(9, 2, day=next_day)) in new
    assert all(start >= midnight for _, start, _ in spans()[1:])
    assert list(TimeEntry.select().where(TimeEntry.start_utc < midnight).tuples()) == before
    assert_no_overlap()

    capture.rebuild("anna", idle=5 * MIN)
    assert list(TimeEntry.select().where(TimeEntry.start_utc < midnight).tuples()) == before
    assert_no_overlap()


def test_rebuild_leaves_invoiced_and_approved_sessions_alone(books):
    for minute in range(0, 31, 5):
        capture.record("anna", [books.beat(T0 + minute * MIN, f"w{minute}.py")])
    for minute in range(120, 131, 5):
        capture.record("anna", [books.doc(T0 + minute * MIN, f"d{minute}.md")])
    assert spans() == [
        (books.web_id, T0, T0 + 32 * MIN),
        (books.docs_id, T0 + 120 * MIN, T0 + 132 * MIN),
    ]
    anna = User.get(User.name == "anna")
    approved = TimeEntry.get(TimeEntry.project == books.docs_id)
    approved.approved_at, approved.approved_by = T0 + 200 * MIN, anna
    approved.save()
    invoice = invoices.create(
        "anna", InvoiceRequest(project="Web", first=DAY, last=DAY, include_unlocked=True)
    )
    billed = TimeEntry.get(TimeEntry.project == books.web_id)
    assert billed.invoice_line_id is not None
    protected = sorted(
        TimeEntry.select()
        .where(TimeEntry.invoice_line.is_null(False) | TimeEntry.approved_at.is_null(False))
        .tuples()
    )

    def unchanged() -> None:
        assert (
            sorted(TimeEntry.select().where(TimeEntry.id.in_([r[0] for r in protected])).tuples())
            == protected
        )
        assert_no_overlap()

    # With a 4-minute idle every 5-minute gap would split them: they stay as they are.
    capture.rebuild("anna", idle=4 * MIN)
    unchanged()
    assert TimeEntry.select().count() == 2
    # Later work next to them becomes new sessions around them.
    capture.record("anna", [books.beat(T0 + 35 * MIN, "w35.py"), books.doc(T0 + 134 * MIN)])
    unchanged()
    capture.rebuild("anna", idle=30 * MIN)
    unchanged()
    assert spans() == [
        (books.web_id, T0, T0 + 32 * MIN),
        (books.web_id, T0 + 32 * MIN, T0 + 37 * MIN),
        (books.docs_id, T0 + 120 * MIN, T0 + 132 * MIN),
        (books.docs_id, T0 + 132 * MIN, T0 + 136 * MIN),
    ]
    assert invoices.show("anna", invoice.number).number == invoice.number


def _mixed_day(books: Books) -> None:
    """120 heartbeats from 20:00 into the next morning, recorded seven at a time."""
    rng = random.Random(5)
    when = at(20)
    batch = []
    for i in range(120):
        when += rng.choice([30, 90, 240, 600, 1_200])
        batch.append(books.beat(when, f"w{i % 4}.py") if rng.random() < 0.6 else books.doc(when))
        if len(batch) == 7:
            capture.record("anna", batch)
            batch = []
    capture.record("anna", batch)


def test_rebuild_is_idempotent(books):
    _mixed_day(books)
    entries.add("anna", entries.NewEntry(project="Web", start_utc=at(6), end_utc=at(7)))
    first = capture.rebuild("anna")
    once = rows()
    second = capture.rebuild("anna")
    assert rows() == once
    assert first == second
    assert second.stored == Heartbeat.select().count()
    assert_no_overlap()
    expected = as_spans(derive(stored_beats()))
    assert spans() == expected  # the manual entry lies before every heartbeat


def test_rebuild_from_a_day_keeps_earlier_days(books):
    _mixed_day(books)
    capture.rebuild("anna")
    everything = rows()
    next_day = date(2026, 11, 19)
    assert any(r[1] >= at(0, day=next_day) for r in everything)
    capture.rebuild("anna", first=next_day)
    assert rows() == everything


def test_rebuilding_with_another_idle_changes_the_split(books):
    capture.record("anna", [books.beat(T0), books.beat(T0 + 10 * MIN, "b.py")])
    capture.record("anna", [books.beat(T0 + 30 * MIN, "c.py")])
    web = books.web_id
    assert spans() == [(web, T0, T0 + 12 * MIN), (web, T0 + 30 * MIN, T0 + 32 * MIN)]
    capture.rebuild("anna", idle=5 * MIN)
    assert spans() == [
        (web, T0, T0 + 2 * MIN),
        (web, T0 + 10 * MIN, T0 + 12 * MIN),
        (web, T0 + 30 * MIN, T0 + 32 * MIN),
    ]
    capture.rebuild("anna", idle=30 * MIN)
    assert spans() == [(web, T0, T0 + 32 * MIN)]
    capture.rebuild("anna")
    assert spans() == [(web, T0, T0 + 12 * MIN), (web, T0 + 30 * MIN, T0 + 32 * MIN)]


# --------------------------------------------------------------------------------------
# Other processes
# --------------------------------------------------------------------------------------

RECORDER = r"""
import os, sys
from pathlib import Path
from tallytui.store.db import open_database
from tallytui.services import capture
from tallytui.services.capture import RawBeat

start, count, project, folder, stop = sys.argv[1:6]
start, count, project, stop = int(start), int(count), int(project), Path(stop)
open_database(os.environ["TALLY_DB"])
done = 0
for i in range(count):
    if stop.exists():
        break
    target = os.path.join(folder, f"f{i % 7}.py")
    when = start + (i // 5) * 25 * 60 + (i % 5) * 60  # five a minute apart, then a pause
    capture.record("anna", [RawBeat(when, "file", target, project)])
    done += 1
    if i == 0:
        print("ready", flush=True)
print("recorded", done, flush=True)
"""


def _wait_for(process: subprocess.Popen, word: str) -> None:
    line = process.stdout.readline()
    assert line.strip() == word, (line, process.stderr.read() if process.poll() else "")


def _local(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, TZ).strftime("%Y-%m-%d %H:%M")


@pytest.mark.slow
def test_capture_and_manual_entries_from_two_processes_at_once(books, org, tmp_path):
    """A capture process records heartbeats (six-minute sessions every 25 minutes), one
    transaction each, until told to stop, while the user adds manual entries through the
    CLI: the day before (never captured) and in the stretch capture is working through.
    Nobody sees "database is locked"; an entry may only be refused because capture got
    there first; nothing overlaps."""
    stop = tmp_path / "stop"
    db.close()
    recorder = subprocess.Popen(
        [sys.executable, "-c", RECORDER, str(T0), "20000", str(books.web_id), str(books.web)]
        + [str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    outcomes = []
    try:
        _wait_for(recorder, "ready")
        for k in range(30):
            if k % 2 == 0:  # the day before, 00:00-15:00: capture never gets there
                start, ahead = T0 - 33 * 3600 + k * 30 * MIN, False
            else:  # among the heartbeats, somewhere in the next days
                start, ahead = T0 + (k * 97 + 30) * MIN, True
            args = ("entry", "add", "--project", "Docs", "--start", _local(start))
            args += ("--end", _local(start + 20 * MIN), "--description", f"call {k}")
            outcomes.append((start, ahead, org(*args)))
        stop.touch()
        out, err = recorder.communicate(timeout=120)
    finally:
        stop.touch()
        if recorder.poll() is None:
            recorder.kill()
            recorder.wait()
    assert recorder.returncode == 0, err
    assert "locked" not in err and "Traceback" not in err, err
    assert out.startswith("recorded")
    added = []
    for start, ahead, result in outcomes:
        assert "locked" not in result.stderr, result.stderr
        if result.exit_code == 0:
            added.append(start)
        else:
            # The only acceptable refusal: capture got there first.
            assert ahead, result.stderr
            assert result.exit_code == 1 and "overlaps" in result.stderr, result.stderr
    open_database(os.environ["TALLY_DB"])
    assert_no_overlap()
    assert [start for _, start, _ in spans(source="manual")] == sorted(added)
    assert Heartbeat.select().count() == int(out.split()[1])


BATCH = 200
KILLED = r"""
import os, random, sys, time
from peewee import fn
from tallytui.store.db import open_database
from tallytui.services import capture
from tallytui.services.capture import RawBeat
from tallytui.store.models import Heartbeat

seed, start, web, docs, web_dir, docs_dir, BATCH = sys.argv[1:8]
BATCH = int(BATCH)
rng = random.Random(int(seed))
open_database(os.environ["TALLY_DB"])
when = (Heartbeat.select(fn.MAX(Heartbeat.at)).scalar() or int(start)) + 1
for n in range(10_000):
    batch = []
    for i in range(BATCH):
        when += rng.choice([0, 15, 45, 61, 180, 600, 900, 901, 2_400])
        project, folder = rng.choice([(int(web), web_dir), (int(docs), docs_dir)])
        target = os.path.join(folder, f"f{rng.randrange(6)}.txt")
        batch.append(RawBeat(when, "file", target, project))
    capture.record("anna", batch)
    if n == 0:
        print("writing", flush=True)
    time.sleep(0.01)
"""


@pytest.mark.slow
def test_killing_capture_mid_batch_leaves_a_consistent_database(books):
    db.close()
    rng = random.Random(11)
    for round_ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(round_), str(T0), str(books.web_id)]
            + [str(books.docs_id), str(books.web), str(books.docs), str(BATCH)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        try:
            _wait_for(child, "writing")
            time.sleep(rng.uniform(0.02, 0.3))
        finally:
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL

    database = open_database(os.environ["TALLY_DB"])
    assert database.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert Heartbeat.select().count() >= 3 * BATCH // 4
    assert_no_overlap()

    capture.rebuild("anna")
    expected = as_spans(derive(stored_beats()))
    found = spans()
    assert len(found) == len(set(found)), "duplicate sessions"
    assert found == expected
    assert_no_overlap()


def test_status_lists_live_folders_missing_ones_and_the_last_heartbeat(books, org, tmp_path):
    gone = tmp_path / "gone"
    org.ok("project", "add", "Old", "--client", "Globex", "--rate", "80")
    org.ok("project", "set", "Old", "--watch", str(tmp_path / "old"), "--archive")
    org.ok("project", "set", "Docs", "--watch", str(gone))
    org.ok("project", "set", "Web", "--url", "github.com/acme/*")
    open_database(os.environ["TALLY_DB"])
    before = capture.status()
    assert before.last_heartbeat is None
    capture.record("anna", [books.beat(T0)])

    found = capture.status()
    assert [(f.project, f.path, f.exists) for f in found.folders] == [
        ("Docs", str(books.docs), True),
        ("Docs", str(gone), False),
        ("Web", str(books.web), True),
    ]  # the archived project's folder is not watched
    assert found.missing == (found.folders[1],)
    assert found.url_patterns == 1
    assert found.last_heartbeat == T0

    db.close()
    shown = org.ok("capture", "status", "--json").json()
    assert shown["last_heartbeat"] == "2026-11-18T08:00:00Z"
    assert shown["url_patterns"] == 1
    assert {"project": "Docs", "path": str(gone), "exists": False} in shown["folders"]
    assert "(missing)" in org.ok("capture", "status").stdout
