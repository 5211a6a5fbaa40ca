"""A payment of a sent invoice: how much (all that is open unless changed) and when."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Input, Label

from ...domain.localtime import parse_date
from ...domain.money import parse_amount
from ...services.invoice_views import InvoiceView
from .text_prompt import Act, TextPrompt


class PaymentForm(TextPrompt):
    """Closes with the invoice as the payment left it. An amount above what is open, or a
    day in the future, is refused by the service and stays here next to the fields as
    typed; enter in either field records the payment."""

    def __init__(self, invoice: InvoiceView, today: date, act: Act) -> None:
        v = invoice
        super().__init__(
            f"Payment for {v.number} ({v.client})",
            str(v.open),
            "amount",
            self._read,
            f"Total {v.total} · paid {v.paid} · open {v.open} {v.currency}",
            act,
        )
        self.currency = v.currency
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(self.detail, classes="dialog-detail", markup=False)
                with Grid(classes="form"):
                    yield Label(f"Amount ({self.currency})")
                    yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
                    yield Label("Paid on")
                    yield Input(str(self.today), placeholder="YYYY-MM-DD", id="paid-on")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="prompt-error", classes="dialog-error", markup=False)
                yield Label("[b]enter[/b] record   [b]esc[/b] cancel", classes="dialog-keys")

    def _read(self, _: str) -> tuple:
        """Both fields, whichever one enter was pressed in."""
        amount = parse_amount(self.query_one("#prompt-input", Input).value, self.currency)
        day = parse_date(self.query_one("#paid-on", Input).value.strip(), "date")
        return amount, day
