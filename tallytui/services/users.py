"""People and their roles: consultants track their own time, approvers approve the
projects they own or are named for, finance invoices, admins do everything.

On PostgreSQL each person is also a login role in the group of their role (see
``store/team_roles.py``), and the login is who acts: the database holds them to their
role whatever program they use."""

from __future__ import annotations

from ..domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..domain.names import check_user_name
from ..store import team_roles
from ..store.db import is_sqlite, write_transaction
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


def add(actor: str, name: str, role: str = "consultant", password: str | None = None) -> UserView:
    """A new person (admins only); on PostgreSQL also their login (``password`` for
    password authentication, none for peer or certificate authentication)."""
    name = check_user_name(name)
    _check_role(role)
    if not is_sqlite() and len(name.encode()) > team_roles.NAME_LIMIT:
        raise InvalidInput(f"user: {name!r} is longer than a PostgreSQL login may be (63 bytes)")
    with write_transaction():
        lookup.organisation()
        permissions.require(lookup.user(actor), "user.write")
        if User.select().where(User.name == name).exists():
            raise Conflict(f"user {name!r} exists already")
        row = User.create(name=name, role=role, created_at=now_utc())
        if not is_sqlite():
            team_roles.add_login(name, role, password)
        return view(row)


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
        if not is_sqlite():
            team_roles.move_login(person.name, role)
        return view(person)


def remove(actor: str, name: str) -> UserView:
    """End someone's access (admins only): their login is disabled, their time, approvals
    and invoices stay as they are."""
    with write_transaction():
        permissions.require(lookup.user(actor), "user.write")
        person = lookup.user(name)
        if person.name == actor:
            raise Conflict(f"{actor} cannot remove themselves; another admin does it")
        if is_sqlite():
            raise Conflict(
                "a SQLite database has no logins to disable: its file's permissions say who "
                "may use it"
            )
        team_roles.disable_login(person.name)
        return view(person)


def upgrade_team(actor: str) -> list[UserView]:
    """Bring a team database made before logins to the model of one login per person:
    everyone gets a login role of their name in the group of their role (no password:
    the admin sets one, or the server authenticates them by peer or certificate)."""
    if is_sqlite():
        raise Conflict("only a PostgreSQL team database has logins to upgrade")
    with write_transaction():
        permissions.require(lookup.user(actor), "user.write")
        people = list(User.select().order_by(User.name))
        for person in people:
            team_roles.add_login(person.name, person.role, None)
        return [view(person) for person in people]


def list_all() -> list[UserView]:
    with db.atomic():
        return [view(row) for row in User.select().order_by(User.name)]


def identify(requested: str | None) -> str | None:
    """Who acts on a team database: its login. ``requested`` (``--user``) may only name
    that login; a superuser session (the server's maintenance login, which may become
    anyone anyway) acts as whom it names. None on SQLite and for a superuser."""
    if is_sqlite():
        return None
    with db.atomic():
        login, superuser = team_roles.session_login()
    if superuser:
        return None
    if requested is not None and requested != login:
        raise PermissionDenied(
            f"you are logged in as {login}: on a team database you act as your login, "
            f"not as {requested} (--user / TALLY_USER)"
        )
    return login


def check_actor(name: str) -> None:
    """Refuse an acting user the organisation does not know (before anything is read)."""
    with db.atomic():
        if lookup.organisation_or_none() is None:
            return
        try:
            lookup.user(name)
        except NotFound:
            if is_sqlite():
                raise
            raise NotFound(
                f"the login {name} is not a tally user of this team; an admin adds it with "
                f"`tally user add {name} --role consultant`"
            ) from None
