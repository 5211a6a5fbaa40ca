"""Capture status: whether capture runs, what it watches, what it last saw, and warnings."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, RichLog, Static
from textual.worker import Worker

from ...domain.localtime import format_utc
from ...services import capture, capture_run
from ...services.capture import CaptureStatus
from ..messages import DataChanged
from ..widgets.key_footer import KeyFooter
from ..widgets.status_line import StatusLine
from .base import AreaScreen, connection


class CaptureScreen(AreaScreen):
    BINDINGS = [Binding("c", "toggle_capture", "Start/stop capture", id="capture.toggle")]

    @dataclass
    class Loaded(Message):
        state: CaptureStatus

    @dataclass
    class Report(Message):
        line: str

    def compose(self) -> ComposeResult:
        yield Label("Capture", id="title")
        yield StatusLine()
        with VerticalScroll(id="capture-body"):
            yield Static("", id="capture-state")
            yield Label("Log", classes="section")
            yield RichLog(id="capture-log", max_lines=500, markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.stop = threading.Event()
        self.capture_worker: Worker | None = None

    def on_unmount(self) -> None:
        """Quitting stops capture: its thread would keep the process, and the user's
        shell, waiting after the interface has closed."""
        self.stop.set()

    def on_screen_resume(self) -> None:
        """Always: capture writes heartbeats without telling the interface."""
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-load")
    def load(self) -> None:
        with connection():
            self.post_message(self.Loaded(capture.status()))

    @on(Loaded)
    def show(self, event: Loaded) -> None:
        """Names and paths go into the markup as variables: shown exactly as typed."""
        state = event.state
        last = format_utc(state.last_heartbeat) if state.last_heartbeat else "none yet"
        lines = [
            f"[b]Capture[/b] {'running' if self.app.capture_running else 'stopped'}",
            f"Last heartbeat: {last}",
            f"URL patterns: {state.url_patterns}",
            "",
            "[b]Watched folders[/b]",
        ]
        for folder in state.folders:
            warning = "" if folder.exists else "  [b]missing[/b]"
            lines.append(
                Content.from_markup(
                    "$project  $path" + warning, project=folder.project, path=folder.path
                )
            )
        if not state.folders:
            lines.append("none: add one with w on the Clients & projects screen (F3)")
        shown = Content("\n").join(Content.from_markup(line) for line in lines)
        self.query_one("#capture-state", Static).update(shown)

    @on(Report)
    def reported(self, event: Report) -> None:
        self.query_one(RichLog).write(event.line)
        self.app.post_message(DataChanged("capture"))

    def action_toggle_capture(self) -> None:
        if self.app.capture_running:
            self.stop.set()
            self.app.capture_running = False
            self.load()
            return
        self.stop = threading.Event()
        self.app.capture_running = True
        self.capture_worker = self.run_capture(self.stop)
        self.load()

    @work(thread=True, exit_on_error=False, group="capture-run")
    def run_capture(self, stop: threading.Event) -> None:
        with connection():
            capture_run.run(
                self.app.session.actor, stop, lambda line: self.post_message(self.Report(line))
            )

    @on(Worker.StateChanged)
    def capture_ended(self, event: Worker.StateChanged) -> None:
        """Capture that ends by itself (a failure) is off too, here and in every area."""
        if event.worker is self.capture_worker and event.worker.is_finished:
            self.app.capture_running = False
            self.load()
