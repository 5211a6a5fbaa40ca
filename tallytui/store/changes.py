"""Noticing commits made by other processes, cheaply enough to ask twice a second.

SQLite: ``PRAGMA data_version`` of one long-lived connection moves whenever another
connection has committed since it was last read (a read of shared memory, no I/O).
PostgreSQL: every write sends ``NOTIFY`` on :data:`CHANNEL` from a trigger (migration
0010), so writes made with psql count too; the server sends one per transaction, at its
commit. One connection listens, and the socket turning readable means news.
"""

from __future__ import annotations

import select
import sqlite3

from .db import is_postgres, sqlite_path
from .postgres import CHANNEL


class SqliteChanges:
    """Opened and asked in one thread: the connection is that thread's."""

    def __init__(self, url: str) -> None:
        # mode=rw: never create the file (the interface refuses a missing one already).
        target = sqlite_path(url).resolve().as_uri()
        self.connection = sqlite3.connect(f"{target}?mode=rw", uri=True)
        self.version = self._read()

    def _read(self) -> int:
        return self.connection.execute("PRAGMA data_version").fetchone()[0]

    def changed(self, sync: bool = False) -> bool:
        """Whether another connection committed since the last call (every commit made
        before the call counts: ``sync`` asks nothing more of SQLite)."""
        version, self.version = self.version, self._read()
        return version != self.version

    def close(self) -> None:
        self.connection.close()


class PostgresChanges:
    """A connection of its own that listens on :data:`CHANNEL`."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True, connect_timeout=10)
        self.heard = False
        self.connection.add_notify_handler(self._heard)
        self.connection.execute(f"LISTEN {CHANNEL}")

    def _heard(self, _notify) -> None:
        self.heard = True

    def changed(self, sync: bool = False) -> bool:
        """Whether a notification came since the last call. ``sync`` makes sure every
        transaction committed before the call has been heard of: the server sends what is
        queued for this connection before it answers a query."""
        if sync or select.select([self.connection.fileno()], [], [], 0)[0]:
            self.connection.execute("SELECT 1")  # reads the socket; handlers see each one
        heard, self.heard = self.heard, False
        return heard

    def close(self) -> None:
        self.connection.close()


def open_changes(url: str) -> SqliteChanges | PostgresChanges:
    return PostgresChanges(url) if is_postgres(url) else SqliteChanges(url)
