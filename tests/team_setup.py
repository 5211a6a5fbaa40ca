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
