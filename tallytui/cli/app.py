"""What the commands share: the group that imports each command when it runs, its
settings, refusals as exit code 1, and output as JSON or an aligned table."""

from __future__ import annotations

import importlib
import json

import click

from .settings import Settings, refusals


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
        from .completion import attach

        module, attribute = self.commands_at[name].split(":")
        command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        attach(command)
        return command

    def invoke(self, ctx: click.Context):
        with refusals():
            return super().invoke(ctx)


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
