"""The e-mail of a document before it goes: recipients (editable), subject, body and
attachments, exactly as they will be sent. Sending is the caller's, in a worker."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ...domain.errors import TallyError
from ...mail.addresses import parse_list
from ...services.sending import Draft


@dataclass(frozen=True)
class SendRequest:
    to: tuple[str, ...]
    cc: tuple[str, ...]


def _size(data: bytes) -> str:
    return f"{len(data) / 1024:.0f} KB" if len(data) >= 1024 else f"{len(data)} bytes"


class SendForm(ModalScreen[SendRequest | None]):
    """``warning`` says why sending again needs care (an earlier attempt arrived or may
    have); sending from this form then is that deliberate resend."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="send.cancel"),
        Binding("ctrl+s", "send", "Send", id="send.send"),
    ]

    def __init__(self, draft: Draft, warning: str = "") -> None:
        super().__init__()
        self.draft = draft
        self.warning = warning

    def compose(self) -> ComposeResult:
        d = self.draft
        what = "Send" if d.kind == "send" else f"Send the {d.what} of"
        with Vertical(classes="dialog wider"):
            yield Label(
                f"{what} {d.document.number} ({d.document.client})",
                classes="dialog-title",
                markup=False,
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                if self.warning:
                    yield Label(
                        self.warning, id="send-warning", classes="dialog-error", markup=False
                    )
                yield Label("To (comma-separated)", classes="dialog-detail")
                yield Input(", ".join(d.to), id="send-to")
                yield Label("Cc", classes="dialog-detail")
                yield Input(", ".join(d.cc), id="send-cc", placeholder="none")
                yield Label(f"From: {d.sender_name} <{d.sender}>", markup=False)
                yield Label(f"Subject: {d.subject}", id="send-subject", markup=False)
                yield Label(d.body, id="send-body", classes="dialog-detail", markup=False)
                yield Label(
                    "Attachments: "
                    + ", ".join(f"{a.filename} ({_size(a.data)})" for a in d.attachments),
                    id="send-attachments",
                    markup=False,
                )
            with Vertical(classes="dialog-footer"):
                yield Label("", id="form-error", classes="dialog-error", markup=False)
                yield Label("[b]ctrl+s[/b] send   [b]esc[/b] cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def action_send(self) -> None:
        error = self.query_one("#form-error", Label)
        try:
            to = parse_list(self.query_one("#send-to", Input).value, "To")
            cc = parse_list(self.query_one("#send-cc", Input).value, "Cc")
        except TallyError as exc:
            error.update(str(exc))
            return
        if not to:
            error.update("To: name at least one recipient")
            return
        self.dismiss(SendRequest(tuple(to), tuple(cc)))

    def action_cancel(self) -> None:
        self.dismiss(None)
