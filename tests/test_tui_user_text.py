"""Names, descriptions and paths people type are shown as typed in every area: text that
looks like markup neither styles, links, hides nor breaks anything, and the app keeps
running."""

from __future__ import annotations

import os
import shutil

import pytest
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.widgets import DataTable, Input, OptionList
from tui_waiting import settle, until

from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.modals.client_form import ClientForm
from tallytui.ui.modals.confirm import Confirm
from tallytui.ui.modals.credit_form import CreditForm
from tallytui.ui.modals.entry_listing import EntryListing
from tallytui.ui.modals.expense_list import ExpenseList
from tallytui.ui.modals.freeform_form import FreeformForm
from tallytui.ui.modals.invoice_create import CreateInvoiceForm
from tallytui.ui.modals.invoice_detail import InvoiceDetail
from tallytui.ui.modals.project_form import ProjectForm
from tallytui.ui.modals.project_picker import ProjectPicker
from tallytui.ui.modals.sent_filter import SentFilterForm
from tallytui.ui.modals.text_prompt import TextPrompt
from tallytui.ui.screens.approvals import ApprovalsScreen
from tallytui.ui.screens.capture import CaptureScreen
from tallytui.ui.screens.importing import ImportScreen
from tallytui.ui.screens.invoicing import InvoicingScreen
from tallytui.ui.screens.projects import ProjectsScreen
from tallytui.ui.screens.review import ReviewScreen
from tallytui.ui.widgets.status_line import StatusLine

TZ = "Europe/Berlin"
# A closing tag with nothing open, a link, a colour, a tag the usual escaping misses and a
# trailing backslash that escaping would double.
HOSTILE = "[/b] x [link=file:///etc/passwd]y[/link] [red]z [Foo]w \\"
CLIENT = f"C {HOSTILE}"
PROJECT = f"P {HOSTILE}"
UNRATED = f"Q {HOSTILE}"  # no rate: listed under Missing data
APPROVED = f"A {HOSTILE}"  # anna approves ben's time on it
FOLDER = "[red]w [/b]"  # the folder "b]" in the folder "[red]w ["


@pytest.fixture
def hostile(org, tmp_path, monkeypatch):
    """Everything a user names or describes carries text that reads as markup: a client
    with three projects, time in every state of the billing cycle, an expense, a ready
    freeform invoice and a sent one, ben's locked week waiting for anna's approval; the
    database itself lives in the watched folder."""
    watched = tmp_path / FOLDER
    watched.mkdir(parents=True)
    org.ok("client", "add", CLIENT, "--address", "1 Main St")
    org.ok(
        "project",
        "add",
        PROJECT,
        "--client",
        CLIENT,
        "--rate",
        "100",
        "--schedule",
        "weekly",
        "--watch",
        str(watched),
    )
    org.ok("project", "add", UNRATED, "--client", CLIENT, "--schedule", "monthly")
    org.ok("user", "add", "ben")
    org.ok(
        "project",
        "add",
        APPROVED,
        "--client",
        CLIENT,
        "--rate",
        "100",
        "--schedule",
        "monthly",
        "--approval",
        "--approver",
        "anna",
    )
    for project, day, user in (
        (PROJECT, "2026-10-05", "anna"),  # invoiced, then sent
        (PROJECT, "2026-10-12", "anna"),  # ready for invoicing
        (UNRATED, "2026-10-20", "anna"),  # missing data
        (PROJECT, "2026-11-10", "anna"),  # pending: still open
        (PROJECT, "2026-11-18", "anna"),  # this week's review
        (APPROVED, "2026-10-07", "ben"),  # waiting for approval
    ):
        org.ok(
            "entry",
            "add",
            "--project",
            project,
            "--user",
            user,
            "--start",
            f"{day} 09:00",
            "--end",
            f"{day} 11:00",
            "--description",
            HOSTILE,
        )
    org.ok(
        "expense",
        "add",
        "--project",
        PROJECT,
        "--date",
        "2026-11-18",
        "--amount",
        "12",
        "--category",
        HOSTILE,
        "--description",
        HOSTILE,
    )
    for user in ("anna", "ben"):
        org.ok("timesheet", "lock", "--until", "2026-10-31", "--user", user)
    org.ok(
        "invoice",
        "create",
        "--project",
        PROJECT,
        "--period-start",
        "2026-10-05",
        "--period-end",
        "2026-10-11",
        "--group",
        "detailed",
    )
    org.ok("invoice", "mark-sent", "ACME-202611-0001")
    org.ok("invoice", "freeform", "--client", CLIENT, "--line", f"{HOSTILE}|1|50")
    moved = watched / "tally.db"
    shutil.copyfile(os.environ["TALLY_DB"], moved)  # closing the CLI's database checkpointed it
    monkeypatch.setenv("TALLY_DB", str(moved))
    open_database(str(moved))
    yield watched
    db.close()


def new_app() -> TallyApp:
    return TallyApp(Session("anna", os.environ["TALLY_DB"]), TZ)


def read(prompt) -> str:
    """A prompt as Textual shows it: a str is read as content markup."""
    return Content.from_text(prompt).plain


def shown(widget) -> str:
    """What a label or a static shows once its markup, if any, is read."""
    return str(widget.render())


def row(table: DataTable, index: int = 0) -> list[str]:
    """A row as the table draws it: a str cell is read as Rich markup."""
    return [
        (Text.from_markup(c) if isinstance(c, str) else c).plain for c in table.get_row_at(index)
    ]


def toasts(app) -> list[str]:
    return [shown(toast) for toast in app.screen.query("Toast")]


async def press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)
    assert app.is_running


async def area(app, pilot, key: str, kind: type):
    await press(app, pilot, key)
    assert isinstance(app.screen, kind), app.screen
    return app.screen


async def dialog(app, pilot, kind: type, *keys: str):
    """Open a dialog by ``keys``; the caller closes it again."""
    await press(app, pilot, *keys)
    assert isinstance(app.screen, kind), app.screen
    return app.screen


def title(screen) -> str:
    return shown(screen.query(".dialog-title").first())


async def test_review_expenses_picker_and_what_an_edit_says(hostile):
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and len(review.week.entries) == 1
        cells = row(review.query_one(DataTable))
        assert cells[5:7] == [PROJECT, HOSTILE]  # whole: the table cuts it where it must
        totals = shown(review.query_one("#totals-text"))
        assert f"\n{PROJECT}\n" in totals and f"\n{CLIENT}\n" in totals
        assert f"Wed 18 {PROJECT}  12.00 EUR" in totals

        expenses = await dialog(app, pilot, ExpenseList, "x")
        assert row(expenses.query_one(DataTable))[1:3] == [PROJECT, HOSTILE]
        await press(app, pilot, "escape")

        picker = await dialog(app, pilot, ProjectPicker, "p")
        prompts = [read(o.prompt) for o in picker.query_one(OptionList).options]
        assert f"{PROJECT}  {CLIENT}" in prompts and f"{UNRATED}  {CLIENT}" in prompts
        await press(app, pilot, *"q ", "enter")
        newest = TimeEntry.select().order_by(TimeEntry.start_utc.desc()).first()
        assert newest.project.name == UNRATED
        await until(
            pilot,
            lambda: f"moved 1 to {UNRATED}" in toasts(app),
            "the edit's summary shown with the project's name as typed",
        )
        assert app.is_running


async def test_clients_projects_capture_and_what_a_change_says(hostile):
    app = new_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        projects = await area(app, pilot, "f3", ProjectsScreen)
        assert shown(projects.query_one(StatusLine)).endswith(f"{FOLDER}/tally.db")
        table = projects.query_one("#project-table", DataTable)
        listed = [row(table, i) for i in range(table.row_count)]
        assert [cells[:2] for cells in listed][:3] == [
            [APPROVED, CLIENT],
            [PROJECT, CLIENT],
            [UNRATED, CLIENT],
        ]
        assert listed[1][6] == str(hostile)
        assert row(projects.query_one("#client-table", DataTable))[0] == CLIENT

        form = await dialog(app, pilot, ProjectForm, "e")
        assert title(form) == f"Project {APPROVED}"
        await press(app, pilot, "escape")
        form = await dialog(app, pilot, ClientForm, "E")
        assert title(form) == f"Client {CLIENT}"
        await press(app, pilot, "escape")
        prompt = await dialog(app, pilot, TextPrompt, "w")
        assert title(prompt) == f"Watch a folder for {APPROVED}"
        await press(app, pilot, "escape", "U", *"x.test", "enter")
        await until(
            pilot,
            lambda: f"{APPROVED} matches x.test" in toasts(app),
            "the change's summary shown with the project's name as typed",
        )

        capture = await area(app, pilot, "f4", CaptureScreen)
        assert f"{PROJECT}  {hostile}" in shown(capture.query_one("#capture-state"))


async def test_every_invoicing_screen_and_its_dialogs(hostile):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = await area(app, pilot, "f5", InvoicingScreen)

        def first(tab: str) -> list[str]:
            return row(screen.query_one(f"#{tab}-table", DataTable))

        assert first("missing")[:2] == [UNRATED, CLIENT]
        prompt = await dialog(app, pilot, TextPrompt, "r")
        assert title(prompt) == f"Hourly rate of {UNRATED} (EUR)"
        await press(app, pilot, "escape")

        await press(app, pilot, "2")
        assert first("pending")[0] == APPROVED
        listing = await dialog(app, pilot, EntryListing, "e")
        assert title(listing).startswith(f"{APPROVED} 2026-10-01")
        assert row(listing.query_one(DataTable))[-1] == HOSTILE
        await press(app, pilot, "escape")
        [anna] = [
            n for n, r in enumerate(screen.pending_rows) if r.person and r.person.open_seconds
        ]
        confirm = await dialog(app, pilot, Confirm, *["down"] * anna, "l")
        assert f"becomes final, on every project: {PROJECT} 2.00 h." in shown(
            confirm.query_one(".dialog-detail")
        )
        await press(app, pilot, "n")

        await press(app, pilot, "3")
        assert first("ready")[:2] == [PROJECT, CLIENT]
        form = await dialog(app, pilot, CreateInvoiceForm, "c")
        assert title(form) == f"Invoice {PROJECT} ({CLIENT})"
        await press(app, pilot, "escape")

        await press(app, pilot, "4")
        assert first("to-send")[2] == CLIENT
        detail = await dialog(app, pilot, InvoiceDetail, "enter")
        assert title(detail) == f"Invoice ACME-202611-0002 · ready · {CLIENT}"
        assert row(detail.query_one(DataTable))[1] == HOSTILE
        await press(app, pilot, "escape")

        await press(app, pilot, "5")
        assert first("sent")[3] == CLIENT
        credit = await dialog(app, pilot, CreditForm, "k")
        assert title(credit) == f"Credit note for ACME-202611-0001 ({CLIENT})"
        await until(pilot, lambda: credit.query_one(OptionList).option_count, "the lines")
        [line] = credit.query_one(OptionList).options
        assert f" · 2026-10-05 {PROJECT}: {HOSTILE} · " in read(line.prompt)
        await press(app, pilot, "escape")

        await dialog(app, pilot, SentFilterForm, "f")
        await press(app, pilot, "enter", "down", "enter", "ctrl+s")
        assert screen.sent_filter.client == CLIENT
        assert shown(screen.query_one("#sent-filter")).startswith(f"Showing all · {CLIENT} · ")

        form = await dialog(app, pilot, FreeformForm, "n", "enter", "down", "enter")
        assert shown(form.query_one("#client SelectCurrent #label")) == CLIENT
        projects = form.query_one("#project SelectOverlay", OptionList).options
        assert [read(o.prompt) for o in projects][1:] == [APPROVED, PROJECT, UNRATED]


async def test_approvals_import_and_the_command_palette(hostile):
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        approvals = await area(app, pilot, "f6", ApprovalsScreen)
        assert row(approvals.query_one("#approval-groups", DataTable))[2] == APPROVED
        entry = row(approvals.query_one("#approval-entries", DataTable))
        assert entry[4:] == [APPROVED, "waiting", HOSTILE]

        source = hostile / "export.csv"
        source.write_text(
            "date,start,end,project,client,description\n"
            f'2026-11-02,09:00,10:00,"N {HOSTILE}","{CLIENT}","{HOSTILE}"\n'
        )
        importing = await dialog(app, pilot, ImportScreen, "f7")
        path = importing.query_one("#import-path", Input)
        path.value = str(hostile / "missing.csv")
        path.focus()
        await press(app, pilot, "enter")
        assert shown(importing.query_one("#import-error")) == f"{path.value} is not a file"
        path.value = str(source)
        await press(app, pilot, "enter")
        problem = row(importing.query_one("#import-errors", DataTable))[2]
        assert problem.startswith(f"unknown project {f'N {HOSTILE}'!r} of client {CLIENT!r};")
        importing.query_one("#import-create").value = True
        await press(app, pilot, "ctrl+r")
        totals = row(importing.query_one("#import-totals", DataTable))
        assert totals[:2] == [CLIENT, f"N {HOSTILE}"]
        cells = row(importing.query_one("#import-rows", DataTable))
        assert cells[6:] == [f"N {HOSTILE}", HOSTILE]
        await press(app, pilot, "escape")

        await press(app, pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await until(
            pilot,
            lambda: app.screen.query_one(CommandList).option_count,
            "the palette's first hits",
        )
        hits = [read(o.prompt) for o in app.screen.query_one(CommandList).options]
        assert f"project: {PROJECT} ({CLIENT})" in hits
        await press(app, pilot, *"link")
        await until(
            pilot,
            lambda: (
                f"client: {CLIENT}"
                in [read(o.prompt) for o in app.screen.query_one(CommandList).options]
            ),
            "a client found by typing, shown as typed",
        )
        assert app.is_running
