"""Which sent documents to list: one client's, issued in one month, or all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from ...domain.errors import InvalidInput
from ...domain.localtime import parse_date


@dataclass(frozen=True)
class SentFilter:
    client: str | None = None
    month: date | None = None

    def describe(self) -> str:
        parts = [self.client or "all clients"]
        parts.append(self.month.strftime("%Y-%m") if self.month else "all months")
        return " · ".join(parts)


class SentFilterForm(ModalScreen[SentFilter | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
        Binding("ctrl+s", "save", "Apply", id="filter.save"),
    ]

    def __init__(self, clients: Sequence[str], current: SentFilter) -> None:
        super().__init__()
        self.clients = list(clients)
        self.current = current

    def compose(self) -> ComposeResult:
        month = self.current.month.strftime("%Y-%m") if self.current.month else ""
        with Vertical(classes="dialog"):
            yield Label("Show sent documents of", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False), Grid(classes="form"):
                yield Label("Client")
                yield Select(
                    [(Text(c), c) for c in self.clients],  # a str prompt is read as markup
                    prompt="all clients",
                    value=self.current.client or Select.NULL,
                    id="filter-client",
                )
                yield Label("Month")
                yield Input(month, placeholder="YYYY-MM, empty for all", id="filter-month")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] apply   [b]esc[/b] cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def action_save(self) -> None:
        text = self.query_one("#filter-month", Input).value.strip()
        try:
            month = parse_date(f"{text}-01", "month") if text else None
        except InvalidInput:
            self.query_one("#form-error", Label).update(f"month: {text!r} is not YYYY-MM")
            return
        client = self.query_one("#filter-client", Select).value
        self.dismiss(SentFilter(client if isinstance(client, str) else None, month))

    def action_cancel(self) -> None:
        self.dismiss(None)
