"""An invoice e-mail as the standard library builds it: headers encoded where a name is not
ASCII, a Message-ID and a Date, the text body and the documents attached."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. application/pdf
    data: bytes


def new_message_id(sender: str) -> str:
    """``<…@sender's domain>``: unique, and it says who sent it."""
    return make_msgid(domain=sender.rsplit("@", 1)[1])


def compose(
    *,
    sender_name: str,
    sender: str,
    to: list[str],
    cc: list[str],
    subject: str,
    body: str,
    attachments: list[Attachment],
    message_id: str,
    date,
) -> EmailMessage:
    """``date`` is an aware datetime; the names are display names, encoded as needed."""
    message = EmailMessage()
    message["From"] = Address(display_name=sender_name, addr_spec=sender)
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message.set_content(body)
    for item in attachments:
        main, sub = item.content_type.split("/", 1)
        message.add_attachment(item.data, maintype=main, subtype=sub, filename=item.filename)
    return message
