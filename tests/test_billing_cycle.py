"""The billing cycle's lists on a seeded database, through `tally invoicing --json`."""

from __future__ import annotations

import os
import random
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tallytui.domain.localtime import day_start, local_date
from tallytui.domain.localtime import zone as time_zone
from tallytui.domain.timesheet import is_locked, readiness
from tallytui.services.billing_cycle import cycle as cycle_service
from tallytui.store.db import open_database
from tallytui.store.models import Project, TimeEntry, User, db


@pytest.fixture
def cycle_db(org):
    """Globex/Web is monthly at 95; TALLY_NOW is 2026-11-20, so October is due."""
    org.ok("user", "add", "ben")
    org.ok("user", "add", "cara", "--role", "approver")
    for who in ("anna", "ben"):
        org.ok(
            "entry",
            "add",
            "--project",
            "Web",
            "--start",
            "2026-10-05 09:00",
            "--end",
            "2026-10-05 11:00",
            "--user",
            who,
        )
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-03 09:00",
        "--end",
        "2026-11-03 10:00",
    )  # November: not due yet
    return org


def cycle(tally):
    return tally.ok("invoicing", "--json").json()


def test_open_time_is_pending_with_who_has_not_locked(cycle_db):
    cycle_db.ok("timesheet", "lock", "--until", "2026-10-31")  # anna only
    data = cycle(cycle_db)
    assert data["today"] == "2026-11-20" and data["clear"] is False
    [pending] = data["pending"]
    assert {
        k: pending[k]
        for k in (
            "project",
            "client",
            "period_start",
            "period_end",
            "hours",
            "open_hours",
            "pending_approval_hours",
            "ready_hours",
        )
    } == {
        "project": "Web",
        "client": "Globex",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "hours": "4.00",
        "open_hours": "2.00",
        "pending_approval_hours": "0.00",
        "ready_hours": "2.00",
    }
    people = {p["user"]: (p["locked_until"], p["open_hours"]) for p in pending["people"]}
    assert people == {"anna": ("2026-10-31", "0.00"), "ben": (None, "2.00")}
    assert data["ready_for_invoicing"] == [] and data["missing_data"] == []


def test_the_report_names_each_screen_and_who_still_has_open_time(cycle_db):
    cycle_db.ok("timesheet", "lock", "--until", "2026-10-31")  # anna only
    lines = cycle_db.ok("invoicing").stdout.splitlines()
    assert lines[0] == "Billing cycle on 2026-11-20"
    assert [line for line in lines if re.fullmatch(r"[A-Z][a-z ]+ \(\d+\)", line)] == [
        "Missing data (0)",
        "Pending (1)",
        "Ready for invoicing (0)",
        "Ready to send (0)",
        "Sent (0)",
        "Overdue (0)",
    ]
    [row] = [line for line in lines if line.startswith("Web ")]
    assert row.split()[:8] == [
        "Web",
        "2026-10-01",
        "–",
        "2026-10-31",
        "4.00",
        "2.00",
        "0.00",
        "2.00",
    ]
    assert row.endswith("ben (never locked)")  # anna's time is locked: only ben's is open


def test_all_locked_is_ready_with_its_amount_then_invoiced_it_moves_on(cycle_db):
    cycle_db.ok("timesheet", "lock", "--until", "2026-10-31")
    cycle_db.ok("timesheet", "lock", "--until", "2026-10-31", "--user", "ben")
    cycle_db.ok("expense", "add", "--project", "Web", "--date", "2026-10-06", "--amount", "20")
    [ready] = cycle(cycle_db)["ready_for_invoicing"]
    assert ready == {
        "project": "Web",
        "client": "Globex",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "hours": "4.00",
        "amount": "400.00",
        "currency": "EUR",
    }
    invoice = cycle_db.ok("invoice", "create", "--project", "Web", "--json").json()
    data = cycle(cycle_db)
    assert data["ready_for_invoicing"] == [] and data["pending"] == []
    assert [s["number"] for s in data["ready_to_send"]] == [invoice["number"]]
    assert data["clear"] is True
    cycle_db.ok("invoice", "mark-sent", invoice["number"])
    data = cycle(cycle_db)
    assert data["ready_to_send"] == []
    assert data["sent"] == [
        {
            "number": invoice["number"],
            "kind": "invoice",
            "status": "sent",
            "client": "Globex",
            "issue_date": "2026-11-20",
            "due_date": invoice["due_date"],
            "total": invoice["total"],
            "currency": "EUR",
            "paid": "0.00",
            "open": invoice["total"],
            "overdue_days": 0,
        }
    ]


def test_approval_required_time_waits_for_the_approver(cycle_db, env):
    cycle_db.ok("project", "set", "Web", "--approval", "--approver", "cara")
    cycle_db.ok("timesheet", "lock", "--until", "2026-10-31")
    cycle_db.ok("timesheet", "lock", "--until", "2026-10-31", "--user", "ben")
    [pending] = cycle(cycle_db)["pending"]
    assert (pending["open_hours"], pending["pending_approval_hours"]) == ("0.00", "4.00")
    open_database(str(env))
    try:
        cara = User.get(User.name == "cara")
        TimeEntry.update(approved_by=cara, approved_at=1).execute()
    finally:
        db.close()
    assert [r["project"] for r in cycle(cycle_db)["ready_for_invoicing"]] == ["Web"]


def test_missing_data_says_what_is_missing(org):
    org.ok("client", "add", "Nameless")  # no address
    org.ok("project", "add", "Adhoc", "--client", "Nameless")  # no rate, no schedule
    org.ok(
        "entry",
        "add",
        "--project",
        "Adhoc",
        "--start",
        "2026-10-05 09:00",
        "--end",
        "2026-10-05 10:30",
    )
    [missing] = cycle(org)["missing_data"]
    assert missing == {
        "project": "Adhoc",
        "client": "Nameless",
        "uninvoiced_hours": "1.50",
        "missing": ["schedule", "rate", "client address"],
    }


def test_non_billable_and_archived_projects_are_not_in_the_cycle(org):
    org.ok("project", "add", "Internal", "--client", "Globex", "--non-billable")
    org.ok(
        "entry",
        "add",
        "--project",
        "Internal",
        "--start",
        "2026-10-05 09:00",
        "--end",
        "2026-10-05 10:30",
    )
    data = cycle(org)
    assert data["missing_data"] == data["pending"] == data["ready_for_invoicing"] == []
    assert data["clear"] is True


@pytest.mark.parametrize(
    ("locked", "required", "approved", "state"),
    [
        (False, False, False, "open"),
        (False, False, True, "open"),
        (False, True, False, "open"),
        (False, True, True, "open"),
        (True, False, False, "ready"),
        (True, False, True, "ready"),
        (True, True, False, "pending_approval"),
        (True, True, True, "ready"),
    ],
)
def test_readiness_of_every_combination(locked, required, approved, state):
    assert readiness(locked, required, approved) == state


def test_a_lock_ending_the_day_before_leaves_the_day_open():
    assert not is_locked(date(2026, 10, 5), date(2026, 10, 4))
    assert is_locked(date(2026, 10, 4), date(2026, 10, 4))


def test_periods_and_due_dates_follow_the_organisation_zone_across_dst(org, monkeypatch):
    """Europe/Berlin leaves summer time on 2026-10-25 at 03:00. A session over the change
    lasts its real four hours; a session at 00:30 on 1 November (still 31 October in UTC)
    is November's; and October is due as soon as it has ended in Berlin."""
    org.ok("project", "set", "Web", "--schedule", "weekly")
    for start, end in (
        ("2026-10-25T01:00:00+02:00", "2026-10-25T04:00:00+01:00"),
        ("2026-11-01T00:30:00+01:00", "2026-11-01T01:30:00+01:00"),
    ):
        org.ok("entry", "add", "--project", "Web", "--start", start, "--end", end)
    org.ok("timesheet", "lock", "--until", "2026-11-01")
    monkeypatch.setenv("TALLY_NOW", "2026-11-02T00:30:00+01:00")  # 1 November in UTC
    data = cycle(org)
    assert [
        (r["period_start"], r["period_end"], r["hours"]) for r in data["ready_for_invoicing"]
    ] == [
        ("2026-10-19", "2026-10-25", "4.00"),
        ("2026-10-26", "2026-11-01", "1.00"),
    ]
    monkeypatch.setenv("TALLY_NOW", "2026-11-01T23:30:00+01:00")  # Sunday, week not over
    assert [r["period_end"] for r in cycle(org)["ready_for_invoicing"]] == ["2026-10-25"]


def test_monthly_periods_name_the_current_period_in_the_header(org):
    data = cycle(org)
    assert data["current_periods"] == [
        {"schedule": "monthly", "start": "2026-11-01", "end": "2026-11-30"}
    ]


def test_ready_amount_is_what_the_invoice_bills_with_rounding_and_a_rate_change(org):
    """Each entry is rounded before summing, and a rate change inside the period gives
    time before and after it its own price, as on the invoice."""
    org.ok("project", "set", "Web", "--round", "15:up")
    org.ok("project", "set", "Web", "--rate", "120", "--from", "2026-10-16")
    for start, end in (
        ("2026-10-05 09:00", "2026-10-05 09:10"),  # 15 minutes at 95
        ("2026-10-05 10:00", "2026-10-05 10:20"),  # 30 minutes at 95
        ("2026-10-20 09:00", "2026-10-20 09:05"),  # 15 minutes at 120
    ):
        org.ok("entry", "add", "--project", "Web", "--start", start, "--end", end)
    org.ok("timesheet", "lock", "--until", "2026-10-31")
    [ready] = cycle(org)["ready_for_invoicing"]
    assert (ready["hours"], ready["amount"]) == ("0.58", "101.25")
    invoice = org.ok("invoice", "create", "--project", "Web", "--json").json()
    assert invoice["subtotal"] == ready["amount"]


def test_a_first_rate_from_inside_a_period_prices_the_period(org):
    """A project whose first rate starts inside a period, before its first entry there, is
    not missing data, and the period is priced at that rate."""
    org.ok("project", "add", "Audit", "--client", "Globex", "--schedule", "monthly")
    org.ok("project", "set", "Audit", "--rate", "80", "--from", "2026-10-10")
    org.ok(
        "entry",
        "add",
        "--project",
        "Audit",
        "--start",
        "2026-10-12 09:00",
        "--end",
        "2026-10-12 11:00",
    )
    org.ok("timesheet", "lock", "--until", "2026-10-31")
    data = cycle(org)
    assert data["missing_data"] == []
    [ready] = data["ready_for_invoicing"]
    assert (ready["project"], ready["hours"], ready["amount"]) == ("Audit", "2.00", "160.00")


# Zones whose days are hard to add up: St. John's is 3.5 hours behind UTC and changes by an
# hour; Lord Howe Island changes by half an hour.
TRICKY_ZONES = ["America/St_Johns", "Australia/Lord_Howe"]
# project: (its rounding, None for the org's 30:nearest; its schedule)
PROJECTS = {
    "Up": ("15:up", "weekly"),
    "Down": ("10:down", "biweekly"),
    "Nearest": (None, "monthly"),
}
UNSCHEDULED = "Someday"  # missing data: added up as a whole, not per day


def _clock_changes(zone: str, first: date, last: date) -> list[int]:
    """The instants from ``first`` to ``last`` (UTC days) at which ``zone`` changes its
    offset from UTC, each found to the second."""
    place = time_zone(zone)

    def offset(instant: int):
        return datetime.fromtimestamp(instant, place).utcoffset()

    changes = []
    begin = int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp())
    end = int(datetime(last.year, last.month, last.day, tzinfo=UTC).timestamp())
    for day in range(begin, end, 86400):
        before, after = day, day + 86400
        if offset(before) == offset(after):
            continue
        while after - before > 1:
            middle = (before + after) // 2
            before, after = (middle, after) if offset(middle) == offset(day) else (before, middle)
        changes.append(after)
    return changes


@pytest.mark.parametrize("zone", TRICKY_ZONES)
def test_the_database_adds_up_days_and_rounding_as_entry_by_entry(engine, tally, zone):
    """The cycle adds up open time in the database, per person, local day and approval,
    with each entry rounded first. Entries starting around local midnight on the days the
    clocks change fall on the day a clock on the wall shows, and each ready period has the
    hours of its entries and the amount its invoice bills. A project without a schedule is
    missing data with the hours of all its entries."""
    tally.ok("init", "--org", "Acme", "--code", "ACME", "--timezone", zone, "--round", "30:nearest")
    tally.ok("user", "add", "ben")
    tally.ok("client", "add", "Globex", "--address", "1 Main St")
    for name, (rounding, schedule) in PROJECTS.items():
        extra = ("--round", rounding) if rounding else ()
        tally.ok(
            "project",
            "add",
            name,
            "--client",
            "Globex",
            "--rate",
            "95",
            "--schedule",
            schedule,
            *extra,
        )
    tally.ok("project", "add", UNSCHEDULED, "--client", "Globex", "--rate", "95")
    handle = open_database(engine)
    try:
        changes = _clock_changes(zone, date(2026, 1, 1), date(2026, 11, 16))
        assert len(changes) == 2
        pick = random.Random(zone)
        users = [u.id for u in User.select().order_by(User.name)]
        projects = {p.name: p.id for p in Project.select()}
        starts = []
        for change in changes:
            for day in range(-2, 3):
                midnight = day_start(local_date(change, zone) + timedelta(days=day), zone)
                starts += [midnight + offset for offset in (-1800, -1, 0, 1, 899, 1800)]
        starts += [change + offset for change in changes for offset in (-1, 0, 1)]
        rows = [
            dict(
                user=pick.choice(users),
                project=pick.choice(list(projects.values())),
                start_utc=start,
                end_utc=start + pick.randint(1, 3 * 3600),
                billable=True,
                source="manual",
                created_at=0,
                updated_at=0,
            )
            for start in starts
        ]
        # Non-billable time is in no figure, of a project with a schedule or without.
        unbillable = [{**row, "billable": False} for row in rows[::5]]
        TimeEntry.insert_many(rows + unbillable).execute()
    finally:
        handle.close()
    for user in ("anna", "ben"):
        tally.ok("timesheet", "lock", "--until", "2026-11-15", "--user", user)
    handle = open_database(engine)
    try:
        found = cycle_service("anna")
    finally:
        handle.close()
    ready = found.ready_for_invoicing
    expected: dict[tuple[str, date], int] = {}
    names = {pid: name for name, pid in projects.items()}
    for row in rows:
        key = (names[row["project"]], local_date(row["start_utc"], zone))
        expected[key] = expected.get(key, 0) + row["end_utc"] - row["start_utc"]
    assert {r.project for r in ready} == set(PROJECTS)
    [someday] = found.missing_data
    assert (someday.project, someday.missing) == (UNSCHEDULED, ("schedule",))
    assert someday.uninvoiced_seconds == sum(
        seconds for (name, _), seconds in expected.items() if name == UNSCHEDULED
    )
    for period in ready:
        assert period.seconds == sum(
            seconds
            for (name, day), seconds in expected.items()
            if name == period.project and period.period_start <= day <= period.period_end
        ), period
        invoice = tally.ok(
            "invoice",
            "create",
            "--project",
            period.project,
            "--period-start",
            str(period.period_start),
            "--period-end",
            str(period.period_end),
            "--json",
        ).json()
        assert Decimal(invoice["subtotal"]) == period.amount, period


@pytest.mark.parametrize("zone", TRICKY_ZONES)
def test_a_lock_covers_time_up_to_the_local_midnight_after_its_day(engine, tally, zone):
    """Time starting on a person's last locked day, to its last second on the wall clock,
    is ready; time starting from the midnight after it is still open. The locks end on the
    day the clocks change and on the day before, where midnight is a different distance
    from UTC than on the day itself."""
    tally.ok("init", "--org", "Acme", "--code", "ACME", "--timezone", zone)
    tally.ok("user", "add", "ben")
    tally.ok("client", "add", "Globex", "--address", "1 Main St")
    tally.ok("project", "add", "Web", "--client", "Globex", "--rate", "95", "--schedule", "monthly")
    [change] = _clock_changes(zone, date(2026, 3, 1), date(2026, 6, 1))
    changed_on = local_date(change, zone)
    locks = {"anna": changed_on, "ben": changed_on - timedelta(days=1)}
    handle = open_database(engine)
    try:
        users = {u.name: u.id for u in User.select()}
        [project] = Project.select()
        rows = []
        for name, until in locks.items():
            for day in (until - timedelta(days=1), until, until + timedelta(days=1)):
                midnight = day_start(day, zone)
                rows += [
                    dict(
                        user=users[name],
                        project=project.id,
                        start_utc=midnight + offset,
                        end_utc=midnight + offset + 60 * (index + 1),
                        source="manual",
                        created_at=0,
                        updated_at=0,
                    )
                    for index, offset in enumerate((-1, 0, 1, 3599, 3600))
                ]
        TimeEntry.insert_many(rows).execute()
    finally:
        handle.close()
    for name, until in locks.items():
        tally.ok("timesheet", "lock", "--until", str(until), "--user", name)
    handle = open_database(engine)
    try:
        [period] = cycle_service("anna").pending
    finally:
        handle.close()
    expected = {name: [0, 0] for name in locks}  # [open, ready] seconds
    names = {uid: name for name, uid in users.items()}
    for row in rows:
        name = names[row["user"]]
        locked = local_date(row["start_utc"], zone) <= locks[name]
        expected[name][locked] += row["end_utc"] - row["start_utc"]
    found = {p.user: [p.open_seconds, p.ready_seconds] for p in period.people}
    assert found == expected
    assert all(figures[0] and figures[1] for figures in found.values())


def test_open_time_is_added_up_from_its_own_index(cycle_db, monkeypatch):
    """The cycle sums unbilled, billable time from the index that holds only it, not by
    looking up every unbilled entry in the table: on years of history, the difference
    between a few milliseconds and a few dozen."""
    handle = open_database(os.environ["TALLY_DB"])
    run: list[tuple[str, list]] = []
    execute = handle.execute_sql

    def recorded(sql, params=None, *args, **kwargs):
        run.append((sql, params))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(handle, "execute_sql", recorded)
    try:
        cycle_service("anna")
        sums = [(s, p) for s, p in run if "json_group_array" in s]
        plans = [
            " | ".join(row[-1] for row in execute(f"EXPLAIN QUERY PLAN {sql}", params))
            for sql, params in sums
        ]
    finally:
        handle.close()
    assert len(plans) == 2  # each project's total, then the due periods' figures
    for plan in plans:
        assert "USING INDEX time_entry_open" in plan, plan


def test_sent_pages_show_the_newest_and_count_all_that_match(org):
    """The Sent screen lists the newest few documents and says how many match in all, per
    client when filtered; what it lists is read back as issued."""
    from tallytui.services.billing_cycle import sent

    org.ok("client", "add", "Initech", "--address", "Way 1")
    numbers = {}
    for client in ("Globex", "Initech", "Globex"):
        invoice = org.ok(
            "invoice", "freeform", "--client", client, "--line", "Work|2|10", "--json"
        ).json()
        org.ok("invoice", "mark-sent", invoice["number"])
        numbers.setdefault(client, []).append(invoice["number"])
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Work|1|10")  # not sent
    open_database(os.environ["TALLY_DB"])
    try:
        page = sent("anna", limit=2)
        assert page.total == 3
        assert [d.number for d in page.documents] == sorted(numbers["Globex"] + numbers["Initech"])[
            -2:
        ]
        globex = sent("anna", client="Globex", limit=1)
        assert (globex.total, [d.number for d in globex.documents]) == (2, numbers["Globex"][-1:])
        [document] = sent("anna", client="Initech").documents
        assert (document.client, document.status, document.total) == (
            "Initech",
            "sent",
            Decimal("23.80"),
        )
        assert sent("anna", month=date(2026, 10, 1)).total == 0
    finally:
        db.close()
