"""People and their roles: consultants track their own time, approvers approve the
projects they own or are named for, finance invoices, admins do everything."""

from __future__ import annotations

from ..domain.errors import Conflict, InvalidInput
from ..domain.names import check_user_name
from ..store.db import write_transaction
from ..store.models import User, db
from . import lookup, permissions
from .clock import now_utc
from .views import UserView

ROLES = ("consultant", "approver", "finance", "admin")


def view(row: User) -> UserView:
    return UserView(name=row.name, role=row.role, locked_until=row.locked_until)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(ROLES)}")
    return role


def add(actor: str, name: str, role: str = "consultant") -> UserView:
    """A new person (admins only)."""
    name = check_user_name(name)
    _check_role(role)
    with write_transaction():
        lookup.organisation()
        permissions.require(lookup.user(actor), "user.write")
        if User.select().where(User.name == name).exists():
            raise Conflict(f"user {name!r} exists already")
        return view(User.create(name=name, role=role, created_at=now_utc()))


def set_role(actor: str, name: str, role: str) -> UserView:
    """Change someone's role (admins only); the last admin stays an admin."""
    _check_role(role)
    with write_transaction():
        permissions.require(lookup.user(actor), "user.write")
        person = lookup.user(name, hold="update")
        admins = User.select().where(User.role == "admin")
        if person.role == "admin" and role != "admin" and admins.count() == 1:
            raise Conflict(f"{person.name} is the only admin; make someone else admin first")
        person.role = role
        person.save(only=[User.role])
        return view(person)


def list_all() -> list[UserView]:
    with db.atomic():
        return [view(row) for row in User.select().order_by(User.name)]


def check_actor(name: str) -> None:
    """Refuse an acting user the organisation does not know (before anything is read)."""
    with db.atomic():
        if lookup.organisation_or_none() is not None:
            lookup.user(name)
