"""Sending from the invoicing area through Pilot: the send form shows what goes and keeps a
refused address in the dialog; `R` on Sent sends the next reminder after a confirmation
naming its level. A real SMTP server (STARTTLS, AUTH) on a loopback port receives them."""

from __future__ import annotations

import os

import pytest
from mail_server import LOGIN, PASSWORD, TlsServer
from textual.widgets import Input, Label
from tui_waiting import settle, until

from tallytui.store.db import open_database
from tallytui.store.models import Invoice, Outbox, db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.modals.confirm import Confirm
from tallytui.ui.modals.send_form import SendForm

NUMBER = "ACME-202611-0001"


@pytest.fixture
def server(org, tmp_path, monkeypatch):
    """A ready invoice to Globex and an SMTP server the config points at."""
    monkeypatch.setenv("TALLY_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("TALLY_SMTP_PASSWORD", PASSWORD)
    org.ok("invoice", "freeform", "--client", "Globex", "--line", "Website work|2|100")
    with TlsServer(tmp_path) as running:
        org.ok(
            "config",
            "smtp",
            "--host",
            "localhost",
            "--port",
            str(running.port),
            "--user",
            LOGIN,
            "--from",
            "billing@acme.test",
            "--ca-file",
            str(running.ca_file),
        )
        yield running
    db.close()


async def press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).content)


async def test_the_send_form_shows_the_message_and_sends_it(server):
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", os.environ["TALLY_DB"]), "Europe/Berlin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "f5", "4", "s")
        await until(pilot, lambda: isinstance(app.screen, SendForm), "the send form")
        form = app.screen
        assert form.query_one("#send-to", Input).value == "ap@globex.test"
        assert text(form, "#send-subject") == f"Subject: Invoice {NUMBER} from Acme Consulting"
        assert "over 238.00 EUR, due on 2026-12-04" in text(form, "#send-body")
        assert text(form, "#send-attachments").startswith(f"Attachments: {NUMBER}.pdf (")

        # A wrong address stays in the dialog with what was typed; nothing goes.
        await press(app, pilot, "end", *", boss@globex", "ctrl+s")
        assert app.screen is form
        assert "'boss@globex' is not an e-mail address" in text(form, "#form-error")
        assert server.handler.received == []

        await press(app, pilot, *".test", "ctrl+s")
        await until(pilot, lambda: server.handler.received, "the message to arrive")
        await settle(app, pilot)
        [received] = server.handler.received
        assert received.recipients == ["ap@globex.test", "boss@globex.test"]
        assert Invoice.get(Invoice.number == NUMBER).status == "sent"
        await until(pilot, lambda: app.screen.query_one("#cycle").active == "sent", "Sent")


async def test_r_sends_the_next_reminder_after_a_confirmation(server, monkeypatch):
    from click.testing import CliRunner

    from tallytui.cli.root import cli

    assert CliRunner().invoke(cli, ["invoice", "send", NUMBER]).exit_code == 0
    monkeypatch.setenv("TALLY_NOW", "2026-12-10T10:00:00+01:00")
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", os.environ["TALLY_DB"]), "Europe/Berlin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "f5", "5", "R")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
        assert app.screen.question == f"Send the first reminder of {NUMBER}?"
        assert "ap@globex.test" in app.screen.detail
        await press(app, pilot, "y")
        await until(pilot, lambda: len(server.handler.received) == 2, "the reminder")
        await settle(app, pilot)
        assert server.handler.received[1].message["Subject"] == f"Reminder: invoice {NUMBER}"
        await until(
            pilot,
            lambda: Outbox.select().where(Outbox.state == "sent").count() == 2,
            "the reminder recorded",
        )
        await press(app, pilot, "R")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the next confirmation")
        assert app.screen.question == f"Send the second reminder of {NUMBER}?"
        await press(app, pilot, "n")
    assert len(server.handler.received) == 2
