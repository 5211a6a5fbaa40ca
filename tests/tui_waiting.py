"""Waiting for the app the way a user would: until its workers finish and their messages
have been handled, never for a fixed time."""

from __future__ import annotations

from textual.worker import WorkerState


async def settle(app, pilot) -> None:
    quiet = 0
    for _ in range(500):
        await pilot.pause(0.01)
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            return
    raise AssertionError(f"the app did not settle: {[(w.name, w.state) for w in app.workers]}")


async def until(pilot, condition, what: str) -> None:
    """Wait (up to 5 s) for ``condition``: a reload reaches the screen a few messages after
    its worker ends, later on a busy machine."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")
