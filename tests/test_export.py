"""``tally export``: entries re-import without loss, spreadsheet formulas are neutralised,
numbers stay numbers, JSON follows the contract."""

from __future__ import annotations

import csv
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from peewee import SQL, OperationalError
from team_setup import approval_team

from tallytui.domain.localtime import parse_instant
from tallytui.services import entries, exporting
from tallytui.store import bulk
from tallytui.store.bulk import insert_rows
from tallytui.store.db import open_database
from tallytui.store.models import Project, TimeEntry, User, db

TZ = "Europe/Berlin"
GOLDEN = Path(__file__).parent / "fixtures" / "export"
TRICKY = [
    # (start, end, description): formulas, quotes, a newline, non-ASCII, DST, midnight
    ("2026-11-16 09:00", "2026-11-16 10:00", '=HYPERLINK("http://evil.example","x")'),
    ("2026-11-16 10:00", "2026-11-16 10:30", "+49 30 1234"),
    ("2026-11-16 10:30", "2026-11-16 11:00", "-fix the build"),
    ("2026-11-16 11:00", "2026-11-16 11:30", "@SUM(A1:A2)"),
    ("2026-11-16 11:30", "2026-11-16 12:00", "=1+1\t"),
    ("2026-11-16 12:00", "2026-11-16 12:30", "'=already quoted"),
    ("2026-11-16 12:30", "2026-11-16 13:00", "'plain apostrophe"),
    ("2026-11-16 13:00", "2026-11-16 14:00", 'Grüße, "Zitat"\nzweite Zeile'),
    ("2026-11-16 22:30", "2026-11-17 01:15", "across midnight"),
    # 02:10–02:40 in the second, winter-time pass through the hour the clocks repeat
    ("2026-10-25T01:10:00Z", "2026-10-25T01:40:00Z", "second 02:10"),
    # 02:40 summer time to 02:10 winter time: the end reads earlier than the start
    ("2026-10-25T00:40:00Z", "2026-10-25T01:10:00Z", "end reads earlier"),
    ("2026-03-29 01:30", "2026-03-29 03:30", "spring forward"),
]


@pytest.fixture
def history(org, env):
    """A second person and the tricky entries, added through the service."""
    org.ok("user", "add", "jürgen")
    org.ok("project", "add", "Intern", "--client", "Globex", "--non-billable")
    database = open_database(str(env))
    try:
        for start, end, text in TRICKY:
            entries.add(
                "anna",
                entries.NewEntry("Web", parse_instant(start, TZ), parse_instant(end, TZ), text),
            )
        entries.add(
            "anna",
            entries.NewEntry(
                "Intern",
                parse_instant("2026-11-16 09:00", TZ),
                parse_instant("2026-11-16 17:00", TZ),
                "Ablage",
            ),
            user="jürgen",
        )
    finally:
        database.close()
    return org


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def comparable(tally) -> list[tuple]:
    listed = tally.ok("entry", "list", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
    return [
        (e["user"], e["project"], e["client"], e["start"], e["end"], e["description"],
         e["billable"])
        for e in listed.json()
    ]  # fmt: skip


def test_exported_entries_reimport_without_loss(history, tmp_path, monkeypatch):
    exported = history.ok("export", "entries", "-o", str(tmp_path / "entries.csv"))
    assert exported.stderr.strip() == f"exported 13 entries to {tmp_path / 'entries.csv'}"
    before = comparable(history)

    fresh = tmp_path / "fresh.db"
    monkeypatch.setenv("TALLY_DB", str(fresh))
    history.ok("init", "--org", "Elsewhere", "--code", "ELSE")
    history.ok("user", "add", "jürgen")
    result = history.ok(
        "import", str(tmp_path / "entries.csv"), "--format", "generic", "--create-missing",
        "--json",
    ).json()  # fmt: skip
    assert (result["imported"], result["errors"]) == (13, [])
    assert comparable(history) == before
    again = history.ok("export", "entries").stdout
    first = (tmp_path / "entries.csv").read_text(encoding="utf-8")
    drop = ("id", "source")
    assert [{k: v for k, v in r.items() if k not in drop} for r in rows_of(again)] == [
        {k: v for k, v in r.items() if k not in drop} for r in rows_of(first)
    ]


def test_formulas_are_neutralised_and_numbers_stay_numbers(history):
    text = history.ok("export", "entries").stdout
    rows = rows_of(text)
    by_text = {r["description"]: r for r in rows}
    for cell in (
        '\'=HYPERLINK("http://evil.example","x")',
        "'+49 30 1234",
        "'-fix the build",
        "'@SUM(A1:A2)",
        "'=1+1",
        "''=already quoted",
        "'plain apostrophe",
    ):
        assert cell in by_text, (cell, list(by_text))
    row = by_text["across midnight"]
    assert (row["date"], row["start"], row["end"], row["end_date"], row["duration"]) == (
        "2026-11-16",
        "22:30:00",
        "01:15:00",
        "2026-11-17",
        "02:45:00",
    )
    assert row["hours"] == "2.75" and row["billable"] == "yes" and row["user"] == "anna"
    assert by_text["end reads earlier"]["end_date"] == "2026-10-25"
    assert text.startswith("date,start,end,end_date,duration,project,client,description,")


def test_invoice_csv_keeps_negative_amounts_numeric(org):
    org.ok("client", "add", "=cmd|' /C calc'!A0", "--address", "Somewhere 1")
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Workshop|1|800")
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Goodwill|1|50", "--credit-note")
    org.ok("invoice", "freeform", "--client", "=cmd|' /C calc'!A0", "--line", "Audit|2|100")
    text = org.ok("export", "invoices").stdout
    rows = rows_of(text)
    assert [(r["kind"], r["subtotal"], r["tax"], r["total"]) for r in rows] == [
        ("invoice", "800.00", "152.00", "952.00"),
        ("credit_note", "-50.00", "-9.50", "-59.50"),
        ("invoice", "200.00", "38.00", "238.00"),
    ]
    assert rows[2]["client"] == "'=cmd|' /C calc'!A0"
    raw = text.splitlines()[2]
    assert ",-50.00,19.00,-9.50,-59.50," in raw  # unquoted, unprefixed: numbers to a sheet


def test_json_exports_follow_the_contract(history, org):
    listed = history.ok("entry", "list", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
    exported = json.loads(history.ok("export", "entries", "--format", "json").stdout)
    assert exported == listed.json()
    assert {"id", "project", "client", "user", "start", "end", "seconds", "description",
            "billable", "source", "state", "invoice"} <= set(exported[0])  # fmt: skip
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Goodwill|1|50", "--credit-note")
    [note] = json.loads(org.ok("export", "invoices", "--format", "json").stdout)
    assert note["kind"] == "credit_note" and note["total"] == "-59.50"
    assert note["lines"][0]["amount"] == "-50.00"


def test_date_filters_and_bom(history, tmp_path):
    text = history.ok("export", "entries", "--from", "2026-11-17", "--to", "2026-11-30").stdout
    assert rows_of(text) == []  # the midnight entry starts on the 16th
    text = history.ok("export", "entries", "--from", "2026-11-16", "--to", "2026-11-16").stdout
    assert len(rows_of(text)) == 10
    target = tmp_path / "excel.csv"
    history.ok("export", "entries", "--bom", "-o", str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbfdate,start,")
    assert target.read_bytes().count(b"\r\n") == 14  # RFC 4180: header and 13 rows
    assert not os.path.exists(f"{target}.partial")
    refused = history("export", "entries", "--from", "2026-11-17", "--to", "2026-11-16")
    assert refused.exit_code == 1 and "--to: 2026-11-16 is before --from" in refused.stderr


def test_consultants_export_only_their_own_time(history, monkeypatch):
    monkeypatch.setenv("TALLY_USER", "jürgen")
    rows = rows_of(history.ok("export", "entries").stdout)
    assert {r["user"] for r in rows} == {"jürgen"}
    if not db.is_closed():
        db.close()


def test_consultants_may_not_export_invoices(history, monkeypatch):
    monkeypatch.setenv("TALLY_USER", "jürgen")
    refused = history("export", "invoices")
    assert refused.exit_code == 1 and "may not see invoices" in refused.stderr
    if not db.is_closed():
        db.close()


@pytest.fixture
def billed_history(history):
    """The tricky entries with October locked and billed, and a credit note."""
    history.ok("timesheet", "lock", "--until", "2026-10-31")
    history.ok(
        "invoice", "create", "--project", "Web", "--period-start", "2026-10-01",
        "--period-end", "2026-10-31",
    )  # fmt: skip
    history.ok(
        "invoice", "freeform", "--client", "Globex", "--line", "Goodwill|1|50", "--credit-note"
    )
    return history


OUTPUTS = {
    "entries.csv": ("export", "entries"),
    "entries.json": ("export", "entries", "--format", "json"),
    "entry-list.json": ("entry", "list", "--from", "2026-01-01", "--to", "2026-12-31", "--json"),
    "invoices.csv": ("export", "invoices"),
    "invoices.json": ("export", "invoices", "--format", "json"),
}


@pytest.mark.parametrize("name", OUTPUTS)
def test_outputs_stay_the_same_byte_for_byte(billed_history, name, tmp_path):
    """Streaming changed how the rows are read, not one byte of what is written (the
    files were written before it; exports are compared as files, whose bytes the test
    runner's stdout would not keep: it turns CRLF into LF)."""
    expected = (GOLDEN / name).read_bytes()
    command = OUTPUTS[name]
    if command[0] == "export":
        billed_history.ok(*command, "-o", str(tmp_path / name))
        assert (tmp_path / name).read_bytes() == expected
        stdout = billed_history.ok(*command).stdout
        assert stdout == expected.decode("utf-8").replace("\r\n", "\n")
    else:
        assert billed_history.ok(*command).stdout.encode("utf-8") == expected
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file


def _add_entries(count: int) -> None:
    """``count`` more half-hour entries for anna after the ones there are, in bulk."""
    start = parse_instant("2025-01-06 08:00", TZ) + TimeEntry.select().count() * 3600
    user, project = User.get(User.name == "anna"), Project.get(Project.name == "Web")
    fields = [TimeEntry.user, TimeEntry.project, TimeEntry.start_utc, TimeEntry.end_utc]
    fields += [TimeEntry.description, TimeEntry.source, TimeEntry.created_at, TimeEntry.updated_at]
    rows = [
        (
            user.id,
            project.id,
            start + i * 3600,
            start + i * 3600 + 1800,
            f"task {i}",
            "manual",
            0,
            0,
        )
        for i in range(count)
    ]
    with db.atomic():
        insert_rows(fields, rows)


def _export_peak() -> int:
    """Peak bytes Python allocates while all entries are exported to CSV."""
    with (
        entries.stream_entries(entries.EntryFilter(viewer="anna")) as (tz, views),
        open(os.devnull, "w", encoding="utf-8") as sink,
    ):
        tracemalloc.start()
        try:
            exporting.write_entries_csv(sink, views, tz)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_export_memory_stays_flat_as_the_history_grows(org, env, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 50)
    database = open_database(str(env))
    try:
        _add_entries(2000)
        small = _export_peak()
        _add_entries(4000)
        large = _export_peak()
    finally:
        database.close()
    # Holding the rows would triple the peak with three times the rows; streamed, one batch
    # of rows is the most there is.
    assert large < small * 1.25, (small, large)


def test_streams_in_order_across_batches_on_both_engines(engine, monkeypatch):
    """Rows come out in start order whatever order they were added in, across many small
    batches (PostgreSQL: of its server-side cursor)."""
    monkeypatch.setattr(bulk, "BATCH", 2)
    handle = approval_team(engine)
    try:
        for day in (20, 16, 18, 17, 19):
            start = parse_instant(f"2026-10-{day} 09:00", TZ)
            entries.add("ada", entries.NewEntry("Web", start, start + 5400, f"day {day}"))
        chosen = entries.EntryFilter(viewer="ada")
        with entries.stream_entries(chosen) as (tz, views):
            out = io.StringIO(newline="")
            count = exporting.write_entries_csv(out, views, tz)
    finally:
        handle.close()
    rows = rows_of(out.getvalue())
    assert count == 5
    assert [(r["date"], r["description"], r["hours"], r["user"]) for r in rows] == [
        (f"2026-10-{day}", f"day {day}", "1.50", "ada") for day in (16, 17, 18, 19, 20)
    ]


def test_a_streamed_query_fails_as_any_query_does(database):
    """A driver's error comes out as peewee's, which the CLI turns into one error line."""
    broken = TimeEntry.select().where(SQL("no_such_column = 1"))
    with pytest.raises(OperationalError, match="no_such_column"):
        list(bulk.stream(broken, (TimeEntry.id,)))
