"""A freeform invoice or credit note: hand-entered lines, checked field by field, with the
totals the document will carry shown as they are typed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select

from ...domain.errors import InvalidInput
from ...domain.invoicing import DraftLine, apply_vat, totals
from ...domain.money import parse_amount, parse_decimal
from ...domain.vat import CATEGORIES, headline_rate
from ...services.corrections import LINE_TYPES, FreeLine, draft_line
from ...services.views import ClientView, ProjectView
from ..widgets.plain_table import TEXT, Column, PlainTable

LINE_FIELDS = ("description", "quantity", "unit", "unit_price")


@dataclass(frozen=True)
class FreeformDraft:
    client: str
    project: str | None
    lines: tuple[FreeLine, ...]
    credit_note: bool
    reason: str


class FreeformForm(ModalScreen[FreeformDraft | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="freeform.cancel"),
        Binding("ctrl+s", "save", "Create", id="freeform.save"),
        Binding("ctrl+d", "drop_line", "Remove line", id="freeform.drop_line"),
    ]

    def __init__(
        self,
        clients: Sequence[ClientView],
        projects: Sequence[ProjectView],
        credit_note: bool = False,
    ) -> None:
        super().__init__()
        self.clients = {c.name: c for c in clients if not c.archived}
        self.projects = list(projects)
        self.credit_note = credit_note
        self.lines: list[FreeLine] = []

    def compose(self) -> ComposeResult:
        kind = "credit note" if self.credit_note else "invoice"
        with Vertical(classes="dialog wider"):
            yield Label(f"New freeform {kind}", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                with Grid(classes="form"):
                    yield Label("Client")
                    # Text prompts: a Select reads a str prompt as markup, names are plain text.
                    yield Select([(Text(name), name) for name in self.clients], id="client")
                    yield Label("Project")
                    yield Select([], prompt="no project", id="project")
                    if self.credit_note:
                        yield Label("Reason")
                        yield Input(placeholder="printed on the credit note", id="reason")
                yield PlainTable(id="free-lines", cursor_type="row", zebra_stripes=True)
                with Horizontal(id="new-line"):
                    yield Input(placeholder="description", id="description")
                    yield Input(placeholder="qty", id="quantity")
                    yield Input(placeholder="unit", id="unit")
                    yield Input(placeholder="unit price", id="unit_price")
                    yield Select(
                        [(t, t) for t in LINE_TYPES], value="service", allow_blank=False, id="type"
                    )
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("", id="free-totals")
                yield Label(
                    "[b]enter[/b] add line   [b]ctrl+d[/b] remove line   "
                    "[b]ctrl+s[/b] create   [b]esc[/b] cancel",
                    classes="dialog-keys",
                )

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "#",
            Column("Description", TEXT, least=12),
            "Quantity",
            "Unit",
            "Unit price",
            "Type",
            "Amount",
        )
        self._show_totals()

    @property
    def client(self) -> ClientView | None:
        value = self.query_one("#client", Select).value
        return self.clients.get(value) if isinstance(value, str) else None

    @on(Select.Changed, "#client")
    def client_chosen(self) -> None:
        client = self.client
        names = [p.name for p in self.projects if client and p.client == client.name]
        self.query_one("#project", Select).set_options([(Text(n), n) for n in names])
        self._refill()

    def _field(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _typed_line(self, complete: bool = True) -> FreeLine | None:
        """The line in the entry row; None while it is empty (or, as it is being typed, not
        complete yet). Refuses a field that is wrong, naming it, and marks that field."""
        if not any(self._field(name) for name in LINE_FIELDS):
            return None
        currency = self.client.currency if self.client else "EUR"
        checks = {
            "description": lambda text: text or _missing("description"),
            "quantity": lambda text: parse_decimal(text or "1", "quantity"),
            "unit": lambda text: text,
            "unit_price": lambda text: parse_amount(text, currency, "unit price"),
        }
        values = {}
        for name, check in checks.items():
            field = self.query_one(f"#{name}", Input)
            if not complete and not field.value.strip():
                field.remove_class("-invalid")
                continue
            try:
                values[name] = check(field.value.strip())
            except InvalidInput:
                field.add_class("-invalid")
                raise
            field.remove_class("-invalid")
        if not {"description", "unit_price"} <= values.keys():
            return None
        line = FreeLine(
            values["description"],
            values.get("quantity", Decimal(1)),
            values["unit_price"],
            values.get("unit", ""),
            self.query_one("#type", Select).value,
        )
        draft_line(line, currency, None, 1, len(self.lines) + 1)
        return line

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        if event.input.id in LINE_FIELDS:
            self._show_totals()

    def _drafts(self, lines: list[FreeLine]) -> list[DraftLine]:
        """The lines as they would be stored for the chosen client's currency; a line the
        currency refuses (more decimals than it has) raises, naming the line."""
        currency = self.client.currency if self.client else "EUR"
        sign = -1 if self.credit_note else 1
        return [draft_line(line, currency, None, sign, n) for n, line in enumerate(lines, 1)]

    def _show_totals(self) -> None:
        error = self.query_one("#form-error", Label)
        shown = self.query_one("#free-totals", Label)
        try:
            typed = self._typed_line(complete=False)
            drafts = self._drafts(self.lines + ([typed] if typed else []))
            error.update("")
        except InvalidInput as exc:
            error.update(str(exc))
            shown.update("")
            return
        client = self.client
        if client is None:
            shown.update("choose a client to see the totals")
            return
        t = totals(apply_vat(drafts, CATEGORIES[client.vat], client.tax_rate), client.currency)
        rate = headline_rate(t.breakdown)
        shown.update(
            f"Subtotal {t.subtotal} · tax {client.tax_rate if rate is None else rate}% {t.tax} · "
            f"[b]total {t.total} {client.currency}[/b]"
        )

    def _refill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        try:
            amounts = [str(d.amount) for d in self._drafts(self.lines)]
        except InvalidInput:
            amounts = ["?"] * len(self.lines)  # _show_totals names the line at fault
        for n, (line, amount) in enumerate(zip(self.lines, amounts, strict=True), start=1):
            table.add_row(
                str(n),
                line.description,
                str(line.quantity),
                line.unit,
                str(line.unit_price),
                line.line_type,
                amount,
            )
        self._show_totals()

    @on(Input.Submitted, "#new-line Input")
    def add_line(self) -> bool:
        """Move the typed line into the list; False when it was refused."""
        try:
            line = self._typed_line()
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))
            return False
        if line is None:
            return True
        self.lines.append(line)
        for name in LINE_FIELDS:
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#description", Input).focus()
        self._refill()
        return True

    def action_drop_line(self) -> None:
        table = self.query_one(DataTable)
        if self.lines and table.row_count:
            del self.lines[table.cursor_row]
            self._refill()

    @on(Input.Submitted, "#reason")
    def action_save(self) -> None:
        error = self.query_one("#form-error", Label)
        if not self.add_line():
            return
        if self.client is None:
            error.update("client: choose who the document is for")
            return
        if not self.lines:
            error.update("lines: add at least one line")
            return
        try:
            self._drafts(self.lines)
        except InvalidInput as exc:
            error.update(str(exc))
            return
        project = self.query_one("#project", Select).value
        self.dismiss(
            FreeformDraft(
                self.client.name,
                project if isinstance(project, str) else None,
                tuple(self.lines),
                self.credit_note,
                self._field("reason") if self.credit_note else "",
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def _missing(what: str):
    raise InvalidInput(f"{what}: this field is required")
