"""The weekly review's model and edits, on a real SQLite file."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallytui.domain.errors import Conflict, InvalidInput, NotFound
from tallytui.domain.localtime import parse_instant
from tallytui.domain.merging import MERGE_GAP_MINUTES
from tallytui.services import entries, expenses, review, timesheets, users
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, db

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
    assert {(entries.get(i).project, entries.get(i).billable) for i in back.ids} == {("Web", True)}
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


def test_edits_keep_the_ids_of_entries_they_keep(week_db):
    """Retag gave a new id before: undo of any older change then found nothing to undo."""
    first = add("Web", "2026-11-17 09:00", "2026-11-17 10:00", "design")
    second = add("Web", "2026-11-17 10:00", "2026-11-17 11:00")
    assert review.retag("anna", [first], "Api").ids == (first,)
    assert review.set_billable("anna", [first], False).ids == (first,)
    assert review.describe("anna", [first], "Design").ids == (first,)
    moved = review.retime("anna", first, at("2026-11-17 08:30"), at("2026-11-17 09:45"))
    assert moved.ids == (first,)
    assert entries.get(first).project == "Api" and entries.get(first).description == "Design"
    split = review.split("anna", second, at("2026-11-17 10:20"))
    assert split.ids[0] == second and split.ids[1] not in (first, second)
    assert entries.get(second).end_utc == at("2026-11-17 10:20")
    merged = review.merge("anna", list(split.ids))
    assert merged.ids == (second,) and entries.get(second).seconds == 3600
    gone = review.delete("anna", [second])
    review.undo("anna", gone)
    assert entries.get(second).seconds == 3600  # back under its own id


def test_split_merge_one_half_then_undo_twice(week_db):
    """After split, merging one half and one undo, the second undo said "entry … does not
    exist" for good."""
    whole = add("Web", "2026-11-17 09:00", "2026-11-17 10:00", "design")
    after = add("Web", "2026-11-17 10:00", "2026-11-17 11:00", "build")
    split = review.split("anna", whole, at("2026-11-17 09:20"))
    merged = review.merge("anna", [split.ids[1], after])
    review.undo("anna", merged)
    review.undo("anna", split)
    assert [
        (e.id, e.start_utc, e.end_utc, e.description)
        for e in review.week(date(2026, 11, 17), "anna").entries
    ] == [
        (whole, at("2026-11-17 09:00"), at("2026-11-17 10:00"), "design"),
        (after, at("2026-11-17 10:00"), at("2026-11-17 11:00"), "build"),
    ]


def test_an_undo_that_no_longer_applies_says_why_and_changes_nothing(week_db):
    entry = add("Web", "2026-11-17 09:00", "2026-11-17 10:00")
    split = review.split("anna", entry, at("2026-11-17 09:30"))
    entries.delete("anna", split.ids[1])  # elsewhere, behind the review's back
    with pytest.raises(NotFound, match=f"cannot undo “split entry {entry}”: entry .* not exist"):
        review.undo("anna", split)
    entries.edit("anna", entry, entries.EntryChanges(description="changed"))
    described = review.describe("anna", [entry], "mine")
    entries.edit("anna", entry, entries.EntryChanges(description="theirs"))
    with pytest.raises(Conflict, match=f"entry {entry} has changed since"):
        review.undo("anna", described)
    assert entries.get(entry).description == "theirs"
    assert entries.get(entry).end_utc == at("2026-11-17 09:30")


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (("Api", "2026-11-17 10:00", "2026-11-17 11:00"), r"different projects \(Web, Api\)"),
        (("Web", "2026-11-17 10:06", "2026-11-17 11:00"), "gap of 6 minutes .* limit of 5"),
        (("Web", "2026-11-18 09:00", "2026-11-18 10:00"), "gap of 1380 minutes"),
    ],
)
def test_merge_refuses_other_projects_and_long_gaps(week_db, second, message):
    """Two 1-hour entries of two projects a day apart became one 23-hour entry before."""
    first = add("Web", "2026-11-17 09:00", "2026-11-17 10:00")
    other = add(*second)
    before = [entries.get(first), entries.get(other)]
    with pytest.raises(InvalidInput, match=message):
        review.merge("anna", [other, first])
    assert [entries.get(first), entries.get(other)] == before


def test_merge_refuses_entries_of_another_billable_state(week_db):
    first = add("Web", "2026-11-17 09:00", "2026-11-17 10:00")
    other = add("Web", "2026-11-17 10:00", "2026-11-17 11:00")
    review.set_billable("anna", [other], False)
    with pytest.raises(InvalidInput, match="differ in billable state"):
        review.merge("anna", [first, other])


def test_merge_joins_pauses_up_to_the_limit(week_db):
    first = add("Web", "2026-11-17 09:00", "2026-11-17 10:00")
    other = add("Web", f"2026-11-17 10:0{MERGE_GAP_MINUTES}", "2026-11-17 11:00")
    assert review.merge("anna", [first, other]).ids == (first,)
    assert entries.get(first).end_utc == at("2026-11-17 11:00")


PIECES = st.lists(
    st.tuples(
        st.integers(0, 3 * 3600),  # pause before the piece, in seconds
        st.integers(60, 2 * 3600),  # its length
        st.sampled_from(["Web", "Api"]),
        st.booleans(),  # billable
    ),
    min_size=2,
    max_size=4,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=PIECES)
def test_merge_never_invents_time_nor_moves_it(week_db, pieces):
    TimeEntry.delete().execute()
    cursor, ids = at("2026-11-16 08:00"), []
    for pause, length, project, billable in pieces:
        cursor += pause
        entry = entries.NewEntry(project, cursor, cursor + length, billable=billable)
        ids.append(entries.add("anna", entry).id)
        cursor += length
    parts = [entries.get(i) for i in ids]
    allowed = (len(parts) - 1) * MERGE_GAP_MINUTES * 60
    mergeable = len({(p.project, p.billable) for p in parts}) == 1 and all(
        pause <= MERGE_GAP_MINUTES * 60 for pause, *_ in pieces[1:]
    )
    try:
        change = review.merge("anna", ids)
    except InvalidInput:
        assert not mergeable
        assert [entries.get(i) for i in ids] == parts  # refused: nothing changed
        return
    assert mergeable
    [merged] = [entries.get(i) for i in change.ids]
    assert merged.seconds <= sum(p.seconds for p in parts) + allowed
    assert (merged.project, merged.billable) == (parts[0].project, parts[0].billable)
    assert (merged.start_utc, merged.end_utc) == (parts[0].start_utc, parts[-1].end_utc)


def test_entries_may_not_end_in_the_future(week_db):
    """TALLY_NOW is 2026-11-20 10:00: an entry that has not ended yet is not time worked."""
    with pytest.raises(InvalidInput, match="2026-11-20 10:30 is in the future"):
        add("Web", "2026-11-20 09:00", "2026-11-20 10:30")
    entry = add("Web", "2026-11-20 09:00", "2026-11-20 10:00")  # ends now: fine
    with pytest.raises(InvalidInput, match="in the future"):
        entries.edit("anna", entry, entries.EntryChanges(end_utc=at("2026-11-20 11:00")))
    with pytest.raises(InvalidInput, match="in the future"):
        review.retime("anna", entry, at("2026-11-20 09:30"), at("2026-11-21 09:00"))
    with pytest.raises(InvalidInput, match="in the future"):
        review.add("anna", entries.NewEntry("Web", at("2026-11-21 09:00"), at("2026-11-21 10:00")))
    assert [(e.start_utc, e.end_utc) for e in review.week(date(2026, 11, 20), "anna").entries] == [
        (at("2026-11-20 09:00"), at("2026-11-20 10:00"))
    ]


def test_undo_gives_back_only_what_the_change_set(week_db):
    entry = add("Web", "2026-11-17 09:00", "2026-11-17 10:00", "design")
    described = review.describe("anna", [entry], "Kick-off")
    review.retime("anna", entry, at("2026-11-17 09:00"), at("2026-11-17 09:45"))  # kept
    review.undo("anna", described)
    assert (entries.get(entry).description, entries.get(entry).seconds) == ("design", 2700)


def test_the_readme_states_the_merge_limit_in_force():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert readme.count(f"pauses of at most {MERGE_GAP_MINUTES} minutes") == 2


def test_undo_brings_entries_back_under_their_ids_on_either_engine(engine, org):
    handle = open_database(engine)
    try:
        first = add("Web", "2026-11-17 09:00", "2026-11-17 10:00")
        second = add("Web", "2026-11-17 10:00", "2026-11-17 11:00")
        merged = review.merge("anna", [first, second])
        review.undo("anna", merged)
        later = add("Web", "2026-11-17 12:00", "2026-11-17 13:00")
        assert [e.id for e in review.week(date(2026, 11, 17), "anna").entries] == [
            first,
            second,
            later,
        ]
        assert later not in (first, second)
    finally:
        handle.close()


def test_a_written_description_stays_written_through_split_merge_and_undo(week_db):
    """Whether a person wrote a captured session's text decides whether the invoice prints
    it: splitting, merging or undoing must not forget it, nor invent it."""
    written = entries.add(
        "anna",
        entries.NewEntry("Web", at("2026-11-17 09:00"), at("2026-11-17 10:00"), source="capture"),
    ).id
    captured = entries.add(
        "anna",
        entries.NewEntry(
            "Web", at("2026-11-17 10:02"), at("2026-11-17 11:00"), "~/src/web/a.py", "capture"
        ),
    ).id

    def edited(entry_id: int) -> bool:
        return TimeEntry.get_by_id(entry_id).description_edited

    described = review.describe("anna", [written], "Checkout design")
    halves = review.split("anna", written, at("2026-11-17 09:30")).ids
    assert [edited(i) for i in halves] == [True, True]
    joined = review.merge("anna", list(halves))
    assert edited(written) and entries.get(written).description == "Checkout design"
    review.undo("anna", joined)
    assert [edited(i) for i in halves] == [True, True]
    assert not edited(review.merge("anna", [halves[1], captured]).ids[0])
    review.undo("anna", described)
    assert not edited(written)
