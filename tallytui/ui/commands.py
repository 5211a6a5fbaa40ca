"""The command palette opens an area by name, runs an action of the area it was opened on,
and jumps to a client, project, week, person's week or invoice number."""

from __future__ import annotations

from contextlib import suppress
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from ..domain.errors import InvalidInput, PermissionDenied
from ..domain.localtime import parse_date
from .screens.base import connection


class PaletteCommands(Provider):
    """The palette's one provider, so that what it lists comes in the same order every
    time (providers answer concurrently, in whichever order they finish):

    - every area (the app's keys that switch mode) and the actions the area shows in its
      footer, each with its key: read from the bindings, so a key added to an area later
      shows here without a change;
    - Textual's own commands (theme, screenshot, quit) that no binding names already;
    - the clients, projects, weeks, people's weeks and invoice numbers to jump to.
    """

    async def startup(self) -> None:
        worker = self.app.run_worker(partial(self._targets, self.app.session.actor), thread=True)
        self.targets = await worker.wait()

    def _commands(self) -> list[tuple[str, str, object]]:
        found: dict[str, tuple[str, str, object]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.action in found or not active.enabled or not binding.description:
                continue
            key = self.app.get_key_display(binding)
            run = partial(self.app.run_action, binding.action, active.node)
            if binding.action.startswith("switch_mode("):
                found[binding.action] = (f"area: {binding.description}", key, run)
            elif binding.show and binding.action != "command_palette":
                found[binding.action] = (binding.description, key, run)
        return sorted(found.values(), key=lambda c: (not c[0].startswith("area:"), c[0]))

    def _system(self) -> list[tuple[str, str, object]]:
        named = {label for label, _, _ in self._commands()}
        return [
            (command.title, command.help, command.callback)
            for command in self.app.get_system_commands(self.screen)
            if command.title not in named
        ]

    @staticmethod
    def _targets(actor: str) -> list[tuple[str, str, str]]:
        """Projects, clients and, for those who may see them, invoices and other
        people's weeks."""
        from ..services import approvals, clients, invoices, projects

        with connection():
            found = [
                ("project", p.name, f"{p.name} ({p.client})")
                for p in projects.list_all(include_archived=False)
            ]
            found += [("client", c.name, c.name) for c in clients.list_all(False)]
            found += [
                (
                    "person",
                    p.name,
                    f"week of {p.name} ({p.role}{'' if p.editable else ', read-only'})",
                )
                for p in approvals.reviewable(actor)
                if p.name != actor
            ]
            with suppress(PermissionDenied):
                found += [
                    ("invoice", i.number, f"{i.number} {i.client} {i.total} {i.currency}")
                    for i in invoices.list_invoices(actor)
                ]
        return found

    def _open(self, kind: str, name: str) -> None:
        if kind == "invoice":
            self.app.switch_mode("invoicing")
            self.app.screen.open_number(name)
        elif kind == "person":
            self.app.switch_mode("review")
            self.app.screen.open_person(name)
        else:
            self.app.switch_mode("projects")
            self.app.screen.focus_name(name)

    def _week(self, day) -> None:
        self.app.switch_mode("review")
        screen = self.app.screen
        screen.day = day
        screen.load()

    async def discover(self) -> Hits:
        for label, key, run in self._commands():
            yield DiscoveryHit(Content(f"{label}  {key}"), run)
        for title, help_text, run in self._system():
            yield DiscoveryHit(title, run, help=help_text)
        for kind, name, label in self.targets[:20]:
            yield DiscoveryHit(Content(f"{kind}: {label}"), partial(self._open, kind, name))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, key, run in self._commands():
            score = matcher.match(label)
            if score > 0:
                # An area or an action named by what was typed comes before the records
                # whose text merely contains it ("invoicing" before each invoice).
                yield Hit(score * 2, _highlight(matcher, f"{label}  {key}"), run)
        for title, help_text, run in self._system():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlight(matcher, title), run, help=help_text)
        try:
            day = parse_date(query.strip(), "week")
            yield Hit(1.0, f"week of {day}", partial(self._week, day), help="open the week")
        except InvalidInput:
            pass
        for kind, name, label in self.targets:
            score = matcher.match(f"{kind} {label}")
            if score > 0:
                yield Hit(
                    score,
                    _highlight(matcher, f"{kind}: {label}"),
                    partial(self._open, kind, name),
                )


def _highlight(matcher: Matcher, text: str) -> Content:
    """``text`` with the typed letters marked. Matcher.highlight would read it as markup,
    and names are plain text."""
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    shown = Content(text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            shown = shown.stylize(matcher.match_style, offset, offset + 1)
    return shown
