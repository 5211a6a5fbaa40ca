"""A project: its client, rate, billing schedule, approval and rounding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label

from ...domain.errors import InvalidInput
from ...domain.localtime import parse_date
from ...domain.money import parse_decimal
from ...domain.names import check_name
from ...domain.rounding import parse_rounding
from ...domain.schedule import parse_schedule
from ...services.projects import ProjectChanges
from ...services.views import ProjectView
from .form_fields import FormFields


class ProjectForm(FormFields, ModalScreen[ProjectChanges | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="project.cancel"),
        Binding("ctrl+s", "save", "Save", id="project.save"),
    ]

    def __init__(
        self, clients: Sequence[str], people: Sequence[str], current: ProjectView | None = None
    ) -> None:
        super().__init__()
        self.clients = list(clients)
        self.people = list(people)
        self.current = current

    def compose(self) -> ComposeResult:
        p = self.current
        with Vertical(classes="dialog wide"):
            yield Label(
                f"Project {p.name}" if p else "New project", classes="dialog-title", markup=False
            )
            with VerticalScroll(classes="dialog-body", can_focus=False), Grid(classes="form"):
                yield Label("Name")
                yield Input(p.name if p else "", id="name")
                yield Label("Client")
                yield Input(
                    p.client if p else "",
                    id="client",
                    suggester=SuggestFromList(self.clients, case_sensitive=False),
                )
                yield Label("Hourly rate")
                yield Input(
                    str(p.rate) if p and p.rate is not None else "",
                    id="rate",
                    placeholder="from today; a first rate covers all time",
                )
                yield Label("Schedule")
                yield Input(
                    p.schedule if p else "monthly",
                    id="schedule",
                    placeholder="none|weekly|biweekly|monthly|every:N:days|weeks|months",
                )
                yield Label("Schedule start")
                yield Input(
                    p.schedule_start.isoformat() if p and p.schedule_start else "",
                    id="schedule_start",
                    placeholder="YYYY-MM-DD (default: natural)",
                )
                yield Label("Rounding")
                yield Input(
                    p.rounding or "" if p else "",
                    id="rounding",
                    placeholder="none, or N:up|down|nearest",
                )
                yield Label("Approver")
                yield Input(
                    p.approver or "" if p else "",
                    id="approver",
                    suggester=SuggestFromList(self.people, case_sensitive=False),
                )
                yield Label("Owner")
                yield Input(
                    p.owner or "" if p else "",
                    id="owner",
                    placeholder="approves when no approver is named (default: you)",
                    suggester=SuggestFromList(self.people, case_sensitive=False),
                )
                yield Label("")
                yield Checkbox("Billable", value=p.billable if p else True, id="billable")
                yield Label("")
                yield Checkbox(
                    "Approval required",
                    value=p.approval_required if p else False,
                    id="approval",
                )
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] save   [b]esc[/b] cancel", classes="dialog-keys")

    def changes(self) -> ProjectChanges:
        client = self._text("client")
        if client not in self.clients:
            raise InvalidInput(
                f"client: {client!r} is not a client"
                if client
                else "client: every project belongs to a client"
            )
        approver, owner = self._text("approver"), self._text("owner")
        for field, name in (("approver", approver), ("owner", owner)):
            if name and name not in self.people:
                raise InvalidInput(f"{field}: {name!r} is not a user")
        rate, start, rounding = (
            self._text("rate"),
            self._text("schedule_start"),
            self._text("rounding"),
        )
        schedule = parse_schedule(self._text("schedule") or "none")
        parse_rounding(rounding)
        changes = ProjectChanges(
            name=check_name(self._text("name"), "name"),
            client=client,
            rate=parse_decimal(rate, "rate") if rate else None,
            billable=self.query_one("#billable", Checkbox).value,
            schedule=schedule.spec(),
            schedule_start=parse_date(start, "schedule start") if start else None,
            approval_required=self.query_one("#approval", Checkbox).value,
            approver=approver,  # the form shows it: empty means no named approver
            owner=owner or None,
            rounding=rounding or "none",
        )
        if self.current and changes.rate == self.current.rate:
            changes = replace(changes, rate=None)  # unchanged: no new rate period
        return changes

    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            self.dismiss(self.changes())
        except InvalidInput as exc:
            self.query_one("#form-error", Label).update(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
