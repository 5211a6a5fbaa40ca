"""What every command shares: settings, opening the database, turning errors into exit 1."""

from __future__ import annotations

import getpass
import importlib
import json
import sys
from dataclasses import dataclass

import click


@dataclass
class Settings:
    db_url: str | None
    user_name: str | None

    @property
    def actor(self) -> str:
        return self.user_name or getpass.getuser()

    def open(self) -> None:
        """Open (and migrate) the database; every command that touches data calls this.

        Once the organisation exists, an acting user it does not know is refused here, so
        nobody reads a team's data under a name that was never added.
        """
        from ..services.users import check_actor
        from ..store.db import open_database

        open_database(self.db_url)
        check_actor(self.actor)


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class TallyGroup(click.Group):
    """Refused operations end with one ``error:`` line on stderr and exit code 1.

    Commands are named up front and imported when used (click's lazily loaded subcommands).
    """

    def __init__(self, *args, commands_at: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commands_at = commands_at

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands_at)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands_at:
            return None
        module, attribute = self.commands_at[name].split(":")
        return getattr(importlib.import_module(f"{__package__}.{module}"), attribute)

    def invoke(self, ctx: click.Context):
        from ..domain.errors import TallyError

        try:
            return super().invoke(ctx)
        except TallyError as exc:
            fail(str(exc))
        except Exception as exc:
            from peewee import DatabaseError, InterfaceError

            if isinstance(exc, (DatabaseError, InterfaceError)):
                first_line = str(exc).strip().splitlines()[:1]
                fail(f"database: {first_line[0] if first_line else type(exc).__name__}")
            raise


def settings() -> Settings:
    return click.get_current_context().find_object(Settings)


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """A plain aligned table for terminals; numbers right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells):
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])
