"""PostgreSQL for teams, through psycopg 3 loaded only when a team database is opened."""

from __future__ import annotations

import importlib

from peewee import PostgresqlDatabase, Psycopg3Adapter

from ..domain.errors import TallyError

CHANNEL = "tally_changes"  # every write transaction notifies it; open interfaces listen
WRITES = ("INSERT", "UPDATE", "DELETE")


class LazyPsycopgAdapter(Psycopg3Adapter):
    """peewee's psycopg 3 adapter, with the driver imported on first use."""

    def __init__(self) -> None:
        try:
            self.driver = importlib.import_module("psycopg")
        except ImportError as exc:
            raise TallyError(
                "PostgreSQL needs the psycopg package: pip install 'tallytui[postgres]'"
            ) from exc
        status = importlib.import_module("psycopg.pq").TransactionStatus
        self.txn_idle, self.txn_inerror, self.txn_unknown = (
            status.IDLE,
            status.INERROR,
            status.UNKNOWN,
        )
        self.in_transaction = status.INTRANS
        super().__init__()
        json = importlib.import_module("psycopg.types.json")
        self.json_type, self.jsonb_type = json.Json, json.Jsonb

    def check_driver(self) -> None:
        """The driver was imported in ``__init__``."""

    def get_binary_type(self):
        return self.driver.Binary

    def connect(self, db, **params):
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        params.setdefault("dbname", db.database)
        return self.driver.connect(**params)

    def server_side_cursor(self, conn):
        in_txn = self.txn_status(conn) == self.in_transaction
        return conn.cursor(name=f"tally_{id(conn)}", withhold=not in_txn)


class TeamDatabase(PostgresqlDatabase):
    psycopg3_adapter = LazyPsycopgAdapter

    def init(self, database, **kwargs):
        kwargs["prefer_psycopg3"] = True
        super().init(database, **kwargs)
        self._adapter = LazyPsycopgAdapter()

    def streaming_cursor(self):
        """A server-side cursor (``bulk.stream``): rows travel in batches as they are
        fetched, instead of the whole result at once."""
        return self._adapter.server_side_cursor(self.connection())

    def execute_sql(self, sql, *args, **kwargs):
        """A write also tells the interfaces open elsewhere that the data changed. The
        notification is sent when its transaction commits, and not at all if it rolls
        back; one per transaction is enough."""
        cursor = super().execute_sql(sql, *args, **kwargs)
        if sql.lstrip()[:6].upper() in WRITES:
            outer = self._state.transactions[0] if self._state.transactions else None
            if outer is None or getattr(self._state, "notified", None) is not outer:
                self._state.notified = outer
                super().execute_sql(f"NOTIFY {CHANNEL}")
        return cursor
