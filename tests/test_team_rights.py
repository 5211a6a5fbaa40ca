"""Team mode's rights, held by PostgreSQL itself: each person logs in as themselves, and
the server refuses what their role may not do, whether the request comes from ``tally``,
from ``psycopg`` or from ``psql``.

Roles belong to the whole test server, so every team here has logins of its own names.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from pg_server import Server
from team_setup import login_url

from tallytui.domain.localtime import parse_instant
from tallytui.services import approvals, clients, entries, org, projects, timesheets, users
from tallytui.services.approvals import Scope
from tallytui.store.changes import PostgresChanges
from tallytui.store.db import open_database
from tallytui.store.migrate import available, current_version, migrate


def at(text: str) -> int:
    return parse_instant(text, "Europe/Berlin")


@dataclass
class Team:
    url: str
    name: dict[str, str]  # ada, ava, cole, dina, fin -> their login names here
    entry: dict[str, int]  # what each entry is -> its id

    def connect(self, who: str) -> psycopg.Connection:
        return psycopg.connect(login_url(self.url, self.name[who]), autocommit=True)

    def id(self, who: str) -> int:
        with psycopg.connect(self.url) as conn:
            query = "SELECT id FROM app_user WHERE name = %s"
            return conn.execute(query, (self.name[who],)).fetchone()[0]

    def superuser(self, query: str, params=None):
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []


def tagged(*names: str) -> dict[str, str]:
    tag = uuid.uuid4().hex[:6]
    return {name: f"{name}_{tag}" for name in names}


@pytest.fixture
def team(pg_server, env, monkeypatch) -> Team:
    """ada (admin), ava (approver of Web), cole and dina (consultants), fin (finance).
    cole's 2 November is locked and approved, his 3 November open; dina's 2 November is
    locked (not yet approved); ava has time of her own on Web, locked; fin locked her
    (empty) timesheet too."""
    url = pg_server.fresh_database()
    monkeypatch.setenv("TALLY_DB", url)
    monkeypatch.delenv("TALLY_USER")
    n = tagged("ada", "ava", "cole", "dina", "fin")
    handle = open_database(url)
    org.init(org.OrgSettings(name="Acme", code="ACME", address="Hauptstr. 1"), n["ada"])
    for who, role in (("ava", "approver"), ("cole", "consultant"), ("dina", "consultant")):
        users.add(n["ada"], n[who], role)
    users.add(n["ada"], n["fin"], "finance")
    clients.add(n["ada"], clients.ClientChanges(name="Globex", address="1 Main St"))
    projects.add(
        n["ada"],
        projects.ProjectChanges(
            name="Web", client="Globex", rate=Decimal("100"), approval_required=True,
            approver=n["ava"],
        ),
    )  # fmt: skip

    def add(who: str, day: int) -> int:
        span = entries.NewEntry("Web", at(f"2026-11-0{day} 09:00"), at(f"2026-11-0{day} 11:00"))
        return entries.add(n[who], span).id

    ids = {
        "cole approved": add("cole", 2),
        "cole open": add("cole", 3),
        "dina locked": add("dina", 2),
        "ava locked": add("ava", 2),
    }
    for who in ("cole", "dina", "ava", "fin"):
        timesheets.lock(n[who], date(2026, 11, 2))
    approvals.approve(n["ava"], Scope(user=n["cole"], project="Web", last=date(2026, 11, 2)))
    handle.close()
    return Team(url, n, ids)


# --------------------------------------------------------------------------------------
# Direct SQL as each login: the server refuses
# --------------------------------------------------------------------------------------

REFUSED = [
    (
        "cole",
        "insert an entry in dina's name",
        "INSERT INTO time_entry (user_id, project_id, start_utc, end_utc, source, created_at, "
        "updated_at) SELECT {dina}, project_id, 1800000000, 1800003600, 'manual', 0, 0 "
        "FROM time_entry WHERE id = {cole open}",
    ),
    (
        "dina",
        "edit her own locked entry",
        "UPDATE time_entry SET description = 'later' WHERE id = {dina locked}",
    ),
    ("dina", "delete her own locked entry", "DELETE FROM time_entry WHERE id = {dina locked}"),
    (
        "cole",
        "edit his own approved entry",
        "UPDATE time_entry SET end_utc = end_utc + 60 WHERE id = {cole approved}",
    ),
    (
        "cole",
        "move his own open entry into a locked day",
        "UPDATE time_entry SET start_utc = start_utc - 86400, end_utc = end_utc - 86400 "
        "WHERE id = {cole open}",
    ),
    (
        "ava",
        "approve her own time",
        "UPDATE time_entry SET approved_by_id = {ava}, approved_at = 1 WHERE id = {ava locked}",
    ),
    (
        "ava",
        "insert an approval of her own time",
        "INSERT INTO timesheet_event (user_id, action, until, project_id, actor_id, at) "
        "SELECT {ava}, 'approve', '2026-11-02', project_id, {ava}, 0 FROM time_entry "
        "WHERE id = {ava locked}",
    ),
    (
        "ava",
        "approve in someone else's name",
        "UPDATE time_entry SET approved_by_id = {ada}, approved_at = 1 WHERE id = {dina locked}",
    ),
    (
        "cole",
        "approve his own time as a consultant",
        "UPDATE time_entry SET approved_by_id = {cole}, approved_at = 1 WHERE id = {cole open}",
    ),
    (
        "fin",
        "change the time of someone's entry",
        "UPDATE time_entry SET description = 'billed as' WHERE id = {cole open}",
    ),
    (
        "cole",
        "insert an invoice",
        "INSERT INTO invoice (number, kind, status, client_id, issue_date, due_date, currency, "
        "tax_rate_bp, subtotal_minor, tax_minor, total_minor, payment_terms_days, seller, buyer, "
        "created_at) SELECT 'X-1', 'invoice', 'ready', id, '2026-11-20', '2026-12-04', 'EUR', 0, "
        "1, 0, 1, 14, '', '', 0 FROM client",
    ),
    ("ava", "change an invoice", "UPDATE invoice SET total_minor = 0"),
    ("cole", "read invoice totals", "SELECT total_minor FROM invoice"),
    ("cole", "move the number register", "UPDATE number_counter SET last_number = 0"),
    (
        "ava",
        "start a number register",
        "INSERT INTO number_counter (organisation_id, period, last_number) "
        "SELECT id, '202611', 5 FROM organisation",
    ),
    ("fin", "delete the event log", "DELETE FROM timesheet_event"),
    ("ada", "change the event log", "UPDATE timesheet_event SET comment = 'never happened'"),
    ("cole", "grant himself the admin role", "GRANT tally_admin TO {cole name}"),
    ("ava", "grant herself finance", "GRANT tally_finance TO {ava name}"),
    ("fin", "grant herself the admin role", "GRANT tally_admin TO {fin name}"),
    ("cole", "make himself admin", "UPDATE app_user SET role = 'admin' WHERE id = {cole}"),
    (
        "cole",
        "unlock his own timesheet",
        "UPDATE app_user SET locked_until = NULL WHERE id = {cole}",
    ),
    (
        "cole",
        "record an unlock",
        "INSERT INTO timesheet_event (user_id, action, until, actor_id, at) "
        "VALUES ({cole}, 'unlock', '2026-11-01', {cole}, 0)",
    ),
    (
        "fin",
        "unlock someone's timesheet",
        "UPDATE app_user SET locked_until = '2026-11-01' WHERE id = {dina}",
    ),
    (
        "ava",
        "unlock the timesheet of someone with no time she approves",
        "UPDATE app_user SET locked_until = '2026-11-01' WHERE id = {fin}",
    ),
    (
        "ava",
        "unlock her own timesheet",
        "UPDATE app_user SET locked_until = '2026-11-01' WHERE id = {ava}",
    ),
    (
        "cole",
        "lock dina's timesheet",
        "UPDATE app_user SET locked_until = '2026-11-30' WHERE id = {dina}",
    ),
    (
        "cole",
        "write dina's heartbeat",
        "INSERT INTO heartbeat (user_id, at, source, target) VALUES ({dina}, 0, 'file', 'x')",
    ),
    (
        "cole",
        "write dina's capture position",
        "INSERT INTO setting (key, value) VALUES ('capture.scanned_until.{dina name}', '0')",
    ),
    ("cole", "change a client", "UPDATE client SET name = 'Mine'"),
]


def fill(team: Team, query: str) -> str:
    values = {f"{who} name": name for who, name in team.name.items()}
    values |= {who: str(team.id(who)) for who in team.name}
    values |= {what: str(entry_id) for what, entry_id in team.entry.items()}
    return query.format_map(values)


@pytest.mark.parametrize(("who", "attempt", "query"), REFUSED, ids=[a for _, a, _ in REFUSED])
def test_the_server_refuses_what_a_role_may_not_do(team, who, attempt, query):
    before = team.superuser("SELECT * FROM time_entry ORDER BY id")
    with team.connect(who) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(fill(team, query))
    assert team.superuser("SELECT * FROM time_entry ORDER BY id") == before


@pytest.mark.parametrize(
    "query",
    [
        "UPDATE time_entry SET description = 'mine now' WHERE id = {dina locked}",
        "DELETE FROM time_entry WHERE id = {dina locked}",
        "UPDATE time_entry SET description = 'mine now' WHERE user_id = {dina}",
    ],
)
def test_another_consultants_time_is_out_of_reach(team, query):
    """Rows a login may not see are rows its statements do not find."""
    before = team.superuser("SELECT * FROM time_entry ORDER BY id")
    with team.connect("cole") as conn:
        assert conn.execute(fill(team, query)).rowcount == 0
        seen = conn.execute("SELECT DISTINCT user_id FROM time_entry").fetchall()
        assert seen == [(team.id("cole"),)]
    assert team.superuser("SELECT * FROM time_entry ORDER BY id") == before


def test_who_reads_whose_time(team):
    def owners(who: str) -> set[str]:
        with team.connect(who) as conn:
            query = "SELECT u.name FROM time_entry t JOIN app_user u ON u.id = t.user_id"
            return {name for (name,) in conn.execute(query)}

    everyone = {team.name[who] for who in ("cole", "dina", "ava")}
    assert owners("cole") == {team.name["cole"]}
    assert owners("ava") == everyone  # she approves Web, where all of it is
    assert owners("fin") == everyone
    assert owners("ada") == everyone


def test_what_each_role_may_do_still_goes_through(team):
    """The allowed paths, straight through SQL: edit one's open entry, approve another's
    locked time, mark an entry invoiced (finance, that column only), unlock (admin)."""
    with team.connect("cole") as conn:
        assert conn.execute(fill(team, "UPDATE time_entry SET description = 'fixed' "
                                       "WHERE id = {cole open}")).rowcount == 1  # fmt: skip
    with team.connect("ava") as conn:
        query = (
            "UPDATE time_entry SET approved_by_id = {ava}, approved_at = 1 WHERE id = {dina locked}"
        )
        assert conn.execute(fill(team, query)).rowcount == 1
    with team.connect("ada") as conn:
        conn.execute(fill(team, "UPDATE app_user SET locked_until = NULL WHERE id = {cole}"))


# --------------------------------------------------------------------------------------
# Identity: the login acts
# --------------------------------------------------------------------------------------


def as_login(team: Team, who: str, monkeypatch):
    monkeypatch.setenv("TALLY_DB", login_url(team.url, team.name[who]))


def test_each_person_works_as_their_own_login(team, tally, monkeypatch):
    n = team.name
    as_login(team, "cole", monkeypatch)
    tally.ok("entry", "add", "--project", "Web", "--start", "2026-11-04 09:00",
             "--end", "2026-11-04 10:00")  # fmt: skip
    listed = tally.ok(
        "entry", "list", "--from", "2026-11-01", "--to", "2026-11-30", "--json"
    ).json()
    assert {e["user"] for e in listed} == {n["cole"]} and len(listed) == 3
    tally.ok("timesheet", "lock", "--until", "2026-11-04")
    tally.ok("expense", "add", "--project", "Web", "--date", "2026-11-03", "--amount", "12.50")
    status = tally.ok("timesheet", "status", "--json").json()
    assert status
    as_login(team, "ava", monkeypatch)
    tally.ok("timesheet", "approve", "--project", "Web", "--until", "2026-11-04")
    as_login(team, "ada", monkeypatch)  # an approver's own time waits for an admin
    tally.ok(
        "timesheet", "approve", "--project", "Web", "--until", "2026-11-04", "--user", n["ava"]
    )
    as_login(team, "fin", monkeypatch)
    made = tally.ok("invoice", "create", "--project", "Web", "--period-start", "2026-11-01",
                    "--period-end", "2026-11-30", "--json").json()  # fmt: skip
    assert made["number"] == "ACME-202611-0001"
    invoiced = team.superuser("SELECT COUNT(*) FROM time_entry WHERE invoice_line_id IS NOT NULL")
    assert invoiced == [(5,)]
    as_login(team, "cole", monkeypatch)
    refused = tally("entry", "edit", str(team.entry["cole open"]), "--description", "later")
    assert refused.exit_code == 1
    assert "is billed on invoice ACME-202611-0001" in refused.stderr
    as_login(team, "ada", monkeypatch)
    tally.ok("timesheet", "unlock", "--until", "2026-11-01", "--user", n["cole"])


@pytest.mark.parametrize("how", ["--user", "TALLY_USER"])
def test_naming_someone_else_is_refused(team, tally, monkeypatch, how):
    as_login(team, "cole", monkeypatch)
    if how == "--user":
        result = tally("--user", team.name["ada"], "timesheet", "unlock", "--until", "2026-11-01")
    else:
        monkeypatch.setenv("TALLY_USER", team.name["ada"])
        result = tally("timesheet", "unlock", "--until", "2026-11-01")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: you are logged in as {team.name['cole']}: on a team database you act as your "
        f"login, not as {team.name['ada']} (--user / TALLY_USER)\n"
    )
    assert team.superuser("SELECT locked_until FROM app_user WHERE name = %s",
                          (team.name["cole"],)) == [(date(2026, 11, 2),)]  # fmt: skip


def test_a_login_without_a_tally_user_is_told_how_to_be_added(team, tally, monkeypatch):
    ghost = tagged("ghost")["ghost"]
    team.superuser(f"CREATE ROLE {ghost} LOGIN IN ROLE tally_consultant")
    monkeypatch.setenv("TALLY_DB", login_url(team.url, ghost))
    result = tally("entry", "list")
    assert result.exit_code == 1
    assert f"`tally user add {ghost} --role consultant`" in result.stderr
    assert result.stderr.count("\n") == 1


def test_psql_as_a_consultant_shows_only_their_rows(team):
    psql = Server().bin / "psql"
    shown = subprocess.run(
        [str(psql), login_url(team.url, team.name["cole"]), "-At", "-c",
         "SELECT user_id, id FROM time_entry ORDER BY id"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    cole = team.id("cole")
    assert shown == [f"{cole}|{team.entry['cole approved']}", f"{cole}|{team.entry['cole open']}"]


# --------------------------------------------------------------------------------------
# People as roles
# --------------------------------------------------------------------------------------


def role_of(team: Team, name: str) -> tuple:
    return team.superuser(
        "SELECT rolcanlogin, rolcreaterole, rolpassword LIKE 'SCRAM-SHA-256$%%', "
        "ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE m.member = r.oid ORDER BY 1) FROM pg_authid r WHERE rolname = %s",
        (name,),
    )[0]


def test_admins_add_move_and_remove_logins(team, tally, monkeypatch):
    new = tagged("neil")["neil"]
    as_login(team, "ada", monkeypatch)
    tally.ok("user", "add", new, "--role", "consultant", "--password-stdin", stdin="s3cret pw\n")
    assert role_of(team, new) == (True, False, True, ["tally_consultant"])
    tally.ok("user", "set", new, "--role", "admin")
    groups = ["tally_admin", "tally_approver", "tally_consultant", "tally_finance"]
    assert role_of(team, new) == (True, True, True, groups)
    tally.ok("user", "set", new, "--role", "finance")
    assert role_of(team, new) == (True, False, True, ["tally_finance"])
    tally.ok("user", "remove", new)
    assert role_of(team, new)[0] is False
    assert team.superuser("SELECT role FROM app_user WHERE name = %s", (new,)) == [("finance",)]


def test_a_consultant_adds_nobody(team, tally, monkeypatch):
    as_login(team, "cole", monkeypatch)
    result = tally("user", "add", tagged("x")["x"])
    assert result.exit_code == 1 and "may not add people" in result.stderr


def test_init_by_a_login_with_createrole_makes_the_team(pg_server, tally, monkeypatch):
    n = tagged("boss", "team")
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {n['boss']} LOGIN CREATEROLE")
        conn.execute(f"CREATE DATABASE {n['team']} OWNER {n['boss']}")
    url = login_url(pg_server.url(n["team"]), n["boss"])
    monkeypatch.setenv("TALLY_DB", url)
    monkeypatch.delenv("TALLY_USER")
    tally.ok("init", "--org", "Acme", "--code", "ACME")
    cole = tagged("cole")["cole"]
    tally.ok("user", "add", cole)
    monkeypatch.setenv("TALLY_DB", login_url(url, cole))
    assert n["boss"] in tally.ok("user", "list").stdout
    refused = pytest.raises(psycopg.errors.InsufficientPrivilege)
    with psycopg.connect(login_url(url, cole)) as conn, refused:
        conn.execute("SELECT * FROM invoice")
    with psycopg.connect(pg_server.url(n["team"])) as conn:
        public = conn.execute(
            "SELECT has_database_privilege('public', current_database(), 'CONNECT'), "
            "has_table_privilege('public', 'time_entry', 'SELECT')"
        ).fetchone()
    assert public == (False, False)


# --------------------------------------------------------------------------------------
# Changes reach open interfaces, from any program
# --------------------------------------------------------------------------------------


def test_a_write_from_psql_reaches_the_interfaces(team):
    changes = PostgresChanges(team.url)
    try:
        assert not changes.changed(sync=True)
        with team.connect("cole") as conn:
            conn.execute(
                fill(team, "UPDATE time_entry SET description = 'x' WHERE id = {cole open}")
            )
        assert changes.changed(sync=True)
        with team.connect("cole") as conn, conn.transaction():
            conn.execute(
                fill(team, "UPDATE time_entry SET description = 'y' WHERE id = {cole open}")
            )
            conn.execute(
                fill(team, "UPDATE time_entry SET description = 'z' WHERE id = {cole open}")
            )
        assert changes.changed(sync=True)
        assert not changes.changed(sync=True)
    finally:
        changes.close()


# --------------------------------------------------------------------------------------
# Migrations
# --------------------------------------------------------------------------------------


def test_postgresql_only_migrations_are_recorded_on_sqlite(database):
    mine = [m for m in available() if m.postgres_only]
    assert mine and all("CREATE POLICY" in m.sql for m in mine[:1])
    assert current_version(database) == max(m.version for m in available())
    assert "time_entry" in database.get_tables()


def test_upgrading_a_team_database_of_the_previous_version_keeps_every_row(
    pg_server, tally, monkeypatch
):
    """A database the previous version made (schema 0009, everyone connecting as the
    superuser) becomes the model of one login per person, with every row kept."""
    n = tagged("ada", "cole", "old")
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {n['old']}")
    url = pg_server.url(n["old"])
    handle = open_database(url, upgrade=False)
    migrate(handle, target=9)
    handle.close()
    with psycopg.connect(url) as conn:
        conn.execute(OLD_ROWS.format(ada=n["ada"], cole=n["cole"]))
        tables = [t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'schema_migration'")]  # fmt: skip
        columns = {t: conn.execute(f"SELECT * FROM {t} LIMIT 0").description for t in tables}
        rows = {
            t: f"SELECT {', '.join(c.name for c in columns[t])} FROM {t} ORDER BY 1" for t in tables
        }
        before = {t: conn.execute(rows[t]).fetchall() for t in tables}
    assert sum(map(len, before.values())) >= 10
    monkeypatch.setenv("TALLY_DB", url)
    monkeypatch.setenv("TALLY_USER", n["ada"])
    out = tally.ok("team", "upgrade").stdout
    assert f"{n['cole']} (consultant)" in out
    with psycopg.connect(url) as conn:
        after = {t: conn.execute(rows[t]).fetchall() for t in tables}
    assert after == before
    with psycopg.connect(login_url(url, n["cole"])) as conn:
        assert conn.execute("SELECT COUNT(*) FROM time_entry").fetchone() == (2,)
    with psycopg.connect(login_url(url, n["ada"])) as conn:
        assert conn.execute("SELECT COUNT(*) FROM time_entry").fetchone() == (3,)


OLD_ROWS = """
INSERT INTO organisation (name, code, currency, timezone, created_at)
    VALUES ('Acme', 'ACME', 'EUR', 'Europe/Berlin', 0);
INSERT INTO app_user (name, role, locked_until, created_at)
    VALUES ('{ada}', 'admin', NULL, 0), ('{cole}', 'consultant', '2026-11-02', 0);
INSERT INTO client (name, currency, created_at) VALUES ('Globex', 'EUR', 0);
INSERT INTO project (name, client_id, owner_id, created_at) VALUES ('Web', 1, 1, 0);
INSERT INTO project_rate (project_id, amount_minor, created_at) VALUES (1, 10000, 0);
INSERT INTO time_entry (user_id, project_id, start_utc, end_utc, source, created_at, updated_at)
    VALUES (2, 1, 1793606400, 1793613600, 'manual', 0, 0),
           (2, 1, 1793692800, 1793700000, 'manual', 0, 0),
           (1, 1, 1793606400, 1793613600, 'manual', 0, 0);
INSERT INTO timesheet_event (user_id, action, until, actor_id, at)
    VALUES (2, 'lock', '2026-11-02', 2, 0);
INSERT INTO heartbeat (user_id, at, source, target) VALUES (2, 1793606400, 'file', '/w/a.py');
INSERT INTO setting (key, value) VALUES ('capture.idle_minutes', '15');
"""


def test_a_table_added_later_with_personal_rows_is_each_persons_own(team):
    """A table added by a later migration (a running timer, say) gets its rights from
    tally_secure_new_tables(), which migrating calls after each migration: rows of user_id
    are their person's. (All in one rolled back transaction: the test database keeps its
    schema.)"""
    cole, dina = team.id("cole"), team.id("dina")
    with psycopg.connect(team.url) as conn:
        conn.execute(
            "CREATE TABLE timer_probe (id BIGSERIAL PRIMARY KEY, "
            "user_id BIGINT NOT NULL REFERENCES app_user (id), started BIGINT NOT NULL)"
        )
        conn.execute("SELECT tally_secure_new_tables()")
        conn.execute(
            "INSERT INTO timer_probe (user_id, started) VALUES (%s, 1), (%s, 2)", (cole, dina)
        )
        conn.execute(f'SET SESSION AUTHORIZATION "{team.name["cole"]}"')
        assert conn.execute("SELECT user_id FROM timer_probe").fetchall() == [(cole,)]
        conn.execute("INSERT INTO timer_probe (user_id, started) VALUES (%s, 3)", (cole,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO timer_probe (user_id, started) VALUES (%s, 4)", (dina,))
        conn.rollback()


async def test_the_interface_as_a_consultants_login_shows_their_week(team):
    """The interface, logged in as cole, reads his week through the server's rights."""
    from test_tui_review import start
    from tui_waiting import settle

    from tallytui.store.models import db
    from tallytui.ui.app import TallyApp
    from tallytui.ui.context import Session

    url = login_url(team.url, team.name["cole"])
    open_database(url)
    try:
        app = TallyApp(Session(team.name["cole"], url), "Europe/Berlin")
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await start(app, pilot)
            await pilot.press("g")
            await pilot.pause()
            await pilot.press("ctrl+a", "ctrl+k", *"2026-11-03", "enter")
            await settle(app, pilot)
            shown = {(e.id, e.user) for e in screen.week.entries}
            assert shown == {
                (team.entry["cole approved"], team.name["cole"]),
                (team.entry["cole open"], team.name["cole"]),
            }
    finally:
        db.close()


def test_migrating_gives_a_new_table_the_team_rights(pg_server, monkeypatch):
    """A later migration's table is secured as soon as it is made (a database of its
    own: the shared test database must not get a version this tallytui does not know)."""
    from tallytui.store import migrate as migrations

    name = tagged("later")["later"]
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    handle = open_database(pg_server.url(name))
    known = migrations.available()
    table = (
        "CREATE TABLE timer_probe (id {pk}, user_id BIGINT NOT NULL REFERENCES app_user (id));"
        "CREATE TABLE tag_probe (id {pk}, label TEXT NOT NULL)"
    )
    later = migrations.Migration(known[-1].version + 1, "probe", table)
    monkeypatch.setattr(migrations, "available", lambda: [*known, later])
    migrate(handle)
    handle.close()
    with psycopg.connect(pg_server.url(name)) as conn:
        found = conn.execute(
            "SELECT c.relname, c.relforcerowsecurity, "
            "(SELECT COUNT(*) FROM pg_policy p WHERE p.polrelid = c.oid), "
            "(SELECT COUNT(*) FROM pg_trigger g WHERE g.tgrelid = c.oid "
            " AND g.tgname = 'tally_notify'), "
            "has_table_privilege('tally_consultant', c.oid, 'INSERT'), "
            "has_table_privilege('tally_finance', c.oid, 'INSERT'), "
            "has_table_privilege('public', c.oid, 'SELECT') "
            "FROM pg_class c WHERE c.relname IN ('timer_probe', 'tag_probe') ORDER BY 1"
        ).fetchall()
    assert found == [
        ("tag_probe", False, 0, 1, False, True, False),
        ("timer_probe", True, 2, 1, True, True, False),
    ]


def test_a_login_that_may_not_migrate_is_told_who_can(pg_server, tally, monkeypatch):
    """A newer tallytui opened first by a consultant: the schema change is the owner's."""
    from tallytui.store import migrate as migrations

    n = tagged("ada", "cole", "db")
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {n['db']}")
    url = pg_server.url(n["db"])
    handle = open_database(url)
    org.init(org.OrgSettings(name="Acme", code="ACME"), n["ada"])
    users.add(n["ada"], n["cole"])
    handle.close()
    known = migrations.available()
    later = migrations.Migration(known[-1].version + 1, "probe", "ALTER TABLE client ADD x TEXT")
    monkeypatch.setattr(migrations, "available", lambda: [*known, later])
    monkeypatch.setenv("TALLY_DB", login_url(url, n["cole"]))
    monkeypatch.delenv("TALLY_USER")
    result = tally("entry", "list")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the team database needs schema version {later.version}, which only its owner "
        "or a superuser may bring: they run `tally team upgrade`\n"
    )


def test_the_interface_refuses_a_login_it_did_not_start_as(team, tmp_path, monkeypatch):
    """A login chosen by a libpq service file, not named by the URL or PGUSER: the
    interface, started as the OS user, is told to start as the login instead."""
    from tallytui.cli.settings import Settings
    from tallytui.cli.tui import open_for_interface
    from tallytui.domain.errors import PermissionDenied

    cole = team.name["cole"]
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[team]\nuser={cole}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.delenv("PGUSER", raising=False)
    url = team.url.replace("tally@", "") + "?service=team"
    settings = Settings(db_url=url, user_name=None)
    assert settings.actor != cole
    with pytest.raises(
        PermissionDenied, match=f"logged in as {cole}: start tally with --user {cole}"
    ):
        open_for_interface(settings)
    assert Settings(db_url=url, user_name=cole).actor == cole
    monkeypatch.setenv("PGUSER", cole)  # libpq's user when the URL names none
    assert Settings(db_url=url, user_name=None).actor == cole
