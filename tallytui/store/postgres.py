"""PostgreSQL for teams, through psycopg 3 loaded only when a team database is opened."""

from __future__ import annotations

import importlib
import os

from peewee import PostgresqlDatabase, Psycopg3Adapter

from ..domain.errors import TallyError
from ..locations import scrubbed

CHANNEL = "tally_changes"  # a trigger on every table notifies it; open interfaces listen


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
        """libpq reads the URL itself, so its own ways work unchanged: ``~/.pgpass``,
        ``PGPASSWORD``, a service (``postgresql:///?service=team`` or ``PGSERVICE``) and
        every parameter such as ``sslmode=verify-full&sslrootcert=…``."""
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        given = self.driver.conninfo.conninfo_to_dict(db.database)
        if "connect_timeout" not in given and "PGCONNECT_TIMEOUT" not in os.environ:
            params["connect_timeout"] = 10  # an unreachable server is an error, not a hang
        return self.driver.connect(db.database, **params)

    def server_side_cursor(self, conn):
        in_txn = self.txn_status(conn) == self.in_transaction
        return conn.cursor(name=f"tally_{id(conn)}", withhold=not in_txn)


class TeamDatabase(PostgresqlDatabase):
    """``database`` is the ``postgresql://`` URL, handed to libpq as it is."""

    psycopg3_adapter = LazyPsycopgAdapter

    def init(self, database, **kwargs):
        kwargs["prefer_psycopg3"] = True
        super().init(database, **kwargs)
        self._adapter = LazyPsycopgAdapter()

    def _connect(self):
        """Every connection, in any thread: an error never shows the URL's password."""
        try:
            return super()._connect()
        except self._adapter.driver.Error as exc:
            raise type(exc)(scrubbed(str(exc), self.database)) from None

    def streaming_cursor(self):
        """A server-side cursor (``bulk.stream``): rows travel in batches as they are
        fetched, instead of the whole result at once."""
        return self._adapter.server_side_cursor(self.connection())
