"""One snapshot per screen and modal of the terminal interface, on the demo database.

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
from tallytui.ui.modals.confirm import Confirm
from tallytui.ui.modals.credit_form import CreditForm
from tallytui.ui.modals.entry_form import EntryForm
from tallytui.ui.modals.freeform_form import FreeformForm
from tallytui.ui.modals.invoice_create import CreateInvoiceForm
from tallytui.ui.modals.invoice_detail import InvoiceDetail
from tallytui.ui.modals.project_picker import ProjectPicker
from tallytui.ui.modals.text_prompt import TextPrompt
from tallytui.ui.screens.approvals import ApprovalsScreen
from tallytui.ui.screens.capture import CaptureScreen
from tallytui.ui.screens.importing import ImportScreen
from tallytui.ui.screens.invoicing import InvoicingScreen
from tallytui.ui.screens.projects import ProjectsScreen
from tallytui.ui.screens.review import ReviewScreen

NOW = "2026-11-20T10:00:00+01:00"  # a Friday, Europe/Berlin
TZ = "Europe/Berlin"
SIZE = (120, 36)
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


def test_review_week(snap_compare, app):
    """The demo's week 47 for anna: her sessions, day, project and client totals."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(shows=ReviewScreen))


def test_clients_and_projects(snap_compare, app):
    """F3: the demo's eight projects and four clients."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("f3", shows=ProjectsScreen))


def test_capture_status(snap_compare, app):
    """F4: capture stopped, the demo's watched folders (missing on this machine)."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("f4", shows=CaptureScreen))


def test_project_picker(snap_compare, app):
    """p on the first session: every active project with its client."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("p", shows=ProjectPicker))


def test_text_prompt(snap_compare, app):
    """e on the first session: its description, ready to edit."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("e", shows=TextPrompt))


def test_confirm_delete(snap_compare, app):
    """d on the first session: the question and how to undo it."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("d", shows=Confirm))


def test_entry_form(snap_compare, app):
    """a: a new entry on the highlighted session's day, billable by default."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("a", shows=EntryForm))


def test_go_to_date(snap_compare, app):
    """g: the week's day, ready to be replaced."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("g", shows=TextPrompt))


def test_command_palette(snap_compare, app):
    """ctrl+p: the palette lists projects, clients and invoices to jump to."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("ctrl+p", shows=CommandPalette))


@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_invoicing_screens(snap_compare, app, tab):
    """F5 then 1-5: Missing data, Pending, Ready for invoicing, Ready to send, Sent."""
    assert snap_compare(
        app, terminal_size=SIZE, run_before=steady("f5", tab, shows=InvoicingScreen)
    )


def test_create_invoice_form(snap_compare, app):
    """3 c: grouping and rounding of a ready period, the project's defaults chosen."""
    assert snap_compare(
        app, terminal_size=SIZE, run_before=steady("f5", "3", "c", shows=CreateInvoiceForm)
    )


def test_invoice_detail(snap_compare, app):
    """4 enter: a ready invoice's lines and the keys that apply to it."""
    assert snap_compare(
        app, terminal_size=SIZE, run_before=steady("f5", "4", "enter", shows=InvoiceDetail)
    )


def test_freeform_form(snap_compare, app):
    """n: a freeform invoice with one line typed, totals shown as it is typed."""
    keys = ("f5", "n", "enter", "down", "enter", "tab", "tab", "tab", *"Workshop", "tab", "2")
    keys += ("tab", *"day", "tab", *"800")
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(*keys, shows=FreeformForm))


def test_credit_note_form(snap_compare, app):
    """5 k: crediting a sent invoice, every line chosen."""
    assert snap_compare(
        app, terminal_size=SIZE, run_before=steady("f5", "5", "k", shows=CreditForm)
    )


def test_approvals(snap_compare, app):
    """F6: time waiting for anna's approval, per person and week, and the entries of one."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("f6", shows=ApprovalsScreen))


def test_import_dialog(snap_compare, app):
    """F7: the import dialog before a file is chosen."""
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("f7", shows=ImportScreen))
