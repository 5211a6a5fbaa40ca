"""The ordinary shapes of real exports: rows of no length, projects without a client,
columns in another order or left out. Each is taken, or refused at its line and column."""

from __future__ import annotations

from test_import_errors import count_entries, problems, write
from test_import_formats import FIXTURES

CLOCKIFY = (
    "Project,Description,User,Email,Billable,Start Date,Start Time,End Date,End Time,Client\n"
)


def test_a_row_of_no_length_is_skipped_and_counted(org, env, tmp_path):
    path = write(
        tmp_path,
        CLOCKIFY
        + "Web,timer started and stopped,anna,,Yes,11/16/2026,09:00,11/16/2026,09:00,Globex\n"
        + "Web,real work,anna,,Yes,11/16/2026,10:00,11/16/2026,11:30,Globex\n",
    )
    result = org.ok("import", str(path), "--json").json()
    assert (result["rows"], result["imported"], result["skipped_empty"]) == (2, 1, 1)
    assert result["errors"] == []
    summary = org.ok("import", str(path), "--dry-run").stdout.splitlines()
    assert "skipped 1 row of no length (they bill nothing)" in summary
    assert count_entries(env) == 1


def test_rows_of_no_length_do_not_save_a_file_with_errors(org, env, tmp_path):
    path = write(
        tmp_path,
        CLOCKIFY
        + "Web,empty,anna,,Yes,11/16/2026,09:00,11/16/2026,09:00,Globex\n"
        + "Web,bad,anna,,Perhaps,11/16/2026,10:00,11/16/2026,11:30,Globex\n",
    )
    result = org("import", str(path), "--json")
    assert result.exit_code == 1
    body = result.json()
    assert body["skipped_empty"] == 1 and body["imported"] == 0
    assert problems(result.stderr, path) == [(3, 5, "Billable: 'Perhaps' is not yes or no")]
    assert count_entries(env) == 0


def test_zero_hours_and_zero_length_intervals_are_skipped(org, tmp_path):
    harvest = write(
        tmp_path,
        "Date,Client,Project,Notes,Hours,First Name,Last Name\n"
        "2026-11-16,Globex,Web,nothing,0,anna,\n"
        "2026-11-16,Globex,Web,something,1.5,anna,\n",
        "harvest.csv",
    )
    result = org.ok("import", str(harvest), "--json").json()
    assert (result["imported"], result["skipped_empty"]) == (1, 1)
    timew = write(
        tmp_path,
        '[{"start": "20261117T080000Z", "end": "20261117T080000Z", "tags": ["Web"]}]',
        "timew.json",
    )
    result = org.ok("import", str(timew), "--json").json()
    assert (result["rows"], result["imported"], result["skipped_empty"]) == (1, 0, 1)


def test_a_project_without_a_client_needs_client(org, env, tmp_path):
    path = write(
        tmp_path,
        CLOCKIFY
        + "Web,fine,anna,,Yes,11/16/2026,09:00,11/16/2026,10:00,Globex\n"
        + "Lernen,internal,anna,,No,11/16/2026,10:00,11/16/2026,11:00,\n",
    )
    result = org("import", str(path), "--create-missing")
    assert problems(result.stderr, path) == [
        (
            3,
            10,
            "unknown project 'Lernen' has no client in the file; give --client NAME to put "
            "projects without one under that client",
        )
    ]
    assert count_entries(env) == 0
    result = org("import", str(path), "--client", "Intern GmbH")
    assert problems(result.stderr, path) == [
        (
            3,
            1,
            "unknown project 'Lernen' of client 'Intern GmbH'; add it first, or give "
            "--create-missing",
        )
    ]
    done = org.ok("import", str(path), "--client", "Intern GmbH", "--create-missing", "--json")
    assert done.json()["created"] == {"clients": ["Intern GmbH"], "projects": ["Lernen"]}
    assert [(t["client"], t["project"]) for t in done.json()["totals"]] == [
        ("Globex", "Web"),
        ("Intern GmbH", "Lernen"),
    ]
    assert count_entries(env) == 2


def test_an_existing_client_takes_the_clientless_projects(org, tmp_path):
    path = write(
        tmp_path,
        CLOCKIFY + "Lernen,internal,anna,,No,11/16/2026,10:00,11/16/2026,11:00,\n",
    )
    done = org.ok("import", str(path), "--client", "globex", "--create-missing", "--json")
    assert done.json()["created"] == {"clients": [], "projects": ["Lernen"]}
    assert done.json()["totals"][0]["client"] == "Globex"


def test_clockify_in_another_order_without_durations(org, tmp_path):
    path = write(
        tmp_path,
        "Start Date,Start Time,End Date,End Time,Description,User,Project,Client\n"
        "11/16/2026,22:00,11/17/2026,01:30,Nachtarbeit,anna,Web,Globex\n",
    )
    result = org.ok("import", str(path), "--json").json()
    assert (result["format"], result["imported"], result["errors"]) == ("clockify", 1, [])
    assert result["totals"] == [
        {"client": "Globex", "project": "Web", "entries": 1, "hours": "3.50"}
    ]


def test_a_header_close_to_a_known_one_names_the_missing_columns(org, tmp_path):
    path = write(
        tmp_path,
        "Project,Client,Description,Start Date,Start Time,End Date\n"
        "Web,Globex,x,11/16/2026,09:00,11/16/2026\n",
    )
    result = org("import", str(path))
    assert result.exit_code == 1
    assert problems(result.stderr, path) == [
        (
            1,
            1,
            "the header looks like a Clockify detailed report, which needs the column(s) "
            "end time; the header lacks them",
        )
    ]
    kimai = write(tmp_path, "Date,From,Customer,Project\n2026-11-16,09:00,Globex,Web\n", "k.csv")
    assert problems(org("import", str(kimai)).stderr, kimai) == [
        (
            1,
            1,
            "the header looks like a Kimai timesheet export, which needs the column(s) to or "
            "end; the header lacks them",
        )
    ]


def test_kimai_rows_are_checked_at_their_cells(org, env, tmp_path):
    path = write(
        tmp_path,
        "Date,From,To,Duration,Customer,Project,Activity,Description,User,Billable\n"
        "2026-11-16,09:00,10:00,1,Globex,Web,Dev,fine,anna,1\n"
        "2026-11-16,10:00,10:61,,Globex,Web,Dev,bad end,anna,1\n"
        "2026-11-16,11:00,12:00,1,Globex,Web,Dev,bad flag,anna,vielleicht\n",
        "kimai.csv",
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [
        (3, 3, "To: '10:61' is not a valid time of day"),
        (4, 10, "Billable: 'vielleicht' is not yes or no"),
    ]
    assert count_entries(env) == 0


def test_kimai_as_one_person(org, tmp_path):
    org.ok("user", "add", "ben")
    path = write(
        tmp_path,
        "Date,From,To,Duration,Customer,Project,User\n"
        "2026-11-16,09:00,10:00,1,Globex,Web,someone@else.example\n",
        "kimai.csv",
    )
    assert problems(org("import", str(path)).stderr, path)[0][:2] == (2, 7)
    result = org.ok("import", str(path), "--user", "ben", "--json").json()
    assert result["imported"] == 1
    entries = org.ok("entry", "list", "--from", "2026-11-16", "--to", "2026-11-16", "--json")
    assert [e["user"] for e in entries.json()] == ["ben"]


def test_watson_problems_point_at_the_frame(org, tmp_path):
    path = write(
        tmp_path,
        "[\n"
        ' {"id": "a", "project": "Web", "start": "2026-11-16T09:00:00+01:00",\n'
        '  "stop": "2026-11-16T10:00:00", "tags": []},\n'
        ' {"id": "b", "project": "Web", "start": "2026-11-16T11:00:00+01:00",\n'
        '  "stop": "2026-11-16T10:00:00+01:00", "tags": []}\n'
        "]\n",
        "watson.json",
    )
    result = org("import", str(path))
    assert problems(result.stderr, path) == [
        (
            3,
            3,
            "stop: '2026-11-16T10:00:00' is not a time with a UTC offset "
            "(2026-11-16T09:00:00+01:00)",
        ),
        (5, 3, "stop: the frame ends before it starts"),
    ]
    frames = write(tmp_path, "[\n [1794380400, 1794384000]\n]\n", "frames")
    assert problems(org("import", str(frames)).stderr, frames) == [
        (2, 2, "a frame is [start, stop, project, id, tags, …]")
    ]


def test_auto_recognises_the_new_formats():
    from tallytui.importers.detect import detect

    assert detect(FIXTURES / "kimai.csv") == "kimai"
    assert detect(FIXTURES / "timewarrior.json") == "timewarrior"
