"""The running timer (services/timer.py, ``tally start|stop|status|cancel``): one per
person, in the database; starting another stops it at the same instant; locked days, stops
before the start, midnight and DST, the 12-hour flag, capture around it, and two processes
racing to start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from peewee import IntegrityError
from test_capture_service import at, spans
from test_capture_service import books as books  # noqa: F401  (a fixture these tests use)
from test_cli_entries import entries

from tallytui.services import capture, timer
from tallytui.store.db import open_database
from tallytui.store.models import RunningTimer, TimeEntry, User, db


def status(tally) -> dict:
    return tally.ok("status", "--json").json()


def test_start_status_stop_records_a_manual_entry(engine, org):
    assert org.ok("status").stdout == "no timer running\n"
    started = org.ok("start", "Web", "--description", "Workshop", "--at", "08:30")
    assert started.stdout == "started Web at 08:30 (2026-11-20)\n"
    assert org.ok("status").stdout == "Web 1:30 since 08:30\n"
    assert status(org) == {
        "running": True,
        "user": "anna",
        "project": "Web",
        "client": "Globex",
        "description": "Workshop",
        "start": "2026-11-20T07:30:00Z",
        "seconds": 5400,
    }
    assert entries(org) == []  # work in progress is no entry yet
    stopped = org.ok("stop")
    [entry] = entries(org)
    assert stopped.stdout == f"stopped Web at 10:00: entry {entry['id']}, 1.50 h (2026-11-20)\n"
    assert entry | {"id": 0} == {
        "id": 0,
        "project": "Web",
        "client": "Globex",
        "user": "anna",
        "start": "2026-11-20T07:30:00Z",
        "end": "2026-11-20T09:00:00Z",
        "seconds": 5400,
        "date": "2026-11-20",
        "hours": "1.50",
        "description": "Workshop",
        "billable": True,
        "source": "manual",
        "state": "open",
        "invoice": None,
    }
    assert status(org) == {"running": False, "user": "anna"}


def test_stop_and_cancel_without_a_timer_are_refused(org):
    for command in ("stop", "cancel"):
        result = org(command)
        assert result.exit_code == 1
        assert "no timer is running for anna" in result.stderr


def test_cancel_records_nothing(org):
    org.ok("start", "Web", "--at", "09:00")
    assert org.ok("cancel").stdout == "cancelled the timer on Web; nothing was recorded\n"
    assert entries(org) == [] and status(org)["running"] is False


def test_starting_while_one_runs_stops_it_at_the_same_instant(engine, org):
    org.ok("project", "add", "Ops", "--client", "Globex")
    org.ok("start", "Web", "--at", "08:00")
    switched = org.ok("start", "Ops", "--at", "09:15")
    [entry] = entries(org)
    assert switched.stdout.splitlines() == [
        f"stopped Web at 09:15: entry {entry['id']}, 1.25 h (2026-11-20)",
        "started Ops at 09:15 (2026-11-20)",
    ]
    assert entry["end"] == "2026-11-20T08:15:00Z"
    assert status(org)["start"] == entry["end"]  # no gap, no overlap
    org.ok("stop")
    first, second = entries(org)
    assert (first["end"], second["start"]) == ("2026-11-20T08:15:00Z", "2026-11-20T08:15:00Z")


def test_a_start_before_the_running_timer_is_refused_and_changes_nothing(org):
    org.ok("start", "Web", "--at", "09:00")
    refused = org("start", "Web", "--at", "08:00")
    assert refused.exit_code == 1
    assert "is not after the timer's start 2026-11-20 09:00" in refused.stderr
    assert status(org)["start"] == "2026-11-20T08:00:00Z" and entries(org) == []


def test_stop_before_start_or_in_the_future_is_refused(org):
    org.ok("start", "Web", "--at", "09:00")
    before = org("stop", "--at", "08:59")
    assert before.exit_code == 1 and "not after the timer's start" in before.stderr
    future = org("stop", "--at", "10:30")
    assert future.exit_code == 1 and "in the future" in future.stderr
    assert status(org)["running"] is True and entries(org) == []


def test_a_timer_cannot_start_in_the_future(org):
    refused = org("start", "Web", "--at", "10:01")
    assert refused.exit_code == 1 and "in the future" in refused.stderr
    assert status(org)["running"] is False


def test_a_timer_cannot_start_inside_a_locked_day(engine, org):
    org.ok("timesheet", "lock", "--until", "2026-11-19")
    refused = org("start", "Web", "--at", "2026-11-19 17:00")
    assert refused.exit_code == 1
    assert "cannot start a timer on time on 2026-11-19" in refused.stderr
    assert "locked until 2026-11-19" in refused.stderr
    assert status(org)["running"] is False
    org.ok("start", "Web", "--at", "2026-11-20 00:00")  # the first open day


def test_a_timer_does_not_start_over_a_manual_entry(org):
    org.ok("entry", "add", "--project", "Web", "--start", "2026-11-20 08:00", "--end", "09:00")
    refused = org("start", "Web", "--at", "08:30")
    assert refused.exit_code == 1 and "would overlap anna's entry" in refused.stderr
    org.ok("start", "Web", "--at", "09:00")  # touching is fine


def test_an_entry_cannot_be_added_over_the_running_timer(org):
    org.ok("start", "Web", "--at", "08:00")
    refused = org(
        "entry", "add", "--project", "Web", "--start", "2026-11-20 09:00", "--end", "09:30"
    )
    assert refused.exit_code == 1
    assert "overlaps anna's running timer (Web, since 2026-11-20 08:00)" in refused.stderr
    org.ok("entry", "add", "--project", "Web", "--start", "2026-11-20 07:00", "--end", "08:00")


@pytest.mark.parametrize(
    ("start", "now", "end", "seconds"),
    [
        # across midnight
        ("2026-11-19 22:30", "2026-11-20T01:00:00+01:00", "2026-11-20 00:45", 8100),
        # across the end of summer time in Berlin (25 October: 03:00 CEST is 02:00 CET)
        ("2026-10-24 23:30", "2026-10-25T05:00:00+01:00", "2026-10-25 04:00", 5 * 3600 + 1800),
        # across its start (29 March: 02:00 CET is 03:00 CEST)
        ("2026-03-29 01:00", "2026-03-29T05:00:00+02:00", "2026-03-29 04:00", 2 * 3600),
    ],
)
def test_midnight_and_dst_give_the_exact_duration(org, monkeypatch, start, now, end, seconds):
    monkeypatch.setenv("TALLY_NOW", now)
    org.ok("start", "Web", "--at", start)
    assert status(org)["seconds"] > 0
    org.ok("stop", "--at", end)
    [entry] = org.ok("entry", "list", "--from", start[:10], "--json").json()
    assert entry["seconds"] == seconds


def test_a_timer_left_running_over_twelve_hours_is_flagged(org):
    org.ok("start", "Web", "--at", "2026-11-19 09:00")
    stopped = org.ok("stop").stdout.splitlines()
    [entry] = org.ok("entry", "list", "--from", "2026-11-19", "--json").json()
    assert entry["seconds"] == 25 * 3600
    assert stopped[1] == (
        "note: the timer ran more than 12 hours; if it was left running, trim entry "
        f"{entry['id']} in the review (r) or with `tally entry edit {entry['id']} --end`"
    )


def test_twelve_hours_exactly_is_not_flagged(org):
    org.ok("start", "Web", "--at", "2026-11-19 22:00")
    assert len(org.ok("stop").stdout.splitlines()) == 1


def test_captured_sessions_never_overlap_the_timer(books):
    """Heartbeats during the timer add nothing; a session under way when it starts ends
    there; after the stop, capture takes the time again."""
    capture.record("anna", [books.beat(at(9)), books.beat(at(9, 10), "b.py")])
    assert spans() == [(books.web_id, at(9), at(9, 12))]
    timer.start("anna", "Docs", at(9, 5))
    assert spans() == [(books.web_id, at(9), at(9, 5))]
    capture.record("anna", [books.beat(at(9, 20)), books.beat(at(9, 25), "c.py")])
    assert spans() == [(books.web_id, at(9), at(9, 5))]
    timer.stop("anna", at(9, 21))
    assert spans(source=None) == [
        (books.web_id, at(9), at(9, 5)),
        (books.docs_id, at(9, 5), at(9, 21)),
        (books.web_id, at(9, 21), at(9, 27)),
    ]


def test_cancel_gives_the_time_back_to_capture(books):
    timer.start("anna", "Docs", at(9))
    capture.record("anna", [books.beat(at(9, 10))])
    assert spans() == []
    timer.cancel("anna")
    assert spans() == [(books.web_id, at(9, 10), at(9, 12))]


def test_the_database_holds_one_timer_per_person(books):
    timer.start("anna", "Web", at(9))
    anna = User.get(User.name == "anna")
    with pytest.raises(IntegrityError), db.atomic():
        RunningTimer.create(
            user=anna, project=books.docs_id, start_utc=at(9, 30), created_at=at(9, 30)
        )


def test_two_processes_racing_to_start_leave_one_timer(engine, org):
    org.ok("project", "add", "Ops", "--client", "Globex")
    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "tallytui", "start", project],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for project in ("Web", "Ops", "Web", "Ops")
    ]
    outcomes = [racer.communicate(timeout=60) for racer in racers]
    assert [racer.returncode for racer in racers] == [0] * 4, outcomes
    open_database(engine)
    try:
        assert RunningTimer.select().count() == 1
        # All started in the same (frozen) second: each replaced the one before, unrecorded.
        assert TimeEntry.select().count() == 0
    finally:
        db.close()
    assert sum("replaced the timer" in out for out, _ in outcomes) == 3
