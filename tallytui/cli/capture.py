"""``tally capture`` and ``tally sessions``: automatic time from saves and visits."""

from __future__ import annotations

import click

from .app import emit_json, settings


@click.group(invoke_without_command=True)
@click.option(
    "--once",
    is_flag=True,
    help="Record what is pending (saves since the last run, browser history) and exit.",
)
@click.option(
    "--idle",
    type=click.IntRange(1, 240),
    default=None,
    metavar="MINUTES",
    help="A pause longer than this ends a session (default 15).",
)
@click.option("--no-browsers", is_flag=True, help="Do not read browser history.")
@click.pass_context
def capture(ctx, once, idle, no_browsers):
    """Record saves in watched folders and visits to project URLs, as sessions.

    Runs in the foreground until Ctrl-C; --once catches up and exits (for cron or scripts).
    """
    if ctx.invoked_subcommand is not None:
        return
    import signal
    import threading

    from ..services import capture as capture_service
    from ..services import capture_run

    s = settings()
    s.open()
    seconds = capture_service.idle_seconds(idle)
    if once:
        batch = capture_run.catch_up(s.actor, seconds)
        click.echo(
            f"recorded {batch.stored} heartbeats from {batch.saves} saves; "
            f"{batch.sessions} sessions updated"
        )
        if not no_browsers:
            capture_run.read_browsers(s.actor, click.echo, seconds)
        return
    rules = capture_service.rules()
    click.echo(
        f"capturing for {s.actor}: {len(rules.folders)} watched folders, "
        f"{len(rules.urls)} URL patterns, idle {seconds // 60} min (Ctrl-C stops)"
    )
    stop = threading.Event()
    # A service manager's stop ends capture as Ctrl-C does. Setting the event in the
    # handler instead could deadlock: the handler runs on the main thread, which may be
    # holding that event's lock inside stop.wait().
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        capture_run.run(s.actor, stop, click.echo, seconds, browsers=not no_browsers)
    except KeyboardInterrupt:
        stop.set()
    click.echo("capture stopped")


@capture.command("browser")
@click.option("--firefox", multiple=True, metavar="PATH", help="A Firefox places.sqlite.")
@click.option("--chromium", multiple=True, metavar="PATH", help="A Chromium-family History file.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def capture_browser(firefox, chromium, as_json):
    """Import visits to project URLs from browser history now (found automatically, or
    the files given)."""
    from pathlib import Path

    from ..services.browser_import import import_history

    s = settings()
    s.open()
    given = bool(firefox or chromium)
    summary = import_history(
        s.actor,
        firefox=[Path(p) for p in firefox] if given else None,
        chromium=[Path(p) for p in chromium] if given else None,
    )
    if as_json:
        emit_json(summary.__dict__)
        return
    click.echo(
        f"read {summary.profiles} browser profiles: {summary.visits_seen} new visits, "
        f"{summary.visits_kept} matching a project, {summary.heartbeats} heartbeats "
        f"stored, {summary.sessions} sessions updated"
    )


@capture.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def capture_status(as_json):
    """What capture watches, when it last recorded something, and what is missing."""
    from ..domain.localtime import format_utc
    from ..services.capture import status

    settings().open()
    found = status()
    last = format_utc(found.last_heartbeat) if found.last_heartbeat else None
    if as_json:
        emit_json(
            {
                "last_heartbeat": last,
                "url_patterns": found.url_patterns,
                "folders": [f.__dict__ for f in found.folders],
            }
        )
        return
    click.echo(f"last heartbeat: {last or 'none yet'}")
    click.echo(f"URL patterns: {found.url_patterns}")
    click.echo(f"watched folders: {len(found.folders)}")
    for f in found.folders:
        click.echo(f"  {f.project}  {f.path}{'' if f.exists else '  (missing)'}")


@click.group()
def sessions():
    """Captured sessions."""


@sessions.command("rebuild")
@click.option("--from", "first", default=None, metavar="DATE", help="First day to rebuild.")
@click.option(
    "--idle",
    type=click.IntRange(1, 240),
    default=None,
    metavar="MINUTES",
    help="Idle timeout to split sessions with (default: the setting, 15).",
)
@click.option("--user", "owner", default=None, help="Only this person's sessions.")
def sessions_rebuild(first, idle, owner):
    """Derive open captured sessions again from the stored heartbeats; locked, approved and
    invoiced sessions are never touched."""
    from ..services import capture as capture_service
    from . import parse

    s = settings()
    s.open()
    result = capture_service.rebuild(
        s.actor, parse.day(first, "--from"), capture_service.idle_seconds(idle), owner
    )
    click.echo(f"rebuilt {result.sessions} sessions from {result.stored} heartbeats")
