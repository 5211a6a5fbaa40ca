"""The ``tally`` click group. A command's module is imported only when that command runs
(or help lists it), and command modules import services lazily inside each command, so
``tally --help`` does not pay for the commands it does not use."""

from __future__ import annotations

import click

from .app import TallyGroup
from .completion import completer
from .settings import DATABASE, USER, GlobalOption, Settings

# Command name -> "module:function" inside this package, in the order help lists them.
COMMANDS = {
    "init": "setup:init",
    "demo": "setup:demo",
    "backup": "setup:backup",
    "user": "setup:user",
    "team": "setup:team",
    "org": "org:org",
    "client": "clients:client",
    "project": "projects:project",
    "entry": "entries:entry",
    "expense": "entries:expense",
    "timesheet": "timesheets:timesheet",
    "start": "timer:start",
    "stop": "timer:stop",
    "status": "timer:status",
    "cancel": "timer:cancel",
    "invoice": "invoices:invoice",
    "invoicing": "invoicing:invoicing",
    "report": "reports:report",
    "capture": "capture:capture",
    "sessions": "capture:sessions",
    "import": "transfer:import_file",
    "export": "transfer:export",
    "config": "config:config",
}


def global_option(option: GlobalOption):
    """The click option for one of the options every command takes."""
    return click.option(
        option.flag,
        option.field,
        envvar=option.variable,
        metavar=option.metavar,
        help=option.help,
        shell_complete=completer("users") if option is USER else None,
    )


@click.group(
    cls=TallyGroup,
    commands_at=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@global_option(DATABASE)
@global_option(USER)
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
