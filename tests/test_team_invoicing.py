"""A team database through the command line, on SQLite and on PostgreSQL: three people
whose October time on one project is open, waiting for approval and approved, as the
invoicing tab's Pending breakdown and `tally invoicing --json` report it."""

from __future__ import annotations

import pytest
from team_setup import AsLogins


@pytest.fixture
def team(engine, tally):
    """anna (admin) runs Acme; lena, ben and cara log 3 h each on Web (approved by marco)
    on 6 October. lena never locks; ben and cara lock October; marco approves cara's.
    On PostgreSQL each person runs ``tally`` as their own login."""
    tally = AsLogins(tally, engine)
    tally.ok("init", "--org", "Acme", "--code", "ACME", "--address", "Hauptstr. 1")
    for name, role in (("lena", "consultant"), ("ben", "consultant"), ("cara", "consultant")):
        tally.ok("user", "add", name, "--role", role)
    tally.ok("user", "add", "marco", "--role", "approver")
    tally.ok("client", "add", "Globex", "--address", "1 Main St")
    tally.ok("project", "add", "Web", "--client", "Globex", "--rate", "100")
    tally.ok("project", "set", "Web", "--schedule", "monthly", "--schedule-start", "2026-01-01")
    tally.ok("project", "set", "Web", "--approval", "--approver", "marco")
    for name in ("lena", "ben", "cara"):
        tally.ok(
            "--user", name, "entry", "add", "--project", "Web",
            "--start", "2026-10-06 09:00", "--end", "2026-10-06 12:00",
        )  # fmt: skip
    for name in ("ben", "cara"):
        tally.ok("--user", name, "timesheet", "lock", "--until", "2026-10-31")
    tally.ok(
        "--user", "marco", "timesheet", "approve", "--project", "Web", "--until", "2026-10-31",
        "--user", "cara",
    )  # fmt: skip
    return tally


def test_the_pending_breakdown_per_person(team):
    data = team.ok("invoicing", "--json").json()
    assert data["ready_for_invoicing"] == []
    [web] = data["pending"]
    assert {k: web[k] for k in ("project", "period_start", "period_end", "hours")} == {
        "project": "Web",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "hours": "9.00",
    }
    assert (web["open_hours"], web["pending_approval_hours"], web["ready_hours"]) == (
        "3.00",
        "3.00",
        "3.00",
    )
    assert web["people"] == [
        {
            "user": "ben",
            "locked_until": "2026-10-31",
            "open_hours": "0.00",
            "pending_approval_hours": "3.00",
            "ready_hours": "0.00",
        },
        {
            "user": "cara",
            "locked_until": "2026-10-31",
            "open_hours": "0.00",
            "pending_approval_hours": "0.00",
            "ready_hours": "3.00",
        },
        {
            "user": "lena",
            "locked_until": None,
            "open_hours": "3.00",
            "pending_approval_hours": "0.00",
            "ready_hours": "0.00",
        },
    ]
    states = {
        e["user"]: e["state"]
        for e in team.ok("entry", "list", "--from", "2026-10-01", "--json").json()
    }
    assert states == {"lena": "open", "ben": "locked", "cara": "approved"}


def test_the_breakdown_follows_each_step(team):
    team.ok("--user", "lena", "timesheet", "lock", "--until", "2026-10-31")
    team.ok("--user", "marco", "timesheet", "approve", "--project", "Web", "--until", "2026-10-31")
    [web] = team.ok("invoicing", "--json").json()["ready_for_invoicing"]
    assert (web["project"], web["hours"], web["amount"]) == ("Web", "9.00", "900.00")
    team.ok(
        "--user", "marco", "timesheet", "send-back", "--user", "ben", "--until", "2026-10-31",
        "--comment", "Which ticket was this?",
    )  # fmt: skip
    [pending] = team.ok("invoicing", "--json").json()["pending"]
    ben = {p["user"]: p for p in pending["people"]}["ben"]
    assert (ben["locked_until"], ben["open_hours"]) == ("2026-10-05", "3.00")
    log = team.ok("timesheet", "log", "--user", "ben", "--json").json()
    assert [(e["action"], e["by"], e["comment"]) for e in log[:2]] == [
        ("unlock", "marco", "Which ticket was this?"),
        ("send_back", "marco", "Which ticket was this?"),
    ]
    status = {s["user"]: s for s in team.ok("timesheet", "status", "--json").json()}
    assert status["ben"]["open_hours"] == "3.00" and status["ben"]["locked_until"] == "2026-10-05"


def test_refusals_are_one_line_and_change_nothing(team):
    before = team.ok("invoicing", "--json").stdout
    for args in (
        ("--user", "lena", "timesheet", "approve", "--project", "Web", "--until", "2026-10-31"),
        ("--user", "marco", "timesheet", "unlock", "--until", "2026-10-01", "--user", "ben"),
        ("--user", "ben", "invoice", "create", "--project", "Web"),
        ("--user", "ghost", "entry", "list"),
        ("--user", "lena", "user", "add", "eve"),
    ):
        result = team(*args)
        assert result.exit_code == 1, args
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert team.ok("invoicing", "--json").stdout == before


def test_a_server_that_cannot_be_reached_is_one_line(tally, monkeypatch, pg_server):
    closed = pg_server.url("tally_test").replace(f":{pg_server.port}/", ":1/")
    monkeypatch.setenv("TALLY_DB", closed)
    for args in (("timesheet", "status"), ()):  # a command, and the interface
        result = tally(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith("error: cannot open the database postgresql://")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_approvers_owners_and_roles_from_the_command_line(team):
    def weeks():
        found = team.ok("--user", "marco", "timesheet", "approvals", "--json").json()
        return [(w["user"], w["pending_approval_hours"], w["approved_hours"]) for w in found]

    assert weeks() == [("ben", "3.00", "0.00"), ("cara", "0.00", "3.00")]
    team.ok("--user", "marco", "timesheet", "withdraw", "--until", "2026-10-31", "--user", "cara")
    assert weeks() == [("ben", "3.00", "0.00"), ("cara", "3.00", "0.00")]
    team.ok("project", "set", "Web", "--approver", "none")
    web = {p["name"]: p for p in team.ok("project", "list", "--json").json()}["Web"]
    assert (web["approval"], web["approver"], web["owner"]) == (True, None, "anna")
    approve = (
        "--user",
        "marco",
        "timesheet",
        "approve",
        "--project",
        "Web",
        "--until",
        "2026-10-31",
    )
    refused = team(*approve)
    assert refused.exit_code == 1 and "does not approve Web" in refused.stderr
    team.ok("project", "set", "Web", "--owner", "marco")
    assert "approved 6.00 h in 2 entries of ben, cara" in team.ok(*approve).stdout
    refused = team("project", "set", "Web", "--approver", "lena")
    assert refused.exit_code == 1 and "only approvers and admins approve" in refused.stderr
    team.ok("user", "set", "lena", "--role", "approver")
    team.ok("project", "set", "Web", "--approver", "lena")
    assert team("--user", "lena", "user", "set", "anna", "--role", "consultant").exit_code == 1
    refused = team("user", "set", "anna", "--role", "consultant")
    assert refused.exit_code == 1 and "only admin" in refused.stderr


def test_payments_credits_and_overdue_add_up_on_either_database(team, monkeypatch):
    """The open amount is worked out by the database (payments and credit notes summed per
    invoice): the same figures on SQLite and PostgreSQL."""
    lines = ("--line", "Design|3|100", "--line", "Hosting|1|50")
    number = team.ok("invoice", "freeform", "--client", "Globex", *lines, "--json").json()
    team.ok("invoice", "mark-sent", number["number"])
    first = str(number["lines"][0]["id"])
    team.ok("invoice", "credit", number["number"], "--line", first)
    team.ok("invoice", "mark-paid", number["number"], "--amount", "20.50")
    monkeypatch.setenv("TALLY_NOW", "2026-12-10T10:00:00+01:00")
    [listed] = team.ok("invoice", "list", "--status", "sent", "--json").json()
    assert (listed["paid"], listed["open"], listed["overdue_days"]) == ("20.50", "29.50", 6)
    overdue = team.ok("invoicing", "--json").json()
    assert [o["number"] for o in overdue["overdue"]] == [number["number"]]
    assert overdue["overdue_open"] == [{"currency": "EUR", "open": "29.50"}]
    refused = team("invoice", "mark-paid", number["number"], "--amount", "29.51")
    assert "open amount of " + number["number"] + ": 29.50 EUR" in refused.stderr
    team.ok("invoice", "mark-paid", number["number"], "--on", "2026-12-09")
    shown = team.ok("invoice", "show", number["number"], "--json").json()
    assert (shown["status"], shown["paid_on"], shown["open"]) == ("paid", "2026-12-09", "0.00")
