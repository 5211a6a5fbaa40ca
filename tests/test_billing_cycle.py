"""The billing cycle's lists on a seeded database, through `tally invoicing --json`."""

from __future__ import annotations

import pytest

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
