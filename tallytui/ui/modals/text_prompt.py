"""One line of text, read into a value before the prompt closes."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ...domain.errors import InvalidInput

# Reads the typed text into the value the prompt returns; says what is wrong by raising.
Parse = Callable[[str], object]


class TextPrompt(ModalScreen[object | None]):
    """Returns what ``parse`` made of the text (the text itself without one), or None when
    cancelled; a text it refuses keeps the prompt open with the reason. The title and the
    reason are plain text: they quote what was typed."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self, title: str, value: str = "", placeholder: str = "", parse: Parse | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.parse = parse

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="prompt-error", classes="dialog-error", markup=False)
                yield Label("[b]enter[/b] save   [b]esc[/b] cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        try:
            value = self.parse(event.value) if self.parse else event.value
        except InvalidInput as problem:
            self.query_one("#prompt-error", Label).update(str(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
