"""A manual time entry: project, day, start, end, description, billable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label

from ...domain.errors import InvalidInput
from ...domain.localtime import parse_clock, parse_date, parse_end_clock


@dataclass(frozen=True)
class EntryDraft:
    project: str
    day: date
    start: tuple[int, int, int]
    end: tuple[int, int, int]
    description: str
    billable: bool
    ends_next_day: bool = False  # the end was typed with +1


class EntryForm(ModalScreen[EntryDraft | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="entry.cancel"),
        Binding("ctrl+s", "save", "Save", id="entry.save"),
    ]

    def __init__(self, projects: Sequence[str], day: date) -> None:
        super().__init__()
        self.projects = list(projects)
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("New time entry", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False), Grid(classes="form"):
                yield Label("Project")
                yield Input(
                    id="project",
                    placeholder="project name",
                    suggester=SuggestFromList(self.projects, case_sensitive=False),
                )
                yield Label("Day")
                yield Input(self.day.isoformat(), id="day", placeholder="YYYY-MM-DD")
                yield Label("Start")
                yield Input(id="start", placeholder="HH:MM")
                yield Label("End")
                yield Input(id="end", placeholder="HH:MM (HH:MM+1: the next day)")
                yield Label("Description")
                yield Input(id="description")
                yield Label("")
                yield Checkbox("Billable", value=True, id="billable")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label(
                    "[b]enter[/b]/[b]ctrl+s[/b] save   [b]esc[/b] cancel", classes="dialog-keys"
                )

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def draft(self) -> EntryDraft:
        """The form's values, or InvalidInput naming the first field that is wrong."""
        project = self._value("project").strip()
        matches = [p for p in self.projects if p.casefold() == project.casefold()]
        if not matches:
            raise InvalidInput(
                f"project: {project!r} is not a project" if project else "project: choose a project"
            )
        day = parse_date(self._value("day"), "day")
        start = parse_clock(self._value("start"), "start")
        typed = self._value("end").strip()
        read = parse_end_clock(typed)
        if read is None:
            raise InvalidInput("end: give HH:MM, or HH:MM+1 for the next day")
        end, next_day = read
        if end <= start and not next_day:
            raise InvalidInput(
                f"end: {typed} is not after the start; an entry past midnight needs +1, "
                f"e.g. {typed}+1"
            )
        return EntryDraft(
            project=matches[0],
            day=day,
            start=start,
            end=end,
            description=self._value("description"),
            billable=self.query_one("#billable", Checkbox).value,
            ends_next_day=next_day,
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            self.dismiss(self.draft())
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
