"""Numbered migrations shipped in the package, applied in order at start-up.

Each ``NNNN_name.sql`` runs in one transaction together with the row that records it, so
a crash mid-migration leaves the database at the previous version. Two processes opening
a fresh database at once are serialised (BEGIN IMMEDIATE on SQLite, an advisory lock on
PostgreSQL) and the loser finds the work already done.

A ``NNNN_name.pg.sql`` migration is PostgreSQL's alone (functions, policies, roles): it is
sent whole, as psql would, and on SQLite only recorded, so the version numbers agree. On
PostgreSQL every table a migration adds gets the team's rights right after it (0010).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, DatabaseError, PostgresqlDatabase, __exception_wrapper__

from ..domain.errors import TallyError

_NAME = re.compile(r"^(\d{4})_(\w+?)(\.pg)?\.sql$")
_PK = {"sqlite": "INTEGER PRIMARY KEY", "postgres": "BIGSERIAL PRIMARY KEY"}
_ADVISORY_KEY = 7_311_201  # any constant: the lock id for migrations on PostgreSQL


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    postgres_only: bool = False


def available() -> list[Migration]:
    """All migrations in the package, by version. They are read from beside this module,
    as installed (importing ``importlib.resources`` for it cost 3 ms of every start)."""
    found = []
    for item in Path(__file__).with_name("migrations").iterdir():
        match = _NAME.match(item.name)
        if match:
            text = item.read_text(encoding="utf-8")
            found.append(Migration(int(match[1]), match[2], text, match[3] is not None))
    return sorted(found, key=lambda m: m.version)


def _dialect(database: Database) -> str:
    return "postgres" if isinstance(database, PostgresqlDatabase) else "sqlite"


def _statements(sql: str, dialect: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    body = body.replace("{pk}", _PK[dialect])
    return [part.strip() for part in body.split(";") if part.strip()]


def _apply(database: Database, migration: Migration, dialect: str) -> None:
    if not migration.postgres_only:
        for statement in _statements(migration.sql, dialect):
            database.execute_sql(statement)
    elif dialect == "postgres":
        with __exception_wrapper__:  # no parameters: sent as one script
            database.connection().execute(migration.sql)


def _refused(exc: BaseException) -> bool:
    """Whether PostgreSQL refused for want of a privilege (a person's login, not the
    database's owner)."""
    cause = exc
    while cause is not None and getattr(cause, "sqlstate", None) is None:
        cause = cause.__context__  # peewee raises its own error while handling the driver's
    return getattr(cause, "sqlstate", None) == "42501"


def _secure_new_tables(database: Database) -> None:
    """Tables a migration added get the team's rights (``tally_secure_new_tables`` of
    0010: a person's rows are theirs, the rest read by all and written by finance), so
    no migration of a new table leaves it open or out of everyone's reach."""
    found = database.execute_sql("SELECT to_regprocedure('tally_secure_new_tables()')")
    if found.fetchone()[0] is not None:
        database.execute_sql("SELECT tally_secure_new_tables()")


def current_version(database: Database) -> int:
    if "schema_migration" not in database.get_tables():
        return 0
    row = database.execute_sql("SELECT MAX(version) FROM schema_migration").fetchone()
    return row[0] or 0


def migrate(database: Database, target: int | None = None) -> int:
    """Bring the database up to ``target`` (default: the newest); return the version."""
    dialect = _dialect(database)
    migrations = [m for m in available() if target is None or m.version <= target]
    newest = max((m.version for m in available()), default=0)
    wanted = max((m.version for m in migrations), default=0)
    if current_version(database) == wanted:
        return wanted  # the common case: read-only, no write lock taken
    for migration in migrations:
        try:
            _migrate_one(database, migration, dialect, newest)
        except DatabaseError as exc:
            if dialect == "postgres" and _refused(exc):
                raise TallyError(
                    f"the team database needs schema version {migration.version}, which only "
                    "its owner or a superuser may bring: they run `tally team upgrade`"
                ) from exc
            raise
    return current_version(database)


def _migrate_one(database: Database, migration: Migration, dialect: str, newest: int) -> None:
    """Apply ``migration`` unless another process did it first, in one transaction with the
    row that records it."""
    with database.atomic(*(("IMMEDIATE",) if dialect == "sqlite" else ())):
        if dialect == "postgres":
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_KEY,))
        if "schema_migration" not in database.get_tables():  # creating needs the owner's right
            database.execute_sql(
                "CREATE TABLE IF NOT EXISTS schema_migration "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
        version = current_version(database)
        if version > newest:
            raise TallyError(
                f"the database is at schema version {version}, newer than this tallytui "
                f"knows ({newest}); upgrade tallytui"
            )
        if migration.version <= version:
            return
        _apply(database, migration, dialect)
        if dialect == "postgres":
            _secure_new_tables(database)
        database.execute_sql(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (%s, %s, %s)"
            if dialect == "postgres"
            else "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
            (migration.version, migration.name, int(time.time())),
        )
