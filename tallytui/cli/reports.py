"""``tally report``: where the time and the money went, and ``tally report unbilled``: how
long billable work has waited to be invoiced."""

from __future__ import annotations

import csv
import sys

import click

from .app import emit_json, settings, table

BY = ("client", "project", "person", "week", "month")


def _amounts(lines) -> list[dict]:
    return [
        {
            "currency": line.currency,
            "hours": str(line.hours),
            "billable_hours": str(line.billable_hours),
            "billable": str(line.billable),
            "invoiced": str(line.invoiced),
            "uninvoiced": str(line.uninvoiced),
        }
        for line in lines
    ]


def _figures_json(lines) -> dict:
    from decimal import Decimal

    from ..domain.invoicing import hours

    seconds = sum(line.seconds for line in lines)
    return {
        "hours": str(hours(seconds)),
        "billable_hours": str(sum((line.billable_hours for line in lines), Decimal("0.00"))),
        "amounts": _amounts(lines),
    }


def report_json(r) -> dict:
    groups: dict[str, list] = {}
    for line in r.lines:
        groups.setdefault(line.key[0], []).append(line)
    return {
        "from": r.first.isoformat(),
        "to": r.last.isoformat(),
        "by": r.by,
        "billable_only": r.billable_only,
        "groups": [{"group": key, **_figures_json(lines)} for key, lines in groups.items()],
        "total": _figures_json(r.totals),
    }


CSV_HEADER = [
    "group",
    "currency",
    "hours",
    "billable_hours",
    "billable",
    "invoiced",
    "uninvoiced",
]


def _row(line) -> list[str]:
    return [
        line.key[0],
        line.currency,
        str(line.hours),
        str(line.billable_hours),
        str(line.billable),
        str(line.invoiced),
        str(line.uninvoiced),
    ]


def _write_csv(r) -> None:
    from ..importers.csvfile import neutralise

    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(CSV_HEADER)
    for line in (*r.lines, *r.totals):
        cells = _row(line)
        out.writerow([neutralise(cells[0]), *cells[1:]])


def _print(r) -> None:
    click.echo(
        f"Report {r.first} – {r.last} by {r.by}" + (" (billable only)" if r.billable_only else "")
    )
    headers = [
        r.by.capitalize(),
        "Currency",
        "Hours",
        "Billable h",
        "Billable",
        "Invoiced",
        "Uninvoiced",
    ]
    rows = [_row(line) for line in (*r.lines, *r.totals)]
    click.echo(table(headers, rows, right={2, 3, 4, 5, 6}))


@click.group(invoke_without_command=True)
@click.option(
    "--from", "first", metavar="DATE", help="First day (default: eleven months back, from the 1st)."
)
@click.option("--to", "last", metavar="DATE", help="Last day (default: today).")
@click.option("--by", "by", type=click.Choice(BY), default="client", show_default=True)
@click.option("--billable-only", is_flag=True, help="Leave non-billable time out.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--csv", "as_csv", is_flag=True, help="One CSV row per group and currency.")
@click.pass_context
def report(ctx, first, last, by, billable_only, as_json, as_csv):
    """Hours, billable hours and amounts (invoiced and not yet) per group and in total."""
    if ctx.invoked_subcommand is not None:
        return
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    from ..services.reports import report as build
    from .parse import day

    s = settings()
    s.open()
    r = build(s.actor, day(first, "--from"), day(last, "--to"), by, billable_only)
    if as_json:
        emit_json(report_json(r))
    elif as_csv:
        _write_csv(r)
    else:
        _print(r)


def unbilled_json(u) -> dict:
    from ..services.reports import BUCKETS

    def ageing(a) -> dict:
        return {
            "client": a.client,
            "currency": a.currency,
            "buckets": [
                {"days": name, "hours": str(h), "amount": str(m)}
                for name, h, m in zip(BUCKETS, a.hours, a.amounts, strict=True)
            ],
            "hours": str(a.total_hours),
            "amount": str(a.total),
        }

    return {
        "today": u.today.isoformat(),
        "clients": [ageing(a) for a in u.clients],
        "totals": [ageing(a) for a in u.totals],
    }


@report.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def unbilled(as_json):
    """Billable work not yet invoiced per client, aged 0–30, 31–60, 61–90 and over 90 days."""
    from ..services.reports import BUCKETS
    from ..services.reports import unbilled as build

    s = settings()
    s.open()
    u = build(s.actor)
    if as_json:
        emit_json(unbilled_json(u))
        return
    click.echo(f"Unbilled work on {u.today} by age in days")
    headers = ["Client", "Currency", *BUCKETS, "Total"]
    rows = [
        [
            a.client,
            a.currency,
            *(f"{m} ({h} h)" for h, m in zip(a.hours, a.amounts, strict=True)),
            f"{a.total} ({a.total_hours} h)",
        ]
        for a in (*u.clients, *u.totals)
    ]
    click.echo(table(headers, rows, right={2, 3, 4, 5, 6}))
