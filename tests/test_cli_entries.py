"""Entries and expenses through the CLI: time zones, refusals, JSON shape."""

from __future__ import annotations

import pytest

from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, User, db


def add(tally, start, end, *extra):
    return tally("entry", "add", "--project", "Web", "--start", start, "--end", end, *extra)


def entries(tally, *args):
    return tally.ok("entry", "list", "--json", *args).json()


def count_entries(env) -> int:
    open_database(str(env))
    try:
        return TimeEntry.select().count()
    finally:
        db.close()


def test_entry_json_shape(org):
    result = org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-18 09:00",
        "--end",
        "2026-11-18 12:30",
        "--description",
        "Landing page",
        "--json",
    )
    entry = result.json()
    assert entry == {
        "id": entry["id"],
        "project": "Web",
        "client": "Globex",
        "user": "anna",
        "start": "2026-11-18T08:00:00Z",
        "end": "2026-11-18T11:30:00Z",
        "seconds": 12600,
        "date": "2026-11-18",
        "hours": "3.50",
        "description": "Landing page",
        "billable": True,
        "source": "manual",
        "state": "open",
        "invoice": None,
    }
    assert entries(org) == [entry]


def test_spring_forward_entry_lasts_one_hour(org):
    add(org, "2026-03-29 01:30", "2026-03-29 03:30")
    [entry] = entries(org, "--from", "2026-03-29", "--to", "2026-03-29")
    assert entry["seconds"] == 3600
    assert (entry["start"], entry["end"]) == ("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z")


def test_fall_back_entry_lasts_three_hours(org):
    add(org, "2026-10-25 01:30", "2026-10-25 03:30")
    [entry] = entries(org, "--from", "2026-10-25", "--to", "2026-10-25")
    assert entry["seconds"] == 3 * 3600


def test_entry_across_midnight_belongs_to_its_start_day(org):
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-17 22:00",
        "--end",
        "2026-11-18 01:15",
    )
    [entry] = entries(org, "--from", "2026-11-17", "--to", "2026-11-17")
    assert entry["date"] == "2026-11-17" and entry["seconds"] == 3 * 3600 + 900
    assert entries(org, "--from", "2026-11-18", "--to", "2026-11-18") == []


def test_local_day_boundaries_follow_the_org_zone(org):
    # 00:30 Berlin on the 18th is 23:30 UTC on the 17th: it is the 18th's entry.
    add(org, "2026-11-18 00:30", "2026-11-18 01:00")
    assert [e["date"] for e in entries(org, "--from", "2026-11-18", "--to", "2026-11-18")] == [
        "2026-11-18"
    ]
    assert entries(org, "--from", "2026-11-17", "--to", "2026-11-17") == []


def test_explicit_offset_is_honoured(org):
    add(org, "2026-11-18T09:00:00Z", "2026-11-18T10:00:00Z")
    [entry] = entries(org)
    assert entry["start"] == "2026-11-18T09:00:00Z"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-18 10:00", "2026-11-18 09:00", "is before start"),
        ("2026-11-18 10:00", "2026-11-18 10:00", "no length"),
        ("2026-11-18 10:00", "18.11.2026 11:00", "--end: '18.11.2026 11:00' is not a date-time"),
        ("2026-02-30 10:00", "2026-02-30 11:00", "--start: '2026-02-30' is not a valid date"),
        ("2026-03-29 02:30", "2026-03-29 03:30", "does not exist in Europe/Berlin"),
        ("2026-11-18 24:00", "2026-11-18 23:00", "not a valid time"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(org, env, start, end, message):
    result = add(org, start, end)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert count_entries(env) == 0


def test_unknown_project_and_user_are_refused(org, env):
    result = org(
        "entry",
        "add",
        "--project",
        "Nope",
        "--start",
        "2026-11-18 09:00",
        "--end",
        "2026-11-18 10:00",
    )
    assert result.exit_code == 1 and "unknown project 'Nope' (known: Web)" in result.stderr
    result = add(org, "2026-11-18 09:00", "2026-11-18 10:00", "--user", "ghost")
    assert result.exit_code == 1 and "unknown user 'ghost'" in result.stderr
    assert count_entries(env) == 0


def test_unknown_acting_user_is_refused(org, monkeypatch, env):
    monkeypatch.setenv("TALLY_USER", "mallory")
    result = add(org, "2026-11-18 09:00", "2026-11-18 10:00")
    assert result.exit_code == 1 and "unknown user 'mallory'" in result.stderr
    assert count_entries(env) == 0


def test_overlapping_entries_of_one_person_are_refused(org, env):
    add(org, "2026-11-18 09:00", "2026-11-18 12:00")
    result = add(org, "2026-11-18 11:30", "2026-11-18 13:00")
    assert result.exit_code == 1
    assert "overlaps anna's entry" in result.stderr and "09:00–12:00" in result.stderr
    add(org, "2026-11-18 12:00", "2026-11-18 13:00")  # touching is fine
    org.ok("user", "add", "ben")
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-18 09:00",
        "--end",
        "2026-11-18 12:00",
        "--user",
        "ben",
    )
    assert count_entries(env) == 3


def test_edit_and_delete(org):
    entry = org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-18 09:00",
        "--end",
        "2026-11-18 10:00",
        "--json",
    ).json()
    org.ok("project", "add", "Internal", "--client", "Globex", "--non-billable")
    edited = org.ok(
        "entry",
        "edit",
        str(entry["id"]),
        "--project",
        "Internal",
        "--end",
        "2026-11-18 10:45",
        "--description",
        "Planning",
        "--non-billable",
        "--json",
    ).json()
    assert (edited["project"], edited["seconds"], edited["description"], edited["billable"]) == (
        "Internal",
        6300,
        "Planning",
        False,
    )
    result = org("entry", "edit", str(entry["id"]), "--end", "2026-11-18 08:00")
    assert result.exit_code == 1 and "before start" in result.stderr
    org.ok("entry", "delete", str(entry["id"]))
    assert entries(org) == []
    assert "entry 999 does not exist" in org("entry", "delete", "999").stderr


def test_non_billable_project_makes_non_billable_entries(org):
    org.ok("project", "add", "Internal", "--client", "Globex", "--non-billable")
    org.ok(
        "entry",
        "add",
        "--project",
        "Internal",
        "--start",
        "2026-11-18 09:00",
        "--end",
        "2026-11-18 10:00",
    )
    assert entries(org)[0]["billable"] is False


def lock(env, user: str, until: str) -> None:
    open_database(str(env))
    try:
        User.update(locked_until=until).where(User.name == user).execute()
    finally:
        db.close()


def test_locked_days_refuse_add_edit_and_delete(org, env):
    entry = org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-16 09:00",
        "--end",
        "2026-11-16 10:00",
        "--json",
    ).json()
    lock(env, "anna", "2026-11-17")
    assert entries(org)[0]["state"] == "locked"
    for args in (
        ["entry", "edit", str(entry["id"]), "--description", "x"],
        ["entry", "delete", str(entry["id"])],
        [
            "entry",
            "add",
            "--project",
            "Web",
            "--start",
            "2026-11-17 09:00",
            "--end",
            "2026-11-17 10:00",
        ],
    ):
        result = org(*args)
        assert result.exit_code == 1 and "locked until 2026-11-17" in result.stderr, args
    # Moving an open entry into a locked day is refused too.
    later = org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-18 09:00",
        "--end",
        "2026-11-18 10:00",
        "--json",
    ).json()
    result = org(
        "entry",
        "edit",
        str(later["id"]),
        "--start",
        "2026-11-17 09:00",
        "--end",
        "2026-11-17 10:00",
    )
    assert result.exit_code == 1 and "locked" in result.stderr
    assert [e["description"] for e in entries(org)] == ["", ""]


def test_list_filters(org):
    org.ok("client", "add", "Initech", "--currency", "USD")
    org.ok("project", "add", "Api", "--client", "Initech", "--rate", "150")
    org.ok("user", "add", "ben")
    add(org, "2026-11-16 09:00", "2026-11-16 10:00")
    org.ok(
        "entry",
        "add",
        "--project",
        "Api",
        "--start",
        "2026-11-17 09:00",
        "--end",
        "2026-11-17 10:00",
        "--user",
        "ben",
    )
    add(org, "2026-11-09 09:00", "2026-11-09 10:00")  # previous week
    assert len(entries(org)) == 2  # this week by default
    assert [e["project"] for e in entries(org, "--client", "Initech")] == ["Api"]
    assert [e["user"] for e in entries(org, "--user", "anna")] == ["anna"]
    assert len(entries(org, "--from", "2026-11-01", "--to", "2026-11-30")) == 3
    assert len(entries(org, "--project", "Web", "--from", "2026-11-01")) == 2
    result = org("entry", "list", "--from", "2026-11-20", "--to", "2026-11-10")
    assert result.exit_code == 1 and "before" in result.stderr


def test_list_text_shows_totals(org):
    add(org, "2026-11-18 09:00", "2026-11-18 10:30")
    text = org.ok("entry", "list").stdout
    assert "Wed 2026-11-18" in text and "1.50" in text
    assert "1 entries, 1.50 h, 1.50 h billable" in text


def test_expense_amount_and_unit_price(org):
    org.ok(
        "expense",
        "add",
        "--project",
        "Web",
        "--date",
        "2026-11-18",
        "--amount",
        "49.90",
        "--category",
        "software",
    )
    km = org.ok(
        "expense",
        "add",
        "--project",
        "Web",
        "--date",
        "2026-11-19",
        "--quantity",
        "123",
        "--unit-price",
        "0.35",
        "--unit",
        "km",
        "--json",
    ).json()
    assert (km["quantity"], km["unit_price"], km["amount"], km["currency"]) == (
        "123.00",
        "0.35",
        "43.05",
        "EUR",
    )
    listed = org.ok("expense", "list", "--json").json()
    assert [x["amount"] for x in listed] == ["49.90", "43.05"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "1,5"], "use a dot"),
        (["--amount", "-0"], "negative zero"),
        (["--amount", "0"], "must be above 0"),
        (["--amount", "12.345"], "more decimals than EUR"),
        (["--quantity", "2"], "either --amount"),
        (["--amount", "5", "--quantity", "2", "--unit-price", "3"], "either --amount"),
    ],
)
def test_expense_refusals(org, args, message):
    result = org("expense", "add", "--project", "Web", "--date", "2026-11-18", *args)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert org.ok("expense", "list", "--json").json() == []


def test_expense_edit_and_delete(org):
    x = org.ok(
        "expense", "add", "--project", "Web", "--date", "2026-11-18", "--amount", "10", "--json"
    ).json()
    edited = org.ok(
        "expense",
        "edit",
        str(x["id"]),
        "--project",
        "Web",
        "--date",
        "2026-11-19",
        "--quantity",
        "2",
        "--unit-price",
        "7.50",
        "--unit",
        "night",
        "--category",
        "hotel",
        "--json",
    ).json()
    assert (edited["date"], edited["amount"], edited["unit"]) == ("2026-11-19", "15.00", "night")
    org.ok("expense", "delete", str(x["id"]))
    assert org.ok("expense", "list", "--json").json() == []
    missing = org("expense", "delete", "99")
    assert missing.exit_code == 1 and "expense 99 does not exist" in missing.stderr


def test_split_and_merge_from_the_command_line(org):
    add(org, "2026-11-18 09:00", "2026-11-18 12:00")
    assert "split entry 1 into" in org.ok("entry", "split", "1", "--at", "2026-11-18 10:30").stdout
    parts = entries(org)
    assert [p["seconds"] for p in parts] == [5400, 5400]
    result = org("entry", "split", str(parts[0]["id"]), "--at", "2026-11-18 13:00")
    assert result.exit_code == 1 and "inside the entry" in result.stderr
    org.ok("entry", "merge", *(str(p["id"]) for p in parts))
    [whole] = entries(org)
    assert whole["seconds"] == 3 * 3600


def test_an_end_before_the_start_is_refused_unless_it_says_next_day(org, env):
    """An end before the start silently became an overnight entry before."""
    result = add(org, "2026-11-18 23:00", "02:00")
    assert result.exit_code == 1 and "needs its end date or +1, e.g. 02:00+1" in result.stderr
    assert count_entries(env) == 0
    add(org, "2026-11-18 23:00", "02:00+1")
    add(org, "2026-11-17 23:00", "2026-11-18 01:30")
    add(org, "2026-11-16 09:00", "11:15")
    assert [(e["start"], e["end"]) for e in entries(org, "--from", "2026-11-16")] == [
        ("2026-11-16T08:00:00Z", "2026-11-16T10:15:00Z"),
        ("2026-11-17T22:00:00Z", "2026-11-18T00:30:00Z"),
        ("2026-11-18T22:00:00Z", "2026-11-19T01:00:00Z"),
    ]
    org.ok("entry", "edit", "3", "--end", "12:00")  # on the day the entry starts
    assert entries(org, "--from", "2026-11-16")[0]["end"] == "2026-11-16T11:00:00Z"
    refused = org("entry", "edit", "3", "--end", "08:00")
    assert refused.exit_code == 1 and "is not after the start" in refused.stderr
    help_text = org.ok("entry", "add", "--help").stdout
    assert "HH:MM+1" in help_text and "refused" in help_text


def test_an_entry_ending_in_the_future_is_refused(org, env):
    result = add(org, "2026-11-20 09:00", "2026-11-20 12:00")  # TALLY_NOW is 10:00 that day
    assert result.exit_code == 1 and "2026-11-20 12:00 is in the future" in result.stderr
    assert count_entries(env) == 0


def test_merge_refusals_say_why(org):
    from tallytui.domain.merging import MERGE_GAP_MINUTES

    org.ok("project", "add", "Api", "--client", "Globex", "--rate", "120")
    add(org, "2026-11-17 09:00", "2026-11-17 10:00")
    org.ok("entry", "add", "--project", "Api", "--start", "2026-11-18 09:00", "--end", "10:00")
    other = org("entry", "merge", "1", "2")
    assert other.exit_code == 1 and "different projects (Web, Api)" in other.stderr
    add(org, "2026-11-17 10:30", "2026-11-17 11:00")
    gap = org("entry", "merge", "1", "3")
    assert gap.exit_code == 1
    assert (
        f"gap of 30 minutes between entries 1 and 3 exceeds the limit of {MERGE_GAP_MINUTES}"
        in (gap.stderr)
    )
    assert [e["seconds"] for e in entries(org, "--from", "2026-11-16")] == [3600, 1800, 3600]
    assert f"at most {MERGE_GAP_MINUTES} minutes" in org.ok("entry", "merge", "--help").stdout


def test_locking_past_today_takes_future(org):
    """TALLY_NOW is Friday 2026-11-20: Saturday and Sunday have not happened yet."""
    refused = org("timesheet", "lock", "--until", "2026-11-22")
    assert refused.exit_code == 1
    assert (
        "the lock reaches 2 days that have not happened yet (2026-11-21 to 2026-11-22)"
        in refused.stderr
    )
    assert "give --future" in refused.stderr
    assert org.ok("timesheet", "status", "--json").json()[0]["locked_until"] is None
    org.ok("timesheet", "lock", "--until", "2026-11-20")
    org.ok("timesheet", "lock", "--until", "2026-11-22", "--future")
    assert org.ok("timesheet", "status", "--json").json()[0]["locked_until"] == "2026-11-22"


def test_a_payment_dated_in_the_future_is_refused(org):
    add(org, "2026-11-17 09:00", "2026-11-17 10:00")
    org.ok("timesheet", "lock", "--until", "2026-11-19")
    number = org.ok(
        "invoice", "create", "--project", "Web", "--period-start", "2026-11-01",
        "--period-end", "2026-11-19", "--json",
    ).json()["number"]  # fmt: skip
    org.ok("invoice", "mark-sent", number)
    result = org("invoice", "mark-paid", number, "--date", "2027-02-20")
    assert result.exit_code == 1
    assert "2027-02-20 is in the future (today is 2026-11-20)" in result.stderr
    assert org.ok("invoice", "show", number, "--json").json()["status"] == "sent"
    org.ok("invoice", "mark-paid", number, "--date", "2026-11-20")
