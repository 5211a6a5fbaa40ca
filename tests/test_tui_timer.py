"""The running timer in the interface: the status line of every area shows it and its
elapsed time (redrawn once a minute), ``T`` on the review starts one on the selected
session's project or stops the running one, the week shows it as an open block up to now,
and a timer started in another terminal appears."""

from __future__ import annotations

import os

import pytest
from test_tui_live import elsewhere
from textual.widgets import DataTable
from tui_waiting import settle, until

from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.widgets.status_line import StatusLine

TZ = "Europe/Berlin"


@pytest.fixture
def week(org):
    """One session of Web on Wednesday, and a second project; the database open."""
    org.ok("project", "add", "Ops", "--client", "Globex")
    org.ok("entry", "add", "--project", "Ops", "--start", "2026-11-18 09:00", "--end", "11:00")
    open_database(os.environ["TALLY_DB"])
    yield org
    db.close()


def new_app() -> TallyApp:
    return TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)


def status_text(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_t_starts_a_timer_on_the_sessions_project_and_stops_it(week, monkeypatch):
    app = new_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        assert "· timer " not in status_text(app)
        await pilot.press("T")
        await until(pilot, lambda: app.running_timer is not None, "the timer runs")
        await settle(app, pilot)
        assert app.running_timer.project == "Ops"
        assert "Timer started on Ops" in notes(app)
        assert "timer Ops 0:00" in status_text(app)
        running = rows(app)[-1]
        assert running[2:6] == ["10:00", "now", "0.00", "Ops"]
        assert running[7:] == ["timer", "", "running"]
        monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:45:00+01:00")
        await pilot.press("T")
        await until(pilot, lambda: app.running_timer is None, "the timer stopped")
        await settle(app, pilot)
        [stopped] = [n for n in notes(app) if n.startswith("Timer stopped")]
        assert stopped.endswith(", 0.75 h on Ops")
        assert "· timer " not in status_text(app)
        assert rows(app)[-1][2:7] == ["10:00", "10:45", "0.75", "Ops", ""]
        assert rows(app)[-1][7] == "manual"


async def test_the_status_line_shows_the_timer_in_every_area_and_ticks(week, monkeypatch):
    week.ok("start", "Web", "--at", "08:30")
    app = new_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        assert "timer Web 1:30" in status_text(app)
        assert rows(app)[-1][2:6] == ["08:30", "now", "1.50", "Web"]
        monkeypatch.setenv("TALLY_NOW", "2026-11-20T10:07:00+01:00")
        line = app.screen.query_one(StatusLine)
        line.tick()  # what the minute's interval calls
        await settle(app, pilot)
        assert "timer Web 1:37" in status_text(app)
        for key in ("f3", "f4", "f5", "f6"):
            await pilot.press(key)
            await settle(app, pilot)
            assert "timer Web 1:37" in status_text(app), key


async def test_a_timer_started_in_another_terminal_appears(week):
    app = new_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        elsewhere("start", "Web", "--at", "09:45")
        await until(pilot, lambda: "timer Web 0:15" in status_text(app), "the status line")
        await until(pilot, lambda: rows(app)[-1][7] == "timer", "the week's open block")
        elsewhere("stop")
        await until(pilot, lambda: "· timer " not in status_text(app), "stopped elsewhere")


async def test_t_on_a_locked_day_says_why_and_starts_nothing(week):
    week.ok("timesheet", "lock", "--until", "2026-11-20")
    app = new_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        assert app.running_timer is None
        assert any("locked until 2026-11-20" in n for n in notes(app)), notes(app)
