"""``tally timesheet``: locking time so that it can be billed."""

from __future__ import annotations

import click

from .app import emit_json, settings, table


@click.group()
def timesheet():
    """Lock and unlock timesheets; see where everyone stands."""


@timesheet.command("lock")
@click.option("--until", required=True, metavar="DATE", help="Last day to lock, inclusive.")
@click.option("--user", "owner", default=None, help="Whose timesheet (default: yours).")
def timesheet_lock(until, owner):
    """Lock time up to and including a day: it can be billed and no longer changes."""
    from ..services import timesheets
    from . import parse

    s = settings()
    s.open()
    view = timesheets.lock(s.actor, parse.day(until, "--until"), owner)
    click.echo(f"{view.name}'s timesheet is locked until {view.locked_until}")


@timesheet.command("unlock")
@click.option(
    "--until",
    required=True,
    metavar="DATE",
    help="Keep the lock up to this day; later days open again.",
)
@click.option("--user", "owner", default=None, help="Whose timesheet (default: yours).")
def timesheet_unlock(until, owner):
    """Move the lock back; billed and approved time stays protected."""
    from ..services import timesheets
    from . import parse

    s = settings()
    s.open()
    view = timesheets.unlock(s.actor, parse.day(until, "--until"), owner)
    click.echo(f"{view.name}'s timesheet is locked until {view.locked_until}")


@timesheet.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def timesheet_status(as_json):
    """Per person: locked until, and uninvoiced hours open, locked and approved."""
    from ..services import timesheets
    from .output import hours

    settings().open()
    rows = timesheets.status()
    if as_json:
        emit_json(
            [
                {
                    "user": r.user,
                    "role": r.role,
                    "locked_until": r.locked_until.isoformat() if r.locked_until else None,
                    "open_hours": hours(r.open_seconds),
                    "locked_hours": hours(r.locked_seconds),
                    "approved_hours": hours(r.approved_seconds),
                }
                for r in rows
            ]
        )
        return
    click.echo(
        table(
            ["User", "Role", "Locked until", "Open h", "Locked h", "Approved h"],
            [
                [
                    r.user,
                    r.role,
                    r.locked_until.isoformat() if r.locked_until else "never",
                    hours(r.open_seconds),
                    hours(r.locked_seconds),
                    hours(r.approved_seconds),
                ]
                for r in rows
            ],
            right={3, 4, 5},
        )
    )
