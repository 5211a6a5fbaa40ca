"""The week's expenses: pick one to edit or delete, or add another."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ...services.views import ExpenseView
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable


class ExpenseList(ModalScreen[tuple[str, int | None] | None]):
    """Returns ("add", None), ("edit", id), ("delete", id) or None. The title is plain
    text."""

    BINDINGS = [
        Binding("a", "choose('add')", "Add", id="expenses.add"),
        Binding("e,enter", "choose('edit')", "Edit", id="expenses.edit"),
        Binding("d,delete", "choose('delete')", "Delete", id="expenses.delete"),
        Binding("escape", "dismiss", "Close", id="expenses.close"),
    ]

    def __init__(self, expenses: Sequence[ExpenseView], title: str) -> None:
        super().__init__()
        self.expenses = list(expenses)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield PlainTable(id="expense-table", cursor_type="row")
            with Vertical(classes="dialog-footer"):
                yield Label(
                    "[b]a[/b] add   [b]e[/b] edit   [b]d[/b] delete   [b]esc[/b] close",
                    classes="dialog-keys",
                )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Day",
            Column("Project", NAME),
            Column("Category", TEXT),
            "Quantity",
            "Amount",
            "Bill",
            "Invoice",
        )
        for x in self.expenses:
            table.add_row(
                f"{x.day:%a %d}",
                x.project,
                x.category,
                f"{x.quantity} {x.unit}".strip(),
                f"{x.amount} {x.currency}",
                "yes" if x.billable else "no",
                x.invoice or "",
                key=str(x.id),
            )

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "choose" and parameters[0] != "add" and not self.expenses:
            return None
        return True

    @on(DataTable.RowSelected)
    def edit_selected(self) -> None:
        """Enter on a row edits it (the table takes Enter before the screen's binding)."""
        self.action_choose("edit")

    def action_choose(self, what: str) -> None:
        if what == "add":
            self.dismiss(("add", None))
            return
        table = self.query_one(DataTable)
        row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.dismiss((what, int(row)))
