"""Importing another tool's export: choose the file, look at a dry run, then import.

The dry run and the import run in thread workers and report progress as messages; the
import key only works once a preview of the same choices came back without problems.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Input, Label, ProgressBar, Select
from textual.worker import Worker, WorkerState

from ...importers.values import DATE_FORMATS
from ...services import importing
from ...services.importing import ImportRequest, ImportResult
from ..messages import DataChanged
from ..text import hours
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable
from .base import connection

FORMATS = [
    ("recognise from the header", "auto"),
    ("Clockify detailed report", "clockify"),
    ("Toggl Track detailed report", "toggl"),
    ("Harvest time report", "harvest"),
    ("solidtime export", "solidtime"),
    ("Kimai timesheet export (CSV, XLSX)", "kimai"),
    ("timew export (JSON)", "timewarrior"),
    ("Watson log or frames", "watson"),
    ("generic CSV", "generic"),
]
DATES = [("as the file shows", "auto"), *((name, name) for name in DATE_FORMATS)]
# The services name the command line's options; this dialog's fields do the same job.
IN_THIS_DIALOG = (
    ("give --create-missing", "tick “Create missing clients and projects”"),
    ("--create-missing: ", "Create missing clients and projects: "),
    ("with --user", "by naming them under Person"),
    ("give --client NAME", "fill in “Client”"),
    ("give --format", "choose the Format"),
    ("give --date-format", "choose how the Dates read"),
    ("add them with `tally user add NAME`", "add them on the command line (tally user add)"),
)


def in_dialog_terms(message: str) -> str:
    for option, field in IN_THIS_DIALOG:
        message = message.replace(option, field)
    return message


def counted(number: int, thing: str, things: str | None = None) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{number} {thing if number == 1 else things or thing + 's'}"


class ImportScreen(ModalScreen[ImportResult | None]):
    """Dismissed with the result of the import, or None when closed without one."""

    BINDINGS = [
        Binding("ctrl+r", "preview", "Preview", id="import.preview"),
        Binding("ctrl+s", "confirm", "Import", id="import.confirm"),
        Binding("escape", "close", "Close", id="import.close"),
    ]

    previewed: reactive[ImportRequest | None] = reactive(None, bindings=True)
    busy: reactive[bool] = reactive(False, bindings=True)

    @dataclass
    class Previewed(Message):
        request: ImportRequest
        result: ImportResult

    @dataclass
    class Progressed(Message):
        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ImportScreen.Progressed)

    @dataclass
    class Imported(Message):
        result: ImportResult

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-dialog"):
            yield Label("Import time entries", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                with Grid(classes="form"):
                    yield Label("File")
                    yield Input(placeholder="~/Downloads/report.csv", id="import-path")
                    yield Label("Format")
                    yield Select(FORMATS, value="auto", allow_blank=False, id="import-format")
                    yield Label("Dates")
                    yield Select(DATES, value="auto", allow_blank=False, id="import-dates")
                    yield Label("Person")
                    yield Input(placeholder="as the file says, else you", id="import-user")
                    yield Label("Client")
                    yield Input(placeholder="for projects the file gives none", id="import-client")
                    yield Label("")
                    yield Checkbox("Create missing clients and projects", id="import-create")
                yield Label("", id="import-summary", markup=False)
                yield PlainTable(id="import-totals", cursor_type="row", zebra_stripes=True)
                yield PlainTable(id="import-rows", cursor_type="row", zebra_stripes=True)
                yield PlainTable(id="import-errors", cursor_type="row", zebra_stripes=True)
                yield ProgressBar(total=None, show_eta=False, id="import-progress")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="import-error", classes="dialog-error", markup=False)
                yield Label(
                    "[b]enter[/b]/[b]ctrl+r[/b] preview   [b]ctrl+s[/b] import   [b]esc[/b] close",
                    classes="dialog-keys",
                )

    def on_mount(self) -> None:
        self.query_one("#import-totals", DataTable).add_columns(
            Column("Client", NAME), Column("Project", NAME), "Entries", "Hours"
        )
        self.query_one("#import-rows", DataTable).add_columns(
            "Line",
            "Date",
            "Start",
            "End",
            "Hours",
            Column("Person", NAME, least=8),
            Column("Project", NAME),
            Column("Description", TEXT),
        )
        self.query_one("#import-errors", DataTable).add_columns(
            "Line", "Column", Column("Problem", TEXT, least=30)
        )

    # The form ----------------------------------------------------------------------------

    def request(self) -> ImportRequest | None:
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            return None
        dates = self.query_one("#import-dates", Select).value
        person = self.query_one("#import-user", Input).value.strip()
        client = self.query_one("#import-client", Input).value.strip()
        return ImportRequest(
            path=str(Path(path).expanduser()),
            format=str(self.query_one("#import-format", Select).value),
            create_missing=self.query_one("#import-create", Checkbox).value,
            date_format=None if dates == "auto" else str(dates),
            user=person or None,
            client=client or None,
        )

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def changed(self) -> None:
        self.previewed = None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("preview", "confirm") and self.busy:
            return None
        if action == "confirm" and self.previewed is None:
            return None
        return True

    # Preview and import ------------------------------------------------------------------

    @on(Input.Submitted)
    def action_preview(self) -> None:
        request = self.request()
        message = self.query_one("#import-error", Label)
        if request is None:
            message.update("give the path of the file to import")
            return
        if not Path(request.path).is_file():
            message.update(f"{request.path} is not a file")
            return
        message.update("")
        self.busy = True
        self.dry_run(request)

    def action_confirm(self) -> None:
        request = self.request()
        if request is None or request != self.previewed:
            return
        self.busy = True
        self.write(request)

    def action_close(self) -> None:
        self.dismiss(None)

    def _progress(self, done: int, total: int) -> None:
        self.post_message(self.Progressed(done, total))

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def dry_run(self, request: ImportRequest) -> None:
        with connection():
            actor = self.app.session.actor
            result = importing.run(actor, replace(request, dry_run=True), self._progress)
        self.post_message(self.Previewed(request, result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def write(self, request: ImportRequest) -> None:
        with connection():
            result = importing.run(self.app.session.actor, request, self._progress)
        self.post_message(self.Imported(result))

    @on(Progressed)
    def show_progress(self, event: Progressed) -> None:
        self.query_one(ProgressBar).update(total=max(event.total, 1), progress=event.done)

    @on(Previewed)
    def show_preview(self, event: Previewed) -> None:
        self.busy = False
        self.show(event.result)
        if event.result.ok and event.request == self.request():
            self.previewed = event.request

    @on(Imported)
    def imported(self, event: Imported) -> None:
        self.busy = False
        result = event.result
        if not result.ok:
            self.previewed = None
            self.show(result)
            return
        imported = counted(result.imported, "entry", "entries")
        summary = f"imported {imported} from {Path(result.path).name}"
        self.notify(summary)
        self.app.post_message(DataChanged(summary))
        self.dismiss(result)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.busy = False
            self.query_one("#import-error", Label).update(in_dialog_terms(str(event.worker.error)))

    def show(self, result: ImportResult) -> None:
        """Counts per client and project, the first rows, and every problem listed."""
        would = "would " if result.dry_run else ""
        parts = [
            f"{result.format}: {counted(result.rows, 'row')}",
            f"{would}import {result.imported}",
            f"{result.skipped_duplicates} already imported",
        ]
        if result.skipped_empty:
            parts.append(f"{counted(result.skipped_empty, 'row')} of no length skipped")
        if result.created_clients or result.created_projects:
            parts.append(
                f"{would}create {counted(len(result.created_clients), 'client')}, "
                f"{counted(len(result.created_projects), 'project')}"
            )
        problems = len(result.errors) + result.more_errors
        parts.append(counted(problems, "problem") if problems else "no problems")
        self.query_one("#import-summary", Label).update(" · ".join(parts))
        totals = self.query_one("#import-totals", DataTable)
        totals.clear()
        for t in result.totals:
            totals.add_row(t.client, t.project, str(t.entries), hours(t.seconds))
        rows = self.query_one("#import-rows", DataTable)
        rows.clear()
        for r in result.first_rows:
            rows.add_row(
                str(r.line),
                r.day.isoformat(),
                r.start,
                r.end,
                hours(r.seconds),
                r.user,
                r.project,
                r.description,
            )
        errors = self.query_one("#import-errors", DataTable)
        errors.clear()
        for e in result.errors:
            errors.add_row(str(e.line), str(e.column), in_dialog_terms(e.message))
        if result.more_errors:
            errors.add_row("", "", f"… and {result.more_errors} more")
