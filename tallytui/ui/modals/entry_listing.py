"""The entries behind a figure: what makes up a period's open or ready hours."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ...domain.localtime import local_datetime
from ...services.views import EntryView
from ..text import hours
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable


class EntryListing(ModalScreen[None]):
    """The title is plain text: it names a project as typed."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="listing.close")]

    def __init__(self, title: str, entries: Sequence[EntryView], timezone: str) -> None:
        super().__init__()
        self.title_text = title
        self.entries = list(entries)
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wider"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield PlainTable(id="listing", cursor_type="row", zebra_stripes=True)
                total = sum(e.seconds for e in self.entries)
            with Vertical(classes="dialog-footer"):
                yield Label(
                    f"{len(self.entries)} entries, {hours(total)} h   [b]esc[/b] close",
                    classes="dialog-keys",
                )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Id",
            "Day",
            "Start",
            "End",
            "Hours",
            Column("Person", NAME, least=8),
            "State",
            Column("Description", TEXT),
        )
        for e in self.entries:
            start = local_datetime(e.start_utc, self.timezone)
            end = local_datetime(e.end_utc, self.timezone)
            table.add_row(
                str(e.id),
                e.day.isoformat(),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                hours(e.seconds),
                e.user,
                e.state,
                e.description,
            )

    def action_close(self) -> None:
        self.dismiss(None)
