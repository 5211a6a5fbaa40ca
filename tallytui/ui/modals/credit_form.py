"""A credit note for a sent invoice: all of it or chosen lines, and why."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList

from ...services.invoice_views import InvoiceView


@dataclass(frozen=True)
class CreditRequest:
    number: str
    lines: list[int] | None  # None: the whole invoice
    reason: str


class CreditForm(ModalScreen[CreditRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="credit.cancel"),
        Binding("ctrl+s", "save", "Issue", id="credit.save"),
    ]

    def __init__(self, invoice: InvoiceView) -> None:
        super().__init__()
        self.invoice = invoice

    def compose(self) -> ComposeResult:
        v = self.invoice
        with Vertical(classes="dialog wider"):
            yield Label(
                f"Credit note for {v.number} ({v.client})", classes="dialog-title", markup=False
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(
                    "Lines to credit (space toggles); credited time can be invoiced again",
                    classes="dialog-detail",
                )
                yield SelectionList[int](
                    *(
                        (
                            Content(
                                f"{line.description} · {line.quantity} × {line.unit_price} = "
                                f"{line.amount} {v.currency}"
                            ),
                            line.id,
                            True,
                        )
                        for line in v.lines
                    ),
                    id="credit-lines",
                )
                yield Input(placeholder="reason (printed on the credit note)", id="reason")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] issue   [b]esc[/b] cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def action_save(self) -> None:
        chosen = self.query_one(SelectionList).selected
        if not chosen:
            self.query_one("#form-error", Label).update("lines: choose at least one line")
            return
        whole = len(chosen) == len(self.invoice.lines)
        self.dismiss(
            CreditRequest(
                self.invoice.number,
                None if whole else sorted(chosen),
                self.query_one("#reason", Input).value.strip(),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
