"""What every area shares: the status line, and failed workers shown as notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..messages import DataChanged, Opened

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ..modals.text_prompt import Parse


def connection() -> AbstractContextManager:
    """A connection for one worker's reads and writes. The database layer is imported
    here, in the worker, and not with the first screen: with the services it took a
    fifth of the start."""
    from ...store.models import db

    return db.connection_context()


class AreaScreen(Screen):
    """A top-level area. Worker state messages do not bubble, so each screen reports its
    own workers' failures; the app never dies of one.

    An area loads when first shown (or, if shown before the database is open, once it is),
    after every write of the app, while shown when another process commits (the app's
    watcher), on ctrl+r, and when shown again after any of these; closing a dialog that
    changed nothing does not reload it.
    """

    loaded_at = -1  # the app's count of writes when this area last loaded

    def load(self) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        self.loaded_at = self.app.writes
        self.load()

    def on_screen_resume(self) -> None:
        if self.app.is_open and self.loaded_at != self.app.writes:
            self.reload()

    def on_opened(self, _: Opened) -> None:
        self.reload()

    def on_data_changed(self, _: DataChanged) -> None:
        self.reload()

    @work(thread=True, exit_on_error=False, group="area-write")
    def change(
        self,
        act: Callable[[], object],
        summary: str | Callable[[object], str],
        then: Callable[[object], None] | None = None,
    ) -> None:
        """Run one write in a worker, say what it did, and have the areas reload."""
        with connection():
            result = act()
        text = summary(result) if callable(summary) else summary
        if then is not None:
            then(result)
        self.app.call_from_thread(self.notify, text)
        self.app.post_message(DataChanged(text))

    def ask(self, title: str, value: str, placeholder: str, parse: Parse | None, then) -> None:
        """One line of text; ``then`` gets what ``parse`` read from it, or the text stripped.
        Dialogs are imported when first opened, not with the first screen."""
        from ..modals.text_prompt import TextPrompt

        self.app.push_screen(
            TextPrompt(title, value, placeholder, parse or str.strip),
            lambda answer: answer is not None and then(answer),
        )

    def confirm(self, question: str, detail: str, then: Callable[[], None]) -> None:
        from ..modals.confirm import Confirm

        self.app.push_screen(Confirm(question, detail), lambda yes: yes and then())

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(str(event.worker.error), title="Not done", severity="error", timeout=8)
