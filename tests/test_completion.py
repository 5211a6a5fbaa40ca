"""Shell completion through click's own hook (``_TALLY_COMPLETE``), run as the shells run
it: a real process with ``COMP_WORDS`` and ``COMP_CWORD``. ``tally`` without a command
would open the interface; with the variable set it prints the script or the values, and
never creates a database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def hook(mode: str, words: str = "", env: dict[str, str] | None = None) -> str:
    """What the completion hook prints for the command line ``words`` (the last word being
    completed, empty after a trailing space)."""
    parts = words.split(" ")
    variables = os.environ | (env or {}) | {"_TALLY_COMPLETE": mode}
    if words:
        variables |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    done = subprocess.run(
        [sys.executable, "-m", "tallytui"],
        env=variables,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def values(words: str, env: dict[str, str] | None = None) -> list[str]:
    lines = hook("bash_complete", words, env).splitlines()
    return [line.split(",", 1)[1] for line in lines if line]  # none: one empty line


@pytest.fixture
def named(org):
    org.ok("project", "add", "Ops", "--client", "Globex")
    org.ok("client", "add", "Initech")
    org.ok("user", "add", "bob")
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Workshop|1|800")
    return org


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef tally"), ("fish", "complete")],
)
def test_the_hook_prints_each_shells_script_and_creates_no_database(
    tmp_path, monkeypatch, shell, marker
):
    home = tmp_path / "home"
    monkeypatch.delenv("TALLY_DB", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    script = hook(f"{shell}_source", env={"HOME": str(home)})
    assert marker in script and "_TALLY_COMPLETE" in script
    assert not home.exists()


def test_project_names_complete_the_timer_and_project_options(named):
    assert values("tally start ") == ["Ops", "Web"]
    assert values("tally start W") == ["Web"]
    assert values("tally entry add --project O") == ["Ops"]
    assert values("tally project set ") == ["Ops", "Web"]


def test_client_user_and_invoice_values(named):
    assert values("tally entry list --client ") == ["Globex", "Initech"]
    assert values("tally --user ") == ["anna", "bob"]
    assert values("tally entry list --user b") == ["bob"]
    [number] = values("tally invoice show ")
    assert number.startswith("ACME-2026")
    assert values("tally client add ") == []  # a new name: nothing to offer


def test_the_database_on_the_command_line_is_the_one_read(named, env, tmp_path):
    words = f"tally --db {env} start "
    assert values(words, {"TALLY_DB": str(tmp_path / "elsewhere.db")}) == ["Ops", "Web"]


def test_a_missing_database_completes_nothing_and_is_not_created(tmp_path):
    missing = tmp_path / "missing.db"
    assert values("tally start ", {"TALLY_DB": str(missing)}) == []
    assert not missing.exists()
