"""How `tally` starts: alone, or with only --db and --user, it opens the terminal interface
without click; everything else goes through the click group. Both read the global options
the same way, and both refuse a bad start with one ``error:`` line."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from unittest import mock

import click
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tallytui.cli.root import cli
from tallytui.cli.tui import tui_settings

WORDS = st.sampled_from(
    [
        "--db",
        "--user",
        "--db=a.db",
        "--user=anna",
        "--user=a=b",
        "--db=",
        "a.db",
        "anna",
        "-x",
        "--",
        "",
        "--help",
        "-h",
        "--version",
        "--dbx",
        "init",
        "entry",
    ]
)
VARIABLES = st.fixed_dictionaries(
    {},
    optional={
        "TALLY_DB": st.sampled_from(["", "env.db"]),
        "TALLY_USER": st.sampled_from(["", "bob"]),
    },
)


def click_reads(argv: list[str], environ: dict[str, str]):
    """What the click group reads from ``argv``: its two options and any command after."""
    with mock.patch.dict(os.environ, environ, clear=True):
        context = cli.make_context("tally", list(argv))
    with warnings.catch_warnings():  # click 9 moves the command from protected_args to args
        warnings.simplefilter("ignore", DeprecationWarning)
        rest = [*context.protected_args, *context.args]
    return context.params["db_url"], context.params["user_name"], rest


@given(st.lists(WORDS, max_size=5), VARIABLES)
@example([], {})
@example(["--db", "a.db", "--user", "anna"], {"TALLY_USER": "bob"})
@example(["--db=a.db", "--db", "anna"], {"TALLY_DB": "env.db"})
def test_without_click_the_options_read_as_click_reads_them(argv, environ):
    settings = tui_settings(argv, environ)
    if settings is None:
        return  # click reads these (a command, help, a slip); nothing to compare
    db_url, user_name, command = click_reads(argv, environ)
    assert (settings.db_url, settings.user_name) == (db_url, user_name)
    assert command == []


def test_anything_but_the_two_options_goes_to_click():
    for argv in (["init"], ["--help"], ["--version"], ["--db"], ["--db", "--user"], ["--dbx=1"]):
        assert tui_settings(argv, {}) is None, argv
    assert tui_settings([], {}) is not None


def test_click_would_take_what_the_interface_leaves_to_it():
    """The words left to click are real usage there, not words the interface misread."""
    assert click_reads(["--db", "-x"], {})[0] == "-x"
    with pytest.raises(click.UsageError, match="requires an argument"):
        click_reads(["--db"], {})


def start(*args: str, **environ: str) -> subprocess.CompletedProcess:
    """The console script's entry point in a fresh interpreter, with ``click`` reported if
    it was imported. The interface runs headless (it draws on standard error otherwise)
    and stays open until something ends it."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('click' in sys.modules, file=sys.stderr))\n"
        "from functools import partialmethod\n"
        "from textual.app import App\n"
        "App.run = partialmethod(App.run, headless=True)\n"
        "from tallytui.cli import main\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **environ},
    )


def test_an_unknown_user_ends_the_interface_with_one_error_line(org):
    """The database is opened after the first frame; an unknown user closes the interface
    again, and the refusal is the only thing said."""
    refused = start("--db", os.environ["TALLY_DB"], "--user", "ghost")
    assert refused.returncode == 1
    error, click_loaded = refused.stderr.splitlines()
    assert error.startswith("error: unknown user 'ghost'")
    assert click_loaded == "False"


def test_a_database_that_cannot_be_read_is_one_error_line(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_text("this is not a database")
    refused = start(TALLY_DB=str(broken), TALLY_USER="anna")
    assert refused.returncode == 1
    error, click_loaded = refused.stderr.splitlines()
    assert error == f"error: cannot open the database {broken}: file is not a database"
    assert click_loaded == "False"


def test_a_missing_database_file_is_one_error_line_and_stays_missing(tmp_path):
    """Only `tally init` creates a database: the interface never makes an empty one."""
    missing = tmp_path / "tally.db"
    refused = start(TALLY_DB=str(missing), TALLY_USER="anna")
    assert refused.returncode == 1
    error, click_loaded = refused.stderr.splitlines()
    assert error == f"error: no database at {missing}: `tally init` creates one"
    assert click_loaded == "False"
    assert not missing.exists()


def test_commands_and_usage_errors_still_go_through_click(org):
    listed = start("client", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"name": "Globex"' in listed.stdout
    assert listed.stderr.splitlines() == ["True"]
    misused = start("--db")
    assert misused.returncode == 2
    assert "Option '--db' requires an argument" in misused.stderr


def test_a_team_database_without_psycopg_is_one_error_line():
    """psycopg is an extra (tallytui[postgres]); without it a postgresql:// URL says so."""
    script = (
        "import sys; sys.modules['psycopg'] = None; "
        "sys.argv = ['tally', '--db', 'postgresql://bob:secret@127.0.0.1:1/team', "
        "'entry', 'list']; from tallytui.cli import main; main()"
    )
    refused = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "error: PostgreSQL needs the psycopg package: pip install 'tallytui[postgres]'"
    ]
