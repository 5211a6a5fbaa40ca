"""People as PostgreSQL roles: each tally user logs in as the role of their name, a member
of the group role of their tally role (``tally_consultant`` … ``tally_admin``), whose
privileges, row-level security and triggers (migration 0010) say what they may do.

Admins add and move people, so an admin's login has CREATEROLE (an attribute, which
membership never passes on) and ADMIN OPTION on every group (what granting a group takes
where CREATEROLE alone no longer does, from PostgreSQL 16).
"""

from __future__ import annotations

from peewee import __exception_wrapper__

from .models import db

GROUPS = {role: f"tally_{role}" for role in ("consultant", "approver", "finance", "admin")}
NAME_LIMIT = 63  # PostgreSQL cuts longer role names, and the login would not match


def _execute(query, params=None):
    """Run one statement on the transaction's connection (psycopg composes the names)."""
    with __exception_wrapper__:
        return db.obj.connection().execute(query, params)


def session_login() -> tuple[str, bool]:
    """The login of this connection and whether it is a superuser (the server's
    maintenance login, which PostgreSQL lets become anyone)."""
    row = _execute(
        "SELECT session_user, rolsuper FROM pg_roles WHERE rolname = session_user"
    ).fetchone()
    return row[0], bool(row[1])


def _exists(name: str) -> bool:
    return _execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def add_login(name: str, role: str, password: str | None) -> None:
    """A login role ``name`` in the group of ``role`` (an existing role of that name, made
    for peer or certificate authentication, say, becomes the login)."""
    from psycopg import sql

    person = sql.Identifier(name)
    verb = "ALTER" if _exists(name) else "CREATE"
    _execute(sql.SQL(verb + " ROLE {} LOGIN").format(person))
    if password is not None:
        # Only the SCRAM verifier travels and may reach a log, never the password itself.
        verifier = db.obj.connection().pgconn.encrypt_password(
            password.encode(), name.encode(), b"scram-sha-256"
        )
        secret = sql.Literal(verifier.decode())
        _execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(person, secret))
    move_login(name, role)


def move_login(name: str, role: str) -> None:
    """Put the login in the group of ``role`` only (admins: every group, to grant them)."""
    from psycopg import sql

    person = sql.Identifier(name)
    groups = sql.SQL(", ").join(sql.Identifier(group) for group in GROUPS.values())
    _execute(sql.SQL("REVOKE {} FROM {}").format(groups, person))
    if role == "admin":
        _execute(sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(groups, person))
        _execute(sql.SQL("ALTER ROLE {} CREATEROLE").format(person))
    else:
        _execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUPS[role]), person))
        _execute(sql.SQL("ALTER ROLE {} NOCREATEROLE").format(person))


def disable_login(name: str) -> None:
    """The person can no longer log in; their role, and so their history, stays."""
    from psycopg import sql

    if _exists(name):
        _execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(name)))
