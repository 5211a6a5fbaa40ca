"""The ``tally`` command line. Command modules import services lazily inside each command,
so ``tally --help`` never pays for the database layer."""

from __future__ import annotations

import sys

import click

from .app import Settings, TallyGroup
from .capture import capture, sessions
from .clients import client
from .entries import entry, expense
from .invoices import invoice
from .invoicing import invoicing
from .projects import project
from .setup import backup, demo, init, user
from .timesheets import timesheet
from .transfer import export, import_file


@click.group(
    cls=TallyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db_url",
    envvar="TALLY_DB",
    metavar="URL",
    help="SQLite file or postgresql:// URL (env TALLY_DB).",
)
@click.option(
    "--user",
    "user_name",
    envvar="TALLY_USER",
    metavar="NAME",
    help="Acting user (env TALLY_USER; default: your login name).",
)
@click.version_option(package_name="tallytui", prog_name="tally")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, user_name: str | None) -> None:
    """Time tracking with invoicing built in.

    Run without a command to open the terminal interface.
    """
    ctx.obj = Settings(db_url=db_url, user_name=user_name)
    if ctx.invoked_subcommand is None:
        from .tui import open_tui

        open_tui(ctx.obj)


for command in (
    init,
    demo,
    backup,
    user,
    client,
    project,
    entry,
    expense,
    timesheet,
    invoice,
    invoicing,
    capture,
    sessions,
    import_file,
    export,
):
    cli.add_command(command)


def main() -> None:
    sys.exit(cli.main(prog_name="tally", standalone_mode=True))
