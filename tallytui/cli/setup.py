"""Setting up: the organisation, people, and the demo database."""

from __future__ import annotations

import sys

import click

from .app import settings
from .org import beyond_init_options


@click.command()
@click.option("--org", "name", required=True, help="Organisation name, as it appears on invoices.")
@click.option("--code", required=True, help="2-10 letters or digits: the ORG of ORG-YYYYMM-XXXX.")
@click.option("--currency", default="EUR", show_default=True, help="ISO 4217 code.")
@click.option(
    "--timezone",
    default="Europe/Berlin",
    show_default=True,
    help="IANA zone for days, weeks and periods.",
)
@click.option("--address", default="", help="Postal address (use \\n for new lines).")
@click.option("--email", default="", help="Billing e-mail shown on invoices.")
@click.option("--vat-id", default="", help="Your VAT identification number.")
@click.option("--iban", default="", help="Bank account for payment.")
@click.option("--bic", default="", help="BIC of the bank.")
@click.option("--tax-rate", default="0", show_default=True, help="Default tax rate in percent.")
@click.option(
    "--terms", default=14, show_default=True, type=int, help="Default payment terms in days."
)
@click.option("--round", "rounding", default=None, help="Default time rounding N:up|down|nearest.")
@beyond_init_options
def init(
    name,
    code,
    currency,
    timezone,
    address,
    email,
    vat_id,
    iban,
    bic,
    tax_rate,
    terms,
    rounding,
    **details,
):
    """Create the organisation and make you its admin."""
    from ..services import org
    from . import parse

    s = settings()
    s.open(create=True)
    view = org.init(
        org.OrgSettings(
            name=name,
            code=code,
            currency=currency,
            timezone=timezone,
            address=address.replace("\\n", "\n"),
            email=email,
            vat_id=vat_id,
            iban=iban,
            bic=bic,
            tax_rate=parse.percent(tax_rate, "--tax-rate"),
            payment_terms_days=terms,
            rounding=rounding,
            **details,
        ),
        admin=s.actor,
    )
    click.echo(
        f"created {view.name} ({view.code}, {view.currency}, {view.timezone}); {s.actor} is admin"
    )


@click.group()
def user():
    """People who track time, approve it or invoice it."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    default="consultant",
    show_default=True,
    type=click.Choice(["consultant", "approver", "finance", "admin"]),
)
@click.option(
    "--password-stdin",
    "password_stdin",
    is_flag=True,
    help="On PostgreSQL: read the login's password from the first line of stdin "
    "(without it, the server authenticates by peer or certificate).",
)
def user_add(name, role, password_stdin):
    """Add a person (admins only): consultants track their own time, approvers approve
    projects they own or are named for, finance invoices, admins do everything. On a
    PostgreSQL team database the person is also a login role of that name."""
    from ..services import users

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.UsageError("--password-stdin: stdin gave no password")
    s = settings()
    s.open()
    view = users.add(s.actor, name, role, password)
    click.echo(f"added {view.name} ({view.role})")


@user.command("set")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["consultant", "approver", "finance", "admin"])
)
def user_set(name, role):
    """Change a person's role (admins only)."""
    from ..services import users

    s = settings()
    s.open()
    view = users.set_role(s.actor, name, role)
    click.echo(f"{view.name} is now {view.role}")


@user.command("remove")
@click.argument("name")
def user_remove(name):
    """Disable a person's login (admins only, PostgreSQL); their history stays."""
    from ..services import users

    s = settings()
    s.open()
    view = users.remove(s.actor, name)
    click.echo(f"{view.name} can no longer log in; their time and records stay")


@click.group()
def team():
    """The PostgreSQL team database."""


@team.command("upgrade")
def team_upgrade():
    """Bring a team database made before logins to one login role per person (run by
    its owner or a superuser: it creates roles)."""
    from ..services import users

    s = settings()
    s.open()
    people = users.upgrade_team(s.actor)
    click.echo(
        f"upgraded: {len(people)} people log in as themselves "
        f"({', '.join(f'{p.name} ({p.role})' for p in people)})"
    )


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def user_list(as_json):
    """List people and how far their timesheets are locked."""
    from ..services import users
    from .app import emit_json, table

    settings().open()
    rows = users.list_all()
    if as_json:
        emit_json(
            [
                {
                    "name": u.name,
                    "role": u.role,
                    "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                }
                for u in rows
            ]
        )
        return
    click.echo(
        table(
            ["User", "Role", "Locked until"],
            [
                [u.name, u.role, u.locked_until.isoformat() if u.locked_until else "never"]
                for u in rows
            ],
        )
    )


@click.command()
@click.option("--db", "path", default=None, metavar="PATH", help="Where to write it.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.pass_context
def demo(ctx, path, force):
    """Write a realistic demo database (relative to TALLY_NOW), then exit.

    The file is named on the command line (`tally demo --db PATH` or `tally --db PATH demo`),
    never taken from TALLY_DB, so a demo cannot replace the database you work in.
    """
    from click.core import ParameterSource

    from ..services.demo import write_demo

    root = ctx.find_root()
    typed = root.get_parameter_source("db_url") == ParameterSource.COMMANDLINE
    target = path or (settings().db_url if typed else None)
    if target is None:
        raise click.UsageError("give --db PATH: the demo never writes into your real database")
    click.echo(write_demo(target, force=force, admin=settings().actor))


@click.command()
@click.argument("target", metavar="FILE")
def backup(target):
    """Write a consistent copy of the SQLite database, safe while tally runs elsewhere."""
    from ..store.backup import backup_to

    settings().open()
    click.echo(f"backed up to {backup_to(target)}")
