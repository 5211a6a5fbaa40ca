"""``tally org``: the organisation that issues the invoices, as invoices and e-invoices
show it."""

from __future__ import annotations

import click

from ..domain.languages import LANGUAGES
from .app import emit_json, settings

# (option, field, help): the options of `init`, then what e-invoices need besides.
_OPTIONS = [
    ("--org", "name", "Organisation name, as it appears on invoices."),
    ("--code", "code", "2-10 letters or digits: the ORG of ORG-YYYYMM-XXXX."),
    ("--currency", "currency", "ISO 4217 code."),
    ("--timezone", "timezone", "IANA zone for days, weeks and periods."),
    ("--address", "address", "Postal address as free text (\\n starts a new line)."),
    ("--email", "email", "Billing e-mail shown on invoices (the contact's, BT-43)."),
    ("--vat-id", "vat_id", "VAT identification number with its country prefix (BT-31)."),
    ("--iban", "iban", "Bank account for payment (checksum verified)."),
    ("--bic", "bic", "BIC of the bank."),
    ("--bank-name", "bank_name", "Name of the bank, printed beside the IBAN."),
    ("--tax-rate", "tax_rate", "Default tax rate in percent."),
    ("--terms", "payment_terms_days", "Default payment terms in days.", int),
    ("--round", "rounding", "Default time rounding N:up|down|nearest (none: off)."),
    ("--street", "street", "Street and number (BT-35)."),
    ("--postcode", "postcode", "Post code (BT-38)."),
    ("--city", "city", "City (BT-37)."),
    ("--country", "country", "ISO 3166-1 alpha-2 country code, e.g. DE (BT-40)."),
    ("--phone", "phone", "Contact telephone number (BT-42)."),
    ("--contact", "contact", "Contact person or department (BT-41)."),
    ("--tax-number", "tax_number", "National tax number, e.g. a German Steuernummer (BT-32)."),
    (
        "--registration",
        "registration",
        "Court, register number, managing director: printed in every document's footer (BT-30).",
    ),
    ("--endpoint", "endpoint", "Electronic address SCHEME:ID, e.g. EM:billing@example.com."),
    (
        "--language",
        "language",
        "Language of documents to clients without their own.",
        click.Choice(LANGUAGES, case_sensitive=False),
    ),
]


# What `init` takes besides its own options (they have defaults of their own there).
BEYOND_INIT = (
    "--bank-name",
    "--street",
    "--postcode",
    "--city",
    "--country",
    "--phone",
    "--contact",
    "--tax-number",
    "--registration",
    "--endpoint",
)


def org_set_options(func):
    for flag, field, text, *kind in reversed(_OPTIONS):
        func = click.option(flag, field, default=None, help=text, type=kind[0] if kind else None)(
            func
        )
    return func


def beyond_init_options(func):
    """The details `org set` changes that `init` may set at once."""
    for flag, field, text, *_ in reversed(_OPTIONS):
        if flag in BEYOND_INIT:
            func = click.option(flag, field, default="", help=text)(func)
    return func


@click.group()
def org():
    """The organisation: name, address, identifiers and bank details."""


@org.command("set")
@org_set_options
@click.option(
    "--logo",
    metavar="FILE",
    default=None,
    help="PNG or JPEG printed in the header of every PDF ('' removes it).",
)
@click.option("--no-logo", is_flag=True, default=None, help="Remove the logo.")
@click.option(
    "--creditor-reference/--no-creditor-reference",
    default=None,
    help="A SCOR reference (RF…) from the invoice number on Swiss QR-bills.",
)
def org_set(no_logo, **options):
    """Change the organisation's details (issued invoices keep the ones they were issued
    with)."""
    from ..services import org as service
    from . import parse

    if no_logo:
        if options["logo"]:
            raise click.UsageError("--logo and --no-logo contradict each other")
        options["logo"] = ""
    if all(value is None for value in options.values()):
        raise click.UsageError("give at least one option to change")
    changes = service.OrgChanges(
        **{**options, "tax_rate": parse.percent(options["tax_rate"], "--tax-rate")}
    )
    s = settings()
    s.open()
    view = service.update(s.actor, changes)
    click.echo(f"updated {view.name}")


@org.command("show")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def org_show(as_json):
    """Show every detail of the organisation."""
    from ..services import org as service
    from .output import org_json

    settings().open()
    data = org_json(service.current())
    if as_json:
        emit_json(data)
        return
    width = max(map(len, data))
    for key, value in data.items():
        text = "" if value is None else str(value).replace("\n", ", ")
        click.echo(f"{key.ljust(width)}  {text}".rstrip())
