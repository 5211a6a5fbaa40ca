"""Sending invoices by e-mail against real SMTP servers on loopback ports: STARTTLS with a
throwaway CA and AUTH (aiosmtpd), and a scripted server that drops the connection during
DATA. What arrives, what is recorded, and that nothing goes out twice by accident."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from email import message_from_bytes, policy

import pytest
from mail_server import LOGIN, PASSWORD, Scripted, TlsServer

from tallytui.store.models import db

NUMBER = "ACME-202611-0001"
SENDER = "billing@acme.test"


@pytest.fixture
def mail_env(org, tmp_path, monkeypatch):
    """The organisation of ``org`` with one ready freeform invoice to Globex, and a config
    file of its own; the SMTP password is in the environment, as a user would set it."""
    monkeypatch.setenv("TALLY_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("TALLY_SMTP_PASSWORD", PASSWORD)
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Website work|2|100")
    monkeypatch.chdir(tmp_path)
    return org


@pytest.fixture
def server(tmp_path):
    with TlsServer(tmp_path) as running:
        yield running


def configure(tally, port: int, *extra: str) -> None:
    tally.ok("config", "smtp", "--host", "localhost", "--port", str(port), "--from", SENDER, *extra)


def configure_tls(tally, server) -> None:
    configure(tally, server.port, "--user", LOGIN, "--ca-file", str(server.ca_file))


def status(tally) -> str:
    return tally.ok("invoice", "show", NUMBER, "--json").json()["status"]


def outbox(tally) -> list[dict]:
    return tally.ok("invoice", "outbox", "--json").json()


def test_config_smtp_writes_its_table_and_keeps_the_others(mail_env, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"review.next" = "l"\n\n[smtp]\nhost = "old.example"\n')
    done = mail_env.ok(
        "config",
        "smtp",
        "--host",
        "mail.example.com",
        "--user",
        "anna",
        "--from",
        SENDER,
        "--password-command",
        "pass show mail",
    )
    assert "mail.example.com:587 (starttls) as anna" in done.stdout
    import tomllib

    written = tomllib.loads(config.read_text())
    assert written["keymap"] == {"review.next": "l"}
    assert written["smtp"] == {
        "host": "mail.example.com",
        "port": 587,
        "security": "starttls",
        "from": SENDER,
        "user": "anna",
        "password_command": "pass show mail",
    }
    before = config.read_text()
    for args, message in (
        (("--security", "none"), "only for a server on this machine"),
        (("--port", "0"), "--port: 0 is not a port"),
    ):
        refused = mail_env("config", "smtp", "--host", "mail.example.com", "--from", SENDER, *args)
        assert refused.exit_code == 1 and message in refused.stderr
    refused = mail_env("config", "smtp", "--host", "mail.example.com", "--from", "billing")
    assert (
        refused.stderr == "error: --from: 'billing' is not an e-mail address (name@example.com)\n"
    )
    assert config.read_text() == before
    mail_env.ok("config", "smtp", "--host", "127.0.0.1", "--security", "none", "--from", SENDER)
    assert tomllib.loads(config.read_text())["smtp"]["port"] == 25


def test_a_sent_invoice_arrives_with_its_pdf_and_is_marked_sent(mail_env, server, tmp_path, env):
    configure_tls(mail_env, server)
    mail_env.ok("client", "set", "Globex", "--email", "ap@globex.test, boss@globex.test")

    def committed():
        """What another connection sees while the server takes the message."""
        with sqlite3.connect(env) as other:
            return (
                other.execute("SELECT state, message_id FROM outbox").fetchall(),
                other.execute("SELECT status FROM invoice").fetchall(),
            )

    server.handler.probe = committed
    done = mail_env.ok("invoice", "send", NUMBER, "--cc", "me@acme.test")
    [received] = server.handler.received
    assert received.sender == SENDER
    assert received.recipients == ["ap@globex.test", "boss@globex.test", "me@acme.test"]
    message = received.message
    assert message["To"] == "ap@globex.test, boss@globex.test"
    assert message["Cc"] == "me@acme.test"
    assert message["From"].addresses[0].display_name == "Acme Consulting"
    assert message["Subject"] == f"Invoice {NUMBER} from Acme Consulting"
    assert message["Date"].datetime.isoformat() == "2026-11-20T09:00:00+00:00"
    body = message.get_body(("plain",)).get_content()
    assert "invoice ACME-202611-0001 over 238.00 EUR, due on 2026-12-04" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{NUMBER}.pdf"
    mail_env.ok("invoice", "pdf", NUMBER, "-o", str(tmp_path / "own.pdf"))
    assert attachment.get_content() == (tmp_path / "own.pdf").read_bytes()

    assert status(mail_env) == "sent"
    [attempt] = outbox(mail_env)
    assert attempt["message_id"] == message["Message-ID"] and attempt["message_id"] in done.stdout
    # The outbox row was committed before the conversation; the invoice was still ready.
    assert server.handler.probed == [([("queued", message["Message-ID"])], [("ready",)])]
    assert (attempt["state"], attempt["kind"], attempt["to"], attempt["cc"]) == (
        "sent",
        "send",
        ["ap@globex.test", "boss@globex.test"],
        ["me@acme.test"],
    )
    # Sent once: again only on purpose.
    again = mail_env("invoice", "send", NUMBER)
    assert again.exit_code == 1 and "was e-mailed on 2026-11-20 10:00 to ap@globex.test" in (
        again.stderr
    )
    assert "--resend" in again.stderr and len(server.handler.received) == 1
    mail_env.ok("invoice", "send", NUMBER, "--resend")
    assert len(server.handler.received) == 2

    # The password is nowhere but in the environment.
    secret = PASSWORD.encode()
    assert secret not in env.read_bytes() and secret not in (tmp_path / "config.toml").read_bytes()
    assert PASSWORD not in done.stdout + done.stderr + mail_env.ok("invoice", "outbox").stdout
    assert not any(secret in path.read_bytes() for path in tmp_path.glob("tally.db*"))


def test_non_ascii_names_are_encoded_in_the_headers(mail_env, server):
    configure_tls(mail_env, server)
    mail_env.ok("org", "set", "--org", "Müller & Söhne Beratung")
    mail_env.ok("invoice", "freeform", "--client", "Globex", "--line", "Beratung|1|50")
    mail_env.ok("invoice", "send", "ACME-202611-0002")
    raw = server.handler.received[0].data
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"=?utf-8?" in head.lower()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["From"].addresses[0].display_name == "Müller & Söhne Beratung"
    assert parsed["Subject"] == "Invoice ACME-202611-0002 from Müller & Söhne Beratung"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("recipient", "refused the recipient nobody@globex.test (550 5.1.1 mailbox unavailable)"),
        ("login", f"refused the login of {LOGIN}: 535"),
    ],
)
def test_a_refusal_leaves_the_invoice_ready_and_says_why(
    mail_env, server, monkeypatch, case, expected
):
    configure_tls(mail_env, server)
    if case == "recipient":
        server.handler.refuse.add("nobody@globex.test")
        refused = mail_env("invoice", "send", NUMBER, "--to", "nobody@globex.test")
    else:
        monkeypatch.setenv("TALLY_SMTP_PASSWORD", "wrong")
        refused = mail_env("invoice", "send", NUMBER)
    assert refused.exit_code == 1 and expected in refused.stderr
    assert refused.stderr.startswith("error: invoice e-mail of ACME-202611-0001 not sent")
    assert "stays ready" in refused.stderr and refused.stderr.count("\n") == 1
    assert status(mail_env) == "ready" and server.handler.received == []
    [attempt] = outbox(mail_env)
    assert attempt["state"] == "failed" and expected in attempt["error"]
    # A failed attempt did not arrive: the next send goes ahead without --resend.
    server.handler.refuse.clear()
    monkeypatch.setenv("TALLY_SMTP_PASSWORD", PASSWORD)
    mail_env.ok("invoice", "send", NUMBER)
    assert status(mail_env) == "sent"


def test_a_message_over_the_servers_size_limit_is_refused(mail_env, tmp_path):
    with TlsServer(tmp_path, size_limit=10_000) as small:
        configure_tls(mail_env, small)
        refused = mail_env("invoice", "send", NUMBER)
        assert small.handler.received == []
    assert f"refused the message from {SENDER}: 552" in refused.stderr
    assert "exceeds" in refused.stderr and status(mail_env) == "ready"
    assert [a["state"] for a in outbox(mail_env)] == ["failed"]


def test_a_connection_dropped_at_data_leaves_it_ready(mail_env):
    with Scripted("before_body") as scripted:
        configure(mail_env, scripted.port, "--security", "none")
        refused = mail_env("invoice", "send", NUMBER)
    assert refused.exit_code == 1
    assert "failed before the message was handed over" in refused.stderr
    assert status(mail_env) == "ready"
    assert [a["state"] for a in outbox(mail_env)] == ["failed"]


def test_a_send_that_may_have_arrived_is_not_repeated_without_resend(mail_env, server):
    with Scripted("after_body") as scripted:
        configure(mail_env, scripted.port, "--security", "none")
        lost = mail_env("invoice", "send", NUMBER)
        assert len(scripted.bodies) == 1
    assert lost.exit_code == 1 and "it may have arrived" in lost.stderr
    assert status(mail_env) == "ready"
    [attempt] = outbox(mail_env)
    assert attempt["state"] == "unknown"

    configure_tls(mail_env, server)
    again = mail_env("invoice", "send", NUMBER)
    assert again.exit_code == 1
    assert (
        "an earlier invoice e-mail of ACME-202611-0001 on 2026-11-20 10:00 to ap@globex.test "
        "may have reached the server (unknown" in again.stderr
    )
    assert server.handler.received == [] and status(mail_env) == "ready"
    mail_env.ok("invoice", "send", NUMBER, "--resend")
    assert status(mail_env) == "sent" and len(server.handler.received) == 1


def test_a_send_killed_past_data_stays_queued_and_blocks_the_next(mail_env, server):
    """A real crash: the sending process is killed while the server holds the whole
    message without answering."""
    with Scripted("hang") as scripted:
        configure(mail_env, scripted.port, "--security", "none")
        sending = subprocess.Popen(
            [sys.executable, "-m", "tallytui", "invoice", "send", NUMBER],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(3000):
                if scripted.bodies:
                    break
                time.sleep(0.01)
        finally:
            sending.kill()
            sending.wait()
        assert scripted.bodies
    [attempt] = outbox(mail_env)
    assert attempt["state"] == "queued"
    configure_tls(mail_env, server)
    again = mail_env("invoice", "send", NUMBER)
    assert again.exit_code == 1 and "may have reached the server (queued" in again.stderr
    assert server.handler.received == []


def test_dry_run_writes_a_message_that_parses_back(mail_env, tmp_path):
    mail_env.ok("config", "smtp", "--host", "mail.example.com", "--from", SENDER)
    done = mail_env.ok("invoice", "send", NUMBER, "--dry-run", "--to", "x@globex.test")
    assert "nothing sent" in done.stdout
    with open(tmp_path / f"{NUMBER}.eml", "rb") as file:
        from email.parser import BytesParser

        message = BytesParser(policy=policy.default).parse(file)
    assert message["To"] == "x@globex.test" and message["Message-ID"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert status(mail_env) == "ready" and outbox(mail_env) == []


def test_bad_input_is_one_error_line_and_changes_nothing(mail_env, server, tmp_path):
    missing = mail_env("invoice", "send", NUMBER)
    assert missing.stderr.startswith("error: missing SMTP setting host in ")
    assert "`tally config smtp --host H --from ADDR`" in missing.stderr
    configure_tls(mail_env, server)
    mail_env.ok("invoice", "freeform", "--client", "Globex", "--line", "Other|1|10")
    mail_env.ok("invoice", "delete", NUMBER)  # an older number: it stays as void
    cases = [
        (("invoice", "send", "ACME-202611-0009"), "no invoice numbered 'ACME-202611-0009'"),
        (("invoice", "send", NUMBER), f"{NUMBER} is void; a void document is never sent"),
        (
            ("invoice", "send", "ACME-202611-0002", "--to", "ap@globex"),
            "--to: 'ap@globex' is not an e-mail address",
        ),
        (
            ("client", "set", "Globex", "--email", "ap@globex.test, nope"),
            "--email: 'nope' is not an e-mail address",
        ),
    ]
    for args, message in cases:
        refused = mail_env(*args)
        assert refused.exit_code == 1, args
        assert refused.stderr.startswith("error: ") and message in refused.stderr, args
        assert refused.stderr.count("\n") == 1
    (tmp_path / "config.toml").write_text(
        (tmp_path / "config.toml").read_text()
        + '\n[mail.templates.en]\nsubject = "Invoice {number} ({amount})"\n'
    )
    refused = mail_env("invoice", "send", "ACME-202611-0002")
    assert refused.stderr.startswith(
        "error: mail template en send subject: unknown placeholder {amount}"
    )
    assert server.handler.received == [] and outbox(mail_env) == []
    assert mail_env.ok("client", "list", "--json").json()[0]["email"] == "ap@globex.test"


def test_templates_in_the_config_replace_the_defaults(mail_env, server, tmp_path):
    configure_tls(mail_env, server)
    with open(tmp_path / "config.toml", "a") as file:
        file.write(
            '\n[mail]\nlanguage = "de"\n\n[mail.templates.de]\n'
            'subject = "Ihre Rechnung {number} über {total}"\n'
        )
    mail_env.ok("invoice", "send", NUMBER)
    message = server.handler.received[0].message
    assert message["Subject"] == f"Ihre Rechnung {NUMBER} über 238.00 EUR"
    assert "fällig am 2026-12-04" in message.get_body(("plain",)).get_content()


def test_reminders_go_out_level_by_level_once_overdue(mail_env, server, monkeypatch):
    configure_tls(mail_env, server)
    early = mail_env("invoice", "remind", NUMBER)
    assert early.stderr.startswith(f"error: {NUMBER} has not been sent yet")
    mail_env.ok("invoice", "send", NUMBER)
    early = mail_env("invoice", "remind", NUMBER)
    assert early.stderr == f"error: {NUMBER} is not overdue: it is due on 2026-12-04\n"
    monkeypatch.setenv("TALLY_NOW", "2026-12-10T10:00:00+01:00")
    subjects = []
    for word in ("first reminder", "second reminder", "final notice"):
        done = mail_env.ok("invoice", "remind", NUMBER)
        assert done.stdout.startswith(f"sent {word} of {NUMBER}")
        subjects.append(server.handler.received[-1].message["Subject"])
    assert subjects == [
        f"Reminder: invoice {NUMBER}",
        f"Second reminder: invoice {NUMBER}",
        f"Final notice: invoice {NUMBER}",
    ]
    over = mail_env("invoice", "remind", NUMBER)
    assert "there is no further reminder" in over.stderr
    attempts = outbox(mail_env)
    assert [(a["kind"], a["level"]) for a in attempts] == [
        ("reminder", 3),
        ("reminder", 2),
        ("reminder", 1),
        ("send", 0),
    ]
    assert len({a["message_id"] for a in attempts}) == 4
    mail_env.ok("invoice", "mark-paid", NUMBER)
    assert "is paid; no reminder" in mail_env("invoice", "remind", NUMBER).stderr


def test_no_password_anywhere_after_every_path(mail_env, server, env):
    configure_tls(mail_env, server)
    mail_env.ok("invoice", "send", NUMBER)
    connection = sqlite3.connect(env)
    dump = "\n".join(connection.iterdump())
    connection.close()
    db.close()
    assert PASSWORD not in dump


def test_the_password_comes_from_the_named_command(mail_env, server, monkeypatch, tmp_path):
    monkeypatch.delenv("TALLY_SMTP_PASSWORD")
    script = tmp_path / "secret.py"
    script.write_text(f"print({PASSWORD!r})\n")
    configure_tls(mail_env, server)
    missing = mail_env("invoice", "send", NUMBER)
    assert missing.stderr.startswith(
        f"error: no SMTP password for {LOGIN}: set TALLY_SMTP_PASSWORD"
    )
    failing = f"{sys.executable} -c 'import sys; sys.exit(3)'"
    configure_tls(mail_env, server)
    configure(
        mail_env,
        server.port,
        "--user",
        LOGIN,
        "--ca-file",
        str(server.ca_file),
        "--password-command",
        failing,
    )
    refused = mail_env("invoice", "send", NUMBER)
    assert refused.stderr == "error: the SMTP password command printed no password (exit code 3)\n"
    assert outbox(mail_env) == [] and status(mail_env) == "ready"
    configure(
        mail_env,
        server.port,
        "--user",
        LOGIN,
        "--ca-file",
        str(server.ca_file),
        "--password-command",
        f"{sys.executable} {script}",
    )
    done = mail_env.ok("invoice", "send", NUMBER)
    assert PASSWORD not in done.stdout and status(mail_env) == "sent"
    assert PASSWORD not in (tmp_path / "config.toml").read_text()


def test_sending_records_the_same_on_both_engines(engine, tally, server, tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("TALLY_SMTP_PASSWORD", PASSWORD)
    tally.ok("init", "--org", "Acme Consulting", "--code", "ACME", "--tax-rate", "19")
    tally.ok("client", "add", "Globex", "--email", "ap@globex.test")
    tally.ok("invoice", "freeform", "--client", "Globex", "--line", "Website work|2|100")
    configure_tls(tally, server)
    tally.ok("invoice", "send", NUMBER)
    [attempt] = outbox(tally)
    assert (attempt["state"], attempt["to"], attempt["by"]) == ("sent", ["ap@globex.test"], "anna")
    assert status(tally) == "sent"
    assert "was e-mailed on" in tally("invoice", "send", NUMBER).stderr


def test_a_document_that_may_have_arrived_is_not_deleted_unasked(mail_env):
    """Deleting it would give its number to the next document while the client may hold
    it; the user says the e-mail never arrived, or marks it sent."""
    with Scripted("after_body") as scripted:
        configure(mail_env, scripted.port, "--security", "none")
        assert mail_env("invoice", "send", NUMBER).exit_code == 1
    refused = mail_env("invoice", "delete", NUMBER)
    assert refused.exit_code == 1
    assert "may have reached its client: an e-mail of it is unknown in the outbox" in (
        refused.stderr
    )
    assert status(mail_env) == "ready"
    done = mail_env.ok("invoice", "delete", NUMBER, "--not-sent")
    assert done.stdout == f"deleted {NUMBER}; its number is free again\n"
