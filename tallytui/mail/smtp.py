"""Handing one message to an SMTP server, one connection per message, and saying what
became of it: accepted, refused (it did not arrive), or unknown (the connection was lost
after the whole message had been handed over, so it may have arrived)."""

from __future__ import annotations

import functools
import smtplib
import socket
import ssl
from email.message import EmailMessage

from ..domain.errors import TallyError
from .settings import SmtpSettings

TIMEOUT = 60  # seconds a server may take to answer before the attempt is given up


class DeliveryError(TallyError):
    """The server did not accept the message. ``unknown``: it may have it all the same."""

    def __init__(self, message: str, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.unknown = unknown


class _Tracking:
    """Remembers whether the end of the message (``CRLF . CRLF``) went out: a connection
    lost before that leaves the server an incomplete message, which it drops."""

    handed_over = False

    def send(self, s) -> None:
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


class _Plain(_Tracking, smtplib.SMTP):
    pass


class _Ssl(_Tracking, smtplib.SMTP_SSL):
    pass


@functools.cache
def _tls(ca_file: str) -> ssl.SSLContext:
    """The system's trusted CAs (and ``ca_file``'s), loaded once per process: loading
    them takes longer than a whole SMTP conversation on a near server."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text}".strip()


def deliver(
    settings: SmtpSettings, password: str | None, message: EmailMessage, recipients: list[str]
) -> None:
    """Send ``message`` to ``recipients`` (To and Cc) or raise :class:`DeliveryError`
    naming what the server refused, or that the outcome is unknown."""
    where = f"{settings.host}:{settings.port}"
    user, sender = settings.user, settings.sender
    connection = None
    try:
        if settings.security == "ssl":
            connection = _Ssl(
                settings.host, settings.port, timeout=TIMEOUT, context=_tls(settings.ca_file)
            )
        else:
            connection = _Plain(settings.host, settings.port, timeout=TIMEOUT)
            if settings.security == "starttls":
                connection.starttls(context=_tls(settings.ca_file))
        if settings.user:
            connection.login(settings.user, password or "")
        connection.send_message(message, settings.sender, recipients)
    except UnicodeEncodeError:
        raise DeliveryError(
            f"the login to {where}: smtplib sends only ASCII names and passwords"
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"{where} refused the login of {user}: {_reply(exc)}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(
            f"{address} ({code} {reply.decode('utf-8', 'replace')})"
            for address, (code, reply) in exc.recipients.items()
        )
        raise DeliveryError(f"{where} refused the recipient {refused}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise DeliveryError(f"{where} refused the message from {sender}: {_reply(exc)}") from None
    except smtplib.SMTPDataError as exc:
        raise DeliveryError(f"{where} refused the message: {_reply(exc)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{where}: {exc}") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"TLS with {where} failed: {exc.reason or exc}") from None
    except (smtplib.SMTPException, OSError) as exc:
        why = str(exc) or type(exc).__name__
        if connection is not None and connection.handed_over:
            raise DeliveryError(
                f"the connection to {where} was lost after the whole message had been handed "
                f"over ({why}): it may have arrived",
                unknown=True,
            ) from None
        if isinstance(exc, socket.gaierror):
            why = f"unknown host {settings.host}"
        raise DeliveryError(
            f"the connection to {where} failed before the message was handed over: {why}"
        ) from None
    finally:
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()
