"""A credit note for a sent invoice: all of it or chosen lines, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ...domain.errors import TallyError
from ...domain.invoicing import Totals, credit_totals
from ...domain.money import format_plain
from ...services.invoice_views import InvoiceView, LineView

if TYPE_CHECKING:
    from ...services.corrections import CreditState

TICKED, UNTICKED, CREDITED = "[x]", "[ ]", "[credited]"


@dataclass(frozen=True)
class CreditRequest:
    number: str
    lines: list[int] | None  # None: the whole invoice
    reason: str


class TickList(OptionList):
    """Lines that space (or enter) ticks and unticks; the mark is text, not only colour."""

    BINDINGS = [Binding("space", "select", "Tick", show=False)]


class CreditForm(ModalScreen[CreditRequest | None]):
    """Lines credited already are listed as credited and cannot be ticked; the figures
    below are the ones the credit note will carry (the same rule the service applies)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="credit.cancel"),
        Binding("ctrl+s", "save", "Issue", id="credit.save"),
    ]

    def __init__(self, invoice: InvoiceView) -> None:
        super().__init__()
        self.invoice = invoice
        self.credited: Totals | None = None  # known once the credit state is read
        self.ticked: set[int] = set()
        self.done: set[int] = set()  # lines live credit notes credit already

    def compose(self) -> ComposeResult:
        v = self.invoice
        with Vertical(classes="dialog wider"):
            yield Label(
                f"Credit note for {v.number} ({v.client})", classes="dialog-title", markup=False
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(
                    "space ticks [x] or unticks [ ] a line; credited time can be invoiced again",
                    classes="dialog-detail",
                    markup=False,
                )
                yield TickList(id="credit-lines")
                yield Label("reading what is credited already…", id="credit-total", markup=False)
                yield Input(placeholder="reason (printed on the credit note)", id="reason")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] issue   [b]esc[/b] cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.read_state()

    @work(thread=True, exit_on_error=False, group="credit-state")
    def read_state(self) -> None:
        from ...services import corrections
        from ..screens.base import connection

        with connection():
            state = corrections.credit_state(self.app.session.actor, self.invoice.number)
        self.app.call_from_thread(self._show_state, state)

    def _show_state(self, state: CreditState) -> None:
        self.credited = state.credited
        self.done = set(state.lines)
        self.ticked = {line.id for line in self.invoice.lines if line.id not in self.done}
        tick = self.query_one(TickList)
        tick.clear_options()
        tick.add_options([self._option(line) for line in self.invoice.lines])
        if self.ticked:
            tick.highlighted = next(
                i for i, line in enumerate(self.invoice.lines) if line.id in self.ticked
            )
        self._show_total()

    def _option(self, line: LineView) -> Option:
        done = line.id in self.done
        mark = CREDITED if done else TICKED if line.id in self.ticked else UNTICKED
        # The amount before the description: a narrow dialog cuts the end of an option.
        text = (
            f"{mark} {line.amount} {self.invoice.currency} · {line.description} · "
            f"{format_plain(line.quantity)} × {line.unit_price}"
        )
        return Option(Content(text), id=str(line.id), disabled=done)

    @on(OptionList.OptionSelected, "#credit-lines")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        line_id = int(event.option_id)
        self.ticked ^= {line_id}
        line = next(line for line in self.invoice.lines if line.id == line_id)
        event.option_list.replace_option_prompt(event.option_id, self._option(line).prompt)
        self._show_total()

    def _show_total(self) -> None:
        v = self.invoice
        label = self.query_one("#credit-total", Label)
        if not self.ticked:
            left = "every line is credited already" if not self._open() else "no line ticked"
            label.update(f"This credit note: {left}")
            return
        chosen = [ln for ln in v.lines if ln.id in self.ticked]
        try:
            note = credit_totals(v.tax_breakdown, self.credited.breakdown, chosen, v.currency)
        except TallyError as exc:
            label.update(f"This credit note: {exc}")
            return
        before = f"\nCredited before: total {self.credited.total} {v.currency}"
        label.update(
            f"This credit note: net {note.subtotal} · tax {v.tax_rate}% {note.tax} · "
            f"total {note.total} {v.currency}" + (before if self.credited.total else "")
        )

    def _open(self) -> list[int]:
        return [line.id for line in self.invoice.lines if line.id not in self.done]

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#form-error", Label).update(str(event.worker.error))

    @on(Input.Submitted)
    def action_save(self) -> None:
        error = self.query_one("#form-error", Label)
        if self.credited is None:
            error.update("still reading what is credited already; try again in a moment")
            return
        if not self.ticked:
            error.update("lines: tick at least one line that is not credited yet")
            return
        whole = self.ticked == set(self._open())
        self.dismiss(
            CreditRequest(
                self.invoice.number,
                None if whole else sorted(self.ticked),
                self.query_one("#reason", Input).value.strip(),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
