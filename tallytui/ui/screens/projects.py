"""Clients and projects: list them, add them, and change what billing needs by key."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Label

from ...domain.errors import InvalidInput
from ...domain.schedule import parse_schedule
from ...services import clients, org, projects, users
from ...services.projects import ProjectChanges
from ...services.views import ClientView, OrgView, ProjectView
from ..modals.client_form import ClientForm, edit_client
from ..modals.org_form import edit_org
from ..modals.project_form import ProjectForm
from ..widgets.key_footer import KeyFooter
from ..widgets.plain_table import NAME, TEXT, Column, PlainTable
from ..widgets.status_line import StatusLine
from .base import AreaScreen, connection


def one_line_address(client: ClientView) -> str:
    """The structured address when it has parts, else the text typed before they existed."""
    parts = [client.street, f"{client.postcode} {client.city}".strip(), client.country]
    if any(parts):
        return ", ".join(part for part in parts if part)
    return client.address.replace("\n", ", ")


class ProjectsScreen(AreaScreen):
    BINDINGS = [
        Binding("c", "new_client", "New client", id="projects.new_client"),
        Binding("E", "edit_client", "Edit client", id="projects.edit_client"),
        Binding("O", "edit_org", "Organisation", id="projects.edit_org"),
        Binding("n", "new_project", "New project", id="projects.new_project"),
        Binding("e", "edit_project", "Edit project", id="projects.edit_project"),
        Binding("w", "watch", "Watch folder", id="projects.watch"),
        Binding("U", "url", "URL pattern", id="projects.url"),
    ]

    project: reactive[ProjectView | None] = reactive(None, bindings=True)

    @dataclass
    class Loaded(Message):
        clients: list[ClientView]
        projects: list[ProjectView]
        people: list[str]
        organisation: OrgView

    def compose(self) -> ComposeResult:
        yield Label("Clients & projects", id="title")
        yield StatusLine()
        with Vertical(id="lists"):
            yield Label("Projects", classes="section")
            yield PlainTable(id="project-table", cursor_type="row", zebra_stripes=True)
            yield Label("Clients", classes="section")
            yield PlainTable(id="client-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#project-table", DataTable).add_columns(
            Column("Project", NAME),
            Column("Client", NAME, least=12),
            "Rate",
            "Billable",
            "Schedule",
            Column("Approval", NAME, least=8),
            Column("Watching", TEXT, least=0),  # also on the capture screen (F4)
            Column("URLs", TEXT, least=0),
        )
        self.query_one("#client-table", DataTable).add_columns(
            Column("Client", NAME),
            "Currency",
            "Terms",
            "Tax",
            Column("E-mail", TEXT),
            Column("VAT id", TEXT),
            Column("Address", TEXT),
        )
        self.projects: list[ProjectView] = []
        self.clients: list[ClientView] = []
        self.people: list[str] = []
        self.currency = "EUR"
        self.organisation: OrgView | None = None

    @work(thread=True, exclusive=True, exit_on_error=False, group="projects-load")
    def load(self) -> None:
        with connection():
            self.post_message(
                self.Loaded(
                    clients.list_all(),
                    projects.list_all(),
                    [u.name for u in users.list_all()],
                    org.current(),
                )
            )

    @on(Loaded)
    def show(self, event: Loaded) -> None:
        self.projects = event.projects
        self.clients, self.people = event.clients, event.people
        self.organisation = event.organisation
        self.currency = event.organisation.currency
        self.refresh_bindings()  # O applies once the organisation is read
        table = self.query_one("#project-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for p in event.projects:
            table.add_row(
                p.name,
                p.client,
                f"{p.rate} {p.currency}" if p.rate is not None else "no rate",
                "yes" if p.billable else "no",
                parse_schedule(p.schedule).describe(),
                (p.approver or p.owner or "approves itself") if p.approval_required else "-",
                ", ".join(p.watch) or "-",
                ", ".join(p.urls) or "-",
                key=p.name,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        people = self.query_one("#client-table", DataTable)
        people.clear()
        for c in event.clients:
            people.add_row(
                c.name,
                c.currency,
                f"{c.payment_terms_days} d",
                f"{c.tax_rate}%" if c.vat == "standard" else c.vat,
                c.email,
                c.vat_id,
                one_line_address(c) or "missing",
                key=c.name,
            )
        self._follow()

    @on(DataTable.RowHighlighted, "#project-table")
    def _follow(self, _event=None) -> None:
        table = self.query_one("#project-table", DataTable)
        index = table.cursor_row if table.row_count else None
        self.project = self.projects[index] if index is not None and self.projects else None

    def focus_name(self, name: str) -> None:
        for table in self.query(DataTable):
            if name in table.rows:
                table.focus()
                table.move_cursor(row=table.get_row_index(name))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("edit_project", "watch", "url") and self.project is None:
            return None
        if action == "edit_org" and self.organisation is None:
            return None
        return True

    def _client(self) -> ClientView | None:
        """The highlighted client, or the client of the highlighted project."""
        table = self.query_one("#client-table", DataTable)
        if table.has_focus and table.row_count:
            return self.clients[table.cursor_row]
        name = self.project.client if self.project else None
        return next((c for c in self.clients if c.name == name), None)

    def action_new_client(self) -> None:
        def saved(changes) -> None:
            if changes is not None:
                self.change(
                    lambda: clients.add(self.app.session.actor, changes),
                    f"added client {changes.name}",
                )

        self.app.push_screen(ClientForm(currency=self.currency), saved)

    def action_edit_client(self) -> None:
        current = self._client()
        if current is None:
            return
        edit_client(self, current)

    def action_edit_org(self) -> None:
        edit_org(self, self.organisation)

    def _project_form(self, current: ProjectView | None) -> None:
        names = [c.name for c in self.clients]

        def saved(changes) -> None:
            if changes is None:
                return
            if current is None:
                self.change(
                    lambda: projects.add(self.app.session.actor, changes),
                    f"added project {changes.name}",
                )
            else:
                self.change(
                    lambda: projects.update(self.app.session.actor, current.name, changes),
                    f"saved project {changes.name}",
                )

        self.app.push_screen(ProjectForm(names, self.people, current), saved)

    def action_new_project(self) -> None:
        self._project_form(None)

    def action_edit_project(self) -> None:
        self._project_form(self.project)

    def action_watch(self) -> None:
        name = self.project.name

        def parse(text: str) -> str:
            if not text.strip():
                raise InvalidInput("watch: give a folder")
            return text.strip()

        self.ask(
            f"Watch a folder for {name}",
            "",
            "~/src/project",
            parse,
            lambda text: self.change(
                lambda: projects.update(
                    self.app.session.actor, name, ProjectChanges(watch=(text,))
                ),
                f"{name} watches {text}",
            ),
        )

    def action_url(self) -> None:
        name = self.project.name
        self.ask(
            f"URL pattern for {name}",
            "",
            "github.com/acme/*",
            None,
            lambda text: self.change(
                lambda: projects.update(self.app.session.actor, name, ProjectChanges(urls=(text,))),
                f"{name} matches {text}",
            ),
        )
