"""The interface following changes made elsewhere: what its poll costs while idle.

The real interface runs headless as a child process on the demo database, as ``tally``
starts it, and sits idle; its CPU time is read from ``/proc`` (Linux only) as the capture
benchmark reads it. The same run measures it once with the change watcher on and once with
it off (the baseline): the difference is what following changes costs, as a percentage of
one core. One ``PRAGMA data_version`` is also timed in-process, the work of one poll.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from .capture import _cpu_seconds, _verdict
from .core import _AMBIENT, Measurement, group, tally

SETTLE_SECONDS = 8.0  # start, open the database, load the first area
IDLE_SECONDS = 30.0  # as the capture benchmark's idle window
MAX_POLL_CPU_PERCENT = 1.0
NOW = "2026-11-20T10:00:00+01:00"

# The interface without a terminal; "off" stops the watcher from starting.
_HEADLESS = """
import sys
from functools import partialmethod
from textual.app import App
App.run = partialmethod(App.run, headless=True, size=(120, 36))
if sys.argv.pop() == "off":
    from tallytui.ui.app import TallyApp
    TallyApp.follow_changes = lambda self: None
from tallytui.cli import main
main()
"""


def _idle_cpu_seconds(env: dict[str, str], watcher: str) -> float:
    """CPU seconds the idle interface used over ``IDLE_SECONDS``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HEADLESS, watcher],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(SETTLE_SECONDS)
        if proc.poll() is not None:
            raise RuntimeError(f"the interface exited: {proc.stderr.read().decode()}")
        before = _cpu_seconds(proc.pid)
        time.sleep(IDLE_SECONDS)
        return _cpu_seconds(proc.pid) - before
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _poll_us(path: Path, polls: int = 20_000) -> float:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)) as db:
        started = time.perf_counter()
        for _ in range(polls):
            db.execute("PRAGMA data_version").fetchone()
        return (time.perf_counter() - started) / polls * 1e6


@group("live")
def live(runs: int) -> list[Measurement]:
    """The interface idle, following changes (poll on) against the poll off: CPU."""
    del runs  # one idle window each; the watcher's cost is far below run-to-run noise
    from tallytui.ui.watch import POLL_EVERY

    with tempfile.TemporaryDirectory(prefix="tally-live-bench-") as temp:
        path = Path(temp) / "tally.db"
        env = {k: v for k, v in os.environ.items() if k not in _AMBIENT}
        env |= {"TALLY_DB": str(path), "TALLY_USER": "anna", "TALLY_NOW": NOW}
        subprocess.run(tally("demo", "--db", str(path)), env=env, check=True, capture_output=True)
        off = _idle_cpu_seconds(env, "off")
        on = _idle_cpu_seconds(env, "on")
        poll_us = _poll_us(path)
    cost = 100 * (on - off) / IDLE_SECONDS
    tick = 1 / os.sysconf("SC_CLK_TCK")  # /proc counts CPU time in clock ticks
    print(
        f"  live idle CPU: {100 * on / IDLE_SECONDS:.2f} % of one core following changes, "
        f"{100 * off / IDLE_SECONDS:.2f} % with the poll off, over {IDLE_SECONDS:g} s each"
    )
    print(
        f"  live poll cost: {cost:.2f} % of one core (target < {MAX_POLL_CPU_PERCENT:g} %, "
        f"within target: {_verdict(cost < MAX_POLL_CPU_PERCENT)}); one PRAGMA data_version "
        f"{poll_us:.1f} µs, {100 * poll_us / 1e6 / POLL_EVERY:.4f} % of a core at one poll "
        f"every {POLL_EVERY:g} s"
    )
    if off < tick:
        print(f"  live: with the poll off the interface used under one clock tick ({tick:g} s)")
    return [
        Measurement(
            f"live: CPU ms over {IDLE_SECONDS:g} s idle, poll on (baseline: off, >= 1 tick)",
            on * 1000,
            max(off, tick) * 1000,
            max_ms=off * 1000 + MAX_POLL_CPU_PERCENT / 100 * IDLE_SECONDS * 1000,
        )
    ]
