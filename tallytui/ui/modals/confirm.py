"""Yes or no, with the consequence spelled out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label


class Confirm(ModalScreen[bool]):
    """The question and its detail are plain text: they name things as typed."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                if self.detail:
                    yield Label(self.detail, classes="dialog-detail", markup=False)
            with Vertical(classes="dialog-footer"):
                yield Label("[b]y[/b] yes   [b]n[/b] no", classes="dialog-keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
