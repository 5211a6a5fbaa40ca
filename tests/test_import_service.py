"""The import service: idempotent re-imports, dry runs, progress, bounded memory, and the
value parsers the readers share."""

from __future__ import annotations

import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from tallytui.domain.localtime import local_to_utc
from tallytui.importers import values
from tallytui.importers.csvfile import neutralise, restore
from tallytui.services import importing
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CAFE, MUELLER = "Café Relaunch", "Müller & Söhne GmbH"


@pytest.fixture
def database(org, env):
    handle = open_database(str(env))
    yield handle
    handle.close()


def request(name: str, **options) -> importing.ImportRequest:
    return importing.ImportRequest(str(FIXTURES / name), **options)


def test_importing_the_same_file_twice_adds_nothing(org):
    path = str(FIXTURES / "clockify.csv")
    org.ok("user", "add", "juergen")
    first = org.ok("import", path, "--create-missing", "--json").json()
    again = org.ok("import", path, "--create-missing", "--json").json()
    assert (first["imported"], first["skipped_duplicates"]) == (4, 0)
    assert (again["imported"], again["skipped_duplicates"]) == (0, 4)
    assert again["created"] == {"clients": [], "projects": []} and again["errors"] == []
    assert "imported 0 entries, skipped 4 duplicates" in org.ok("import", path).stdout
    entries = org.ok("entry", "list", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
    assert len(entries.json()) == 4


def test_duplicates_are_skipped_even_in_a_locked_period(org):
    path = str(FIXTURES / "toggl.csv")
    org.ok("import", path, "--create-missing")
    org.ok("timesheet", "lock", "--until", "2026-11-30", "--future")
    again = org.ok("import", path, "--json").json()
    assert (again["imported"], again["skipped_duplicates"], again["errors"]) == (0, 4, [])


def test_a_row_repeated_in_the_file_is_imported_once(database, tmp_path):
    path = tmp_path / "twice.csv"
    row = "2026-11-16,09:00,10:00,Web,Globex,same\n"
    path.write_text("date,start,end,project,client,description\n" + row + row)
    result = importing.run("anna", importing.ImportRequest(str(path)))
    assert (result.rows, result.imported, result.skipped_duplicates) == (2, 1, 1)


def test_dry_run_shows_what_would_happen_and_writes_nothing(org, env):
    path = str(FIXTURES / "harvest.csv")
    result = org.ok("import", path, "--dry-run", "--create-missing")
    out = result.stdout
    assert f"{path}: harvest, 5 rows" in out
    assert "would import 5 entries, skipped 0 duplicates (dry run: nothing written)" in out
    assert f"would create clients: {MUELLER}, Acme Consulting" in out
    assert f"would create projects: {CAFE}, Intern" in out
    assert f"{MUELLER}  {CAFE}        4  22.75" in out
    assert "2026-11-11  09:00  11-12 01:00  16.00" in out
    assert "First rows:" in out and "2026-11-09  09:00  11:30         2.50  anna" in out
    body = org.ok("import", path, "--dry-run", "--create-missing", "--json").json()
    assert body["dry_run"] is True and body["imported"] == 5
    assert body["totals"][0] == {
        "client": "Acme Consulting",
        "project": "Intern",
        "entries": 1,
        "hours": "0.50",
    }
    assert "Müller" not in org.ok("client", "list").stdout
    assert org.ok("entry", "list", "--from", "2026-01-01", "--json").json() == []


def test_dry_run_with_errors_lists_them_and_exits_1(org):
    path = str(FIXTURES / "harvest.csv")
    result = org("import", path, "--dry-run")
    assert result.exit_code == 1
    assert "would import 0 entries" in result.stdout
    assert result.stderr.endswith(": 2 problems; the import would be refused\n")
    assert f"error: {path}:2:3: unknown project 'Café Relaunch'" in result.stderr


def test_progress_is_reported_in_bytes(database, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 2)
    seen = []
    importing.run(
        "anna",
        request("generic.csv", create_missing=True),
        lambda done, total: seen.append((done, total)),
    )
    size = (FIXTURES / "generic.csv").stat().st_size
    assert len(seen) >= 3
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert {total for _, total in seen} == {size} and seen[-1] == (size, size)


def test_the_result_of_the_service(database):
    result = importing.run("anna", request("toggl.csv", create_missing=True))
    assert result.ok and result.format == "toggl" and not result.dry_run
    assert result.created_clients == (MUELLER, "Acme Consulting")
    assert [(t.client, t.project, t.entries, t.seconds) for t in result.totals] == [
        ("Acme Consulting", "Intern", 1, 2700),
        (MUELLER, CAFE, 3, 21600),
    ]
    first = result.first_rows[0]
    assert (first.line, first.day, first.start, first.end, first.user) == (
        2,
        date(2026, 11, 4),
        "09:15",
        "11:45",
        "anna",
    )
    stored = TimeEntry.select().where(TimeEntry.source == "import")
    assert all(len(e.fingerprint) == 32 for e in stored) and stored.count() == 4


def _peak_mb(path: Path, rows: int) -> float:
    """Peak of Python allocations while importing ``rows`` generated rows (in MB)."""
    with open(path, "w") as handle:
        handle.write("date,start,end,project,client,description\n")
        for i in range(rows):
            day = date.fromordinal(date(2000, 1, 1).toordinal() + i // 8)
            hour = 8 + i % 8
            handle.write(
                f"{day.isoformat()},{hour:02d}:00,{hour:02d}:45,Web,Globex,"
                f'"entry {i}, with ""quotes"" and a long description {"x" * 80}"\n'
            )
    tracemalloc.start()
    try:
        result = importing.run("anna", importing.ImportRequest(str(path), dry_run=True))
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert result.ok and result.imported == rows, result.errors[:3]
    return peak


def test_memory_does_not_grow_with_the_file(database, tmp_path):
    small = _peak_mb(tmp_path / "small.csv", 8_000)
    large = _peak_mb(tmp_path / "large.csv", 32_000)  # 5 MB
    assert large < 1.3 * small + 0.5, (small, large)


# The value parsers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("09:05", (9, 5, 0)),
        ("9:05:30", (9, 5, 30)),
        ("23:59:59", (23, 59, 59)),
        ("12:00 AM", (0, 0, 0)),
        ("12:30:00 PM", (12, 30, 0)),
        ("01:15:00 pm", (13, 15, 0)),
    ],
)
def test_clock_readings(text, clock):
    assert values.parse_clock(text) == clock


@pytest.mark.parametrize("text", ["24:00", "9.05", "13:00 PM", "0:00 AM", "09:5", "٠٩:٠٥"])
def test_bad_clock_readings(text):
    with pytest.raises(ValueError):
        values.parse_clock(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1:30", 5400), ("25:00:01", 90001), ("1.5", 5400), ("1,25", 4500), ("0.3333", 1200)],
)
def test_durations(text, seconds):
    assert values.parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2026-11-16", "YYYY-MM-DD"),
        ("13/04/2026", "DD/MM/YYYY"),
        ("04/13/2026", "MM/DD/YYYY"),
        ("03/04/2026", ""),
        ("16.11.2026", "DD.MM.YYYY"),
        ("13-04-2026", "DD-MM-YYYY"),
        ("next tuesday", None),
    ],
)
def test_date_orders(text, kind):
    assert values.classify_day(text) == kind


def test_instants_agree_with_the_domain_and_know_both_dst_readings():
    tz = "Europe/Berlin"
    for day, clock in [
        (date(2026, 1, 15), (9, 0, 0)),
        (date(2026, 3, 29), (1, 59, 59)),
        (date(2026, 3, 29), (3, 0, 0)),
        (date(2026, 7, 1), (23, 30, 0)),
    ]:
        assert values.instants(day, clock, tz) == (local_to_utc(day, clock, tz),)
    first, second = values.instants(date(2026, 10, 25), (2, 30, 0), tz)
    assert first == local_to_utc(date(2026, 10, 25), (2, 30, 0), tz)
    assert second - first == 3600
    with pytest.raises(ValueError, match="does not exist in Europe/Berlin"):
        values.instants(date(2026, 3, 29), (2, 30, 0), tz)


def test_pick_span_uses_the_duration_in_the_repeated_hour():
    first, second = values.instants(date(2026, 10, 25), (2, 30, 0), "Europe/Berlin")
    start = values.instants(date(2026, 10, 25), (1, 30, 0), "Europe/Berlin")
    assert values.pick_span(start, (first, second), 7200) == (start[0], second)
    assert values.pick_span(start, (first, second), None) == (start[0], first)


@pytest.mark.parametrize(
    "text", ["=SUM(A1)", "+1", "-x", "@cmd", "\tx", "\rx", "'=x", "''x", "'hello", "fine", ""]
)
def test_neutralise_and_restore_are_inverse(text):
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@", "\t", "\r"))
