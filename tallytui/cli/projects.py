"""``tally project``: rates, schedules, approval and capture rules."""

from __future__ import annotations

import click

from .app import emit_json, settings, table

_PROJECT_OPTIONS = [
    click.option("--rate", default=None, help="Hourly rate in the client's currency."),
    click.option("--billable/--non-billable", default=None, help="Whether its time is billed."),
    click.option(
        "--schedule", default=None, help="none|weekly|biweekly|monthly|every:N:days|weeks|months"
    ),
    click.option("--schedule-start", default=None, help="Anchor date of the first period."),
    click.option(
        "--watch", multiple=True, metavar="DIR", help="A folder whose saves are this project's."
    ),
    click.option(
        "--url", multiple=True, metavar="PATTERN", help="A URL pattern, e.g. github.com/acme/*."
    ),
    click.option(
        "--approval/--no-approval", default=None, help="Whether locked time needs approval."
    ),
    click.option(
        "--approver",
        default=None,
        metavar="USER",
        help="Who approves its time (default: its owner; none removes the approver).",
    ),
    click.option(
        "--owner", default=None, metavar="USER", help="Who is responsible (default: you)."
    ),
    click.option(
        "--round",
        "rounding",
        default=None,
        metavar="N:up|down|nearest",
        help="Round each entry on invoices (none to switch off).",
    ),
]


def project_options(func):
    for option in reversed(_PROJECT_OPTIONS):
        func = option(func)
    return func


def _changes(
    name,
    client,
    rate,
    billable,
    schedule,
    schedule_start,
    watch,
    url,
    approval,
    approver,
    owner,
    rounding,
    **extra,
):
    from ..services.projects import ProjectChanges
    from . import parse

    return ProjectChanges(
        name=name,
        client=client,
        rate=parse.amount(rate, "--rate"),
        billable=billable,
        schedule=schedule,
        schedule_start=parse.day(schedule_start, "--schedule-start"),
        watch=tuple(watch),
        urls=tuple(url),
        approval_required=approval,
        approver="" if approver == "none" else approver,
        owner=owner,
        rounding=rounding,
        **extra,
    )


@click.group()
def project():
    """Projects: each bills one client at an hourly rate."""


@project.command("add")
@click.argument("name")
@click.option("--client", required=True, help="The client it bills.")
@project_options
def project_add(name, **options):
    """Add a project."""
    from ..services import projects

    s = settings()
    s.open()
    view = projects.add(s.actor, _changes(name, **options))
    rate = f"{view.rate} {view.currency}/h" if view.rate is not None else "no rate yet"
    click.echo(f"added project {view.name} for {view.client} ({rate}, schedule {view.schedule})")


@project.command("set")
@click.argument("name")
@click.option("--name", "new_name", default=None, help="Rename the project.")
@click.option("--client", default=None, help="Move it to another client.")
@project_options
@click.option(
    "--from",
    "rate_from",
    default=None,
    metavar="DATE",
    help="With --rate: the new rate applies from this date on (default: today).",
)
@click.option("--unwatch", multiple=True, metavar="DIR", help="Stop watching a folder.")
@click.option(
    "--no-url", "drop_urls", multiple=True, metavar="PATTERN", help="Remove a URL pattern."
)
@click.option("--archive/--unarchive", default=None, help="Hide from pickers; history stays.")
def project_set(name, new_name, rate_from, unwatch, drop_urls, archive, **options):
    """Change a project; a rate change applies from --from on, earlier time keeps its rate."""
    from ..services import projects
    from . import parse

    s = settings()
    s.open()
    view = projects.update(
        s.actor,
        name,
        _changes(
            new_name,
            rate_from=parse.day(rate_from, "--from"),
            unwatch=tuple(unwatch),
            drop_urls=tuple(drop_urls),
            archived=archive,
            **options,
        ),
    )
    click.echo(f"updated project {view.name}")
    if options["rate"] is not None:
        for r in view.rates:
            since = r.valid_from.isoformat() if r.valid_from else "the start"
            click.echo(f"  {r.amount} {view.currency}/h from {since}")


@project.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def project_list(as_json):
    """List projects with their rate in force today."""
    from ..services import projects
    from .output import project_json

    settings().open()
    views = projects.list_all()
    if as_json:
        emit_json([project_json(p) for p in views])
        return
    click.echo(
        table(
            ["Project", "Client", "Rate", "Billable", "Schedule", "Approval", "Owner"],
            [
                [
                    p.name + (" (archived)" if p.archived else ""),
                    p.client,
                    f"{p.rate} {p.currency}" if p.rate is not None else "-",
                    "yes" if p.billable else "no",
                    p.schedule,
                    _approval(p),
                    p.owner or "-",
                ]
                for p in views
            ],
            right={2},
        )
    )


def _approval(p) -> str:
    """Who approves the project's time: the named approver, else the owner; nobody means
    its locked time approves itself."""
    if not p.approval_required:
        return "-"
    return p.approver or p.owner or "automatic"
