"""init, client, project and user commands through the real CLI on a real SQLite file."""

from __future__ import annotations

import os
import stat

import pytest


def test_init_creates_org_and_admin_in_private_file(tally, env):
    result = tally.ok(
        "init",
        "--org",
        "Acme",
        "--code",
        "acme",
        "--currency",
        "chf",
        "--timezone",
        "Europe/Zurich",
    )
    assert "ACME" in result.stdout and "anna is admin" in result.stdout
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
    users = tally.ok("user", "list", "--json").json()
    assert users == [{"name": "anna", "role": "admin", "locked_until": None}]


def test_init_twice_is_refused(org):
    result = org("init", "--org", "Other", "--code", "OTH")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "already has an organisation" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--currency", "EURO"], "not an ISO 4217 code"),
        (["--currency", "ABC"], "not an ISO 4217 code"),
        (["--timezone", "Mars/Olympus"], "not an IANA zone"),
        (["--tax-rate", "1,5"], "use a dot"),
        (["--tax-rate", "NaN"], "not a number"),
        (["--code", "A"], "2 to 10 letters"),
        (["--terms", "-3"], "between 0 and 365"),
    ],
)
def test_init_refuses_bad_input_and_writes_nothing(tally, args, message):
    base = {"--org": "Acme", "--code": "ACME"}
    argv = ["init"]
    for key, value in base.items():
        if key not in args:
            argv += [key, value]
    result = tally("init", *argv[1:], *args)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert message in result.stderr
    assert tally("client", "list").exit_code == 1  # still no organisation


def test_commands_before_init_say_what_to_do(tally):
    result = tally("client", "add", "Globex")
    assert result.exit_code == 1
    assert "tally init" in result.stderr


def test_client_add_and_list_json(org):
    org.ok(
        "client",
        "add",
        "Initech",
        "--currency",
        "usd",
        "--terms",
        "30",
        "--tax-rate",
        "0",
        "--vat-id",
        "US-1",
        "--address",
        "Line 1\\nLine 2",
    )
    clients = {c["name"]: c for c in org.ok("client", "list", "--json").json()}
    assert clients["Initech"] == {
        "name": "Initech",
        "currency": "USD",
        "address": "Line 1\nLine 2",
        "email": "",
        "vat_id": "US-1",
        "terms": 30,
        "tax_rate": "0.00",
        "vat": "standard",
        "exemption_reason": "",
        "archived": False,
        "street": "",
        "postcode": "",
        "city": "",
        "country": "",
        "buyer_reference": "",
        "endpoint": "",
        "einvoice": "none",
        "language": "en",
    }
    # Defaults come from the organisation: EUR, 14 days, 19 %.
    assert clients["Globex"]["currency"] == "EUR"
    assert clients["Globex"]["terms"] == 14
    assert clients["Globex"]["tax_rate"] == "19.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Globex"], "exists already"),
        (["  "], "a name is required"),
        (["Umbrella", "--currency", "XYZ"], "not an ISO 4217 code"),
        (["Umbrella", "--tax-rate", "-0"], "negative zero"),
        (["Umbrella", "--tax-rate", "1e3"], "not a number"),
    ],
)
def test_client_add_refusals_change_nothing(org, args, message):
    before = org.ok("client", "list", "--json").json()
    result = org("client", "add", *args)
    assert result.exit_code == 1 and message in result.stderr
    assert org.ok("client", "list", "--json").json() == before


def test_client_set_changes_details(org):
    org.ok("client", "set", "Globex", "--name", "Globex Corp", "--terms", "45")
    [client] = org.ok("client", "list", "--json").json()
    assert client["name"] == "Globex Corp" and client["terms"] == 45
    assert org.ok("project", "list", "--json").json()[0]["client"] == "Globex Corp"


def test_project_add_json_shape(org, tmp_path):
    folder = tmp_path / "src" / "shop"
    folder.mkdir(parents=True)
    org.ok("user", "add", "bea", "--role", "approver")
    org.ok(
        "project",
        "add",
        "Shop",
        "--client",
        "Globex",
        "--rate",
        "120.50",
        "--schedule",
        "every:2:weeks",
        "--schedule-start",
        "2026-01-05",
        "--watch",
        str(folder),
        "--url",
        "https://GitHub.com/globex/shop/*",
        "--approval",
        "--approver",
        "bea",
        "--round",
        "15:up",
    )
    shop = {p["name"]: p for p in org.ok("project", "list", "--json").json()}["Shop"]
    assert shop == {
        "name": "Shop",
        "client": "Globex",
        "currency": "EUR",
        "rate": "120.50",
        "rates": [{"from": None, "rate": "120.50"}],
        "billable": True,
        "schedule": "biweekly",
        "schedule_start": "2026-01-05",
        "approval": True,
        "approver": "bea",
        "owner": "anna",
        "round": "15:up",
        "watch": [str(folder)],
        "urls": ["github.com/globex/shop/*"],
        "archived": False,
    }


def test_schedule_defaults_to_a_natural_anchor(org):
    org.ok("project", "add", "Weekly", "--client", "Globex", "--schedule", "weekly")
    projects = {p["name"]: p for p in org.ok("project", "list", "--json").json()}
    assert projects["Weekly"]["schedule_start"] == "2026-11-16"  # Monday of TALLY_NOW's week
    assert projects["Web"]["schedule_start"] == "2026-11-01"  # first of the month


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Web", "--client", "Globex"], "exists already"),
        (["Api", "--client", "Nobody"], "unknown client 'Nobody' (known: Globex)"),
        (["Api", "--client", "Globex", "--rate", "1,5"], "--rate: '1,5' is not a number"),
        (["Api", "--client", "Globex", "--rate", "NaN"], "not a number"),
        (["Api", "--client", "Globex", "--rate", "-0"], "negative zero"),
        (["Api", "--client", "Globex", "--rate", "-5"], "must not be negative"),
        (["Api", "--client", "Globex", "--rate", "1e3"], "not a number"),
        (["Api", "--client", "Globex", "--rate", "10.123"], "more decimals than EUR"),
        (["Api", "--client", "Globex", "--schedule", "fortnightly"], "is not one of"),
        (["Api", "--client", "Globex", "--round", "15:sideways"], "N:up"),
        (["Api", "--client", "Globex", "--approver", "ghost"], "unknown user 'ghost'"),
    ],
)
def test_project_add_refusals_change_nothing(org, args, message):
    before = org.ok("project", "list", "--json").json()
    result = org("project", "add", *args)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr
    assert org.ok("project", "list", "--json").json() == before


def test_rate_change_applies_from_its_date(org):
    result = org.ok("project", "set", "Web", "--rate", "110", "--from", "2026-12-01")
    assert "110.00 EUR/h from 2026-12-01" in result.stdout
    [web] = org.ok("project", "list", "--json").json()
    assert web["rates"] == [
        {"from": None, "rate": "95.00"},
        {"from": "2026-12-01", "rate": "110.00"},
    ]
    assert web["rate"] == "95.00"  # TALLY_NOW is in November: the old rate is in force


def test_rate_change_without_date_applies_from_today(org):
    org.ok("project", "set", "Web", "--rate", "99")
    [web] = org.ok("project", "list", "--json").json()
    assert web["rates"][-1] == {"from": "2026-11-20", "rate": "99.00"}
    assert web["rate"] == "99.00"


def test_first_rate_of_a_project_covers_all_its_time(org):
    org.ok("project", "add", "Later", "--client", "Globex")
    org.ok("project", "set", "Later", "--rate", "80")
    later = {p["name"]: p for p in org.ok("project", "list", "--json").json()}["Later"]
    assert later["rates"] == [{"from": None, "rate": "80.00"}]


def test_from_without_rate_is_refused(org):
    result = org("project", "set", "Web", "--from", "2026-12-01")
    assert result.exit_code == 1 and "--rate" in result.stderr


def test_watch_folder_belongs_to_one_project(org, tmp_path):
    org.ok("project", "set", "Web", "--watch", str(tmp_path))
    org.ok("project", "add", "Other", "--client", "Globex")
    result = org("project", "set", "Other", "--watch", str(tmp_path))
    assert result.exit_code == 1 and "watched for project 'Web'" in result.stderr
    org.ok("project", "set", "Web", "--unwatch", str(tmp_path))
    org.ok("project", "set", "Other", "--watch", str(tmp_path))


def test_user_add_refuses_duplicates_and_bad_names(org):
    org.ok("user", "add", "ben")
    assert "exists already" in org("user", "add", "ben").stderr
    assert "not a user name" in org("user", "add", "ben smith").stderr
    assert org("user", "add", "x", "--role", "boss").exit_code == 2


def test_help_is_usage_exit_code_two(tally):
    assert tally("entry", "add").exit_code == 2
    assert "Usage" in tally.ok("--help").stdout


def test_backup_is_a_private_consistent_copy(org, tmp_path, monkeypatch):
    org.ok(
        "entry",
        "add",
        "--project",
        "Web",
        "--start",
        "2026-11-18 09:00",
        "--end",
        "2026-11-18 10:00",
    )
    copy = tmp_path / "copies" / "tally-backup.db"
    assert "backed up" in org.ok("backup", str(copy)).stdout
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    monkeypatch.setenv("TALLY_DB", str(copy))
    assert [e["project"] for e in org.ok("entry", "list", "--json").json()] == ["Web"]
    result = org("backup", str(copy))
    assert result.exit_code == 1 and "exists already" in result.stderr


@pytest.mark.parametrize(
    "command",
    [("client", "list"), ("timesheet", "lock", "--until", "2026-11-01"), ("backup", "x")],
)
def test_a_mistyped_db_is_refused_and_never_created(org, tmp_path, command):
    """Only init and demo create a database: any other command names the missing file."""
    typo = tmp_path / "tally.bd"
    result = org("--db", str(typo), *command)
    assert result.exit_code == 1
    assert result.stderr == f"error: no database at {typo}: `tally init` creates one\n"
    assert not typo.exists()


def test_init_and_demo_create_their_database(tally, tmp_path):
    fresh = tmp_path / "new" / "tally.db"
    tally.ok("--db", str(fresh), "init", "--org", "Acme", "--code", "ACME")
    assert tally.ok("--db", str(fresh), "user", "list", "--json").json()[0]["name"] == "anna"
    demo = tmp_path / "demo.db"
    tally.ok("demo", "--db", str(demo))
    assert demo.is_file()


def test_the_interface_refuses_a_missing_database_before_it_starts(tally, tmp_path):
    typo = tmp_path / "tally.bd"
    result = tally("--db", str(typo))
    assert result.exit_code == 1
    assert result.stderr == f"error: no database at {typo}: `tally init` creates one\n"
    assert not typo.exists()
