"""Sending 50 invoices in a row to a local SMTP server (STARTTLS and AUTH, one connection
per message, as a user sends them), each after its PDF exists: the outbox row before, the
conversation, the row and the invoice marked after. Beside a bare smtplib send of the same
message over its own connection, in the same run and in alternation."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import statistics
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from .core import Measurement, group

MESSAGES = 50
MAX_MS = 100
LOGIN, PASSWORD, SENDER = "bench", "bench-password", "billing@bench.test"


class _Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 accepted"


def _accept(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=auth_data.password == PASSWORD.encode(), handled=False)


@contextmanager
def _server(folder: Path):
    """aiosmtpd on a loopback port with a throwaway CA (trustme); yields (port, CA file)."""
    import trustme
    from aiosmtpd.controller import Controller

    ca = trustme.CA()
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        _Sink(),
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        tls_context=context,
        require_starttls=True,
        authenticator=_accept,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield port, ca_file
    finally:
        controller.stop()


@contextmanager
def _environment(folder: Path):
    wanted = {
        "TALLY_DB": str(folder / "tally.db"),
        "TALLY_CONFIG": str(folder / "config.toml"),
        "TALLY_SMTP_PASSWORD": PASSWORD,
        "TALLY_NOW": "2026-11-20T10:00:00+01:00",
    }
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _drafts(port: int, ca_file: Path) -> list:
    from tallytui.mail import settings as mail_settings
    from tallytui.services import clients, corrections, org, sending
    from tallytui.store.db import open_database

    open_database(os.environ["TALLY_DB"])
    org.init(org.OrgSettings(name="Bench Consulting", code="BENCH", tax_rate=Decimal(19)), "ana")
    clients.add("ana", clients.ClientChanges(name="Client", email="ap@client.test"))
    mail_settings.write(
        mail_settings.SmtpSettings(
            "localhost", port, "starttls", SENDER, LOGIN, ca_file=str(ca_file)
        )
    )
    line = corrections.FreeLine("Consulting", Decimal(8), Decimal(95))
    numbers = [corrections.freeform("ana", "Client", [line]).number for _ in range(MESSAGES)]
    return [sending.draft("ana", number) for number in numbers]


def _bare_ms(port: int, ca_file: Path, data: bytes) -> float:
    """The floor: smtplib alone, one connection with STARTTLS and AUTH for the message."""
    started = time.perf_counter()
    with smtplib.SMTP("localhost", port, timeout=30) as connection:
        connection.starttls(context=ssl.create_default_context(cafile=str(ca_file)))
        connection.login(LOGIN, PASSWORD)
        connection.sendmail(SENDER, ["ap@client.test"], data)
    return (time.perf_counter() - started) * 1000


@group("mail")
def mail(runs: int) -> list[Measurement]:
    """50 invoices sent one after another through the outbox, against bare smtplib."""
    from tallytui.services import sending
    from tallytui.store.models import db

    with tempfile.TemporaryDirectory() as name, _environment(Path(name)):
        folder = Path(name)
        with _server(folder) as (port, ca_file):
            drafts = _drafts(port, ca_file)
            smtp = sending.smtp_access()
            ours, bare = [], []
            for d in drafts:
                message = sending.message_of(d, "<bench@bench.test>")
                data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
                started = time.perf_counter()
                sending.send("ana", d, smtp)
                ours.append((time.perf_counter() - started) * 1000)
                bare.append(_bare_ms(port, ca_file, data))
        db.close()
    return [
        Measurement(
            f"send an invoice by e-mail ({MESSAGES} in a row, PDF ready)",
            statistics.median(ours),
            statistics.median(bare),
            max_ms=MAX_MS,
        )
    ]
