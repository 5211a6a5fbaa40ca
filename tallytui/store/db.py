"""Opening the database: where it lives, how SQLite is tuned, and PostgreSQL for teams."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from ..domain.errors import TallyError
from ..locations import is_postgres, missing_database, redacted, resolve_url, scrubbed, url_password
from .migrate import migrate
from .models import db

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": 1,  # NORMAL: durable at checkpoints, safe against corruption in WAL mode
}


def _create_private(path: Path) -> None:
    """Create the file (and its folder) readable by its owner only, before SQLite opens it.

    SQLite gives its -wal and -shm files the permissions of the main file.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # FileExistsError: an existing database, or another process created it a moment ago.
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///")).expanduser()


def _connect_sqlite(url: str, create: bool) -> Database:
    path = sqlite_path(url)
    missing = None if create else missing_database(url)
    if missing:
        raise TallyError(missing)
    try:
        _create_private(path)
    except OSError as exc:
        raise TallyError(f"cannot create the database file {path}: {exc.strerror}") from exc
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)


def _connect_postgres(url: str) -> Database:
    """The URL goes to libpq as written. A bare ``@`` in its password is refused first:
    libpq would end the password there and name the rest, as the host, in its error."""
    from .postgres import TeamDatabase

    if "@" in (url_password(url) or ""):
        raise TallyError(
            f"cannot open the database {redacted(url)}: write an @ in the password as %40"
        )
    return TeamDatabase(url)


def open_database(url: str | None = None, *, upgrade: bool = True, create: bool = True) -> Database:
    """Bind the models to the database at ``url`` and bring its schema up to date.

    ``create=False`` refuses a SQLite file that does not exist yet, rather than making it."""
    target = resolve_url(url)
    database = _connect_postgres(target) if is_postgres(target) else _connect_sqlite(target, create)
    db.initialize(database)
    try:
        _connect(database)
        if upgrade:
            migrate(database)
    except DatabaseError as exc:
        why = scrubbed(str(exc).strip().splitlines()[0], target)
        raise TallyError(f"cannot open the database {redacted(target)}: {why}") from None
    return database


def _connect(database: Database) -> None:
    """Connect, waiting as long as the busy timeout for another process that is writing.

    Switching a new file to WAL mode (a pragma of every connection) needs the file to
    itself, and SQLite refuses it at once, without waiting, while another connection
    holds the write lock: two processes opening a new database together (the interface
    and capture, say) made one of them fail."""
    deadline = time.monotonic() + SQLITE_PRAGMAS["busy_timeout"] / 1000
    while True:
        try:
            database.connect(reuse_if_open=True)
            return
        except OperationalError as exc:
            locked = isinstance(database, SqliteDatabase) and "locked" in str(exc)
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextmanager
def write_transaction():
    """A transaction for writes that must not interleave (numbering, invoicing).

    SQLite takes the write lock up front (BEGIN IMMEDIATE), so two writers never both read
    the same counter; PostgreSQL callers lock their rows with ``SELECT … FOR UPDATE``.
    """
    database = db.obj
    if isinstance(database, SqliteDatabase):
        with database.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with database.atomic() as txn:
            yield txn


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def locking(query, *, share: bool = False, of=None):
    """``query`` holding its rows until the transaction ends.

    PostgreSQL writers lock rows: ``FOR SHARE`` where a row is only read to decide, so that
    such readers do not wait for each other but a writer of that row waits for them; else
    ``FOR NO KEY UPDATE``, which does not stop others from inserting rows that refer to it.
    SQLite writers hold the whole database already (``write_transaction``).
    """
    if is_sqlite():
        return query
    return query.for_update("FOR SHARE" if share else "FOR NO KEY UPDATE", of=of)
