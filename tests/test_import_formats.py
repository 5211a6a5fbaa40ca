"""Each tool's export, read from a fixture written to its documented columns: non-ASCII
names, commas and quotes in descriptions, entries across midnight and across both DST
changes (Europe/Berlin)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CAFE, MUELLER = "Café Relaunch", "Müller & Söhne GmbH"
INTERN, ACME = "Intern", "Acme Consulting"


def imported(tally) -> list[tuple]:
    """(user, project, client, start, end, description, billable, source) of every entry."""
    entries = tally.ok("entry", "list", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
    return [
        (
            e["user"],
            e["project"],
            e["client"],
            e["start"],
            e["end"],
            e["description"],
            e["billable"],
            e["source"],
        )
        for e in entries.json()
    ]


def run_import(tally, name: str, *extra: str) -> dict:
    return tally.ok("import", str(FIXTURES / name), "--json", *extra).json()


@pytest.fixture
def catalogue(org):
    """The clients and projects the fixtures name."""
    org.ok("client", "add", MUELLER)
    org.ok("client", "add", ACME)
    org.ok("project", "add", CAFE, "--client", MUELLER, "--rate", "95")
    org.ok("project", "add", INTERN, "--client", ACME, "--non-billable")
    return org


def test_clockify_detailed_report(org):
    org.ok("user", "add", "juergen")
    result = run_import(org, "clockify.csv", "--create-missing")
    assert result["format"] == "clockify"
    assert (result["rows"], result["imported"], result["skipped_duplicates"]) == (4, 4, 0)
    assert result["created"] == {"clients": [MUELLER, ACME], "projects": [CAFE, INTERN]}
    assert result["errors"] == []
    assert imported(org) == [
        # 01:30 CET to 03:30 CEST: one real hour.
        ("anna", CAFE, MUELLER, "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z",
         "Spring forward", True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-02T08:00:00Z", "2026-11-02T09:30:00Z",
         'Planning: Kick-off, with "coffee"', True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-02T21:30:00Z", "2026-11-03T00:15:00Z",
         "Deploy — night shift", True, "import"),
        ("juergen", INTERN, ACME, "2026-11-13T13:00:00Z", "2026-11-13T14:00:00Z",
         "Weekly sync", False, "import"),
    ]  # fmt: skip


def test_toggl_detailed_report(catalogue):
    result = run_import(catalogue, "toggl.csv")
    assert (result["format"], result["imported"], result["errors"]) == ("toggl", 4, [])
    assert imported(catalogue) == [
        # 01:30 CEST to the second 02:30 (CET): the duration column says two hours.
        ("anna", CAFE, MUELLER, "2026-10-24T23:30:00Z", "2026-10-25T01:30:00Z",
         "Ops: Clocks go back", True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-04T08:15:00Z", "2026-11-04T10:45:00Z",
         'Review "final" copy, part 1', True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-05T22:00:00Z", "2026-11-05T23:30:00Z",
         "Late release", True, "import"),
        ("anna", INTERN, ACME, "2026-11-06T15:00:00Z", "2026-11-06T15:45:00Z",
         "Expenses & receipts", False, "import"),
    ]  # fmt: skip


def test_harvest_entries_are_laid_end_to_end_from_nine(catalogue):
    result = run_import(catalogue, "harvest.csv")
    assert (result["format"], result["imported"], result["errors"]) == ("harvest", 5, [])
    assert imported(catalogue) == [
        # 09:00 CET on the day the clocks went back.
        ("anna", CAFE, MUELLER, "2026-10-25T08:00:00Z", "2026-10-25T11:00:00Z",
         "Development: Day the clocks go back", True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-09T08:00:00Z", "2026-11-09T10:30:00Z",
         'Design: Mock-ups, "hero" section', True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-09T10:30:00Z", "2026-11-09T11:45:00Z",
         "Development: Café menu: prices in €", True, "import"),
        ("anna", INTERN, ACME, "2026-11-10T08:00:00Z", "2026-11-10T08:30:00Z",
         "Admin: Timesheets", False, "import"),
        # Sixteen hours from 09:00 end at 01:00 the next day.
        ("anna", CAFE, MUELLER, "2026-11-11T08:00:00Z", "2026-11-12T00:00:00Z",
         "Development: Launch marathon", True, "import"),
    ]  # fmt: skip


def test_solidtime_export_as_one_person(catalogue):
    refused = catalogue("import", str(FIXTURES / "solidtime.csv"))
    assert refused.exit_code == 1
    assert "solidtime.csv:2:5: unknown user 'Anna Schröder'" in refused.stderr
    result = run_import(catalogue, "solidtime.csv", "--user", "anna")
    assert (result["format"], result["imported"], result["errors"]) == ("solidtime", 4, [])
    assert imported(catalogue) == [
        # 01:45 CET to 03:15 CEST: half an hour.
        ("anna", CAFE, MUELLER, "2026-03-29T00:45:00Z", "2026-03-29T01:15:00Z",
         "Spring forward", True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-12T08:00:00Z", "2026-11-12T11:00:00Z",
         'Planning: Workshop, "Café" team', True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-12T22:30:00Z", "2026-11-12T23:45:00Z",
         "Night deploy", True, "import"),
        ("anna", INTERN, ACME, "2026-11-13T07:00:00Z", "2026-11-13T07:30:00Z",
         "Reading", False, "import"),
    ]  # fmt: skip


def test_timewarrior_tags_name_the_project(catalogue):
    result = run_import(catalogue, "timewarrior.json")
    assert (result["format"], result["imported"], result["errors"]) == ("timewarrior", 4, [])
    assert imported(catalogue) == [
        ("anna", INTERN, ACME, "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "", False,
         "import"),
        ("anna", INTERN, ACME, "2026-10-25T00:30:00Z", "2026-10-25T02:30:00Z", "DST night",
         False, "import"),
        ("anna", CAFE, MUELLER, "2026-11-16T08:00:00Z", "2026-11-16T09:30:00Z",
         'Kick-off, "quoted"', True, "import"),
        # The project is the second tag; the other tag becomes the description.
        ("anna", CAFE, MUELLER, "2026-11-16T22:30:00Z", "2026-11-17T00:15:00Z", "deploy", True,
         "import"),
    ]  # fmt: skip


def test_timewarrior_without_a_project_tag(org, tmp_path):
    path = tmp_path / "timew.json"
    path.write_text(
        '[\n  {"id": 1, "start": "20261116T080000Z", "end": "20261116T090000Z",\n'
        '   "tags": ["reading", "email"]}\n]\n'
    )
    result = org("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3:4: no tag names a project (tags: reading, email)" in result.stderr


def test_generic_csv(catalogue):
    result = run_import(catalogue, "generic.csv")
    assert (result["format"], result["imported"], result["errors"]) == ("generic", 4, [])
    assert imported(catalogue) == [
        ("anna", INTERN, ACME, "2026-10-24T23:30:00Z", "2026-10-25T01:30:00Z",
         "Clocks go back", False, "import"),
        ("anna", CAFE, MUELLER, "2026-11-16T08:00:00Z", "2026-11-16T09:30:00Z",
         'Kick-off, "hello"', True, "import"),
        ("anna", CAFE, MUELLER, "2026-11-16T21:00:00Z", "2026-11-17T00:30:00Z",
         "Night deploy", True, "import"),
        ("anna", INTERN, ACME, "2026-11-17T13:00:00Z", "2026-11-17T14:15:00Z", "Reading",
         False, "import"),
    ]  # fmt: skip


def test_generic_csv_from_a_spreadsheet(catalogue):
    """Semicolons, a byte-order mark, CRLF, capitalised columns in another order."""
    result = run_import(catalogue, "generic-excel.csv")
    assert (result["format"], result["imported"], result["errors"]) == ("generic", 2, [])
    assert imported(catalogue) == [
        ("anna", CAFE, MUELLER, "2026-11-18T07:00:00Z", "2026-11-18T08:00:00Z",
         'Grüße; und "Zitate"', False, "import"),
        ("anna", INTERN, ACME, "2026-11-18T08:00:00Z", "2026-11-18T08:45:00Z", "=1+1", True,
         "import"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("clockify.csv", "clockify"),
        ("clockify-ambiguous.csv", "clockify"),
        ("toggl.csv", "toggl"),
        ("harvest.csv", "harvest"),
        ("solidtime.csv", "solidtime"),
        ("timewarrior.json", "timewarrior"),
        ("generic.csv", "generic"),
        ("generic-excel.csv", "generic"),
    ],
)
def test_auto_recognises_each_format(name, fmt):
    from tallytui.importers.detect import detect

    assert detect(FIXTURES / name) == fmt


def test_ambiguous_dates_ask_for_a_date_format(catalogue):
    path = str(FIXTURES / "clockify-ambiguous.csv")
    refused = catalogue("import", path)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == (
        f"error: {path}:2:10: the dates can be read as MM/DD/YYYY or DD/MM/YYYY "
        "(e.g. 03/04/2026, and no day in the file is above 12); give --date-format"
    )
    result = catalogue.ok("import", path, "--date-format", "DD/MM/YYYY", "--json").json()
    assert result["imported"] == 2
    assert [e[3] for e in imported(catalogue)] == ["2026-04-03T07:00:00Z", "2026-04-05T07:00:00Z"]


def test_a_chosen_format_that_does_not_fit_names_the_missing_columns(org):
    path = str(FIXTURES / "toggl.csv")
    result = org("import", path, "--format", "harvest")
    assert result.exit_code == 1
    assert f"error: {path}:1:1: a Harvest report needs the column(s) date, hours" in result.stderr


def test_an_unknown_header_asks_for_a_format(org, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("when,what\n2026-11-16,work\n")
    result = org("import", str(path))
    assert result.exit_code == 1
    assert "other.csv:1:1: the header matches none of the known exports" in result.stderr
