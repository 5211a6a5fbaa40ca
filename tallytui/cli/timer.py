"""``tally start``, ``stop``, ``status`` and ``cancel``: the running timer."""

from __future__ import annotations

import click

from .app import settings

AT_HELP = "HH:MM today, or YYYY-MM-DD HH:MM (local unless it has an offset); default: now."


def _at(text: str | None, option: str) -> int | None:
    """A moment as ``HH:MM`` (today, in the organisation's time zone) or a full date-time
    (a date has dashes, a time of day none)."""
    if text is None:
        return None
    if "-" in text:
        from . import parse

        return parse.instant(text, option)
    from ..domain.localtime import local_to_utc, parse_clock
    from ..services import org

    return local_to_utc(org.today(), parse_clock(text, option), org.current().timezone, option)


def _stopped_lines(stopped, tz: str) -> list[str]:
    from ..domain.localtime import local_datetime
    from ..domain.timer import LONG_RUN
    from .output import hours

    timer, entry = stopped.timer, stopped.entry
    if entry is None:
        return [
            f"replaced the timer on {timer.project}, started the same second (nothing to record)"
        ]
    end = local_datetime(entry.end_utc, tz)
    lines = [
        f"stopped {timer.project} at {end:%H:%M}: entry {entry.id}, {hours(entry.seconds)} h "
        f"({entry.day.isoformat()})"
    ]
    if stopped.long:
        lines.append(
            f"note: the timer ran more than {LONG_RUN // 3600} hours; if it was left running, "
            f"trim entry {entry.id} in the review (r) or with `tally entry edit {entry.id} --end`"
        )
    return lines


@click.command("start")
@click.argument("project")
@click.option("--description", default="", help="What the time is for.")
@click.option("--at", "at", default=None, metavar="TIME", help="When it started. " + AT_HELP)
def start(project, description, at):
    """Start a timer on PROJECT; a running timer stops at that same moment."""
    from ..domain.localtime import local_datetime
    from ..services import org, timer

    s = settings()
    s.open()
    started = timer.start(s.actor, project, _at(at, "--at"), description)
    tz = org.current().timezone
    if started.stopped is not None:
        for line in _stopped_lines(started.stopped, tz):
            click.echo(line)
    began = local_datetime(started.timer.start_utc, tz)
    click.echo(f"started {started.timer.project} at {began:%H:%M} ({began:%Y-%m-%d})")


@click.command("stop")
@click.option("--at", "at", default=None, metavar="TIME", help="When it ended. " + AT_HELP)
def stop(at):
    """Stop the running timer and record its time as a manual entry."""
    from ..services import org, timer

    s = settings()
    s.open()
    stopped = timer.stop(s.actor, _at(at, "--at"))
    for line in _stopped_lines(stopped, org.current().timezone):
        click.echo(line)


@click.command("cancel")
def cancel():
    """Drop the running timer without recording its time."""
    from ..services import timer

    s = settings()
    s.open()
    gone = timer.cancel(s.actor)
    click.echo(f"cancelled the timer on {gone.project}; nothing was recorded")


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(as_json):
    """The running timer and how long it has run, for a shell prompt or a status line."""
    from ..services import org, timer
    from ..services.clock import now_utc
    from . import status_text

    s = settings()
    s.open()
    view = timer.running(s.actor)
    now = now_utc()
    running = (
        None
        if view is None
        else status_text.Running(
            view.user, view.project, view.client, view.description, view.start_utc
        )
    )
    if as_json:
        click.echo(status_text.as_json(s.actor, running, now))
    else:
        click.echo(status_text.text(running, now, org.current().timezone))
