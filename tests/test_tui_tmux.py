"""The real ``tally`` in a real terminal: tmux runs it, sends keys and reads the screen back.

This is how a user over SSH meets the interface: a pseudo-terminal, escape sequences, the
installed console script and its start-up path. Each test starts its own tmux server
(``-L``, a unique socket) and kills it in ``finally``. tmux is required, not optional:
``make test`` installs it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tallytui.services import review
from tallytui.services.demo import write_demo
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, User, db

NOW = "2026-11-20T10:00:00+01:00"  # Friday of ISO week 47
TALLY = Path(sys.executable).with_name("tally")
TARGET = "Nordlicht Workshop"  # not among anna's projects in the demo's current week
DEADLINE_SECONDS = 20.0
# The tmux server, and so tally, inherits this. COLUMNS and LINES would override the
# terminal's real size (pytest-xdist sets them to 80 and 24 in its workers).
TMUX_ENVIRONMENT = {
    k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")
} | {"LC_ALL": "C.UTF-8"}


def tmux_binary() -> str:
    found = shutil.which("tmux")
    if found is None:
        pytest.fail(
            "tmux is not installed: the end-to-end test runs the real `tally` in tmux. "
            "Install it (apt-get install tmux); `make test` does."
        )
    return found


class Terminal:
    """One tmux server with one session running one command, on a socket of its own."""

    def __init__(self, tmux: str, config: Path) -> None:
        self.tmux = tmux
        self.config = config
        self.name = f"tally-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def tmux_run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.name, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env=TMUX_ENVIRONMENT,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str, width: int, height: int) -> None:
        self.tmux_run(
            "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command
        )

    def send(self, *keys: str, literal: bool = False) -> None:
        self.tmux_run("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux_run("capture-pane", "-p", "-t", self.name)

    def wait_for(self, what: str, shown: Callable[[str], bool]) -> str:
        """Poll the screen until ``shown(screen)``; fail with the last screen at the deadline."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            text = self.screen()
            if shown(text):
                return text
            if time.monotonic() > deadline:
                size = self.tmux_run(
                    "display-message", "-p", "-t", self.name, "#{pane_width}x#{pane_height}"
                ).strip()
                raise AssertionError(f"the screen ({size}) never showed {what}:\n{text}")
            time.sleep(0.05)

    def kill(self) -> None:
        self.tmux_run("kill-server", check=False)


@pytest.fixture
def demo(tmp_path, monkeypatch) -> Path:
    """The demo database for anna under the frozen clock, closed for the app to open."""
    path = tmp_path / "tally.db"
    monkeypatch.setenv("TALLY_NOW", NOW)
    write_demo(str(path), admin="anna")
    db.close()
    return path


def first_session(path: Path):
    """anna's first session of the week the app opens on: where its cursor starts."""
    open_database(str(path))
    try:
        return review.week(date(2026, 11, 20), "anna").entries[0]
    finally:
        db.close()


def shown_outside_toast(screen: str, text: str) -> bool:
    """``text`` in the week's table or totals, not only in the "moved 1 to …" notification."""
    return any(text in line and "moved" not in line for line in screen.splitlines())


def tally_in_terminal(
    demo: Path, tmp_path: Path, user: str, width: int = 140, height: int = 36
) -> Terminal:
    """The real `tally` as ``user`` in a tmux pane of ``width`` × ``height``, started."""
    config = tmp_path / "tmux.conf"
    # All lines for the app, and that size from the first moment: a window that starts at
    # tmux's default 80x24 and is resized later can leave the app laid out for the old size.
    config.write_text(f"set -g status off\nset -g default-size {width}x{height}\n")
    environment = {
        "TALLY_NOW": NOW,
        "TALLY_USER": user,
        "TALLY_DB": str(demo),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no keymap of the developer's
        "HOME": str(tmp_path),  # nor their browsers' history, if capture starts
        # Textual reads the size from COLUMNS and LINES when they are set, and a test run
        # may have set them in this process (they would reach tally through tmux).
        "COLUMNS": str(width),
        "LINES": str(height),
    }
    tally = shlex.join(["env", *(f"{k}={v}" for k, v in environment.items()), str(TALLY)])
    # The shell shows the exit status and keeps the pane open to read it (and a traceback,
    # if any): tmux's own pane_dead_status can lag seconds behind when the machine is busy.
    command = f'{tally}; echo "tally exited with status $?"; sleep {DEADLINE_SECONDS * 3}'
    terminal = Terminal(tmux_binary(), config)
    terminal.start(command, width, height)
    return terminal


def test_an_unknown_user_gets_the_terminal_back_with_one_error_line(demo, tmp_path):
    """The database is opened after the first frame: the refusal closes the interface,
    and the shell shows the error and the exit status."""
    terminal = tally_in_terminal(demo, tmp_path, "ghost")
    try:
        screen = terminal.wait_for("tally's exit", lambda s: "tally exited with status" in s)
    finally:
        terminal.kill()
    lines = [line for line in screen.splitlines() if line.strip()]
    assert lines[0].startswith("error: unknown user 'ghost'"), screen
    assert lines[1:] == ["tally exited with status 1"], screen


def test_quitting_while_capture_runs_gives_the_terminal_back(demo, tmp_path):
    """Capture runs in a thread of the interface: quitting stops it, or the shell would
    wait for it after the interface has closed."""
    terminal = tally_in_terminal(demo, tmp_path, "anna")
    try:
        terminal.wait_for("week 47", lambda s: "Week 47" in s)
        terminal.send("F4")
        terminal.wait_for("the capture area", lambda s: "Capture stopped" in s)
        terminal.send("c")
        terminal.wait_for("capture running", lambda s: "capture on" in s and "running" in s)
        terminal.send("C-q")
        screen = terminal.wait_for("tally's exit", lambda s: "tally exited with status" in s)
        assert "tally exited with status 0" in screen, screen
    finally:
        terminal.kill()


def test_review_retag_and_lock_in_a_real_terminal(demo, tmp_path):
    entry = first_session(demo)
    assert entry.project != TARGET
    terminal = tally_in_terminal(demo, tmp_path, "anna")
    try:
        terminal.wait_for("week 47", lambda s: "Week 47" in s and "2026-11-16" in s)

        terminal.send("[")
        terminal.wait_for("week 46", lambda s: "Week 46" in s and "2026-11-09" in s)
        terminal.send("]")
        terminal.wait_for("week 47 again", lambda s: "Week 47" in s and "2026-11-16" in s)

        terminal.send("p")
        terminal.wait_for("the project picker", lambda s: "Move to project" in s)
        terminal.send("workshop", literal=True)
        terminal.wait_for(
            f"only {TARGET} in the picker", lambda s: TARGET in s and "Acme Support" not in s
        )
        terminal.send("Enter")
        terminal.wait_for(
            f"the session moved to {TARGET}",
            lambda s: "Move to project" not in s and shown_outside_toast(s, TARGET),
        )

        terminal.send("L")
        terminal.wait_for(
            "the lock question", lambda s: "Lock your timesheet up to Sun 2026-11-22?" in s
        )
        terminal.send("y")
        terminal.wait_for("the lock in the status line", lambda s: "locked until 2026-11-22" in s)

        terminal.send("C-q")
        screen = terminal.wait_for("tally's exit", lambda s: "tally exited with status" in s)
        assert "tally exited with status 0" in screen, screen
    finally:
        terminal.kill()

    open_database(str(demo))
    try:
        # a retag replaces the row (that is what undo restores): find it by its time
        anna = User.get(User.name == "anna")
        [moved] = TimeEntry.select().where(
            TimeEntry.user == anna, TimeEntry.start_utc == entry.start_utc
        )
        assert (moved.project.name, moved.end_utc, moved.description) == (
            TARGET,
            entry.end_utc,
            entry.description,
        )
        assert anna.locked_until == date(2026, 11, 22)  # the Sunday of week 47
    finally:
        db.close()


def test_a_document_sent_from_another_shell_leaves_the_open_ready_to_send(demo, tmp_path):
    """The stale-screen case end to end: the interface shows Ready to send, the CLI marks
    its document sent in a second window, and the open screen follows by itself."""
    env = {**os.environ, "TALLY_DB": str(demo), "TALLY_USER": "anna"}
    listed = subprocess.run(
        [str(TALLY), "invoice", "list", "--status", "ready", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    [ready] = [document["number"] for document in json.loads(listed.stdout)]
    terminal = tally_in_terminal(demo, tmp_path, "anna")
    try:
        terminal.wait_for("week 47", lambda s: "Week 47" in s)
        terminal.send("F5")
        terminal.wait_for("the invoicing area", lambda s: "Ready to send (1)" in s)
        terminal.send("4")
        terminal.wait_for(f"{ready} ready to send", lambda s: ready in s)
        mark_sent = shlex.join(
            ["env", f"TALLY_DB={demo}", f"TALLY_NOW={NOW}", "TALLY_USER=anna", str(TALLY)]
            + ["invoice", "mark-sent", ready]
        )
        terminal.tmux_run("new-window", "-d", f"{mark_sent}; sleep {DEADLINE_SECONDS}")
        screen = terminal.wait_for(
            "Ready to send emptied without a key",
            lambda s: "Ready to send (0)" in s and ready not in s,
        )
        assert "Sent (" in screen
    finally:
        terminal.kill()


def _header(screen: str, first: str) -> list[str]:
    """The column labels of the table whose header starts with ``first``."""
    line = next(line for line in screen.splitlines() if line.split()[:1] == [first])
    return line.split()


def test_80x24_shows_hours_amounts_and_tells_projects_apart(demo, tmp_path):
    """Over an 80×24 SSH session the review and Ready for invoicing show their hours,
    money and states, and the two Alpenblick projects are told apart."""
    terminal = tally_in_terminal(demo, tmp_path, "anna", 80, 24)
    try:
        # The first frame may still carry a scrollbar the fitted columns then make unneeded.
        review = terminal.wait_for(
            "week 47 fitted", lambda s: "Week 47" in s and "Mon 16" in s and "Alpenblick Ac" in s
        )
        assert _header(review, "Day")[:5] == ["Day", "Start", "End", "Hours", "Project"]
        assert {"Bill", "State"} <= set(_header(review, "Day")), review
        assert "Alpenblick Ta" in review and "Alpenblick Ac" in review, review
        assert "Alpenb…" not in review and "0.65" in review and "open" in review, review

        terminal.send("F5")
        terminal.wait_for("the invoicing area", lambda s: "Missing data" in s)
        terminal.send("3")
        ready = terminal.wait_for("Ready for invoicing", lambda s: "Amount" in s)
        assert {"Project", "Client", "Period", "Hours", "Amount"} <= set(_header(ready, "Project"))
        assert "13.50" in ready and "1080.00 EUR" in ready, ready
        assert all(len(line) <= 80 for line in ready.splitlines())
        terminal.send("C-q")
        terminal.wait_for("tally's exit", lambda s: "tally exited with status" in s)
    finally:
        terminal.kill()


def test_t_starts_a_timer_that_tally_status_sees_and_stops_it(demo, tmp_path):
    """``T`` in the real terminal starts a timer on the session under the cursor; the
    status line names it, and ``tally status`` in another shell reads the same timer."""
    project = first_session(demo).project
    env = {**os.environ, "TALLY_DB": str(demo), "TALLY_USER": "anna", "TALLY_NOW": NOW}
    terminal = tally_in_terminal(demo, tmp_path, "anna")
    try:
        terminal.wait_for("week 47", lambda s: "Week 47" in s)
        terminal.send("T")
        terminal.wait_for("the timer in the status line", lambda s: f"timer {project} 0:00" in s)
        status = subprocess.run(
            [str(TALLY), "status"], capture_output=True, text=True, env=env, check=True
        )
        assert status.stdout == f"{project} 0:00 since 10:00\n"
        terminal.send("T")
        terminal.wait_for("the timer gone", lambda s: f"timer {project}" not in s)
    finally:
        terminal.kill()


def test_the_palette_opens_the_reports_area_by_name_at_80x24(demo, tmp_path):
    """ctrl+p, "reports", enter: the Reports area shows its weekly chart, and t its numbers,
    within 80 columns."""
    terminal = tally_in_terminal(demo, tmp_path, "anna", 80, 24)
    try:
        terminal.wait_for("week 47", lambda s: "Week 47" in s)
        terminal.send("C-p")
        terminal.wait_for("the command palette", lambda s: "area: Invoicing" in s)
        terminal.send("reports", literal=True)
        terminal.wait_for("the area found", lambda s: "area: Reports" in s)
        terminal.send("Enter")
        chart = terminal.wait_for(
            "the weekly chart", lambda s: "Hours per week by client" in s and "11-16" in s
        )
        assert "Helvetia Versicherungen AG" in chart, chart
        terminal.send("t")
        table = terminal.wait_for("its numbers", lambda s: "Billable h" in s)
        assert _header(table, "Week") == ["Week", "Client", "Hours", "Billable", "h"], table
        assert all(len(line) <= 80 for line in table.splitlines())
        terminal.send("C-q")
        terminal.wait_for("tally's exit", lambda s: "tally exited with status" in s)
    finally:
        terminal.kill()
