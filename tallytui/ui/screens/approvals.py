"""Approvals: the locked time the acting user approves, one row per person and ISO week,
with the entries of the chosen week below. Approving, sending back and withdrawing act on
exactly the entries shown; if they changed meanwhile, nothing happens and the list
reloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label

from ...domain.errors import InvalidInput, TallyError
from ...domain.localtime import local_datetime
from ...services import approvals
from ...services.approvals import Group
from ..messages import DataChanged
from ..modals.text_prompt import TextPrompt
from ..text import hours
from ..widgets.key_footer import KeyFooter
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable
from ..widgets.status_line import StatusLine
from .base import AreaScreen, connection

GROUP_COLUMNS = (
    Column("Person", NAME, least=8),
    "Week",
    Column("Projects", TEXT, least=14),
    "Waiting h",
    "Approved h",
)
ENTRY_COLUMNS = (
    "Day",
    "Start",
    "End",
    "Hours",
    Column("Project", NAME),
    "State",
    Column("Description", TEXT),
)


def _key(group: Group) -> str:
    return f"{group.user}|{group.first.isoformat()}"


def _comment(text: str) -> str:
    if not text.strip():
        raise InvalidInput("say what needs fixing")
    return text


class ApprovalsScreen(AreaScreen):
    """Time waiting for the acting user's approval, and approved time not yet invoiced."""

    BINDINGS = [
        Binding("a", "approve", "Approve", id="approvals.approve"),
        Binding("b", "send_back", "Send back", id="approvals.send_back"),
        Binding("w", "withdraw", "Withdraw approval", id="approvals.withdraw"),
    ]

    @dataclass
    class Loaded(Message):
        groups: tuple[Group, ...]
        problem: str = ""  # why there is nothing to show, e.g. the role approves nothing

    @dataclass
    class Done(Message):
        summary: str

    def __init__(self) -> None:
        super().__init__()
        self.groups: tuple[Group, ...] = ()
        self.current: Group | None = None

    def compose(self) -> ComposeResult:
        yield Label("Approvals", id="title")
        yield StatusLine()
        with Vertical(id="body"):
            yield PlainTable(id="approval-groups", cursor_type="row", zebra_stripes=True)
            yield Label("", id="approval-week", classes="section", markup=False)
            yield PlainTable(id="approval-entries", cursor_type="none", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#approval-groups", DataTable).add_columns(*GROUP_COLUMNS)
        self.query_one("#approval-entries", DataTable).add_columns(*ENTRY_COLUMNS)

    # Loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="approvals-load")
    def load(self) -> None:
        with connection():
            try:
                found = tuple(approvals.approvals(self.app.session.actor))
            except TallyError as exc:  # a consultant approves nothing: say so, not an error
                self.post_message(self.Loaded((), str(exc)))
                return
        self.post_message(self.Loaded(found))

    @on(Loaded)
    def show(self, event: Loaded) -> None:
        self.groups = event.groups
        table = self.query_one("#approval-groups", DataTable)
        keep = _key(self.current) if self.current else None
        table.clear()
        for group in self.groups:
            table.add_row(
                group.user,
                f"W{group.first.isocalendar().week:02d} {group.first} – {group.last}",
                ", ".join(group.projects),
                hours(group.pending_seconds),
                hours(group.approved_seconds),
                key=_key(group),
            )
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        waiting = sum(g.pending_seconds for g in self.groups)
        self.query_one(StatusLine).note = event.problem or f"{hours(waiting)} h wait for you"
        self._follow_cursor()

    @on(DataTable.RowHighlighted, "#approval-groups")
    def _follow_cursor(self, _event=None) -> None:
        table = self.query_one("#approval-groups", DataTable)
        self.current = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.current = next((g for g in self.groups if _key(g) == key), None)
        self._fill_entries()
        self.refresh_bindings()

    def _fill_entries(self) -> None:
        table = self.query_one("#approval-entries", DataTable)
        table.clear()
        title = self.query_one("#approval-week", Label)
        group = self.current
        if group is None:
            title.update(
                "Nothing waits for your approval: locked time of the projects you approve "
                "shows here, a week per person"
            )
            return
        title.update(f"{group.user} · {group.first} – {group.last}")
        tz = self.app.timezone
        for entry in group.entries:
            start, end = local_datetime(entry.start_utc, tz), local_datetime(entry.end_utc, tz)
            table.add_row(
                start.strftime("%a %d"),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                hours(entry.seconds),
                entry.project,
                "approved" if entry.state == "approved" else "waiting",
                entry.description,
            )

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        group = self.current
        if action == "approve":
            return True if group and group.pending else None
        if action == "withdraw":
            return True if group and group.approved else None
        if action == "send_back":
            return True if group else None
        return True

    # Acting on the chosen week ---------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="approvals-change")
    def change(self, act: Callable[[], approvals.Outcome], verb: str) -> None:
        """Run ``act``; a refusal (the week changed meanwhile) is shown and the list
        reloads, so the approver looks again at what is there now."""
        with connection():
            try:
                outcome = act()
            except TallyError:
                self.post_message(DataChanged())
                raise
        moved = "".join(f"; {name}'s lock moved back to {day}" for name, day in outcome.locks)
        self.post_message(
            self.Done(f"{verb} {hours(outcome.seconds)} h of {', '.join(outcome.people)}{moved}")
        )

    @on(Done)
    def done(self, event: Done) -> None:
        self.notify(event.summary)
        self.app.post_message(DataChanged(event.summary))

    def action_approve(self) -> None:
        group, actor = self.current, self.app.session.actor
        seen = dict(group.pending)
        self.change(lambda: approvals.approve(actor, group.scope, seen), "approved")

    def action_withdraw(self) -> None:
        group, actor = self.current, self.app.session.actor
        seen = dict(group.approved)
        self.change(
            lambda: approvals.withdraw(actor, group.scope, seen), "withdrew the approval of"
        )

    def action_send_back(self) -> None:
        self._ask_send_back(self.current, self.app.session.actor)

    @work(thread=True, exit_on_error=False, group="approvals-change")
    def _ask_send_back(self, group: Group, actor: str) -> None:
        """Sending back moves the person's lock back, which opens more than this week: the
        dialog names the new lock and every project's hours that open again."""
        seen = dict(group.pending + group.approved)
        with connection():
            try:
                moves = approvals.send_back_preview(actor, group.scope, seen)
            except TallyError:
                self.post_message(DataChanged())
                raise
        returned = hours(group.pending_seconds + group.approved_seconds)

        def send(comment: str | None) -> None:
            if comment is not None:
                self.change(
                    lambda: approvals.send_back(actor, group.scope, comment, seen), "sent back"
                )

        self.app.call_from_thread(
            self.app.push_screen,
            TextPrompt(
                f"Send {group.user}'s week of {group.first} back: what needs fixing?",
                placeholder="comment for " + group.user,
                parse=_comment,
                detail=" ".join(
                    [f"{returned} h of {', '.join(group.projects)} go back to {group.user}."]
                    + [move.describe() for move in moves]
                ),
            ),
            send,
        )
