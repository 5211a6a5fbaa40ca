"""A billing schedule for a project that has none: the usual ones by key, any other typed."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...domain.errors import InvalidInput
from ...domain.localtime import parse_date
from ...domain.schedule import parse_schedule

COMMON = (
    ("weekly", "weekly (Monday to Sunday)"),
    ("biweekly", "every two weeks"),
    ("monthly", "monthly (calendar months)"),
    ("every:3:months", "quarterly"),
    ("every:10:days", "every ten days"),
)


class SchedulePicker(ModalScreen[tuple[str, date | None] | None]):
    """Returns the schedule and its first day (None: the usual start of a period)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="schedule.cancel")]

    def __init__(self, project: str) -> None:
        super().__init__()
        self.project = project

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                f"Billing schedule for {self.project}", classes="dialog-title", markup=False
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield OptionList(*(Option(text, id=spec) for spec, text in COMMON), id="schedules")
                with Grid(classes="form"):
                    yield Label("Other")
                    yield Input(placeholder="every:N:days|weeks|months", id="spec")
                    yield Label("From")
                    yield Input(placeholder="first day (optional)", id="anchor")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]enter[/b] choose   [b]esc[/b] cancel", classes="dialog-keys")

    def _choose(self, spec: str) -> None:
        try:
            schedule = parse_schedule(spec)
            if schedule.is_none:
                raise InvalidInput("schedule: choose a schedule, not none")
            text = self.query_one("#anchor", Input).value.strip()
            anchor = parse_date(text, "from") if text else None
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))
            return
        self.dismiss((schedule.spec(), anchor))

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    @on(Input.Submitted)
    def typed(self) -> None:
        spec = self.query_one("#spec", Input).value.strip()
        if spec:
            self._choose(spec)
        else:
            options = self.query_one(OptionList)
            self._choose(COMMON[options.highlighted or 0][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
