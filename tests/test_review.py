"""The weekly review's model and edits, on a real SQLite file."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest

from tallytui.domain.errors import Conflict, InvalidInput
from tallytui.domain.localtime import parse_instant
from tallytui.services import entries, expenses, review, timesheets, users
from tallytui.store.db import open_database
from tallytui.store.models import db

TZ = "Europe/Berlin"


def at(text: str) -> int:
    return parse_instant(text, TZ)


@pytest.fixture
def week_db(org):
    org.ok("client", "add", "Initech", "--currency", "USD")
    org.ok("project", "add", "Api", "--client", "Initech", "--rate", "150")
    org.ok("project", "add", "Internal", "--client", "Globex", "--non-billable")
    org.ok("project", "set", "Web", "--rate", "100", "--from", "2026-11-18")
    open_database(os.environ["TALLY_DB"])
    yield
    db.close()


def add(project, start, end, description=""):
    return entries.add("anna", entries.NewEntry(project, at(start), at(end), description)).id


def test_week_totals_per_day_project_and_client(week_db):
    add("Web", "2026-11-17 09:00", "2026-11-17 11:00")  # 95/h
    add("Web", "2026-11-18 09:00", "2026-11-18 10:30")  # 100/h from the 18th
    add("Api", "2026-11-18 11:00", "2026-11-18 12:00")
    add("Internal", "2026-11-19 09:00", "2026-11-19 09:30")
    add("Web", "2026-11-10 09:00", "2026-11-10 10:00")  # the week before
    w = review.week(date(2026, 11, 20), "anna")
    assert (w.first, w.last) == (date(2026, 11, 16), date(2026, 11, 22))
    assert len(w.entries) == 4
    assert [(d.day.day, d.seconds, d.billable_seconds) for d in w.days if d.seconds] == [
        (17, 7200, 7200),
        (18, 9000, 9000),
        (19, 1800, 0),
    ]
    projects = {p.project: (p.seconds, p.amount, p.currency) for p in w.projects}
    assert projects == {
        "Web": (12600, Decimal("340.00"), "EUR"),
        "Api": (3600, Decimal("150.00"), "USD"),
        "Internal": (1800, Decimal("0.00"), "EUR"),
    }
    clients = {c.client: c.amounts for c in w.clients}
    assert clients == {
        "Globex": (("EUR", Decimal("340.00")),),
        "Initech": (("USD", Decimal("150.00")),),
    }
    assert (w.seconds, w.billable_seconds) == (18000, 16200)


def test_split_merge_and_undo(week_db):
    entry = add("Web", "2026-11-17 09:00", "2026-11-17 12:00", "design")
    change = review.split("anna", entry, at("2026-11-17 10:15"))
    first, second = (entries.get(i) for i in change.ids)
    assert (first.end_utc, second.start_utc) == (at("2026-11-17 10:15"),) * 2
    merged = review.merge("anna", list(change.ids))
    [whole] = [entries.get(i) for i in merged.ids]
    assert (whole.start_utc, whole.end_utc, whole.description) == (
        at("2026-11-17 09:00"),
        at("2026-11-17 12:00"),
        "design",
    )
    review.undo("anna", merged)
    parts = review.week(date(2026, 11, 17), "anna").entries
    assert [(p.start_utc, p.end_utc) for p in parts] == [
        (at("2026-11-17 09:00"), at("2026-11-17 10:15")),
        (at("2026-11-17 10:15"), at("2026-11-17 12:00")),
    ]
    with pytest.raises(InvalidInput, match="inside the entry"):
        review.split("anna", parts[0].id, at("2026-11-17 13:00"))


def test_merge_refuses_entries_with_others_between(week_db):
    a = add("Web", "2026-11-17 09:00", "2026-11-17 10:00")
    add("Api", "2026-11-17 10:00", "2026-11-17 11:00")
    c = add("Web", "2026-11-17 11:00", "2026-11-17 12:00")
    with pytest.raises(Conflict, match="between"):
        review.merge("anna", [a, c])


def test_retag_billable_describe_retime_delete_and_undo(week_db):
    ids = [
        add("Web", "2026-11-17 09:00", "2026-11-17 10:00"),
        add("Web", "2026-11-17 10:00", "2026-11-17 11:00"),
    ]
    moved = review.retag("anna", ids, "Internal")
    assert {entries.get(i).project for i in moved.ids} == {"Internal"}
    assert not any(entries.get(i).billable for i in moved.ids)
    back = review.undo("anna", moved)
    assert {(entries.get(i).project, entries.get(i).billable) for i in back.ids} == {
        ("Web", True)
    }
    described = review.describe("anna", list(back.ids), "  Review  ")
    assert {entries.get(i).description for i in described.ids} == {"Review"}
    first = described.ids[0]
    trimmed = review.retime("anna", first, at("2026-11-17 09:15"), at("2026-11-17 10:00"))
    assert entries.get(trimmed.ids[0]).seconds == 2700
    with pytest.raises(Conflict, match="overlaps"):
        review.retime("anna", trimmed.ids[0], at("2026-11-17 09:15"), at("2026-11-17 10:30"))
    gone = review.delete("anna", list(trimmed.ids) + [described.ids[1]])
    assert review.week(date(2026, 11, 17), "anna").entries == ()
    review.undo("anna", gone)
    assert len(review.week(date(2026, 11, 17), "anna").entries) == 2


def test_locked_entries_refuse_every_edit(week_db):
    entry = add("Web", "2026-11-17 09:00", "2026-11-17 10:00")
    timesheets.lock("anna", date(2026, 11, 17))
    for action in (
        lambda: review.retag("anna", [entry], "Api"),
        lambda: review.split("anna", entry, at("2026-11-17 09:30")),
        lambda: review.delete("anna", [entry]),
        lambda: review.set_billable("anna", [entry], False),
    ):
        with pytest.raises(Conflict, match="locked until 2026-11-17"):
            action()
    assert entries.get(entry).project == "Web"


def test_the_week_shows_only_the_persons_own_expenses(week_db):
    users.add("anna", "ben", "consultant")
    for who, amount in (("anna", "12.50"), ("ben", "80")):
        expenses.add(who, expenses.NewExpense("Web", date(2026, 11, 17), amount=Decimal(amount)))
    assert [x.amount for x in review.week(date(2026, 11, 17), "anna").expenses] == [
        Decimal("12.50")
    ]
    assert [x.amount for x in review.week(date(2026, 11, 17), "ben").expenses] == [Decimal("80")]
