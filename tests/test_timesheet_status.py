"""`tally timesheet status`: each person's uninvoiced time as open, locked (of which
waiting for an approver) and approved, added up in SQL from an index of unbilled time."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallytui.domain.localtime import day_end, day_start
from tallytui.services import timesheets
from tallytui.store.db import open_database
from tallytui.store.models import InvoiceLine, Project, TimeEntry, User, db

TZ = "Europe/Berlin"
LOCK = date(2026, 11, 8)
PEOPLE = ("anna", "ben", "cleo")


def _people(org):
    """Three people; Web needs ben's approval, Ops needs none; one invoice line to bill on."""
    org.ok("user", "add", "ben", "--role", "approver")
    org.ok("user", "add", "cleo")
    org.ok("project", "set", "Web", "--approval", "--approver", "ben")
    org.ok("project", "add", "Ops", "--client", "Globex", "--rate", "80")
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Set-up|1|100")
    return open_database(os.environ["TALLY_DB"])


@pytest.fixture
def status_db(engine, org):
    handle = _people(org)
    yield
    handle.close()


@pytest.fixture
def sqlite_status_db(org):
    handle = _people(org)
    yield
    handle.close()


ENTRIES = st.lists(
    st.tuples(
        st.sampled_from(PEOPLE),
        st.sampled_from(("Web", "Ops")),
        st.integers(-3, 3),  # day, relative to the lock's day
        st.sampled_from((-60, 0, 60, 23 * 3600 + 59 * 60)),  # seconds after that midnight
        st.integers(1, 600),  # minutes
        st.booleans(),  # approved
        st.booleans(),  # invoiced
        st.booleans(),  # billable
    ),
    max_size=25,
)
LOCKS = st.fixed_dictionaries({name: st.sampled_from((None, LOCK)) for name in PEOPLE})


def _expected(rows: list[dict], locks: dict, names: dict, waiting: set) -> dict:
    """The status worked out entry by entry, as the rules say it."""
    sums = {name: [0, 0, 0, 0] for name in PEOPLE}  # open, locked, approved, waiting
    for row in rows:
        if row["invoice_line"] is not None:
            continue
        name, seconds = names[row["user"]], row["end_utc"] - row["start_utc"]
        lock = locks[name]
        if row["approved_at"] is not None:
            sums[name][2] += seconds
        elif lock is None or row["start_utc"] >= day_end(lock, TZ):
            sums[name][0] += seconds
        else:
            sums[name][1] += seconds
            sums[name][3] += seconds if row["project"] in waiting else 0
    return sums


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=ENTRIES, locks=LOCKS)
def test_the_status_adds_up_each_entry_where_the_rules_put_it(status_db, pieces, locks):
    """Whatever mix of approved, invoiced, non-billable, locked and open time, on both
    sides of the lock's midnight, the sums are those of the entries one by one."""
    TimeEntry.delete().execute()
    users = {u.name: u.id for u in User.select()}
    projects = {p.name: p.id for p in Project.select()}
    line = InvoiceLine.select().get().id
    User.update(locked_until=None).execute()
    for name, until in locks.items():
        User.update(locked_until=until).where(User.name == name).execute()
    rows = []
    for name, project, day, offset, minutes, approved, invoiced, billable in pieces:
        start = day_start(LOCK + timedelta(days=day), TZ) + offset
        rows.append(
            dict(
                user=users[name],
                project=projects[project],
                start_utc=start,
                end_utc=start + minutes * 60,
                billable=billable,
                approved_at=start if approved else None,
                invoice_line=line if invoiced else None,
                source="manual",
                created_at=0,
                updated_at=0,
            )
        )
    if rows:
        TimeEntry.insert_many(rows).execute()
    names = {uid: name for name, uid in users.items()}
    expected = _expected(rows, locks, names, {projects["Web"]})
    found = {
        s.user: [s.open_seconds, s.locked_seconds, s.approved_seconds, s.pending_approval_seconds]
        for s in timesheets.status()
    }
    assert found == expected
    assert [s.locked_until for s in timesheets.status()] == [locks[n] for n in PEOPLE]


def test_the_status_reads_unbilled_time_from_its_own_index(sqlite_status_db, monkeypatch):
    """The sums come from the index that holds only unbilled time, in one query for all
    the people whose locks end on the same day: before it, four queries per person read
    every entry of their years of history through the table."""
    User.update(locked_until=LOCK).where(User.name != "cleo").execute()
    run: list[tuple[str, list]] = []
    execute = db.obj.execute_sql

    def recorded(sql, params=None, *args, **kwargs):
        run.append((sql, params))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", recorded)
    timesheets.status()
    sums = [(sql, params) for sql, params in run if "time_entry" in sql]
    assert len(sums) == 2  # anna and ben's lock, and cleo who never locked
    for sql, params in sums:
        plan = " | ".join(row[-1] for row in execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "USING INDEX time_entry_unbilled" in plan, plan
