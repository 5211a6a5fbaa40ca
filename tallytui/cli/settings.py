"""What every command and the terminal interface share, without click: the global
options, opening the database, and refusals turned into one ``error:`` line."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, NoReturn


class GlobalOption(NamedTuple):
    """An option every command takes: its flag, the field of :class:`Settings` it sets,
    the environment variable that stands in for it, and how help names and explains it.
    (A named tuple: a dataclass would cost the interface's start-up half a millisecond to
    make.)"""

    flag: str
    field: str
    variable: str
    metavar: str
    help: str


DATABASE = GlobalOption(
    "--db", "db_url", "TALLY_DB", "URL", "SQLite file or postgresql:// URL (env TALLY_DB)."
)
USER = GlobalOption(
    "--user",
    "user_name",
    "TALLY_USER",
    "NAME",
    "Acting user (env TALLY_USER; default: your login name).",
)


@dataclass
class Settings:
    db_url: str | None
    user_name: str | None
    login: str | None = None  # on a team database: the login, once opened

    @property
    def actor(self) -> str:
        """Who acts: the login on a team database; else ``--user``, or the login name of
        the URL, or the OS login."""
        return self.login or self.user_name or _url_user(self.db_url) or getpass.getuser()

    def open(self, create: bool = False) -> None:
        """Open (and migrate) the database; every command that touches data calls this.
        Only ``tally init`` creates it: any other command refuses a file that is not there.

        Once the organisation exists, an acting user it does not know is refused here, so
        nobody reads a team's data under a name that was never added. On a team database
        the acting user is the login, and ``--user`` naming anyone else is refused.
        """
        from ..services.users import check_actor, identify
        from ..store.db import open_database

        open_database(self.db_url, create=create)
        self.login = identify(self.user_name)
        check_actor(self.actor)


def _url_user(url: str | None) -> str | None:
    """The user a ``postgresql://`` URL logs in as, if it names one (else libpq's PGUSER)."""
    if not url or not url.startswith(("postgresql://", "postgres://")):
        return None
    credentials, at, _ = url.split("://", 1)[1].rpartition("@")
    named = credentials.split(":", 1)[0] if at else ""
    return named or os.environ.get("PGUSER") or None


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


@contextmanager
def refusals() -> Iterator[None]:
    """A refused operation or a database that cannot be used ends with exit code 1 and
    one line saying why, not a traceback."""
    from ..domain.errors import TallyError

    try:
        yield
    except TallyError as exc:
        fail(str(exc))
    except Exception as exc:
        from peewee import DatabaseError, InterfaceError

        if isinstance(exc, (DatabaseError, InterfaceError)):
            first_line = str(exc).strip().splitlines()[:1]
            fail(f"database: {first_line[0] if first_line else type(exc).__name__}")
        raise
