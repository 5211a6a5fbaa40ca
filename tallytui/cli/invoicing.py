"""``tally invoicing``: the five lists of the billing cycle, as of now."""

from __future__ import annotations

import click

from .app import emit_json, settings, table


def cycle_json(c) -> dict:
    from .output import hours, invoice_summary_json, money

    return {
        "today": c.today.isoformat(),
        "clear": c.clear,
        "current_periods": [
            {"schedule": p.schedule, "start": p.first.isoformat(), "end": p.last.isoformat()}
            for p in c.current
        ],
        "missing_data": [
            {
                "project": m.project,
                "client": m.client,
                "uninvoiced_hours": hours(m.uninvoiced_seconds),
                "missing": list(m.missing),
            }
            for m in c.missing_data
        ],
        "pending": [
            {
                "project": p.project,
                "client": p.client,
                "period_start": p.period_start.isoformat(),
                "period_end": p.period_end.isoformat(),
                "hours": hours(p.seconds),
                "open_hours": hours(p.open_seconds),
                "pending_approval_hours": hours(p.pending_approval_seconds),
                "ready_hours": hours(p.ready_seconds),
                "people": [
                    {
                        "user": person.user,
                        "locked_until": person.locked_until.isoformat()
                        if person.locked_until
                        else None,
                        "open_hours": hours(person.open_seconds),
                        "pending_approval_hours": hours(person.pending_approval_seconds),
                        "ready_hours": hours(person.ready_seconds),
                    }
                    for person in p.people
                ],
            }
            for p in c.pending
        ],
        "ready_for_invoicing": [
            {
                "project": r.project,
                "client": r.client,
                "period_start": r.period_start.isoformat(),
                "period_end": r.period_end.isoformat(),
                "hours": hours(r.seconds),
                "amount": money(r.amount),
                "currency": r.currency,
            }
            for r in c.ready_for_invoicing
        ],
        "ready_to_send": [invoice_summary_json(s) for s in c.ready_to_send],
        "sent": [invoice_summary_json(s) for s in c.sent],
        "overdue": [invoice_summary_json(s) for s in c.overdue],
        "overdue_open": [
            {"currency": currency, "open": money(total)} for currency, total in c.overdue_open()
        ],
    }


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoicing(as_json):
    """The billing cycle now: missing data, pending, ready for invoicing, ready to send, sent."""
    from ..domain.timesheet import lock_state
    from ..services.billing_cycle import cycle
    from .output import hours

    s = settings()
    s.open()
    c = cycle(s.actor)
    if as_json:
        emit_json(cycle_json(c))
        return
    click.echo(f"Billing cycle on {c.today}" + (" — cycle clear" if c.clear else ""))
    sections = [
        (
            "Missing data",
            ["Project", "Client", "Hours", "Missing"],
            [
                [m.project, m.client, hours(m.uninvoiced_seconds), ", ".join(m.missing)]
                for m in c.missing_data
            ],
        ),
        (
            "Pending",
            ["Project", "Period", "Hours", "Open", "Approval", "Ready", "Open time of"],
            [
                [
                    p.project,
                    f"{p.period_start} – {p.period_end}",
                    hours(p.seconds),
                    hours(p.open_seconds),
                    hours(p.pending_approval_seconds),
                    hours(p.ready_seconds),
                    ", ".join(
                        f"{x.user} ({lock_state(x.locked_until)})"
                        for x in p.people
                        if x.open_seconds
                    ),
                ]
                for p in c.pending
            ],
        ),
        (
            "Ready for invoicing",
            ["Project", "Period", "Hours", "Amount"],
            [
                [
                    r.project,
                    f"{r.period_start} – {r.period_end}",
                    hours(r.seconds),
                    f"{r.amount} {r.currency}",
                ]
                for r in c.ready_for_invoicing
            ],
        ),
        (
            "Ready to send",
            ["Number", "Client", "Issued", "Total"],
            [
                [s.number, s.client, str(s.issue_date), f"{s.total} {s.currency}"]
                for s in c.ready_to_send
            ],
        ),
        (
            "Sent",
            ["Number", "Status", "Client", "Issued", "Total", "Open"],
            [
                [
                    s.number,
                    s.status,
                    s.client,
                    str(s.issue_date),
                    f"{s.total} {s.currency}",
                    f"{s.open} {s.currency}",
                ]
                for s in c.sent
            ],
        ),
        (
            "Overdue",
            ["Number", "Client", "Due", "Days", "Open"],
            [
                [s.number, s.client, str(s.due_date), str(s.overdue_days), f"{s.open} {s.currency}"]
                for s in c.overdue
            ],
        ),
    ]
    for title, headers, rows in sections:
        click.echo(f"\n{title} ({len(rows)})")
        if rows:
            click.echo(table(headers, rows))
