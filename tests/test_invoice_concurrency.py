"""The invoice register under pressure: many processes invoicing at the same instant on
one SQLite file, and crashes in the middle of writing a document.

DESIGN.md: numbers are unique and gap-free under concurrent writers; creating an invoice
marks its entries in the same transaction, all or nothing; a refused operation changes
nothing and ends with one ``error:`` line and exit code 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tallytui.domain.errors import Conflict, TallyError
from tallytui.services import (
    clients,
    corrections,
    entries,
    invoice_lifecycle,
    invoices,
    org,
    projects,
    timesheets,
)
from tallytui.services.entries import EntryChanges
from tallytui.services.invoices import InvoiceRequest
from tallytui.store.db import open_database
from tallytui.store.models import (
    BilledEntry,
    Invoice,
    InvoiceLine,
    NumberCounter,
    Project,
    TimeEntry,
    User,
    db,
)

TZ = ZoneInfo("Europe/Berlin")
PREFIX = "ACME-202611-"  # TALLY_NOW (conftest) is 2026-11-20 in Europe/Berlin
OCT_FIRST, OCT_LAST = date(2026, 10, 1), date(2026, 10, 31)
WORKERS = 20
ENTRIES_PER_PROJECT = 6


def number(sequence: int) -> str:
    return f"{PREFIX}{sequence:04d}"


def _epoch(day: date, hour: int, minute: int = 0) -> int:
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).timestamp())


def setup_books(n_projects: int, per_project: int = ENTRIES_PER_PROJECT) -> dict[str, list[int]]:
    """Organisation, one client, ``n_projects`` projects with locked October entries, built
    with the services on the already opened database. Returns entry ids per project."""
    org.init(org.OrgSettings(name="Acme Consulting", code="ACME", tax_rate=Decimal("19")), "anna")
    clients.add("anna", clients.ClientChanges(name="Globex"))
    for k in range(n_projects):
        projects.add(
            "anna",
            projects.ProjectChanges(
                name=f"W{k:02d}", client="Globex", rate=Decimal("95.50") + k, schedule="monthly"
            ),
        )
    anna = User.get(User.name == "anna").id
    ids: dict[str, list[int]] = {}
    with db.atomic():
        for row in Project.select().order_by(Project.name):
            ids[row.name] = []
            for i in range(per_project):
                day = date(2026, 10, 1 + (i * 5 + row.id) % 31)
                start = _epoch(day, 8 + i % 9, (7 * i) % 60)
                entry = TimeEntry.create(
                    user=anna,
                    project=row.id,
                    start_utc=start,
                    end_utc=start + 600 + 1_337 * (i + row.id) % 20_000,
                    description=f"work {i}",
                    source="manual",
                    created_at=0,
                    updated_at=0,
                )
                ids[row.name].append(entry.id)
        # One non-billable entry per project that must never be billed.
        for row in Project.select():
            start = _epoch(date(2026, 10, 15), 20)
            TimeEntry.create(
                user=anna,
                project=row.id,
                start_utc=start,
                end_utc=start + 900,
                billable=False,
                source="manual",
                created_at=0,
                updated_at=0,
            )
    timesheets.lock("anna", OCT_LAST)
    return ids


# --------------------------------------------------------------------------------------
# 20 processes at the same instant
# --------------------------------------------------------------------------------------

# Imports the CLI first, then waits for the starting gun, then runs exactly what
# `python -m tallytui ARGS...` runs.
CHILD = r"""
import os, runpy, sys, time
ready, go, args = sys.argv[1], sys.argv[2], sys.argv[3:]
import tallytui.cli, tallytui.services.invoices, tallytui.store.db  # noqa: E401,F401
from tallytui.domain.money import minor_digits
minor_digits("EUR")
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(go):
    if time.monotonic() > deadline:
        sys.exit(99)
    time.sleep(0.001)
sys.argv = ["tally", *args]
runpy.run_module("tallytui", run_name="__main__", alter_sys=True)
"""


def run_at_once(tmp_path: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Start one process per command, release them together, return (rc, out, err)."""
    gate = tmp_path / "gate"
    gate.mkdir()
    go = gate / "go"
    children = []
    for index, args in enumerate(commands):
        ready = gate / f"ready-{index}"
        children.append(
            (
                ready,
                subprocess.Popen(
                    [sys.executable, "-c", CHILD, str(ready), str(go), *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=os.environ.copy(),
                ),
            )
        )
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in children):
        assert time.monotonic() < deadline, "workers never got ready"
        assert all(p.poll() is None for _, p in children), [
            p.communicate() for _, p in children if p.poll() is not None
        ]
        time.sleep(0.01)
    go.touch()
    results = []
    for _, process in children:
        out, err = process.communicate(timeout=120)
        results.append((process.returncode, out, err))
    return results


def create_args(project: str) -> list[str]:
    return [
        "invoice",
        "create",
        "--project",
        project,
        "--period-start",
        "2026-10-01",
        "--period-end",
        "2026-10-31",
        "--json",
    ]


def check_register_and_billing(successes: list[dict]) -> None:
    """Numbers 0001..N without a gap; every entry billed by at most one invoice, the one
    that lists it, and each listed once among live invoices."""
    numbers = sorted(doc["number"] for doc in successes)
    assert numbers == [number(i) for i in range(1, len(successes) + 1)]
    stored = sorted(n for (n,) in Invoice.select(Invoice.number).tuples())
    assert stored == numbers
    counter = NumberCounter.get(NumberCounter.period == "202611")
    assert counter.last_number == len(successes)
    listed = Counter(e for doc in successes for line in doc["lines"] for e in line["entries"])
    assert [e for e, n in listed.items() if n > 1] == [], "an entry is on two invoices"
    line_invoice = dict(InvoiceLine.select(InvoiceLine.id, InvoiceLine.invoice).tuples())
    invoice_number = dict(Invoice.select(Invoice.id, Invoice.number).tuples())
    by_entry = {}
    for entry_id, line_id in TimeEntry.select(TimeEntry.id, TimeEntry.invoice_line).tuples():
        if line_id is not None:
            by_entry[entry_id] = invoice_number[line_invoice[line_id]]
    from_json = {
        e: doc["number"] for doc in successes for line in doc["lines"] for e in line["entries"]
    }
    assert by_entry == from_json
    billed = Counter(e for (e,) in BilledEntry.select(BilledEntry.entry).tuples())
    assert set(billed.values()) <= {1}
    assert set(billed) == set(from_json)


def check_failure(rc: int, out: str, err: str) -> None:
    assert rc == 1, (rc, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "database is locked" not in err, err
    assert out == ""


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario", ["one project each", "all on the same project", "overlapping client ranges"]
)
def test_twenty_processes_invoicing_at_once(env, tmp_path, scenario):
    handle = open_database(str(env))
    ids = setup_books(WORKERS)
    handle.close()

    if scenario == "one project each":
        commands = [create_args(f"W{k:02d}") for k in range(WORKERS)]
    elif scenario == "all on the same project":
        commands = [create_args("W00")] * WORKERS
    else:
        commands = [
            [
                "invoice",
                "create",
                "--client",
                "Globex",
                "--from",
                f"2026-10-{1 + k:02d}",
                "--to",
                f"2026-10-{min(31, 8 + k):02d}",
                "--group",
                ("project", "detailed", "user", "date")[k % 4],
                "--json",
            ]
            for k in range(WORKERS)
        ]
    results = run_at_once(tmp_path, commands)

    successes = [json.loads(out) for rc, out, _ in results if rc == 0]
    for rc, out, err in results:
        if rc != 0:
            check_failure(rc, out, err)
        else:
            assert err == ""
    handle = open_database(str(env))
    try:
        check_register_and_billing(successes)
        if scenario == "one project each":
            assert len(successes) == WORKERS
            for doc in successes:
                project = doc["lines"][0]["project"]
                assert {e for line in doc["lines"] for e in line["entries"]} == set(ids[project])
        elif scenario == "all on the same project":
            assert len(successes) == 1
            assert successes[0]["number"] == number(1)
            assert sorted(e for ln in successes[0]["lines"] for e in ln["entries"]) == ids["W00"]
            for rc, _, err in results:
                if rc:
                    assert "nothing billable" in err, err
        else:
            # Every billable entry in the union of the ranges (Oct 1 .. Oct 27) is billed.
            assert successes
            covered = set()
            for k in range(WORKERS):
                covered |= set(range(1, min(31, 8 + k) + 1))
            want = {
                e.id
                for e in TimeEntry.select().where(TimeEntry.billable)
                if datetime.fromtimestamp(e.start_utc, TZ).day in covered
            }
            billed = {e for doc in successes for ln in doc["lines"] for e in ln["entries"]}
            assert billed == want
        assert (
            not TimeEntry.select()
            .where(~TimeEntry.billable & TimeEntry.invoice_line.is_null(False))
            .exists()
        )
    finally:
        handle.close()


# --------------------------------------------------------------------------------------
# A crash after the number is taken leaves no trace
# --------------------------------------------------------------------------------------


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after."""
    tables = db.get_tables()
    assert "invoice" in tables and "number_counter" in tables
    return {
        table: sorted(db.execute_sql(f'SELECT * FROM "{table}"').fetchall(), key=repr)
        for table in tables
    }


class Boom(RuntimeError):
    pass


def written() -> dict[str, int]:
    """What the open transaction has written so far, as seen from inside it."""
    return {
        "invoices": Invoice.select().count(),
        "lines": InvoiceLine.select().count(),
        "marked": TimeEntry.select().where(TimeEntry.invoice_line.is_null(False)).count(),
        "counter": NumberCounter.select(NumberCounter.last_number).scalar() or 0,
    }


class Crash:
    """Stand-ins that crash, noting what had been written when they did; ``after`` lets
    the real function run that many times first."""

    def __init__(self):
        self.seen: list[dict[str, int]] = []

    def __call__(self, *_args, **_kwargs):
        self.seen.append(written())
        raise Boom("simulated crash")

    def after(self, real, calls: int = 1):
        count = []

        def wrapper(*args, **kwargs):
            count.append(1)
            if len(count) > calls:
                self()
            return real(*args, **kwargs)

        return wrapper


@pytest.fixture
def books(env):
    handle = open_database(str(env))
    ids = setup_books(3)
    yield ids
    handle.close()


def request(project: str = "W00", grouping: str = "detailed") -> InvoiceRequest:
    return InvoiceRequest(project=project, first=OCT_FIRST, last=OCT_LAST, grouping=grouping)


def _crash_point(monkeypatch, point: str) -> Crash:
    from tallytui.services import documents

    crash = Crash()
    if point == "write_lines":
        monkeypatch.setattr("tallytui.services.invoices.write_lines", crash)
    elif point == "entries marked":
        # The first marking (time entries) runs, the next one (expenses) crashes.
        monkeypatch.setattr(documents, "_mark", crash.after(documents._mark, calls=1))
    elif point == "refresh_totals":
        monkeypatch.setattr("tallytui.services.invoices.refresh_totals", crash)
    elif point == "view":
        monkeypatch.setattr("tallytui.services.invoices.view", crash)
    else:
        raise AssertionError(point)
    return crash


@pytest.mark.parametrize("prior", [False, True], ids=["first of the month", "after 0001"])
@pytest.mark.parametrize("point", ["write_lines", "entries marked", "refresh_totals", "view"])
def test_a_crash_while_creating_changes_nothing(books, monkeypatch, point, prior):
    if prior:
        invoices.create("anna", request("W02"))
    before = snapshot()
    counter_before = NumberCounter.get_or_none(NumberCounter.period == "202611")
    with monkeypatch.context() as patch:
        crash = _crash_point(patch, point)
        with pytest.raises(Boom):
            invoices.create("anna", request("W00"))
    # The crash came after the number was taken (and, past write_lines, after the lines
    # and marks were written) ...
    prior_marked = len(books["W02"]) if prior else 0
    assert len(crash.seen) == 1
    at_crash = crash.seen[0]
    assert at_crash["invoices"] == (2 if prior else 1)
    assert at_crash["counter"] == (2 if prior else 1)
    if point != "write_lines":
        assert at_crash["marked"] == prior_marked + len(books["W00"])
        assert at_crash["lines"] > (len(books["W02"]) if prior else 0)
    # ... and none of it survived.
    assert snapshot() == before
    counter = NumberCounter.get_or_none(NumberCounter.period == "202611")
    if counter_before is None:
        assert counter is None
    else:
        assert counter.last_number == counter_before.last_number == 1
    assert Invoice.select().count() == (1 if prior else 0)
    billed = TimeEntry.select().where(TimeEntry.invoice_line.is_null(False))
    assert billed.count() == prior_marked
    assert (
        not TimeEntry.select()
        .where(TimeEntry.id.in_(books["W00"]) & TimeEntry.invoice_line.is_null(False))
        .exists()
    )

    view = invoices.create("anna", request("W00"))
    assert view.number == number(2 if prior else 1)
    assert sorted(e for line in view.lines for e in line.entries) == books["W00"]


@pytest.mark.parametrize("point", ["write_lines", "release", "refresh_totals", "view"])
def test_a_crash_while_crediting_changes_nothing(books, monkeypatch, point):
    original = invoices.create("anna", request("W00"))
    invoice_lifecycle.mark_sent("anna", original.number)
    before = snapshot()
    crash = Crash()
    with monkeypatch.context() as patch:
        patch.setattr(f"tallytui.services.corrections.{point}", crash)
        with pytest.raises(Boom):
            corrections.credit("anna", original.number)
    assert [c["invoices"] for c in crash.seen] == [2]  # the credit note was numbered
    if point in ("refresh_totals", "view"):
        assert crash.seen[0]["marked"] == 0  # and its time released
    assert snapshot() == before
    assert NumberCounter.get(NumberCounter.period == "202611").last_number == 1
    assert Invoice.select().count() == 1
    assert (
        TimeEntry.select()
        .where(TimeEntry.id.in_(books["W00"]) & TimeEntry.invoice_line.is_null())
        .count()
        == 0
    )

    note = corrections.credit("anna", original.number)
    assert note.number == number(2)
    assert note.total == -original.total
    assert TimeEntry.select().where(TimeEntry.invoice_line.is_null(False)).count() == 0


@pytest.mark.parametrize("newest", [True, False], ids=["newest (rolled back)", "older (void)"])
def test_a_crash_while_deleting_changes_nothing(books, monkeypatch, newest):
    first = invoices.create("anna", request("W00"))
    second = invoices.create("anna", request("W01"))
    target = second if newest else first
    before = snapshot()
    crash = Crash()
    with monkeypatch.context() as patch:
        # Both run after give_back: ``view`` before the row is removed, ``now_utc`` before
        # the row turns void.
        patch.setattr(
            "tallytui.services.invoice_lifecycle.view"
            if newest
            else "tallytui.services.invoice_lifecycle.now_utc",
            crash,
        )
        with pytest.raises(Boom):
            invoice_lifecycle.delete("anna", target.number)
    # At the crash the number had been given back (newest) and the time released.
    assert len(crash.seen) == 1
    assert crash.seen[0]["counter"] == (1 if newest else 2)
    assert crash.seen[0]["marked"] == len(books["W00" if newest else "W01"])
    assert snapshot() == before
    assert NumberCounter.get(NumberCounter.period == "202611").last_number == 2
    assert invoices.show("anna", target.number).status == "ready"
    marked = TimeEntry.select().where(TimeEntry.invoice_line.is_null(False)).count()
    assert marked == len(books["W00"]) + len(books["W01"])

    third = invoices.create("anna", request("W02"))
    assert third.number == number(3)
    _, removed = invoice_lifecycle.delete("anna", target.number)
    assert removed is False  # 0003 exists now, so the number stays, as void
    assert invoices.show("anna", target.number).status == "void"
    numbers = sorted(n for (n,) in Invoice.select(Invoice.number).tuples())
    assert numbers == [number(1), number(2), number(3)]


def test_deleting_the_newest_then_creating_reuses_its_number(books):
    invoices.create("anna", request("W00"))
    second = invoices.create("anna", request("W01"))
    _, removed = invoice_lifecycle.delete("anna", second.number)
    assert removed is True
    assert NumberCounter.get(NumberCounter.period == "202611").last_number == 1
    again = invoices.create("anna", request("W01"))
    assert again.number == second.number
    assert sorted(e for line in again.lines for e in line.entries) == books["W01"]


def test_the_ten_thousandth_document_of_a_month_is_refused(books):
    invoices.create("anna", request("W00"))
    NumberCounter.update(last_number=9_998).execute()
    last = invoices.create("anna", request("W01"))
    assert last.number == number(9_999)
    before = snapshot()
    with pytest.raises(Conflict, match="full"):
        invoices.create("anna", request("W02"))
    assert snapshot() == before


# --------------------------------------------------------------------------------------
# An entry edited while it is being invoiced
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_an_entry_changed_while_it_is_invoiced_is_never_unbilled(books, monkeypatch, action):
    """Two writers, one at a time: `entry edit|delete` has checked the entry (open, not
    invoiced) and is about to write when an invoice bills it. Either the change happened
    before the invoice (which then bills the changed entry), or it is refused with a
    clear error; the invoice never ends up billing an entry that no longer says so."""
    timesheets.unlock("anna", date(2026, 9, 30))  # open time, billed "anyway" below
    entry_id = books["W00"][0]
    original = TimeEntry.get_by_id(entry_id)
    checked, go = threading.Event(), threading.Event()
    real = entries.check_editable

    def paused(row, tz, verb):
        real(row, tz, verb)
        checked.set()
        go.wait(5)

    monkeypatch.setattr(entries, "check_editable", paused)
    outcome: dict[str, object] = {}

    def run(name, call):
        try:
            outcome[name] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
            outcome[name] = exc
        finally:
            db.close()  # this thread's connection

    change = (
        (lambda: entries.edit("anna", entry_id, EntryChanges(end_utc=original.end_utc + 3600)))
        if action == "edit"
        else (lambda: entries.delete("anna", entry_id))
    )
    bill = InvoiceRequest(
        project="W00", first=OCT_FIRST, last=OCT_LAST, grouping="detailed", include_unlocked=True
    )
    changer = threading.Thread(target=run, args=("change", change))
    changer.start()
    assert checked.wait(5)
    invoicer = threading.Thread(target=run, args=("invoice", lambda: invoices.create("anna", bill)))
    invoicer.start()
    invoicer.join(1.0)  # done at once unless the change holds the write lock
    go.set()
    changer.join(20)
    invoicer.join(20)

    invoice = outcome["invoice"]
    assert not isinstance(invoice, Exception), invoice
    changed = outcome["change"]
    if isinstance(changed, Exception):
        assert isinstance(changed, TallyError), f"unclear refusal: {changed!r}"
        assert "locked" not in str(changed)
    row = TimeEntry.get_or_none(TimeEntry.id == entry_id)
    billed = {e: line for line in invoice.lines for e in line.entries}
    if row is None:  # deleted before it was invoiced: not on the invoice
        assert entry_id not in billed
        return
    assert entry_id in billed, "the invoice does not bill an entry that still exists"
    line = billed[entry_id]
    assert row.invoice_line_id == line.id, "an invoiced entry was un-billed by the change"
    assert line.quantity == (Decimal(row.end_utc - row.start_utc) / 3600).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
