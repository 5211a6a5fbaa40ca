"""The interface true to the database: areas follow writes made elsewhere, ``ctrl+r``
reloads, and keys pressed faster than the screens load leave the app idle where asked."""

from __future__ import annotations

import asyncio
import os

import pytest
from textual import events
from textual.widgets import TabbedContent
from tui_waiting import settle

from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.screens.invoicing import InvoicingScreen

TZ = "Europe/Berlin"
END = "2026-10-31"  # of the month billed


@pytest.fixture
def billed(org):
    """October time on Web (monthly), and two invoices of it ready to send."""
    org.ok("client", "add", "Initech", "--address", "2 Side St")
    org.ok("project", "add", "Ops", "--client", "Initech", "--rate", "80", "--schedule", "monthly")
    for project, day in (("Web", "05"), ("Ops", "06"), ("Web", "07")):
        org.ok(
            "entry",
            "add",
            "--project",
            project,
            "--start",
            f"2026-10-{day} 09:00",
            "--end",
            f"2026-10-{day} 11:00",
        )
    org.ok("timesheet", "lock", "--until", "2026-10-31")
    for client in ("Globex", "Initech"):
        org.ok("invoice", "create", "--client", client, "--from", "2026-10-01", "--to", END)
    open_database(os.environ["TALLY_DB"])
    yield org
    db.close()


def new_app() -> TallyApp:
    return TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)


async def seen_for_a_while(app, pilot) -> set[tuple[str, str]]:
    """The screen shown and where focus is, sampled for a third of a second."""
    seen = set()
    for _ in range(30):
        await pilot.pause(0.01)
        screen = app.screen
        seen.add((screen.query_one(TabbedContent).active, str(screen.focused.id)))
    return seen


@pytest.mark.parametrize(("key", "tab"), [("2", "pending"), ("3", "ready")])
async def test_a_screen_key_right_after_f5_settles_on_that_screen(billed, key, tab):
    """F5 and a screen's number typed together: focus reported late by the first screen
    and focus asked for by the key used to show the two screens in turn, for good. However
    the two keys fall against the first screen's start, the app ends idle on the one asked
    for."""
    for gap in (0, 2, 4, 8, 16, 32):
        app = new_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(app, pilot)
            app.post_message(events.Key("f5", None))
            for _ in range(gap):
                await asyncio.sleep(0)  # let the app go on by this many steps
            app.post_message(events.Key(key, key))
            await settle(app, pilot)
            assert isinstance(app.screen, InvoicingScreen)
            assert await seen_for_a_while(app, pilot) == {(tab, f"{tab}-table")}, gap
