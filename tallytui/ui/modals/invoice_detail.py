"""One invoice with its lines; the keys that apply to its status act on it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ...render.mentions import Preview
from ...services.invoice_views import InvoiceView
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable

# (action, line id): the invoicing screen carries it out, in a worker, and says so.
Choice = tuple[str, int | None]

READY_ACTIONS = {"remove_line", "pdf", "mark_sent", "delete"}
KEYS = {
    "remove_line": ("x", "remove line"),
    "pdf": ("p", "export PDF"),
    "mark_sent": ("m", "mark sent"),
    "delete": ("d", "delete"),
    "mark_paid": ("M", "mark paid"),
    "credit": ("k", "credit note"),
}


class InvoiceDetail(ModalScreen[Choice | None]):
    BINDINGS = [
        Binding("escape,q", "choose('close')", "Close", id="detail.close"),
        Binding("x", "choose('remove_line')", "Remove line", id="detail.remove_line"),
        Binding("p", "choose('pdf')", "PDF", id="detail.pdf"),
        Binding("m", "choose('mark_sent')", "Mark sent", id="detail.mark_sent"),
        Binding("d", "choose('delete')", "Delete", id="detail.delete"),
        Binding("M", "choose('mark_paid')", "Mark paid", id="detail.mark_paid"),
        Binding("k", "choose('credit')", "Credit note", id="detail.credit"),
    ]

    def __init__(self, invoice: InvoiceView, carried: Preview) -> None:
        super().__init__()
        self.invoice = invoice
        self.carried = carried

    def compose(self) -> ComposeResult:
        v = self.invoice
        kind = "Credit note" if v.kind == "credit_note" else "Invoice"
        with Vertical(classes="dialog wider"):
            yield Label(
                f"{kind} {v.number} · {v.status} · {v.client}",
                classes="dialog-title",
                markup=False,
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                period = f" · period {v.period_start} – {v.period_end}" if v.period_start else ""
                corrects = f" · corrects {v.credits}" if v.credits else ""
                yield Label(
                    f"issued {v.issue_date} · due {v.due_date}{period}{corrects}",
                    classes="dialog-detail",
                )
                yield PlainTable(id="lines", cursor_type="row", zebra_stripes=True)
                yield Label(
                    f"Subtotal {v.subtotal} · tax {v.tax_rate}% {v.tax} · "
                    f"[b]total {v.total} {v.currency}[/b]",
                    id="detail-totals",
                )
                yield Label(
                    "\n".join((f"In {self.carried.language}", *self.carried.notes)),
                    id="detail-document",
                    classes="dialog-detail",
                    markup=False,
                )
                yield Label(
                    f"Payment code: {v.payment_code.describe()}",
                    id="detail-payment",
                    classes="dialog-detail",
                    markup=False,
                )
            with Vertical(classes="dialog-footer"):
                yield Label(self._keys(), classes="dialog-keys")

    def _allowed(self) -> set[str]:
        v = self.invoice
        if v.status == "ready":
            return READY_ACTIONS
        allowed = {"pdf"}
        if v.status == "sent":
            allowed.add("mark_paid")
        if v.status in ("sent", "paid") and v.kind == "invoice":
            allowed.add("credit")
        return allowed

    def _keys(self) -> str:
        shown = [
            f"[b]{key}[/b] {label}"
            for action, (key, label) in KEYS.items()
            if action in self._allowed()
        ]
        return "   ".join(shown + ["[b]esc[/b] close"])

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Line",
            Column("Description", TEXT, least=12),
            Column("Project", NAME),
            "Quantity",
            "Unit price",
            "Amount",
        )
        for line in self.invoice.lines:
            table.add_row(
                str(line.id),
                line.description,
                line.project or "",
                f"{line.quantity} {line.unit}".strip(),
                str(line.unit_price),
                str(line.amount),
                key=str(line.id),
            )

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "choose" and parameters[0] != "close":
            return parameters[0] in self._allowed()
        return True

    def action_choose(self, action: str) -> None:
        if action == "close":
            self.dismiss(None)
            return
        table = self.query_one(DataTable)
        line = None
        if action == "remove_line" and table.row_count:
            line = self.invoice.lines[table.cursor_row].id
        self.dismiss((action, line))
