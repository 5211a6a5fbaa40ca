"""``tally client``: who is billed."""

from __future__ import annotations

import click

from ..domain.einvoice_requirements import EINVOICE_FORMATS
from ..domain.languages import LANGUAGES
from .app import emit_json, settings, table

_CLIENT_OPTIONS = [
    click.option("--currency", default=None, help="ISO 4217 code (default: the organisation's)."),
    click.option("--terms", type=int, default=None, help="Payment terms in days."),
    click.option("--tax-rate", default=None, help="Tax rate in percent."),
    click.option("--address", default=None, help="Postal address (\\n starts a new line)."),
    click.option(
        "--email",
        default=None,
        metavar="A[,B…]",
        help="Billing e-mail addresses, comma-separated: invoices are sent to all of them.",
    ),
    click.option("--vat-id", default=None, help="VAT id with its country prefix (BT-48)."),
    click.option(
        "--vat",
        default=None,
        type=click.Choice(
            ["standard", "zero", "exempt", "reverse-charge", "intra-eu", "export", "outside-scope"]
        ),
        help="VAT treatment of the client's lines (default: standard, at --tax-rate).",
    ),
    click.option(
        "--exemption-reason",
        default=None,
        metavar="TEXT",
        help="Why no VAT is charged (printed; a leading VATEX code is exported as the code).",
    ),
    click.option("--street", default=None, help="Street and number (BT-50)."),
    click.option("--postcode", default=None, help="Post code (BT-53)."),
    click.option("--city", default=None, help="City (BT-52)."),
    click.option("--country", default=None, help="ISO 3166-1 alpha-2 code, e.g. DE (BT-55)."),
    click.option(
        "--buyer-reference",
        default=None,
        help="Buyer reference (BT-10): the Leitweg-ID of a German public buyer.",
    ),
    click.option(
        "--endpoint", default=None, help="Electronic address SCHEME:ID (BT-49), e.g. 0204:…"
    ),
    click.option(
        "--einvoice",
        default=None,
        type=click.Choice(EINVOICE_FORMATS, case_sensitive=False),
        help="The e-invoice format the client wants.",
    ),
    click.option(
        "--language",
        default=None,
        type=click.Choice(LANGUAGES, case_sensitive=False),
        help="Language of the client's documents (default: the organisation's).",
    ),
]


def client_options(func):
    for option in reversed(_CLIENT_OPTIONS):
        func = option(func)
    return func


def _changes(
    name, currency, terms, tax_rate, address, email, vat_id, vat, exemption_reason, **extra
):
    from ..domain.names import address_text
    from ..services.clients import ClientChanges
    from . import parse

    return ClientChanges(
        name=name,
        currency=currency,
        payment_terms_days=terms,
        tax_rate=parse.percent(tax_rate, "--tax-rate"),
        address=address_text(address) if address is not None else None,
        email=email,
        vat_id=vat_id,
        vat=vat,
        exemption_reason=exemption_reason,
        **extra,
    )


@click.group()
def client():
    """Clients: currency, terms, tax rate and the details an invoice needs."""


@client.command("add")
@click.argument("name")
@client_options
def client_add(name, **options):
    """Add a client."""
    from ..services import clients

    s = settings()
    s.open()
    view = clients.add(s.actor, _changes(name, **options))
    click.echo(f"added client {view.name} ({view.currency}, {view.payment_terms_days} days)")


@client.command("set")
@click.argument("name")
@click.option("--name", "new_name", default=None, help="Rename the client.")
@client_options
@click.option("--archive/--unarchive", default=None, help="Hide from pickers; history stays.")
def client_set(name, new_name, archive, **options):
    """Change a client (issued invoices keep the details they were issued with)."""
    from ..services import clients

    s = settings()
    s.open()
    view = clients.update(s.actor, name, _changes(new_name, archived=archive, **options))
    click.echo(f"updated client {view.name}")


@client.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def client_list(as_json):
    """List clients."""
    from ..services import clients
    from .output import client_json

    settings().open()
    views = clients.list_all()
    if as_json:
        emit_json([client_json(c) for c in views])
        return
    click.echo(
        table(
            ["Client", "Currency", "Terms", "Tax", "E-mail", "VAT id"],
            [
                [
                    c.name + (" (archived)" if c.archived else ""),
                    c.currency,
                    f"{c.payment_terms_days} d",
                    f"{c.tax_rate}%" if c.vat == "standard" else c.vat,
                    c.email,
                    c.vat_id,
                ]
                for c in views
            ],
            right={2, 3},
        )
    )
