"""Sending documents and reminders by e-mail, exactly once.

The outbox row, with the message's Message-ID, is committed before the SMTP conversation
starts; only the server's acceptance marks the row sent (and a ready invoice sent) in one
transaction. A refusal marks the row failed and leaves the invoice as it was. A row left
``queued`` (the process died mid-send) or ``unknown`` (the connection was lost after the
message was handed over) may have reached the client: a new attempt refuses, saying when
and to whom, unless the caller resends on purpose."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..domain.errors import Conflict, InvalidInput, TallyError
from ..domain.localtime import local_datetime
from ..mail import settings as mail_settings
from ..mail.addresses import parse_list
from ..mail.compose import Attachment, compose, new_message_id
from ..mail.smtp import DeliveryError, deliver
from ..mail.templates import LEVEL_WORDS, LEVELS, fill, template
from ..store.db import write_transaction
from ..store.models import Invoice, Outbox, db
from . import lookup, permissions
from .clock import now_utc
from .invoice_views import InvoiceView, load, view
from .org import local_today

MAY_HAVE_ARRIVED = ("queued", "unknown")


@dataclass(frozen=True)
class Smtp:
    """Where to send and the password, read once per send; the password is never shown."""

    settings: mail_settings.SmtpSettings
    password: str | None = field(repr=False)


def smtp_access() -> Smtp:
    """The SMTP settings and password, or an error naming what is missing: asked before
    anything is prepared, so a missing setting costs no rendering and writes nothing."""
    settings = mail_settings.load()
    return Smtp(settings, mail_settings.password(settings))


@dataclass(frozen=True)
class Attempt:
    """An outbox row as callers see it."""

    id: int
    number: str
    kind: str  # send | reminder
    level: int  # 0 for a send; 1–3 for the first reminder, the second, the final notice
    message_id: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    state: str  # queued | sent | failed | unknown
    error: str
    created_at: int
    finished_at: int | None
    by: str | None

    @property
    def what(self) -> str:
        return LEVEL_WORDS[self.level] if self.kind == "reminder" else "invoice e-mail"

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.to + self.cc


@dataclass(frozen=True)
class Draft:
    """The message as it would go out, shown before anything is sent."""

    document: InvoiceView
    kind: str
    level: int
    sender_name: str
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...]
    earlier: Attempt | None  # the attempt a resend repeats, if any

    @property
    def what(self) -> str:
        return LEVEL_WORDS[self.level] if self.kind == "reminder" else "invoice e-mail"


def _attempt(row: Outbox, number: str) -> Attempt:
    recipients = json.loads(row.recipients)
    return Attempt(
        id=row.id,
        number=number,
        kind=row.kind,
        level=row.level,
        message_id=row.message_id,
        to=tuple(recipients["to"]),
        cc=tuple(recipients.get("cc", ())),
        subject=row.subject,
        state=row.state,
        error=row.error,
        created_at=row.created_at,
        finished_at=row.finished_at,
        by=row.created_by.name if row.created_by_id else None,
    )


def _attempts(invoice: Invoice, kind: str) -> list[Attempt]:
    query = (
        Outbox.select()
        .where((Outbox.invoice == invoice) & (Outbox.kind == kind))
        .order_by(Outbox.created_at, Outbox.id)
    )
    return [_attempt(row, invoice.number) for row in query]


def _when(epoch: int, tz: str) -> str:
    return f"{local_datetime(epoch, tz):%Y-%m-%d %H:%M}"


def _level(invoice: Invoice, kind: str, resend: bool, tz: str) -> tuple[int, Attempt | None]:
    """The level of the next attempt and the earlier attempt it repeats (resend only);
    refuses a document in the wrong state or an attempt that may repeat one that arrived."""
    number, status = invoice.number, invoice.status
    if status == "void":
        raise Conflict(f"{number} is void; a void document is never sent")
    attempts = _attempts(invoice, kind)
    if kind == "reminder":
        if invoice.kind != "invoice":
            raise Conflict(f"{number} is a credit note: nothing is owed, no reminder is sent")
        if status != "sent":
            raise Conflict(
                f"{number} is paid; no reminder is sent"
                if status == "paid"
                else f"{number} has not been sent yet; send it first with "
                f"`tally invoice send {number}`"
            )
        today = local_today(lookup.organisation())
        if today <= invoice.due_date:
            raise Conflict(f"{number} is not overdue: it is due on {invoice.due_date}")
    level = 1 + sum(a.state == "sent" for a in attempts) if kind == "reminder" else 0
    unsure = [a for a in attempts if a.state in MAY_HAVE_ARRIVED and a.level == level]
    if unsure and not resend:
        a = unsure[-1]
        raise Conflict(
            f"an earlier {a.what} of {number} on {_when(a.created_at, tz)} to "
            f"{', '.join(a.recipients)} may have reached the server ({a.state}: "
            f"{a.error or 'the sending process ended before the server answered'}); ask the "
            f"recipient, then send it again with --resend"
            + ("" if kind == "reminder" else f" or record it: `tally invoice mark-sent {number}`")
        )
    if level > 3:
        last = [a for a in attempts if a.state == "sent"][-1]
        raise Conflict(
            f"the final notice of {number} went out on {_when(last.created_at, tz)}; "
            "there is no further reminder"
        )
    sent = [a for a in attempts if a.state == "sent"]
    if kind == "send" and status != "ready" and not resend:
        raise Conflict(
            f"{number} was e-mailed on {_when(sent[-1].created_at, tz)} to "
            f"{', '.join(sent[-1].recipients)}; send it again with --resend"
            if sent
            else f"{number} is {status} already (marked sent without e-mail); "
            "e-mail it anyway with --resend"
        )
    return level, (unsure or sent or [None])[-1] if resend else None


def _attachments(actor: str, document: InvoiceView, einvoice: str) -> tuple[Attachment, ...]:
    """The PDF and the client's e-invoice (``einvoice``): a Factur-X PDF replaces the plain
    one, XRechnung or Peppol XML rides along. A document its format would reject is refused
    here, naming what it lacks, before anything goes."""
    from ..render.pdf import pdf_bytes
    from . import einvoices

    number = document.number
    if einvoice == "facturx":
        return (Attachment(f"{number}.pdf", "application/pdf", einvoices.facturx(actor, number)),)
    pdf = Attachment(f"{number}.pdf", "application/pdf", pdf_bytes(document))
    if einvoice == "none":
        return (pdf,)
    xml = einvoices.export(actor, number, einvoice)
    return (pdf, Attachment(f"{number}.xml", "application/xml", xml))


def _recipients(given: list[str] | None, field: str) -> list[str]:
    return [address for text in given or () for address in parse_list(text, field)]


def draft(
    actor: str,
    number: str,
    *,
    reminder: bool = False,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    resend: bool = False,
    sender: str | None = None,
) -> Draft:
    """The message ``send`` would hand over: recipients (the client's billing e-mail
    unless ``to`` names others), subject and body from the templates, the attachments."""
    kind = "reminder" if reminder else "send"
    wanted_to, wanted_cc = _recipients(to, "--to"), _recipients(cc, "--cc")
    sender = sender or mail_settings.load(sending=False).sender
    overrides, language = mail_settings.template_overrides(), mail_settings.language()
    with db.atomic():
        permissions.require(lookup.user(actor), "invoice.write")
        invoice = load(number)
        org = lookup.organisation()
        level, earlier = _level(invoice, kind, resend, org.timezone)
        document = view(invoice)
        billing, einvoice = invoice.client.email, invoice.client.einvoice
    recipients = wanted_to or parse_list(billing, f"the e-mail of client {document.client}")
    if not recipients:
        raise InvalidInput(
            f"no recipient: client {document.client} has no billing e-mail; give --to ADDR or "
            f'set it with `tally client set "{document.client}" --email ADDR`'
        )
    chosen = template(language, LEVELS.get(level, "send"), overrides)
    values = {
        "number": document.number,
        "total": f"{document.total} {document.currency}",
        "due_date": str(document.due_date),
        "seller": document.seller.name,
        "client": document.client,
    }
    where = f"mail template {language} {LEVELS.get(level, 'send')}"
    subject = fill(chosen.subject, values, f"{where} subject")
    body = fill(chosen.body, values, f"{where} body")
    return Draft(
        document=document,
        kind=kind,
        level=level,
        sender_name=document.seller.name,
        sender=sender,
        to=tuple(recipients),
        cc=tuple(a for a in wanted_cc if a.lower() not in {r.lower() for r in recipients}),
        subject=" ".join(subject.split()),
        body=body,
        attachments=_attachments(actor, document, einvoice),
        earlier=earlier,
    )


def message_of(d: Draft, message_id: str):
    """The draft as the e-mail message that goes out, dated now."""
    return compose(
        sender_name=d.sender_name,
        sender=d.sender,
        to=list(d.to),
        cc=list(d.cc),
        subject=d.subject,
        body=d.body,
        attachments=list(d.attachments),
        message_id=message_id,
        date=datetime.fromtimestamp(now_utc(), UTC),
    )


def write_eml(d: Draft, target: Path) -> Path:
    """The complete message as an ``.eml`` file; nothing is sent or recorded."""
    data = message_of(d, new_message_id(d.sender)).as_bytes()
    try:
        target.expanduser().write_bytes(data)
    except OSError as exc:
        raise TallyError(f"cannot write {target}: {exc.strerror}") from exc
    return target.expanduser().resolve()


def _finish(row_id: int, state: str, error: str = "") -> Outbox:
    Outbox.update(state=state, error=error, finished_at=now_utc()).where(
        Outbox.id == row_id
    ).execute()
    return Outbox.get_by_id(row_id)


def send(actor: str, d: Draft, smtp: Smtp, *, resend: bool = False) -> Attempt:
    """Hand ``d`` to the SMTP server once, recorded in the outbox before and after."""
    message_id = new_message_id(d.sender)
    message = message_of(d, message_id)
    number = d.document.number
    with write_transaction():
        user = lookup.user(actor)
        permissions.require(user, "invoice.write")
        invoice = load(number)
        level, _ = _level(invoice, d.kind, resend, lookup.organisation().timezone)
        if view(invoice) != d.document or level != d.level:
            raise Conflict(f"{number} changed while its e-mail was prepared; try again")
        row = Outbox.create(
            invoice=invoice,
            kind=d.kind,
            level=level,
            message_id=message_id,
            recipients=json.dumps({"to": list(d.to), "cc": list(d.cc)}),
            subject=d.subject,
            state="queued",
            created_by=user,
            created_at=now_utc(),
        )
    try:
        deliver(smtp.settings, smtp.password, message, list(d.to + d.cc))
    except DeliveryError as exc:
        state = "unknown" if exc.unknown else "failed"
        with write_transaction():
            _finish(row.id, state, str(exc))
        stays = f"{number} stays {invoice.status}" + (
            "; ask the recipient before sending it again with --resend" if exc.unknown else ""
        )
        raise TallyError(f"{d.what} of {number} not sent: {exc}; {stays}") from None
    with write_transaction():
        done = _finish(row.id, "sent")
        if d.kind == "send":
            Invoice.update(status="sent", sent_at=done.finished_at).where(
                (Invoice.id == invoice.id) & (Invoice.status == "ready")
            ).execute()
        return _attempt(done, number)


def outbox(actor: str, number: str | None = None) -> list[Attempt]:
    """Every attempt, newest first (of one document when ``number`` is given)."""
    with db.atomic():
        permissions.require(lookup.user(actor), "invoice.read")
        query = (
            Outbox.select(Outbox, Invoice.number)
            .join(Invoice)
            .order_by(Outbox.created_at.desc(), Outbox.id.desc())
        )
        if number is not None:
            query = query.where(Invoice.id == load(number).id)
        return [_attempt(row, row.invoice.number) for row in query]
