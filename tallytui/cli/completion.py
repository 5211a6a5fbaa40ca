"""Values for click's shell completion (``_TALLY_COMPLETE``): project, client and user
names and invoice numbers, read from the database the command line names. Completion
never creates, migrates or changes a database, and a database it cannot read completes
nothing rather than printing an error into the shell.

The parameters get their completer by name here (``attach``), when the group loads a
command, rather than at each of their declarations across the command modules."""

from __future__ import annotations

import os

QUERIES = {
    "projects": "SELECT name FROM project WHERE NOT archived ORDER BY name",
    "clients": "SELECT name FROM client WHERE NOT archived ORDER BY name",
    "users": "SELECT name FROM app_user ORDER BY name",
    "invoices": "SELECT number FROM invoice ORDER BY number DESC",
}
# Parameter name -> what completes it. ``name`` depends on the group it is in.
BY_PARAMETER = {
    "project": "projects",
    "client": "clients",
    "owner": "users",
    "user_name": "users",
    "approver": "users",
    "number": "invoices",
    "into": "invoices",
}
NAMED_BY_GROUP = {"project": "projects", "client": "clients", "user": "users"}


def _names(ctx, kind: str) -> list[str]:
    from ..locations import resolve_url

    url = resolve_url(ctx.find_root().params.get("db_url"))
    try:
        if url.startswith(("postgresql://", "postgres://")):
            return _postgres_names(url, QUERIES[kind])
        return _sqlite_names(url, QUERIES[kind])
    except Exception:  # noqa: BLE001  (a shell's tab key shows no traceback)
        return []


def _sqlite_names(url: str, sql: str) -> list[str]:
    import sqlite3

    path = os.path.expanduser(url.removeprefix("sqlite:///"))
    if not os.path.isfile(path):
        return []  # never create a database to complete a word
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2) as connection:
        return [name for (name,) in connection.execute(sql)]


def _postgres_names(url: str, sql: str) -> list[str]:
    from ..store.db import open_database

    database = open_database(url, upgrade=False, create=False)
    try:
        return [name for (name,) in database.execute_sql(sql).fetchall()]
    finally:
        database.close()


def completer(kind: str):
    """A click ``shell_complete`` callback for one kind of name."""

    def complete(ctx, param, incomplete: str) -> list[str]:
        return [name for name in _names(ctx, kind) if name.startswith(incomplete)]

    return complete


def attach(command, group_name: str | None = None) -> None:
    """Give ``command``'s parameters (and its subcommands', for a group) their completers,
    unless one is set already."""
    import click

    for param in command.params:
        kind = BY_PARAMETER.get(param.name)
        if param.name == "name" and command.name != "add":
            kind = NAMED_BY_GROUP.get(group_name or "")
        if kind and param._custom_shell_complete is None:
            param._custom_shell_complete = completer(kind)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            attach(sub, command.name)
