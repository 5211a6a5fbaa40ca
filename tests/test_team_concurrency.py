"""Team mode under concurrency, on SQLite and on PostgreSQL: finance users invoicing the
same client at the same instant from separate processes, and people editing, locking and
approving the same time at once.

What must hold: invoice numbers are distinct and contiguous and no entry is billed twice;
an approved entry is always exactly what its approver approved; a lock never moves under
an edit that has already checked it.
"""

from __future__ import annotations

import json
import random
import threading
from datetime import date

import pytest
from team_setup import approval_team, log_in, login_url
from test_invoice_concurrency import (
    WORKERS,
    check_failure,
    check_register_and_billing,
    create_args,
    number,
    run_at_once,
    setup_books,
)

from tallytui.domain.errors import Conflict, TallyError
from tallytui.domain.localtime import parse_instant
from tallytui.services import approvals, entries, timesheets, users
from tallytui.services.approvals import Scope
from tallytui.store.db import open_database
from tallytui.store.models import Invoice, TimeEntry, User, db

FINANCE = ("fin", "nora")


def at(text: str) -> int:
    return parse_instant(text, "Europe/Berlin")


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["overlapping client ranges", "all on the same project"])
def test_finance_users_invoicing_at_once_from_twenty_processes(
    engine, tmp_path, scenario, monkeypatch
):
    handle = open_database(engine)
    setup_books(WORKERS)
    for name in FINANCE:
        users.add("anna", name, "finance")
    handle.close()
    if scenario == "all on the same project":
        commands = [create_args("W00")] * WORKERS
    else:
        commands = [
            ["invoice", "create", "--client", "Globex", "--from", f"2026-10-{1 + k:02d}"]
            + ["--to", f"2026-10-{min(31, 6 + k):02d}", "--json"]
            for k in range(WORKERS)
        ]
    # Each process logs in as its finance user (on SQLite, names them).
    who = "--user" if engine.endswith(".db") else "--db"
    if who == "--db":
        monkeypatch.delenv("TALLY_USER")
    commands = [
        [who, FINANCE[k % 2] if who == "--user" else login_url(engine, FINANCE[k % 2]), *args]
        for k, args in enumerate(commands)
    ]

    results = run_at_once(tmp_path, commands)

    successes = [json.loads(out) for rc, out, _ in results if rc == 0]
    for rc, out, err in results:
        if rc:
            check_failure(rc, out, err)
            assert "nothing billable" in err, err
        else:
            assert err == ""
    handle = open_database(engine)
    try:
        check_register_and_billing(successes)
        if scenario == "all on the same project":
            assert [doc["number"] for doc in successes] == [number(1)]
        else:
            assert len(successes) >= 2
        creators = Invoice.select(User.name).join(User, on=Invoice.created_by == User.id)
        assert {name for (name,) in creators.tuples()} <= set(FINANCE)
    finally:
        handle.close()


# --------------------------------------------------------------------------------------
# Editing, locking and approving the same time at once
# --------------------------------------------------------------------------------------


@pytest.fixture
def week(engine):
    """cole's four Web entries on 2–5 November (Web needs ava's approval); nothing locked."""
    handle = approval_team(engine)
    ids = [
        entries.add(
            "cole", entries.NewEntry("Web", at(f"2026-11-0{d} 09:00"), at(f"2026-11-0{d} 11:00"))
        ).id
        for d in (2, 3, 4, 5)
    ]
    yield ids
    handle.close()


def content(entry_id: int) -> tuple:
    return shown(entries.get(entry_id))


def shown(view) -> tuple:
    return (view.start_utc, view.end_utc, view.project, view.description, view.billable)


class Threads:
    """Runs calls in threads, each on its own connection, keeping results or errors."""

    def __init__(self):
        self.outcome: dict[str, object] = {}
        self.threads: dict[str, threading.Thread] = {}

    def start(self, name: str, call, login: str | None = None) -> threading.Thread:
        """``login``: on PostgreSQL the thread's connection is that person's login."""

        def run():
            try:
                if login is not None:
                    log_in(login)
                self.outcome[name] = call()
            except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
                self.outcome[name] = exc
            finally:
                db.close()

        thread = threading.Thread(target=run, name=name)
        self.threads[name] = thread
        thread.start()
        return thread

    def join(self) -> None:
        for thread in self.threads.values():
            thread.join(30)
            assert not thread.is_alive(), f"{thread.name} never finished"


def test_a_lock_waits_for_an_edit_that_has_checked_the_day(week, monkeypatch):
    """cole's edit has checked that 3 November is open and holds on; cole's lock of the
    week must wait for it, so the edit never lands in a locked day unnoticed."""
    checked, go = threading.Event(), threading.Event()
    real = entries.check_editable

    def paused(row, tz, verb):
        real(row, tz, verb)
        checked.set()
        go.wait(10)

    monkeypatch.setattr(entries, "check_editable", paused)
    runs = Threads()
    runs.start(
        "edit",
        lambda: entries.edit("cole", week[1], entries.EntryChanges(end_utc=at("2026-11-03 12:30"))),
        login="cole",
    )
    assert checked.wait(10)
    locker = runs.start("lock", lambda: timesheets.lock("cole", date(2026, 11, 8)), login="cole")
    locker.join(0.5)
    assert locker.is_alive(), "the lock did not wait for the edit in flight"
    go.set()
    runs.join()
    assert not isinstance(runs.outcome["edit"], Exception), runs.outcome["edit"]
    assert not isinstance(runs.outcome["lock"], Exception), runs.outcome["lock"]
    # The lock came after the edit: what the approver now approves is the edited entry.
    monkeypatch.undo()
    done = approvals.approve("ava", Scope(user="cole", project="Web"))
    by_id = {e.id: e for e in done.entries}
    assert by_id[week[1]].end_utc == at("2026-11-03 12:30") == content(week[1])[1]


def test_an_unlock_waits_for_an_approval_in_flight(week, monkeypatch):
    """ava's approval has chosen the entries and holds on; an admin's unlock (after which
    cole would edit) waits, so cole then meets an approved entry and is refused."""
    timesheets.lock("cole", date(2026, 11, 8))
    before = content(week[0])
    chosen, go = threading.Event(), threading.Event()
    real = approvals._set_approval

    def paused(rows, by, at_):
        chosen.set()
        go.wait(10)
        real(rows, by, at_)

    monkeypatch.setattr(approvals, "_set_approval", paused)
    runs = Threads()
    runs.start(
        "approve", lambda: approvals.approve("ava", Scope(user="cole", project="Web")), login="ava"
    )
    assert chosen.wait(10)
    unlocker = runs.start(
        "unlock", lambda: timesheets.unlock("ada", date(2026, 11, 1), user="cole"), login="ada"
    )
    unlocker.join(0.5)
    assert unlocker.is_alive(), "the unlock did not wait for the approval in flight"
    go.set()
    runs.join()
    assert not isinstance(runs.outcome["approve"], Exception), runs.outcome["approve"]
    with pytest.raises(Conflict, match="approved"):
        entries.edit("cole", week[0], entries.EntryChanges(end_utc=at("2026-11-02 13:00")))
    assert content(week[0]) == before
    assert TimeEntry.get_by_id(week[0]).approved_at is not None


def test_an_approved_entry_is_always_what_was_approved(week):
    """Round after round, at the same moment, cole edits an entry and locks the week while
    ava approves what she was shown. After each round every approved entry must be exactly
    as it was approved; then ava sends time back, withdraws, or an admin unlocks, so the
    next round starts from a different state."""
    rng = random.Random(7)
    plan = [(rng.choice(week), rng.random()) for _ in range(30)]
    start, end = threading.Barrier(2, timeout=30), threading.Barrier(2, timeout=30)
    approved: dict[int, tuple] = {}
    changed: list[str] = []
    count = {"edit": 0, "approved entries checked": 0}

    def attempt(name, call):
        try:
            call()
            count[name] = count.get(name, 0) + 1
        except TallyError:
            pass  # locked, approved or changed meanwhile: refused, nothing changed

    def consultant():
        for n, (entry_id, _) in enumerate(plan):
            start.wait()
            changes = entries.EntryChanges(description=f"round {n}")
            attempt("edit", lambda: entries.edit("cole", entry_id, changes))  # noqa: B023
            attempt("lock", lambda: timesheets.lock("cole", date(2026, 11, 8)))
            end.wait()

    def approve_shown():
        for group in approvals.approvals("ava"):
            done = approvals.approve("ava", group.scope, seen=dict(group.pending))
            approved.update((e.id, shown(e)) for e in done.entries)

    def approver():
        for n, (_, dice) in enumerate(plan):
            start.wait()
            attempt("approve", approve_shown)
            end.wait()
            for row in TimeEntry.select().where(TimeEntry.approved_at.is_null(False)):
                if content(row.id) != approved[row.id]:
                    changed.append(f"round {n}: entry {row.id} changed after its approval")
                count["approved entries checked"] += 1
            if dice < 0.4:
                attempt("send back", lambda: approvals.send_back("ava", Scope("cole"), f"#{n}"))  # noqa: B023
            elif dice < 0.7:
                attempt("withdraw", lambda: approvals.withdraw("ava", Scope("cole")))
            else:
                log_in("ada")  # an admin unlocks, logged in as herself
                attempt("unlock", lambda: timesheets.unlock("ada", date(2026, 11, 1), "cole"))
                log_in("ava")

    runs = Threads()
    runs.start("consultant", consultant, login="cole")
    runs.start("approver", approver, login="ava")
    runs.join()
    assert runs.outcome == {"consultant": None, "approver": None}
    assert changed == []
    assert count["edit"] >= 3 and count["approved entries checked"] >= 3, count
