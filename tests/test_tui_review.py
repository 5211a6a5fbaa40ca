"""The weekly review driven by keys through Textual's Pilot, asserting on the database."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from textual.widgets import Label
from tui_waiting import settle, until

from tallytui.domain.localtime import parse_instant
from tallytui.services import entries, timesheets
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.modals.text_prompt import TextPrompt
from tallytui.ui.screens.review import ReviewScreen

TZ = "Europe/Berlin"


def at(text: str) -> int:
    return parse_instant(text, TZ)


@pytest.fixture
def week(org):
    """Three entries on Tuesday 2026-11-17 for anna (TALLY_NOW is Friday the 20th)."""
    org.ok("project", "add", "Api", "--client", "Globex", "--rate", "120")
    open_database(os.environ["TALLY_DB"])
    for start, end, text in (
        ("09:00", "10:00", "design"),
        ("10:00", "11:30", "build"),
        ("13:00", "14:00", "review"),
    ):
        entries.add(
            "anna",
            entries.NewEntry("Web", at(f"2026-11-17 {start}"), at(f"2026-11-17 {end}"), text),
        )
    yield
    db.close()


def rows() -> list[tuple[str, str, int, int, bool]]:
    return [
        (e.project.name, e.description, e.start_utc, e.end_utc, e.billable)
        for e in TimeEntry.select().order_by(TimeEntry.start_utc)
    ]


def new_app() -> TallyApp:
    return TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)


async def start(app, pilot) -> ReviewScreen:
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_week_shows_entries_and_navigates(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start(app, pilot)
        assert len(screen.week.entries) == 3
        assert screen.week.first == date(2026, 11, 16)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert screen.week.first == date(2026, 11, 9) and screen.week.entries == ()
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.week.first == date(2026, 11, 16)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"2026-11-03", "enter")
        await settle(app, pilot)
        assert screen.week.first == date(2026, 11, 2)


async def test_retag_through_the_picker_and_undo(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press(*"ap", "enter")
        await settle(app, pilot)
        assert [r[0] for r in rows()] == ["Api", "Web", "Web"]
        await pilot.press("u")
        await settle(app, pilot)
        assert [r[0] for r in rows()] == ["Web", "Web", "Web"]


async def test_describe_split_trim_and_billable(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("e", "ctrl+a", "ctrl+k", *"Kick-off", "enter")
        await settle(app, pilot)
        assert rows()[0][1] == "Kick-off"
        await pilot.press("s", *"09:20", "enter")
        await settle(app, pilot)
        assert [(r[2], r[3]) for r in rows()][:2] == [
            (at("2026-11-17 09:00"), at("2026-11-17 09:20")),
            (at("2026-11-17 09:20"), at("2026-11-17 10:00")),
        ]
        await pilot.press("r", "ctrl+a", "ctrl+k", *"08:45-09:20", "enter")
        await settle(app, pilot)
        assert rows()[0][2:4] == (at("2026-11-17 08:45"), at("2026-11-17 09:20"))
        screen = app.screen
        await until(
            pilot,
            lambda: screen.current is not None and screen.current.start_utc == rows()[0][2],
            "the trimmed entry shown under the cursor",
        )
        await pilot.press("b")
        await until(pilot, lambda: rows()[0][4] is False, "the entry marked non-billable")


async def test_select_merge_and_delete(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("space", "down", "space", "m", "y")
        await settle(app, pilot)
        assert [(r[2], r[3], r[1]) for r in rows()][0] == (
            at("2026-11-17 09:00"),
            at("2026-11-17 11:30"),
            "design; build",
        )
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert len(rows()) == 1
        await pilot.press("u")
        await settle(app, pilot)
        assert len(rows()) == 2


async def test_add_entry_from_the_form(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#project").value = "Api"
        form.query_one("#day").value = "2026-11-18"
        form.query_one("#start").value = "08:00"
        form.query_one("#end").value = "09:15"
        form.query_one("#description").value = "Standup"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert ("Api", "Standup", at("2026-11-18 08:00"), at("2026-11-18 09:15"), True) in rows()


async def test_form_names_the_wrong_field(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#project").value = "Nope"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "project: 'Nope' is not a project" in str(form.query_one("#form-error").render())
        assert len(rows()) == 3


async def test_lock_week_then_edits_are_off(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("L")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert screen.week.locked_until == date(2026, 11, 22)
        assert screen.check_action("retag", ()) is None
        assert "locked" in screen.query_one("StatusLine").note
        await pilot.press("p")
        await settle(app, pilot)
        assert app.screen is screen  # no picker opened
        assert [r[0] for r in rows()] == ["Web", "Web", "Web"]


async def test_every_area_shows_the_users_lock_and_capture(week, tmp_path, monkeypatch):
    """The status line of each area follows the acting user's lock and capture, wherever
    they changed: the invoicing area's said "never locked" and "capture off" before."""
    monkeypatch.setenv("HOME", str(tmp_path))  # no browser history of this machine
    timesheets.lock("anna", date(2026, 11, 15))
    app = new_app()

    def status(screen) -> str:
        return str(screen.query_one("StatusLine").render())

    async with app.run_test(size=(120, 36)) as pilot:
        review = await start(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        invoicing = app.screen
        assert "anna · locked until 2026-11-15 · capture off" in status(invoicing)
        await pilot.press("f2", "L")  # lock this week, up to Sunday the 22nd
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "locked until 2026-11-22" in status(review)
        assert "locked until 2026-11-22" in status(invoicing)
        await pilot.press("f4", "c")
        await until(pilot, lambda: app.capture_running, "capture started")
        assert "capture on" in status(review) and "capture on" in status(invoicing)
        await pilot.press("c")
        await until(pilot, lambda: not app.workers, "capture stopped")
        assert "capture off" in status(review) and "capture off" in status(app.screen)


async def test_capture_that_fails_is_off_in_every_area(week, monkeypatch):
    from tallytui.services import capture_run

    def failing(*_args, **_kwargs):
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(capture_run, "run", failing)
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        review = await start(app, pilot)
        await pilot.press("f4", "c")
        await until(pilot, lambda: not app.workers, "capture ended")
        assert not app.capture_running
        state = app.screen.query_one("#capture-state")
        await until(pilot, lambda: "Capture stopped" in str(state.render()), "capture shown off")
        assert "capture off" in str(review.query_one("StatusLine").render())
        assert any("watch limit" in n.message for n in app._notifications)


async def test_a_refused_edit_is_a_notification_not_a_crash(week):
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await start(app, pilot)
        timesheets.lock("anna", date(2026, 11, 17))  # behind the screen's back
        await pilot.press("b")
        await settle(app, pilot)
        assert app.is_running and app.screen is screen
        assert any("locked until 2026-11-17" in n.message for n in app._notifications)
        assert all(r[4] for r in rows())


async def test_expenses_add_edit_and_delete_from_the_review(week):
    from tallytui.store.models import Expense

    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#project").value = "Web"
        form.query_one("#day").value = "2026-11-18"
        form.query_one("#quantity").value = "120"
        form.query_one("#unit_price").value = "0.30"
        form.query_one("#unit").value = "km"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [expense] = Expense.select()
        assert (expense.amount_minor, expense.unit) == (3600, "km")
        assert [x.amount for x in screen.week.expenses] == [expense.amount_minor / 100]
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#unit_price").value = "0.35"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Expense.get().amount_minor == 4200
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert Expense.select().count() == 0


async def test_an_expense_may_carry_its_own_vat_rate_from_the_form(week):
    from textual.widgets import Label

    from tallytui.store.models import Expense
    from tallytui.ui.modals.expense_form import ExpenseForm

    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#project").value = "Web"
        form.query_one("#day").value = "2026-11-18"
        form.query_one("#amount").value = "86.40"
        form.query_one("#tax_rate").value = "7,5"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExpenseForm) and Expense.select().count() == 0
        error = str(app.screen.query_one("#form-error", Label).render())
        assert "VAT rate: '7,5' is not a number" in error
        form.query_one("#tax_rate").value = "7"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Expense.get().tax_rate_bp == 700
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen.query_one("#tax_rate").value == "7.00"
        app.screen.query_one("#tax_rate").value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Expense.get().tax_rate_bp is None  # the client's rate again


async def test_the_database_is_opened_after_the_first_frame(week, monkeypatch):
    """`tally` hands the app a way to open the database; the app calls it in a worker once
    its first frame is drawn, keeps the other areas shut until it is done, and the review
    then loads this week in the organisation's time zone."""
    from textual.screen import Screen

    frames = []
    draw = Screen._compositor_refresh
    monkeypatch.setattr(Screen, "_compositor_refresh", lambda s: draw(s) or frames.append(s))
    seen_when_opening = []
    go_on = threading.Event()

    def opening() -> str:
        seen_when_opening.append((len(frames), app.check_action("switch_mode", ("x",))))
        go_on.wait(5)
        return TZ

    app = TallyApp(Session("anna", os.environ["TALLY_DB"]), opening=opening)
    async with app.run_test(size=(120, 36)) as pilot:
        title = app.screen.query_one("#title")
        assert str(title.render()) == "Loading this week…"
        assert app.screen.check_action("week", (1,)) is None  # no week to step from yet
        go_on.set()
        await until(pilot, lambda: app.screen.week is not None, "the first week shown")
        screen = await start(app, pilot)
        [(drawn, switching)] = seen_when_opening
        assert drawn >= 1 and switching is None
        assert app.timezone == TZ and app.check_action("switch_mode", ("x",))
        assert screen.day == date(2026, 11, 20)
        assert screen.week.first == date(2026, 11, 16)
        assert screen.query_one("DataTable").row_count == 3
        assert screen.check_action("week", (1,))


async def test_a_refusal_when_opening_ends_the_app_with_it():
    from tallytui.domain.errors import TallyError

    def opening() -> str:
        raise TallyError("unknown user 'ghost'")

    app = TallyApp(Session("ghost", "tally.db"), opening=opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.return_code is not None, "the app ended")
    assert app.return_code == 1
    assert isinstance(app.return_value, TallyError) and "ghost" in str(app.return_value)


async def test_question_mark_lists_every_key_and_is_typed_in_a_text_field(week):
    """The footer has no room for all of the review's keys; `?` opens a panel with every
    one of them, and closes it. In a dialog's text field `?` is just typed."""
    from textual.widgets import HelpPanel, Input

    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start(app, pilot)
        footer = screen._compositor.render_strips()[-1].text
        assert "Merge" not in footer and footer.rstrip().endswith("? Keys  ^p palette")
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert screen.query(HelpPanel)
        listed = " ".join(strip.text for strip in screen._compositor.render_strips())
        assert "Merge" in listed and "Lock week" in listed
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert not screen.query(HelpPanel)
        await pilot.press("g")  # go to date: a one-line text field
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert app.screen.query_one(Input).value.endswith("?")
        assert not app.screen.query(HelpPanel)


def shown_text(app) -> str:
    """Every text of the screen on top (a dialog's question and detail)."""
    from textual.widgets import Static

    return " ".join(str(widget.render()) for widget in app.screen.query(Static))


async def test_split_merge_and_undo_three_times_never_jams(week):
    """After split, merging one half and undo, every u answered "entry … does not exist"."""
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await start(app, pilot)
        before = rows()
        await pilot.press("e", "ctrl+a", "ctrl+k", *"Kick-off", "enter")
        await settle(app, pilot)
        await pilot.press("s", *"09:20", "enter")
        await settle(app, pilot)
        await until(pilot, lambda: len(screen.week.entries) == 4, "the split shown")
        table = screen.query_one("DataTable")
        await pilot.press("ctrl+home")
        await until(pilot, lambda: table.cursor_row == 0, "the cursor on the first half")
        await pilot.press("down", "space", "down", "space", "m")
        await pilot.pause()
        assert "Tue 2026-11-17 09:20 – 11:30, 2.17 h" in shown_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert (at("2026-11-17 09:20"), at("2026-11-17 11:30")) in [r[2:4] for r in rows()]
        for _ in range(3):
            await until(pilot, lambda: screen.check_action("undo", ()), "u available")
            await pilot.press("u")
            await settle(app, pilot)
        assert rows() == before
        assert screen.undo_stack == ()
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_an_undo_that_cannot_apply_says_why_and_the_next_one_works(week):
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await start(app, pilot)
        await pilot.press("e", "ctrl+a", "ctrl+k", *"Kick-off", "enter")
        await settle(app, pilot)
        await pilot.press("s", *"09:20", "enter")
        await settle(app, pilot)
        [second_half] = [e.id for e in TimeEntry.select() if e.start_utc == at("2026-11-17 09:20")]
        entries.delete("anna", second_half)  # elsewhere, behind the screen's back
        await pilot.press("u")
        await settle(app, pilot)
        assert any(
            f"cannot undo “split entry 1”: entry {second_half} does not exist" in n.message
            for n in app._notifications
        )
        assert len(screen.undo_stack) == 1
        await pilot.press("u")
        await settle(app, pilot)
        assert rows()[0][1] == "design" and screen.undo_stack == ()


async def test_merge_says_why_it_refuses_and_asks_nothing(week):
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await start(app, pilot)
        before = rows()
        await pilot.press("down", "space", "down", "space", "m")
        await pilot.pause()
        assert app.screen is screen  # no confirmation of a merge that cannot be
        assert any(
            "the gap of 90 minutes between entries 2 and 3 exceeds the limit of 5 minutes"
            in n.message
            for n in app._notifications
        )
        assert rows() == before


async def test_locking_days_ahead_says_so_first(week):
    """TALLY_NOW is Friday 2026-11-20: locking the week reaches Saturday and Sunday."""
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("L")
        await settle(app, pilot)
        assert "2 days that have not happened yet (2026-11-21 to 2026-11-22)" in shown_text(app)
        assert "becomes final, on every project: Web 3.50 h" in shown_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert timesheets.locked_until("anna") is None
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        await pilot.press("L")
        await settle(app, pilot)
        assert "not happened yet" not in shown_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert screen.week.locked_until == date(2026, 11, 15)


async def test_a_refused_split_or_trim_stays_in_its_dialog_as_typed(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("s", *"10:30", "enter")  # after the 09:00-10:00 entry
        await settle(app, pilot)
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        assert prompt.query_one("#prompt-input").value == "10:30"
        assert str(prompt.query_one("#prompt-error").content)
        assert len(rows()) == 3
        await pilot.press("ctrl+a", "ctrl+k", *"09:30", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, TextPrompt) and len(rows()) == 4
        await pilot.press("r", "ctrl+a", "ctrl+k", *"09:30-10:30", "enter")  # overlaps
        await settle(app, pilot)
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        assert prompt.query_one("#prompt-input").value == "09:30-10:30"
        assert "overlap" in str(prompt.query_one("#prompt-error").content)


async def test_the_cursor_stays_on_the_split_or_added_entry(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("down", "down", "s", *"13:20", "enter")  # the 13:00 entry
        await settle(app, pilot)
        await until(pilot, lambda: len(screen.week.entries) == 4, "the split shown")
        assert screen.current.start_utc in (at("2026-11-17 13:00"), at("2026-11-17 13:20"))
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#project").value = "Api"
        form.query_one("#day").value = "2026-11-19"
        form.query_one("#start").value = "08:00"
        form.query_one("#end").value = "09:00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await until(pilot, lambda: len(screen.week.entries) == 5, "the new entry shown")
        assert screen.current.start_utc == at("2026-11-19 08:00")


async def test_ctrl_c_says_how_to_quit_in_plain_words(week):
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+c")
        await settle(app, pilot)
        [note] = app._notifications
        assert note.message == "Press ctrl+q to quit the app"


async def test_an_empty_week_says_what_to_do(week):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start(app, pilot)
        hint = screen.query_one("#empty-hint", Label)
        assert not hint.display
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert hint.display
        assert str(hint.content).startswith("No sessions this week — a adds one, F4 starts")


async def test_an_end_before_the_start_needs_plus_one_in_trim_and_add(week):
    """An end before the start became an overnight entry without a word; now the end says
    +1 or the dialog refuses it, keeping what was typed."""
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start(app, pilot)
        await pilot.press("down", "down", "r", "ctrl+a", "ctrl+k", *"13:00-12:00", "enter")
        await settle(app, pilot)
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        assert "needs its end date or +1" in str(prompt.query_one("#prompt-error").content)
        await pilot.press("ctrl+a", "ctrl+k", *"23:00-00:30+1", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, TextPrompt)
        assert rows()[-1][2:4] == (at("2026-11-17 23:00"), at("2026-11-18 00:30"))
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        for field, value in (("project", "Api"), ("day", "2026-11-19"), ("start", "22:00")):
            form.query_one(f"#{field}").value = value
        form.query_one("#end").value = "01:00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "needs +1" in str(form.query_one("#form-error").render())
        form.query_one("#end").value = "01:00+1"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert rows()[-1][2:4] == (at("2026-11-19 22:00"), at("2026-11-20 01:00"))
