"""The real ``tally`` in a real terminal: tmux runs it, sends keys and reads the screen back.

This is how a user over SSH meets the interface: a pseudo-terminal, escape sequences, the
installed console script and its start-up path. Each test starts its own tmux server
(``-L``, a unique socket) and kills it in ``finally``. tmux is required, not optional:
``make test`` installs it.
"""

from __future__ import annotations

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

from tallytui.domain.localtime import local_datetime
from tallytui.services import review
from tallytui.services.demo import write_demo
from tallytui.store.db import open_database
from tallytui.store.models import TimeEntry, User, db

NOW = "2026-11-20T10:00:00+01:00"  # Friday of ISO week 47
TZ = "Europe/Berlin"
TALLY = Path(sys.executable).with_name("tally")
TARGET = "Nordlicht Workshop"  # not among anna's projects in the demo's current week
DEADLINE_SECONDS = 20.0


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
            env=os.environ | {"LC_ALL": "C.UTF-8"},
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


def row_of(screen: str, clock: str) -> str:
    return next((line for line in screen.splitlines() if f" {clock} " in line), "")


def test_review_retag_and_lock_in_a_real_terminal(demo, tmp_path):
    tmux = tmux_binary()
    entry = first_session(demo)
    assert entry.project != TARGET
    clock = f"{local_datetime(entry.start_utc, TZ):%H:%M}"  # its row on the screen
    config = tmp_path / "tmux.conf"
    config.write_text("set -g remain-on-exit on\nset -g status off\n")
    environment = {
        "TALLY_NOW": NOW,
        "TALLY_USER": "anna",
        "TALLY_DB": str(demo),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no keymap of the developer's
    }
    tally = shlex.join(["env", *(f"{k}={v}" for k, v in environment.items()), str(TALLY)])
    # The shell reports the exit status on the screen: tmux itself may reap the process late.
    command = f'{tally}; echo "tally exited with status $?"'
    terminal = Terminal(tmux, config)
    try:
        terminal.start(command, 140, 36)
        terminal.wait_for("week 47", lambda s: "Week 47" in s and "2026-11-16" in s)

        terminal.send("[")
        terminal.wait_for("week 46", lambda s: "Week 46" in s and "2026-11-09" in s)
        terminal.send("]")
        terminal.wait_for(
            "week 47 again", lambda s: "Week 47" in s and entry.project in row_of(s, clock)
        )

        terminal.send("p")
        terminal.wait_for("the project picker", lambda s: "Move to project" in s)
        terminal.send("workshop", literal=True)
        terminal.wait_for(
            f"only {TARGET} in the picker", lambda s: TARGET in s and "Acme Support" not in s
        )
        terminal.send("Enter")
        terminal.wait_for(
            f"the session moved to {TARGET}",
            lambda s: "Move to project" not in s and TARGET in row_of(s, clock),
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
