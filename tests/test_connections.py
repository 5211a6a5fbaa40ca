"""Connecting to a team database: libpq's own ways of giving the password (``~/.pgpass``,
``PGPASSWORD``, a service file) and TLS work, and a password written in the URL never
shows in an error, the interface or JSON. Against the test PostgreSQL server, logged in
as the one role there that must give a password."""

from __future__ import annotations

import pytest
from peewee import OperationalError
from tui_waiting import settle

from tallytui.domain.errors import TallyError
from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.store.postgres import TeamDatabase
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session

PASSWORD = "Kq7-wire-horse"
WRONG = "Zr4-not-it"


@pytest.fixture
def login(pg_server, env, monkeypatch, tmp_path):
    """(URL without a password, role): libpq's environment cleared, so only what a test
    sets can give the password; the database is empty."""
    for name in ("PGPASSWORD", "PGSERVICE", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "no-services"))
    pg_server.fresh_database()
    role = pg_server.password_login(PASSWORD)
    monkeypatch.setenv("TALLY_USER", role)
    return f"postgresql://{role}@127.0.0.1:{pg_server.port}/tally_test", role


def with_password(url: str, role: str, password: str) -> str:
    return url.replace(f"//{role}@", f"//{role}:{password}@")


def logged_in_as(url: str) -> str:
    handle = open_database(url)
    try:
        return handle.execute_sql("SELECT session_user").fetchone()[0]
    finally:
        handle.close()


def test_without_a_password_the_login_is_refused(login):
    """The control for the tests below: the role really must give its password."""
    url, _ = login
    with pytest.raises(TallyError, match="password"):
        open_database(url)


def test_a_pgpass_file_gives_the_password(login, tmp_path, monkeypatch, pg_server):
    url, role = login
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:tally_test:{role}:{PASSWORD}\n")
    pgpass.chmod(0o600)  # libpq ignores a file others may read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert logged_in_as(url) == role


def test_pgpassword_gives_the_password(login, monkeypatch):
    url, role = login
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert logged_in_as(url) == role


@pytest.mark.parametrize("named", ["in the URL", "by PGSERVICE"])
def test_a_service_names_the_server(login, tmp_path, monkeypatch, pg_server, named):
    """``postgresql:///?service=team``, or a bare ``postgresql://`` with ``PGSERVICE``:
    host, port, database, user and password all come from the service file."""
    _, role = login
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[team]\nhost=127.0.0.1\nport={pg_server.port}\ndbname=tally_test\n"
        f"user={role}\npassword={PASSWORD}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    if named == "by PGSERVICE":
        monkeypatch.setenv("PGSERVICE", "team")
        url = "postgresql://"
    else:
        url = "postgresql:///?service=team"
    assert logged_in_as(url) == role


def test_tls_with_verify_full_checks_the_server_against_the_named_root(login, pg_server):
    """``sslmode=verify-full&sslrootcert=…`` reach libpq unchanged: the server's
    certificate is checked against that root, and a root that does not exist is an
    error naming it."""
    url, role = login
    with pg_server.tls() as ca:
        secure = with_password(url, role, PASSWORD) + f"?sslmode=verify-full&sslrootcert={ca}"
        handle = open_database(secure)
        try:
            encrypted = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            assert handle.execute_sql(encrypted).fetchone() == (True,)
        finally:
            handle.close()
        missing = secure.replace(str(ca), str(ca.with_name("elsewhere.pem")))
        with pytest.raises(TallyError, match="elsewhere.pem"):
            open_database(missing)


@pytest.mark.parametrize("command", [("entry", "list"), ()], ids=["a command", "the interface"])
def test_a_wrong_password_in_the_url_is_one_line_without_it(login, tally, command):
    url, role = login
    for wrong in (
        with_password(url, role, WRONG),
        with_password(url, role, f"{WRONG}%zz"),  # libpq quotes a bad escape back
        f"{url}?password={WRONG}",
    ):
        result = tally("--db", wrong, *command)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("error: cannot open the database postgresql://quinn")
        assert WRONG not in result.stderr and "***" in result.stderr, result.stderr


def test_a_bare_at_in_the_password_is_refused_before_libpq_quotes_it(login, tally):
    """libpq ends the password at its first @ and would name the rest as the host."""
    url, role = login
    result = tally("--db", with_password(url, role, f"a@{WRONG}"), "entry", "list")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot open the database postgresql://{role}:***@127.0.0.1:"
        f"{url.split(':')[2].split('/')[0]}/tally_test: write an @ in the password as %40\n"
    )


def test_every_connection_hides_the_password_not_only_the_first(login):
    """The interface's workers connect again and again: each failure is as discreet."""
    url, role = login
    database = TeamDatabase(with_password(url, role, WRONG))
    with pytest.raises(OperationalError) as refused:
        database.connect()
    assert "password authentication failed" in str(refused.value)
    assert WRONG not in str(refused.value)


def test_commands_on_a_url_with_a_password_never_print_it(login, tally, tmp_path):
    url, role = login
    secret = with_password(url, role, PASSWORD)
    tally.ok("--db", secret, "init", "--org", "Acme", "--code", "ACME")
    outputs = [
        tally.ok("--db", secret, *args)
        for args in (("org", "show", "--json"), ("invoicing", "--json"), ("entry", "list"))
    ]
    refused = tally("--db", secret, "backup", str(tmp_path / "copy.db"))
    assert refused.exit_code == 1
    for result in [*outputs, refused]:
        assert PASSWORD not in result.stdout + result.stderr


async def test_the_interface_names_the_database_without_the_password(login):
    url, role = login
    secret = with_password(url, role, PASSWORD)
    open_database(secret)
    from tallytui.services import org

    org.init(org.OrgSettings(name="Acme", code="ACME", address="Hauptstr. 1"), role)
    db.close()
    app = TallyApp(Session(role, secret), "Europe/Berlin")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        line = str(app.screen.query_one("StatusLine").render())
        assert f"postgresql://{role}:***@127.0.0.1" in line, line
        assert PASSWORD not in line
