"""The Reports area (F8) and the command palette's areas and actions, driven by keys through
Textual's Pilot on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from team_setup import approval_team
from tui_waiting import settle, until

from tallytui.domain.localtime import parse_instant
from tallytui.services import entries, projects
from tallytui.store.models import db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.screens.approvals import ApprovalsScreen
from tallytui.ui.screens.reports import ReportsScreen
from tallytui.ui.screens.review import ReviewScreen
from tallytui.ui.widgets.plain_table import PlainTable

TZ = "Europe/Berlin"


def at(text: str) -> int:
    return parse_instant(text, TZ)


@pytest.fixture
def books(env):
    """ada's time on Web (Globex, 100 an hour) on 16 and 17 November, an hour on 2 November
    on Ops (non-billable), and a day in August, before the last twelve weeks. A project
    whose name holds the letters of "reports" competes with the area in the palette."""
    handle = approval_team(str(env))
    projects.add(
        "ada", projects.ProjectChanges(name="Data Platform for Logistics", client="Globex")
    )
    projects.add(
        "ada", projects.ProjectChanges(name="Ops", client="Globex", rate=Decimal(0), billable=False)
    )
    for start, end, project in (
        ("2026-11-16 09:00", "2026-11-16 12:00", "Web"),
        ("2026-11-17 09:00", "2026-11-17 10:30", "Web"),
        ("2026-11-02 09:00", "2026-11-02 10:00", "Ops"),
        ("2026-08-03 09:00", "2026-08-03 11:00", "Web"),
    ):
        entries.add("ada", entries.NewEntry(project, at(start), at(end)))
    yield env
    db.close()
    handle.close()


async def open_reports(app, pilot) -> ReportsScreen:
    await settle(app, pilot)
    await pilot.press("f8")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    await until(pilot, lambda: screen.data is not None, "the reports loaded")
    return screen


def rows(screen, name: str) -> list[list[str]]:
    table = screen.query_one(f"#{name}-table", PlainTable)
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


async def test_the_weekly_chart_has_its_numbers_one_key_away(books):
    app = TallyApp(Session("ada", str(books)), TZ)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(app, pilot)
        assert (screen.data.first, screen.data.last) == (date(2026, 8, 31), date(2026, 11, 22))
        assert screen.query_one("#weekly-chart").display
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.query_one("#weekly-table").display
        assert rows(screen, "weekly") == [
            ["2026-11-02", "Globex", "1.00", "0.00"],
            ["2026-11-16", "Globex", "4.50", "4.50"],
        ]
        await pilot.press("c")  # the next chart keeps showing numbers
        await settle(app, pilot)
        assert rows(screen, "share") == [["ada", "5.50", "4.50", "82 %"]]
        await pilot.press("c", "c")
        await settle(app, pilot)
        assert rows(screen, "unbilled") == [
            ["Globex", "EUR", "450.00", "0.00", "0.00", "200.00", "650.00", "6.50"],
            ["Total", "EUR", "450.00", "0.00", "0.00", "200.00", "650.00", "6.50"],
        ]


async def test_period_and_grouping_change_from_the_keyboard(books):
    app = TallyApp(Session("ada", str(books)), TZ)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(app, pilot)
        assert screen.check_action("shift", (1,)) is None  # Later is greyed on this week
        await pilot.press("g")  # by project
        await settle(app, pilot)
        assert {line.key[1] for line in screen.data.weekly} == {"Web", "Ops"}
        await pilot.press("left_square_bracket")  # the twelve weeks before
        await settle(app, pilot)
        assert (screen.data.first, screen.data.last) == (date(2026, 6, 8), date(2026, 8, 30))
        assert [line.key for line in screen.data.weekly] == [("2026-08-03", "Web")]
        assert screen.check_action("shift", (1,))
        await pilot.press("p")  # 26 weeks, ending where the period ended
        await settle(app, pilot)
        assert (screen.data.first, screen.data.last) == (date(2026, 3, 2), date(2026, 8, 30))
        await pilot.press("right_square_bracket", "right_square_bracket")  # never past today
        await settle(app, pilot)
        assert screen.data.last == date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "area"),
    [
        ("reports", ReportsScreen),
        ("approvals", ApprovalsScreen),
        ("invoicing", "InvoicingScreen"),
        ("clients", "ProjectsScreen"),
        ("capture", "CaptureScreen"),
        ("review", ReviewScreen),
    ],
)
async def test_the_palette_reaches_each_area_by_name(books, typed, area):
    app = TallyApp(Session("ada", str(books)), TZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        if typed == "review":
            await pilot.press("f8")
            await settle(app, pilot)
        await pilot.press("ctrl+p", *typed)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        name = area if isinstance(area, str) else area.__name__
        assert type(app.screen).__name__ == name


async def test_the_palette_lists_and_runs_the_areas_actions_with_their_keys(books):
    app = TallyApp(Session("ada", str(books)), TZ)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        shown = [str(option.prompt) for option in app.screen.query_one("CommandList").options]
        assert "Next chart  c" in shown and "area: Invoicing  f5" in shown
        await pilot.press(*"next chart", "enter")
        await settle(app, pilot)
        assert app.screen is screen and screen.chart == "share"
        await pilot.press("f2", "ctrl+p", *"lock week")
        await settle(app, pilot)
        shown = [str(option.prompt) for option in app.screen.query_one("CommandList").options]
        assert "Lock week  L" in shown


def test_a_chart_draws_the_same_in_every_process():
    """plotext orders points through a set, which each process hashes differently; the
    Reports area keeps their order, so the same data draws the same chart every time."""
    script = (
        "import plotext as plt\n"
        "from tallytui.ui.screens.reports import _steady_plotext\n"
        "_steady_plotext()\n"
        "plt.plot_size(76, 20)\n"
        "plt.stacked_bar(['08-31', '09-07', '09-14', '09-21'],"
        " [[0, 10.5, 20.25, 30], [1, 5, 5.75, 6]], labels=['Ärger AG', 'B'])\n"
        "print(plt.build())\n"
    )
    drawn = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(1, 6)
    }
    assert len(drawn) == 1
