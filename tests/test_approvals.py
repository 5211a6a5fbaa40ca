"""Locking and approval: how time moves from open to locked, pending approval and approved
and back, on SQLite and on PostgreSQL, through the services the CLI and the TUI share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tallytui.domain.errors import Conflict, InvalidInput, PermissionDenied
from tallytui.domain.localtime import parse_instant
from tallytui.services import (
    approvals,
    capture,
    clients,
    entries,
    invoices,
    org,
    projects,
    timesheets,
    users,
)
from tallytui.services.approvals import Scope
from tallytui.services.billing_cycle import cycle
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, db

OCT_LAST = date(2026, 10, 31)


def at(text: str) -> int:
    return parse_instant(text, "Europe/Berlin")


def add(user: str, project: str, day: str, start: str = "09:00", end: str = "12:00") -> int:
    entry = entries.NewEntry(project, at(f"{day} {start}"), at(f"{day} {end}"), "work")
    return entries.add("ada", entry, user=user).id


def states(user: str = "cole") -> dict[int, str]:
    found = entries.list_entries(entries.EntryFilter(date(2026, 10, 1), OCT_LAST, user=user))
    return {e.id: e.state for e in found}


def web(user: str | None = "cole", **fields) -> Scope:
    return Scope(**{"user": user, "project": "Web", "last": OCT_LAST, **fields})


@pytest.fixture
def team(engine):
    """ada (admin), ava (approver of Web), cole and ben (consultants), fay (finance);
    cole has three October entries on Web and one on Ops, locked until October 31."""
    handle = open_database(engine)
    org.init(org.OrgSettings(name="Acme", code="ACME", address="Hauptstr. 1"), "ada")
    for name, role in (("ava", "approver"), ("cole", "consultant"), ("ben", "consultant")):
        users.add("ada", name, role)
    users.add("ada", "fay", "finance")
    clients.add("ada", clients.ClientChanges(name="Globex", address="1 Main St"))
    for name, approval in (("Web", True), ("Ops", False)):
        projects.add(
            "ada",
            projects.ProjectChanges(
                name=name,
                client="Globex",
                rate=Decimal("100"),
                schedule="monthly",
                approval_required=approval,
                approver="ava" if approval else None,
            ),
        )
    ids = {
        "web1": add("cole", "Web", "2026-10-05"),
        "web2": add("cole", "Web", "2026-10-12"),
        "web3": add("cole", "Web", "2026-10-19"),
        "ops": add("cole", "Ops", "2026-10-06"),
    }
    timesheets.lock("cole", OCT_LAST)
    yield ids
    handle.close()


def test_locked_days_take_no_new_or_changed_time_from_anyone(team):
    late = entries.NewEntry("Ops", at("2026-10-20 09:00"), at("2026-10-20 10:00"))
    for actor in ("cole", "ada"):
        with pytest.raises(Conflict, match="locked until 2026-10-31"):
            entries.add(actor, late, user="cole")
        with pytest.raises(Conflict, match="locked"):
            entries.edit(actor, team["ops"], entries.EntryChanges(description="late fix"))
        with pytest.raises(Conflict, match="locked"):
            entries.delete(actor, team["ops"])
    # Moving an open entry into a locked day is refused too.
    later = add("cole", "Ops", "2026-11-03")
    with pytest.raises(Conflict, match="locked"):
        entries.edit(
            "cole",
            later,
            entries.EntryChanges(start_utc=at("2026-10-30 09:00"), end_utc=at("2026-10-30 10:00")),
        )


def test_capture_adds_no_sessions_in_locked_days(team):
    project_id = TimeEntry.get_by_id(team["web1"]).project_id
    beats = [
        capture.RawBeat(
            at(f"2026-10-{day} 14:{minute:02d}"), "file", f"/src/{minute}.py", project_id
        )
        for day in ("29", "30")
        for minute in range(0, 50, 5)
    ]
    before = TimeEntry.select().count()
    capture.record("cole", beats, idle=900)
    assert TimeEntry.select().count() == before
    timesheets.unlock("ada", date(2026, 10, 29), user="cole")
    capture.rebuild("cole", user="cole", idle=900)
    [session] = TimeEntry.select().where(TimeEntry.source == "capture")
    assert session.start_utc == at("2026-10-30 14:00")  # the 29th is still locked


def test_a_lock_moves_forward_only_and_unlocking_is_recorded(team):
    with pytest.raises(Conflict, match="already"):
        timesheets.lock("cole", date(2026, 10, 15))
    with pytest.raises(PermissionDenied):
        timesheets.unlock("cole", date(2026, 10, 15))
    timesheets.unlock("ada", date(2026, 10, 15), user="cole")
    [event, *_] = timesheets.history("cole")
    assert (event.action, event.user, event.until, event.actor) == (
        "unlock",
        "cole",
        date(2026, 10, 15),
        "ada",
    )
    assert event.at == parse_instant("2026-11-20T10:00:00+01:00", None)
    assert states() == {
        team["web1"]: "locked",
        team["ops"]: "locked",
        team["web2"]: "locked",
        team["web3"]: "open",
    }


def test_approve_withdraw_and_approve_again(team):
    status = {s.user: s for s in timesheets.status()}["cole"]
    assert status.pending_approval_seconds == 3 * 3 * 3600
    done = approvals.approve("ava", web(last=date(2026, 10, 12)))
    assert sorted(e.id for e in done.entries) == [team["web1"], team["web2"]]
    assert states()[team["web1"]] == "approved" and states()[team["web3"]] == "locked"
    row = TimeEntry.get_by_id(team["web1"])
    assert row.approved_by.name == "ava" and row.approved_at is not None
    timesheets.unlock("ada", date(2026, 9, 30), user="cole")
    assert states()[team["web1"]] == "approved"  # an open day does not open approved time
    with pytest.raises(Conflict, match="approved; the approval must be withdrawn"):
        entries.edit("cole", team["web1"], entries.EntryChanges(description="x"))
    timesheets.lock("cole", OCT_LAST)
    withdrawn = approvals.withdraw("ava", web(last=date(2026, 10, 5)))
    assert [e.id for e in withdrawn.entries] == [team["web1"]]
    assert TimeEntry.get_by_id(team["web1"]).approved_at is None
    with pytest.raises(Conflict, match="nothing to withdraw"):
        approvals.withdraw("ava", web(last=date(2026, 10, 5)))
    again = approvals.approve("ava", web())
    assert sorted(e.id for e in again.entries) == [team["web1"], team["web3"]]
    actions = [(e.action, e.actor, e.project) for e in timesheets.history("cole")]
    actions = [a for a in actions if a[0] in ("approve", "withdraw")]
    assert actions == [
        ("approve", "ava", "Web"),
        ("withdraw", "ava", "Web"),
        ("approve", "ava", "Web"),
    ]


def test_send_back_reopens_the_time_with_a_comment(team):
    approvals.approve("ava", web(last=date(2026, 10, 5)))
    with pytest.raises(InvalidInput, match="comment"):
        approvals.send_back("ava", web(first=date(2026, 10, 12)), "  ")
    back = approvals.send_back("ava", web(first=date(2026, 10, 12)), "Split review from build")
    assert sorted(e.id for e in back.entries) == [team["web2"], team["web3"]]
    assert back.locks == (("cole", date(2026, 10, 11)),)
    assert {u.name: u.locked_until for u in users.list_all()}["cole"] == date(2026, 10, 11)
    assert states() == {
        team["web1"]: "approved",
        team["ops"]: "locked",
        team["web2"]: "open",
        team["web3"]: "open",
    }
    unlock, send_back = timesheets.history("cole")[:2]
    assert (send_back.action, send_back.actor, send_back.comment) == (
        "send_back",
        "ava",
        "Split review from build",
    )
    assert (unlock.action, unlock.actor, unlock.until) == ("unlock", "ava", date(2026, 10, 11))
    # The consultant fixes the entry and locks again; it waits for approval again.
    entries.edit("cole", team["web2"], entries.EntryChanges(description="review"))
    timesheets.lock("cole", OCT_LAST)
    assert states()[team["web2"]] == "locked"
    waiting = {g.first: (g.pending_seconds, g.approved_seconds) for g in approvals.approvals("ava")}
    assert waiting == {
        date(2026, 10, 5): (0, 3 * 3600),
        date(2026, 10, 12): (3 * 3600, 0),
        date(2026, 10, 19): (3 * 3600, 0),
    }


def test_an_approved_entry_sent_back_loses_its_approval(team):
    approvals.approve("ava", web())
    approvals.send_back("ada", web(), "Wrong project for the 5th")
    assert TimeEntry.select().where(TimeEntry.approved_at.is_null(False)).count() == 0
    entries.edit("cole", team["web1"], entries.EntryChanges(project="Ops"))


def test_what_was_shown_is_what_gets_approved(team):
    [group] = [g for g in approvals.approvals("ava") if g.first == date(2026, 10, 12)]
    assert [i for i, _ in group.pending] == [team["web2"]]
    # Behind the approver's back: reopened, changed and locked again.
    timesheets.unlock("ada", date(2026, 10, 11), user="cole")
    entries.edit("cole", team["web2"], entries.EntryChanges(end_utc=at("2026-10-12 15:00")))
    timesheets.lock("cole", OCT_LAST)
    with pytest.raises(Conflict, match="changed since it was shown"):
        approvals.approve("ava", group.scope, seen=dict(group.pending))
    assert TimeEntry.get_by_id(team["web2"]).approved_at is None
    [fresh] = [g for g in approvals.approvals("ava") if g.first == date(2026, 10, 12)]
    approvals.approve("ava", fresh.scope, seen=dict(fresh.pending))
    row = TimeEntry.get_by_id(team["web2"])
    assert row.approved_at is not None and row.end_utc == at("2026-10-12 15:00")


def test_the_owner_approves_when_no_approver_is_named(team):
    projects.update("ada", "Web", projects.ProjectChanges(approver=""))
    assert {p.name: (p.approver, p.owner) for p in projects.list_all()}["Web"] == (None, "ada")
    with pytest.raises(PermissionDenied, match="does not approve Web"):
        approvals.approve("ava", web())
    assert approvals.approve("ada", web()).people == ("cole",)


def test_a_flow_without_approver_or_owner_approves_itself(team):
    projects.update("ada", "Web", projects.ProjectChanges(approver=""))
    users.add("ada", "olga", "admin")
    projects.update("ada", "Web", projects.ProjectChanges(owner="olga"))
    db.execute_sql("UPDATE project SET owner_id = NULL WHERE name = 'Web'")
    with pytest.raises(Conflict, match="approves itself"):
        approvals.approve("ada", web())
    [ready] = [r for r in cycle("ada").ready_for_invoicing if r.project == "Web"]
    assert ready.seconds == 3 * 3 * 3600
    created = invoices.create(
        "fay", invoices.InvoiceRequest(project="Web", first=date(2026, 10, 1), last=OCT_LAST)
    )
    assert sorted(e for line in created.lines for e in line.entries) == sorted(
        [team["web1"], team["web2"], team["web3"]]
    )


def test_time_waiting_for_approval_is_not_invoiced(team):
    request = invoices.InvoiceRequest(project="Web", first=date(2026, 10, 1), last=OCT_LAST)
    with pytest.raises(Conflict, match="wait for approval"):
        invoices.create("fay", request)
    approvals.approve("ava", web())
    assert len(invoices.create("fay", request).lines) == 1
    with pytest.raises(Conflict, match="nothing to withdraw"):
        approvals.withdraw("ava", web())  # invoiced time keeps its approval


def test_approval_needs_a_flow_an_approver_and_locked_time(team):
    with pytest.raises(Conflict, match="does not require approval"):
        approvals.approve("ada", Scope(user="cole", project="Ops"))
    add("ben", "Web", "2026-10-07")
    with pytest.raises(
        Conflict, match="nothing to approve in Web.*ben's timesheet is never locked"
    ):
        approvals.approve("ava", web("ben"))
    with pytest.raises(InvalidInput, match="only approvers and admins approve"):
        projects.update("ada", "Web", projects.ProjectChanges(approver="ben"))
    with pytest.raises(PermissionDenied, match="cole .* may not approve time"):
        approvals.approvals("cole")


def test_approvals_are_grouped_by_person_and_week(team):
    add("ben", "Web", "2026-10-13")
    timesheets.lock("ben", OCT_LAST)
    approvals.approve("ava", web(last=date(2026, 10, 12)))
    groups = [
        (g.user, g.first, g.projects, g.pending_seconds, g.approved_seconds)
        for g in approvals.approvals("ava")
    ]
    hours3 = 3 * 3600
    assert groups == [
        ("ben", date(2026, 10, 12), ("Web",), hours3, 0),
        ("cole", date(2026, 10, 5), ("Web",), 0, hours3),
        ("cole", date(2026, 10, 12), ("Web",), 0, hours3),
        ("cole", date(2026, 10, 19), ("Web",), hours3, 0),
    ]


def test_a_lock_move_names_the_date_every_project_and_its_hours(team):
    """Locking is per person, not per project: the preview lists each project's hours."""
    add("cole", "Ops", "2026-11-03", "09:00", "10:30")
    add("cole", "Web", "2026-11-04", "09:00", "11:15")
    add("cole", "Web", "2026-11-19")  # after the day: stays open
    move = timesheets.lock_move("cole", date(2026, 11, 8))
    assert move.projects == (("Ops", 5400), ("Web", 8100))
    assert move.describe() == (
        "cole: locked until 2026-10-31 → locked until 2026-11-08. Open time up to "
        "2026-11-08 becomes final, on every project: Ops 1.50 h, Web 2.25 h (3.75 h in all)."
    )
    back = timesheets.lock_move("cole", date(2026, 10, 11))
    assert back.projects == (("Web", 2 * 3 * 3600),)  # the 12th and the 19th; Ops is the 6th
    assert "Locked time after 2026-10-11 opens again" in back.describe()
    assert timesheets.locked_until("cole") == OCT_LAST  # only a preview


def test_sending_back_previews_every_project_that_opens_again(team):
    timesheets.unlock("ada", date(2026, 10, 12), "cole")
    add("cole", "Ops", "2026-10-13")
    timesheets.lock("cole", OCT_LAST)
    approvals.approve("ava", web())
    [move] = approvals.send_back_preview("ava", web(first=date(2026, 10, 12)))
    assert (move.before, move.after) == (OCT_LAST, date(2026, 10, 11))
    # Web's approved time goes back (approval cleared), and Ops opens with the lock.
    assert move.projects == (("Ops", 3 * 3600), ("Web", 2 * 3 * 3600))
    back = approvals.send_back("ava", web(first=date(2026, 10, 12)), "split it")
    assert back.locks == (("cole", move.after),)
    assert timesheets.lock_move("cole", OCT_LAST).projects == move.projects


def test_the_commands_print_what_a_lock_move_changed(team, tally):
    handle_user = {"TALLY_USER": "ada"}
    add("cole", "Ops", "2026-11-03", "09:00", "10:30")
    db.close()
    tally.runner.env = handle_user
    locked = tally.ok("timesheet", "lock", "--until", "2026-11-08", "--user", "cole")
    assert "Ops 1.50 h" in locked.stdout and "locked until 2026-11-08" in locked.stdout
    unlocked = tally.ok("timesheet", "unlock", "--until", "2026-10-11", "--user", "cole")
    assert "opens again, on every project: Ops 1.50 h, Web 6.00 h" in unlocked.stdout
    tally.ok("timesheet", "lock", "--until", "2026-10-31", "--user", "cole")
    sent = tally.ok(
        "timesheet", "send-back", "--user", "cole", "--until", "2026-10-31", "--comment", "fix"
    )
    assert "cole: locked until 2026-10-31 → locked until 2026-10-04" in sent.stdout
    assert "Ops 3.00 h, Web 9.00 h (12.00 h in all)" in sent.stdout
