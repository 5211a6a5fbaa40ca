"""The invoicing area: one billing cycle walked screen by screen — Missing data, Pending,
Ready for invoicing, Ready to send, Sent — with every step of it on a key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Label, TabbedContent, TabPane

from ...domain.errors import Conflict, InvalidInput
from ...domain.money import parse_amount
from ...domain.schedule import parse_schedule
from ...render.einvoice import FORMATS as EINVOICE_FORMATS
from ...render.mentions import preview
from ...services import (
    billing_cycle,
    clients,
    corrections,
    einvoices,
    invoice_lifecycle,
    invoices,
    projects,
    register,
    timesheets,
)
from ...services.billing_cycle import Cycle, PendingPeriod, PersonState, SentPage
from ...services.invoice_views import InvoiceSummary
from ...services.projects import ProjectChanges
from ...services.views import ClientView
from ..messages import DataChanged
from ..modals.credit_form import CreditForm, CreditRequest
from ..modals.entry_listing import EntryListing
from ..modals.export_prompt import ExportPrompt
from ..modals.freeform_form import FreeformDraft, FreeformForm
from ..modals.invoice_create import CreateInvoiceForm
from ..modals.invoice_detail import InvoiceDetail
from ..modals.schedule_picker import SchedulePicker
from ..modals.sent_filter import SentFilter, SentFilterForm
from ..modals.text_prompt import TextPrompt
from ..text import hours
from ..widgets.key_footer import KeyFooter
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable
from ..widgets.status_line import StatusLine
from .base import AreaScreen, connection

TABS = {
    "missing": "Missing data",
    "pending": "Pending",
    "ready": "Ready for invoicing",
    "to-send": "Ready to send",
    "sent": "Sent",
}
# The client's preferred format → the XML preselected (Factur-X embeds the CII).
EINVOICE_DEFAULT = {"facturx": "cii", **{f: f for f in EINVOICE_FORMATS}}
EINVOICE_HELP = (
    "cii: EN 16931 CII (as inside Factur-X) · ubl: EN 16931 UBL · xrechnung-cii, "
    "xrechnung-ubl: XRechnung 3.0 · peppol: Peppol BIS Billing 3.0"
)
FILL_HIDDEN_AFTER = 0.05  # seconds: a few frames, less than a person takes to switch

# Which keys apply on which tab; the others are hidden from the footer.
ACTIONS_BY_TAB = {
    "set_schedule": {"missing"},
    "set_rate": {"missing"},
    "client_address": {"missing"},
    "show_entries": {"pending"},
    "lock": {"pending"},
    "create": {"ready"},
    "open_invoice": {"to-send"},
    "pdf": {"to-send", "sent"},
    "einvoice": {"to-send", "sent"},
    "send_mail": {"to-send", "sent"},
    "mark_sent": {"to-send"},
    "delete": {"to-send"},
    "mark_paid": {"sent"},
    "remind": {"sent"},
    "credit": {"sent"},
    "filter": {"sent"},
    "overdue": {"sent"},
}
# What fills each screen, shown while it is empty.
EMPTY = {
    "missing": "Nothing missing: billable work that lacks a schedule, a rate or the client's "
    "details to be billed shows here",
    "pending": "Nothing pending: ended periods whose time is not yet locked (or approved) "
    "show here",
    "ready": "Nothing to invoice: ended periods whose time is all locked show here, "
    "c creates the invoice",
    "to-send": "Nothing to send: created invoices wait here until m marks them sent; "
    "n writes a freeform one",
    "sent": "Nothing sent: invoices marked sent show here (f filters them)",
}
OVERDUE_ONLY = " · overdue only"
NOTHING_OVERDUE = "Nothing overdue: sent invoices with money open past their due date show here"
# Names give way on a narrow terminal; hours, money, due dates and states never do. The
# issue date and kind of sent documents vanish first (the invoice view shows them, and a
# credit note's total is negative), so that their totals and open amounts fit 80 columns.
CLIENT = Column("Client", NAME, least=12)
KIND = Column("Kind", NAME, least=7)
COLUMNS = {
    "missing": (Column("Project", NAME), CLIENT, "Uninvoiced h", "Missing"),
    "pending": (
        Column("Project / person", NAME),
        "Period",
        "Hours",
        "Open",
        "Approval",
        "Ready",
        "Locked until",
    ),
    "ready": (Column("Project", NAME), CLIENT, "Period", "Hours", "Amount"),
    "to-send": ("Number", KIND, CLIENT, "Issued", "Due", "Total"),
    "sent": (
        "Number",
        Column("Kind", TEXT, least=0),
        "Status",
        Column("Client", NAME, least=10),
        Column("Issued", TEXT, least=0),
        "Due",
        "Total",
        "Open",
    ),
}
SENT_SHOWN = 50  # the newest documents; a filter finds older ones
RELEASED = "Its time and expenses become uninvoiced again."


class SentTable(PlainTable):
    """The Sent list: an overdue document's status takes the theme's warning style."""

    COMPONENT_CLASSES = PlainTable.COMPONENT_CLASSES | {"sent-table--overdue"}


class CyclePane(TabPane):
    """One screen of the cycle. Focus entering a pane shows it, by a message that reaches
    the tabs later; a report from a pane that no longer holds the focus is dropped, or a
    key pressed right after F5 (focus already moved on) showed the first screen again."""

    @on(TabPane.Focused)
    def focus_gone(self, event: TabPane.Focused) -> None:
        if not self.has_focus_within:
            event.stop()


def output_file(text: str) -> Path:
    """Where an export goes: a file in a folder that exists."""
    path = Path(text.strip()).expanduser()
    if not path.parent.is_dir():
        raise InvalidInput(f"file: folder {path.parent} does not exist")
    return path


@dataclass(frozen=True)
class PendingRow:
    """A row of the Pending table: a period, or one person's share of it."""

    period: PendingPeriod
    person: PersonState | None = None


class InvoicingScreen(AreaScreen):
    BINDINGS = [
        Binding("1", "show_tab('missing')", "Missing", show=False, id="invoicing.missing"),
        Binding("2", "show_tab('pending')", "Pending", show=False, id="invoicing.pending"),
        Binding("3", "show_tab('ready')", "Ready", show=False, id="invoicing.ready"),
        Binding("4", "show_tab('to-send')", "To send", show=False, id="invoicing.to_send"),
        Binding("5", "show_tab('sent')", "Sent", show=False, id="invoicing.sent"),
        Binding("s", "set_schedule", "Schedule", id="invoicing.schedule"),
        Binding("r", "set_rate", "Rate", id="invoicing.rate"),
        Binding("a", "client_address", "Address", id="invoicing.address"),
        Binding("e", "show_entries", "Entries", id="invoicing.entries"),
        Binding("l", "lock", "Lock", id="invoicing.lock"),
        Binding("c", "create", "Create invoice", id="invoicing.create"),
        Binding("o", "open_invoice", "Open", id="invoicing.open"),
        # On Sent, o filters to the overdue documents (enter opens one, as everywhere).
        Binding("o", "overdue", "Overdue", id="invoicing.overdue"),
        Binding("p", "pdf", "PDF", id="invoicing.pdf"),
        Binding("E", "einvoice", "E-invoice", id="invoicing.einvoice"),
        Binding("s", "send_mail", "Send", id="invoicing.send"),
        Binding("m", "mark_sent", "Mark sent", id="invoicing.mark_sent"),
        Binding("d", "delete", "Delete", id="invoicing.delete"),
        Binding("M", "mark_paid", "Mark paid", id="invoicing.mark_paid"),
        Binding("R", "remind", "Remind", id="invoicing.remind"),
        Binding("k", "credit", "Credit note", id="invoicing.credit"),
        Binding("f", "filter", "Filter", id="invoicing.filter"),
        Binding("n", "freeform(False)", "Freeform", id="invoicing.freeform"),
        Binding("N", "freeform(True)", "Free credit", id="invoicing.freeform_credit"),
    ]

    @dataclass
    class Loaded(Message):
        cycle: Cycle
        sent: SentPage
        clients: list[ClientView]

    def __init__(self) -> None:
        super().__init__()
        self.cycle: Cycle | None = None
        self.sent: list[InvoiceSummary] = []
        self.sent_filter = SentFilter()
        self.overdue_only = False
        self.pending_rows: list[PendingRow] = []
        self.clients: list[ClientView] = []
        self.follow: tuple[str, str, str] | None = None  # (asked on, tab, row key) to show
        self.stale: set[str] = set()  # screens whose table still shows the previous load

    def compose(self) -> ComposeResult:
        yield Label("Invoicing", id="title")
        yield StatusLine()
        yield Label("", id="periods")
        with TabbedContent(id="cycle"):
            for n, (tab, title) in enumerate(TABS.items(), start=1):
                with CyclePane(f"[b]{n}[/b] {title}", id=tab):
                    if tab == "sent":
                        yield Label("", id="sent-filter", classes="section")
                    yield Label(EMPTY[tab], id=f"{tab}-empty", classes="empty-hint", markup=False)
                    table = SentTable if tab == "sent" else PlainTable
                    yield table(id=f"{tab}-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        for tab, names in COLUMNS.items():
            self.query_one(f"#{tab}-table", DataTable).add_columns(*names)
            self.query_one(f"#{tab}-empty").display = False  # until a load finds nothing

    # Loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="invoicing-load")
    def load(self) -> None:
        wanted = self.sent_filter
        with connection():
            self.post_message(
                self.Loaded(
                    billing_cycle.cycle(self.app.session.actor, include_sent=False),
                    billing_cycle.sent(
                        self.app.session.actor,
                        wanted.client,
                        wanted.month,
                        SENT_SHOWN,
                        overdue_only=self.overdue_only,
                    ),
                    clients.list_all(include_archived=False),
                )
            )

    @on(Loaded)
    def show(self, event: Loaded) -> None:
        self.cycle, self.sent = event.cycle, list(event.sent.documents)
        self.clients = event.clients
        c = event.cycle
        # Only the screen in view is filled now, so a long list on another screen does not
        # delay the one the user is looking at; the others once it has been drawn, so that
        # switching to one only has to draw it. Textual draws at most 60 frames a second,
        # and calls "after refresh" before the tables have told the screen they changed:
        # a short timer lets the frame with this data go first.
        self.stale = set(TABS)
        self._ensure(self.tab)
        self.set_timer(FILL_HIDDEN_AFTER, self._fill_hidden)
        counts = {
            "missing": len(c.missing_data),
            "pending": len(c.pending),
            "ready": len(c.ready_for_invoicing),
            "to-send": len(c.ready_to_send),
            "sent": event.sent.total,
        }
        tabs = self.query_one(TabbedContent)
        for n, (tab, title) in enumerate(TABS.items(), start=1):
            tabs.get_tab(tab).label = f"[b]{n}[/b] {title} ({counts[tab]})"
        shown = (
            f"the newest {len(self.sent)} of {event.sent.total}"
            if event.sent.total > len(self.sent)
            else "all"
        )
        self.query_one("#sent-filter", Label).update(
            Content.from_markup(  # the client's name goes in as a variable: plain text
                "Showing $shown · $filter   [b]f[/b] filter   [b]o[/b] overdue   [b]enter[/b] open",
                shown=shown,
                filter=self.sent_filter.describe() + OVERDUE_ONLY * self.overdue_only,
            )
        )
        self.query_one("#sent-empty", Label).update(
            NOTHING_OVERDUE if self.overdue_only else EMPTY["sent"]
        )
        self.query_one("#title", Label).update(self._header(c))
        self.query_one("#periods", Label).update(
            "Current periods: "
            + (
                " · ".join(
                    f"{parse_schedule(p.schedule).describe()} {_span(p.first, p.last)}"
                    for p in c.current
                )
                or "none"
            )
        )
        if self.follow:
            asked_on, tab, key = self.follow
            self.follow = None
            if self.tab == asked_on:  # never back to a screen the user has left since
                self.action_show_tab(tab)
            table = self._table(tab)
            if key in table.rows:
                table.move_cursor(row=table.get_row_index(key))
        self.refresh_bindings()

    def _ensure(self, tab: str) -> None:
        if tab in self.stale:
            self.stale.discard(tab)
            self._fill(tab, self._rows(tab))

    def _fill_hidden(self) -> None:
        for tab in TABS:
            self._ensure(tab)

    def _rows(self, tab: str) -> list[tuple[str, tuple]]:
        c = self.cycle
        if tab == "missing":
            return [
                (
                    m.project,
                    (m.project, m.client, hours(m.uninvoiced_seconds), ", ".join(m.missing)),
                )
                for m in c.missing_data
            ]
        if tab == "pending":
            return self._pending_rows(c)
        if tab == "ready":
            return [
                (
                    f"{r.project}@{r.period_start}",
                    (
                        r.project,
                        r.client,
                        _span(r.period_start, r.period_end),
                        hours(r.seconds),
                        f"{r.amount} {r.currency}",
                    ),
                )
                for r in c.ready_for_invoicing
            ]
        if tab == "sent":
            return self._sent_rows()
        return [
            (
                s.number,
                (
                    s.number,
                    _kind(s),
                    s.client,
                    str(s.issue_date),
                    str(s.due_date),
                    f"{s.total} {s.currency}",
                ),
            )
            for s in c.ready_to_send
        ]

    def _sent_rows(self) -> list[tuple[str, tuple]]:
        """An overdue document says so in its status, with its days, in the theme's
        warning style."""
        late = self._table("sent").get_component_rich_style("sent-table--overdue", partial=True)
        return [
            (
                s.number,
                (
                    s.number,
                    _kind(s),
                    Text(f"overdue {s.overdue_days} d", style=late, end="")
                    if s.overdue_days
                    else s.status,
                    s.client,
                    str(s.issue_date),
                    str(s.due_date),
                    f"{s.total} {s.currency}",
                    str(s.open),  # in the currency of the total beside it
                ),
            )
            for s in self.sent
        ]

    def _header(self, c: Cycle) -> str:
        state = (
            "Cycle clear"
            if c.clear
            else (
                f"{len(c.missing_data)} missing data · {len(c.pending)} pending · "
                f"{len(c.ready_for_invoicing)} ready for invoicing"
            )
        )
        late = ""
        if c.overdue:
            owed = " + ".join(f"{total} {currency}" for currency, total in c.overdue_open())
            late = f" · {len(c.overdue)} overdue: {owed} open"
        return f"Invoicing · {c.today:%a %d %b %Y} · {state}{late}"

    def _table(self, tab: str) -> PlainTable:
        return self.query_one(f"#{tab}-table", PlainTable)

    def _fill(self, tab: str, rows: list[tuple[str, tuple]]) -> None:
        self._table(tab).replace_rows(rows)
        self.query_one(f"#{tab}-empty").display = not rows

    def _pending_rows(self, c: Cycle) -> list[tuple[str, tuple]]:
        self.pending_rows = []
        rows = []
        for period in c.pending:
            span = _span(period.period_start, period.period_end)
            key = f"{period.project}@{period.period_start}"  # the same row after a reload
            self.pending_rows.append(PendingRow(period))
            rows.append(
                (
                    key,
                    (
                        Text(period.project, style="bold"),
                        span,
                        hours(period.seconds),
                        hours(period.open_seconds),
                        hours(period.pending_approval_seconds),
                        hours(period.ready_seconds),
                        "",
                    ),
                )
            )
            for person in period.people:
                self.pending_rows.append(PendingRow(period, person))
                rows.append(
                    (
                        f"{key}:{person.user}",
                        (
                            f"└ {person.user}",
                            "",
                            hours(
                                person.open_seconds
                                + person.pending_approval_seconds
                                + person.ready_seconds
                            ),
                            hours(person.open_seconds),
                            hours(person.pending_approval_seconds),
                            hours(person.ready_seconds),
                            str(person.locked_until) if person.locked_until else "never locked",
                        ),
                    )
                )
        return rows

    # Where the user is -------------------------------------------------------------------

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "missing"

    def _row(self, tab: str) -> int | None:
        table = self._table(tab)
        return table.cursor_row if table.row_count else None

    def _summary(self) -> InvoiceSummary | None:
        row = self._row(self.tab)
        if row is None or self.cycle is None:
            return None
        listed = self.cycle.ready_to_send if self.tab == "to-send" else self.sent
        return listed[row] if self.tab in ("to-send", "sent") else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        tabs = ACTIONS_BY_TAB.get(action)
        if tabs is None:
            return True
        if self.tab not in tabs:
            return False
        if action not in ("filter", "overdue") and self._row(self.tab) is None:
            return None
        return True

    @on(TabbedContent.TabActivated)
    def tab_changed(self) -> None:
        """A screen shown by a click, or by focus moving into it: then focus is there
        already, and focusing it again answered each report of focus with another."""
        self._ensure(self.tab)
        if not self.query_one(f"#{self.tab}", TabPane).has_focus_within:
            self._focus_table(self.tab)
        self.refresh_bindings()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._ensure(tab)
        self._focus_table(tab)
        self.refresh_bindings()

    def _focus_table(self, tab: str) -> None:
        """At once, not after the messages already waiting (as ``focus()`` does): a key
        pressed right after F5 left the first screen's focus and the one asked for both
        in flight, each showing its screen and focusing it again, in turn for good."""
        self.set_focus(self._table(tab))

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        default = {
            "missing": self._fix_first_missing,
            "pending": self.action_show_entries,
            "ready": self.action_create,
            "to-send": self.action_open_invoice,
            "sent": self.action_open_invoice,
        }
        default[self.tab]()

    # Doing things ----------------------------------------------------------------------

    def _then_show(self, tab: str) -> Callable[[object], None]:
        """After a write: show ``tab`` with the written document under the cursor, unless
        the user has moved to another screen by the time it is loaded."""
        asked_on = self.tab
        return lambda document: setattr(self, "follow", (asked_on, tab, document.number))

    # Missing data

    def _missing(self):
        row = self._row("missing")
        return self.cycle.missing_data[row] if row is not None and self.cycle else None

    def _fix_first_missing(self) -> None:
        item = self._missing()
        if item:
            fixes = {
                "schedule": self.action_set_schedule,
                "rate": self.action_set_rate,
                "client address": self.action_client_address,
            }
            fix = fixes.get(item.missing[0])
            if fix is not None:
                fix()
            elif item.einvoice:
                self._fix_einvoice(item.client, item.einvoice[0])

    def action_set_schedule(self) -> None:
        name = self._missing().project

        def chosen(choice) -> None:
            if choice:
                spec, anchor = choice
                self.change(
                    lambda: projects.update(
                        self.app.session.actor,
                        name,
                        ProjectChanges(schedule=spec, schedule_start=anchor),
                    ),
                    f"{name} is billed {spec}",
                )

        self.app.push_screen(SchedulePicker(name), chosen)

    def action_set_rate(self) -> None:
        item = self._missing()
        currency = next((c.currency for c in self.clients if c.name == item.client), "EUR")
        actor = self.app.session.actor
        self.ask_and_do(
            TextPrompt(
                f"Hourly rate of {item.project} ({currency})",
                "",
                "120.00",
                lambda text: parse_amount(text, currency, "rate"),
                act=lambda rate: projects.update(actor, item.project, ProjectChanges(rate=rate)),
            ),
            lambda project: f"{project.name} bills {project.rate} {currency} an hour",
        )

    def ask_and_do(
        self,
        prompt: TextPrompt,
        summary: Callable[[object], str],
        then: Callable[[object], None] | None = None,
    ) -> None:
        """A prompt that does its change itself: a refusal stays in it next to the text as
        typed; once done, say what was done and have the areas reload."""

        def done(result) -> None:
            if result is not None:
                if then is not None:
                    then(result)
                self.notify(summary(result))
                self.app.post_message(DataChanged(summary(result)))

        self.app.push_screen(prompt, done)

    def action_client_address(self) -> None:
        from ..modals.client_form import edit_client

        item = self._missing()
        current = next((c for c in self.clients if c.name == item.client), None)
        if current is not None:
            edit_client(self, current, focus="street")

    @work(thread=True, exclusive=True, exit_on_error=False, group="invoicing-fix")
    def _fix_einvoice(self, client: str, gap) -> None:
        """Open the form of the party that lacks what its e-invoice format needs, in the
        field that fills it (the organisation's details are read in this worker)."""
        field = gap.option.split()[0].removeprefix("--").replace("-", "_")
        if gap.seller:
            from ...services import org
            from ..modals.org_form import edit_org

            with connection():
                current = org.current()
            self.app.call_from_thread(edit_org, self, current, field)
            return
        from ..modals.client_form import edit_client

        current = next((c for c in self.clients if c.name == client), None)
        if current is not None:
            self.app.call_from_thread(edit_client, self, current, field)

    # Pending

    def _pending(self) -> PendingRow | None:
        row = self._row("pending")
        return self.pending_rows[row] if row is not None else None

    def action_show_entries(self) -> None:
        row = self._pending()
        p = row.period
        who = row.person.user if row.person else None
        title = f"{p.project} {p.period_start} – {p.period_end}" + (f" · {who}" if who else "")
        self._entries(title, p, who)

    @work(thread=True, exit_on_error=False, group="invoicing-entries")
    def _entries(self, title: str, p: PendingPeriod, who: str | None) -> None:
        with connection():
            found = billing_cycle.period_entries(p.project, p.period_start, p.period_end, who)
        self.app.call_from_thread(
            self.app.push_screen, EntryListing(title, found, self.app.timezone)
        )

    def action_lock(self) -> None:
        row = self._pending()
        p = row.period
        people = [row.person] if row.person else [x for x in p.people if x.open_seconds]
        if len(people) != 1:
            self.notify(
                "several people have open time here: move to one person's row to lock theirs",
                severity="warning",
            )
            return
        self._confirm_lock(people[0].user, p.period_end)

    @work(thread=True, exit_on_error=False, group="invoicing-lock")
    def _confirm_lock(self, who: str, until) -> None:
        """A lock covers every project of the person up to the day, not only this one:
        the dialog names each with the hours that become final."""
        with connection():
            move = timesheets.lock_move(who, until)
        self.app.call_from_thread(
            self.confirm,
            f"Lock {who}'s timesheet up to {until:%a %Y-%m-%d}?",
            f"{move.describe()} Unlocking later needs an administrator.",
            lambda: self.change(
                lambda: timesheets.lock(self.app.session.actor, until, who),
                f"{who}'s timesheet is locked until {until}",
            ),
        )

    # Ready for invoicing

    def action_create(self) -> None:
        row = self._row("ready")
        period = self.cycle.ready_for_invoicing[row]
        actor = self.app.session.actor

        def created(request) -> None:
            if request is not None:
                self.change(
                    lambda: invoices.create(actor, request),
                    lambda v: f"created {v.number}: {v.total} {v.currency}",
                    self._then_show("to-send"),
                )

        self.app.push_screen(CreateInvoiceForm(period), created)

    # Ready to send and Sent

    def action_open_invoice(self) -> None:
        self.open_number(self._summary().number)

    @work(thread=True, exit_on_error=False, group="invoicing-open")
    def open_number(self, number: str) -> None:
        """Show one invoice (also found through the command palette)."""
        with connection():
            found = invoices.show(self.app.session.actor, number)
        carried = preview(found)  # reads the catalog of the document's language
        self.app.call_from_thread(
            self.app.push_screen,
            InvoiceDetail(found, carried),
            lambda choice: self._chosen(found, choice),
        )

    def _chosen(self, invoice, choice) -> None:
        if not choice:
            return
        action, line = choice
        if action == "remove_line":
            self._remove_line(invoice.number, line)
        elif action == "credit":
            self.app.push_screen(CreditForm(invoice), self._issue_credit)
        else:
            getattr(self, f"action_{action}")(invoice.number)

    def _remove_line(self, number: str, line: int | None) -> None:
        if line is None:
            return
        actor = self.app.session.actor
        self.confirm(
            f"Remove line {line} from {number}?",
            "The line's time and expenses become uninvoiced again.",
            lambda: self.change(
                lambda: invoice_lifecycle.remove_line(actor, number, line),
                f"removed line {line} from {number}",
                self._then_show("to-send"),
            ),
        )

    def action_pdf(self, number: str | None = None) -> None:
        number = number or self._summary().number
        target = str(Path.cwd() / f"{number}.pdf")

        self.ask(
            f"Export {number} as PDF to",
            target,
            "file.pdf",
            output_file,
            lambda path: self._write_pdf(number, path),
        )

    @work(thread=True, exit_on_error=False, group="invoicing-pdf")
    def _write_pdf(self, number: str, target: Path) -> None:
        """The plain PDF, or the Factur-X PDF when the client asks for that."""
        from ...render.files import write_atomically
        from ...render.pdf import write_pdf

        actor = self.app.session.actor
        with connection():
            if einvoices.preference(actor, number) == "facturx":
                written = write_atomically(einvoices.facturx(actor, number), target)
            else:
                document = invoices.show(actor, number)
                written = None
        if written is None:
            written = write_pdf(document, target)
        self.app.call_from_thread(self.notify, f"wrote {written}", title=number)

    def action_einvoice(self, number: str | None = None) -> None:
        self._ask_einvoice(number or self._summary().number)

    @work(thread=True, exit_on_error=False, group="invoicing-einvoice")
    def _ask_einvoice(self, number: str) -> None:
        """The format (the client's preferred one preselected), checked and rendered in the
        prompt's worker, so that what the format lacks shows in the prompt; then the path."""
        actor = self.app.session.actor
        with connection():
            preferred = EINVOICE_DEFAULT.get(einvoices.preference(actor, number), "cii")

        def parse(text: str) -> str:
            fmt = text.strip().lower()
            if fmt not in EINVOICE_FORMATS:
                raise InvalidInput(f"format: {text!r} is not one of {', '.join(EINVOICE_FORMATS)}")
            return fmt

        prompt = ExportPrompt(
            f"E-invoice {number}: format",
            preferred,
            " | ".join(EINVOICE_FORMATS),
            parse,
            detail=EINVOICE_HELP,
            act=lambda fmt: einvoices.export(actor, number, fmt),
        )
        self.app.call_from_thread(
            self.app.push_screen,
            prompt,
            lambda data: data is not None and self._ask_einvoice_path(number, data),
        )

    def _ask_einvoice_path(self, number: str, data: bytes) -> None:
        from ...render.files import write_atomically

        prompt = TextPrompt(
            f"Write the e-invoice {number} to",
            str(Path.cwd() / f"{number}.xml"),
            "file.xml",
            output_file,
            act=lambda path: write_atomically(data, path),
        )
        self.app.push_screen(
            prompt,
            lambda written: written is not None and self.notify(f"wrote {written}", title=number),
        )

    def action_mark_sent(self, number: str | None = None) -> None:
        number = number or self._summary().number
        actor = self.app.session.actor
        self.confirm(
            f"Mark {number} as sent?",
            "A sent invoice can no longer be changed or deleted; corrections are credit notes.",
            lambda: self.change(
                lambda: invoice_lifecycle.mark_sent(actor, number),
                f"{number} is sent",
                self._then_show("sent"),
            ),
        )

    def action_send_mail(self, number: str | None = None) -> None:
        self._prepare_mail(number or self._summary().number, False)

    def action_remind(self, number: str | None = None) -> None:
        self._prepare_mail(number or self._summary().number, True)

    @work(thread=True, exit_on_error=False, group="invoicing-mail")
    def _prepare_mail(self, number: str, reminder: bool) -> None:
        """The message as it would go, its PDF rendered here in the worker. An earlier
        attempt that arrived (or may have) is named before anything goes again."""
        from ...services import sending

        actor = self.app.session.actor
        with connection():
            try:
                draft, warning = sending.draft(actor, number, reminder=reminder), ""
            except Conflict as exc:
                draft = sending.draft(actor, number, reminder=reminder, resend=True)
                warning = f"Sending again: {exc}"
        self.app.call_from_thread(self._show_mail, draft, warning)

    def _show_mail(self, draft, warning: str) -> None:
        from ..modals.send_form import SendForm, SendRequest

        resend = bool(warning)
        if draft.kind == "send":
            self.app.push_screen(
                SendForm(draft, warning), lambda request: self._send(draft, request, resend)
            )
            return
        files = ", ".join(a.filename for a in draft.attachments)
        self.confirm(
            f"Send the {draft.what} of {draft.document.number}?",
            f"To {', '.join(draft.to + draft.cc)}: {draft.subject!r}, with {files} attached."
            + (f"\n\n{warning}" if warning else ""),
            lambda: self._send(draft, SendRequest(draft.to, draft.cc), resend),
        )

    def _send(self, draft, request, resend: bool) -> None:
        """Send in a worker: the outbox row first, then the SMTP conversation."""
        from dataclasses import replace

        from ...services import sending

        if request is None:
            return
        chosen = replace(draft, to=request.to, cc=request.cc)
        actor = self.app.session.actor
        self.change(
            lambda: sending.send(actor, chosen, sending.smtp_access(), resend=resend),
            lambda a: f"sent the {a.what} of {a.number} to {', '.join(a.recipients)}",
            self._then_show("sent") if draft.kind == "send" else None,
        )

    def action_delete(self, number: str | None = None) -> None:
        self._delete(number or self._summary().number)

    @work(thread=True, exit_on_error=False, group="invoicing-delete")
    def _delete(self, number: str) -> None:
        with connection():
            newest = register.is_newest(number)
        outcome = (
            f"{number} is the newest number of its month: the number is given back to the "
            "register, and the next document takes it."
            if newest
            else f"{number} is not the newest number of its month: it stays in the register "
            "as a void document, so the register keeps no gaps."
        )
        actor = self.app.session.actor
        self.app.call_from_thread(
            self.confirm,
            f"Delete {number}?",
            f"{outcome} {RELEASED}",
            lambda: self.change(
                lambda: invoice_lifecycle.delete(actor, number),
                lambda result: f"{number} " + ("deleted" if result[1] else "is void"),
            ),
        )

    def action_mark_paid(self, number: str | None = None) -> None:
        self._pay(number or self._summary().number)

    @work(thread=True, exit_on_error=False, group="invoicing-open")
    def _pay(self, number: str) -> None:
        """The form offers what is open now, read when it opens."""
        from ..modals.payment_form import PaymentForm

        actor = self.app.session.actor
        with connection():
            found = invoices.show(actor, number)
        form = PaymentForm(
            found,
            self.app.today,
            lambda payment: invoice_lifecycle.mark_paid(actor, number, payment[1], payment[0]),
        )
        self.app.call_from_thread(
            self.ask_and_do,
            form,
            lambda v: (
                f"{number} is paid"
                if v.status == "paid"
                else f"{number}: {v.paid} {v.currency} paid, {v.open} {v.currency} open"
            ),
            self._then_show("sent"),
        )

    def action_credit(self, number: str | None = None) -> None:
        self._credit(number or self._summary().number)

    @work(thread=True, exit_on_error=False, group="invoicing-open")
    def _credit(self, number: str) -> None:
        with connection():
            found = invoices.show(self.app.session.actor, number)
        self.app.call_from_thread(self.app.push_screen, CreditForm(found), self._issue_credit)

    def _issue_credit(self, request: CreditRequest | None) -> None:
        if request is None:
            return
        actor = self.app.session.actor
        self.change(
            lambda: corrections.credit(actor, request.number, request.lines, request.reason),
            lambda v: f"issued credit note {v.number} for {request.number}",
            self._then_show("to-send"),
        )

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.load()

    def action_filter(self) -> None:
        def chosen(wanted: SentFilter | None) -> None:
            if wanted is not None:
                self.sent_filter = wanted
                self.load()

        self.app.push_screen(
            SentFilterForm([c.name for c in self.clients], self.sent_filter), chosen
        )

    # Freeform

    def action_freeform(self, credit_note: bool) -> None:
        actor = self.app.session.actor

        def drafted(draft: FreeformDraft | None) -> None:
            if draft is not None:
                self.change(
                    lambda: corrections.freeform(
                        actor,
                        draft.client,
                        list(draft.lines),
                        draft.project,
                        credit_note=draft.credit_note,
                        reason=draft.reason,
                    ),
                    lambda v: f"created {v.number}: {v.total} {v.currency}",
                    self._then_show("to-send"),
                )

        self.freeform_form(credit_note, drafted)

    @work(thread=True, exit_on_error=False, group="invoicing-forms")
    def freeform_form(self, credit_note: bool, then: Callable[[FreeformDraft | None], None]):
        """The form offers every project: read when it opens, not with each load."""
        with connection():
            listed = projects.list_all(include_archived=False)
        form = FreeformForm(self.clients, listed, credit_note)
        self.app.call_from_thread(self.app.push_screen, form, then)


def _span(first, last) -> str:
    """``16–22 Nov``, ``9 Nov – 6 Dec``, ``28 Dec 2026 – 3 Jan 2027``: short and unambiguous."""
    if first.year != last.year:
        return f"{first:%d %b %Y} – {last:%d %b %Y}"
    if first.month != last.month:
        return f"{first:%d %b} – {last:%d %b}"
    return f"{first:%d}–{last:%d %b}"


def _kind(s: InvoiceSummary) -> str:
    return "credit note" if s.kind == "credit_note" else "invoice"
