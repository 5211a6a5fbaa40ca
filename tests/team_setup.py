"""The team most approval tests start from: ada (admin), ava (approver) and cole
(consultant); Globex's Web project needs ava's approval."""

from __future__ import annotations

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
