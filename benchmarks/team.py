"""A team of fifty on PostgreSQL: what row-level security costs, and `timesheet status`
on five years of a team against an empty team database.

The team's five years are planned like the consultancy's (``history.TEAM``), cached as
an SQLite file, and copied into a throwaway PostgreSQL server (the test suite's own,
``tests/pg_server.py``) with ``COPY``. Everyone measured logs in as themselves, a login
role named like the tally user. Each row-level security figure runs the same work by
the same login twice, alternating: as a member of the group role of their tally role,
where the database holds them to its privileges and policies, and made superuser, which
bypasses both.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

from . import history
from .core import Measurement, group, medians_ms, run, tally, wall_ms

MAX_RLS_RATIO = 1.3
MAX_STATUS_RATIO = 1.5
ADMIN, FINANCE, CONSULTANT = history.ADMIN, "ben", "david"
GROUPS = {ADMIN: "tally_admin", FINANCE: "tally_finance", CONSULTANT: "tally_consultant"}
SUPERUSER, RLS = "bench-superuser", "bench-rls"  # PGAPPNAME: which side a run is on

# One week's review as the review screen loads it, timed inside the process: the
# interpreter's start-up is the same on both sides and would only hide the difference.
REVIEW = """
import sys, time
from datetime import date
from tallytui.services import review
from tallytui.store.db import open_database
open_database(sys.argv[1])
started = time.perf_counter()
review.week(date.fromisoformat(sys.argv[2]), sys.argv[3])
print((time.perf_counter() - started) * 1000)
"""

Measure = Callable[[Sequence[str], dict[str, str]], float]


def _copy(sqlite_file: Path, url: str) -> int:
    """Every table of the SQLite file into the migrated, empty PostgreSQL database at
    ``url`` (foreign keys and triggers wait, in replica mode); the number of rows."""
    import psycopg

    rows = 0
    with closing(sqlite3.connect(sqlite_file)) as source, psycopg.connect(url) as target:
        target.execute("SET session_replication_role = replica")
        tables = [
            name
            for (name,) in source.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migration'"
            )
        ]
        target.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        for table in tables:
            columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            with target.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row(row)
                    rows += 1
            if "id" in columns:  # new rows (the measured invoice) continue the numbering
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # as autovacuum leaves a database that has settled
    return rows


def _database(server, name: str, sqlite_file: Path) -> str:
    """A new database ``name`` on ``server`` with the schema, holding the file's rows."""
    import psycopg

    from tallytui.store.db import open_database

    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = server.url(name)
    open_database(url).close()  # the migrations, as the first `tally` on it runs them
    started = time.perf_counter()
    rows = _copy(sqlite_file, url)
    print(f"  copied {rows:,} rows into {name} in {time.perf_counter() - started:.1f} s")
    return url


def _logins(url: str) -> bool:
    """A login role for each measured person; whether the server has the group roles
    that put them under row-level security. Where it has none yet (a database from
    before rights lived in it), the logins are superusers and only their figures show."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(GROUPS.values()),)
        )
        rls = {name for (name,) in found} == set(GROUPS.values())
        for person, group_role in GROUPS.items():
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (person,)).fetchone():
                conn.execute(f"CREATE ROLE {person} LOGIN")
            conn.execute(f"ALTER ROLE {person} {'NOSUPERUSER' if rls else 'SUPERUSER'}")
            if rls:
                conn.execute(f"GRANT {group_role} TO {person}")
    return rls


def _as(url: str, person: str) -> str:
    """``url`` (the server's own superuser's) logging in as ``person``."""
    rest = url.split("@", 1)[1]
    return f"postgresql://{person}@{rest}"


def _env(user: str, side: str = RLS) -> dict[str, str]:
    return {"TALLY_NOW": history.NOW, "TALLY_USER": user, "PGAPPNAME": side}


def _switching(admin_url: str, person: str, inner: Measure) -> Measure:
    """``inner``, with ``person`` made superuser first for the runs on that side."""

    def measure(argv: Sequence[str], env: dict[str, str]) -> float:
        import psycopg

        grant = "SUPERUSER" if env["PGAPPNAME"] == SUPERUSER else "NOSUPERUSER"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"ALTER ROLE {person} {grant}")
        return inner(argv, env)

    return measure


def _in_process_ms(argv: Sequence[str], env: dict[str, str]) -> float:
    return float(run(argv, env).strip())


def _creating(admin: str) -> Measure:
    """Time ``invoice create``; then the admin deletes the invoice (untimed), so every
    run creates the same invoice under the same number."""

    def measure(argv: Sequence[str], env: dict[str, str]) -> float:
        started = time.perf_counter()
        created = json.loads(run(argv, env))
        elapsed = (time.perf_counter() - started) * 1000
        run(tally("--db", admin, "invoice", "delete", created["number"]), _env(ADMIN))
        return elapsed

    return measure


def _ready_period(url: str) -> list[str]:
    """The arguments of ``invoice create`` for the first period ready for invoicing."""
    cycle = json.loads(run(tally("--db", url, "invoicing", "--json"), _env(FINANCE)))
    first = cycle["ready_for_invoicing"][0]
    return [
        "--project", first["project"],
        "--period-start", first["period_start"], "--period-end", first["period_end"],
    ]  # fmt: skip


def _work(url: str) -> list[tuple[str, str, list[str], Measure]]:
    """(name, person, argv, how it is measured) of the three things compared."""
    finance, consultant, admin = _as(url, FINANCE), _as(url, CONSULTANT), _as(url, ADMIN)
    monday = history.LAST_FULL_WEEK[0].isoformat()
    create = ["invoice", "create", *_ready_period(finance), "--json"]
    return [
        ("invoicing --json", FINANCE, tally("--db", finance, "invoicing", "--json"), wall_ms),
        (
            "review week (in process)",
            CONSULTANT,
            [sys.executable, "-c", REVIEW, consultant, monday, CONSULTANT],
            _in_process_ms,
        ),
        ("invoice create", FINANCE, tally("--db", finance, *create), _creating(admin)),
    ]


def _rls_figures(runs: int, url: str) -> list[Measurement]:
    """Each piece of work as the person's login under RLS, beside the same superuser."""
    figures = []
    for name, person, argv, measure in _work(url):
        measured, baseline = medians_ms(
            [(argv, _env(person, RLS)), (argv, _env(person, SUPERUSER))],
            runs,
            _switching(url, person, measure),
        )
        figures.append(Measurement(f"{name}, RLS login", measured, baseline, MAX_RLS_RATIO))
    return figures


def _superuser_figures(runs: int, url: str) -> list[Measurement]:
    """The same work by superuser logins only: the figures RLS will be compared with."""
    figures = []
    for name, person, argv, measure in _work(url):
        (measured,) = medians_ms([(argv, _env(person, SUPERUSER))], runs, measure)
        figures.append(Measurement(f"{name}, superuser", measured))
    return figures


@group("team")
def team(runs: int) -> list[Measurement]:
    """50 people x 5 years on PostgreSQL: RLS logins vs superuser, and timesheet status."""
    sys.path.insert(0, str(history.ROOT / "tests"))  # the test suite's server, not a copy
    from pg_server import Server

    team_file, empty_file = history.team().path, history.empty().path
    server = Server().start()
    try:
        url = _database(server, "tally_team", team_file)
        empty = _database(server, "tally_empty", empty_file)
        rls = _logins(url)
        status = ["timesheet", "status"]
        measured, baseline = medians_ms(
            [
                (tally("--db", _as(url, ADMIN), *status), _env(ADMIN)),
                (tally("--db", _as(empty, ADMIN), *status), _env(ADMIN)),
            ],
            runs,
        )
        figures = [Measurement("timesheet status, team", measured, baseline, MAX_STATUS_RATIO)]
        if rls:
            return figures + _rls_figures(runs, url)
        print(
            "  row-level security: not on this server yet (no group roles "
            f"{', '.join(GROUPS.values())}); superuser logins only"
        )
        return figures + _superuser_figures(runs, url)
    finally:
        server.stop()
