"""The interface true to the database: areas follow writes made elsewhere, ``ctrl+r``
reloads, and keys pressed faster than the screens load leave the app idle where asked."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from textual import events
from textual.widgets import DataTable, TabbedContent
from textual.widgets._key_panel import BindingsTable, KeyPanel
from tui_waiting import settle, until

from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.screens.invoicing import InvoicingScreen
from tallytui.ui.watch import ChangeWatcher

TZ = "Europe/Berlin"


@pytest.fixture
def billed(engine, org):
    """Three invoices of October ready to send, one a project: on SQLite or PostgreSQL."""
    org.ok("client", "add", "Initech", "--address", "2 Side St")
    for name, client in (("Ops", "Initech"), ("Api", "Globex")):
        org.ok("project", "add", name, "--client", client, "--rate", "80", "--schedule", "monthly")
    for project, day in (("Web", "05"), ("Ops", "06"), ("Api", "07")):
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
    for project in ("Web", "Ops", "Api"):
        org.ok("invoice", "create", "--project", project)
    open_database(engine)
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


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
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


def elsewhere(*args: str) -> None:
    """``tally`` in a process of its own, as in another terminal."""
    done = subprocess.run(
        [sys.executable, "-m", "tallytui", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def shown(screen: InvoicingScreen, tab: str) -> list[str]:
    table = screen.query_one(f"#{tab}-table", DataTable)
    return [row.value for row in table.rows]


def under_cursor(screen: InvoicingScreen, tab: str) -> str:
    table = screen.query_one(f"#{tab}-table", DataTable)
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


async def ready_to_send(app, pilot) -> InvoicingScreen:
    await settle(app, pilot)
    for key in ("f5", "4"):
        await pilot.press(key)
        await settle(app, pilot)
    return app.screen


async def test_a_document_sent_from_the_cli_leaves_ready_to_send_in_the_open_app(billed):
    """The stale-screen case: the CLI marks the first document sent while the app shows
    Ready to send with the cursor on the second; the screen follows without a key, and
    the cursor stays on that document (now the first row), not on the second line."""
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready_to_send(app, pilot)
        first, second, third = shown(screen, "to-send")
        await pilot.press("down")
        assert under_cursor(screen, "to-send") == second
        elsewhere("invoice", "mark-sent", first)
        await until(pilot, lambda: shown(screen, "to-send") == [second, third], "followed")
        assert under_cursor(screen, "to-send") == second
        await until(pilot, lambda: first in shown(screen, "sent"), "listed as sent")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_ctrl_r_reloads_the_area_at_once(billed, monkeypatch):
    """With the watcher asleep, ctrl+r alone reads the change made elsewhere."""
    monkeypatch.setattr(ChangeWatcher, "every", 3600.0)
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready_to_send(app, pilot)
        first, second, third = shown(screen, "to-send")
        elsewhere("invoice", "mark-sent", third)
        await settle(app, pilot)
        assert shown(screen, "to-send") == [first, second, third]  # nothing polled it
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert shown(screen, "to-send") == [first, second]
        await pilot.press("question_mark")  # the keys panel names it
        await settle(app, pilot)
        keys = app.screen.query_one(KeyPanel).query_one(BindingsTable).render()
        with app.console.capture() as listed:
            app.console.print(keys)
        assert "Reload" in listed.get()


async def test_own_writes_and_idling_reload_no_more_than_once(billed, monkeypatch):
    """The app's own write reloads the area once (the watcher takes the commit as seen),
    and an idle app never reloads: a load that wrote would reload itself for good."""
    loads = []
    reload = InvoicingScreen.reload
    monkeypatch.setattr(InvoicingScreen, "reload", lambda self: loads.append(1) or reload(self))
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready_to_send(app, pilot)
        first, second, third = shown(screen, "to-send")
        loads.clear()
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("enter")
        await until(pilot, lambda: shown(screen, "to-send") == [second, third], "sent")
        for _ in range(4):  # a few rounds of the watcher
            await pilot.pause(ChangeWatcher.every)
            await settle(app, pilot)
        assert len(loads) == 1
