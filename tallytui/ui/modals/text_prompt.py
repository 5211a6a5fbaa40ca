"""One line of text, read into a value before the prompt closes."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label
from textual.worker import Worker, WorkerState

from ...domain.errors import InvalidInput

# Reads the typed text into the value the prompt returns; says what is wrong by raising.
Parse = Callable[[str], object]
# Does what the prompt asks with that value (in a thread, with a connection) and returns
# the result the prompt closes with; a refusal it raises keeps the prompt open.
Act = Callable[[object], object]


class TextPrompt(ModalScreen[object | None]):
    """Returns what ``parse`` made of the text (the text itself without one), or None when
    cancelled; a text it refuses keeps the prompt open with the reason. Given ``act``, the
    prompt also does the change and returns its result: a refusal of the service shows
    next to the text as typed, and only success closes the prompt. The title, the detail
    and the reason are plain text: they quote what was typed."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        placeholder: str = "",
        parse: Parse | None = None,
        detail: str = "",
        act: Act | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.value = value
        self.placeholder = placeholder
        self.parse = parse
        self.act = act
        self.busy = False  # a second enter while the change runs does it once

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body", can_focus=False):
                if self.detail:
                    yield Label(self.detail, classes="dialog-detail", markup=False)
                yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            with Vertical(classes="dialog-footer"):
                yield Label("", id="prompt-error", classes="dialog-error", markup=False)
                yield Label("[b]enter[/b] save   [b]esc[/b] cancel", classes="dialog-keys")

    def refuse(self, reason: str) -> None:
        self.busy = False
        self.query_one("#prompt-error", Label).update(reason)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if self.busy:
            return
        try:
            value = self.parse(event.value) if self.parse else event.value
        except InvalidInput as problem:
            self.refuse(str(problem))
            return
        if self.act is None:
            self.dismiss(value)
            return
        self.busy = True
        self.query_one("#prompt-error", Label).update("")
        self.run_act(value)

    @work(thread=True, exit_on_error=False, group="prompt-act")
    def run_act(self, value: object) -> None:
        from ..screens.base import connection

        with connection():
            result = self.act(value)
        self.app.call_from_thread(self.dismiss, result)

    @on(Worker.StateChanged)
    def act_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.refuse(str(event.worker.error))

    def action_cancel(self) -> None:
        if not self.busy:  # a change under way ends in its result or its refusal
            self.dismiss(None)
