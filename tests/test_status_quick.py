"""``tally status`` for shell prompts: the quick path (cli/quick_status.py, sqlite3 alone)
prints exactly what the full command prints, loads none of click, peewee, pendulum or
textual, and steps aside for anything it is not sure of."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from test_cli_start import VARIABLES, WORDS, click_reads

from tallytui.cli import quick_status

HEAVY = ("click", "peewee", "pendulum", "textual", "platformdirs")


def quick(*argv: str) -> str | None:
    printed = quick_status.answer(list(argv), os.environ)
    return None if printed is None else printed + "\n"


def both(tally, *argv: str) -> tuple[str | None, str]:
    """What the quick path prints, and what the click command prints."""
    return quick(*argv), tally.ok(*argv).stdout


@pytest.mark.parametrize("flags", [(), ("--json",)])
def test_the_quick_path_prints_what_the_command_prints(org, env, flags):
    org.ok("user", "add", "bob")
    assert len({*both(org, "status", *flags)}) == 1
    org.ok("start", "Web", "--at", "2026-11-19 21:15", "--description", 'Ünïcode "quoted" \\ \t')
    for argv in (
        ["status", *flags],
        ["--user", "anna", "status", *flags],
        ["--db", str(env), "status", *flags],
        [f"--db={env}", "--user=bob", "status", *flags],
    ):
        fast, full = both(org, *argv)
        assert fast == full, argv
    anna = org.ok("status", *flags).stdout
    if flags:
        assert json.loads(anna)["seconds"] == 12 * 3600 + 45 * 60
    else:
        assert anna == "Web 12:45 since Thu 21:15\n"


def test_the_json_is_what_json_dumps_writes(org):
    org.ok("start", "Web", "--at", "09:00", "--description", 'tab\there "q" é ☃ \\ \x01')
    printed = quick("status", "--json")
    assert printed == json.dumps(json.loads(printed), ensure_ascii=False, indent=2) + "\n"


def test_the_console_script_answers_without_the_heavy_packages(org):
    org.ok("start", "Web", "--at", "09:00")
    script = (
        "import sys; sys.argv = ['tally', 'status']\n"
        "from tallytui.cli import main\n"
        "main()\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == "Web 1:00 since 09:00\n[]\n"


@given(st.lists(WORDS, max_size=4), st.sampled_from([[], ["--json"]]), VARIABLES)
@example([], [], {})
@example(["--db", "a.db", "--user=anna"], ["--json"], {"TALLY_USER": "bob"})
@example(["--db=a.db", "--db", "anna"], [], {"TALLY_DB": "env.db", "TALLY_USER": ""})
def test_the_quick_path_reads_the_options_as_click_reads_them(words, flags, environ):
    argv = [*words, "status", *flags]
    parsed = quick_status._arguments(argv, environ)
    if parsed is None:
        return  # the full command reads these
    values, as_json = parsed
    db_url, user_name, command = click_reads(argv, environ)
    assert (values["--db"], values["--user"]) == (db_url, user_name)
    assert command == ["status", *flags] and as_json == bool(flags)


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--verbose"],
        ["--db", "postgresql://tally@localhost/tally", "status"],
        ["--db", "/nowhere/tally.db", "status"],
        ["--user", "nobody", "status"],
        ["--user", "", "status"],
        ["entry", "status"],
    ],
)
def test_anything_unusual_goes_to_the_full_command(org, argv):
    assert quick(*argv) is None


def test_an_older_schema_goes_to_the_full_command_which_upgrades_it(org, env):
    with sqlite3.connect(env) as connection:
        connection.execute(
            "DELETE FROM schema_migration"
            " WHERE version = (SELECT MAX(version) FROM schema_migration)"
        )
    assert quick("status") is None


def test_a_clock_it_cannot_read_goes_to_the_full_command(org, monkeypatch):
    monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:00:00.5+01:00")
    assert quick("status") is None
    monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:00:00")
    assert quick("status") is None
