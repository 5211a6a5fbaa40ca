"""Finding rows by the names users type, with errors that say what exists instead."""

from __future__ import annotations

from ..domain.errors import NotFound
from ..store.db import locking
from ..store.models import Client, Organisation, Project, User


def _known(model, field) -> str:
    names = [row[0] for row in model.select(field).order_by(field).limit(8).tuples()]
    return f" (known: {', '.join(names)})" if names else ""


def organisation_or_none() -> Organisation | None:
    return Organisation.select().order_by(Organisation.id).first()


def organisation() -> Organisation:
    org = organisation_or_none()
    if org is None:
        raise NotFound("no organisation yet: run `tally init --org NAME --code CODE` first")
    return org


def user(name: str, *, hold: str | None = None) -> User:
    """The named person. ``hold`` ("share" or "update") keeps their row to the end of the
    transaction, so their lock date cannot move while a writer relies on it (PostgreSQL;
    SQLite writers hold the whole database)."""
    query = User.select().where(User.name == name)
    if hold is not None:
        query = locking(query, share=hold == "share")
    row = query.first()
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


def hold_users(ids, *, share: bool) -> dict[int, User]:
    """People by id with their rows held, taken in id order: every writer takes people
    before time entries, and in the same order, so two writers never wait for each other."""
    query = User.select().where(User.id.in_(sorted(set(ids)))).order_by(User.id)
    return {row.id: row for row in locking(query, share=share)}
