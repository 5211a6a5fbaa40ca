"""Choose a project by typing part of its or its client's name."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


class ProjectPicker(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
    ]

    def __init__(self, projects: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.projects = list(projects)  # (project, client)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Move to project", classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Input(placeholder="type to filter", id="picker-filter")
                yield OptionList(id="picker-options")
            with Vertical(classes="dialog-footer"):
                yield Label("[b]enter[/b] choose   [b]esc[/b] cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, text: str) -> None:
        """Names go into the option markup as variables, so they stay plain text."""
        needle = text.casefold()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(
                Content.from_markup("$project  [dim]$client[/dim]", project=project, client=client),
                id=project,
            )
            for project, client in self.projects
            if needle in project.casefold() or needle in client.casefold()
        )
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed)
    def filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def choose_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = (current + step) % options.option_count

    def action_cancel(self) -> None:
        self.dismiss(None)
