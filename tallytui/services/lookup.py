"""Finding rows by the names users type, with errors that say what exists instead."""

from __future__ import annotations

from ..domain.errors import NotFound
from ..store.models import Client, Organisation, Project, User


def _known(model, field) -> str:
    names = [row[0] for row in model.select(field).order_by(field).limit(8).tuples()]
    return f" (known: {', '.join(names)})" if names else ""


def organisation() -> Organisation:
    org = Organisation.select().order_by(Organisation.id).first()
    if org is None:
        raise NotFound("no organisation yet: run `tally init --org NAME --code CODE` first")
    return org


def user(name: str) -> User:
    row = User.get_or_none(User.name == name)
    if row is None:
        raise NotFound(
            f"unknown user {name!r}{_known(User, User.name)}; an admin adds people with "
            "`tally user add NAME`"
        )
    return row


def client(name: str) -> Client:
    row = Client.get_or_none(Client.name == name)
    if row is None:
        raise NotFound(f"unknown client {name!r}{_known(Client, Client.name)}")
    return row


def project(name: str) -> Project:
    row = Project.get_or_none(Project.name == name)
    if row is None:
        raise NotFound(f"unknown project {name!r}{_known(Project, Project.name)}")
    return row
