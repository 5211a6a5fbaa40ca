"""A prompt for an export whose refusal can run to many lines: every piece an e-invoice
format lacks, each with the command that fills it."""

from __future__ import annotations

from textual.widgets import Label

from .text_prompt import TextPrompt


class ExportPrompt(TextPrompt):
    """A wide :class:`TextPrompt` whose refusal shows under the input, in the dialog's
    scrolling body: a long list stays readable and the input stays in sight."""

    def on_mount(self) -> None:
        self.query_one(".dialog").add_class("wide")
        reason = Label("", id="prompt-reason", classes="dialog-error", markup=False)
        self.query_one(".dialog-body").mount(reason)

    def refuse(self, reason: str) -> None:
        self.busy = False
        self.query_one("#prompt-reason", Label).update(reason)
