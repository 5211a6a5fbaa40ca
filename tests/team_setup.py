"""The team most approval tests start from: ada (admin), ava (approver) and cole
(consultant); Globex's Web project needs ava's approval."""

from __future__ import annotations

import os
from decimal import Decimal

from tallytui.services import clients, org, projects, users
from tallytui.store.db import open_database


def approval_team(engine: str):
    """Open ``engine`` and write the team into it; returns the database handle."""
    handle = open_database(engine)
    org.init(org.OrgSettings(name="Acme", code="ACME", address="Hauptstr. 1"), "ada")
    users.add("ada", "ava", "approver")
    users.add("ada", "cole", "consultant")
    clients.add("ada", clients.ClientChanges(name="Globex", address="1 Main St"))
    projects.add(
        "ada",
        projects.ProjectChanges(
            name="Web", client="Globex", rate=Decimal("100"), approval_required=True, approver="ava"
        ),
    )
    return handle


def login_url(url: str, name: str) -> str:
    """The team database's URL logged in as ``name`` (the test server trusts local logins,
    as peer authentication would)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{name}@{rest.rpartition('@')[2]}"


def log_in(name: str) -> None:
    """On PostgreSQL, make this thread's connection the login ``name``, as if it had logged
    in as them: the server holds it to their rights (a superuser may become anyone)."""
    from tallytui.store.db import is_sqlite
    from tallytui.store.models import db

    if not is_sqlite():
        db.connect(reuse_if_open=True)
        db.execute_sql(f'SET SESSION AUTHORIZATION "{name}"')


class AsLogins:
    """``tally`` run, on PostgreSQL, as each person's own login: ``--user NAME`` before
    the command becomes the URL of NAME's login, and a command without it runs as the
    login of ``TALLY_USER`` (``init`` excepted: it runs before there are logins, as the
    server's superuser). On SQLite the arguments go through as they are."""

    def __init__(self, tally, engine: str) -> None:
        self.tally, self.engine = tally, engine
        self.postgres = engine.startswith("postgresql://")

    def _run(self, method, args, **kwargs):
        if not self.postgres or args[:1] == ("init",):
            return method(*args, **kwargs)
        name = os.environ["TALLY_USER"]
        if args[:1] == ("--user",):
            name, args = args[1], args[2:]
        saved = os.environ.pop("TALLY_USER")
        try:
            return method("--db", login_url(self.engine, name), *args, **kwargs)
        finally:
            os.environ["TALLY_USER"] = saved

    def __call__(self, *args: str, **kwargs):
        return self._run(self.tally, args, **kwargs)

    def ok(self, *args: str, **kwargs):
        return self._run(self.tally.ok, args, **kwargs)
