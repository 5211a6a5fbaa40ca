"""The Approvals screen driven by keys through Textual's Pilot, on SQLite and on PostgreSQL,
asserting on the database."""

from __future__ import annotations

from datetime import date

import pytest
from team_setup import approval_team
from textual.widgets import Label
from tui_waiting import settle

from tallytui.domain.localtime import local_date, parse_instant
from tallytui.services import entries, timesheets
from tallytui.store.models import TimeEntry, TimesheetEvent, User, db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.modals.text_prompt import TextPrompt
from tallytui.ui.screens.approvals import ApprovalsScreen
from tallytui.ui.screens.review import ReviewScreen

TZ = "Europe/Berlin"


def at(text: str) -> int:
    return parse_instant(text, TZ)


@pytest.fixture
def weeks(engine):
    """cole's Web time in the weeks of 5 and 12 October, locked; ava approves Web."""
    handle = approval_team(engine)
    for day, start, end in (
        ("05", "09:00", "12:00"),
        ("06", "13:00", "14:30"),
        ("12", "09:00", "11:00"),
    ):
        entries.add(
            "cole",
            entries.NewEntry(
                "Web", at(f"2026-10-{day} {start}"), at(f"2026-10-{day} {end}"), "build"
            ),
        )
    timesheets.lock("cole", date(2026, 10, 31))
    yield engine
    db.close()
    handle.close()


def approved() -> dict[str, str | None]:
    """Day of each entry -> who approved it."""
    rows = TimeEntry.select(TimeEntry.start_utc, TimeEntry.approved_by).order_by(
        TimeEntry.start_utc
    )
    names = dict(User.select(User.id, User.name).tuples())
    return {str(local_date(start, TZ)): names.get(by) for start, by in rows.tuples()}


async def open_screen(app, pilot) -> ApprovalsScreen:
    await settle(app, pilot)
    await pilot.press("f6")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ApprovalsScreen)
    return screen


async def test_approve_withdraw_and_send_back_by_key(weeks):
    app = TallyApp(Session("ava", weeks), TZ)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_screen(app, pilot)
        assert [(g.user, g.first, g.pending_seconds) for g in screen.groups] == [
            ("cole", date(2026, 10, 5), 16200),
            ("cole", date(2026, 10, 12), 7200),
        ]
        assert screen.query_one("#approval-entries").row_count == 2
        assert screen.check_action("withdraw", ()) is None  # nothing approved yet

        await pilot.press("a")
        await settle(app, pilot)
        assert approved() == {"2026-10-05": "ava", "2026-10-06": "ava", "2026-10-12": None}
        assert screen.groups[0].approved_seconds == 16200

        await pilot.press("w")
        await settle(app, pilot)
        assert set(approved().values()) == {None}

        await pilot.press("down", "b")
        await settle(app, pilot)
        await pilot.press("enter")  # an empty comment is refused by the prompt
        await pilot.press(*"Which ticket?", "enter")
        await settle(app, pilot)
        cole = User.get(User.name == "cole")
        assert cole.locked_until == date(2026, 10, 11)
        event = TimesheetEvent.get(TimesheetEvent.action == "send_back")
        assert (event.comment, event.actor.name) == ("Which ticket?", "ava")
        assert [g.first for g in screen.groups] == [date(2026, 10, 5)]


async def test_a_week_changed_behind_the_screen_is_not_approved(weeks):
    app = TallyApp(Session("ava", weeks), TZ)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await open_screen(app, pilot)
        timesheets.unlock("ada", date(2026, 10, 4), user="cole")
        first = TimeEntry.select().order_by(TimeEntry.start_utc).first()
        entries.edit("cole", first.id, entries.EntryChanges(end_utc=at("2026-10-05 13:00")))
        timesheets.lock("cole", date(2026, 10, 31))
        db.close()
        await pilot.press("a")
        await settle(app, pilot)
        assert set(approved().values()) == {None}
        assert any("changed since it was shown" in n.message for n in app._notifications)
        assert screen.groups[0].pending_seconds == 19800  # reloaded: what is there now
        await pilot.press("a")
        await settle(app, pilot)
        assert approved()["2026-10-05"] == "ava"


async def test_a_consultant_is_told_they_approve_nothing(weeks):
    app = TallyApp(Session("cole", weeks), TZ)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_screen(app, pilot)
        assert screen.groups == ()
        hint = str(screen.query_one("#approval-week", Label).content)
        assert hint.startswith("Nothing waits for your approval: locked time of the projects")
        assert "may not approve time" in screen.query_one("StatusLine").note
        await pilot.press("a")
        await settle(app, pilot)
        assert set(approved().values()) == {None}


async def test_sending_back_says_where_the_lock_moves_and_what_opens(weeks):
    """Sending back the week of 5 October moves cole's lock to the 4th: the week of the
    12th opens too, and the dialog says so before anything happens."""
    app = TallyApp(Session("ava", weeks), TZ)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_screen(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        assert prompt.detail == (
            "4.50 h of Web go back to cole. cole: locked until 2026-10-31 → locked until "
            "2026-10-04. Locked time after 2026-10-04 opens again, on every project: Web 6.50 h."
        )
        assert User.get(User.name == "cole").locked_until == date(2026, 10, 31)
        await pilot.press(*"Which ticket?", "enter")
        await settle(app, pilot)
        assert User.get(User.name == "cole").locked_until == date(2026, 10, 4)
        assert any("lock moved back to 2026-10-04" in n.message for n in app._notifications)


async def open_week_of(app, pilot, name: str) -> ReviewScreen:
    """The review's person picker: P, then the name."""
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    await pilot.press("g", "ctrl+a", "ctrl+k", *"2026-10-05", "enter")
    await settle(app, pilot)
    await pilot.press("P")
    await settle(app, pilot)
    await pilot.press(*name)
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert app.screen is screen
    return screen


async def test_an_approver_opens_someones_week_read_only(weeks):
    app = TallyApp(Session("ava", weeks), TZ)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_week_of(app, pilot, "cole")
        assert screen.week.user == "cole" and len(screen.week.entries) == 2
        title = str(screen.query_one("#title", Label).content)
        assert title.endswith("cole's week, locked until 2026-10-31 · read-only")
        assert app.locked_until is None  # the status line keeps ava's own lock
        for action in ("add", "describe", "delete", "lock", "expenses"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("P", *"ava", "enter")
        await settle(app, pilot)
        assert screen.week.user == "ava" and screen.check_action("add", ()) is True


async def test_an_admin_adds_time_to_someone_elses_week(weeks):
    timesheets.unlock("ada", date(2026, 10, 4), user="cole")
    db.close()
    app = TallyApp(Session("ada", weeks), TZ)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_week_of(app, pilot, "cole")
        assert "read-only" not in str(screen.query_one("#title", Label).content)
        assert screen.check_action("add", ()) is True
        assert screen.check_action("lock", ()) is None  # L locks the actor's own timesheet
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#project").value = "Web"
        form.query_one("#day").value = "2026-10-07"
        form.query_one("#start").value = "08:00"
        form.query_one("#end").value = "09:00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        added = TimeEntry.get(TimeEntry.start_utc == at("2026-10-07 08:00"))
        assert added.user.name == "cole"


async def test_a_consultant_has_only_their_own_week(weeks):
    app = TallyApp(Session("cole", weeks), TZ)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("P")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert any("only approvers and admins" in n.message for n in app._notifications)


async def test_the_palette_opens_a_persons_week(weeks):
    app = TallyApp(Session("ava", weeks), TZ)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"week of cole")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.week.user == "cole"
        assert screen.person.editable is False
