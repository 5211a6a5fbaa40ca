"""The terminal interface: time to first paint, and how fast the review switches weeks.

- first paint: the time from starting a fresh process that runs the real ``tally`` (its
  console entry point and start-up path) with Textual's headless driver until its first
  frame has painted, on an empty organisation and on the five-year history; an empty
  Textual app (one Label) started the same way, until it has painted, is the floor.
  The process reports the instant of the paint on the system-wide monotonic clock, so
  the figure is the paint and not the exit that follows;
- week shown: the same, until the review has loaded its week (the database is opened
  after the first frame) and painted it; the five-year history against the empty
  organisation, and the empty organisation beside the floor;
- week switch: in one process, through Pilot, the time from pressing ``]`` until the next
  week is loaded and the screen has been refreshed with it, on the five-year history;
- invoicing: in one process, the time from pressing F5 until the invoicing area has loaded
  the billing cycle and painted it, then from each of the keys 2-5 and 1 until the frame
  that shows its screen, on the empty organisation (the baseline) and on the five-year
  history, six times as many runs as the start-up figures (they are shorter, so
  noisier). A screen's table is filled while it is hidden; showing it is a layout and a
  frame of about 20 ms. A screen shown for the first time is laid out once more a frame
  or two later, when Textual has its size (the five-year history's scrollbar appears
  then): that pass is not counted, as it lands on the next of Textual's 60 frames a
  second, which made a figure move by 16 ms from run to run. For the same reason each key
  comes once the underline under the tabs has stopped sliding (0.3 s after a switch) and
  the screen has been still for 50 ms, as it has for a person who reads it, and with the
  young generation of the collector empty, so that a collection falls in a switch only if
  the switch allocates enough for one.

The databases are copies of the cached benchmark files: opening a database writes to it
(the write-ahead log), and cached files must stay as generated.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from . import history
from .core import Measurement, group, medians_ms, run

MAX_PAINT_RATIO = 1.3
MAX_SWITCH_MS = 150
SIZE = (120, 36)
DEADLINE_SECONDS = 60
_PAINTED = "painted-at-ns"
INVOICING_TABS = ("missing", "pending", "ready", "to-send", "sent")
# A key comes some frames after the last one, as a person's does: Textual draws at most
# every 1/60 s, so a key pressed just after a frame would wait up to that long.
QUIET_SECONDS = 0.05
INVOICING_RUNS_EACH = 6  # runs of the invoicing area per run of a start-up

# Runs in the measured process before anything else: every App.run becomes a headless run
# whose auto-pilot waits until ready(app) holds, then for the screen refresh that shows it,
# writes the monotonic instant of that paint to standard output and exits. Polling every
# 2 ms keeps the error of the measurement small. The instant is taken in the callback that
# follows the paint, not when the auto-pilot next runs: from the first frame on, `tally`
# opens the database in a thread, which may hold the interpreter for milliseconds first.
# The write goes to the file descriptor: Textual captures print() while an app runs.
_HEADLESS = f"""
import asyncio, os, time
from textual.app import App

_run = App.run

def _headless(self, *args, **kwargs):
    async def auto_pilot(pilot):
        app = pilot.app
        deadline = time.monotonic() + {DEADLINE_SECONDS}
        while not ready(app):
            if time.monotonic() > deadline:
                app.exit(return_code=1, message="the first screen never showed its data")
                return
            await asyncio.sleep(0.002)
        painted_at = []
        painted = asyncio.Event()

        def stamp():
            painted_at.append(time.monotonic_ns())
            painted.set()

        app.screen.call_after_refresh(stamp)
        await painted.wait()
        os.write(1, b"{_PAINTED} %d\\n" % painted_at[0])
        app.exit()

    return _run(self, headless=True, auto_pilot=auto_pilot, size={SIZE})

App.run = _headless
"""

# The real `tally` start-up path (the console script calls tallytui.cli.main): ready at
# once (its first frame), or once the review screen holds its week.
_TALLY_MAIN = """
from tallytui.cli import main
main()
"""
_TALLY_FIRST_FRAME = _HEADLESS + "\ndef ready(app):\n    return True\n" + _TALLY_MAIN
_TALLY_WEEK = (
    _HEADLESS
    + """
def ready(app):
    return getattr(app.screen, "week", None) is not None
"""
    + _TALLY_MAIN
)

# The floor: an empty Textual app, ready as soon as it runs.
_FLOOR = (
    _HEADLESS
    + """
from textual.widgets import Label

def ready(app):
    return True

class Floor(App):
    def compose(self):
        yield Label("floor")

Floor().run()
"""
)


@contextmanager
def _copies() -> Iterator[tuple[Path, Path]]:
    """Private copies of the empty and the large database, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tally-tui-bench-") as folder:
        empty = Path(folder) / "empty.db"
        large = Path(folder) / "large.db"
        shutil.copyfile(history.empty().path, empty)
        shutil.copyfile(history.large().path, large)
        yield empty, large


def _first_paint(empty: Path, large: Path, runs: int) -> list[Measurement]:
    def tally(code: str, path: Path, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        return [sys.executable, "-c", code, "--db", str(path)], env

    empty_env, large_env = history.empty().env, history.large().env
    floor, on_empty, on_large, week_empty, week_large = medians_ms(
        [
            ([sys.executable, "-c", _FLOOR], {}),
            tally(_TALLY_FIRST_FRAME, empty, empty_env),
            tally(_TALLY_FIRST_FRAME, large, large_env),
            tally(_TALLY_WEEK, empty, empty_env),
            tally(_TALLY_WEEK, large, large_env),
        ],
        runs,
        _until_painted_ms,
    )
    return [
        Measurement("first paint: empty Textual app (floor)", floor),
        Measurement(
            "first paint: tally, empty organisation", on_empty, floor, max_ratio=MAX_PAINT_RATIO
        ),
        Measurement(
            "first paint: tally, five-year history", on_large, floor, max_ratio=MAX_PAINT_RATIO
        ),
        Measurement("week shown: tally, empty organisation (vs floor)", week_empty, floor),
        Measurement(
            "week shown: tally, five-year history (vs empty)",
            week_large,
            week_empty,
            max_ratio=MAX_PAINT_RATIO,
        ),
    ]


def _until_painted_ms(argv: list[str], env: dict[str, str]) -> float:
    """Milliseconds from starting the process to the paint it reports."""
    started = time.monotonic_ns()
    output = run(argv, env)
    painted = next(line for line in output.splitlines() if line.startswith(_PAINTED))
    return (int(painted.split()[1]) - started) / 1e6


async def _switches(switches: int) -> list[float]:
    """Go back ``switches + 1`` weeks, then time each ``]`` until its week is painted;
    the first forward switch is a warm-up and not counted."""
    from tallytui.ui.app import TallyApp
    from tallytui.ui.context import Session

    app = TallyApp(Session(history.ADMIN, "benchmark"), history.TIMEZONE)
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await _until(lambda: screen.week is not None)
        first = screen.week.first
        for back in range(1, switches + 2):
            await pilot.press("left_square_bracket")
            await _shown(screen, first - timedelta(weeks=back))
        for index in range(switches + 1):
            await pilot.pause()  # idle again: nothing of the last switch is left to do
            following = screen.week.first + timedelta(weeks=1)
            began = time.perf_counter()
            app.simulate_key("right_square_bracket")  # as from the terminal; no waiting
            await _shown(screen, following)
            if index:
                times.append((time.perf_counter() - began) * 1000)
    return times


async def _shown(screen, first: date) -> None:
    """Wait until the review holds the week starting ``first`` and has been repainted."""
    await _until(lambda: screen.week is not None and screen.week.first == first)
    await _painted(screen)


async def _until(condition, deadline_seconds: float = DEADLINE_SECONDS) -> None:
    deadline = time.monotonic() + deadline_seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the interface did not get there in {deadline_seconds} s")
        await asyncio.sleep(0.001)


def _week_switch(large: Path, runs: int) -> Measurement:
    from tallytui.store.db import open_database

    database = open_database(str(large))
    try:
        with history.clock(history.NOW):
            times = asyncio.run(_switches(max(runs, 5)))
    finally:
        database.close()
    return Measurement(
        "week switch ] (five-year history)", statistics.median(times), max_ms=MAX_SWITCH_MS
    )


async def _invoicing_times() -> dict[str, float]:
    """Milliseconds from F5 until the cycle is painted, then from each tab key until its
    screen is painted."""
    from textual.widgets import TabbedContent

    from tallytui.ui.app import TallyApp
    from tallytui.ui.context import Session

    app = TallyApp(Session(history.ADMIN, "benchmark"), history.TIMEZONE)
    times: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: getattr(app.screen, "week", None) is not None)
        await pilot.pause()
        began = time.perf_counter()
        app.simulate_key("f5")
        await _until(lambda: getattr(app.screen, "cycle", None) is not None)
        await _painted(app.screen)
        times["F5 to the billing cycle"] = (time.perf_counter() - began) * 1000
        screen = app.screen
        # A screen is shown by the first layout of the screen after its tab became active:
        # Textual paints the frame inside it. The key, the layout and that frame are
        # usually all handled before a poll would see the new tab, and waiting for the
        # next frame from there timed an unrelated later one.
        switched: list[bool] = []
        shown = asyncio.Event()
        screen.watch(
            screen.query_one(TabbedContent), "active", lambda: switched.append(True), init=False
        )
        screen.screen_layout_refresh_signal.subscribe(
            screen, lambda _: switched and shown.set(), immediate=True
        )
        # Missing data shows first; it is timed last, coming back to it from Sent.
        for key, tab in [*zip("2345", INVOICING_TABS[1:], strict=True), ("1", "missing")]:
            # The underline under the tabs slides for 0.3 s after a switch, a frame every
            # 1/60 s: a key pressed meanwhile waits for the next of those frames, up to
            # 16 ms that have nothing to do with the screen. It starts after the switch's
            # frame, hence the pause before waiting for it.
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await asyncio.sleep(QUIET_SECONDS)
            # Young objects are collected every so many allocations, wherever that count
            # runs out: from one key to the next it differed between the two databases,
            # so one's figure of a screen had the collection and the other's did not.
            # Each key finds the young generation empty: a switch has a collection
            # only if it allocates enough for one itself.
            gc.collect(0)
            switched.clear()
            shown.clear()
            began = time.perf_counter()
            app.simulate_key(key)
            await asyncio.wait_for(shown.wait(), DEADLINE_SECONDS)
            times[f"screen {key} {tab}"] = (time.perf_counter() - began) * 1000
            if screen.tab != tab:
                raise RuntimeError(f"key {key} showed {screen.tab}, not {tab}")
    return times


async def _painted(screen) -> None:
    painted = asyncio.Event()
    screen.call_after_refresh(painted.set)
    await painted.wait()


def _invoicing(empty: Path, large: Path, runs: int) -> list[Measurement]:
    """Each figure is the median of ``INVOICING_RUNS_EACH`` times ``runs`` runs per
    database: a screen's figure of 15 to 25 ms moved by up to a tenth from one set of 21
    runs to the next on a shared machine, where a start-up of 200 ms moves by a
    twentieth."""
    from tallytui.store.db import open_database

    samples: dict[Path, list[dict[str, float]]] = {empty: [], large: []}
    with history.clock(history.NOW):
        for _ in range(runs * INVOICING_RUNS_EACH):
            for path in (empty, large):  # alternating, so load drifts hit both alike
                # Each app sets aside from the collector all that lives when it starts,
                # the earlier runs' leftovers too: start each from a collected heap, as a
                # fresh process would.
                gc.unfreeze()
                gc.collect()
                database = open_database(str(path))
                try:
                    samples[path].append(asyncio.run(_invoicing_times()))
                finally:
                    database.close()
    measurements = []
    for name in samples[empty][0]:
        baseline = statistics.median(run[name] for run in samples[empty])
        measured = statistics.median(run[name] for run in samples[large])
        measurements.append(
            Measurement(
                f"invoicing, {name} (five-year history vs empty)",
                measured,
                baseline,
                max_ratio=MAX_PAINT_RATIO,
            )
        )
    return measurements


@group("tui-paint")
def tui_paint(runs: int) -> list[Measurement]:
    """First paint of the terminal interface against an empty Textual app; week switch;
    the invoicing area's screens on the five-year history against an empty one."""
    with _copies() as (empty, large):
        measurements = _first_paint(empty, large, runs)
        measurements.append(_week_switch(large, runs))
        measurements += _invoicing(empty, large, runs)
    return measurements
