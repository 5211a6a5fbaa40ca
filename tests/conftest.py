"""Shared fixtures: a real SQLite file per test, a frozen clock and an acting user; and for
team mode a real PostgreSQL server per test process, with a fresh database per test."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from pg_server import Server, ServerError

from tallytui.cli.root import cli
from tallytui.store.db import open_database
from tallytui.store.models import db

NOW = "2026-11-20T10:00:00+01:00"  # a Friday, Europe/Berlin


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Clock, acting user and database path as the CLI reads them."""
    path = tmp_path / "tally.db"
    monkeypatch.setenv("TALLY_NOW", NOW)
    monkeypatch.setenv("TALLY_USER", "anna")
    monkeypatch.setenv("TALLY_DB", str(path))
    yield path
    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server per test process (each xdist worker has its own)."""
    try:
        server = Server().start()
    except (ServerError, OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"PostgreSQL could not be started for the team-mode tests: {exc}", False)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, env, monkeypatch) -> str:
    """The URL of the database the test runs on, which ``TALLY_DB`` names too: the SQLite
    file of ``env``, or the emptied database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return str(env)
    url = request.getfixturevalue("pg_server").fresh_database()
    monkeypatch.setenv("TALLY_DB", url)
    return url


@pytest.fixture
def database(env):
    """An opened, migrated, empty database (no organisation)."""
    handle = open_database(str(env))
    yield handle
    handle.close()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


class Tally:
    """Runs ``tally`` commands in-process through click's runner."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        outcome = self.runner.invoke(cli, list(args), input=stdin, catch_exceptions=False)
        if not db.is_closed():
            db.close()
        return Result(outcome.exit_code, outcome.stdout, outcome.stderr)

    def ok(self, *args: str, stdin: str | None = None) -> Result:
        result = self(*args, stdin=stdin)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result


@pytest.fixture
def tally(env) -> Tally:
    return Tally()


@pytest.fixture
def org(tally) -> Tally:
    """An organisation (Europe/Berlin, EUR, 19 % tax) with one client and one project."""
    tally.ok(
        "init",
        "--org",
        "Acme Consulting",
        "--code",
        "ACME",
        "--tax-rate",
        "19",
        "--address",
        "Hauptstr. 1\\n10115 Berlin",
        "--vat-id",
        "DE136695976",
        "--iban",
        "DE89370400440532013000",
    )
    tally.ok("client", "add", "Globex", "--address", "1 Main St", "--email", "ap@globex.test")
    tally.ok("project", "add", "Web", "--client", "Globex", "--rate", "95", "--schedule", "monthly")
    return tally
