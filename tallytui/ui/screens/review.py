"""The weekly review: a week of sessions, their totals, and every fix by key.

The review is the first screen of every start, so nothing it does not draw is imported
with it: dialogs when first opened, the services and the database layer in the workers
that use them (after the first frame)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from ...domain.errors import InvalidInput
from ...domain.localtime import (
    iso_week,
    local_datetime,
    local_to_utc,
    parse_clock,
    parse_date,
    parse_end,
    parse_end_clock,
)
from ...domain.timesheet import lock_state
from ..messages import DataChanged
from ..text import hours
from ..widgets.key_footer import KeyFooter
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable
from ..widgets.status_line import StatusLine
from .base import AreaScreen, connection

if TYPE_CHECKING:
    from types import ModuleType

    from ...services.approvals import Person
    from ...services.review import Change, Week
    from ...services.timer import Started, Stopped
    from ...services.views import EntryView
    from ..modals.entry_form import EntryDraft

ON_A_WEEK = {"week", "this_week", "go_to", "lock", "expenses", "add", "person"}
EDITS = {"retag", "describe", "split", "merge", "retime", "delete", "toggle_billable"}
WRITES = EDITS | {"add", "undo"}  # off in a week the actor may only read
OWN_ONLY = {"lock", "expenses", "timer"}  # the actor's own timesheet, expenses and timer
# On a narrow terminal the description gives way first, then the project and the source;
# the whole description is in the edit dialog (e).
COLUMNS = (
    "",
    "Day",
    "Start",
    "End",
    "Hours",
    Column("Project", NAME),
    Column("Description", TEXT),
    Column("Source", NAME, least=6),
    "Bill",
    "State",
)
RUNNING_ROW = "timer"  # the key of the running timer's row
MINUTE = 60.0
EMPTY_WEEK = "No sessions this week — a adds one, F4 starts capture, F7 imports a file"
Clock = tuple[int, int, int]  # a wall-clock reading: hour, minute, second


def _clock_span(text: str) -> tuple[Clock, str]:
    """``HH:MM-HH:MM`` (or ``HH:MM-HH:MM+1``): the start's wall-clock reading and the end as
    typed, read against the start by ``parse_end`` (never moved to the next day unasked)."""
    if text.count("-") != 1:
        raise InvalidInput("give start-end, e.g. 09:15-10:30 (or 22:00-01:30+1)")
    first, last = text.split("-")
    if parse_end_clock(last) is None:
        raise InvalidInput(f"end: {last.strip()!r} is not HH:MM, or HH:MM+1 for the next day")
    return parse_clock(first), last.strip()


class ReviewScreen(AreaScreen):
    """One ISO week of the acting user's time."""

    # Narrower than this, the totals move below the sessions: beside them they would leave
    # the sessions too little room for their columns.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("left_square_bracket", "week(-1)", "Prev week", id="review.previous"),
        Binding("right_square_bracket", "week(1)", "Next week", id="review.next"),
        Binding("t", "this_week", "This week", id="review.today"),
        Binding("g", "go_to", "Go to date", id="review.goto"),
        Binding("space", "toggle_select", "Select", id="review.select"),
        Binding("p", "retag", "Project", id="review.retag"),
        Binding("e", "describe", "Describe", id="review.describe"),
        Binding("r", "retime", "Trim", id="review.retime"),
        Binding("s", "split", "Split", id="review.split"),
        Binding("m", "merge", "Merge", id="review.merge"),
        Binding("b", "toggle_billable", "Bill", id="review.billable"),
        Binding("d,delete", "delete", "Delete", id="review.delete"),
        Binding("a", "add", "Add", id="review.add"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("L", "lock", "Lock week", id="review.lock"),
        Binding("x", "expenses", "Expenses", id="review.expenses"),
        Binding("P", "person", "Person…", id="review.person"),
        Binding("T", "timer", "Start/stop timer", id="review.timer"),
    ]

    @dataclass
    class Loaded(Message):
        week: Week

    @dataclass
    class Applied(Message):
        change: Change
        undoing: bool

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None  # this week, once the database says which it is
        self.week: Week | None = None
        self.selected: frozenset[int] = frozenset()
        self.undo_stack: tuple[Change, ...] = ()
        self.current: EntryView | None = None
        self.created: tuple[int, ...] = ()  # made by the last change: the cursor goes there
        self.person: Person | None = None  # whose week, when not the actor's own

    def compose(self) -> ComposeResult:
        yield Label("Loading this week…", id="title", markup=False)
        yield StatusLine()
        yield Label("", id="empty-hint", classes="empty-hint", markup=False)
        with Horizontal(id="body"):
            yield PlainTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="totals"):
                yield Static("", id="totals-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.query_one("#empty-hint").display = False  # until a week shows none
        self.set_interval(MINUTE, self._running_minute)

    def _running_minute(self) -> None:
        """A week with the timer running in it reads again once a minute: its open block
        grows to the new now."""
        if self.week is not None and self.week.running is not None and self.is_current:
            self.load()

    # Loading -------------------------------------------------------------------------

    def reload(self) -> None:
        if self.day is None:
            self.day = self.app.today
        super().reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-load")
    def load(self) -> None:
        from ...services import review

        with connection():
            self.post_message(self.Loaded(review.week(self.day, self.owner)))

    @on(Loaded)
    def show(self, event: Loaded) -> None:
        if event.week.first != iso_week(self.day)[0] or event.week.user != self.owner:
            return  # a slower load of a week the user has already left
        self.week = event.week
        self.selected = frozenset(
            i for i in self.selected if any(e.id == i for e in event.week.entries)
        )
        self._fill_table()
        self._fill_totals()
        week = event.week
        hint = self.query_one("#empty-hint", Label)
        hint.update(EMPTY_WEEK if self.person is None else f"No sessions in {week.user}'s week")
        hint.display = not week.entries
        title = f"Week {week.first.isocalendar().week} · {week.first} – {week.last} · {week.user}"
        if self.person is None:
            self.app.locked_until = week.locked_until  # the status line's lock is the actor's
        else:
            title += f"'s week, {lock_state(week.locked_until)}"
            title += "" if self.person.editable else " · read-only"
        self.query_one("#title", Label).update(title)

    def _fill_table(self) -> None:
        table = self.query_one(DataTable)
        keep = self.current.id if self.current else None
        row = table.cursor_row
        # After an add, split or merge the cursor is on what it made, unless the entry it
        # was on is among it; else it stays on its entry, or its place if that is gone.
        created, self.created = self.created, ()
        order = (() if keep in created else created) + (keep,)
        table.clear()
        shown_day = None
        for entry in self.week.entries:
            start = local_datetime(entry.start_utc, self.week.timezone)
            end = local_datetime(entry.end_utc, self.week.timezone)
            state = "invoiced" if entry.invoice else entry.state  # the number: status line
            table.add_row(
                "●" if entry.id in self.selected else "",
                "" if entry.day == shown_day else start.strftime("%a %d"),
                start.strftime("%H:%M"),
                end.strftime("%H:%M" if end.date() == start.date() else "%a %H:%M"),
                hours(entry.seconds),
                entry.project,
                entry.description,
                entry.source,
                "yes" if entry.billable else "no",
                state,
                key=str(entry.id),
            )
            shown_day = entry.day
        if self.week.running is not None:
            self._add_running(table, shown_day)
        found = next((str(i) for i in order if str(i) in table.rows), None)
        if found is not None:
            table.move_cursor(row=table.get_row_index(found))
        elif table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self._follow_cursor()

    def _add_running(self, table: DataTable, shown_day: date | None) -> None:
        """The running timer as an open block from its start up to now (not an entry yet:
        no edits apply to it; T stops it)."""
        running, tz = self.week.running, self.week.timezone
        start = local_datetime(running.start_utc, tz)
        table.add_row(
            "",
            "" if start.date() == shown_day else start.strftime("%a %d"),
            start.strftime("%H:%M"),
            "now",
            hours(running.seconds(self.week.now)),
            running.project,
            running.description,
            "timer",
            "",
            "running",
            key=RUNNING_ROW,
        )

    def _fill_totals(self) -> None:
        """The str lines are markup; names are Content, shown exactly as typed."""
        week = self.week
        lines = [
            f"[b]Week[/b]  {hours(week.seconds)} h, {hours(week.billable_seconds)} billable",
            "",
            "[b]Days[/b]",
        ]
        for day in week.days:
            lines.append(f"{day.day:%a %d}  {hours(day.seconds):>6} h")
        lines += ["", "[b]Projects[/b]"]
        for p in week.projects:
            lines += [Content(p.project), f"  {hours(p.seconds):>6} h  {p.amount:>10} {p.currency}"]
        lines += ["", "[b]Clients[/b]"]
        for c in week.clients:
            money = ", ".join(f"{amount:>10} {currency}" for currency, amount in c.amounts)
            lines += [Content(c.client), f"  {hours(c.seconds):>6} h  {money}"]
        if week.expenses:
            lines += ["", "[b]Expenses[/b]"]
            for x in week.expenses:
                lines.append(Content(f"{x.day:%a %d} {x.project}  {x.amount} {x.currency}"))
        shown = Content("\n").join(Content.from_markup(line) for line in lines)
        self.query_one("#totals-text", Static).update(shown)

    @on(DataTable.RowHighlighted)
    def _follow_cursor(self, _event=None) -> None:
        table = self.query_one(DataTable)
        entry = None
        if self.week is not None and table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            entry = next((e for e in self.week.entries if str(e.id) == key), None)
        self.current = entry
        status = self.query_one(StatusLine)
        status.note = self._why_fixed(entry) if entry else ""
        self.refresh_bindings()

    # What applies --------------------------------------------------------------------

    def targets(self) -> list[EntryView]:
        if self.week is None:
            return []
        if self.selected:
            return [e for e in self.week.entries if e.id in self.selected]
        return [self.current] if self.current else []

    @staticmethod
    def _why_fixed(entry: EntryView) -> str:
        if entry.invoice:
            return f"entry {entry.id} is billed on {entry.invoice}: edits are off"
        if entry.state != "open":
            return f"entry {entry.id} is {entry.state}: edits are off"
        return ""

    @property
    def owner(self) -> str:
        """Whose week is shown: the actor's unless they opened someone else's."""
        return self.person.name if self.person else self.app.session.actor

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ON_A_WEEK and self.week is None:
            return None  # the first week has not loaded yet
        if self.person is not None and (
            action in OWN_ONLY or (action in WRITES and not self.person.editable)
        ):
            return None
        if action in EDITS:
            chosen = self.targets()
            if not chosen or any(self._why_fixed(e) for e in chosen):
                return None
            if action == "merge" and len(chosen) < 2:
                return None
            if action in ("split", "retime", "describe") and len(chosen) != 1:
                return None
        if action == "undo" and not self.undo_stack:
            return None
        if action == "toggle_select" and self.current is None:
            return None
        return True

    # Navigation ----------------------------------------------------------------------

    def action_week(self, step: int) -> None:
        self.day += timedelta(days=7 * step)
        self.selected = frozenset()
        self.load()

    def action_this_week(self) -> None:
        self.day = self.app.today
        self.load()

    def action_go_to(self) -> None:
        def go(day: date) -> None:
            self.day = day
            self.load()

        self.ask(
            "Go to the week of",
            self.day.isoformat(),
            "YYYY-MM-DD",
            lambda text: parse_date(text, "date"),
            go,
        )

    def action_person(self) -> None:
        self.pick_person()

    @work(thread=True, exit_on_error=False, group="review-forms")
    def pick_person(self) -> None:
        """Approvers and admins open anyone's week (read-only where they may not edit it);
        the others have only their own."""
        from textual.command import SimpleCommand

        from ...services import approvals

        actor = self.app.session.actor
        with connection():
            people = approvals.reviewable(actor)
        if len(people) < 2:
            self.app.call_from_thread(
                self.notify,
                "only approvers and admins open other people's weeks",
                severity="warning",
            )
            return
        choices = [
            SimpleCommand(
                p.name,
                partial(self.show_person, p),
                "your own week" if p.name == actor else p.role + " · read-only" * (not p.editable),
            )
            for p in people
        ]
        self.app.call_from_thread(self.app.search_commands, choices, "Whose week?")

    @work(thread=True, exit_on_error=False, group="review-forms")
    def open_person(self, name: str) -> None:
        """``name``'s week, as the actor may see it (from the command palette)."""
        from ...services import approvals

        with connection():
            people = approvals.reviewable(self.app.session.actor)
        person = next((p for p in people if p.name == name), None)
        if person is not None:
            self.app.call_from_thread(self.show_person, person)

    def show_person(self, person: Person) -> None:
        """Show ``person``'s week (the same week as now), or the actor's own."""
        self.person = None if person.name == self.app.session.actor else person
        self.selected = frozenset()
        self.current = None
        self.refresh_bindings()
        self.load()

    def action_toggle_select(self) -> None:
        if self.current is not None:
            self.selected = self.selected ^ {self.current.id}
            self._fill_table()

    # Edits ---------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="review-edit")
    def apply(self, edit: Callable[[ModuleType], Change], undoing: bool = False) -> None:
        """Run ``edit`` with the review's services (``services.review``) in a worker."""
        from ...services import review

        with connection():
            change = edit(review)
        self.post_message(self.Applied(change, undoing))

    @on(Applied)
    def applied(self, event: Applied) -> None:
        if not event.undoing:  # an undo left the stack when it started
            self.undo_stack = (*self.undo_stack, event.change)[-50:]
        self.created = event.change.ids
        self.selected = frozenset()
        self.refresh_bindings()
        self.notify(event.change.summary)
        self.app.post_message(DataChanged(event.change.summary))

    def _ids(self) -> list[int]:
        return [e.id for e in self.targets()]

    def action_retag(self) -> None:
        ids = self._ids()
        self.pick_project(
            lambda name: (
                name and self.apply(lambda review: review.retag(self.app.session.actor, ids, name))
            )
        )

    @work(thread=True, exit_on_error=False, group="review-forms")
    def pick_project(self, then: Callable[[str | None], object]) -> None:
        from ..modals.project_picker import ProjectPicker

        choices = [(p.name, p.client) for p in self._active_projects()]
        self.app.call_from_thread(self.app.push_screen, ProjectPicker(choices), then)

    def action_describe(self) -> None:
        [entry] = self.targets()
        self.edit_in_prompt(
            f"Description of entry {entry.id}",
            entry.description,
            "",
            str,  # as typed
            lambda review, text: review.describe(self.app.session.actor, [entry.id], text),
        )

    def edit_in_prompt(
        self,
        title: str,
        value: str,
        placeholder: str,
        parse: Callable[[str], object],
        edit: Callable[[ModuleType, object], Change],
    ) -> None:
        """A one-line edit done by the prompt itself: a refusal stays in the prompt next to
        the text as typed, and only a done edit closes it (and can be undone)."""
        from ..modals.text_prompt import TextPrompt

        def act(read: object) -> Change:
            from ...services import review

            return edit(review, read)

        self.app.push_screen(
            TextPrompt(title, value, placeholder, parse, act=act),
            lambda change: change is not None and self.post_message(self.Applied(change, False)),
        )

    def _instant(self, entry: EntryView, clock: Clock, not_before: int | None = None) -> int:
        """A wall-clock time on the entry's day (the next day if it would fall before)."""
        moment = local_to_utc(entry.day, clock, self.week.timezone)
        if not_before is not None and moment <= not_before:
            moment = local_to_utc(entry.day + timedelta(days=1), clock, self.week.timezone)
        return moment

    def action_split(self) -> None:
        [entry] = self.targets()

        def split(review: ModuleType, clock: Clock) -> Change:
            at = self._instant(entry, clock, entry.start_utc)
            return review.split(self.app.session.actor, entry.id, at)

        self.edit_in_prompt(f"Split entry {entry.id} at", "", "HH:MM", parse_clock, split)

    def action_retime(self) -> None:
        [entry] = self.targets()
        tz = self.week.timezone
        current = (
            f"{local_datetime(entry.start_utc, tz):%H:%M}-{local_datetime(entry.end_utc, tz):%H:%M}"
        )

        def retime(review: ModuleType, span: tuple[Clock, str]) -> Change:
            start = self._instant(entry, span[0])
            end = parse_end(span[1], start, tz)
            return review.retime(self.app.session.actor, entry.id, start, end)

        self.edit_in_prompt(
            f"Trim entry {entry.id} (start-end)", current, "HH:MM-HH:MM", _clock_span, retime
        )

    def action_merge(self) -> None:
        from ...domain.merging import merged_span

        chosen = self.targets()
        try:
            start, end = merged_span(chosen)
        except InvalidInput as exc:
            self.notify(str(exc), title="Not merged", severity="warning", timeout=8)
            return
        ids = [e.id for e in chosen]
        first, last = (local_datetime(moment, self.week.timezone) for moment in (start, end))
        until = last.strftime("%H:%M" if last.date() == first.date() else "%a %H:%M")
        pauses = end - start - sum(e.seconds for e in chosen)
        self.confirm(
            f"Merge {len(ids)} entries of {chosen[0].project} into one?",
            f"{first:%a %Y-%m-%d %H:%M} – {until}, {hours(end - start)} h"
            + (f" ({-(-pauses // 60)} min of pauses joined)" if pauses else "")
            + ". u undoes it afterwards.",
            lambda: self.apply(lambda review: review.merge(self.app.session.actor, ids)),
        )

    def action_toggle_billable(self) -> None:
        chosen = self.targets()
        billable = not all(e.billable for e in chosen)
        ids = [e.id for e in chosen]
        self.apply(lambda review: review.set_billable(self.app.session.actor, ids, billable))

    def action_delete(self) -> None:
        ids = self._ids()
        self.confirm(
            f"Delete {len(ids)} entr{'y' if len(ids) == 1 else 'ies'}?",
            "u undoes it afterwards.",
            lambda: self.apply(lambda review: review.delete(self.app.session.actor, ids)),
        )

    def action_undo(self) -> None:
        """Take the change off the stack first: one that cannot be undone says why and is
        gone, so the next ``u`` reaches the change before it."""
        change = self.undo_stack[-1]
        self.undo_stack = self.undo_stack[:-1]
        self.refresh_bindings()
        self.apply(lambda review: review.undo(self.app.session.actor, change), undoing=True)

    def action_add(self) -> None:
        self.open_entry_form()

    @work(thread=True, exit_on_error=False, group="review-forms")
    def open_entry_form(self) -> None:
        from ..modals.entry_form import EntryForm

        names = [p.name for p in self._active_projects()]
        day = self.current.day if self.current else min(self.app.today, self.week.last)
        self.app.call_from_thread(self.app.push_screen, EntryForm(names, day), self.save_entry)

    @staticmethod
    def _active_projects() -> list:
        """The projects a dialog offers; read in the dialog's worker."""
        from ...services import projects

        with connection():
            return projects.list_all(include_archived=False)

    def save_entry(self, draft: EntryDraft | None) -> None:
        from ...services import entries

        if draft is None:
            return
        tz = self.week.timezone
        start = local_to_utc(draft.day, draft.start, tz)
        end = local_to_utc(draft.day + timedelta(days=draft.ends_next_day), draft.end, tz)
        new = entries.NewEntry(draft.project, start, end, draft.description, draft.billable)

        self.apply(lambda review: review.add(self.app.session.actor, new, self.owner))

    def action_timer(self) -> None:
        """Stop the running timer, or start one on the selected session's project (with no
        session selected, on a project picked from the list)."""
        if self.app.running_timer is not None:
            self._timer_write(lambda timer, actor: timer.stop(actor), _stopped_text)
        elif self.current is not None:
            self._start_timer(self.current.project)
        else:
            self.pick_project(lambda name: name and self._start_timer(name))

    def _start_timer(self, project: str) -> None:
        self._timer_write(lambda timer, actor: timer.start(actor, project), _started_text)

    def _timer_write(self, act: Callable, summary: Callable) -> None:
        actor = self.app.session.actor

        def write():
            from ...services import timer

            return act(timer, actor)

        self.change(write, summary)

    def action_lock(self) -> None:
        self._confirm_lock(self.week.last)

    @work(thread=True, exit_on_error=False, group="review-lock")
    def _confirm_lock(self, last: date) -> None:
        """The dialog names every project whose time the lock makes final, with its hours,
        and says so when the lock reaches days that have not happened yet."""
        from ...domain.timesheet import days_ahead
        from ...services import timesheets

        actor = self.app.session.actor
        with connection():
            move = timesheets.lock_move(actor, last)
        ahead = days_ahead(last, self.app.today)
        self.app.call_from_thread(
            self.confirm,
            f"Lock your timesheet up to {last:%a %Y-%m-%d}?",
            f"{move.describe()} Locked time can be invoiced; it can no longer be edited."
            + (f" Note: {ahead}." if ahead else ""),
            lambda: self.change(
                lambda: timesheets.lock(actor, last), f"timesheet locked until {last}"
            ),
        )

    # Expenses ------------------------------------------------------------------------

    def action_expenses(self) -> None:
        from ..modals.expense_list import ExpenseList

        week = self.week
        self.app.push_screen(
            ExpenseList(week.expenses, f"Expenses {week.first} – {week.last}"), self.expense_chosen
        )

    def expense_chosen(self, choice: tuple[str, int | None] | None) -> None:
        from ...services import expenses

        if choice is None:
            return
        what, expense_id = choice
        if what == "delete":
            self.change(
                lambda: expenses.delete(self.app.session.actor, expense_id),
                f"expense {expense_id} deleted",
            )
            return
        current = next((x for x in self.week.expenses if x.id == expense_id), None)
        self.open_expense_form(current)

    @work(thread=True, exit_on_error=False, group="review-forms")
    def open_expense_form(self, current) -> None:
        from ...services import expenses
        from ..modals.expense_form import ExpenseForm

        names = [p.name for p in self._active_projects()]
        day = min(self.app.today, self.week.last)

        def save(expense) -> None:
            if expense is None:
                return
            actor = self.app.session.actor
            if current is None:
                self.change(lambda: expenses.add(actor, expense), "expense added")
            else:
                self.change(
                    lambda: expenses.edit(actor, current.id, expense), f"expense {current.id} saved"
                )

        self.app.call_from_thread(self.app.push_screen, ExpenseForm(names, day, current), save)


def _stopped_text(stopped: Stopped) -> str:
    entry = stopped.entry
    if entry is None:
        return f"Timer on {stopped.timer.project} replaced in the second it started"
    text = f"Timer stopped: entry {entry.id}, {hours(entry.seconds)} h on {entry.project}"
    if stopped.long:
        text += " — it ran over 12 hours; if it was left running, trim it (r)"
    return text


def _started_text(started: Started) -> str:
    text = f"Timer started on {started.timer.project}"
    if started.stopped is not None:
        text = _stopped_text(started.stopped) + "\n" + text
    return text
