"""The billing cycle's lists on a seeded database, through `tally invoicing --json`."""

from __future__ import annotations

from datetime import date

import pytest

from tallytui.domain.timesheet import readiness
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, User, db


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
    day = date(2026, 10, 5)
    until = date(2026, 10, 31) if locked else None
    assert readiness(day, until, required, approved) == state


def test_a_lock_ending_the_day_before_leaves_the_day_open():
    assert readiness(date(2026, 10, 5), date(2026, 10, 4), False, False) == "open"


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
