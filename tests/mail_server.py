"""SMTP servers the mail tests talk to on a loopback port: aiosmtpd with STARTTLS (a
throwaway CA from trustme) and AUTH, and a scripted bare one that drops the connection
at a chosen moment of the DATA command."""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOGIN, PASSWORD = "anna", "s3cret-Password-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self):
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    probe: Callable[[], object] | None = None  # called as the message arrives
    probed: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if self.probe is not None:
            self.probed.append(self.probe())
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 2.0.0 accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == LOGIN.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


class TlsServer:
    """aiosmtpd on 127.0.0.1 requiring STARTTLS before AUTH; ``ca_file`` trusts it."""

    def __init__(self, folder, size_limit: int = 33554432) -> None:
        ca = trustme.CA()
        self.ca_file = folder / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="localhost",
            tls_context=context,
            require_starttls=True,
            authenticator=_authenticate,
            auth_require_tls=True,
            ready_timeout=10,
            data_size_limit=size_limit,
        )

    def __enter__(self) -> TlsServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class Scripted(socketserver.ThreadingTCPServer):
    """Plain SMTP that follows the dialogue up to DATA, then ``drop``: ``before_body``
    closes the connection instead of answering DATA; ``after_body`` reads the whole
    message and closes without answering; ``hang`` reads it and never answers."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, drop: str) -> None:
        self.drop = drop
        self.bodies: list[bytes] = []
        self.release = threading.Event()
        super().__init__(("127.0.0.1", 0), _Dialogue)
        self.port = self.server_address[1]

    def __enter__(self) -> Scripted:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _Dialogue(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: Scripted = self.server
        self.wfile.write(b"220 scripted ESMTP\r\n")
        for line in self.rfile:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 scripted\r\n")
            elif verb == b"DATA":
                if server.drop == "before_body":
                    return
                self.wfile.write(b"354 go ahead\r\n")
                body = b""
                for part in self.rfile:
                    body += part
                    if part == b".\r\n":
                        break
                server.bodies.append(body)
                if server.drop == "hang":
                    server.release.wait(60)
                return
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")
