"""Refused imports: every problem listed with its line and column, and nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tallytui.importers.csvfile import FIELD_LIMIT, CsvFile
from tallytui.importers.records import Problem
from tallytui.services import importing
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, db

FIXTURES = Path(__file__).parent / "fixtures" / "import"
HEADER = "date,start,end,end_date,duration,project,client,description,billable,user"


def count_entries(env) -> int:
    open_database(str(env))
    try:
        return TimeEntry.select().count()
    finally:
        db.close()


def problems(stderr: str, path) -> list[tuple[int, int, str]]:
    """(line, column, message) of each ``error: FILE:LINE:COLUMN: message`` line."""
    found = []
    for line in stderr.splitlines():
        prefix = f"error: {path}:"
        if line.startswith(prefix) and line[len(prefix) :][:1].isdigit():
            where, column, message = line[len(prefix) :].split(":", 2)
            found.append((int(where), int(column), message.strip()))
    return found


def write(tmp_path, text: str, name: str = "entries.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_row_problem_is_listed_with_line_and_column(org, env):
    path = FIXTURES / "errors.csv"
    result = org("import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert problems(result.stderr, path) == [
        (3, 1, "date: '2026-13-01' is not a valid date (month must be in 1..12)"),
        (4, 2, "start: '25:00' is not a valid time of day"),
        (4, 3, "end: '26:00' is not a valid time of day"),
        (5, 9, "billable: 'maybe' is not yes or no"),
        (6, 3, "end: 01:00 is before the start 22:00; an entry across midnight needs end_date"),
        (
            7,
            2,
            "start: 2026-03-29 02:30 does not exist in Europe/Berlin "
            "(the clocks jump forward then)",
        ),
        (
            8,
            6,
            "unknown project 'Nope' of client 'Globex'; add it first, or give --create-missing",
        ),
        (11, 11, "the row has 11 fields, the header 10"),
        (
            12,
            10,
            "unknown user 'ghost' (known: anna); add them with `tally user add NAME`, "
            "or import everything as one person with --user",
        ),
    ]
    assert result.stderr.splitlines()[-1] == f"error: {path}: 9 problems; nothing was imported"
    assert count_entries(env) == 0


def test_json_lists_the_errors_too(org, env):
    result = org("import", str(FIXTURES / "errors.csv"), "--json")
    assert result.exit_code == 1
    body = result.json()
    assert body["imported"] == 0 and body["rows"] == 10  # one record spans two lines
    assert body["errors"][0] == {
        "line": 3,
        "column": 1,
        "message": "date: '2026-13-01' is not a valid date (month must be in 1..12)",
    }
    assert len(body["errors"]) == 9
    assert count_entries(env) == 0


def test_a_field_over_the_limit_is_an_error_not_a_crash(org, env, tmp_path):
    huge = "x" * (FIELD_LIMIT + 10)
    path = write(
        tmp_path,
        f"{HEADER}\n"
        f'2026-11-16,09:00,10:00,,,Web,Globex,"{huge}",yes,\n'
        "2026-11-16,10:00,11:00,,,Web,Globex,after,yes,\n"
        f"2026-11-16,11:00,12:00,,,Web,Globex,{huge},yes,\n"
        "2026-11-16,12:00,13:00,,,Web,Globex,last,maybe,\n",
    )
    result = org("import", str(path))
    assert result.exit_code == 1
    assert problems(result.stderr, path) == [
        (2, 8, "a field is longer than 131,072 characters"),
        (4, 8, "a field is longer than 131,072 characters"),
        (5, 9, "billable: 'maybe' is not yes or no"),
    ]
    assert count_entries(env) == 0


def test_a_field_over_the_limit_across_lines(org, tmp_path):
    lines = "\n".join(["y" * 1000] * 140)
    path = write(
        tmp_path,
        f'{HEADER}\n2026-11-16,09:00,10:00,,,Web,Globex,"{lines}",yes,\n'
        "2026-11-16,10:00,11:00,,,Web,Globex,after,nope,\n",
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [
        (2, 8, "a field is longer than 131,072 characters"),
        (142, 9, "billable: 'nope' is not yes or no"),
    ]


def test_a_line_over_4_mib_is_skipped_and_reading_goes_on(tmp_path):
    path = tmp_path / "wide.tsv"
    fields = "\t".join(["z" * 110_000] * 40)  # each field under the limit, the line not
    path.write_text(f'a\tb\tc\n{fields}\n1\t2\t3\n"x\r\ny"\t2\t3\r\n')
    with CsvFile(path) as table:
        assert (table.delimiter, table.header) == ("\t", ["a", "b", "c"])
        assert list(table.records()) == [
            Problem(2, 1, "the line is longer than 4 MiB"),
            (3, ["1", "2", "3"]),
            (4, ["x\r\ny", "2", "3"]),
        ]


def test_a_file_that_cannot_be_read(database_with_org, tmp_path):
    result = importing.run("anna", importing.ImportRequest(str(tmp_path), "generic"))
    assert result.errors == (Problem(1, 1, "cannot read the file: Is a directory"),)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '2026-11-16,09:00,10:00,,,Web,Globex,"never closed,yes,\n',
            (2, 8, "a quoted field is not closed before the file ends"),
        ),
        (
            '2026-11-16,09:00,10:00,,,Web,Globex,"quoted"then text,yes,\n',
            (2, 8, 'text follows the closing quote of a field (write a quote inside one as "")'),
        ),
        (
            "2026-11-16,09:00,10:00,,,Web,Globex\n",
            (2, 8, "the row has 7 fields, the header 10"),
        ),
        (
            "2026-11-16,09:00,10:00,,,,Globex,empty project,yes,\n",
            (2, 6, "project: empty; every entry needs a project"),
        ),
        (
            "2026-11-16,09:00,,,,Web,Globex,open,yes,\n",
            (2, 3, "end: the row has neither an end nor a duration"),
        ),
        (
            "2026-11-16,09:00,,,1h,Web,Globex,words,yes,\n",
            (2, 5, "duration: '1h' is not a duration (h:mm, h:mm:ss or decimal hours)"),
        ),
        (
            "16.11.2026,09:00,10:00,,,Web,Globex,german date,yes,\n",
            (2, 1, "date: '16.11.2026' is not a date (YYYY-MM-DD)"),
        ),
    ],
)
def test_broken_rows(org, env, tmp_path, body, expected):
    path = write(tmp_path, f"{HEADER}\n{body}")
    result = org("import", str(path))
    assert result.exit_code == 1
    assert problems(result.stderr, path) == [expected]
    assert count_entries(env) == 0


def test_bad_utf8_is_reported_at_its_line_and_column(org, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"{HEADER}\n2026-11-16,09:00,10:00,,,Web,Globex,ok,yes,\n".encode()
        + "2026-11-16,10:00,11:00,,,Web,Globex,Grüße,yes,\n".encode("latin-1")
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [
        (3, 8, "byte 0xFC is not UTF-8; save the file as UTF-8")
    ]


def test_utf16_and_empty_files(org, tmp_path):
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text(f"{HEADER}\n", encoding="utf-16")
    result = org("import", str(utf16), "--format", "generic")
    assert problems(result.stderr, utf16) == [
        (1, 1, "the file is UTF-16; save it as UTF-8 (CSV UTF-8)")
    ]
    empty = write(tmp_path, "", "empty.csv")
    result = org("import", str(empty), "--format", "generic")
    assert problems(result.stderr, empty) == [(1, 1, "the file is empty")]


def test_broken_json_points_at_the_spot(org, tmp_path):
    path = write(
        tmp_path,
        '[\n {"start": "20261116T080000Z", "end": "20261116T090000Z", "tags": ["Web"]},\n'
        ' {"start": "20261116T100000Z", "end": 20261116T110000Z}\n]\n',
        "timew.json",
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [(3, 47, "not valid JSON: Expecting ',' delimiter")]
    running = write(tmp_path, '[{"start": "20261116T080000Z", "tags": ["Web"]}]', "run.json")
    result = org("import", str(running))
    assert problems(result.stderr, running) == [
        (1, 3, "the interval is still running (no end); stop it first")
    ]


def test_locked_days_are_refused(org, env, tmp_path):
    org.ok("timesheet", "lock", "--until", "2026-11-15")
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2026-11-15,23:00,00:30,2026-11-16,,Web,Globex,locked day,yes,\n"
        "2026-11-16,09:00,10:00,,,Web,Globex,open day,yes,\n",
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [
        (2, 1, "cannot import time on 2026-11-15: anna's timesheet is locked until 2026-11-15")
    ]
    assert count_entries(env) == 0


def test_overlaps_with_existing_time_and_within_the_file(org, env, tmp_path):
    org.ok("entry", "add", "--project", "Web", "--start", "2026-11-16 09:00", "--end",
           "2026-11-16 10:00")  # fmt: skip
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2026-11-16,09:30,10:30,,,Web,Globex,clashes with the entry,yes,\n"
        "2026-11-16,11:00,13:00,,,Web,Globex,long,yes,\n"
        "2026-11-16,12:00,12:30,,,Web,Globex,inside the long one,yes,\n"
        "2026-11-16,13:00,14:00,,,Web,Globex,touching is fine,yes,\n",
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [
        (
            2,
            2,
            "overlaps anna's entry 1 (Web, 2026-11-16 09:00–10:00); trim or delete it first",
        ),
        (4, 2, "overlaps line 3 (anna, 2026-11-16 12:00–12:30)"),
    ]
    assert count_entries(env) == 1


def test_missing_clients_and_projects_need_create_missing(org, env, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2026-11-16,09:00,10:00,,,Relaunch,Initech,a,yes,\n"
        "2026-11-16,10:00,11:00,,,Relaunch,Initech,b,yes,\n"
        "2026-11-16,11:00,12:00,,,Orphan,,c,yes,\n"
        "2026-11-16,12:00,13:00,,,Web,Initech,d,yes,\n",
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [
        (
            2,
            6,
            "unknown project 'Relaunch' of client 'Initech'; add it first, or give "
            "--create-missing (2 rows)",
        ),
        (4, 6, "unknown project 'Orphan'; add it first, or give --create-missing"),
        (5, 7, "project 'Web' belongs to client 'Globex', not 'Initech'"),
    ]
    result = org("import", str(path), "--create-missing")
    assert problems(result.stderr, path) == [
        (
            4,
            7,
            "unknown project 'Orphan' has no client in the file; give --client NAME to put "
            "projects without one under that client",
        ),
        (5, 7, "project 'Web' belongs to client 'Globex', not 'Initech'"),
    ]
    assert "Initech" not in org.ok("client", "list").stdout
    assert count_entries(env) == 0


def test_archived_projects_are_refused(org, tmp_path):
    org.ok("project", "set", "Web", "--archive")
    path = write(tmp_path, f"{HEADER}\n2026-11-16,09:00,10:00,,,Web,Globex,a,yes,\n")
    result = org("import", str(path))
    assert problems(result.stderr, path) == [(2, 6, "project 'Web' is archived")]


def test_only_admins_import_other_peoples_time(org, monkeypatch, tmp_path):
    org.ok("user", "add", "ben")
    org.ok("user", "add", "carla")
    monkeypatch.setenv("TALLY_USER", "ben")
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "2026-11-16,09:00,10:00,,,Web,Globex,mine,yes,ben\n"
        "2026-11-16,09:00,10:00,,,Web,Globex,hers,yes,carla\n",
    )
    result = org("import", str(path))
    [(line, column, message)] = problems(result.stderr, path)
    assert (line, column) == (3, 10) and "carla" in message


def test_the_error_list_is_capped_and_the_rest_counted(org, env, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ERRORS", 5)
    rows = "".join(f"2026-11-16,09:00,10:00,,,Web,Globex,{i},maybe,\n" for i in range(12))
    path = write(tmp_path, f"{HEADER}\n{rows}")
    result = org("import", str(path), "--json")
    body = result.json()
    assert [e["line"] for e in body["errors"]] == [2, 3, 4, 5, 6]
    assert body["more_errors"] == 7
    assert f"error: {path}: 12 problems; nothing was imported" in result.stderr


def test_the_service_refuses_with_a_result(database_with_org, tmp_path):
    path = write(tmp_path, f"{HEADER}\n2026-11-16,09:00,10:00,,,Web,Globex,a,maybe,\n")
    result = importing.run("anna", importing.ImportRequest(str(path)))
    assert not result.ok and result.imported == 0
    assert result.errors[0].line == 2 and result.errors[0].column == 9
    assert TimeEntry.select().count() == 0


@pytest.fixture
def database_with_org(org, env):
    database = open_database(str(env))
    yield database
    database.close()


def test_an_ambiguous_dst_reading_without_a_hint_means_the_first(database_with_org, tmp_path):
    path = write(tmp_path, f"{HEADER}\n2026-10-25,02:10,02:40,,,Web,Globex,a,yes,\n")
    result = importing.run("anna", importing.ImportRequest(str(path)))
    assert result.ok
    entry = TimeEntry.get()
    assert (entry.start_utc, entry.end_utc - entry.start_utc) == (1_792_887_000, 1800)
    assert result.first_rows[0].day == date(2026, 10, 25)
