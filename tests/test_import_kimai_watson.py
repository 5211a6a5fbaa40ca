"""Kimai's and Watson's exports, read from fixtures written to their documented columns:
the same nine entries in each, with non-ASCII names, one entry across midnight and one
across the October DST change (Europe/Berlin), and the exact totals."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path

import pytest
from test_import_formats import ACME, CAFE, FIXTURES, INTERN, MUELLER, imported, run_import

from tallytui.importers.detect import detect

SPANS = [
    (INTERN, ACME, "2026-10-24T23:30:00Z", "2026-10-25T02:30:00Z"),  # 01:30 CEST–03:30 CET
    (CAFE, MUELLER, "2026-11-02T08:00:00Z", "2026-11-02T09:30:00Z"),
    (CAFE, MUELLER, "2026-11-02T21:30:00Z", "2026-11-03T00:15:00Z"),  # across midnight
    (INTERN, ACME, "2026-11-03T13:00:00Z", "2026-11-03T14:00:00Z"),
    (CAFE, MUELLER, "2026-11-04T07:00:00Z", "2026-11-04T07:45:00Z"),
    (CAFE, MUELLER, "2026-11-04T08:00:00Z", "2026-11-04T11:00:00Z"),
    (INTERN, ACME, "2026-11-05T12:15:00Z", "2026-11-05T13:00:00Z"),
    (CAFE, MUELLER, "2026-11-05T15:00:00Z", "2026-11-05T16:30:00Z"),
    (INTERN, ACME, "2026-11-06T09:00:00Z", "2026-11-06T09:30:00Z"),
]
TOTALS = [
    {"client": ACME, "project": INTERN, "entries": 4, "hours": "5.25"},
    {"client": MUELLER, "project": CAFE, "entries": 5, "hours": "9.50"},
]
KIMAI_DESCRIPTIONS = [
    "Betrieb: Clocks go back",
    'Planung: Kick-off, with "coffee"',
    "Deployment: Deploy — night shift",
    "Meeting: Weekly sync",
    "Text: Grüße an Jürgen",
    "Entwicklung: Menü: Preise in €",
    "Lesen: Reading",
    "Entwicklung: Überarbeitung",
    "Verwaltung: Expenses & receipts",
]
WATSON_TAGS = [
    "Zeitumstellung",
    "kick-off, Kaffee",
    "deploy, Nachtschicht",
    "sync",
    "Grüße",
    "Menü, €",
    "reading",
    "Überarbeitung",
    "admin, Belege",
]


def expected(descriptions: list[str]) -> list[tuple]:
    return [
        ("anna", project, client, start, end, text, project == CAFE, "import")
        for (project, client, start, end), text in zip(SPANS, descriptions, strict=True)
    ]


@pytest.fixture
def catalogue(org):
    org.ok("client", "add", MUELLER)
    org.ok("client", "add", ACME)
    org.ok("project", "add", CAFE, "--client", MUELLER, "--rate", "95")
    org.ok("project", "add", INTERN, "--client", ACME, "--non-billable")
    return org


def kimai_xlsx(folder: Path) -> Path:
    """kimai.csv as Kimai's Excel export holds it: real dates and times, numbers and
    booleans in the cells, a totals row under the entries."""
    from openpyxl import Workbook

    with open(FIXTURES / "kimai.csv", encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Export")
    sheet.append(header)
    typed = {
        "Date": date.fromisoformat,
        "From": time.fromisoformat,
        "To": time.fromisoformat,
        "Duration": float,
        "Billable": lambda v: v == "1",
        "Exported": lambda v: v == "1",
    }
    for row in rows:
        cells = zip(header, row, strict=True)
        sheet.append([typed.get(h, str)(v) if v else None for h, v in cells])
    sheet.append([None, None, None, 14.75])
    path = folder / "kimai.xlsx"
    book.save(path)
    return path


def test_kimai_csv(catalogue):
    result = run_import(catalogue, "kimai.csv")
    assert (result["format"], result["rows"], result["imported"]) == ("kimai", 9, 9)
    assert (result["errors"], result["totals"]) == ([], TOTALS)
    assert imported(catalogue) == expected(KIMAI_DESCRIPTIONS)


def test_kimai_xlsx(catalogue, tmp_path):
    path = kimai_xlsx(tmp_path)
    assert detect(path) == "kimai"
    result = catalogue.ok("import", str(path), "--json").json()
    assert (result["format"], result["rows"], result["imported"]) == ("kimai", 9, 9)
    assert (result["errors"], result["totals"]) == ([], TOTALS)
    assert imported(catalogue) == expected(KIMAI_DESCRIPTIONS)


@pytest.mark.parametrize("name", ["watson-log.json", "watson-log.csv", "watson-frames"])
def test_watson(catalogue, name):
    assert detect(FIXTURES / name) == "watson"
    result = run_import(catalogue, name)
    assert (result["format"], result["rows"], result["imported"]) == ("watson", 9, 9)
    assert (result["errors"], result["totals"]) == ([], TOTALS)
    assert imported(catalogue) == expected(WATSON_TAGS)


def test_watson_projects_get_a_client_from_the_command_line(org):
    result = org("import", str(FIXTURES / "watson-log.json"), "--create-missing")
    assert result.exit_code == 1
    path = FIXTURES / "watson-log.json"
    assert result.stderr.splitlines()[:2] == [
        f"error: {path}:4:9: unknown project 'Intern' has no client in the file; give "
        "--client NAME to put projects without one under that client (4 rows)",
        f"error: {path}:13:9: unknown project 'Café Relaunch' has no client in the file; give "
        "--client NAME to put projects without one under that client (5 rows)",
    ]
    done = run_import(org, "watson-log.json", "--create-missing", "--client", "Zürich AG")
    assert done["created"] == {"clients": ["Zürich AG"], "projects": [INTERN, CAFE]}
    assert [t["client"] for t in done["totals"]] == ["Zürich AG", "Zürich AG"]
    assert done["imported"] == 9


def test_kimai_xlsx_problems_point_at_the_cell(org, env, tmp_path):
    from openpyxl import Workbook

    from tallytui.store.db import open_database
    from tallytui.store.models import TimeEntry

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Export")
    sheet.append(["Date", "From", "To", "Duration", "Customer", "Project", "User"])
    sheet.append([date(2026, 11, 16), time(9), time(10), 1.0, "Globex", "Web", "anna"])
    sheet.append([date(2026, 11, 16), "11 Uhr", time(12), 1.0, "Globex", "Web", "anna"])
    sheet.append([date(2026, 11, 16), time(13), time(13), 0.0, "Globex", "Web", "anna"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = org("import", str(path), "--json")
    assert result.exit_code == 1
    body = result.json()
    assert body["errors"] == [
        {"line": 3, "column": 2, "message": "From: '11 Uhr' is not a time (HH:MM or HH:MM:SS)"}
    ]
    assert (body["rows"], body["skipped_empty"]) == (3, 1)
    database = open_database(str(env))
    assert TimeEntry.select().count() == 0
    database.close()


def test_a_damaged_workbook_is_one_problem(org, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = org("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}:1:1: not a readable XLSX workbook (")
