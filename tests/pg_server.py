"""A throwaway PostgreSQL server for the test run, started from the Debian packages that
`make test` installs: a private cluster in a temporary folder, listening on a free loopback
port, with durability switched off (nothing in it outlives the run).

Each pytest-xdist worker starts its own server, so workers never share a database. Tests
of one worker share one database, emptied before each test: emptying the tables takes
a few milliseconds where creating a database takes a few hundred.
PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres``
system user (the packages create it) and its commands run through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROLE = "tally"
DATABASE = "tally_test"
# The one login that must give a password (every other one is trusted): the tests of
# libpq's ways of passing it (~/.pgpass, PGPASSWORD, a service file) log in as it.
PASSWORD_ROLE = "quinn"
FAST = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200 -c shared_buffers=32MB"
)


class ServerError(RuntimeError):
    """The server could not be set up; the message says why and what to install."""


def _bin_dir() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps them off the PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServerError(
        "PostgreSQL is not installed: `make test` installs it (apt-get install postgresql), "
        "or install it by hand"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.as_postgres = os.geteuid() == 0
        # The postgres user must reach the folder: /tmp, not a private TMPDIR of root's.
        self.root = Path(
            tempfile.mkdtemp(prefix="tally-pg-", dir="/tmp" if self.as_postgres else None)
        )
        self.data = self.root / "data"
        self.port = 0
        self.created = False

    def _run(self, *args: str, timeout: int = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerError(
                f"{' '.join(args[:2])} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}\n{tail}"
            )
        return result

    def start(self) -> Server:
        try:
            return self._start()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _start(self) -> Server:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", ROLE, "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            f"local all {PASSWORD_ROLE} scram-sha-256\n{hba.read_text()}"
        )
        attempts = 5
        while True:
            self.port = _free_port()
            options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {FAST}"
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                    "-o", options, "-w", "-t", "30", "start",
                )  # fmt: skip
                return self
            except ServerError:
                attempts -= 1
                if not attempts:
                    raise
                time.sleep(0.2)  # another process took the port between probe and start

    def url(self, database: str) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def password_login(self, password: str) -> str:
        """:data:`PASSWORD_ROLE`, a superuser that logs in with ``password`` only."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (PASSWORD_ROLE,)
            ).fetchone()
            conn.execute(
                sql.SQL("{} ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
                    sql.SQL("ALTER" if exists else "CREATE"),
                    sql.Identifier(PASSWORD_ROLE),
                    sql.Literal(password),
                )
            )
        return PASSWORD_ROLE

    @contextmanager
    def tls(self) -> Iterator[Path]:
        """TLS on, with a certificate for 127.0.0.1 from a throwaway CA, while the block
        runs; yields the CA's file, the root a client names in ``sslrootcert``. Off again
        afterwards, so other tests pay no handshake."""
        import psycopg

        ca_file = self._certificates()
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET ssl = on")
            conn.execute("SELECT pg_reload_conf()")
        try:
            for _ in range(500):  # the server rereads its settings soon after the signal
                try:
                    psycopg.connect(self.url("postgres") + "?sslmode=require").close()
                    break
                except psycopg.OperationalError:
                    time.sleep(0.02)
            else:
                raise ServerError(f"TLS did not come up: {self.root / 'server.log'}")
            yield ca_file
        finally:
            with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
                conn.execute("ALTER SYSTEM RESET ssl")
                conn.execute("SELECT pg_reload_conf()")

    def _certificates(self) -> Path:
        """The server's certificate and key (once), named in its settings; the CA's file."""
        ca_file = self.root / "ca.pem"
        if ca_file.exists():
            return ca_file
        import psycopg
        import trustme

        ca = trustme.CA()
        issued = ca.issue_cert("127.0.0.1", "localhost")
        cert, key = self.root / "server.crt", self.root / "server.key"
        issued.cert_chain_pems[0].write_to_path(str(cert))
        issued.private_key_pem.write_to_path(str(key))
        key.chmod(0o600)  # the server refuses a key others may read
        if self.as_postgres:
            for path in (cert, key):
                shutil.chown(path, "postgres", "postgres")
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"ALTER SYSTEM SET ssl_cert_file = '{cert}'")
            conn.execute(f"ALTER SYSTEM SET ssl_key_file = '{key}'")
        ca.cert_pem.write_to_path(str(ca_file))
        return ca_file

    def fresh_database(self) -> str:
        """The URL of the test database, with its schema (once migrated) and no rows.

        Connections a finished test left behind are ended first, so none of them holds a
        lock the emptying would wait for.
        """
        import psycopg

        if not self.created:
            with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
            self.created = True
            return self.url(DATABASE)
        with psycopg.connect(self.url(DATABASE), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            tables = [
                f'"{name}"'
                for (name,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'schema_migration'"
                )
            ]
            if tables:
                conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return self.url(DATABASE)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
