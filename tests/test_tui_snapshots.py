"""One snapshot per screen and modal of the terminal interface, on the demo database, at
80×24 (the size of most SSH sessions) and at 120×36.

The demo is written once per module under a frozen clock (``TALLY_NOW``, a Friday) and copied
for each test. The status line shows a fixed database name instead of the temporary path,
and every text input has its cursor blink switched off, so the pictures are the same on
every run. Review ``snapshot_report.html`` before accepting a changed snapshot with
``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input
from tui_waiting import settle, until

from tallytui.services.demo import write_demo
from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.ui.app import TallyApp
from tallytui.ui.context import Session
from tallytui.ui.modals.client_form import ClientForm
from tallytui.ui.modals.confirm import Confirm
from tallytui.ui.modals.credit_form import CreditForm
from tallytui.ui.modals.entry_form import EntryForm
from tallytui.ui.modals.entry_listing import EntryListing
from tallytui.ui.modals.expense_form import ExpenseForm
from tallytui.ui.modals.expense_list import ExpenseList
from tallytui.ui.modals.freeform_form import FreeformForm
from tallytui.ui.modals.invoice_create import CreateInvoiceForm
from tallytui.ui.modals.invoice_detail import InvoiceDetail
from tallytui.ui.modals.project_form import ProjectForm
from tallytui.ui.modals.project_picker import ProjectPicker
from tallytui.ui.modals.schedule_picker import SchedulePicker
from tallytui.ui.modals.sent_filter import SentFilterForm
from tallytui.ui.modals.text_prompt import TextPrompt
from tallytui.ui.screens.approvals import ApprovalsScreen
from tallytui.ui.screens.capture import CaptureScreen
from tallytui.ui.screens.importing import ImportScreen
from tallytui.ui.screens.invoicing import InvoicingScreen
from tallytui.ui.screens.projects import ProjectsScreen
from tallytui.ui.screens.reports import ReportsScreen
from tallytui.ui.screens.review import ReviewScreen

NOW = "2026-11-20T10:00:00+01:00"  # a Friday, Europe/Berlin
TZ = "Europe/Berlin"
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
SHOWN_DATABASE = "~/.local/share/tallytui/tally.db"  # never the temporary path


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo database as ``tally demo`` writes it for anna, built once per module."""
    path = tmp_path_factory.mktemp("demo") / "tally.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TALLY_NOW", NOW)
        write_demo(str(path), admin="anna")
    db.close()  # checkpoints the write-ahead log into the file the tests copy
    return path


@pytest.fixture(params=list(SIZES.values()), ids=list(SIZES))
def size(request) -> tuple[int, int]:
    """Every snapshot at both terminal sizes."""
    return request.param


@pytest.fixture
def app(demo, tmp_path, monkeypatch):
    """A fresh app on a copy of the demo, with the clock frozen at the demo's Friday."""
    path = tmp_path / "tally.db"
    shutil.copyfile(demo, path)
    monkeypatch.setenv("TALLY_NOW", NOW)
    handle = open_database(str(path))
    yield TallyApp(Session("anna", SHOWN_DATABASE), TZ)
    handle.close()


def steady(*keys: str, shows: type[Screen]) -> Callable[[Pilot], object]:
    """A ``run_before``: wait for the week, press ``keys``, wait for ``shows`` to be on top,
    then stop every text cursor blinking so the snapshot does not depend on timing."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot.app, pilot)
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen) and review.week is not None
        for key in keys:
            await pilot.press(key)
            await settle(pilot.app, pilot)
        assert isinstance(pilot.app.screen, shows), pilot.app.screen
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        # The footer redraws its keys in a later message once the usable keys are known,
        # and a table sizes its columns to new rows when idle: wait for the tables, then
        # until two screens in a row are the same, so a busy machine cannot catch a
        # half-updated frame.
        await until(pilot, lambda: _tables_sized(pilot.app), "tables sized to their rows")
        await pilot.wait_for_scheduled_animations()
        previous = None
        for _ in range(100):
            await pilot.pause(0.05)
            current = pilot.app.export_screenshot()
            if current == previous:
                break
            previous = current

    return run_before


def _tables_sized(app) -> bool:
    """No table of the screen on top still has rows it has not measured."""
    return not any(
        table._require_update_dimensions or table._new_rows for table in app.screen.query(DataTable)
    )


def test_review_week(snap_compare, app, size):
    """The demo's week 47 for anna: her sessions, day, project and client totals."""
    assert snap_compare(app, terminal_size=size, run_before=steady(shows=ReviewScreen))


def test_clients_and_projects(snap_compare, app, size):
    """F3: the demo's eight projects and four clients."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f3", shows=ProjectsScreen))


def test_capture_status(snap_compare, app, size):
    """F4: capture stopped, the demo's watched folders (missing on this machine)."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f4", shows=CaptureScreen))


def test_project_picker(snap_compare, app, size):
    """p on the first session: every active project with its client."""
    assert snap_compare(app, terminal_size=size, run_before=steady("p", shows=ProjectPicker))


def test_text_prompt(snap_compare, app, size):
    """e on the first session: its description, ready to edit."""
    assert snap_compare(app, terminal_size=size, run_before=steady("e", shows=TextPrompt))


def test_confirm_delete(snap_compare, app, size):
    """d on the first session: the question and how to undo it."""
    assert snap_compare(app, terminal_size=size, run_before=steady("d", shows=Confirm))


def test_entry_form(snap_compare, app, size):
    """a: a new entry on the highlighted session's day, billable by default."""
    assert snap_compare(app, terminal_size=size, run_before=steady("a", shows=EntryForm))


def test_go_to_date(snap_compare, app, size):
    """g: the week's day, ready to be replaced."""
    assert snap_compare(app, terminal_size=size, run_before=steady("g", shows=TextPrompt))


def test_command_palette(snap_compare, app, size):
    """ctrl+p: the palette lists projects, clients and invoices to jump to."""
    assert snap_compare(app, terminal_size=size, run_before=steady("ctrl+p", shows=CommandPalette))


@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_invoicing_screens(snap_compare, app, size, tab):
    """F5 then 1-5: Missing data, Pending, Ready for invoicing, Ready to send, Sent."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", tab, shows=InvoicingScreen)
    )


def test_create_invoice_form(snap_compare, app, size):
    """3 c: grouping and rounding of a ready period, the project's defaults chosen."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", "3", "c", shows=CreateInvoiceForm)
    )


def test_invoice_detail(snap_compare, app, size):
    """4 enter: a ready invoice's lines and the keys that apply to it."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", "4", "enter", shows=InvoiceDetail)
    )


def test_freeform_form(snap_compare, app, size):
    """n: a freeform invoice with one line typed, totals shown as it is typed."""
    keys = ("f5", "n", "enter", "down", "enter", "tab", "tab", "tab", *"Workshop", "tab", "2")
    keys += ("tab", *"day", "tab", *"800")
    assert snap_compare(app, terminal_size=size, run_before=steady(*keys, shows=FreeformForm))


def test_credit_note_form(snap_compare, app, size):
    """5 k: crediting a sent invoice, every line chosen."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", "5", "k", shows=CreditForm)
    )


def test_approvals(snap_compare, app, size):
    """F6: time waiting for anna's approval, per person and week, and the entries of one."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f6", shows=ApprovalsScreen))


def test_reports(snap_compare, app, size):
    """F8: the demo's hours per week over the last twelve weeks, stacked by client."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f8", shows=ReportsScreen))


def test_reports_unbilled_table(snap_compare, app, size):
    """F8 c c c t: the demo's unbilled work by client and age, as numbers."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f8", "c", "c", "c", "t", shows=ReportsScreen)
    )


def test_import_dialog(snap_compare, app, size):
    """F7: the import dialog before a file is chosen."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f7", shows=ImportScreen))


def test_confirm_invoice_delete(snap_compare, app, size):
    """4 d: what happens to the number, in full, wrapped in the dialog."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f5", "4", "d", shows=Confirm))


def test_expense_list(snap_compare, app, size):
    """x: the week's expenses."""
    assert snap_compare(app, terminal_size=size, run_before=steady("x", shows=ExpenseList))


def test_expense_form(snap_compare, app, size):
    """x a: a new expense, taller than a small terminal: the body scrolls, the keys stay."""
    assert snap_compare(app, terminal_size=size, run_before=steady("x", "a", shows=ExpenseForm))


def test_client_form(snap_compare, app, size):
    """F3 c: a new client."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f3", "c", shows=ClientForm))


def test_project_form(snap_compare, app, size):
    """F3 e: the first project, every field of it."""
    assert snap_compare(app, terminal_size=size, run_before=steady("f3", "e", shows=ProjectForm))


def test_schedule_picker(snap_compare, app, size):
    """1 s: a schedule for the project that has none."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", "1", "s", shows=SchedulePicker)
    )


def test_sent_filter(snap_compare, app, size):
    """5 f: which sent documents to list."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", "5", "f", shows=SentFilterForm)
    )


def test_entry_listing(snap_compare, app, size):
    """2 e: the entries behind a pending period."""
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", "2", "e", shows=EntryListing)
    )


def test_sent_with_overdue_documents(snap_compare, app, size, monkeypatch):
    """5 four weeks later: the demo's sent invoices overdue by their days, one of them paid
    in part, with what is open; the header counts them per currency."""
    from decimal import Decimal

    from tallytui.services import invoice_lifecycle

    monkeypatch.setenv("TALLY_NOW", "2026-12-18T10:00:00+01:00")
    invoice_lifecycle.mark_paid("anna", "NWS-202611-0002", None, Decimal("100"))
    assert snap_compare(
        app, terminal_size=size, run_before=steady("f5", "5", shows=InvoicingScreen)
    )


def _screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _read(lines: list[str]) -> str:
    """The screen's words in reading order, lines joined: wrapped text reads as one."""
    return " ".join(" ".join(line.strip(" █▌▐").split()) for line in lines)


# What 80×24 must show: (keys, the screen then on top, texts that must all be on it).
AT_80X24 = [
    # Hours, billable and state whole; the two Alpenblick projects told apart.
    (
        (),
        ReviewScreen,
        ("Hours", "Bill", "State", "2.25", "open", "Alpenblick Ac", "Alpenblick Ta"),
    ),
    (("f5", "3"), InvoicingScreen, ("Hours", "Amount", "13.50", "1080.00 EUR")),
    (("f5", "4"), InvoicingScreen, ("Total", "2632.50 EUR")),
    (("f5", "5"), InvoicingScreen, ("Total", "Status", "1594.60 EUR", "Open", "0.00")),
    # What happens to the number, wrapped, to the last word.
    (
        ("f5", "4", "d"),
        Confirm,
        (
            "the number is given back to the register, and the next document takes it.",
            "Its time and expenses become uninvoiced again.",
        ),
    ),
    (("f5", "4", "enter"), InvoiceDetail, ("Amount", "2184.60", "total 2632.50 EUR", "esc close")),
    # Forms taller than the screen keep their keys.
    (("x", "a"), ExpenseForm, ("New expense", "ctrl+s", "esc cancel")),
    (("f3", "e"), ProjectForm, ("Project Acme Support", "ctrl+s", "esc cancel")),
    (("f5", "n"), FreeformForm, ("New freeform invoice", "ctrl+s", "esc cancel")),
]


@pytest.mark.parametrize(("keys", "shows", "texts"), AT_80X24)
async def test_80x24_shows_money_hours_state_and_keys(app, keys, shows, texts):
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(*keys, shows=shows)(pilot)
        lines = _screen_lines(app)
        shown = _read(lines)
        for text in texts:
            assert text in shown, f"{text!r} is not on the screen:\n" + "\n".join(lines)
