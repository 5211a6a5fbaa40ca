"""Following writes made elsewhere (the CLI, another terminal, a teammate) while the
interface is open: a thread asks the database twice a second whether anyone committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress

POLL_EVERY = 0.5  # seconds: a change shows within a second, at no cost worth measuring


class ChangeWatcher(threading.Thread):
    """Not a Textual worker: it runs as long as the app, and waiting for the app's
    workers to finish must not wait for it. Its connection is its own, opened and used
    in this thread only."""

    every = POLL_EVERY

    def __init__(self, url: str, report: Callable[[], None]) -> None:
        super().__init__(name="tally-changes", daemon=True)
        self.url, self.report = url, report
        self.wake = threading.Event()
        self.stopped = False
        self.absorbing = False

    def absorb(self) -> None:
        """The app's own write, already reloaded: take it as seen, not as news."""
        self.absorbing = True
        self.wake.set()

    def stop(self) -> None:
        self.stopped = True
        self.wake.set()

    def run(self) -> None:
        from ..store.changes import open_changes

        source = None
        while not self.stopped:
            absorbing, self.absorbing = self.absorbing, False
            try:
                if source is None:
                    source = open_changes(self.url)  # again after the server went away
                elif source.changed(sync=absorbing) and not absorbing:
                    self.report()
            except Exception:
                # A server restarting, a file moved away: try again on the next round;
                # the areas still reload after the app's own writes and on ctrl+r.
                source = _closed(source)
            self.wake.wait(self.every)
            self.wake.clear()
        _closed(source)


def _closed(source) -> None:
    if source is not None:
        with suppress(Exception):  # already broken: nothing left to release
            source.close()
