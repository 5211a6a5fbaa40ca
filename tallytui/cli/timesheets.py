"""``tally timesheet``: locking time so that it can be billed, and approving it."""

from __future__ import annotations

import click

from .app import emit_json, settings, table


@click.group()
def timesheet():
    """Lock, unlock and approve timesheets; see where everyone stands."""


@timesheet.command("lock")
@click.option("--until", required=True, metavar="DATE", help="Last day to lock, inclusive.")
@click.option("--user", "owner", default=None, help="Whose timesheet (default: yours).")
@click.option("--future", is_flag=True, help="Lock days after today too (refused without it).")
def timesheet_lock(until, owner, future):
    """Lock time up to and including a day: it can be billed and no longer changes.

    A lock reaching past today takes --future: days that have not happened yet take no
    time once locked."""
    from ..domain.errors import InvalidInput
    from ..domain.timesheet import days_ahead
    from ..services import org, timesheets
    from . import parse

    s = settings()
    s.open()
    last = parse.day(until, "--until")
    ahead = days_ahead(last, org.today())
    if ahead and not future:
        raise InvalidInput(f"--until: {ahead}; give --future to lock them anyway")
    move = timesheets.lock_move(owner or s.actor, last)
    view = timesheets.lock(s.actor, last, owner)
    click.echo(f"{view.name}'s timesheet is locked until {view.locked_until}")
    click.echo(move.describe())


@timesheet.command("unlock")
@click.option(
    "--until",
    required=True,
    metavar="DATE",
    help="Keep the lock up to this day; later days open again.",
)
@click.option("--user", "owner", default=None, help="Whose timesheet (default: yours).")
def timesheet_unlock(until, owner):
    """Move the lock back (admins only); billed and approved time stays protected."""
    from ..services import timesheets
    from . import parse

    s = settings()
    s.open()
    day = parse.day(until, "--until")
    move = timesheets.lock_move(owner or s.actor, day)
    view = timesheets.unlock(s.actor, day, owner)
    click.echo(f"{view.name}'s timesheet is locked until {view.locked_until}")
    click.echo(move.describe())


def _scope(owner, project, first, until):
    from ..services.approvals import Scope
    from . import parse

    return Scope(owner, project, parse.day(first, "--from"), parse.day(until, "--until"))


def _report(outcome, verb: str, as_json: bool) -> None:
    from .output import entry_json, hours

    if as_json:
        emit_json(
            {
                "hours": hours(outcome.seconds),
                "people": list(outcome.people),
                "entries": [entry_json(e) for e in outcome.entries],
                "locked_until": {
                    name: day.isoformat() if day else None for name, day in outcome.locks
                },
            }
        )
        return
    count = len(outcome.entries)
    click.echo(
        f"{verb} {hours(outcome.seconds)} h in {count} entr{'y' if count == 1 else 'ies'} of "
        f"{', '.join(outcome.people)}"
    )


_SCOPE_OPTIONS = [
    click.option("--from", "first", default=None, metavar="DATE", help="First day (default: any)."),
    click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
]


def scope_options(func):
    for option in reversed(_SCOPE_OPTIONS):
        func = option(func)
    return func


@timesheet.command("approve")
@click.option("--project", required=True, help="The project whose time you approve.")
@click.option("--until", required=True, metavar="DATE", help="Last day to approve, inclusive.")
@click.option("--user", "owner", default=None, help="Whose time (default: everyone's).")
@scope_options
def timesheet_approve(project, until, owner, first, as_json):
    """Approve locked time of a project you approve (its approver, its owner or an admin)."""
    from ..services import approvals

    s = settings()
    s.open()
    outcome = approvals.approve(s.actor, _scope(owner, project, first, until))
    _report(outcome, "approved", as_json)


@timesheet.command("send-back")
@click.option("--user", "owner", required=True, help="Whose time goes back.")
@click.option("--until", required=True, metavar="DATE", help="Last day to send back, inclusive.")
@click.option("--comment", required=True, help="What needs fixing.")
@click.option("--project", default=None, help="Only this project (default: all you approve).")
@scope_options
def timesheet_send_back(owner, until, comment, project, first, as_json):
    """Return locked time to its owner with a comment: its approval is cleared and their
    lock moves back before it, so they can fix it and lock it again."""
    from ..services import approvals

    s = settings()
    s.open()
    scope = _scope(owner, project, first, until)
    moves = approvals.send_back_preview(s.actor, scope)
    outcome = approvals.send_back(s.actor, scope, comment)
    _report(outcome, "sent back", as_json)
    if not as_json:
        for move in moves:
            click.echo(move.describe())


@timesheet.command("withdraw")
@click.option("--until", required=True, metavar="DATE", help="Last day, inclusive.")
@click.option("--project", default=None, help="Only this project (default: all you approve).")
@click.option("--user", "owner", default=None, help="Whose time (default: everyone's).")
@scope_options
def timesheet_withdraw(until, project, owner, first, as_json):
    """Withdraw approvals of time not yet invoiced; it waits for approval again."""
    from ..services import approvals

    s = settings()
    s.open()
    outcome = approvals.withdraw(s.actor, _scope(owner, project, first, until))
    _report(outcome, "withdrew the approval of", as_json)


@timesheet.command("approvals")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def timesheet_approvals(as_json):
    """Time you approve, per person and week: waiting, and approved but not invoiced."""
    from ..services import approvals
    from .output import hours

    s = settings()
    s.open()
    groups = approvals.approvals(s.actor)
    if as_json:
        emit_json(
            [
                {
                    "user": g.user,
                    "week_start": g.first.isoformat(),
                    "week_end": g.last.isoformat(),
                    "projects": list(g.projects),
                    "pending_approval_hours": hours(g.pending_seconds),
                    "approved_hours": hours(g.approved_seconds),
                    "pending_entries": [entry_id for entry_id, _ in g.pending],
                    "approved_entries": [entry_id for entry_id, _ in g.approved],
                }
                for g in groups
            ]
        )
        return
    click.echo(
        table(
            ["User", "Week", "Projects", "Waiting h", "Approved h"],
            [
                [
                    g.user,
                    f"{g.first} – {g.last}",
                    ", ".join(g.projects),
                    hours(g.pending_seconds),
                    hours(g.approved_seconds),
                ]
                for g in groups
            ],
            right={3, 4},
        )
    )


@timesheet.command("log")
@click.option("--user", "owner", default=None, help="Only this person's timesheet.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def timesheet_log(owner, limit, as_json):
    """Who locked, unlocked, approved, sent back or withdrew whose time, and when."""
    from ..domain.localtime import format_utc
    from ..services import timesheets

    settings().open()
    events = timesheets.history(owner, limit)
    rows = [
        {
            "at": format_utc(e.at),
            "user": e.user,
            "action": e.action,
            "until": e.until.isoformat(),
            "project": e.project,
            "by": e.actor,
            "comment": e.comment,
        }
        for e in events
    ]
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            ["At", "User", "Action", "Until", "Project", "By", "Comment"],
            [
                [
                    r["at"],
                    r["user"],
                    r["action"],
                    r["until"],
                    r["project"] or "",
                    r["by"] or "",
                    r["comment"],
                ]
                for r in rows
            ],
        )
    )


@timesheet.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def timesheet_status(as_json):
    """Per person: locked until, and uninvoiced hours open, locked (of which waiting for
    approval) and approved."""
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
                    "pending_approval_hours": hours(r.pending_approval_seconds),
                    "approved_hours": hours(r.approved_seconds),
                }
                for r in rows
            ]
        )
        return
    click.echo(
        table(
            ["User", "Role", "Locked until", "Open h", "Locked h", "Waiting h", "Approved h"],
            [
                [
                    r.user,
                    r.role,
                    r.locked_until.isoformat() if r.locked_until else "never",
                    hours(r.open_seconds),
                    hours(r.locked_seconds),
                    hours(r.pending_approval_seconds),
                    hours(r.approved_seconds),
                ]
                for r in rows
            ],
            right={3, 4, 5, 6},
        )
    )
