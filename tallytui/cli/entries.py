"""``tally entry`` and ``tally expense``: the tracked time and costs themselves."""

from __future__ import annotations

import sys

import click

from .app import emit_json, settings, table
from .json_stream import write_json_array

END_HELP = (
    "YYYY-MM-DD HH:MM, or HH:MM on the start's day; past midnight give the date or HH:MM+1 "
    "(an end before the start is refused)."
)


@click.group()
def entry():
    """Time entries (sessions)."""


@entry.command("add")
@click.option("--project", required=True, help="Project name.")
@click.option(
    "--start", required=True, metavar="DT", help="YYYY-MM-DD HH:MM, local unless it has an offset."
)
@click.option("--end", required=True, metavar="DT", help=END_HELP)
@click.option("--description", default="", help="What was done.")
@click.option("--user", "owner", default=None, help="Whose time it is (default: you).")
@click.option("--billable/--non-billable", default=None, help="Default: the project's setting.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def entry_add(project, start, end, description, owner, billable, as_json):
    """Add a time entry by hand."""
    from ..services import entries
    from . import parse
    from .output import entry_json, hours

    s = settings()
    s.open()
    start_utc = parse.instant(start, "--start")
    view = entries.add(
        s.actor,
        entries.NewEntry(
            project=project,
            start_utc=start_utc,
            end_utc=parse.end(end, start_utc, "--end"),
            description=description,
            billable=billable,
        ),
        user=owner,
    )
    if as_json:
        emit_json(entry_json(view))
    else:
        click.echo(
            f"added entry {view.id}: {hours(view.seconds)} h on {view.project} "
            f"({view.day.isoformat()})"
        )


@entry.command("list")
@click.option(
    "--from", "first", default=None, metavar="DATE", help="First day (default: this week's Monday)."
)
@click.option("--to", "last", default=None, metavar="DATE", help="Last day, inclusive.")
@click.option("--project", default=None, help="Only this project.")
@click.option("--client", default=None, help="Only this client's projects.")
@click.option("--user", "owner", default=None, help="Only this person's time.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def entry_list(first, last, project, client, owner, as_json):
    """List entries by the day they start in the organisation's time zone.

    Without --from and --to: the current week.
    """
    from datetime import timedelta

    from ..domain.localtime import iso_week
    from ..services import entries, org
    from . import parse
    from .output import entry_json

    s = settings()
    s.open()
    first_day, last_day = parse.day(first, "--from"), parse.day(last, "--to")
    if first_day is None and last_day is None:
        first_day, last_day = iso_week(org.today())
    elif last_day is None:
        last_day = max(org.today(), first_day + timedelta(days=6))
    elif first_day is None:
        first_day = iso_week(last_day)[0]
    view_filter = entries.EntryFilter(first_day, last_day, project, client, owner, s.actor)
    if as_json:
        with entries.stream_entries(view_filter) as (_, views):
            write_json_array(sys.stdout, map(entry_json, views), indent="  ")
        return
    views = entries.list_entries(view_filter)
    click.echo(_entry_table(views, org.current().timezone, first_day, last_day))


def _entry_table(views, tz, first_day, last_day) -> str:
    from ..domain.localtime import local_datetime
    from .output import hours

    rows = []
    for v in views:
        start, end = local_datetime(v.start_utc, tz), local_datetime(v.end_utc, tz)
        end_text = end.strftime("%H:%M" if end.date() == start.date() else "%m-%d %H:%M")
        marks = v.state if v.invoice is None else f"invoiced {v.invoice}"
        rows.append(
            [
                str(v.id),
                start.strftime("%a %Y-%m-%d"),
                start.strftime("%H:%M"),
                end_text,
                hours(v.seconds),
                v.project,
                v.user,
                v.source,
                ("" if v.billable else "non-billable ") + marks,
                v.description,
            ]
        )
    total = sum(v.seconds for v in views)
    billable = sum(v.seconds for v in views if v.billable)
    body = table(
        ["ID", "Day", "Start", "End", "Hours", "Project", "User", "Source", "State", "Description"],
        rows,
        right={0, 4},
    )
    return (
        f"{first_day.isoformat()} to {last_day.isoformat()} ({tz})\n{body}\n"
        f"{len(views)} entries, {hours(total)} h, {hours(billable)} h billable"
    )


@entry.command("edit")
@click.argument("entry_id", type=int)
@click.option("--project", default=None, help="Move it to another project.")
@click.option("--start", default=None, metavar="DT", help="New start.")
@click.option("--end", default=None, metavar="DT", help="New end: " + END_HELP)
@click.option("--description", default=None, help="New description.")
@click.option("--billable/--non-billable", default=None, help="Bill it or not.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def entry_edit(entry_id, project, start, end, description, billable, as_json):
    """Change an entry that is neither locked, approved nor invoiced."""
    from ..services import entries
    from . import parse
    from .output import entry_json

    s = settings()
    s.open()
    start_utc = parse.instant(start, "--start")
    base = entries.get(entry_id).start_utc if start_utc is None and end is not None else start_utc
    view = entries.edit(
        s.actor,
        entry_id,
        entries.EntryChanges(
            project=project,
            start_utc=start_utc,
            end_utc=parse.end(end, base, "--end"),
            description=description,
            billable=billable,
        ),
    )
    if as_json:
        emit_json(entry_json(view))
    else:
        click.echo(f"updated entry {view.id}")


@entry.command("delete")
@click.argument("entry_id", type=int)
def entry_delete(entry_id):
    """Delete an entry that is neither locked, approved nor invoiced."""
    from ..services import entries

    s = settings()
    s.open()
    gone = entries.delete(s.actor, entry_id)
    click.echo(f"deleted entry {gone.id} ({gone.project}, {gone.day.isoformat()})")


@entry.command("split")
@click.argument("entry_id", type=int)
@click.option("--at", "at", required=True, metavar="DT", help="Where to cut, inside the entry.")
def entry_split(entry_id, at):
    """Cut an entry in two at a time."""
    from ..services import review
    from . import parse

    s = settings()
    s.open()
    change = review.split(s.actor, entry_id, parse.instant(at, "--at"))
    click.echo(f"split entry {entry_id} into {', '.join(map(str, change.ids))}")


@entry.command("merge")
@click.argument("entry_ids", type=int, nargs=-1, required=True)
def entry_merge(entry_ids):
    """Join adjacent entries of one person, one project and one billable state into the
    first of them; pauses between them may last at most 5 minutes."""
    from ..services import review

    s = settings()
    s.open()
    change = review.merge(s.actor, list(entry_ids))
    click.echo(f"merged {len(entry_ids)} entries into entry {change.ids[0]}")


@click.group()
def expense():
    """Expenses billed as product lines."""


_EXPENSE_OPTIONS = [
    click.option("--project", required=True, help="Project name."),
    click.option("--date", "day", required=True, metavar="DATE", help="Day of the expense."),
    click.option(
        "--amount", default=None, help="Total amount, or use --quantity and --unit-price."
    ),
    click.option("--quantity", default=None, help="Number of units."),
    click.option("--unit-price", default=None, help="Price of one unit."),
    click.option("--unit", default="", help="Unit name, e.g. km or night."),
    click.option("--category", default="", help="Category, e.g. travel."),
    click.option("--description", default="", help="What it was."),
    click.option("--billable/--non-billable", default=None, help="Default: the project's setting."),
    click.option(
        "--tax-rate",
        default=None,
        metavar="PCT",
        help="Its own VAT rate, e.g. 7 for travel (default: the client's).",
    ),
    click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
]


def expense_options(func):
    for option in reversed(_EXPENSE_OPTIONS):
        func = option(func)
    return func


def _new_expense(
    project, day, amount, quantity, unit_price, unit, category, description, billable, tax_rate
):
    from ..services import expenses
    from . import parse

    return expenses.NewExpense(
        project=project,
        day=parse.day(day, "--date"),
        amount=parse.amount(amount, "--amount"),
        quantity=parse.amount(quantity, "--quantity"),
        unit_price=parse.amount(unit_price, "--unit-price"),
        unit=unit,
        category=category,
        description=description,
        billable=billable,
        tax_rate=parse.percent(tax_rate, "--tax-rate"),
    )


@expense.command("add")
@expense_options
def expense_add(as_json, **fields):
    """Add an expense."""
    from ..services import expenses
    from .output import expense_json

    s = settings()
    s.open()
    view = expenses.add(s.actor, _new_expense(**fields))
    if as_json:
        emit_json(expense_json(view))
    else:
        click.echo(f"added expense {view.id}: {view.amount} {view.currency} on {view.project}")


@expense.command("edit")
@click.argument("expense_id", type=int)
@expense_options
def expense_edit(expense_id, as_json, **fields):
    """Replace an uninvoiced expense's details (give them all, as for add)."""
    from ..services import expenses
    from .output import expense_json

    s = settings()
    s.open()
    view = expenses.edit(s.actor, expense_id, _new_expense(**fields))
    if as_json:
        emit_json(expense_json(view))
    else:
        click.echo(f"updated expense {view.id}: {view.amount} {view.currency} on {view.project}")


@expense.command("delete")
@click.argument("expense_id", type=int)
def expense_delete(expense_id):
    """Delete an uninvoiced expense."""
    from ..services import expenses

    s = settings()
    s.open()
    gone = expenses.delete(s.actor, expense_id)
    click.echo(f"deleted expense {gone.id} ({gone.project}, {gone.day})")


@expense.command("list")
@click.option("--from", "first", default=None, metavar="DATE", help="First day.")
@click.option("--to", "last", default=None, metavar="DATE", help="Last day, inclusive.")
@click.option("--project", default=None, help="Only this project.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def expense_list(first, last, project, as_json):
    """List expenses."""
    from ..services import expenses
    from . import parse
    from .output import expense_json

    settings().open()
    views = expenses.list_expenses(parse.day(first, "--from"), parse.day(last, "--to"), project)
    if as_json:
        emit_json([expense_json(v) for v in views])
        return
    click.echo(
        table(
            [
                "ID",
                "Date",
                "Project",
                "Category",
                "Quantity",
                "Unit price",
                "Amount",
                "Invoice",
                "Description",
            ],
            [
                [
                    str(x.id),
                    x.day.isoformat(),
                    x.project,
                    x.category,
                    f"{x.quantity} {x.unit}".strip(),
                    str(x.unit_price),
                    f"{x.amount} {x.currency}",
                    x.invoice or "",
                    x.description,
                ]
                for x in views
            ],
            right={0, 4, 5, 6},
        )
    )
