"""``tally invoice``: create, correct and follow invoices through the register."""

from __future__ import annotations

import click

from ..render.einvoice import FORMATS as EINVOICE_FORMATS
from .app import emit_json, settings, table


def _show(view, as_json: bool, verb: str) -> None:
    from .output import invoice_json

    if as_json:
        emit_json(invoice_json(view))
        return
    click.echo(f"{verb} {view.number}")
    click.echo(_document_text(view))


def _document_text(v) -> str:
    kind = "Credit note" if v.kind == "credit_note" else "Invoice"
    head = [
        f"{kind} {v.number} ({v.status}) for {v.client}",
        f"issued {v.issue_date}, due {v.due_date}"
        + (f", period {v.period_start} to {v.period_end}" if v.period_start else ""),
    ]
    if v.credits:
        head.append(f"corrects {v.credits} of {v.credits_issue_date}")
    rows = [
        [
            str(line.id),
            line.description,
            f"{line.quantity} {line.unit}".strip(),
            str(line.unit_price),
            str(line.amount),
        ]
        for line in v.lines
    ]
    body = table(
        ["Line", "Description", "Quantity", "Unit price", "Amount"], rows, right={0, 2, 3, 4}
    )
    foot = [f"Subtotal {v.subtotal} {v.currency}"]
    foot += [_tax_text(g, v.currency, len(v.tax_breakdown) > 1) for g in v.tax_breakdown]
    if not v.tax_breakdown:
        foot.append(f"Tax {v.tax_rate}% {v.tax} {v.currency}")
    foot.append(f"Total {v.total} {v.currency}")
    if v.kind == "invoice" and v.status in ("sent", "paid"):
        late = f", {v.overdue_days} days overdue" if v.overdue_days else ""
        foot.append(f"Paid {v.paid} {v.currency}, open {v.open} {v.currency}{late}")
    return "\n".join(head + [body] + foot)


def _tax_text(group, currency: str, several: bool) -> str:
    """``Tax 19.00% 190.00 EUR``; with several rates each says its net; a category other
    than standard says which and why."""
    from ..domain.vat import WORDS

    text = f"Tax {group.rate}% {group.tax} {currency}"
    if several:
        text += f" on {group.taxable} {currency}"
    if group.category != "S":
        text += f" ({WORDS[group.category]}"
        text += f": {group.exemption.text})" if group.exemption else ")"
    return text


@click.group()
def invoice():
    """Invoices and credit notes."""


@invoice.command("create")
@click.option("--project", default=None, help="Bill one project (its due period by default).")
@click.option("--period-start", default=None, metavar="DATE", help="First day of the period.")
@click.option("--period-end", default=None, metavar="DATE", help="Last day of the period.")
@click.option("--client", default=None, help="Bill all of a client's projects (with --from/--to).")
@click.option("--from", "first", default=None, metavar="DATE", help="With --client: first day.")
@click.option("--to", "last", default=None, metavar="DATE", help="With --client: last day.")
@click.option(
    "--group",
    "grouping",
    default=None,
    type=click.Choice(["project", "single", "detailed", "user", "date"]),
    help="How time becomes lines (default: project). With detailed (one line per entry), "
    "captured sessions without a written description show as project and date.",
)
@click.option(
    "--round",
    "rounding",
    default=None,
    metavar="N:up|down|nearest",
    help="Round each entry (default: the project's rule).",
)
@click.option("--no-expenses", is_flag=True, help="Bill time only.")
@click.option("--include-unlocked", is_flag=True, help="Bill open and unapproved time too.")
@click.option(
    "--into", default=None, metavar="NUMBER", help="Add to a ready invoice of the client."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoice_create(
    project,
    period_start,
    period_end,
    client,
    first,
    last,
    grouping,
    rounding,
    no_expenses,
    include_unlocked,
    into,
    as_json,
):
    """Invoice tracked time and expenses."""
    from ..domain.errors import InvalidInput
    from ..services import invoices
    from . import parse

    s = settings()
    s.open()
    if project and (first or last):
        raise InvalidInput("with --project give the period as --period-start and --period-end")
    if client and (period_start or period_end):
        raise InvalidInput("with --client give the range as --from and --to")
    request = invoices.InvoiceRequest(
        project=project,
        client=client,
        first=parse.day(period_start or first, "--period-start" if project else "--from"),
        last=parse.day(period_end or last, "--period-end" if project else "--to"),
        grouping=grouping,
        rounding=rounding,
        expenses=not no_expenses,
        include_unlocked=include_unlocked,
        into=into,
    )
    _show(invoices.create(s.actor, request), as_json, "updated" if into else "created")


LINE_FORMAT = "DESC|QTY|UNIT_PRICE[|UNIT][|service|product][|vat=PCT]"


def _free_line(text: str, n: int):
    from ..domain.errors import InvalidInput
    from ..services.corrections import FreeLine
    from . import parse

    parts = text.split("|")
    if not 3 <= len(parts) <= 6:
        raise InvalidInput(f"--line {n}: {text!r} is not {LINE_FORMAT}")
    unit, kind, rate = "", "service", None
    for extra in parts[3:]:
        if extra.strip() in ("service", "product"):
            kind = extra.strip()
        elif extra.strip().lower().startswith("vat="):
            rate = parse.percent(extra.strip()[4:], f"--line {n} vat")
        else:
            unit = extra
    return FreeLine(
        description=parts[0],
        quantity=parse.amount(parts[1].strip(), f"--line {n} quantity"),
        unit_price=parse.amount(parts[2].strip(), f"--line {n} unit price"),
        unit=unit,
        line_type=kind,
        tax_rate=rate,
    )


@invoice.command("freeform")
@click.option("--client", required=True, help="Who is billed.")
@click.option("--project", default=None, help="Optionally, the project it concerns.")
@click.option(
    "--line",
    "lines",
    multiple=True,
    required=True,
    metavar=LINE_FORMAT,
    help="A line; repeat for more. vat=PCT gives it a VAT rate of its own (default: the client's).",
)
@click.option("--credit-note", is_flag=True, help="Issue a freeform credit note instead.")
@click.option("--reason", default="", help="Why (shown on credit notes).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoice_freeform(client, project, lines, credit_note, reason, as_json):
    """An invoice or credit note with hand-entered lines."""
    from ..services import corrections

    s = settings()
    s.open()
    parsed = [_free_line(text, n) for n, text in enumerate(lines, start=1)]
    view = corrections.freeform(
        s.actor, client, parsed, project=project, credit_note=credit_note, reason=reason
    )
    _show(view, as_json, "created")


@invoice.command("credit")
@click.argument("number")
@click.option(
    "--line",
    "line_ids",
    multiple=True,
    type=int,
    metavar="LINE_ID",
    help="Credit only this line; repeat for more (default: all).",
)
@click.option("--reason", default="", help="Why the invoice is corrected.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoice_credit(number, line_ids, reason, as_json):
    """Issue a credit note for a sent invoice; credited time can be invoiced again."""
    from ..services import corrections

    s = settings()
    s.open()
    _show(corrections.credit(s.actor, number, list(line_ids), reason), as_json, "created")


@invoice.command("remove-line")
@click.argument("number")
@click.argument("line_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoice_remove_line(number, line_id, as_json):
    """Remove a line from a ready invoice; its time becomes uninvoiced."""
    from ..services import invoice_lifecycle

    s = settings()
    s.open()
    _show(invoice_lifecycle.remove_line(s.actor, number, line_id), as_json, "updated")


@invoice.command("list")
@click.option("--status", default=None, type=click.Choice(["ready", "sent", "paid", "void"]))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoice_list(status, as_json):
    """List invoices and credit notes."""
    from ..services import invoices
    from .output import invoice_summary_json

    s = settings()
    s.open()
    rows = invoices.list_invoices(s.actor, status)
    if as_json:
        emit_json([invoice_summary_json(r) for r in rows])
        return
    click.echo(
        table(
            ["Number", "Kind", "Status", "Client", "Issued", "Due", "Total", "Open"],
            [
                [
                    r.number,
                    "credit note" if r.kind == "credit_note" else "invoice",
                    r.status,
                    r.client,
                    str(r.issue_date),
                    str(r.due_date),
                    f"{r.total} {r.currency}",
                    f"{r.open} {r.currency}",
                ]
                for r in rows
            ],
            right={6, 7},
        )
    )


@invoice.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoice_show(number, as_json):
    """Show an invoice with its lines and totals."""
    from ..services import invoices
    from .output import invoice_json

    s = settings()
    s.open()
    view = invoices.show(s.actor, number)
    if as_json:
        emit_json(invoice_json(view))
    else:
        click.echo(_document_text(view))


@invoice.command("mark-sent")
@click.argument("number")
def invoice_mark_sent(number):
    """Mark a ready invoice sent; from now on it only changes through credit notes."""
    from ..services import invoice_lifecycle

    s = settings()
    s.open()
    invoice_lifecycle.mark_sent(s.actor, number)
    click.echo(f"{number} marked sent")


@invoice.command("mark-paid")
@click.argument("number")
@click.option(
    "--amount",
    default=None,
    metavar="A",
    help="How much was paid (default: all that is open); payments add up.",
)
@click.option(
    "--on",
    "--date",
    "day",
    default=None,
    metavar="DATE",
    help="Day paid, today or earlier (default: today).",
)
def invoice_mark_paid(number, amount, day):
    """Record a full or partial payment of a sent invoice; the one that settles it makes
    it paid."""
    from ..services import invoice_lifecycle
    from . import parse

    s = settings()
    s.open()
    view = invoice_lifecycle.mark_paid(
        s.actor, number, parse.day(day, "--on"), parse.amount(amount, "--amount")
    )
    if view.status == "paid":
        click.echo(f"{number} is paid (on {view.paid_on}): {view.paid} {view.currency} received")
    else:
        click.echo(
            f"recorded a payment for {number}: {view.paid} of {view.total} {view.currency} "
            f"received, {view.open} {view.currency} open"
        )


@invoice.command("delete")
@click.argument("number")
@click.option(
    "--not-sent",
    is_flag=True,
    help="An e-mail of it that may have arrived (see tally invoice outbox) did not.",
)
def invoice_delete(number, not_sent):
    """Delete a ready invoice: the newest of its month disappears, any other becomes void."""
    from ..services import invoice_lifecycle

    s = settings()
    s.open()
    _, removed = invoice_lifecycle.delete(s.actor, number, not_sent)
    click.echo(
        f"deleted {number}; its number is free again"
        if removed
        else f"{number} is void: a later number exists, so it stays in the register; "
        "its time is uninvoiced again"
    )


def _output_option(suffix: str):
    """``-o FILE``: where a document is written, NUMBER.SUFFIX here by default."""
    return click.option(
        "-o",
        "--output",
        "target",
        default=None,
        metavar="FILE",
        help=f"Where to write it (default: NUMBER.{suffix} here).",
    )


@invoice.command("pdf")
@click.argument("number")
@click.option(
    "--facturx",
    is_flag=True,
    help="Factur-X/ZUGFeRD: PDF/A-3 with the EN 16931 CII inside (the default when the "
    "client's --einvoice is facturx).",
)
@_output_option("pdf")
def invoice_pdf(number, facturx, target):
    """Render an invoice or credit note to PDF."""
    from pathlib import Path

    from ..render.files import write_atomically
    from ..render.pdf import write_pdf
    from ..services import einvoices, invoices

    s = settings()
    s.open()
    target = Path(target or f"{number}.pdf")
    if facturx or einvoices.preference(s.actor, number) == "facturx":
        written = write_atomically(einvoices.facturx(s.actor, number), target)
    else:
        written = write_pdf(invoices.show(s.actor, number), target)
    click.echo(f"wrote {written}")


@invoice.command("einvoice")
@click.argument("number")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(EINVOICE_FORMATS),
    help="EN 16931 in CII or UBL, or a CIUS built on it.",
)
@_output_option("xml")
def invoice_einvoice(number, fmt, target):
    """Write an invoice or credit note as an EN 16931 e-invoice (XML)."""
    from pathlib import Path

    from ..render.files import write_atomically
    from ..services import einvoices

    s = settings()
    s.open()
    data = einvoices.export(s.actor, number, fmt)
    written = write_atomically(data, Path(target or f"{number}.xml"))
    click.echo(f"wrote {written}")


def _mail_options(func):
    for option in reversed(
        [
            click.option(
                "--to",
                "to",
                multiple=True,
                metavar="ADDR",
                help="Recipient (repeat, or a comma list; default: the client's billing e-mail).",
            ),
            click.option("--cc", "cc", multiple=True, metavar="ADDR", help="Copy to (repeat)."),
            click.option(
                "--dry-run",
                is_flag=True,
                help="Write the complete message to NUMBER.eml here instead of sending it.",
            ),
            click.option(
                "--resend",
                is_flag=True,
                help="Send although an earlier attempt arrived or may have arrived.",
            ),
        ]
    ):
        func = option(func)
    return func


def _mail(number: str, to, cc, dry_run: bool, resend: bool, reminder: bool) -> None:
    """Prepare the message; write it as .eml on a dry run, else send it once."""
    from pathlib import Path

    from ..services import sending

    s = settings()
    s.open()
    smtp = None if dry_run else sending.smtp_access()
    d = sending.draft(
        s.actor,
        number,
        reminder=reminder,
        to=list(to),
        cc=list(cc),
        resend=resend,
        sender=smtp.settings.sender if smtp else None,
    )
    if dry_run:
        written = sending.write_eml(d, Path(f"{number}.eml"))
        click.echo(f"wrote {written} ({d.what} to {', '.join(d.to + d.cc)}; nothing sent)")
        return
    done = sending.send(s.actor, d, smtp, resend=resend)
    click.echo(f"sent {done.what} of {number} to {', '.join(done.recipients)} ({done.message_id})")


@invoice.command("send")
@click.argument("number")
@_mail_options
def invoice_send(number, to, cc, dry_run, resend):
    """E-mail a document with its PDF; a ready invoice is marked sent once the server
    accepts the message."""
    _mail(number, to, cc, dry_run, resend, reminder=False)


@invoice.command("remind")
@click.argument("number")
@_mail_options
def invoice_remind(number, to, cc, dry_run, resend):
    """E-mail the next reminder of an overdue, unpaid invoice: first reminder, second
    reminder, final notice."""
    _mail(number, to, cc, dry_run, resend, reminder=True)


@invoice.command("outbox")
@click.argument("number", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invoice_outbox(number, as_json):
    """Every attempt to e-mail a document or a reminder, newest first."""
    from ..domain.localtime import format_utc
    from ..services import sending

    s = settings()
    s.open()
    attempts = sending.outbox(s.actor, number)
    if as_json:
        emit_json(
            [
                {
                    "number": a.number,
                    "kind": a.kind,
                    "level": a.level,
                    "message_id": a.message_id,
                    "to": list(a.to),
                    "cc": list(a.cc),
                    "subject": a.subject,
                    "state": a.state,
                    "error": a.error or None,
                    "created_at": format_utc(a.created_at),
                    "finished_at": format_utc(a.finished_at) if a.finished_at else None,
                    "by": a.by,
                }
                for a in attempts
            ]
        )
        return
    click.echo(
        table(
            ["Number", "What", "State", "When (UTC)", "To", "Error"],
            [
                [
                    a.number,
                    a.what,
                    a.state,
                    format_utc(a.created_at),
                    ", ".join(a.recipients),
                    a.error,
                ]
                for a in attempts
            ],
        )
    )
