"""An expense: project, day, an amount or quantity × unit price, unit, category, billable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label

from ...domain.errors import InvalidInput
from ...domain.localtime import parse_date
from ...domain.money import parse_decimal, parse_percent
from ...services.expenses import NewExpense
from ...services.views import ExpenseView
from .form_fields import FormFields


class ExpenseForm(FormFields, ModalScreen[NewExpense | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="expense.cancel"),
        Binding("ctrl+s", "save", "Save", id="expense.save"),
    ]

    def __init__(
        self, projects: Sequence[str], day: date, current: ExpenseView | None = None
    ) -> None:
        super().__init__()
        self.projects = list(projects)
        self.day = day
        self.current = current

    def compose(self) -> ComposeResult:
        x = self.current
        unit_priced = x is not None and (x.quantity != 1 or x.unit)
        with Vertical(classes="dialog wide"):
            yield Label(f"Expense {x.id}" if x else "New expense", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False), Grid(classes="form"):
                yield Label("Project")
                yield Input(
                    x.project if x else "",
                    id="project",
                    suggester=SuggestFromList(self.projects, case_sensitive=False),
                )
                yield Label("Day")
                yield Input((x.day if x else self.day).isoformat(), id="day")
                yield Label("Amount")
                yield Input(
                    "" if unit_priced or x is None else str(x.amount),
                    id="amount",
                    placeholder="total, or quantity and unit price below",
                )
                yield Label("Quantity")
                yield Input(str(x.quantity) if unit_priced else "", id="quantity")
                yield Label("Unit price")
                yield Input(str(x.unit_price) if unit_priced else "", id="unit_price")
                yield Label("Unit")
                yield Input(x.unit if x else "", id="unit", placeholder="km, night …")
                yield Label("Category")
                yield Input(x.category if x else "", id="category")
                yield Label("Description")
                yield Input(x.description if x else "", id="description")
                yield Label("VAT rate %")
                yield Input(
                    "" if x is None or x.tax_rate is None else str(x.tax_rate),
                    id="tax_rate",
                    placeholder="the client's rate",
                )
                yield Label("")
                yield Checkbox("Billable", value=x.billable if x else True, id="billable")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label(
                    "[b]enter[/b]/[b]ctrl+s[/b] save   [b]esc[/b] cancel", classes="dialog-keys"
                )

    def _number(self, name: str):
        text = self._text(name)
        return parse_decimal(text, name.replace("_", " ")) if text else None

    def expense(self) -> NewExpense:
        project = self._text("project")
        matches = [p for p in self.projects if p.casefold() == project.casefold()]
        if not matches:
            raise InvalidInput(
                f"project: {project!r} is not a project" if project else "project: choose a project"
            )
        amount, quantity, price = (self._number(n) for n in ("amount", "quantity", "unit_price"))
        if (amount is None) == (quantity is None or price is None):
            raise InvalidInput("give an amount, or a quantity and a unit price")
        return NewExpense(
            project=matches[0],
            day=parse_date(self._text("day"), "day"),
            amount=amount,
            quantity=quantity,
            unit_price=price,
            unit=self._text("unit"),
            category=self._text("category"),
            description=self._text("description"),
            billable=self.query_one("#billable", Checkbox).value,
            tax_rate=parse_percent(rate, "VAT rate") if (rate := self._text("tax_rate")) else None,
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            self.dismiss(self.expense())
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
