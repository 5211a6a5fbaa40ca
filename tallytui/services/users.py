"""People and their roles."""

from __future__ import annotations

from ..domain.errors import Conflict, InvalidInput
from ..domain.names import check_user_name
from ..store.db import write_transaction
from ..store.models import User, db
from . import lookup
from .clock import now_utc
from .views import UserView

ROLES = ("consultant", "approver", "finance", "admin")


def view(row: User) -> UserView:
    return UserView(name=row.name, role=row.role, locked_until=row.locked_until)


def add(name: str, role: str = "consultant") -> UserView:
    name = check_user_name(name)
    if role not in ROLES:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(ROLES)}")
    with write_transaction():
        lookup.organisation()
        if User.select().where(User.name == name).exists():
            raise Conflict(f"user {name!r} exists already")
        return view(User.create(name=name, role=role, created_at=now_utc()))


def list_all() -> list[UserView]:
    with db.atomic():
        return [view(row) for row in User.select().order_by(User.name)]
