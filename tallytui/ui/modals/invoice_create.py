"""Creating the invoice of a ready period: how time becomes lines, and its rounding."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select

from ...domain.errors import InvalidInput
from ...domain.invoicing import GROUPINGS
from ...domain.rounding import parse_rounding
from ...services.billing_cycle import ReadyPeriod
from ...services.invoices import InvoiceRequest
from ..text import hours

GROUPING_LABELS = {
    "project": "one line per project",
    "single": "a single line",
    "detailed": "one line per entry",
    "user": "one line per person",
    "date": "one line per day",
}

# One line per entry prints each entry's description: say what becomes of captured text.
DETAILED_NOTE = "captured sessions without a written description show as project and date"


class CreateInvoiceForm(ModalScreen[InvoiceRequest | None]):
    """The project's own defaults come preselected, so enter alone bills as usual."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="create.cancel"),
        Binding("ctrl+s", "save", "Create", id="create.save"),
    ]

    def __init__(self, period: ReadyPeriod) -> None:
        super().__init__()
        self.period = period

    def compose(self) -> ComposeResult:
        p = self.period
        with Vertical(classes="dialog wide"):
            yield Label(f"Invoice {p.project} ({p.client})", classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(
                    f"{p.period_start} – {p.period_end}: {hours(p.seconds)} h, "
                    f"{p.amount} {p.currency} before tax",
                    classes="dialog-detail",
                )
                with Grid(classes="form"):
                    yield Label("Lines")
                    yield Select(
                        [(GROUPING_LABELS[g], g) for g in GROUPINGS],
                        value=p.grouping,
                        allow_blank=False,
                        id="grouping",
                    )
                    yield Label("Rounding")
                    yield Input(p.rounding or "", placeholder="none, or 15:up", id="rounding")
                    yield Label("Expenses")
                    yield Checkbox("bill the period's expenses too", True, id="expenses")
                note = Label(
                    DETAILED_NOTE, id="grouping-note", classes="dialog-detail", markup=False
                )
                note.display = p.grouping == "detailed"
                yield note
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] create   [b]esc[/b] cancel", classes="dialog-keys")

    @on(Select.Changed, "#grouping")
    def _grouping_changed(self, event: Select.Changed) -> None:
        self.query_one("#grouping-note", Label).display = event.value == "detailed"

    def request(self) -> InvoiceRequest:
        rounding = parse_rounding(self.query_one("#rounding", Input).value)
        p = self.period
        return InvoiceRequest(
            project=p.project,
            first=p.period_start,
            last=p.period_end,
            grouping=self.query_one("#grouping", Select).value,
            rounding=rounding.spec() if rounding else "none",
            expenses=self.query_one("#expenses", Checkbox).value,
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            self.dismiss(self.request())
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
